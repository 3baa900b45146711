package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/readertest"
)

func applyForm() url.Values {
	return url.Values{"unit": {"440105-001"}, "applicant_type": {"natural_person"}, "name": {"李明"}, "id_type": {"resident_id"},
		"id_number": {"11010519491231002X"}, "phone": {"020-88886666"}, "email": {"liming@example.com"},
		"description": {"2026年赤岗街道高龄老年人津贴发放名单"}, "medium": {"electronic"}, "delivery": {"email"}}
}

// An application from the portal to the reply notice, with the scope of
// every console route and the applicant's access by query code.
func TestFOIJourney(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// Monday 23 November 2026.
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China)
		d.SetClock(func() time.Time { return now })
		editor := e.asDemo(auth.UnitEditor)
		reviewer := e.asDemo(auth.UnitReviewer)
		district := e.asDemo(auth.PublicOfficeDistrict)
		if err := d.InTx(context.Background(), func(tx *db.Tx) error {
			_, err := auth.CreateAccount(context.Background(), tx, "test", nil, auth.NewAccount{Login: "yx-office", DisplayName: "越秀区政务公开办", Password: "password-2026", Role: auth.PublicOfficeDistrict, UnitCode: "440104"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		other := e.as("yx-office", "password-2026")
		citizen, stranger := e.client(), e.client()

		// A bad application keeps what was typed and stores nothing.
		bad := applyForm()
		bad.Set("id_number", "110105194912310021")
		res := citizen.postForm("/ysqgk/sq/", bad)
		if res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "#name", "value") != "李明" ||
			text(t, res.Body, "#description") != "2026年赤岗街道高龄老年人津贴发放名单" || text(t, res.Body, "#id_number-error") == "" {
			t.Fatalf("bad application: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		if res := editor.get("/admin/foi"); !strings.Contains(res.Body, "共0件") {
			t.Fatalf("a refused application was stored: %s", excerpt(res.Body, "共"))
		}

		res = citizen.postForm("/ysqgk/sq/", applyForm())
		no, code := text(t, res.Body, "#tracking-no"), text(t, res.Body, "#query-code")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(no, "YSQ20261123") || len(code) != 8 || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("apply: %d %q %q", res.StatusCode, no, code)
		}
		status := "/ysqgk/cx/" + no + "/"
		res = citizen.get(status)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "待确认收到") || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("status page: %d", res.StatusCode)
		}
		// Someone else gets the query form, not the cached page, and a
		// wrong code gets nothing.
		if res := stranger.get(status); res.StatusCode != http.StatusSeeOther || strings.Contains(res.Body, "李明") {
			t.Fatalf("stranger reads the status page: %d", res.StatusCode)
		}
		res = stranger.postForm("/ysqgk/cx/", url.Values{"no": {no}, "code": {"AAAAAAAA"}})
		if res.StatusCode != http.StatusNotFound || attr(t, res.Body, "#no", "value") != no || strings.Contains(res.Body, "赤岗") {
			t.Fatalf("wrong code: %d", res.StatusCode)
		}
		if res := stranger.get(status + "notice/"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("stranger reads the notice: %d", res.StatusCode)
		}
		if res := stranger.postForm("/ysqgk/cx/", url.Values{"no": {no}, "code": {strings.ToLower(code)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("right code: %d", res.StatusCode)
		}

		// The console: the unit sees it as due for receipt; another
		// district sees nothing of it.
		res = editor.get("/admin/foi")
		id := strings.TrimPrefix(attr(t, res.Body, "table a[href^='/admin/foi/']", "href"), "/admin/foi/")
		if !strings.Contains(res.Body, no) || !strings.Contains(text(t, res.Body, "#urgent-h ~ div.table-wrap"), "确认收到") {
			t.Fatalf("list: %s", excerpt(res.Body, "urgent"))
		}
		app := "/admin/foi/" + id
		if res := other.get("/admin/foi"); strings.Contains(res.Body, no) {
			t.Error("越秀 lists 海珠's application")
		}
		for _, path := range []string{app, app + "/notice", app + "/notice.docx", "/api/v1/admin/foi/" + id} {
			if res := other.get(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("越秀 GET %s: %d", path, res.StatusCode)
			}
		}
		if res := other.postForm(app+"/confirm", url.Values{}); res.StatusCode != http.StatusNotFound {
			t.Errorf("越秀 confirms: %d", res.StatusCode)
		}
		if res := e.client().get("/admin/foi"); res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous console: %d", res.StatusCode)
		}
		if res := e.client().get("/api/v1/admin/foi"); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous API: %d", res.StatusCode)
		}
		var listed struct {
			Total        int `json:"total"`
			Applications []struct {
				TrackingNo string `json:"tracking_no"`
			} `json:"applications"`
		}
		res = district.get("/api/v1/admin/foi?status=open")
		if err := json.Unmarshal([]byte(res.Body), &listed); err != nil || listed.Total != 1 || listed.Applications[0].TrackingNo != no {
			t.Errorf("district API list: %s", res.Body)
		}
		res = other.get("/api/v1/admin/foi")
		if err := json.Unmarshal([]byte(res.Body), &listed); err != nil || listed.Total != 0 {
			t.Errorf("越秀 API list: %s", res.Body)
		}

		mustSee := func(res response, what string) {
			t.Helper()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", what, res.StatusCode, excerpt(res.Body, "error-box"))
			}
		}
		mustSee(editor.postForm(app+"/confirm", url.Values{"day": {"2026-11-23"}}), "confirm")
		if res := editor.get(app); !strings.Contains(res.Body, "2026-12-21") {
			t.Errorf("deadline not shown: %s", excerpt(res.Body, "答复期限"))
		}

		// A refused correction keeps the form; a good one reaches the
		// applicant, who corrects online.
		res = editor.postForm(app+"/correction", url.Values{"days": {"10"}, "note": {" "}})
		if res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "#corr-days", "value") != "10" {
			t.Fatalf("empty correction note: %d", res.StatusCode)
		}
		mustSee(editor.postForm(app+"/correction", url.Values{"days": {"10"}, "note": {"请说明需要哪个季度的名单"}}), "correction")
		res = citizen.get(status)
		if !strings.Contains(res.Body, "请说明需要哪个季度的名单") || len(find(t, res.Body, "#correction")) != 1 {
			t.Fatalf("the applicant is not asked to correct")
		}
		mustSee(citizen.postForm(status+"correct", url.Values{"correction": {"需要2026年第三季度的发放名单"}}), "correct")

		// Consultation; an editor may not extend, the reviewer may.
		mustSee(editor.postForm(app+"/consult", url.Values{"kind": {"third_party"}, "party": {"广州市某某养老服务有限公司"}}), "consult")
		// The applicant sees the consultation, not whom it consults.
		if res := citizen.get(status); !strings.Contains(res.Body, "征求第三方意见") || strings.Contains(res.Body, "某某养老服务") {
			t.Error("the applicant's page names the third party, or not the consultation")
		}
		if res := editor.get(app); !strings.Contains(res.Body, "某某养老服务") {
			t.Error("the staff page does not name the third party")
		}
		res = editor.postForm(app+"/extend", url.Values{"days": {"10"}, "reason": {"需要调取档案"}})
		if res.StatusCode != http.StatusForbidden || attr(t, res.Body, "#ext-reason", "value") != "" {
			// the form is not offered to editors at all
			t.Errorf("editor extends: %d", res.StatusCode)
		}
		mustSee(reviewer.postForm(app+"/extend", url.Values{"days": {"10"}, "approver": {"王主任"}, "reason": {"需要调取档案"}}), "extend")
		mustSee(editor.postForm(app+"/consulted", url.Values{"outcome": {"agree"}}), "consulted")
		mustSee(editor.postForm(app+"/reply", url.Values{"result": {"granted"}, "text": {"发放名单见附件。"}}), "reply")

		res = editor.get(app + "/notice")
		if got := text(t, res.Body, ".notice-doc p.center"); !strings.HasPrefix(got, "申请编号：YSQ") || strings.ContainsAny(got, "〔〕") || strings.HasSuffix(got, "号") {
			t.Errorf("notice number line = %q, want 申请编号：YSQ…", got)
		}
		for _, want := range []string{"政府信息公开申请答复告知书", "李明：", "本机关予以公开。发放名单见附件。", "第三十六条第一项、第二项", "海珠区人民政府申请行政复议", "征求了第三方意见", "延长10个工作日"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("notice lacks %q", want)
			}
		}
		res = citizen.get(status + "notice.docx")
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "wordprocessingml") {
			t.Fatalf("docx: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		doc, err := info.ExtractText("n.docx", []byte(res.Body))
		if err != nil || !strings.Contains(doc, "本机关予以公开。发放名单见附件。") || !strings.Contains(doc, "申请编号：YSQ") || strings.Contains(doc, "〔") {
			t.Errorf("docx text: %v %q", err, doc)
		}
		readertest.Validate(t, readertest.WML, readertest.ZipPart(t, []byte(res.Body), "word/document.xml"))
		mustSee(editor.postForm(app+"/deliver", url.Values{"note": {"电子邮件发送"}}), "deliver")
		if res := citizen.get(status); !strings.Contains(res.Body, "已送达") || !strings.Contains(res.Body, "查看答复告知书") {
			t.Error("the applicant does not see the delivered reply")
		}

		// Staff registration: a future receipt date is refused, keeping
		// the form.
		reg := applyForm()
		reg.Set("channel", "post")
		reg.Set("received", "2026-11-24")
		reg.Set("address", "广州市海珠区新港中路1号")
		res = editor.postForm("/admin/foi", reg)
		if res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "#address", "value") != "广州市海珠区新港中路1号" || text(t, res.Body, "#received-error") == "" {
			t.Fatalf("future receipt: %d", res.StatusCode)
		}
		reg.Set("received", "2026-11-20")
		reg.Set("unit", "440104-001")
		if res := editor.postForm("/admin/foi", reg); res.StatusCode != http.StatusForbidden {
			t.Errorf("赤岗 registers for 北京街道: %d", res.StatusCode)
		}
		reg.Set("unit", "440105-001")
		if res := editor.postForm("/admin/foi", reg); res.StatusCode != http.StatusOK || len(text(t, res.Body, "dd strong")) == 0 {
			t.Fatalf("register: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}

		// The public API: apply, then read with the code in a header.
		body := map[string]string{"unit": "440105-001", "applicant_type": "commercial_enterprise", "name": "广州某某科技有限公司", "id_type": "uscc",
			"id_number": "91350100M000100Y43", "legal_rep": "张三", "contact": "李四", "phone": "13800000000", "description": "2026年赤岗街道养老服务补贴资金使用情况",
			"medium": "paper", "delivery": "post", "address": "广州市天河区体育西路1号"}
		res = e.client().sendJSON("POST", "/api/v1/foi", body)
		var made struct{ TrackingNo, QueryCode string }
		if err := json.Unmarshal([]byte(strings.NewReplacer("tracking_no", "TrackingNo", "query_code", "QueryCode").Replace(res.Body)), &made); err != nil || res.StatusCode != http.StatusCreated {
			t.Fatalf("API apply: %d %s", res.StatusCode, res.Body)
		}
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/foi/"+made.TrackingNo, nil)
		req.Header.Set("X-Query-Code", made.QueryCode)
		if res := e.client().do(req); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"status":"pending"`) || strings.Contains(res.Body, "91350100M000100Y43") {
			t.Errorf("API status: %d %s", res.StatusCode, res.Body)
		}
		body["id_number"] = "91350100M000100Y44"
		if res := e.client().sendJSON("POST", "/api/v1/foi", body); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, "id_number") {
			t.Errorf("API bad USCC: %d %s", res.StatusCode, res.Body)
		}

		// The dashboard shows the 20 most urgent and counts the rest.
		if err := d.InTx(context.Background(), func(tx *db.Tx) error {
			for i := 0; i < 25; i++ {
				if _, err := tx.Exec(context.Background(), `INSERT INTO foi_applications (tracking_no, unit_id, applicant_type, applicant_name, description, channel, submitted_at,
					received_date, clock_start, status, created_at, updated_at)
					SELECT ?, id, 'natural_person', '申请人', '申请公开某项信息', 'post', ?, '2026-09-01', '2026-09-01', 'processing', ?, ? FROM units WHERE code = '440105-001'`,
					"OLD-"+string(rune('A'+i)), tx.Now(), tx.Now(), tx.Now()); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		res = editor.get("/admin/")
		if n := len(find(t, res.Body, "#foi-h ~ ul li")); n != 20 || !strings.Contains(text(t, res.Body, "#foi-h ~ p"), "另有") {
			t.Errorf("dashboard lists %d applications: %q", n, text(t, res.Body, "#foi-h ~ p"))
		}

		// Guessing codes is throttled.
		var last response
		for i := 0; i < 12; i++ {
			last = stranger.postForm("/ysqgk/cx/", url.Values{"no": {no}, "code": {"BBBBBBBB"}})
		}
		if last.StatusCode != http.StatusTooManyRequests {
			t.Errorf("12 wrong codes: %d", last.StatusCode)
		}
	})
}
