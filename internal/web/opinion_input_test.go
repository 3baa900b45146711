package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/db/dbtest"
)

// Every form and query of public-opinion items refuses bad input with a
// message at the field, keeps what was typed, and writes nothing.
func TestOpinionBadInput(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	at(e.db, "2026-09-30")
	office, editor := e.asDemo(auth.PublicOfficeDistrict), e.asDemo(auth.UnitEditor)
	item := register(t, office, opinionForm())
	step(t, office, item, "assign", url.Values{"unit": {"440105-001"}})
	part := attr(t, editor.get(item).Body, "form[action$='/respond'] input[name=part]", "value")

	with := func(base url.Values, kv ...string) url.Values {
		f := url.Values{}
		for k, v := range base {
			f[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	long := strings.Repeat("长", 3001)
	for _, c := range []struct {
		what   string
		c      *client
		path   string
		form   url.Values
		status int
		errors []string // the fields marked
		kept   map[string]string
	}{
		{"empty item", office, "/admin/opinion", url.Values{}, 400, []string{"title", "summary", "found", "source", "level"}, nil},
		{"hostile title", office, "/admin/opinion", with(opinionForm(), "title", strings.Repeat("<script>", 20)), 400, []string{"title"}, map[string]string{"#summary": opinionForm().Get("summary")}},
		{"source", office, "/admin/opinion", with(opinionForm(), "source", "weibo"), 400, []string{"source"}, map[string]string{"#title": opinionForm().Get("title")}},
		{"level", office, "/admin/opinion", with(opinionForm(), "level", "重大"), 400, []string{"level"}, nil},
		{"found", office, "/admin/opinion", with(opinionForm(), "found", "2026-10-01T08:00"), 400, []string{"found"}, map[string]string{"#found": "2026-10-01T08:00"}},
		{"policy", office, "/admin/opinion", with(opinionForm(), "policy", "1; DROP TABLE units"), 400, []string{"policy"}, map[string]string{"#policy": "1; DROP TABLE units"}},
		{"long summary", office, "/admin/opinion", with(opinionForm(), "summary", long), 400, []string{"summary"}, nil},
		{"no unit", office, item + "/assign", url.Values{"due": {"2026-10-12"}}, 400, []string{"unit"}, map[string]string{"#assign-due": "2026-10-12"}},
		{"unit of 越秀", office, item + "/assign", url.Values{"unit": {"440104-001"}}, 400, []string{"unit"}, nil},
		{"due", office, item + "/assign", url.Values{"unit": {"440105-002"}, "due": {"2026-09-01"}}, 400, []string{"due"}, map[string]string{"#assign-due": "2026-09-01"}},
		{"instruction", office, item + "/instruct", url.Values{"leader": {"区长"}, "day": {"明天"}}, 400, []string{"day", "text"}, map[string]string{"#leader": "区长"}},
		{"response", editor, item + "/respond", url.Values{"part": {part}, "response": {"已回应"}, "link": {"javascript:alert(1)"}}, 400, []string{"handling", "link"},
			map[string]string{"#response-" + part: "已回应", "#link-" + part: "javascript:alert(1)"}},
		{"urge note", office, item + "/urge", url.Values{"part": {part}, "note": {strings.Repeat("催", 501)}}, 400, []string{"note"}, nil},
		{"urge part", office, item + "/urge", url.Values{"part": {"abc"}}, 400, []string{"part"}, nil},
		{"conclusion", office, item + "/close", url.Values{"conclusion": {" "}}, 400, []string{"conclusion"}, nil},
		{"publish too early", office, item + "/publish", nil, 409, nil, nil},
	} {
		items, audits := e.count(t, "SELECT COUNT(*) FROM opinion_items"), e.count(t, "SELECT COUNT(*) FROM audit_events")
		res := c.c.postForm(c.path, c.form)
		if res.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", c.what, res.StatusCode, c.status)
			continue
		}
		if text(t, res.Body, ".error-box") == "" {
			t.Errorf("%s: no message", c.what)
		}
		for _, f := range c.errors {
			if text(t, res.Body, "#"+f+"-error") == "" {
				t.Errorf("%s: no message at %s", c.what, f)
			}
		}
		for sel, v := range c.kept {
			got := attr(t, res.Body, sel, "value")
			if got == "" {
				got = text(t, res.Body, sel)
			}
			if got != v {
				t.Errorf("%s: %s holds %q, want %q", c.what, sel, got, v)
			}
		}
		if strings.Contains(res.Body, "<script><script>") {
			t.Errorf("%s: markup not escaped", c.what)
		}
		if e.count(t, "SELECT COUNT(*) FROM opinion_items") != items || e.count(t, "SELECT COUNT(*) FROM audit_events") != audits {
			t.Errorf("%s wrote something", c.what)
		}
	}

	// Queries: the list's filters, the summary's month, the portal and the API.
	for _, c := range []struct {
		c      *client
		path   string
		status int
		field  string
	}{
		{office, "/admin/opinion?state=open", 400, "state"},
		{office, "/admin/opinion?level=x", 400, "level"},
		{office, "/admin/opinion?unit=440104", 400, "unit"},
		{office, "/admin/opinion/summary/2026-13/", 400, ""},
		{office, "/admin/opinion/summary/2027-01/", 400, ""},
		{office, "/admin/opinion/summary/%3Cb%3E.xlsx", 400, ""},
		{e.client(), "/hudong/yqhy/?unit=nope", 400, ""},
		{e.client(), "/hudong/yqhy/?page=-1", 400, ""},
		{e.client(), "/hudong/yqhy/abc/", 404, ""},
	} {
		res := c.c.get(c.path)
		if res.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", c.path, res.StatusCode, c.status)
		}
		if c.field != "" && text(t, res.Body, "#"+c.field+"-error") == "" {
			t.Errorf("%s: no message at %s", c.path, c.field)
		}
	}
	for _, c := range []struct{ query, field string }{{"page=0", "page"}, {"page=x", "page"}, {"page=99999999999", "page"}, {"unit=nope", "unit"}} {
		res := e.client().get("/api/v1/opinion?" + c.query)
		var v struct {
			Error struct {
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		if res.StatusCode != 400 || jsonErrCode(t, res) == "" || json.Unmarshal([]byte(res.Body), &v) != nil || v.Error.Fields[c.field] == "" {
			t.Errorf("api %s: %d %s", c.query, res.StatusCode, res.Body)
		}
	}
}

// The pages of public-opinion items in English say every word in
// English; what people wrote stays marked as Chinese user data.
func TestEnglishOpinionPages(t *testing.T) {
	d := dbtest.SQLite(t)
	e := newEnv(t, d)
	at(d, "2026-11-23")
	if _, err := app.LoadDemoOpinion(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	en := englishPages(t)
	visitor := e.client()
	body := en.show(visitor, "portal list", "/hudong/yqhy/")
	en.show(visitor, "portal item", attr(t, body, "#opinion-list a", "href"))
	en.show(visitor, "interaction", "/hudong/")
	office, editor := e.asDemo(auth.PublicOfficeDistrict), e.asDemo(auth.UnitEditor)
	body = en.show(office, "console list", "/admin/opinion")
	items := find(t, body, "#opinions a")
	if len(items) != 2 {
		t.Fatalf("%d items in the console", len(items))
	}
	for i, a := range items {
		for _, at := range a.Attr {
			if at.Key == "href" {
				en.show(office, "console item "+string(rune('A'+i)), at.Val)
				en.show(editor, "unit's item "+string(rune('A'+i)), at.Val)
			}
		}
	}
	en.show(office, "new form", "/admin/opinion/new")
	en.show(office, "summary", "/admin/opinion/summary/2026-11/")
	en.show(office, "dashboard", "/admin/")
	en.show(editor, "unit's dashboard", "/admin/")
	res := office.postForm("/admin/opinion?lang=en", url.Values{"title": {"x"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad item: %d", res.StatusCode)
	}
	en.pages["form with errors"] = res.Body
	en.check()
	for name, body := range en.pages {
		if strings.Contains(body, "%!") || strings.Contains(body, "!!") {
			t.Errorf("%s has a broken message: %s", name, excerpt(body, "%!"))
		}
	}
}
