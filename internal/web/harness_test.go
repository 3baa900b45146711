package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calstore"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/web"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// env is a running server over a database loaded with the demo data.
type env struct {
	t   *testing.T
	db  *db.DB
	srv *httptest.Server
	cal *calendar.Calendar
	// files is the server's folder of stored files.
	files string
}

// newEnv starts a server over d loaded with the demo data; opts change its
// configuration.
func newEnv(t *testing.T, d *db.DB, opts ...func(*web.Config)) *env {
	t.Helper()
	ctx := context.Background()
	if _, err := app.LoadDemo(ctx, d); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: d}
	reload := func(ctx context.Context) error {
		cal, err := calstore.Load(ctx, d)
		if err == nil {
			e.cal = cal
		}
		return err
	}
	if err := reload(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := web.Config{DB: d, Calendar: func() *calendar.Calendar { return e.cal }, ReloadCalendar: reload, Files: t.TempDir()}
	cfg.SelfReport, cfg.Assess = app.ReportSources(cfg.Calendar)
	for _, o := range opts {
		o(&cfg)
	}
	e.files = cfg.Files
	s, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(s)
	t.Cleanup(e.srv.Close)
	return e
}

// client is a browser-like client with its own cookie jar that does not
// follow redirects, so tests see them.
type client struct {
	e *env
	c *http.Client
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// as returns a client signed in with the given login and password.
func (e *env) as(login, password string) *client {
	e.t.Helper()
	c := e.client()
	res := c.postForm("/admin/login", url.Values{"login": {login}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d: %s", login, res.StatusCode, res.Body)
	}
	return c
}

// asDemo signs in as the demo account of the given role.
func (e *env) asDemo(role auth.Role) *client {
	e.t.Helper()
	for _, da := range app.DemoAccounts {
		if da.Role == role {
			return e.as(da.Login, da.Password)
		}
	}
	e.t.Fatalf("no demo account for %s", role)
	return nil
}

type response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, string(b)}
}

func (c *client) get(path string) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) postForm(path string, v url.Values) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) sendJSON(method, path string, body any) response {
	c.e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case string:
		r = strings.NewReader(b)
	default:
		js, _ := json.Marshal(b)
		r = strings.NewReader(string(js))
	}
	req, _ := http.NewRequest(method, c.e.srv.URL+path, r)
	req.Header.Set("Content-Type", "application/json")
	return c.do(req)
}

// parse parses an HTML body.
func parse(t *testing.T, body string) *html.Node {
	t.Helper()
	n, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// find returns the nodes matching a CSS selector.
func find(t *testing.T, body, sel string) []*html.Node {
	t.Helper()
	return cascadia.QueryAll(parse(t, body), cascadia.MustCompile(sel))
}

// text returns the text content of the first node matching sel, or "".
func text(t *testing.T, body, sel string) string {
	t.Helper()
	ns := find(t, body, sel)
	if len(ns) == 0 {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(ns[0])
	return strings.TrimSpace(b.String())
}

// attr returns attribute a of the first node matching sel, or "".
func attr(t *testing.T, body, sel, a string) string {
	t.Helper()
	for _, n := range find(t, body, sel) {
		for _, at := range n.Attr {
			if at.Key == a {
				return at.Val
			}
		}
	}
	return ""
}

// jsonErrCode returns error.code of a JSON error response.
func jsonErrCode(t *testing.T, res response) string {
	t.Helper()
	var v struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatalf("not a JSON error (status %d): %.200s", res.StatusCode, res.Body)
	}
	if v.Error.Message == "" || strings.Contains(v.Error.Message, "!!") {
		t.Errorf("JSON error without a message: %s", res.Body)
	}
	return v.Error.Code
}

// formValues is what a browser would send from the fields sel finds in
// body: every field, checked boxes only.
func formValues(t *testing.T, body, sel string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, in := range find(t, body, sel) {
		var name, value, typ string
		checked := false
		for _, a := range in.Attr {
			switch a.Key {
			case "name":
				name = a.Val
			case "value":
				value = a.Val
			case "type":
				typ = a.Val
			case "checked":
				checked = true
			}
		}
		if in.Data == "textarea" && in.FirstChild != nil {
			value = in.FirstChild.Data
		}
		if name != "" && (typ != "checkbox" || checked) {
			form.Add(name, value)
		}
	}
	return form
}
