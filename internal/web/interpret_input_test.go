package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

// Every new form and endpoint refuses bad input with the field named, in
// the user's language, keeping what was typed and changing nothing.
func TestInterpretationBadInput(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newInterpScope(t, d)
		editor, office := w.clients[string(auth.UnitEditor)], w.clients[string(auth.PublicOfficeCity)]
		n := w.nomination
		form := func(kv ...string) url.Values {
			v := url.Values{}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		policy := idOf(w.draft)
		cases := []struct {
			c      *client
			path   string
			form   url.Values
			status int
			field  string // the id of the input whose error shows
			kept   string // a value typed that the form shows again
		}{
			{editor, "/admin/interpretations", form("policy", policy, "unit", "440105-001", "title", "", "form", "text", "body", "<p>内容</p>"), 400, "title", ""},
			{editor, "/admin/interpretations", form("policy", policy, "unit", "440105-001", "title", "保留的标题", "form", "<b>", "body", "<p>内容</p>"), 400, "form", "保留的标题"},
			{editor, "/admin/interpretations", form("policy", policy, "unit", "440105-001", "title", "保留的标题", "form", "text", "body", "<script>x</script>"), 400, "body", "保留的标题"},
			{editor, "/admin/interpretations", form("policy", policy, "unit", "440104-001", "title", "保留的标题", "form", "text", "body", "<p>内容</p>"), 400, "unit", "保留的标题"},
			{editor, "/admin/interpretations", form("policy", idOf(w.pubInterp), "unit", "440105-001", "title", "保留的标题", "form", "text", "body", "<p>内容</p>"), 400, "policy", "保留的标题"},
			{editor, w.draftInterp, form("do", "form", "form", "podcast"), 400, "form", ""},
			{office, "/admin/interpretations/rounds", form("period", "2026年下半年", "name_0", "及时", "name_en_0", "Timely", "weight_0", "100"), 400, "period", "2026年下半年"},
			{office, "/admin/interpretations/rounds", form("period", "2026H1", "name_0", "及时", "name_en_0", "Timely", "weight_0", "60"), 400, "criteria", "60"},
			{office, "/admin/interpretations/rounds", form("period", "2026H1", "name_0", "及时", "name_en_0", "Timely", "weight_0", "百"), 400, "criteria_0", "百"},
			{office, "/admin/interpretations/rounds", roundForm("2026H2"), 409, "period", ""},
			{w.clients[string(auth.UnitReviewer)], w.round, form("do", "nominate", "interpretation", "x"), 400, "", ""},
			{office, w.round, form("do", "score", "nomination", n, n+"_score_0", "26", n+"_score_1", "abc", n+"_score_2", "1", n+"_score_3", "1", n+"_score_4", "1"), 400, n + "_score_0", "abc"},
			{office, w.round, form("do", "return", "nomination", n, n+"_reason", "重要政策解读不到位", n+"_due", "2026-11-01"), 400, n + "_due", "重要政策解读不到位"},
			{office, w.round, form("do", "publish"), 400, "", ""},
		}
		for _, c := range cases {
			before := w.snapshot(t)
			res := c.c.postForm(c.path, c.form)
			if res.StatusCode != c.status {
				t.Errorf("%s %v: status %d, want %d: %s", c.path, c.form, res.StatusCode, c.status, excerpt(res.Body, "error-box"))
			}
			if text(t, res.Body, ".error-box") == "" {
				t.Errorf("%s %v: no message", c.path, c.form)
			}
			if c.field != "" && text(t, res.Body, "#"+c.field+"-error") == "" {
				t.Errorf("%s %v: no message at %s", c.path, c.form, c.field)
			}
			if c.kept != "" && !strings.Contains(res.Body, c.kept) {
				t.Errorf("%s %v: %q not kept", c.path, c.form, c.kept)
			}
			unchanged(t, c.path, before, w.snapshot(t))
		}
		// A published policy is no longer marked or unmarked.
		pub := attr(t, editor.get(w.pubInterp).Body, "#interprets a", "href")
		if res := editor.postForm(pub, url.Values{"do": {"needs"}, "needs": {"0"}}); res.StatusCode != http.StatusConflict {
			t.Errorf("unmark a published policy: %d", res.StatusCode)
		}
		// English messages name the field in English.
		res := office.postForm("/admin/interpretations/rounds?lang=en", form("period", "2026-2", "name_0", "及时", "name_en_0", "Timely", "weight_0", "100"))
		if got := text(t, res.Body, "#period-error"); !strings.Contains(got, "Write the period as 2026H1") {
			t.Errorf("English message: %q", got)
		}

		// The public list and API name a bad filter.
		visitor := w.client()
		for _, q := range []struct{ query, field string }{{"unit=nowhere", "unit"}, {"policy=x", "policy"}, {"policy=-1", "policy"},
			{"page=0", "page"}, {"page=501", "page"}, {"form=podcast", "form"}} {
			res := visitor.get("/api/v1/interpretations?" + q.query)
			if res.StatusCode != http.StatusBadRequest || errFields(t, res)[q.field] == "" {
				t.Errorf("API ?%s: %d %s", q.query, res.StatusCode, res.Body)
			}
			if res := visitor.get("/zwgk/jd/?" + q.query); res.StatusCode != http.StatusBadRequest {
				t.Errorf("portal ?%s: %d", q.query, res.StatusCode)
			}
		}
	})
}

