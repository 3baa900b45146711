package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

// TestTokensPage: the unit's reviewer makes a token in the console, sees
// it once, and revoking it there makes the API answer 401.
func TestTokensPage(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		reviewer := e.asDemo(auth.UnitReviewer)
		res := reviewer.get("/admin/tokens")
		if res.StatusCode != http.StatusOK || len(find(t, res.Body, `nav a[href="/admin/tokens"]`)) != 1 {
			t.Fatalf("tokens page: %d", res.StatusCode)
		}
		res = reviewer.postForm("/admin/tokens", url.Values{"unit": {"440105-001"}, "name": {""}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#name-error") == "" {
			t.Errorf("no name: %d", res.StatusCode)
		}
		res = reviewer.postForm("/admin/tokens", url.Values{"unit": {"440105-001"}, "name": {"民政业务系统"}, "publish": {"1"}})
		secret := text(t, res.Body, "#new-token")
		if res.StatusCode != http.StatusCreated || !strings.HasPrefix(secret, auth.TokenPrefix) || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("create: %d %q", res.StatusCode, secret)
		}
		// Listed by its start, never whole, and only on the page that made it.
		list := reviewer.get("/admin/tokens").Body
		if strings.Contains(list, secret) || !strings.Contains(text(t, list, "#tokens tbody"), secret[:11]) {
			t.Error("the list shows the whole token, or not its start")
		}
		body := apiRecordBody("赤岗街道2026年12月养老服务信息")
		body["publish"] = true
		rec := recordOf(t, e.api(secret, "POST", "/api/v1/admin/info", body), http.StatusCreated)
		if rec.Status != "published" {
			t.Errorf("published by a console-made token: %q", rec.Status)
		}
		action := attr(t, list, "#tokens form", "action")
		if res := reviewer.postForm(action, nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke %s: %d", action, res.StatusCode)
		}
		refused(t, e.api(secret, "GET", "/api/v1/admin/info/"+strconv.FormatInt(rec.ID, 10), nil), http.StatusUnauthorized)
		if got := text(t, reviewer.get("/admin/tokens").Body, "#tokens .badge"); !strings.Contains(got, "chigang-reviewer") {
			t.Errorf("revoked token shown as %q", got)
		}
	})
}

// TestTokensScope: only administrators (for units in scope) and a unit's
// own reviewer manage its tokens; everyone else is refused and nothing
// changes.
func TestTokensScope(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newScopeWorld(t, d)
		tok, _ := w.newToken("440105-001", "赤岗系统", true)
		revoke := "/admin/tokens/" + strconv.FormatInt(tok.ID, 10) + "/revoke"
		create := url.Values{"unit": {"440105-001"}, "name": {"越权令牌"}, "publish": {"1"}}
		before := w.snapshot(t)
		for _, tc := range []refusal{
			{string(auth.UnitEditor), "GET", "/admin/tokens", nil, []int{http.StatusForbidden}},
			{string(auth.UnitEditor), "POST", "/admin/tokens", create, []int{http.StatusForbidden}},
			{string(auth.UnitEditor), "POST", revoke, nil, []int{http.StatusForbidden}},
			{string(auth.PublicOfficeDistrict), "GET", "/admin/tokens", nil, []int{http.StatusForbidden}},
			{string(auth.PublicOfficeDistrict), "POST", revoke, nil, []int{http.StatusForbidden}},
			{string(auth.DomainSupervisor), "POST", "/admin/tokens", create, []int{http.StatusForbidden}},
			{"xg-reviewer", "POST", "/admin/tokens", create, []int{http.StatusBadRequest}},
			{"xg-reviewer", "POST", revoke, nil, []int{http.StatusNotFound}},
			{"bj-reviewer", "POST", revoke, nil, []int{http.StatusNotFound}},
			{"bj-reviewer", "POST", "/admin/tokens/999999/revoke", nil, []int{http.StatusNotFound}},
		} {
			c := w.clients[tc.who]
			var res response
			if tc.method == "GET" {
				res = c.get(tc.path)
			} else {
				res = c.postForm(tc.path, tc.form)
			}
			if !slices.Contains(tc.want, res.StatusCode) {
				t.Errorf("%s %s %s: %d, want %v", tc.who, tc.method, tc.path, res.StatusCode, tc.want)
			}
		}
		// Other units' reviewers do not see the token.
		if body := w.clients["xg-reviewer"].get("/admin/tokens").Body; strings.Contains(body, "赤岗系统") {
			t.Error("新港's reviewer sees 赤岗's token")
		}
		unchanged(t, "refused token requests", before, w.snapshot(t))
		// An administrator above the unit sees and revokes it.
		admin := w.clients[string(auth.Admin)]
		if body := admin.get("/admin/tokens").Body; !strings.Contains(body, "赤岗系统") {
			t.Error("the administrator does not see 赤岗's token")
		}
		if res := admin.postForm(revoke, nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("administrator revokes: %d", res.StatusCode)
		}
	})
}
