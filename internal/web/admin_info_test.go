package web_test

import (
	"bytes"
	"context"
	"gongkai/internal/info/infotest"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
)

func (c *client) upload(path, field, name string, data []byte) response {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestInformationJourneyOverHTTP(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		addAccount(t, e, auth.NewAccount{Login: "bj-editor", Role: auth.UnitEditor, UnitCode: "440104-001"})
		editor := e.asDemo(auth.UnitEditor)
		reviewer := e.asDemo(auth.UnitReviewer)
		in := url.Values{"unit": {"440105-001"}, "title": {"赤岗街道2026年第四季度高龄津贴申领名单公示"}, "written_date": {"2026-11-20"},
			"attribute": {"active"}, "validity": {"valid"}, "genre": {"公示"},
			"body": {"<p>申领人张某某，身份证号440105199003078517，联系电话13800138000。</p>"}}
		// Bad input keeps what was typed.
		bad := url.Values{}
		for k, v := range in {
			bad[k] = v
		}
		bad.Set("written_date", "2026-02-30")
		res := editor.postForm("/admin/info", bad)
		if res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "input#title", "value") != in.Get("title") || text(t, res.Body, "#written_date-error") == "" {
			t.Fatalf("bad date: %d", res.StatusCode)
		}
		res = editor.postForm("/admin/info", in)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
		}
		page := strings.Split(res.Header.Get("Location"), "?")[0]
		body := editor.get(page).Body
		if len(find(t, body, "#screen-h")) == 0 || !strings.Contains(body, "44*************517") {
			t.Fatal("the record page does not show the screening findings")
		}
		if res := editor.upload(page, "file", "申领名单.docx", infotest.DOCX("联系人李某13912345678")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
		}
		if res := editor.upload(page, "file", "virus.exe", []byte("MZ")); res.StatusCode != http.StatusBadRequest {
			t.Errorf("exe upload: %d", res.StatusCode)
		}
		// Blocked, masked, still blocked by the attachment, released by the
		// reviewer, submitted.
		if res := editor.postForm(page, url.Values{"do": {"submit"}}); res.StatusCode != http.StatusBadRequest || !strings.Contains(text(t, res.Body, "[role=alert]"), "发现3处个人信息") {
			t.Fatalf("submit with personal data: %d %q", res.StatusCode, text(t, res.Body, "[role=alert]"))
		}
		if res := editor.postForm(page, url.Values{"do": {"mask"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("mask: %d", res.StatusCode)
		}
		if res := editor.postForm(page, url.Values{"do": {"submit"}}); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("submit with an attachment finding: %d", res.StatusCode)
		}
		if res := editor.postForm(page, url.Values{"do": {"override"}, "reason": {"名单依规公示"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("editor overrides: %d", res.StatusCode)
		}
		if res := reviewer.postForm(page, url.Values{"do": {"override"}, "reason": {"附件中为社区工作人员的工作手机，依规公开"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("override: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
		}
		// Linking it to a catalog item.
		if res := editor.postForm(page, url.Values{"do": {"items"}, "domain": {"21"}, "item": {"高龄老年人津贴"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("items: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
		}
		for _, step := range []struct {
			who    *client
			action string
			want   int
		}{{editor, "submit", 303}, {editor, "approve", 403}, {reviewer, "approve", 303}, {reviewer, "publish", 303}} {
			if res := step.who.postForm(page, url.Values{"do": {step.action}}); res.StatusCode != step.want {
				t.Fatalf("%s: %d %s", step.action, res.StatusCode, excerpt(res.Body, "alert"))
			}
		}
		id := strings.TrimPrefix(page, "/admin/info/")
		pub := e.client()
		res = pub.get("/zwgk/info/" + id + "/")
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "138****8000") || strings.Contains(res.Body, "13800138000") {
			t.Fatalf("public page: %d", res.StatusCode)
		}
		res = pub.get("/zwgk/info/" + id + "/files/1")
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "filename*=utf-8''%E7%94%B3%E9%A2%86%E5%90%8D%E5%8D%95.docx") {
			t.Errorf("download: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
		}
		var js struct{ Total int }
		decode(t, pub.get("/api/v1/search?q="+url.QueryEscape("高龄津贴申领名单")), &js)
		if js.Total != 1 {
			t.Errorf("search finds %d", js.Total)
		}
		if !strings.Contains(pub.get("/zwgk/bzh/440105-001/21/").Body, "/zwgk/info/"+id+"/") {
			t.Error("the catalog item does not list the record")
		}
		// Scope: another district's editor and the supervisor cannot reach it.
		for name, c := range map[string]*client{"越秀区 editor": e.as("bj-editor", "bj-editor-pw-2026"), "supervisor": e.asDemo(auth.DomainSupervisor)} {
			if res := c.get(page); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s reads the record: %d", name, res.StatusCode)
			}
			if res := c.postForm(page, url.Values{"do": {"withdraw"}, "reason": {"x"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s withdraws: %d", name, res.StatusCode)
			}
		}
		if res := e.asDemo(auth.DomainSupervisor).get("/admin/info"); res.StatusCode != http.StatusForbidden {
			t.Errorf("supervisor list: %d", res.StatusCode)
		}
		if list := e.as("bj-editor", "bj-editor-pw-2026").get("/admin/info").Body; strings.Contains(list, "高龄津贴申领名单") {
			t.Error("越秀区 editor's list shows 海珠区 records")
		}
		// The editor's item overview shows the statutory deadline.
		list := editor.get("/admin/info").Body
		if !strings.Contains(list, "20个工作日") || !strings.Contains(list, "2026-12-18") {
			t.Errorf("item deadlines: %s", excerpt(list, "items-h"))
		}
		// Withdrawal takes it off the portal.
		if res := reviewer.postForm(page, url.Values{"do": {"withdraw"}, "reason": {"名单有误"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", res.StatusCode)
		}
		if res := pub.get("/zwgk/info/" + id + "/"); res.StatusCode != http.StatusNotFound {
			t.Errorf("withdrawn page: %d", res.StatusCode)
		}
		if res := pub.get("/zwgk/info/" + id + "/files/1"); res.StatusCode != http.StatusNotFound {
			t.Errorf("withdrawn attachment: %d", res.StatusCode)
		}
		r, _ := info.ByIndexNo(context.Background(), d, "440105-001/2026-00005")
		if r.Status != info.Withdrawn || r.StatusNote != "名单有误" {
			t.Errorf("after withdrawal: %s %q", r.Status, r.StatusNote)
		}
	})
}

// A step that fails is shown at the record's own URL, with what was typed:
// every form of the record page posts to the record and names its step
// with the button (do=…), so the address bar never reads …/5/submit.
func TestRecordStepsPostToTheRecord(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	editor := e.asDemo(auth.UnitEditor)
	res := editor.postForm("/admin/info", url.Values{"unit": {"440105-001"}, "title": {"赤岗街道申领名单公示"}, "written_date": {"2026-11-20"},
		"attribute": {"active"}, "validity": {"valid"}, "genre": {"公示"}, "body": {"<p>联系电话13800138000。</p>"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	page := strings.Split(res.Header.Get("Location"), "?")[0]
	body := editor.get(page).Body
	forms := find(t, body, "main form[method=post]")
	if len(forms) < 4 {
		t.Fatalf("%d forms on the record page", len(forms))
	}
	for _, f := range find(t, body, "main form[method=post]:not([action='"+page+"'])") {
		t.Errorf("a form of the record page posts elsewhere: %v", f.Attr)
	}
	if len(find(t, body, `form[action="`+page+`"] button[name=do][value=submit]`)) != 1 {
		t.Fatal("no submit button naming its step")
	}
	res = editor.postForm(page, url.Values{"do": {"submit"}})
	if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "p[role=alert]") == "" || text(t, res.Body, "h1") != "赤岗街道申领名单公示" {
		t.Fatalf("failed submit: %d %q", res.StatusCode, text(t, res.Body, "p[role=alert]"))
	}
	// A refused step is shown on the record too.
	res = editor.postForm(page, url.Values{"do": {"override"}, "reason": {"工作手机依规公开"}})
	if res.StatusCode != http.StatusForbidden || text(t, res.Body, "p[role=alert]") == "" {
		t.Fatalf("editor's override: %d", res.StatusCode)
	}
	if res := editor.postForm(page, url.Values{"do": {"nonsense"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown step: %d", res.StatusCode)
	}
	if res := editor.postForm(page+"/submit", nil); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("the old step path still answers: %d %s", res.StatusCode, text(t, res.Body, "main"))
	}
	// The upload posts there too, and a bad file is shown on the record.
	if res := editor.upload(page, "file", "virus.exe", []byte("MZ")); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "h1") != "赤岗街道申领名单公示" {
		t.Errorf("bad upload: %d", res.StatusCode)
	}
	// Another district's editor cannot step it.
	addAccount(t, e, auth.NewAccount{Login: "bj-editor", Role: auth.UnitEditor, UnitCode: "440104-001"})
	if res := e.as("bj-editor", "bj-editor-pw-2026").postForm(page, url.Values{"do": {"submit"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("越秀区 editor submits: %d", res.StatusCode)
	}
}
