package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
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

// consultForm is a draft of 赤岗街道 open from Monday 2 November 2026 for
// 20 days, short of the 30 a unit gives by default.
var consultForm = url.Values{"unit": {"440105-001"}, "title": {"赤岗街道长者助餐配送服务方案（征求意见稿）"},
	"body":        {`<p>第一条 为做好长者助餐配送服务，制定本方案。</p><img src=x onerror="alert(1)">`},
	"explanation": {"根据辖区长者需求起草。"}, "start": {"2026-11-02"}, "end": {"2026-11-21"}, "parties": {"长者代表"}}

// on sets the database clock to 09:00 China time on day.
func on(d *db.DB, day string) {
	dd, _ := calendar.ParseDate(day)
	d.SetClock(func() time.Time { return time.Date(dd.Year, dd.Month, dd.Day, 9, 0, 0, 0, calendar.China) })
}

// consultList is the API's list of consultations.
type consultList struct {
	Consultations []struct {
		ID          int64  `json:"id"`
		Unit        string `json:"unit"`
		Title       string `json:"title"`
		Start       string `json:"start"`
		End         string `json:"end"`
		Status      string `json:"status"`
		Comments    int    `json:"comments"`
		FeedbackURL string `json:"feedback_url"`
	} `json:"consultations"`
}

func apiConsultations(t *testing.T, c *client, query string) consultList {
	t.Helper()
	res := c.get("/api/v1/consultations" + query)
	var v consultList
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(res.Body), &v) != nil {
		t.Fatalf("GET /api/v1/consultations%s: %d %.200s", query, res.StatusCode, res.Body)
	}
	return v
}

// jsonFields returns error.fields of a JSON error response.
func jsonFields(t *testing.T, res response) map[string]string {
	t.Helper()
	var v struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	json.Unmarshal([]byte(res.Body), &v)
	return v.Error.Fields
}

