package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info/infotest"
)

// postMultipart sends a multipart form of fields and files (field "file"
// for each, in order), as a browser sends a form with uploads.
func (c *client) postMultipart(path string, fields url.Values, files ...[2]string) response {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile("file", f[0])
		fw.Write([]byte(f[1]))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

var ruleForm = url.Values{"unit": {"440105-001"}, "title": {"赤岗街道公众参与政务工作制度"}, "category": {"participation"}, "adopted": {"2026-11-02"},
	"body": {"第一条 涉及群众切身利益的重要事项应当公开征求意见。\n第二条 意见采纳情况应当公开反馈。"}}

func withForm(base url.Values, kv ...string) url.Values {
	f := url.Values{}
	for k, v := range base {
		f[k] = slices.Clone(v)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

// apiRules returns the rules GET /api/v1/units/{code}/rules lists.
func apiRules(t *testing.T, c *client, code string) []map[string]any {
	t.Helper()
	res := c.get("/api/v1/units/" + code + "/rules")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("API rules of %s: %d %s", code, res.StatusCode, res.Body)
	}
	var v struct {
		Rules []map[string]any `json:"rules"`
	}
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil || v.Rules == nil {
		t.Fatalf("API rules: %v %s", err, res.Body)
	}
	return v.Rules
}

// The journey of a rule over HTTP: 赤岗's editor submits it with a file,
// 海珠区's office returns it, the editor revises and resubmits, the office
// accepts it and it is published in 赤岗's 制度 column, on the portal and
// in the API; the city office recommends it to all.
func TestRuleJourneyOverHTTP(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
		editor, district, city := e.asDemo(auth.UnitEditor), e.asDemo(auth.PublicOfficeDistrict), e.asDemo(auth.PublicOfficeCity)
		visitor := e.client()
		count := func() int {
			var n int
			if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM rules`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// Bad input on the form: every field named, what was typed kept,
		// nothing written.
		bad := withForm(ruleForm, "title", "", "category", "rumours", "adopted", "2026-13-01", "body", "第一条 仅此一条。\n联系人身份证号11010519491231002X")
		res := editor.postMultipart("/admin/rules", bad, [2]string{"x.exe", "MZ"})
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("bad rule: %d", res.StatusCode)
		}
		for _, f := range []string{"title", "category", "adopted", "body", "file"} {
			if text(t, res.Body, "#"+f+"-error") == "" {
				t.Errorf("no error on %s", f)
			}
		}
		if got := text(t, res.Body, "textarea#body"); !strings.Contains(got, "第一条 仅此一条。") {
			t.Errorf("the typed text is lost: %q", got)
		}
		if res := editor.postMultipart("/admin/rules", withForm(ruleForm, "adopted", "2026-11-24")); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#adopted-error") == "" {
			t.Errorf("adopted tomorrow: %d", res.StatusCode)
		}
		if res := editor.postMultipart("/admin/rules", withForm(ruleForm, "unit", "440100")); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#unit-error") == "" {
			t.Errorf("a unit outside the editor's: %d", res.StatusCode)
		}
		if n := count(); n != 0 {
			t.Fatalf("bad input wrote %d rules", n)
		}

		res = editor.postMultipart("/admin/rules", ruleForm, [2]string{"公众参与制度.docx", string(infotest.DOCX("制度全文"))})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		page := strings.Split(res.Header.Get("Location"), "?")[0]
		body := editor.get(page).Body
		if got := text(t, body, "#state"); !strings.Contains(got, "待审核") || !strings.Contains(got, "第1版") {
			t.Errorf("state after submitting: %q", got)
		}
		if res := editor.get(page + "/files/1/1"); res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("file: %d %s", res.StatusCode, res.Header.Get("Cache-Control"))
		}
		// It waits in the district office's queue, not in the city's.
		if !strings.Contains(text(t, district.get("/admin/rules").Body, "section[aria-labelledby=queue-h]"), ruleForm.Get("title")) {
			t.Error("the district's queue misses the rule")
		}
		// The editor cannot decide on it.
		if res := editor.postForm(page, url.Values{"do": {"accept"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("the editor accepts: %d", res.StatusCode)
		}

		// Returning needs a reason; the unit sees it.
		res = district.postForm(page, url.Values{"do": {"return"}, "reason": {" "}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#reason-error") == "" {
			t.Errorf("return without reason: %d", res.StatusCode)
		}
		reason := "请补充意见反馈的时限。"
		if res := district.postForm(page, url.Values{"do": {"return"}, "reason": {reason}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("return: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		if got := text(t, editor.get(page).Body, "#return-reason"); got != reason {
			t.Errorf("return reason shown %q", got)
		}
		// Revising with a bad date keeps what was typed.
		rev := withForm(ruleForm, "body", ruleForm.Get("body")+"\n第三条 征求意见结束后20个工作日内公开反馈。", "form", "revise")
		rev["keep"] = []string{"1"}
		res = editor.postMultipart(page, withForm(rev, "adopted", "yesterday"))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(text(t, res.Body, "textarea#body"), "第三条") || text(t, res.Body, "#adopted-error") == "" {
			t.Errorf("bad revision: %d", res.StatusCode)
		}
		if res := editor.postMultipart(page, rev); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revise: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		body = district.get(page).Body
		if got := text(t, body, "#state"); !strings.Contains(got, "第2版") {
			t.Errorf("after revising: %q", got)
		}
		if n := len(find(t, body, "section[aria-labelledby=history-h] ol > li")); n != 2 {
			t.Errorf("history shows %d versions", n)
		}

		// Accepting publishes it in 赤岗's 制度 column, on the portal and in
		// the API.
		if res := district.postForm(page, url.Values{"do": {"accept"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		col := visitor.get("/zwgk/bzh/440105-001/zd/")
		link := ""
		for _, a := range find(t, col.Body, "ul.info-list a") {
			for _, at := range a.Attr {
				if at.Key == "href" && a.FirstChild != nil && a.FirstChild.Data == ruleForm.Get("title") {
					link = at.Val
				}
			}
		}
		if link == "" {
			t.Fatalf("赤岗's 制度 column does not list the rule: %s", text(t, col.Body, "ul.info-list"))
		}
		if rec := visitor.get(link); rec.StatusCode != http.StatusOK || !strings.Contains(rec.Body, "第三条 征求意见结束后20个工作日内公开反馈。") ||
			!strings.Contains(rec.Body, "公众参与制度.docx") {
			t.Errorf("the record page: %d", rec.StatusCode)
		}
		rs := apiRules(t, visitor, "440105-001")
		if len(rs) != 1 || rs[0]["title"] != ruleForm.Get("title") || rs[0]["category"] != "participation" || rs[0]["adopted"] != "2026-11-02" ||
			rs[0]["url"] != link || rs[0]["recommended"] != false {
			t.Errorf("API: %v", rs)
		}
		if res := visitor.get("/api/v1/units/nowhere/rules"); res.StatusCode != http.StatusNotFound || jsonErrCode(t, res) != "not_found" {
			t.Errorf("API of an unknown unit: %d", res.StatusCode)
		}

		// The city office recommends it: 优秀制度 on the portal, and in the
		// console of a unit of another district.
		if res := city.postForm(page, url.Values{"do": {"recommend"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("recommend: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		if !strings.Contains(text(t, visitor.get("/zwgk/zd/yx/").Body, "table"), ruleForm.Get("title")) {
			t.Error("the portal's recommended rules miss it")
		}
		if !strings.Contains(visitor.get("/zwgk/zd/").Body, `href="/zwgk/zd/yx/"`) {
			t.Error("the 制度 column does not link the recommended rules")
		}
		addAccount(t, e, auth.NewAccount{Login: "bj-editor", Role: auth.UnitEditor, UnitCode: "440104-001"})
		other := e.as("bj-editor", "bj-editor-pw-2026")
		if !strings.Contains(text(t, other.get("/admin/rules").Body, "section[aria-labelledby=rec-h]"), ruleForm.Get("title")) {
			t.Error("another district's unit is not shown the recommended rule")
		}
		if rs := apiRules(t, visitor, "440105-001"); rs[0]["recommended"] != true {
			t.Errorf("API recommended: %v", rs[0]["recommended"])
		}
		if res := city.postForm(page, url.Values{"do": {"unrecommend"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unrecommend: %d", res.StatusCode)
		}
		if strings.Contains(visitor.get("/zwgk/zd/yx/").Body, ruleForm.Get("title")) {
			t.Error("still recommended")
		}

		// Withdrawing takes it out of the column; the editor may not.
		if res := editor.postForm(page, url.Values{"do": {"withdraw"}, "withdraw_reason": {"不再适用"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("the editor withdraws a published rule: %d", res.StatusCode)
		}
		res = district.postForm(page, url.Values{"do": {"withdraw"}, "withdraw_reason": {""}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#withdraw_reason-error") == "" {
			t.Errorf("withdraw without reason: %d", res.StatusCode)
		}
		if res := district.postForm(page, url.Values{"do": {"withdraw"}, "withdraw_reason": {"已由区级制度替代"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		if rs := apiRules(t, visitor, "440105-001"); len(rs) != 0 {
			t.Errorf("the API lists a withdrawn rule: %v", rs)
		}
		if visitor.get(link).StatusCode != http.StatusNotFound {
			t.Error("the withdrawn rule's page is still public")
		}
	})
}

// A district's own rule goes to the city office: the district's office
// does not see it in its queue and may not accept it.
func TestDistrictRuleGoesToTheCity(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	district, city := e.asDemo(auth.PublicOfficeDistrict), e.asDemo(auth.PublicOfficeCity)
	res := district.postMultipart("/admin/rules", withForm(ruleForm, "unit", "440105", "title", "海珠区政府信息发布审查制度", "category", "release_review"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", res.StatusCode, excerpt(res.Body, "error"))
	}
	page := strings.Split(res.Header.Get("Location"), "?")[0]
	if strings.Contains(district.get("/admin/rules").Body, `aria-labelledby="queue-h"><table`) ||
		strings.Contains(text(t, district.get("/admin/rules").Body, "section[aria-labelledby=queue-h]"), "海珠区政府信息发布审查制度") {
		t.Error("the district's queue lists its own rule")
	}
	if len(find(t, district.get(page).Body, `button[value=accept]`)) != 0 {
		t.Error("the district is offered to accept its own rule")
	}
	if res := district.postForm(page, url.Values{"do": {"accept"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("the district accepts its own rule: %d", res.StatusCode)
	}
	if !strings.Contains(text(t, city.get("/admin/rules").Body, "section[aria-labelledby=queue-h]"), "海珠区政府信息发布审查制度") {
		t.Error("the city's queue misses the district's rule")
	}
	if res := city.postForm(page, url.Values{"do": {"accept"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the city accepts: %d", res.StatusCode)
	}
}

// The pages of rules and training say nothing in Chinese in English but
// the data, a form shown again with its errors included.
func TestRulesAndTrainingInEnglish(t *testing.T) {
	d := dbtest.SQLite(t)
	e := newEnv(t, d)
	d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
	if _, err := app.LoadDemoRules(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	en := englishPages(t)
	editor, district, city := e.asDemo(auth.UnitEditor), e.asDemo(auth.PublicOfficeDistrict), e.asDemo(auth.PublicOfficeCity)
	en.show(e.client(), "recommended rules", "/zwgk/zd/yx/")
	en.show(e.client(), "rules column", "/zwgk/zd/")
	en.show(editor, "rules list", "/admin/rules")
	en.show(district, "rules list of an office", "/admin/rules")
	en.show(editor, "new rule", "/admin/rules/new")
	body := en.show(editor, "returned rule", "/admin/rules/6")
	if len(find(t, body, "form input[name=keep], form textarea#body")) == 0 {
		t.Error("the returned rule offers no revision")
	}
	en.show(city, "published rule", "/admin/rules/3")
	en.show(city, "training list", "/admin/training")
	en.show(city, "new session", "/admin/training/new")
	en.show(city, "session", "/admin/training/1")
	en.show(editor, "attended session", "/admin/training/1")
	en.check()
	for name, res := range map[string]response{
		"bad rule":     editor.postMultipart("/admin/rules?lang=en", withForm(ruleForm, "title", "", "category", "x", "adopted", "x", "body", "")),
		"bad session":  city.postForm("/admin/training?lang=en", withForm(sessionForm, "topic", "", "kind", "x", "date", "x")),
		"bad return":   district.postForm("/admin/rules/6?lang=en", url.Values{"do": {"return"}}),
		"bad attendee": city.postForm("/admin/training/1?lang=en", url.Values{"do": {"attend"}, "unit": {"x"}, "people": {"x"}}),
	} {
		if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusConflict {
			t.Errorf("%s: %d", name, res.StatusCode)
		}
		if found := chineseOutsideUserData(t, res.Body); len(found) > 0 {
			t.Errorf("%s shows Chinese outside user data:\n%s", name, strings.Join(found, "\n"))
		}
	}
}