// The publishing API: a policy needing interpretation sent to be published
// without one is refused with 422 naming publish_alone_reason and nothing
// is written; its interpretation sent first goes out with it.
func TestInterpretationThroughAPI(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		on(d, "2026-11-23")
		_, secret := e.newToken("440105-001", "赤岗街道业务系统", true)
		_, other := e.newToken("440105-002", "新港街道业务系统", true)
		policy := func(publish bool, extra ...any) map[string]any {
			b := map[string]any{"title": "赤岗街道长者助餐配送服务办法", "written_date": "2026-11-20", "body_text": "自2026年12月1日起施行。",
				"needs_interpretation": true, "publish": publish}
			for i := 0; i+1 < len(extra); i += 2 {
				b[extra[i].(string)] = extra[i+1]
			}
			return b
		}
		before := e.snapshot(t)
		fields := refused(t, e.api(secret, "POST", "/api/v1/admin/info", policy(true)), http.StatusUnprocessableEntity)
		if !strings.Contains(fields["publish_alone_reason"], "单独发布") {
			t.Errorf("fields %v", fields)
		}
		fields = refused(t, e.api(secret, "POST", "/api/v1/admin/info", policy(true, "publish_alone_reason", "急")), http.StatusBadRequest)
		if fields["publish_alone_reason"] == "" {
			t.Errorf("short reason: %v", fields)
		}
		after := e.snapshot(t)
		delete(after, "api_tokens") // last used
		unchanged(t, "refused policies", before, after)

		p := recordOf(t, e.api(secret, "POST", "/api/v1/admin/info", policy(false)), http.StatusCreated)
		interp := map[string]any{"title": "图解：长者助餐配送服务办法", "body_text": "一图读懂配送服务。", "interprets": p.ID, "interpretation_form": "graphic", "publish": true}
		for _, bad := range []struct {
			secret string
			set    map[string]any
			field  string
		}{
			{secret, map[string]any{"interpretation_form": "podcast"}, "interpretation_form"},
			{secret, map[string]any{"interprets": 999999}, "interprets"},
			{other, map[string]any{}, "interprets"},
			{secret, map[string]any{"needs_interpretation": true}, "needs_interpretation"},
		} {
			body := map[string]any{}
			for k, v := range interp {
				body[k] = v
			}
			for k, v := range bad.set {
				body[k] = v
			}
			before := e.snapshot(t)
			if f := refused(t, e.api(bad.secret, "POST", "/api/v1/admin/info", body), http.StatusBadRequest); f[bad.field] == "" {
				t.Errorf("%v: fields %v", bad.set, f)
			}
			after := e.snapshot(t)
			delete(after, "api_tokens")
			unchanged(t, "refused interpretation", before, after)
		}
		i := recordOf(t, e.api(secret, "POST", "/api/v1/admin/info", interp), http.StatusCreated)
		if i.Status != "approved" {
			t.Errorf("interpretation before its policy: %s", i.Status)
		}
		if got := recordOf(t, e.api(secret, "PUT", "/api/v1/admin/info/"+itoa(p.ID), policy(true)), http.StatusOK); got.Status != "published" {
			t.Errorf("policy: %s", got.Status)
		}
		if got := recordOf(t, e.api(secret, "GET", "/api/v1/admin/info/"+itoa(i.ID), nil), http.StatusOK); got.Status != "published" {
			t.Errorf("interpretation after its policy: %s", got.Status)
		}
		// A published policy's new version carries no mark.
		refused(t, e.api(secret, "PUT", "/api/v1/admin/info/"+itoa(p.ID), policy(true)), http.StatusConflict)
	})
}

