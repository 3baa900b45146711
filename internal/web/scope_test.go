package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info/infotest"
)

// snapshot is every row of every table except the ones a request may
// write without changing anything of a unit (sessions, counted attempts), so
// that a refused request can be shown to have changed nothing.
func (e *env) snapshot(t *testing.T) map[string][]string {
	t.Helper()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if e.db.Dialect == db.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := e.db.SQL.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains([]string{"sessions", "throttle", "goose_db_version"}, name) && !strings.Contains(name, "fts") {
			tables = append(tables, name)
		}
	}
	rows.Close()
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := e.db.SQL.QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			lines = append(lines, fmt.Sprint(vals...))
		}
		rows.Close()
		slices.Sort(lines)
		out[table] = lines
	}
	return out
}

// unchanged reports the tables that differ between two snapshots.
func unchanged(t *testing.T, what string, before, after map[string][]string) {
	t.Helper()
	for table, rows := range after {
		if !slices.Equal(before[table], rows) {
			t.Errorf("%s changed %s (%d rows before, %d after)", what, table, len(before[table]), len(rows))
		}
	}
}

// refusal is a request that the account who must be refused with one of
// the statuses want.
type refusal struct {
	who    string
	method string
	path   string
	form   url.Values
	want   []int
}

// scopeWorld is the demo data with accounts outside 赤岗街道 and, inside
// it, a draft record, an answered application and an inspection notice.
type scopeWorld struct {
	*env
	clients map[string]*client
	record  string // /admin/info/ID
	app     string // /admin/foi/ID
	appNo   string
	run     string // /admin/inspect/ID
	notice  string // /admin/rectification/ID
	finding string // the answer form's action
}

var recordForm = url.Values{"unit": {"440105-001"}, "title": {"赤岗街道2026年第四季度社区活动安排"}, "written_date": {"2026-11-20"},
	"attribute": {"active"}, "validity": {"valid"}, "genre": {"通知"}, "body": {"<p>本季度社区活动安排如下。</p>"}}

