package web_test

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/web"
)

// errFields returns the field names of a JSON error answer.
func errFields(t *testing.T, res response) map[string]string {
	t.Helper()
	var v struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatalf("not a JSON error: %v: %.200s", err, res.Body)
	}
	return v.Error.Fields
}

func countRows(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(t.Context(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBrokenTextIsRefusedAtTheBoundary: invalid UTF-8 and NUL in a path,
// a query, a form or a JSON body are a 400 naming the field on both
// engines — never a 500 (PostgreSQL) nor stored raw (SQLite).
func TestBrokenTextIsRefusedAtTheBoundary(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		for _, tc := range []struct{ path, field string }{
			{"/search?q=%FF%FE", "q"},
			{"/search?q=%00", "q"},
			{"/api/v1/search?q=%FF", "q"},
			{"/api/v1/search?q=%E5%85%BB&validity=%FF", "validity"},
			{"/api/v1/search?q=%E5%85%BB&genre=a%00b", "genre"},
			{"/api/v1/search?q=a&from=%C0%AF", "from"},
			{"/api/v1/foi/YSQ%FF%FE", "path"},
			{"/zwgk/bzh/%FF/", "path"},
		} {
			res := c.get(tc.path)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("GET %s: %d, want 400: %.200s", tc.path, res.StatusCode, res.Body)
				continue
			}
			if strings.HasPrefix(tc.path, "/api/") {
				if f := errFields(t, res); f[tc.field] == "" {
					t.Errorf("GET %s: fields %v, want %q named", tc.path, f, tc.field)
				}
			} else if !strings.Contains(res.Body, tc.field) {
				t.Errorf("GET %s: the page does not name %q", tc.path, tc.field)
			}
		}

		// Forms: refused, the field named, nothing stored.
		bad := applyForm()
		bad.Set("name", "\xff\xfe")
		if res := c.postForm("/ysqgk/sq/", bad); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, "name") {
			t.Errorf("application with broken name: %d %.300s", res.StatusCode, res.Body)
		}
		bad = applyForm()
		bad.Set("description", "高龄\x00津贴")
		if res := c.postForm("/ysqgk/sq/", bad); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, "description") {
			t.Errorf("application with NUL: %d", res.StatusCode)
		}
		if res := c.postForm("/ysqgk/cx/", url.Values{"no": {"YSQ\x00"}, "code": {"AAAAAAAA"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("look-up with NUL: %d", res.StatusCode)
		}
		// JSON: raw bad bytes and escaped NUL, each naming its member.
		for _, tc := range []struct{ body, field string }{
			{`{"unit":"440105-001","name":"` + "\xff\xfe" + `","description":"x"}`, "name"},
			{`{"unit":"440105-001","name":"李明","description":"a\u0000b"}`, "description"},
			{`{"unit":"440105-001","name":"李明","description":"x","purpose":"` + "\xc3" + `"}`, "purpose"},
		} {
			res := c.sendJSON("POST", "/api/v1/foi", tc.body)
			if f := errFields(t, res); res.StatusCode != http.StatusBadRequest || f[tc.field] == "" {
				t.Errorf("POST /api/v1/foi %q: %d %v, want 400 naming %s", tc.body, res.StatusCode, f, tc.field)
			}
		}
		if n := countRows(t, d, "foi_applications"); n != 0 {
			t.Errorf("%d applications stored from refused requests", n)
		}
		// A console form too: a unit's name with broken bytes is not stored.
		admin := e.as("admin", "gongkai-admin-2026")
		res := admin.sendJSON("POST", "/api/v1/admin/units", `{"code":"440105-950","name":"`+"\xff"+`x","kind":"street","parent":"440105"}`)
		if res.StatusCode != http.StatusBadRequest || errFields(t, res)["name"] == "" {
			t.Errorf("unit with broken name: %d %.200s", res.StatusCode, res.Body)
		}
		assertNoUnit(t, e, "440105-950")
	})
}

