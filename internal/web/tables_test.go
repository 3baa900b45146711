package web_test

import (
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db/dbtest"
)

// Every table of these pages is in a region a keyboard can reach and
// scroll (role=region, a label, tabindex=0), after a hint that it scrolls
// sideways (shown on narrow screens); the browser test measures the rest.
func TestTablesScrollInLabelledRegions(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	e.client().postForm("/ysqgk/sq/", applyForm())
	for _, p := range []struct {
		who  *client
		path string
	}{
		{e.client(), "/zwgk/bzh/440105-001/21/"},
		{e.asDemo(auth.PublicOfficeDistrict), "/admin/foi"},
		{e.asDemo(auth.UnitEditor), "/admin/info"},
		{e.asDemo(auth.UnitEditor), "/admin/reports?unit=440105-001&year=2025"},
		{e.asDemo(auth.Admin), "/admin/audit"},
	} {
		body := p.who.get(p.path).Body
		tables := len(find(t, body, "main table"))
		if tables == 0 {
			t.Errorf("%s: no table", p.path)
		}
		regions := find(t, body, `main div.table-wrap[role=region][tabindex="0"][aria-label], main div.table-wrap[role=region][tabindex="0"][aria-labelledby]`)
		if len(regions) == 0 || len(find(t, body, "main div.table-wrap")) != len(regions) {
			t.Errorf("%s: %d labelled regions of %d", p.path, len(regions), len(find(t, body, "main div.table-wrap")))
		}
		if got := len(find(t, body, "main p.scroll-hint + div.table-wrap")); got != len(regions) {
			t.Errorf("%s: %d regions after a hint, want %d", p.path, got, len(regions))
		}
		if got := len(find(t, body, "main div.table-wrap table")); got != tables {
			t.Errorf("%s: %d of %d tables in a region", p.path, got, tables)
		}
	}
}
