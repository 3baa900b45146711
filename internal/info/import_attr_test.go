package info_test

import (
	"context"
	"strings"
	"testing"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
)

// importLines imports lines in one transaction, as the command line does.
func (w *world) importLines(t *testing.T, lines ...string) (info.ImportResult, error) {
	t.Helper()
	var res info.ImportResult
	err := w.tx(t, func(ctx context.Context, tx *db.Tx) (err error) {
		res, err = info.Import(ctx, tx, "test", nil, strings.NewReader(strings.Join(lines, "\n")))
		return err
	})
	return res, err
}

func (w *world) records(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM info_records`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportAttributes imports records with their disclosure attributes:
// those not 主动公开 are kept approved, with the reason, and never reach
// what the public sees; a bad attribute, a missing reason or a publication
// date on one fails the whole file with its line, and nothing is written.
func TestImportAttributes(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		good := `{"unit":"440105-001","index_no":"A-1","title":"赤岗街道公开文件","written_date":"2024-03-01","published_date":"2024-03-02","body_text":"公开"}`
		for _, c := range []struct {
			name, line, want string
		}{
			{"bad attribute", `{"unit":"440105-001","index_no":"A-2","title":"文件","written_date":"2024-03-01","attribute":"内部公开","reason":"x"}`,
				"第2行的“attribute”无效：内部公开"},
			{"missing reason", `{"unit":"440105-001","index_no":"A-2","title":"文件","written_date":"2024-03-01","attribute":"不予公开"}`,
				"第2行缺少“reason”。"},
			{"blank reason", `{"unit":"440105-001","index_no":"A-2","title":"文件","written_date":"2024-03-01","attribute":"on_request","reason":"  "}`,
				"第2行缺少“reason”。"},
			{"published date on one not proactive", `{"unit":"440105-001","index_no":"A-2","title":"文件","written_date":"2024-03-01","published_date":"2024-03-02","attribute":"依申请公开","reason":"第十六条"}`,
				"第2行的信息不是主动公开"},
			{"proactive without a published date", `{"unit":"440105-001","index_no":"A-2","title":"文件","written_date":"2024-03-01","attribute":"主动公开"}`,
				"第2行的“published_date”无效"},
		} {
			_, err := w.importLines(t, good, c.line)
			if errs.KindOf(err) != errs.Invalid || !strings.Contains(errString(err), c.want) {
				t.Errorf("%s: %v, want %q", c.name, errString(err), c.want)
			}
			if n := w.records(t); n != 0 {
				t.Fatalf("%s: %d records written", c.name, n)
			}
		}

		res, err := w.importLines(t, good,
			`{"unit":"440105-001","index_no":"A-2","title":"赤岗街道依申请公开文件","written_date":"2024-03-01","attribute":"依申请公开","reason":"涉及第三方权益（条例第十五条）"}`,
			`{"unit":"440105-001","index_no":"A-3","title":"赤岗街道不予公开文件","written_date":"2024-03-01","attribute":"withheld","reason":"内部事务信息（条例第十六条）"}`,
			`{"unit":"440105-001","index_no":"A-4","title":"赤岗街道免予公开文件","written_date":"2024-03-01","attribute":"免予公开","reason":"过程性信息"}`,
			`{"unit":"440105-001","index_no":"A-5","title":"赤岗街道另一公开文件","written_date":"2024-03-01","published_date":"2024-03-05","attribute":"主动公开"}`)
		if err != nil || res.Created != 5 {
			t.Fatalf("import: %+v %v", res, err)
		}
		for idx, want := range map[string]struct {
			attr, reason string
			status       info.Status
		}{
			"A-1": {info.Active, "", info.Published}, "A-2": {info.OnRequest, "涉及第三方权益（条例第十五条）", info.Approved},
			"A-3": {info.Withheld, "内部事务信息（条例第十六条）", info.Approved}, "A-4": {info.Withheld, "过程性信息", info.Approved},
			"A-5": {info.Active, "", info.Published},
		} {
			r, err := info.ByIndexNo(ctx, d, idx)
			if err != nil || r.Attribute != want.attr || r.AttributeReason != want.reason || r.Status != want.status || r.Public() != (want.status == info.Published) {
				t.Errorf("%s: %s %q %s (%v), want %+v", idx, r.Attribute, r.AttributeReason, r.Status, err, want)
			}
		}
		// What the public sees holds the proactive ones only.
		if n, _ := search(t, w, info.Query{Q: "赤岗街道"}); n != 2 {
			t.Errorf("search finds %d, want the 2 proactive", n)
		}
		if n, _ := search(t, w, info.Query{Q: "A-3"}); n != 0 {
			t.Errorf("search by the 索引号 of a withheld record finds %d", n)
		}
		recs, err := info.PublishedRecords(ctx, d, info.Filter{UnitID: w.cg.ID})
		if err != nil || len(recs) != 2 {
			t.Errorf("published records: %d %v", len(recs), err)
		}
		if n, _ := info.PublishedCount(ctx, d); n != 2 {
			t.Errorf("published count %d", n)
		}
		// A reviewer cannot publish one of them.
		r, _ := info.ByIndexNo(ctx, d, "A-2")
		err = w.tx(t, func(ctx context.Context, tx *db.Tx) error { _, err := info.Publish(ctx, tx, w.reviewer, r); return err })
		if e := errs.As(err); e == nil || e.Key != "info.not_active" {
			t.Errorf("publishing an on-request record: %v", err)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return i18n.Error(i18n.Zh, err)
}
