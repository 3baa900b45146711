package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/db/dbtest"
)

// consolePages are the top-level console pages of routes.go.
var consolePages = []string{
	"/admin/", "/admin/password", "/admin/units", "/admin/accounts", "/admin/calendar", "/admin/audit", "/admin/jobs",
	"/admin/catalogs", "/admin/guidelines", "/admin/info", "/admin/foi", "/admin/foi/proactive",
	"/admin/inspect", "/admin/inspect/rules", "/admin/rectification", "/admin/reports", "/admin/domain",
	"/admin/consultations", "/admin/rules", "/admin/training", "/admin/services", "/admin/opinion",
}

// TestMenuMatchesPermissions signs in as each demo role and checks that every
// link of the console menu opens, and every console page that opens is in
// the menu.
func TestMenuMatchesPermissions(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	for _, da := range app.DemoAccounts {
		t.Run(string(da.Role), func(t *testing.T) {
			c := e.as(da.Login, da.Password)
			res := c.get("/admin/")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("/admin/: status %d", res.StatusCode)
			}
			var menu []string
			for _, n := range find(t, res.Body, "nav.main-nav.admin a") {
				for _, a := range n.Attr {
					if a.Key == "href" {
						menu = append(menu, a.Val)
					}
				}
			}
			for _, href := range menu {
				if r := c.get(href); r.StatusCode != http.StatusOK {
					t.Errorf("menu link %s: status %d, want 200", href, r.StatusCode)
				}
			}
			for _, p := range consolePages {
				r := c.get(p)
				if r.StatusCode == http.StatusOK && !slices.Contains(menu, p) && !inMenuSection(menu, p) {
					t.Errorf("%s opens (200) but is not in the menu %v", p, menu)
				}
			}
		})
	}
}

// inMenuSection reports whether page p is reached from a menu entry's own
// page (a sub-page such as /admin/inspect/rules under /admin/inspect).
func inMenuSection(menu []string, p string) bool {
	for _, m := range menu {
		if m != "/admin/" && strings.HasPrefix(p, m+"/") {
			return true
		}
	}
	return false
}
