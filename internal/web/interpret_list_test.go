package web_test

import (
	"context"
	"strconv"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/interpret"
	"gongkai/internal/org"
)

// The console's list of interpretations pages through them all, 20 a page.
func TestInterpretationConsoleListPages(t *testing.T) {
	d := dbtest.SQLite(t)
	e := newEnv(t, d)
	ctx := context.Background()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		ed, err := auth.ByLogin(ctx, tx, "chigang-editor")
		if err != nil {
			return err
		}
		cg, err := org.ByCode(ctx, tx, "440105-001")
		if err != nil {
			return err
		}
		p, err := info.Create(ctx, tx, ed, cg, info.Input{Title: "赤岗街道停车收费管理办法", Genre: "办法", WrittenDate: "2026-08-18", Body: "<p>自2026年9月1日起施行。</p>"})
		if err != nil {
			return err
		}
		for i := range 21 {
			if _, err := interpret.Create(ctx, tx, ed, cg, p, interpret.Input{Title: "解读第" + strconv.Itoa(i+1) + "篇", Form: "text", Body: "<p>要点。</p>"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	editor := e.asDemo(auth.UnitEditor)
	body := editor.get("/admin/interpretations").Body
	if rows := find(t, body, "#interpretations tbody tr"); len(rows) != 20 || len(find(t, body, `nav.pager a[href*="page=2"]`)) == 0 {
		t.Errorf("page 1: %d rows, pager %d links", len(rows), len(find(t, body, "nav.pager a")))
	}
	if rows := find(t, editor.get("/admin/interpretations?page=2").Body, "#interpretations tbody tr"); len(rows) != 1 {
		t.Errorf("page 2: %d rows, want 1", len(rows))
	}
}
