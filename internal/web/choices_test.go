package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db/dbtest"
)

// choices are the check boxes and radio buttons a person ticks by their
// words; one in a table cell named by aria-label has no words beside it.
const (
	choices        = `input[type=checkbox]:not([aria-label]), input[type=radio]:not([aria-label])`
	choicesInLabel = `label input[type=checkbox]:not([aria-label]), label input[type=radio]:not([aria-label])`
)

// Every check box and radio button sits inside its label, so the box and
// its words are one click target and the stylesheet keeps them on one line
// (the browser test measures that).
func TestChoicesAreInsideTheirLabels(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	editor := e.asDemo(auth.UnitEditor)
	district := e.asDemo(auth.PublicOfficeDistrict)
	admin := e.asDemo(auth.Admin)

	res := editor.postForm("/admin/info", url.Values{"unit": {"440105-001"}, "title": {"赤岗街道服务项目公示"}, "written_date": {"2026-11-20"},
		"attribute": {"active"}, "validity": {"valid"}, "genre": {"公示"}, "body": {"<p>服务项目。</p>"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create record: %d", res.StatusCode)
	}
	record := strings.Split(res.Header.Get("Location"), "?")[0]
	res = district.postForm("/admin/inspect", url.Values{"scope": {"440105"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("run: %d", res.StatusCode)
	}
	res = district.postForm(res.Header.Get("Location")+"/notices", url.Values{"unit": {"440105-001"}, "days": {"10"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("notice: %d", res.StatusCode)
	}
	notice := res.Header.Get("Location")

	for _, p := range []struct {
		who  *client
		path string
	}{
		{e.client(), "/ysqgk/sq/"},
		{editor, record},
		{editor, notice},
		{editor, "/admin/catalogs/440105-001/21"},
		{admin, "/admin/accounts/chigang-editor"},
	} {
		body := p.who.get(p.path).Body
		all, labelled := len(find(t, body, choices)), len(find(t, body, choicesInLabel))
		if all == 0 {
			t.Errorf("%s: no check boxes or radio buttons to check", p.path)
		}
		if labelled != all {
			t.Errorf("%s: %d of %d check boxes and radio buttons are outside their label", p.path, all-labelled, all)
		}
	}
}
