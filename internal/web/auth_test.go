package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/org"
)

func TestLoginWrongPasswordKeepsLogin(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		res := c.postForm("/admin/login", url.Values{"login": {"admin"}, "password": {"wrong-password-1"}})
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password: status %d", res.StatusCode)
		}
		if got := attr(t, res.Body, "input#login", "value"); got != "admin" {
			t.Errorf("login field holds %q after a failed login", got)
		}
		if got := attr(t, res.Body, "input#password", "value"); got != "" {
			t.Errorf("password echoed back: %q", got)
		}
		if msg := text(t, res.Body, "#login-error"); msg == "" {
			t.Error("no error message shown")
		}
		if sessionCookie(res) != nil {
			t.Error("a failed login set a session cookie")
		}
		// Still anonymous.
		if res := c.get("/admin/"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("after a failed login the console answered %d", res.StatusCode)
		}
	})
}

func sessionCookie(res response) *http.Cookie {
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "gongkai_session" && c.Value != "" {
			return c
		}
	}
	return nil
}

func TestLoginSessionCookieAndNext(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	res := c.postForm("/admin/login", url.Values{"login": {"admin"}, "password": {"gongkai-admin-2026"}, "next": {"/admin/units"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/units" {
		t.Fatalf("login: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	ck := sessionCookie(res)
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/", ck)
	}
	// An off-site next is ignored.
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		res := e.client().postForm("/admin/login", url.Values{"login": {"admin"}, "password": {"gongkai-admin-2026"}, "next": {next}})
		if loc := res.Header.Get("Location"); loc != "/admin/" {
			t.Errorf("next=%q redirected to %q", next, loc)
		}
	}
	// Logout ends the session on the server, not only in the browser.
	token := ck.Value
	if res := c.postForm("/admin/logout", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if _, err := auth.Authenticate(context.Background(), e.db, token); err == nil {
		t.Error("the session still authenticates after logout")
	}
}

func TestAnonymousIsSentToLogin(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	for _, p := range []string{"/admin/", "/admin/units", "/admin/accounts/admin", "/admin/calendar"} {
		res := c.get(p)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/login?next="+url.QueryEscape(p) {
			t.Errorf("GET %s: %d to %q", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	res := c.get("/api/v1/admin/units")
	if res.StatusCode != http.StatusUnauthorized || jsonErrCode(t, res) != "unauthorized" {
		t.Errorf("anonymous API: %d %s", res.StatusCode, res.Body)
	}
	res = c.postForm("/admin/units", url.Values{"code": {"440105-999"}, "name": {"x"}, "kind": {"street"}, "parent": {"440105"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous POST: %d", res.StatusCode)
	}
	assertNoUnit(t, e, "440105-999")
}

func assertNoUnit(t *testing.T, e *env, code string) {
	t.Helper()
	if _, err := org.ByCode(context.Background(), e.db, code); err == nil {
		t.Errorf("unit %s exists, but should not", code)
	}
}

func TestLoginThrottled(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	for i := 0; i < auth.MaxFailuresPerLogin; i++ {
		if res := c.postForm("/admin/login", url.Values{"login": {"haizhu-office"}, "password": {"not-it-1234"}}); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, res.StatusCode)
		}
	}
	// Even the right password is refused while the login is locked.
	res := c.postForm("/admin/login", url.Values{"login": {"haizhu-office"}, "password": {"gongkai-district-2026"}})
	if res.StatusCode != http.StatusTooManyRequests || sessionCookie(res) != nil {
		t.Fatalf("locked login: %d", res.StatusCode)
	}
	if text(t, res.Body, "#login-error") == "" {
		t.Error("no message for a locked login")
	}
	// Other logins are not affected.
	e.as("admin", "gongkai-admin-2026")
	// After the window the lock lifts.
	later := time.Now().Add(auth.ThrottleWindow + time.Minute)
	e.db.SetClock(func() time.Time { return later })
	e.as("haizhu-office", "gongkai-district-2026")
}

func TestSessionExpires(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.as("admin", "gongkai-admin-2026")
	if res := c.get("/admin/"); res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d", res.StatusCode)
	}
	later := time.Now().Add(auth.IdleTimeout + time.Minute)
	e.db.SetClock(func() time.Time { return later })
	if res := c.get("/admin/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after %s idle the dashboard answered %d", auth.IdleTimeout, res.StatusCode)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.as("admin", "gongkai-admin-2026")
		body := `{"code":"440105-901","name":"跨站街道","kind":"street","parent":"440105"}`
		for _, h := range []map[string]string{
			{"Sec-Fetch-Site": "cross-site"},
			{"Origin": "https://evil.example"},
			{"Sec-Fetch-Site": "same-site", "Origin": "https://sub.example"},
		} {
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/admin/units", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			for k, v := range h {
				req.Header.Set(k, v)
			}
			if res := c.do(req); res.StatusCode != http.StatusForbidden {
				t.Errorf("POST with %v: status %d", h, res.StatusCode)
			}
			form := url.Values{"code": {"440105-901"}, "name": {"跨站街道"}, "kind": {"street"}, "parent": {"440105"}}
			req, _ = http.NewRequest("POST", e.srv.URL+"/admin/units", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range h {
				req.Header.Set(k, v)
			}
			if res := c.do(req); res.StatusCode != http.StatusForbidden {
				t.Errorf("form POST with %v: status %d", h, res.StatusCode)
			}
		}
		assertNoUnit(t, e, "440105-901")
		// The same request from the site itself goes through.
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/admin/units", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if res := c.do(req); res.StatusCode != http.StatusCreated {
			t.Fatalf("same-origin POST: %d %s", res.StatusCode, res.Body)
		}
	})
}

func TestDashboardPerRole(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	for _, role := range auth.Roles {
		res := e.asDemo(role).get("/admin/")
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s dashboard: %d", role, res.StatusCode)
			continue
		}
		if got := attr(t, res.Body, "h1", "data-role"); got != string(role) {
			t.Errorf("%s sees the dashboard of %q", role, got)
		}
		if strings.Contains(res.Body, "!!") {
			t.Errorf("%s dashboard: missing text: %s", role, excerpt(res.Body, "!!"))
		}
		// Only administrators see the units and accounts console.
		hasUnits := len(find(t, res.Body, `nav a[href="/admin/units"]`)) > 0
		if hasUnits != (role == auth.Admin) {
			t.Errorf("%s: units link shown = %v", role, hasUnits)
		}
	}
}