// TestLookupLimits: an oversized or malformed tracking number is refused
// before any look-up and leaves nothing behind; wrong codes lock only the
// address that sent them out of that number, and an address guessing
// across numbers is stopped as well.
func TestLookupLimits(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, func(c *web.Config) {
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		})
		victim, attacker := e.client(), e.client()
		from := func(c *client, ip string, v url.Values) response {
			req, _ := http.NewRequest("POST", e.srv.URL+"/ysqgk/cx/", strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", ip)
			return c.do(req)
		}
		// A body past 64 KB is refused whole.
		if res := from(attacker, "203.0.113.9", url.Values{"no": {strings.Repeat("9", 5<<20)}, "code": {"x"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("5 MB look-up: %d", res.StatusCode)
		}
		for _, no := range []string{strings.Repeat("9", 60<<10), "YSQ1", "' OR 1=1 --", "YSQ20261123ABCDE1"} {
			if res := from(attacker, "203.0.113.9", url.Values{"no": {no}, "code": {"AAAAAAAA"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("malformed number %.20q: %d", no, res.StatusCode)
			}
		}
		if n := countRows(t, d, "throttle"); n != 0 {
			t.Errorf("malformed numbers left %d throttle rows", n)
		}

		res := victim.postForm("/ysqgk/sq/", applyForm())
		no, code := text(t, res.Body, "#tracking-no"), text(t, res.Body, "#query-code")
		for i := 0; i < 10; i++ {
			if res := from(attacker, "203.0.113.9", url.Values{"no": {no}, "code": {"AAAAAAAA"}}); res.StatusCode != http.StatusNotFound {
				t.Fatalf("wrong code %d: %d", i+1, res.StatusCode)
			}
		}
		if res := from(attacker, "203.0.113.9", url.Values{"no": {no}, "code": {code}}); res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("attacker after 10 wrong codes: %d, want 429", res.StatusCode)
		}
		if res := from(victim, "198.51.100.7", url.Values{"no": {no}, "code": {code}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the applicant, from another address, is locked out: %d", res.StatusCode)
		}
		// Guessing across numbers from one address stops at its own limit.
		stopped := false
		for i := 0; i < 40 && !stopped; i++ {
			guess := no[:11] + strings.Repeat(string("ABCDEFGHJK"[i%10]), 6)
			stopped = from(attacker, "192.0.2.44", url.Values{"no": {guess}, "code": {"AAAAAAAA"}}).StatusCode == http.StatusTooManyRequests
		}
		if !stopped {
			t.Error("40 wrong look-ups of different numbers from one address all answered")
		}
	})
}

// TestAnonymousApplicationsAreLimited: past the limit an address gets a
// 429 page that keeps what was typed, and nothing is stored.
func TestAnonymousApplicationsAreLimited(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	for i := 0; i < 10; i++ {
		if res := c.postForm("/ysqgk/sq/", applyForm()); res.StatusCode != http.StatusOK {
			t.Fatalf("application %d: %d", i+1, res.StatusCode)
		}
	}
	res := c.postForm("/ysqgk/sq/", applyForm())
	if res.StatusCode != http.StatusTooManyRequests || attr(t, res.Body, "#name", "value") != "李明" || !strings.Contains(res.Body, "分钟") {
		t.Errorf("11th application: %d %s", res.StatusCode, excerpt(res.Body, "error"))
	}
	if res := c.sendJSON("POST", "/api/v1/foi", `{"unit":"440105-001","applicant_type":"natural_person","name":"李明"}`); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("by API past the limit: %d", res.StatusCode)
	}
	if n := countRows(t, e.db, "foi_applications"); n != 10 {
		t.Errorf("%d applications stored, want 10", n)
	}
}

// TestPublicURL: behind a TLS proxy the session cookie is Secure and the
// sitemap and feeds link to the public address.
func TestPublicURL(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t), func(c *web.Config) { c.PublicURL = "https://gongkai.example.gov.cn/" })
	c := e.client()
	res := c.postForm("/admin/login", url.Values{"login": {"admin"}, "password": {"gongkai-admin-2026"}})
	if sc := res.Header.Get("Set-Cookie"); res.StatusCode != http.StatusSeeOther || !strings.Contains(sc, "Secure") {
		t.Errorf("login behind https: %d, cookie %q", res.StatusCode, sc)
	}
	for _, p := range []string{"/sitemap.xml", "/feeds/440105-001.atom"} {
		res := c.get(p)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "https://gongkai.example.gov.cn/") || strings.Contains(res.Body, e.srv.URL) {
			t.Errorf("%s: %d, links not to the public URL: %.300s", p, res.StatusCode, res.Body)
		}
	}
	if _, err := web.ParsePublicURL("ftp://x"); err == nil {
		t.Error("ftp public URL accepted")
	}
	// A public URL with a path starts a server too (its origin is trusted).
	e2 := newEnv(t, dbtest.SQLite(t), func(c *web.Config) { c.PublicURL = "https://www.example.gov.cn/gongkai" })
	if res := e2.client().get("/robots.txt"); !strings.Contains(res.Body, "https://www.example.gov.cn/gongkai/sitemap.xml") {
		t.Errorf("robots.txt under a path: %.200s", res.Body)
	}
}
