package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"gongkai/internal/db/dbtest"
)

// The search page has one search box and, in the same GET form, every
// filter /api/v1/search takes, keeping what was chosen; a filter changes
// the hits.
func TestSearchPageFilters(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	res := c.get("/search?q=" + url.QueryEscape("津贴"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if n := len(find(t, res.Body, `input[type=search], input[name=q]`)); n != 1 {
		t.Errorf("%d search boxes on the search page, want 1", n)
	}
	for _, sel := range []string{`form[method=get][action="/search"] select[name=unit] option[value="440105-001"]`,
		`form[action="/search"] select[name=domain] option[value="21"]`, `form[action="/search"] input[name=from][type=date]`,
		`form[action="/search"] input[name=to][type=date]`, `form[action="/search"] select[name=validity] option[value=""]`,
		`form[action="/search"] select[name=validity] option[value=repealed]`, `label[for=s-unit]`, `label[for=s-domain]`} {
		if len(find(t, res.Body, sel)) == 0 {
			t.Errorf("no %s", sel)
		}
	}
	if n := len(find(t, res.Body, `form[action="/search"] select[name=domain] option[value]`)); n < 27 {
		t.Errorf("%d domain options, want the 26 domains and 全部", n)
	}
	all := len(find(t, res.Body, `ol.hits > li`))
	if all == 0 {
		t.Fatal("no hits for 津贴")
	}

	res = c.get("/search?q=" + url.QueryEscape("津贴") + "&unit=440104&domain=21&from=2026-01-01&to=2026-12-31&validity=valid")
	if n := len(find(t, res.Body, `ol.hits > li`)); n != 0 {
		t.Errorf("%d hits of 越秀区 for 津贴, want 0", n)
	}
	for sel, want := range map[string]string{
		`select[name=unit] option[selected]`: "440104", `select[name=domain] option[selected]`: "21",
		`select[name=validity] option[selected]`: "valid", `input[name=from]`: "2026-01-01", `input[name=to]`: "2026-12-31",
	} {
		if got := attr(t, res.Body, sel, "value"); got != want {
			t.Errorf("%s = %q after submit, want %q", sel, got, want)
		}
	}
	res = c.get("/search?q=" + url.QueryEscape("津贴") + "&unit=440105-001")
	if n := len(find(t, res.Body, `ol.hits > li`)); n != all {
		t.Errorf("%d hits of 赤岗街道 for 津贴, want %d", n, all)
	}
}