// TestInterpretationPagesInEnglish renders the new portal and console
// pages over the demo's interpretations in English: Chinese only in what
// people wrote.
func TestInterpretationPagesInEnglish(t *testing.T) {
	d := dbtest.SQLite(t)
	e := newEnv(t, d)
	on(d, "2026-11-23")
	if _, err := app.LoadDemoInterpretations(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	visitor, office, editor := e.client(), e.asDemo(auth.PublicOfficeCity), e.asDemo(auth.UnitEditor)
	round := attr(t, office.get("/admin/interpretations/rounds").Body, "#rounds a", "href")
	results := attr(t, visitor.get("/zwgk/jd/pingxuan/").Body, "main li a", "href")
	interp := attr(t, visitor.get("/zwgk/jd/").Body, "#interpretations h2 a", "href")
	policy := attr(t, visitor.get(interp).Body, "#interpreted-policy a", "href")
	if round == "" || results == "" || interp == "" || policy == "" {
		t.Fatalf("round %q results %q interpretation %q policy %q", round, results, interp, policy)
	}
	consolePolicy := "/admin/info/" + strings.Trim(strings.TrimPrefix(policy, "/zwgk/info/"), "/")
	pages := []struct {
		c    *client
		path string
	}{{visitor, "/zwgk/jd/"}, {visitor, "/zwgk/jd/?form=qa"}, {visitor, "/zwgk/jd/pingxuan/"}, {visitor, results}, {visitor, interp}, {visitor, policy},
		{visitor, "/hudong/"}, {office, "/admin/interpretations"}, {office, "/admin/interpretations/rounds"}, {office, round},
		{editor, "/admin/interpretations"}, {editor, round}, {editor, consolePolicy}, {editor, "/admin/interpretations/new?policy=" + strings.TrimPrefix(consolePolicy, "/admin/info/")}}
	for _, p := range pages {
		inEnglish(t, p.c, p.path)
	}
	// The results rank the demo's three, the best excellent.
	body := visitor.get(results).Body
	if got := text(t, body, "#results tbody tr td:nth-child(6)"); got != "Excellent" {
		t.Errorf("first rating %q", got)
	}
	if n := len(find(t, body, "#results tbody tr")); n != 3 {
		t.Errorf("%d results", n)
	}
	if got := text(t, editor.get("/admin/interpretations").Body, "#returns tbody"); !strings.Contains(got, "To re-interpret") {
		t.Errorf("the unit's returns: %q", got)
	}
}

// inEnglish opens path in English with c and fails on a status other than
// 200, a message key without text or Chinese outside what people wrote.
func inEnglish(t *testing.T, c *client, path string) {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	res := c.get(path + sep + "lang=en")
	if res.StatusCode != http.StatusOK {
		t.Errorf("%s: %d", path, res.StatusCode)
		return
	}
	if strings.Contains(res.Body, "!!") {
		t.Errorf("%s: a message key has no text: %s", path, excerpt(res.Body, "!!"))
	}
	if found := chineseOutsideUserData(t, res.Body); len(found) > 0 {
		t.Errorf("%s shows Chinese outside user data:\n%s", path, strings.Join(found, "\n"))
	}
}