func TestNonAdminForbidden(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	for _, role := range auth.Roles {
		if role == auth.Admin {
			continue
		}
		c := e.asDemo(role)
		for _, p := range []string{"/admin/units", "/admin/units/new", "/admin/units/440105", "/admin/accounts", "/admin/accounts/admin", "/admin/calendar", "/admin/audit", "/admin/jobs"} {
			if res := c.get(p); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", role, p, res.StatusCode)
			}
		}
		if res := c.get("/api/v1/admin/accounts"); res.StatusCode != http.StatusForbidden || jsonErrCode(t, res) != "forbidden" {
			t.Errorf("%s API: %d", role, res.StatusCode)
		}
		res := c.postForm("/admin/units", url.Values{"code": {"440105-902"}, "name": {"x街道"}, "kind": {"street"}, "parent": {"440105"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s POST unit: %d", role, res.StatusCode)
		}
		res = c.postForm("/admin/accounts/admin/password", url.Values{"password": {"taken-over-123"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s reset admin password: %d", role, res.StatusCode)
		}
	}
	assertNoUnit(t, e, "440105-902")
	e.as("admin", "gongkai-admin-2026")
}

// districtAdmins adds an administrator for 海珠区 and one for 越秀区.
func districtAdmins(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	err := e.db.InTx(ctx, func(tx *db.Tx) error {
		for _, n := range []auth.NewAccount{
			{Login: "haizhu-admin", DisplayName: "海珠区管理员", Password: "haizhu-admin-2026", Role: auth.Admin, UnitCode: "440105"},
			{Login: "yuexiu-admin", DisplayName: "越秀区管理员", Password: "yuexiu-admin-2026", Role: auth.Admin, UnitCode: "440104"},
			{Login: "yuexiu-editor", DisplayName: "北京街编辑", Password: "yuexiu-editor-2026", Role: auth.UnitEditor, UnitCode: "440104-001"},
		} {
			if _, err := auth.CreateAccount(ctx, tx, "test", nil, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDistrictAdminCannotReachAnotherDistrict(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		districtAdmins(t, e)
		ctx := context.Background()
		c := e.as("haizhu-admin", "haizhu-admin-2026")

		// Its own district is reachable.
		for _, p := range []string{"/admin/units/440105", "/admin/units/440105-001", "/api/v1/admin/units/440105-001"} {
			if res := c.get(p); res.StatusCode != http.StatusOK {
				t.Errorf("own unit %s: %d", p, res.StatusCode)
			}
		}
		// Another district, its streets, and the city above are not, by page
		// or by API; they answer as if they did not exist.
		for _, code := range []string{"440104", "440104-001", "440100", "440100-14"} {
			for _, p := range []string{"/admin/units/" + code, "/api/v1/admin/units/" + code} {
				if res := c.get(p); res.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s: %d", p, res.StatusCode)
				}
			}
			before, err := org.ByCode(ctx, e.db, code)
			if err != nil {
				t.Fatal(err)
			}
			if res := c.postForm("/admin/units/"+code, url.Values{"name": {"改名"}, "sort": {"1"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST /admin/units/%s: %d", code, res.StatusCode)
			}
			if res := c.sendJSON("PUT", "/api/v1/admin/units/"+code, map[string]any{"name": "改名"}); res.StatusCode != http.StatusNotFound {
				t.Errorf("PUT /api/v1/admin/units/%s: %d", code, res.StatusCode)
			}
			after, _ := org.ByCode(ctx, e.db, code)
			if after.Name != before.Name {
				t.Errorf("unit %s renamed from %q to %q", code, before.Name, after.Name)
			}
		}
		// Creating a unit under another district is refused.
		res := c.postForm("/admin/units", url.Values{"code": {"440104-901"}, "name": {"越界街道"}, "kind": {"street"}, "parent": {"440104"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("form create under 越秀区: %d", res.StatusCode)
		}
		res = c.sendJSON("POST", "/api/v1/admin/units", map[string]any{"code": "440104-901", "name": "越界街道", "kind": "street", "parent": "440104"})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("API create under 越秀区: %d", res.StatusCode)
		}
		assertNoUnit(t, e, "440104-901")

		// Lists hold only its own subtree.
		var units struct{ Units []struct{ Code string } }
		decode(t, c.get("/api/v1/admin/units"), &units)
		if len(units.Units) < 2 {
			t.Fatalf("own units: %v", units.Units)
		}
		for _, u := range units.Units {
			if !strings.HasPrefix(u.Code, "440105") {
				t.Errorf("unit list shows %s", u.Code)
			}
		}
		page := c.get("/admin/units").Body
		if strings.Contains(page, "越秀区") || !strings.Contains(page, "赤岗街道") {
			t.Error("units page shows another district or misses its own streets")
		}

		// Accounts of another district: not listed, not readable, not changeable.
		for _, login := range []string{"yuexiu-admin", "yuexiu-editor", "admin"} {
			if res := c.get("/admin/accounts/" + login); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET account %s: %d", login, res.StatusCode)
			}
			if res := c.get("/api/v1/admin/accounts/" + login); res.StatusCode != http.StatusNotFound {
				t.Errorf("API GET account %s: %d", login, res.StatusCode)
			}
			if res := c.sendJSON("PUT", "/api/v1/admin/accounts/"+login, map[string]any{"display_name": "被改", "role": "unit_editor", "unit": "440105-001", "disabled": true}); res.StatusCode != http.StatusNotFound {
				t.Errorf("API PUT account %s: %d", login, res.StatusCode)
			}
			if res := c.postForm("/admin/accounts/"+login, url.Values{"display_name": {"被改"}, "role": {"unit_editor"}, "unit": {"440105-001"}, "disabled": {"1"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST account %s: %d", login, res.StatusCode)
			}
			if res := c.postForm("/admin/accounts/"+login+"/password", url.Values{"password": {"taken-over-123"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("reset password of %s: %d", login, res.StatusCode)
			}
		}
		e.as("yuexiu-admin", "yuexiu-admin-2026")
		e.as("yuexiu-editor", "yuexiu-editor-2026")
		acc, err := auth.ByLogin(ctx, e.db, "yuexiu-editor")
		if err != nil || acc.Disabled || acc.DisplayName != "北京街编辑" || acc.Unit.Code != "440104-001" {
			t.Errorf("yuexiu-editor changed: %+v %v", acc, err)
		}
		var accts struct {
			Accounts []struct{ Login, Unit string }
		}
		decode(t, c.get("/api/v1/admin/accounts"), &accts)
		for _, a := range accts.Accounts {
			if !strings.HasPrefix(a.Unit, "440105") {
				t.Errorf("account list shows %s of %s", a.Login, a.Unit)
			}
		}
		if strings.Contains(c.get("/admin/accounts").Body, "yuexiu-") {
			t.Error("accounts page lists 越秀区 accounts")
		}
		// Nor can it create an account in another district, or above itself.
		for _, unit := range []string{"440104-001", "440100"} {
			res := c.postForm("/admin/accounts", url.Values{"login": {"intruder"}, "display_name": {"x"}, "password": {"intruder-2026"}, "role": {"admin"}, "unit": {unit}})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("form create account in %s: %d", unit, res.StatusCode)
			}
			res = c.sendJSON("POST", "/api/v1/admin/accounts", map[string]any{"login": "intruder", "display_name": "x", "password": "intruder-2026", "role": "admin", "unit": unit})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("API create account in %s: %d", unit, res.StatusCode)
			}
		}
		if _, err := auth.ByLogin(ctx, e.db, "intruder"); err == nil {
			t.Error("an account was created outside the scope")
		}
		// It cannot move one of its own accounts out of its district either.
		res = c.sendJSON("PUT", "/api/v1/admin/accounts/chigang-editor", map[string]any{"display_name": "赤岗街道编辑", "role": "unit_editor", "unit": "440104-001"})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("move account out of scope: %d %s", res.StatusCode, res.Body)
		}
		if acc, _ := auth.ByLogin(ctx, e.db, "chigang-editor"); acc.Unit.Code != "440105-001" {
			t.Errorf("chigang-editor moved to %s", acc.Unit.Code)
		}
		// Nor load the calendar, which applies to every unit.
		if res := uploadCalendar(c, "year 2027\nsource x\noff 2027-01-01 元旦\n"); res.StatusCode != http.StatusForbidden {
			t.Errorf("district admin loads calendar: %d", res.StatusCode)
		}
	})
}

func TestSessionCookieSecureUnderTLS(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	tls := httptest.NewTLSServer(e.srv.Config.Handler)
	defer tls.Close()
	c := tls.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.PostForm(tls.URL+"/admin/login", url.Values{"login": {"admin"}, "password": {"gongkai-admin-2026"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	ck := sessionCookie(response{Header: res.Header})
	if res.StatusCode != http.StatusSeeOther || ck == nil || !ck.Secure || !ck.HttpOnly {
		t.Fatalf("login over TLS: %d, cookie %+v", res.StatusCode, ck)
	}
}
