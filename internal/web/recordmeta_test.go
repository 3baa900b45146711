package web_test

import (
	"testing"

	"gongkai/internal/db/dbtest"
)

// The public record page shows only the metadata a record has: the demo's
// first record has no 发文字号, so no such row.
func TestRecordPageHidesEmptyMetadata(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	body := e.client().get("/zwgk/info/1/").Body
	ths := find(t, body, "table.meta-table th")
	if len(ths) < 6 {
		t.Fatalf("%d metadata rows", len(ths))
	}
	if len(find(t, body, "table.meta-table th + td:empty")) != 0 {
		t.Errorf("an empty metadata value is shown: %s", excerpt(body, "<td></td>"))
	}
	for _, th := range ths {
		if th.FirstChild != nil && th.FirstChild.Data == "发文字号" {
			t.Error("the record has no 发文字号 but the page shows the row")
		}
	}
	if got := text(t, body, "table.meta-table tr:first-child th"); got != "索引号" {
		t.Errorf("first metadata label %q", got)
	}
}