func newScopeWorld(t *testing.T, d *db.DB) *scopeWorld {
	t.Helper()
	e := newEnv(t, d)
	// Monday 23 November 2026.
	d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
	w := outsiderWorld(t, e)
	editor, reviewer, district := w.clients[string(auth.UnitEditor)], w.clients[string(auth.UnitReviewer)], w.clients[string(auth.PublicOfficeDistrict)]

	res := editor.postForm("/admin/info", recordForm)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create record: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
	}
	w.record = strings.Split(res.Header.Get("Location"), "?")[0]
	if res := editor.upload(w.record, "file", "安排.docx", infotest.DOCX("活动安排")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}

	res = e.client().postForm("/ysqgk/sq/", applyForm())
	w.appNo = text(t, res.Body, "#tracking-no")
	w.app = appLink(t, editor, w.appNo)
	if w.appNo == "" || w.app == "" {
		t.Fatalf("application %q at %q", w.appNo, w.app)
	}
	for _, step := range []struct {
		path string
		form url.Values
	}{{"/confirm", url.Values{"day": {"2026-11-23"}}}, {"/reply", url.Values{"result": {"granted"}, "text": {"名单见附件。"}}}} {
		if res := reviewer.postForm(w.app+step.path, step.form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", step.path, res.StatusCode, excerpt(res.Body, "error-box"))
		}
	}

	res = district.postForm("/admin/inspect", url.Values{"scope": {"440105"}})
	w.run = res.Header.Get("Location")
	res = district.postForm(w.run+"/notices", url.Values{"unit": {"440105-001"}, "days": {"10"}, "note": {"请整改"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send notice: %d %s", res.StatusCode, excerpt(res.Body, "error"))
	}
	w.notice = res.Header.Get("Location")
	w.finding = attr(t, editor.get(w.notice).Body, "ol.findings form", "action")
	if w.run == "" || w.finding == "" {
		t.Fatalf("run %q, finding %q", w.run, w.finding)
	}
	return w
}

// outsiderWorld signs in, on e, one client for each demo role and one for
// each account outside 赤岗街道 that outsiders names, made first.
func outsiderWorld(t *testing.T, e *env) *scopeWorld {
	t.Helper()
	for _, n := range []auth.NewAccount{
		{Login: "yuexiu-office", Role: auth.PublicOfficeDistrict, UnitCode: "440104"},
		{Login: "bj-editor", Role: auth.UnitEditor, UnitCode: "440104-001"},
		{Login: "bj-reviewer", Role: auth.UnitReviewer, UnitCode: "440104-001"},
		{Login: "xg-editor", Role: auth.UnitEditor, UnitCode: "440105-002"},
		{Login: "xg-reviewer", Role: auth.UnitReviewer, UnitCode: "440105-002"},
	} {
		addAccount(t, e, n)
	}
	w := &scopeWorld{env: e, clients: map[string]*client{}}
	for _, login := range []string{"yuexiu-office", "bj-editor", "bj-reviewer", "xg-editor", "xg-reviewer"} {
		w.clients[login] = e.as(login, login+"-pw-2026")
	}
	for _, role := range auth.Roles {
		w.clients[string(role)] = e.asDemo(role)
	}
	return w
}

// appLink returns the console address of the application with tracking
// number no, as c's list links it, or "".
func appLink(t *testing.T, c *client, no string) string {
	t.Helper()
	body := c.get("/admin/foi?q=" + url.QueryEscape(no)).Body
	for _, a := range find(t, body, "table a[href^='/admin/foi/']") {
		if a.FirstChild != nil && a.FirstChild.Data == no {
			for _, at := range a.Attr {
				if at.Key == "href" {
					return at.Val
				}
			}
		}
	}
	return ""
}

// check sends each request and asserts it is refused and changed nothing.
func (w *scopeWorld) check(t *testing.T, cases []refusal) {
	t.Helper()
	for _, c := range cases {
		before := w.snapshot(t)
		cl := w.clients[c.who]
		var res response
		switch {
		case c.method == "GET":
			res = cl.get(c.path)
		case c.method == "UPLOAD":
			res = cl.upload(c.path, "file", "越界.docx", infotest.DOCX("越界"))
		case c.method == "POST":
			res = cl.postForm(c.path, c.form)
		}
		if !slices.Contains(c.want, res.StatusCode) {
			t.Errorf("%s %s %s: status %d, want one of %v", c.who, c.method, c.path, res.StatusCode, c.want)
		}
		unchanged(t, c.who+" "+c.method+" "+c.path, before, w.snapshot(t))
	}
}

var notFound, forbidden = []int{http.StatusNotFound}, []int{http.StatusForbidden, http.StatusNotFound}

// outsiders are the accounts outside 赤岗街道: another district's office,
// its street's editor and reviewer, a street of the same district, and a
// domain supervisor.
var outsiders = []string{"yuexiu-office", "bj-editor", "bj-reviewer", "xg-editor", "xg-reviewer", string(auth.DomainSupervisor)}

// Every console route on a record, an application, a run or a notice of
// 赤岗街道 refuses accounts outside it, and changes nothing.
func TestScopeOfUnitObjects(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newScopeWorld(t, d)
		var cases []refusal
		save := url.Values{}
		for k, v := range recordForm {
			save[k] = v
		}
		save.Set("title", "被越界修改的标题")
		for _, who := range outsiders {
			cases = append(cases, refusal{who, "POST", w.record, save, notFound}, refusal{who, "UPLOAD", w.record, nil, notFound})
			for _, action := range []string{"submit", "mask", "override", "approve", "return", "publish", "withdraw", "validity", "detach", "items"} {
				cases = append(cases, refusal{who, "POST", w.record, url.Values{"do": {action}, "reason": {"越界"}, "note": {"越界"}, "validity": {"invalid"},
					"seq": {"1"}, "domain": {"21"}, "item": {"高龄老年人津贴"}}, notFound})
			}
			for _, p := range []string{w.app, w.app + "/notice", w.app + "/notice.docx", "/api/v1/admin/foi/" + strings.TrimPrefix(w.app, "/admin/foi/")} {
				cases = append(cases, refusal{who, "GET", p, nil, notFound})
			}
			for _, action := range []string{"confirm", "correction", "corrected", "consult", "consulted", "extend", "fee", "fee-settled", "reply", "deliver", "assign", "appeal"} {
				cases = append(cases, refusal{who, "POST", w.app + "/" + action, url.Values{"day": {"2026-11-23"}, "days": {"10"}, "note": {"越界"},
					"correction": {"越界"}, "kind": {"third_party"}, "party": {"某公司"}, "outcome": {"agree"}, "approver": {"某主任"}, "reason": {"越界"},
					"mode": {"count"}, "count": {"20"}, "result": {"refused_state_secret"}, "text": {"越界"}, "handler": {"bj-editor"},
					"filed": {"2026-11-23"}}, notFound})
			}
		}
		// The district run and its notice: not another district, nor
		// another street's staff (who may read the run for their own unit
		// only, and have no notice of their own in it).
		runID := strings.TrimPrefix(w.run, "/admin/inspect/")
		for _, who := range []string{"yuexiu-office", "bj-editor", "bj-reviewer"} {
			for _, p := range []string{w.run, w.run + "/results.xlsx", w.run + "/compare?with=" + runID, "/api/v1/admin/inspect/" + runID} {
				cases = append(cases, refusal{who, "GET", p, nil, notFound})
			}
		}
		for _, who := range []string{"yuexiu-office", "bj-editor", "xg-editor", "xg-reviewer"} {
			cases = append(cases, refusal{who, "GET", w.notice, nil, notFound},
				refusal{who, "POST", w.finding, url.Values{"answer": {"fixed"}}, forbidden},
				refusal{who, "POST", w.notice + "/recheck", nil, forbidden})
		}
		cases = append(cases,
			refusal{"yuexiu-office", "POST", w.run + "/publish", nil, forbidden},
			refusal{"yuexiu-office", "POST", w.run + "/notices", url.Values{"unit": {"440105-002"}, "days": {"10"}}, forbidden},
			refusal{string(auth.UnitEditor), "POST", w.run + "/notices", url.Values{"unit": {"440105-001"}, "days": {"10"}}, forbidden},
			// Creating in another unit: the unit is not one the form offers.
			refusal{"bj-editor", "POST", "/admin/info", recordForm, []int{http.StatusBadRequest}},
			refusal{"xg-editor", "POST", "/admin/info", recordForm, []int{http.StatusBadRequest}},
			// Roles without the right.
			refusal{string(auth.UnitEditor), "POST", w.notice + "/recheck", nil, forbidden},
			refusal{string(auth.UnitEditor), "POST", "/admin/domain/grades", url.Values{"unit": {"440105-001"}, "grade": {"poor"}}, forbidden},
			refusal{string(auth.PublicOfficeDistrict), "POST", "/admin/domain/grades", url.Values{"unit": {"440105-001"}, "grade": {"poor"}}, forbidden},
			refusal{string(auth.UnitEditor), "GET", "/admin/calendar/2026", nil, forbidden},
			refusal{string(auth.UnitEditor), "UPLOAD", "/admin/guidelines", nil, forbidden},
			refusal{string(auth.PublicOfficeDistrict), "UPLOAD", "/admin/guidelines", nil, forbidden},
			refusal{string(auth.PublicOfficeDistrict), "GET", "/admin/calendar/2026", nil, forbidden},
		)
		w.check(t, cases)

		// The same requests from inside: the routes are real and the
		// objects reachable, so the refusals above are the scope's doing.
		editor, reviewer, district := w.clients[string(auth.UnitEditor)], w.clients[string(auth.UnitReviewer)], w.clients[string(auth.PublicOfficeDistrict)]
		for _, c := range []struct {
			who  *client
			path string
		}{{editor, w.record}, {editor, w.app}, {editor, w.app + "/notice.docx"}, {editor, w.notice}, {editor, w.run}, {district, w.run + "/results.xlsx"},
			{district, "/api/v1/admin/inspect/" + runID}, {w.clients[string(auth.Admin)], "/admin/calendar/2026"}} {
			if res := c.who.get(c.path); res.StatusCode != http.StatusOK {
				t.Errorf("inside GET %s: %d", c.path, res.StatusCode)
			}
		}
		before := w.snapshot(t)
		if res := editor.postForm(w.record, save); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the editor saves its record: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
		}
		// The snapshot sees a change when there is one.
		if after := w.snapshot(t); slices.Equal(before["info_records"], after["info_records"]) {
			t.Error("the snapshot does not see the saved record")
		}
		if res := editor.postForm(w.finding, url.Values{"answer": {"fixed"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the editor answers its finding: %d", res.StatusCode)
		}
		if res := reviewer.postForm(w.app+"/deliver", url.Values{"note": {"电子邮件发送"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the reviewer delivers: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
	})
}

// Lists and forms outside 赤岗街道 show nothing of it.
func TestScopeOfLists(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newScopeWorld(t, d)
		title := recordForm.Get("title")
		marks := []string{title, w.appNo, `href="` + w.notice + `"`, `href="` + w.record + `"`, `href="` + w.app + `"`}
		seen := func(body string) []string {
			var out []string
			for _, m := range marks {
				if strings.Contains(body, m) {
					out = append(out, m)
				}
			}
			return out
		}
		pages := []string{"/admin/", "/admin/info", "/admin/foi", "/admin/rectification", "/admin/inspect", "/admin/catalogs", "/api/v1/admin/foi"}
		var inside []string
		for _, p := range pages {
			inside = append(inside, seen(w.clients[string(auth.UnitEditor)].get(p).Body)...)
		}
		for _, m := range marks {
			if !slices.Contains(inside, m) {
				t.Errorf("赤岗's own lists never show %q", m)
			}
		}
		for _, who := range []string{"yuexiu-office", "bj-editor", "bj-reviewer", "xg-editor"} {
			for _, p := range pages {
				if got := seen(w.clients[who].get(p).Body); len(got) > 0 {
					t.Errorf("%s GET %s shows %q", who, p, got)
				}
			}
			// The unit to write for or register for is not offered.
			for _, p := range []string{"/admin/info/new?unit=440105-001", "/admin/foi/new"} {
				if slices.Contains(options(t, w.clients[who].get(p).Body), "440105-001") {
					t.Errorf("%s GET %s offers 赤岗街道", who, p)
				}
			}
		}
	})
}

// An applicant reaches their own application only: not another's by its
// query code, by a cookie naming one number and holding another's code,
// nor by the API.
func TestScopeOfApplications(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
		applicant := func() (*client, string, string, string) {
			c := e.client()
			res := c.postForm("/ysqgk/sq/", applyForm())
			no, code := text(t, res.Body, "#tracking-no"), text(t, res.Body, "#query-code")
			app := appLink(t, e.asDemo(auth.UnitEditor), no)
			if no == "" || code == "" || app == "" {
				t.Fatalf("apply: %d %q %q %q", res.StatusCode, no, code, app)
			}
			return c, no, code, app
		}
		a, noA, codeA, appA := applicant()
		b, noB, codeB, appB := applicant()
		reviewer := e.asDemo(auth.UnitReviewer)
		for _, step := range []struct {
			path string
			form url.Values
		}{{appA + "/confirm", url.Values{"day": {"2026-11-23"}}}, {appA + "/reply", url.Values{"result": {"granted"}, "text": {"名单见附件。"}}},
			{appB + "/confirm", url.Values{"day": {"2026-11-23"}}}, {appB + "/correction", url.Values{"days": {"10"}, "note": {"请说明需要哪个季度"}}}} {
			if res := reviewer.postForm(step.path, step.form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", step.path, res.StatusCode, excerpt(res.Body, "error-box"))
			}
		}
		forged := e.client()
		u, _ := url.Parse(e.srv.URL + "/ysqgk/cx/")
		forged.c.Jar.SetCookies(u, []*http.Cookie{{Name: "ysq", Value: noA + "." + codeB, Path: "/ysqgk/cx/"}})
		mixed := e.client()
		api := func(no, code string) response {
			req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/foi/"+no, nil)
			if code != "" {
				req.Header.Set("X-Query-Code", code)
			}
			return e.client().do(req)
		}

		before := e.snapshot(t)
		statusA := "/ysqgk/cx/" + noA + "/"
		if res := mixed.postForm("/ysqgk/cx/", url.Values{"no": {noA}, "code": {codeB}}); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "李明") {
			t.Errorf("A's number with B's code: %d", res.StatusCode)
		}
		for name, c := range map[string]*client{"B's applicant": b, "a cookie of A's number and B's code": forged, "after a refused look-up": mixed} {
			if res := c.get(statusA); res.StatusCode != http.StatusSeeOther || strings.Contains(res.Body, "李明") {
				t.Errorf("%s reads A's status: %d", name, res.StatusCode)
			}
			for _, p := range []string{statusA + "notice/", statusA + "notice.docx"} {
				if res := c.get(p); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s GET %s: %d", name, p, res.StatusCode)
				}
			}
		}
		if res := a.postForm("/ysqgk/cx/"+noB+"/correct", url.Values{"correction": {"越界补正"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("A corrects B's application: %d", res.StatusCode)
		}
		for _, code := range []string{codeB, ""} {
			if res := api(noA, code); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, noA) {
				t.Errorf("API with code %q: %d %s", code, res.StatusCode, res.Body)
			}
		}
		unchanged(t, "refused look-ups", before, e.snapshot(t))

		// Each applicant reaches their own.
		for _, p := range []string{statusA, statusA + "notice/", statusA + "notice.docx"} {
			if res := a.get(p); res.StatusCode != http.StatusOK {
				t.Errorf("A GET %s: %d", p, res.StatusCode)
			}
		}
		if res := api(noA, codeA); res.StatusCode != http.StatusOK {
			t.Errorf("API with A's code: %d", res.StatusCode)
		}
		if res := b.postForm("/ysqgk/cx/"+noB+"/correct", url.Values{"correction": {"需要第三季度的名单"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("B corrects: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
	})
}
