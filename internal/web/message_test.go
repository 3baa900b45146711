package web_test

import (
	"encoding/json"
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
)

func messageForm() url.Values {
	return url.Values{"unit": {"440105-001"}, "category": {"consult"}, "title": {"长者饭堂周末是否开放"},
		"content": {"请问赤岗街道长者饭堂周末是否开放？我的手机13912345678，谢谢。"}, "name": {"李明"}, "phone": {"13912345678"},
		"email": {"liming@example.com"}, "public": {"yes"}}
}

// at sets the database clock to 09:00 China time on day.
func at(d *db.DB, day string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" 09:00", calendar.China)
	if err != nil {
		panic(err)
	}
	d.SetClock(func() time.Time { return t })
}

// msgLink returns the console address of the message with tracking number
// no as c's list links it, or "".
func msgLink(t *testing.T, c *client, no string) string {
	t.Helper()
	for _, a := range find(t, c.get("/admin/messages?q="+url.QueryEscape(no)).Body, "#messages a[href^='/admin/messages/']") {
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

// A message from the portal form to the rated answer in the public
// archive: bad input kept and refused, the query code, the due date across
// the National Day holiday, the dashboard, review before the reply.
func TestMessageJourney(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		at(d, "2026-09-28") // Monday; 1–7 October are off, Saturday 10 October is worked
		citizen, stranger := e.client(), e.client()

		res := citizen.get("/hudong/")
		if attr(t, res.Body, "a[href='/hudong/ly/']", "href") == "" {
			t.Error("the interaction page does not link the messages")
		}
		res = citizen.get("/hudong/ly/xie/?unit=440105-001")
		if res.StatusCode != http.StatusOK || attr(t, res.Body, "#unit option[selected]", "value") != "440105-001" {
			t.Fatalf("form: %d", res.StatusCode)
		}
		bad := messageForm()
		bad.Set("content", "太短")
		bad.Set("email", "not-an-address")
		res = citizen.postForm("/hudong/ly/", bad)
		if res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "#title", "value") != "长者饭堂周末是否开放" || text(t, res.Body, "#content") != "太短" ||
			text(t, res.Body, "#content-error") == "" || text(t, res.Body, "#email-error") == "" || text(t, res.Body, "#name-error") != "" ||
			len(find(t, res.Body, "input[name=public][checked]")) != 1 {
			t.Fatalf("bad message: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		if n := countRows(t, d, "messages"); n != 0 {
			t.Fatalf("a refused message was stored: %d", n)
		}

		res = citizen.postForm("/hudong/ly/", messageForm())
		no, code := text(t, res.Body, "#tracking-no"), text(t, res.Body, "#query-code")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(no, "LY20260928") || len(code) != 8 || text(t, res.Body, "#due") != "2026-10-16" ||
			res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("sent: %d %q %q %q", res.StatusCode, no, code, text(t, res.Body, "#due"))
		}
		status := "/hudong/cx/" + no + "/"
		res = citizen.get(status)
		if res.StatusCode != http.StatusOK || text(t, res.Body, "#msg-status") != "办理中" || text(t, res.Body, "#due") != "2026-10-16" {
			t.Fatalf("status page: %d %s", res.StatusCode, excerpt(res.Body, "msg-status"))
		}
		if res := stranger.get(status); res.StatusCode != http.StatusSeeOther {
			t.Errorf("stranger reads the status page: %d", res.StatusCode)
		}
		res = stranger.postForm("/hudong/cx/", url.Values{"no": {no}, "code": {"AAAAAAAA"}})
		if res.StatusCode != http.StatusNotFound || attr(t, res.Body, "#no", "value") != no || strings.Contains(res.Body, "长者饭堂") {
			t.Errorf("wrong code: %d", res.StatusCode)
		}
		if res := stranger.postForm(status+"rate", url.Values{"rating": {"unsatisfied"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("stranger rates: %d", res.StatusCode)
		}
		if res := stranger.postForm("/hudong/cx/", url.Values{"no": {strings.ToLower(no)}, "code": {strings.ToLower(code)}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("right code: %d", res.StatusCode)
		}

		// The console: due in three working days, on the dashboard.
		at(d, "2026-10-13")
		editor, reviewer := e.asDemo(auth.UnitEditor), e.asDemo(auth.UnitReviewer)
		link := msgLink(t, editor, no)
		if link == "" {
			t.Fatal("the editor's list lacks the message")
		}
		if res := editor.get("/admin/"); !strings.Contains(text(t, res.Body, "#msg-h + ul"), no) {
			t.Errorf("dashboard: %s", excerpt(res.Body, "msg-h"))
		}
		if res := editor.get("/admin/messages"); !strings.Contains(text(t, res.Body, "#urgent-h ~ div.table-wrap"), no) {
			t.Errorf("urgent list: %s", excerpt(res.Body, "urgent-h"))
		}
		res = editor.postForm(link+"/draft", url.Values{"answer": {"  "}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#answer-error") == "" {
			t.Fatalf("empty draft: %d", res.StatusCode)
		}
		answer := "长者饭堂周末照常开放，时间为上午11时至下午1时。"
		if res := editor.postForm(link+"/draft", url.Values{"answer": {answer}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("draft: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if res := citizen.get(status); strings.Contains(res.Body, answer) {
			t.Error("the writer sees the draft")
		}
		if res := editor.postForm(link+"/approve", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("the editor approves: %d", res.StatusCode)
		}
		if res := reviewer.postForm(link+"/approve", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if res := reviewer.postForm(link+"/approve", nil); res.StatusCode != http.StatusConflict {
			t.Errorf("approve twice: %d", res.StatusCode)
		}

		res = citizen.get(status)
		if text(t, res.Body, "#msg-answer") != answer || text(t, res.Body, "#msg-status") != "已答复" || len(find(t, res.Body, "form[action$='/rate']")) != 1 {
			t.Fatalf("answered status: %s", excerpt(res.Body, "msg-status"))
		}
		res = citizen.postForm(status+"rate", url.Values{"rating": {"great"}, "comment": {"很好"}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#rating-error") == "" || text(t, res.Body, "#comment") != "很好" {
			t.Errorf("bad rating: %d", res.StatusCode)
		}
		if res := citizen.postForm(status+"rate", url.Values{"rating": {"satisfied"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("rate: %d", res.StatusCode)
		}
		if res := citizen.get(status); !strings.Contains(text(t, res.Body, "#rating"), "满意") || len(find(t, res.Body, "form[action$='/rate']")) != 0 {
			t.Errorf("rated: %s", excerpt(res.Body, "rating"))
		}
		if res := citizen.postForm(status+"rate", url.Values{"rating": {"unsatisfied"}}); res.StatusCode != http.StatusConflict {
			t.Errorf("rate twice: %d", res.StatusCode)
		}

		// The public archive: masked, searchable, with the days taken.
		res = e.client().get("/hudong/ly/?q=" + url.QueryEscape("上午11时"))
		if res.StatusCode != http.StatusOK || attr(t, res.Body, "#archive a", "href") != "/hudong/ly/"+no+"/" || !strings.Contains(res.Body, "2026-10-13") {
			t.Fatalf("archive: %d %s", res.StatusCode, excerpt(res.Body, "archive"))
		}
		for _, q := range []string{"?q=" + url.QueryEscape("没有这样的话"), "?unit=440104", "?category=complaint"} {
			if res := e.client().get("/hudong/ly/" + q); len(find(t, res.Body, "#archive a")) != 0 {
				t.Errorf("archive %s lists %s", q, no)
			}
		}
		for _, q := range []string{"?unit=nope", "?category=praise", "?q=" + strings.Repeat("长", 101)} {
			if res := e.client().get("/hudong/ly/" + q); res.StatusCode != http.StatusBadRequest {
				t.Errorf("archive %s: %d", q, res.StatusCode)
			}
		}
		res = e.client().get("/hudong/ly/" + no + "/")
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "13912345678") || !strings.Contains(text(t, res.Body, "#msg-content"), "139****5678") ||
			strings.Contains(res.Body, "李明") || strings.Contains(res.Body, "liming@") {
			t.Errorf("public message: %d %s", res.StatusCode, excerpt(res.Body, "msg-content"))
		}
		if res := e.client().get("/hudong/ly/LY20260928AAAAAA/"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown public message: %d", res.StatusCode)
		}
		for _, p := range []string{"/hudong/ly/?lang=en", "/hudong/ly/xie/?lang=en", "/hudong/cx/?lang=en", "/hudong/ly/" + no + "/?lang=en"} {
			if res := e.client().get(p); res.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
		}
	})
}

// Anonymous messages are limited per address; the refused one keeps the
// form and writes nothing.
func TestMessageRateLimit(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		for i := range 10 {
			if res := c.postForm("/hudong/ly/", messageForm()); res.StatusCode != http.StatusOK {
				t.Fatalf("message %d: %d", i+1, res.StatusCode)
			}
		}
		res := c.postForm("/hudong/ly/", messageForm())
		if res.StatusCode != http.StatusTooManyRequests || attr(t, res.Body, "#title", "value") != "长者饭堂周末是否开放" || text(t, res.Body, ".error-box") == "" {
			t.Errorf("11th message: %d", res.StatusCode)
		}
		res = c.sendJSON("POST", "/api/v1/messages", map[string]any{"unit": "440105-001", "category": "consult", "title": "标题", "content": "十个字以上的留言内容。", "name": "李明", "phone": "13912345678"})
		if res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("API past the limit: %d", res.StatusCode)
		}
		if n := countRows(t, d, "messages"); n != 10 {
			t.Errorf("%d messages stored, want 10", n)
		}
	})
}

// A transfer moves the message out of the sending unit's reach and shows on
// the writer's timeline; the extension and dismissal are a reviewer's; the
// reply periods are set per category.
func TestMessageTransferExtend(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		at(d, "2026-09-28")
		addAccount(t, e, auth.NewAccount{Login: "xg-editor", Role: auth.UnitEditor, UnitCode: "440105-002"})
		editor, reviewer, xg := e.asDemo(auth.UnitEditor), e.asDemo(auth.UnitReviewer), e.as("xg-editor", "xg-editor-pw-2026")
		citizen := e.client()

		// The reviewer sets 赤岗's periods: suggestions get 15 working days.
		bad := url.Values{"days_consult": {"10"}, "days_suggest": {"0"}, "days_complaint": {"5"}, "days_help": {"3"}, "days_other": {"x"}}
		if res := editor.postForm("/admin/messages/limits", bad); res.StatusCode != http.StatusForbidden {
			t.Errorf("the editor sets periods: %d", res.StatusCode)
		}
		res := reviewer.postForm("/admin/messages/limits", bad)
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#days_suggest-error") == "" || text(t, res.Body, "#days_other-error") == "" ||
			attr(t, res.Body, "#days_complaint", "value") != "5" {
			t.Fatalf("bad periods: %d", res.StatusCode)
		}
		good := url.Values{"days_consult": {"10"}, "days_suggest": {"15"}, "days_complaint": {"5"}, "days_help": {"3"}, "days_other": {"10"}}
		if res := reviewer.postForm("/admin/messages/limits", good); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("periods: %d", res.StatusCode)
		}
		if res := reviewer.get("/admin/messages"); attr(t, res.Body, "#days_suggest", "value") != "15" {
			t.Errorf("periods shown: %s", attr(t, res.Body, "#days_suggest", "value"))
		}
		form := messageForm()
		form.Set("category", "suggest")
		res = citizen.postForm("/hudong/ly/", form)
		no := text(t, res.Body, "#tracking-no")
		// 15 working days from 28 September across National Day.
		if text(t, res.Body, "#due") != "2026-10-23" {
			t.Errorf("suggestion due %s, want 2026-10-23", text(t, res.Body, "#due"))
		}
		link := msgLink(t, editor, no)

		if res := editor.postForm(link+"/extend", url.Values{"days": {"5"}, "reason": {"需要现场核实"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("the editor extends: %d", res.StatusCode)
		}
		res = reviewer.postForm(link+"/extend", url.Values{"days": {"30"}, "reason": {"需要现场核实"}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#days-error") == "" || attr(t, res.Body, "#ext-reason", "value") != "需要现场核实" {
			t.Errorf("extend 30 days: %d", res.StatusCode)
		}
		if res := reviewer.postForm(link+"/extend", url.Values{"days": {"5"}, "reason": {"需要现场核实"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("extend: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if res := citizen.get("/hudong/cx/" + no + "/"); text(t, res.Body, "#due") != "2026-10-30" {
			t.Errorf("extended due %s", text(t, res.Body, "#due"))
		}

		res = editor.postForm(link+"/transfer", url.Values{"to": {"440105-002"}, "reason": {""}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#reason-error") == "" {
			t.Errorf("transfer without a reason: %d", res.StatusCode)
		}
		if res := editor.postForm(link+"/transfer", url.Values{"to": {"440105-002"}, "reason": {"属新港街道辖区"}}); res.StatusCode != http.StatusSeeOther ||
			res.Header.Get("Location") != "/admin/messages" {
			t.Fatalf("transfer: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res := editor.get(link); res.StatusCode != http.StatusNotFound {
			t.Errorf("赤岗 still opens the message: %d", res.StatusCode)
		}
		if res := xg.get(link); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "属新港街道辖区") {
			t.Errorf("新港 opens the message: %d", res.StatusCode)
		}
		if res := citizen.get("/hudong/cx/" + no + "/"); !strings.Contains(text(t, res.Body, "#timeline-h + ol"), "转交新港街道办事处办理") {
			t.Errorf("timeline: %s", text(t, res.Body, "#timeline-h + ol"))
		}
	})
}

// The three contracts of the API, with bad input named and nothing written.
func TestMessageAPI(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		at(d, "2026-09-28")
		c := e.client()
		body := map[string]any{"unit": "440105-001", "category": "help", "title": "独居老人家中漏水", "content": "邻居独居老人家中水管漏水，请帮忙联系维修。",
			"name": "黄女士", "phone": "", "email": "huang@example.com", "public": true}
		for _, bad := range []struct {
			edit  func(map[string]any)
			field string
		}{
			{func(b map[string]any) { b["unit"] = "nope" }, "unit"},
			{func(b map[string]any) { b["category"] = "praise" }, "category"},
			{func(b map[string]any) { delete(b, "title") }, "title"},
			{func(b map[string]any) { b["content"] = "短" }, "content"},
			{func(b map[string]any) { b["email"] = "" }, "phone"},
			{func(b map[string]any) { b["public"] = "yes" }, "public"},
		} {
			b := map[string]any{}
			for k, v := range body {
				b[k] = v
			}
			bad.edit(b)
			res := c.sendJSON("POST", "/api/v1/messages", b)
			if res.StatusCode != http.StatusBadRequest || errFields(t, res)[bad.field] == "" {
				t.Errorf("bad %s: %d %.200s", bad.field, res.StatusCode, res.Body)
			}
		}
		if res := c.sendJSON("POST", "/api/v1/messages", `{"unit":"440105-001","extra":1}`); res.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown field: %d", res.StatusCode)
		}
		if n := countRows(t, d, "messages"); n != 0 {
			t.Fatalf("bad input wrote %d messages", n)
		}

		res := c.sendJSON("POST", "/api/v1/messages", body)
		var sent map[string]string
		if err := json.Unmarshal([]byte(res.Body), &sent); err != nil || res.StatusCode != http.StatusCreated {
			t.Fatalf("send: %d %s", res.StatusCode, res.Body)
		}
		keys := []string{}
		for k := range sent {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if strings.Join(keys, ",") != "due,query_code,tracking_no" || sent["due"] != "2026-10-16" || !strings.HasPrefix(sent["tracking_no"], "LY20260928") {
			t.Fatalf("sent %v", sent)
		}

		get := func(no, code string) response {
			req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/messages/"+no, nil)
			if code != "" {
				req.Header.Set("X-Query-Code", code)
			}
			return c.do(req)
		}
		var st map[string]string
		res = get(sent["tracking_no"], sent["query_code"])
		if err := json.Unmarshal([]byte(res.Body), &st); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("status: %d %s", res.StatusCode, res.Body)
		}
		if want := map[string]string{"tracking_no": sent["tracking_no"], "unit": "440105-001", "status": "open", "due": "2026-10-16", "answer": ""}; !mapsEqual(st, want) {
			t.Errorf("status %v, want %v", st, want)
		}
		for _, code := range []string{"AAAAAAAA", ""} {
			if res := get(sent["tracking_no"], code); res.StatusCode != http.StatusNotFound {
				t.Errorf("code %q: %d", code, res.StatusCode)
			}
		}

		// The archive, after the reply is approved.
		editor, reviewer := e.asDemo(auth.UnitEditor), e.asDemo(auth.UnitReviewer)
		link := msgLink(t, editor, sent["tracking_no"])
		editor.postForm(link+"/draft", url.Values{"answer": {"社区网格员已上门，联系物业维修完毕。"}})
		if res := reviewer.postForm(link+"/approve", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.StatusCode)
		}
		var archive struct {
			Total    int                 `json:"total"`
			Messages []map[string]string `json:"messages"`
		}
		res = c.get("/api/v1/messages?unit=440105&q=" + url.QueryEscape("物业") + "&page=1")
		if err := json.Unmarshal([]byte(res.Body), &archive); err != nil || archive.Total != 1 || len(archive.Messages) != 1 {
			t.Fatalf("archive: %d %s", res.StatusCode, res.Body)
		}
		if want := map[string]string{"tracking_no": sent["tracking_no"], "unit": "440105-001", "category": "help", "title": "独居老人家中漏水",
			"asked": "2026-09-28", "answered": "2026-09-28", "answer": "社区网格员已上门，联系物业维修完毕。"}; !mapsEqual(archive.Messages[0], want) {
			t.Errorf("archived %v", archive.Messages[0])
		}
		if res = get(sent["tracking_no"], sent["query_code"]); !strings.Contains(res.Body, `"answer":"社区网格员`) || !strings.Contains(res.Body, `"status":"answered"`) {
			t.Errorf("answered status: %s", res.Body)
		}
		for q, want := range map[string]int{"?unit=440104": 0, "?page=2": 0, "?q=" + url.QueryEscape("漏水"): 1} {
			res := c.get("/api/v1/messages" + q)
			if err := json.Unmarshal([]byte(res.Body), &archive); err != nil || len(archive.Messages) != want {
				t.Errorf("%s: %s", q, res.Body)
			}
		}
		if res := c.get("/api/v1/messages?unit=nope"); res.StatusCode != http.StatusBadRequest || errFields(t, res)["unit"] == "" {
			t.Errorf("unknown unit: %d %s", res.StatusCode, res.Body)
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
