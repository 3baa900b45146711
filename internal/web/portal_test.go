package web_test

import (
	"net/http"
	"strings"
	"testing"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/web"
)

// portalPaths are the public pages of the portal shell.
var portalPaths = []string{
	"/", "/zwgk/", "/zwgk/zn/", "/zwgk/zd/", "/zwgk/fdzdgknr/", "/zwgk/nb/",
	"/zwgk/bzh/", "/zwgk/bzh/440105/", "/zwgk/bzh/440105-001/", "/zwgk/audit/",
	"/ysqgk/", "/hudong/", "/bmfw/", "/search?q=%E6%B5%B7%E7%8F%A0", "/admin/login",
	"/hudong/yjzj/",
}

func TestPortalPagesInBothLanguages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		for _, lang := range []struct{ param, tag string }{{"", "zh-CN"}, {"lang=en", "en"}} {
			for _, p := range portalPaths {
				u := p
				if lang.param != "" {
					u += map[bool]string{true: "&", false: "?"}[strings.Contains(p, "?")] + lang.param
				}
				res := c.get(u)
				if res.StatusCode != http.StatusOK {
					t.Errorf("GET %s: status %d", u, res.StatusCode)
					continue
				}
				if strings.Contains(res.Body, "!!") {
					t.Errorf("GET %s: a message key has no text: %s", u, excerpt(res.Body, "!!"))
				}
				if got := attr(t, res.Body, "html", "lang"); got != lang.tag {
					t.Errorf("GET %s: html lang %q, want %q", u, got, lang.tag)
				}
			}
		}
	})
}

// excerpt returns the text around the first occurrence of s in body.
func excerpt(body, s string) string {
	i := strings.Index(body, s)
	if i < 0 {
		return ""
	}
	return body[max(0, i-40):min(len(body), i+60)]
}

func TestHomeNavigation(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	res := e.client().get("/")
	// The 政务公开 navigation of the plan: guide, rules, statutory content,
	// the standardization column, annual reports, applications,
	// interaction, services, and a search box.
	for _, href := range []string{"/zwgk/zn/", "/zwgk/zd/", "/zwgk/fdzdgknr/", "/zwgk/bzh/", "/zwgk/nb/", "/ysqgk/", "/hudong/", "/bmfw/"} {
		if len(find(t, res.Body, `a[href="`+href+`"]`)) == 0 {
			t.Errorf("home has no link to %s", href)
		}
	}
	if len(find(t, res.Body, `form[role=search][action="/search"] input[name=q]`)) == 0 {
		t.Error("home has no search box")
	}
	for _, name := range []string{"越秀区", "海珠区", "从化区", "南沙区"} {
		if !strings.Contains(res.Body, name) {
			t.Errorf("home does not list district %s", name)
		}
	}
	if got := text(t, res.Body, `a[href="/zwgk/zn/"]`); got != "政府信息公开指南" {
		t.Errorf("guide link reads %q", got)
	}
}

func TestLanguageIsRemembered(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	if got := attr(t, c.get("/").Body, "html", "lang"); got != "zh-CN" {
		t.Fatalf("default language %q, want zh-CN", got)
	}
	res := c.get("/?lang=en")
	if got := attr(t, res.Body, "html", "lang"); got != "en" {
		t.Fatalf("?lang=en gave %q", got)
	}
	// The cookie keeps English on the next page without the parameter.
	res = c.get("/zwgk/")
	if got := attr(t, res.Body, "html", "lang"); got != "en" {
		t.Fatalf("after ?lang=en, /zwgk/ is in %q", got)
	}
	if got := text(t, c.get("/").Body, `a[href="/zwgk/zn/"]`); got == "政府信息公开指南" || got == "" {
		t.Errorf("English guide link reads %q", got)
	}
	// An unknown language is ignored, not an error.
	if res := c.get("/?lang=xx"); res.StatusCode != http.StatusOK || attr(t, res.Body, "html", "lang") != "en" {
		t.Errorf("?lang=xx: status %d lang %q", res.StatusCode, attr(t, res.Body, "html", "lang"))
	}
	if res := c.get("/?lang=zh"); attr(t, res.Body, "html", "lang") != "zh-CN" {
		t.Error("?lang=zh did not switch back")
	}
}

func TestNotFound(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	for _, p := range []string{"/no-such-page", "/zwgk/bzh/999999/", "/zwgk/nosuch/"} {
		res := c.get(p)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, res.StatusCode)
		}
		if !strings.Contains(res.Header.Get("Content-Type"), "text/html") || text(t, res.Body, "h1") == "" {
			t.Errorf("GET %s: not an error page: %.200s", p, res.Body)
		}
	}
	res := c.get("/api/v1/nothing")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("API 404: status %d type %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if code := jsonErrCode(t, res); code != "not_found" {
		t.Errorf("API 404 error code %q", code)
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t), func(c *web.Config) { c.MetricsToken = "scrape-token-2026" })
	c := e.client()
	res := c.get("/healthz")
	if res.StatusCode != http.StatusOK || res.Body != "ok" {
		t.Fatalf("healthz: %d %q", res.StatusCode, res.Body)
	}
	c.get("/zwgk/")
	c.get("/no-such-page")
	// Not public: without the token (or with a wrong one) /metrics is not there.
	if res := c.get("/metrics"); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "gongkai_http") {
		t.Errorf("/metrics without a token: %d", res.StatusCode)
	}
	scrape := func(token string) response {
		req, _ := http.NewRequest("GET", e.srv.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		return c.do(req)
	}
	if res := scrape("wrong"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics with a wrong token: %d", res.StatusCode)
	}
	m := scrape("scrape-token-2026").Body
	for _, want := range []string{
		`gongkai_http_requests_total{method="GET",route="GET /zwgk/{$}",status="200"} 1`,
		`status="404"`,
		"gongkai_http_request_duration_seconds_bucket",
		"go_sql_open_connections",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	res := e.client().get("/")
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy: %q", csp)
	}
}