// From a draft in the console to the feedback report on the portal and
// the final policy's page, with the bad input, the console's warning, the
// API and the closing of the period on the way.
func TestConsultationJourneyOverHTTP(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		on(d, "2026-11-02")
		editor, reviewer, visitor := e.asDemo(auth.UnitEditor), e.asDemo(auth.UnitReviewer), e.client()

		// Bad input: 400, what was typed kept, nothing written.
		bad := url.Values{}
		for k, v := range consultForm {
			bad[k] = v
		}
		bad.Set("explanation", "")
		bad.Set("end", "2026-10-30")
		res := editor.postForm("/admin/consultations", bad)
		if res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "#title", "value") != consultForm.Get("title") ||
			text(t, res.Body, "#end-error") == "" || text(t, res.Body, "#explanation-error") == "" {
			t.Errorf("bad draft: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if n := countRows(t, d, "consultations"); n != 0 {
			t.Fatalf("a refused draft wrote %d rows", n)
		}
		res = editor.postForm("/admin/consultations", consultForm)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		page := strings.Split(res.Header.Get("Location"), "?")[0]
		id := strings.TrimPrefix(page, "/admin/consultations/")
		public := "/hudong/yjzj/" + id + "/"
		// The console warns that 20 days are short of 30.
		body := editor.get(page).Body
		if w := text(t, body, "#short-warning"); !strings.Contains(w, "20") || !strings.Contains(w, "30") {
			t.Errorf("short warning: %q", w)
		}
		if strings.Contains(body, "onerror") {
			t.Error("the draft's body was not sanitized")
		}
		if res := editor.upload(page, "file", "方案.docx", infotest.DOCX("配送方案")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d", res.StatusCode)
		}
		if res := editor.upload(page, "file", "方案.docx", []byte("PK not really")); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a fake DOCX: %d", res.StatusCode)
		}
		// Publishing: not by the editor; not without the reason the period
		// is short.
		if res := editor.postForm(page, url.Values{"do": {"publish"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("editor publishes: %d", res.StatusCode)
		}
		res = reviewer.postForm(page, url.Values{"do": {"publish"}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#short_reason-error") == "" {
			t.Errorf("publish a short period: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if visitor.get(public).StatusCode != http.StatusNotFound {
			t.Error("a draft is public")
		}
		save := formValues(t, editor.get(page).Body, "form.stack:has(button[value=save]) [name]")
		save.Set("short_reason", "需在年底前出台，期限相应缩短。")
		save.Set("do", "save")
		if res := editor.postForm(page, save); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if res := reviewer.postForm(page, url.Values{"do": {"publish"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}

		// The portal lists it and takes comments.
		title := consultForm.Get("title")
		for _, p := range []string{"/hudong/", "/hudong/yjzj/?status=open", public} {
			if res := visitor.get(p); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, title) {
				t.Errorf("GET %s: %d, lists it: %v", p, res.StatusCode, strings.Contains(res.Body, title))
			}
		}
		if res := visitor.get("/hudong/yjzj/?status=whenever"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a bad status filter: %d", res.StatusCode)
		}
		typed := url.Values{"content": {"建议配送覆盖独居长者。我的身份证号440105199003078517。"}, "name": {"陈先生"}}
		res = visitor.postForm(public, typed)
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#content") != typed.Get("content") || text(t, res.Body, "#phone-error") == "" {
			t.Errorf("a comment without contact: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if n := countRows(t, d, "consultation_comments"); n != 0 {
			t.Fatalf("a refused comment wrote %d rows", n)
		}
		typed.Set("phone", "13912345678")
		typed.Set("email", "chen@example.com")
		if res := visitor.postForm(public, typed); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		body = visitor.get(public).Body
		if !strings.Contains(body, "建议配送覆盖独居长者") || strings.Contains(body, "440105199003078517") || strings.Contains(body, "13912345678") || strings.Contains(body, "chen@example.com") {
			t.Errorf("the public page shows personal data or misses the comment: %s", excerpt(body, "建议配送"))
		}
		if staff := editor.get(page).Body; !strings.Contains(staff, "13912345678") || !strings.Contains(staff, "chen@example.com") {
			t.Error("staff do not see the contacts")
		}

		// The API: the list, a bad comment naming its fields, a good one.
		list := apiConsultations(t, visitor, "?status=open&unit=440105")
		if len(list.Consultations) != 1 || list.Consultations[0].Unit != "440105-001" || list.Consultations[0].Comments != 1 ||
			list.Consultations[0].Status != "open" || list.Consultations[0].End != "2026-11-21" || list.Consultations[0].FeedbackURL != "" {
			t.Errorf("API list: %+v", list)
		}
		if got := apiConsultations(t, visitor, "?status=closed").Consultations; len(got) != 0 {
			t.Errorf("closed before the end: %+v", got)
		}
		if res := visitor.get("/api/v1/consultations?unit=nowhere"); res.StatusCode != http.StatusBadRequest || jsonFields(t, res)["unit"] == "" {
			t.Errorf("unknown unit: %d %s", res.StatusCode, res.Body)
		}
		api := "/api/v1/consultations/" + id + "/comments"
		res = visitor.sendJSON("POST", api, map[string]string{"content": "", "phone": "12"})
		if f := jsonFields(t, res); res.StatusCode != http.StatusBadRequest || f["content"] == "" || f["phone"] == "" {
			t.Errorf("bad API comment: %d %s", res.StatusCode, res.Body)
		}
		if res := visitor.sendJSON("POST", api, `{"content":"意见","email":"a@example.com","age":70}`); res.StatusCode != http.StatusBadRequest {
			t.Errorf("an unknown field: %d", res.StatusCode)
		}
		if n := countRows(t, d, "consultation_comments"); n != 1 {
			t.Fatalf("refused API comments wrote rows: %d", n)
		}
		res = visitor.sendJSON("POST", api, map[string]string{"content": "广告：代办各类证件。", "email": "ad@example.com"})
		var created struct{ ID int64 }
		if res.StatusCode != http.StatusCreated || json.Unmarshal([]byte(res.Body), &created) != nil || created.ID == 0 {
			t.Fatalf("API comment: %d %s", res.StatusCode, res.Body)
		}
		if res := visitor.sendJSON("POST", "/api/v1/consultations/999999/comments", map[string]string{"content": "意见", "email": "a@example.com"}); res.StatusCode != http.StatusNotFound {
			t.Errorf("comment on no consultation: %d", res.StatusCode)
		}

		// Moderation with a written reason.
		cid := itoa(created.ID)
		if res := editor.postForm(page, url.Values{"do": {"hide"}, "comment": {cid}}); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#reason_hide_"+cid+"-error") == "" {
			t.Errorf("hide without a reason: %d", res.StatusCode)
		}
		if res := editor.postForm(page, url.Values{"do": {"hide"}, "comment": {cid}, "reason_hide_" + cid: {"商业广告"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("hide: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if strings.Contains(visitor.get(public).Body, "代办各类证件") {
			t.Error("a hidden comment is public")
		}

		// After the end: 409 on the portal, keeping the text, and by API.
		on(d, "2026-11-22")
		// Sessions do not last 20 days.
		editor, reviewer = e.asDemo(auth.UnitEditor), e.asDemo(auth.UnitReviewer)
		late := url.Values{"content": {"截止后的意见"}, "phone": {"13912345678"}}
		res = visitor.postForm(public, late)
		if res.StatusCode != http.StatusConflict || text(t, res.Body, "textarea#content") != "截止后的意见" || !strings.Contains(text(t, res.Body, ".error-box"), "2026-11-21") {
			t.Errorf("a comment after the end: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if res := visitor.sendJSON("POST", api, map[string]string{"content": "截止后的意见", "phone": "13912345678"}); res.StatusCode != http.StatusConflict || jsonErrCode(t, res) != "conflict" {
			t.Errorf("API after the end: %d %s", res.StatusCode, res.Body)
		}

		// Decisions, then the feedback report.
		decide := formValues(t, editor.get(page).Body, "form.stack:has(button[value=decide]) [name]")
		var first string
		for k := range decide {
			if strings.HasPrefix(k, "decision_") {
				first = strings.TrimPrefix(k, "decision_")
			}
		}
		if first == "" || len(decide) != 3 {
			t.Fatalf("the decisions form: %v", decide)
		}
		decide.Set("decision_"+first, "rejected")
		decide.Set("do", "decide")
		if res := editor.postForm(page, decide); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#reason_"+first+"-error") == "" {
			t.Errorf("not adopted without a reason: %d", res.StatusCode)
		}
		decide.Set("decision_"+first, "partly")
		decide.Set("reason_"+first, "独居长者已纳入，其他对象视经费安排。")
		if res := editor.postForm(page, decide); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("decide: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		fb := url.Values{"do": {"publish_feedback"}, "feedback": {"收到1条有效意见，关于配送对象，部分采纳。"}}
		if res := editor.postForm(page, fb); res.StatusCode != http.StatusForbidden {
			t.Errorf("editor publishes the feedback: %d", res.StatusCode)
		}
		if res := reviewer.postForm(page, fb); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish feedback: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		body = visitor.get(public).Body
		if report := text(t, body, "#feedback"); !strings.Contains(report, "部分采纳") || !strings.Contains(report, "关于配送对象") || !strings.Contains(report, "独居长者已纳入") {
			t.Errorf("feedback report: %.300s", report)
		}
		if got := apiConsultations(t, visitor, "?status=closed").Consultations; len(got) != 1 || got[0].FeedbackURL != public+"#feedback" || got[0].Comments != 1 {
			t.Errorf("API after the feedback: %+v", got)
		}

		// The final policy and its consultation link each other.
		var recID, indexNo string
		if err := d.QueryRow(context.Background(), `SELECT id, index_no FROM info_records WHERE status = 'published' ORDER BY id LIMIT 1`).Scan(&recID, &indexNo); err != nil {
			t.Fatal(err)
		}
		if res := editor.postForm(page, url.Values{"do": {"policy"}, "policy": {"no-such-number"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("link an unknown record: %d", res.StatusCode)
		}
		if res := editor.postForm(page, url.Values{"do": {"policy"}, "policy": {indexNo}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("link the policy: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if href := attr(t, visitor.get("/zwgk/info/"+recID+"/").Body, "a[href='"+public+"#feedback']", "href"); href == "" {
			t.Error("the record does not link its consultation's feedback")
		}
		if href := attr(t, visitor.get(public).Body, "a[href='/zwgk/info/"+recID+"/']", "href"); href == "" {
			t.Error("the consultation does not link its final policy")
		}
		var n int
		if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE action IN ('consult.publish', 'consult.hide', 'consult.decide', 'consult.feedback_publish', 'consult.policy')`).Scan(&n); err != nil || n != 5 {
			t.Errorf("audit events: %d %v", n, err)
		}
	})
}

// Past the limit an address gets a 429 page that keeps what was typed, and
// the API a 429; nothing is stored.
func TestCommentsAreLimited(t *testing.T) {
	d := dbtest.SQLite(t)
	e := newEnv(t, d)
	on(d, "2026-11-23")
	if _, err := app.LoadDemoConsultations(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	open := apiConsultations(t, e.client(), "?status=open").Consultations
	if len(open) != 1 {
		t.Fatalf("the demo's open consultations: %+v", open)
	}
	public := "/hudong/yjzj/" + itoa(open[0].ID) + "/"
	before := countRows(t, d, "consultation_comments")
	c := e.client()
	form := url.Values{"content": {"建议增加配送时段。"}, "email": {"a@example.com"}}
	for i := 0; i < 10; i++ {
		if res := c.postForm(public, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment %d: %d", i+1, res.StatusCode)
		}
	}
	res := c.postForm(public, form)
	if res.StatusCode != http.StatusTooManyRequests || text(t, res.Body, "#content") != form.Get("content") || attr(t, res.Body, "#email", "value") != "a@example.com" {
		t.Errorf("11th comment: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	if res := c.sendJSON("POST", "/api/v1/consultations/"+itoa(open[0].ID)+"/comments", map[string]string{"content": "意见", "email": "a@example.com"}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("by API past the limit: %d", res.StatusCode)
	}
	if n := countRows(t, d, "consultation_comments") - before; n != 10 {
		t.Errorf("%d comments stored, want 10", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestConsultationPagesInEnglish renders the portal's and the console's
// pages of the demo's consultations in English: every word from the
// catalogs, Chinese only in what people wrote.
func TestConsultationPagesInEnglish(t *testing.T) {
	d := dbtest.SQLite(t)
	e := newEnv(t, d)
	on(d, "2026-11-23")
	if _, err := app.LoadDemoConsultations(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	visitor, office := e.client(), e.asDemo(auth.PublicOfficeDistrict)
	all := apiConsultations(t, visitor, "").Consultations
	if len(all) != 2 {
		t.Fatalf("demo consultations: %+v", all)
	}
	pages := []struct {
		c    *client
		path string
	}{{visitor, "/hudong/"}, {visitor, "/hudong/yjzj/"}, {visitor, "/hudong/yjzj/?status=closed"}, {office, "/admin/consultations"}, {office, "/admin/consultations/new"}}
	for _, c := range all {
		pages = append(pages, struct {
			c    *client
			path string
		}{visitor, "/hudong/yjzj/" + itoa(c.ID) + "/"}, struct {
			c    *client
			path string
		}{office, "/admin/consultations/" + itoa(c.ID)})
	}
	for _, p := range pages {
		inEnglish(t, p.c, p.path)
	}
	// The closed one shows its report in English words.
	closed := visitor.get("/hudong/yjzj/" + itoa(all[0].ID) + "/?lang=en").Body
	if all[0].FeedbackURL == "" {
		closed = visitor.get("/hudong/yjzj/" + itoa(all[1].ID) + "/?lang=en").Body
	}
	if r := text(t, closed, "#feedback"); !strings.Contains(r, "Partly adopted") || !strings.Contains(r, "3 comments received: 1 adopted, 1 partly adopted, 1 not adopted.") {
		t.Errorf("the report in English: %.300s", r)
	}
}

// The console's list and the API's page through every consultation: none
// is cut off past a fixed number.
func TestConsultationListsPage(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		on(d, "2026-11-02")
		ctx := context.Background()
		var unitID int64
		if err := d.QueryRow(ctx, `SELECT id FROM units WHERE code = ?`, "440105-001").Scan(&unitID); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for i := range 101 {
				if _, err := tx.Exec(ctx, `INSERT INTO consultations (unit_id, title, start_date, end_date, status, published_at, published_by, created_by, created_at, updated_at)
					VALUES (?, ?, ?, ?, 'published', ?, 'test', 'test', ?, ?)`, unitID, "征求意见稿第"+strconv.Itoa(i+1)+"号", "2026-10-01", "2026-12-31", now, now, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for page, want := range map[string]int{"1": 100, "2": 1} {
			res := e.client().get("/api/v1/consultations?status=open&page=" + page)
			var v struct {
				Total         int `json:"total"`
				Consultations []struct {
					ID int64 `json:"id"`
				} `json:"consultations"`
			}
			if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(res.Body), &v) != nil || v.Total != 101 || len(v.Consultations) != want {
				t.Fatalf("API page %s: %d, total %d, %d listed, want %d", page, res.StatusCode, v.Total, len(v.Consultations), want)
			}
			for _, c := range v.Consultations {
				if seen[c.ID] {
					t.Errorf("consultation %d on two pages", c.ID)
				}
				seen[c.ID] = true
			}
		}
		editor := e.asDemo(auth.UnitEditor)
		body := editor.get("/admin/consultations").Body
		if rows := find(t, body, "table tbody tr"); len(rows) != 20 || len(find(t, body, `nav.pager a[href*="page=2"]`)) == 0 {
			t.Errorf("console page 1: %d rows, pager %v", len(rows), find(t, body, "nav.pager a") != nil)
		}
		if rows := find(t, editor.get("/admin/consultations?page=6").Body, "table tbody tr"); len(rows) != 1 {
			t.Errorf("console page 6: %d rows, want 1", len(rows))
		}
	})
}
