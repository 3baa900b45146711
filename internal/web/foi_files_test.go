package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/info/infotest"
	"gongkai/internal/mail"
	"gongkai/internal/mail/mailtest"
	"gongkai/internal/push"
	"gongkai/internal/web"
)

// upload is a file of a multipart form.
type upload struct {
	name string
	data []byte
}

// postFiles posts a multipart form of values and files under field "file".
func (c *client) postFiles(path string, v url.Values, files ...upload) response {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range v {
		for _, x := range vs {
			mw.WriteField(k, x)
		}
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile("file", f.name)
		fw.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// getWithCode reads path of the public API with a query code.
func (c *client) getWithCode(path, code string) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	if code != "" {
		req.Header.Set("X-Query-Code", code)
	}
	return c.do(req)
}

// storedFiles counts the files under dir.
func storedFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	if err := filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			n++
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// A reply with files and links, from the console to the applicant: refused
// whole for a bad file or unreleased personal data, listed in the notice,
// downloaded only with the query code, never cached, and mailed.
func TestFOIReplyFiles(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		smtp := mailtest.New(t)
		mc, err := mail.ParseURL(smtp.URL())
		if err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, d, func(c *web.Config) { c.Push = push.New(d, push.Config{Mail: mail.NewSender(mc)}) })
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China)
		d.SetClock(func() time.Time { return now })
		editor := e.asDemo(auth.UnitEditor)
		reviewer := e.asDemo(auth.UnitReviewer)
		addAccount(t, e, auth.NewAccount{Login: "yx-office", Role: auth.PublicOfficeDistrict, UnitCode: "440104"})
		other := e.as("yx-office", "yx-office-pw-2026")

		citizen, neighbour, stranger := e.client(), e.client(), e.client()
		res := citizen.postForm("/ysqgk/sq/", applyForm())
		no, code := text(t, res.Body, "#tracking-no"), text(t, res.Body, "#query-code")
		res = neighbour.postForm("/ysqgk/sq/", applyForm())
		no2, code2 := text(t, res.Body, "#tracking-no"), text(t, res.Body, "#query-code")
		if no == "" || no2 == "" || no == no2 {
			t.Fatalf("applications %q %q", no, no2)
		}
		res = editor.get("/admin/foi?q=" + url.QueryEscape(no))
		app := attr(t, res.Body, "table a[href^='/admin/foi/']", "href")
		if res := editor.postForm(app+"/confirm", url.Values{"day": {"2026-11-23"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.StatusCode)
		}

		standard := infotest.DOCX("赤岗街道高龄老年人津贴发放标准：每人每月200元")
		photo := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 2000)...)
		withID := infotest.DOCX("领取人王五，身份证号440105199003078517")
		form := url.Values{"result": {"granted"}, "text": {"发放标准见附件。"},
			"links": {"https://www.haizhu.gov.cn/zwgk/gljt/2026.html 2026年高龄津贴发放通知"}}
		refused := func(who *client, status int, field, want string, files ...upload) {
			t.Helper()
			res := who.postFiles(app+"/reply", form, files...)
			msg := text(t, res.Body, "#"+field+"-error")
			if field == "" {
				msg = text(t, res.Body, ".error-box")
			}
			if res.StatusCode != status || !strings.Contains(msg, want) {
				t.Errorf("reply with %d files: %d %q, want %d %q", len(files), res.StatusCode, msg, status, want)
			}
			if n := storedFiles(t, e.files); n != 0 {
				t.Errorf("a refused reply stored %d files", n)
			}
			if res := citizen.get("/ysqgk/cx/" + no + "/"); strings.Contains(res.Body, "reply-h") || strings.Contains(res.Body, "查看答复告知书") {
				t.Error("a refused reply reached the applicant")
			}
		}
		refused(editor, http.StatusBadRequest, "file", "setup.exe", upload{"标准.docx", standard}, upload{"setup.exe", []byte("MZ\x90\x00")})
		refused(editor, http.StatusBadRequest, "file", "名单.pdf", upload{"名单.pdf", photo})
		refused(editor, http.StatusBadRequest, "reason", "个人信息", upload{"领取名单.docx", withID})
		form.Set("reason", "申请人要求公开的发放名单")
		refused(editor, http.StatusForbidden, "", "审核人员", upload{"领取名单.docx", withID})
		form.Del("reason")
		if res := editor.postFiles(app+"/reply", form, upload{"领取名单.docx", withID}); attr(t, res.Body, "#reply-links", "name") != "links" ||
			text(t, res.Body, "#reply-links") != form.Get("links") {
			t.Error("a refused reply does not keep the links typed")
		}

		// The good reply: a file and a link, mailed to the applicant.
		res = editor.postFiles(app+"/reply", form, upload{"标准.docx", standard}, upload{"照片.png", photo})
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "mail=sent") {
			t.Fatalf("reply: %d %s %s", res.StatusCode, res.Header.Get("Location"), excerpt(res.Body, "error"))
		}
		if res := editor.get(res.Header.Get("Location")); !strings.Contains(text(t, res.Body, ".flash"), "liming@example.com") {
			t.Errorf("the clerk is not told the mail went: %q", text(t, res.Body, ".flash"))
		}
		msgs := smtp.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d messages", len(msgs))
		}
		var names []string
		for _, f := range msgs[0].Files {
			names = append(names, f.Name)
		}
		if diff := cmp.Diff([]string{"答复告知书-" + no + ".docx", "标准.docx", "照片.png"}, names); diff != "" || msgs[0].To[0] != "liming@example.com" {
			t.Errorf("mail to %v: mismatch (-want +got):\n%s", msgs[0].To, diff)
		} else if !bytes.Equal(msgs[0].Files[1].Data, standard) || !bytes.Equal(msgs[0].Files[2].Data, photo) {
			t.Error("the mailed files differ from the uploaded")
		}
		if !strings.Contains(msgs[0].Body, "附件：1. 标准.docx") || !strings.Contains(msgs[0].Body, "/ysqgk/cx/"+no+"/") {
			t.Errorf("mail body:\n%s", msgs[0].Body)
		}
		if doc, err := info.ExtractText("n.docx", msgs[0].Files[0].Data); err != nil || !strings.Contains(doc, "附件：1. 标准.docx") {
			t.Errorf("the mailed notice: %v %q", err, doc)
		}

		// The notice lists them, in HTML and in Word.
		for _, c := range []*client{editor, citizen} {
			base := app + "/notice"
			if c == citizen {
				base = "/ysqgk/cx/" + no + "/notice/"
			}
			body := text(t, c.get(base).Body, ".notice-doc")
			for _, want := range []string{"附件：1. 标准.docx", "2. 照片.png", "2026年高龄津贴发放通知：https://www.haizhu.gov.cn/zwgk/gljt/2026.html"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s lacks %q", base, want)
				}
			}
		}
		res = citizen.get("/ysqgk/cx/" + no + "/notice.docx")
		if doc, err := info.ExtractText("n.docx", []byte(res.Body)); err != nil || !strings.Contains(doc, "附件：1. 标准.docx") || !strings.Contains(doc, "https://www.haizhu.gov.cn/zwgk/gljt/2026.html") {
			t.Errorf("notice.docx: %v %q", err, doc)
		}

		// The applicant downloads them, with the code; nothing keeps them.
		res = citizen.get("/ysqgk/cx/" + no + "/")
		if n := len(find(t, res.Body, "#reply-files li")); n != 2 || attr(t, res.Body, "#reply-links a", "href") != "https://www.haizhu.gov.cn/zwgk/gljt/2026.html" {
			t.Errorf("status page lists %d files, link %q", n, attr(t, res.Body, "#reply-links a", "href"))
		}
		file := "/ysqgk/cx/" + no + "/files/1"
		res = citizen.get(file)
		_, params, _ := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
		if res.StatusCode != http.StatusOK || res.Body != string(standard) || res.Header.Get("Cache-Control") != "no-store" || params["filename"] != "标准.docx" {
			t.Errorf("download: %d %q %q", res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Disposition"))
		}
		if res := citizen.get("/ysqgk/cx/" + no + "/files/3"); res.StatusCode != http.StatusNotFound {
			t.Errorf("file 3: %d", res.StatusCode)
		}
		// Nobody else: not without the code, not with another
		// application's, not with a cookie forged from one.
		if res := stranger.get(file); res.StatusCode != http.StatusNotFound || res.Body == string(standard) || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("stranger downloads: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
		}
		if res := neighbour.get(file); res.StatusCode != http.StatusNotFound || res.Body == string(standard) {
			t.Errorf("another applicant downloads: %d", res.StatusCode)
		}
		forged, _ := http.NewRequest("GET", e.srv.URL+file, nil)
		forged.AddCookie(&http.Cookie{Name: "ysq", Value: no + "." + code2})
		if res := stranger.do(forged); res.StatusCode != http.StatusNotFound || res.Body == string(standard) {
			t.Errorf("forged cookie downloads: %d", res.StatusCode)
		}

		// The API lists them with their addresses; the download wants the
		// code in the header.
		var st struct {
			Files []struct{ Name, URL string }
			Links []struct{ URL, Title string }
		}
		res = stranger.getWithCode("/api/v1/foi/"+no, code)
		if err := json.Unmarshal([]byte(res.Body), &st); err != nil || len(st.Files) != 2 || st.Files[0].Name != "标准.docx" || len(st.Links) != 1 {
			t.Fatalf("API status: %v %s", err, res.Body)
		}
		if st.Files[0].URL != "/api/v1/foi/"+no+"/files/1" {
			t.Errorf("API file url %q", st.Files[0].URL)
		}
		if res := stranger.getWithCode(st.Files[0].URL, code); res.StatusCode != http.StatusOK || res.Body != string(standard) || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("API download: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
		}
		for _, c := range []string{"", code2, "AAAAAAAA"} {
			if res := stranger.getWithCode(st.Files[0].URL, c); res.StatusCode != http.StatusNotFound || res.Body == string(standard) {
				t.Errorf("API download with code %q: %d", c, res.StatusCode)
			}
		}
		if res := stranger.getWithCode("/api/v1/foi/"+no2+"/files/1", code2); res.StatusCode != http.StatusNotFound {
			t.Errorf("API download of a reply without files: %d", res.StatusCode)
		}

		// Staff in scope download; another district neither downloads nor
		// mails.
		if res := editor.get(app + "/files/2"); res.StatusCode != http.StatusOK || res.Body != string(photo) {
			t.Errorf("staff download: %d", res.StatusCode)
		}
		if res := other.get(app + "/files/1"); res.StatusCode != http.StatusNotFound || res.Body == string(standard) {
			t.Errorf("越秀 downloads: %d", res.StatusCode)
		}
		if res := other.postForm(app+"/mail", url.Values{}); res.StatusCode != http.StatusNotFound {
			t.Errorf("越秀 mails: %d", res.StatusCode)
		}
		if res := e.client().postForm(app+"/mail", url.Values{}); res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous mails: %d", res.StatusCode)
		}
		if n := len(smtp.Messages()); n != 1 {
			t.Errorf("refused requests sent mail: %d messages", n)
		}

		// A failed send is on the timeline; sending again works.
		smtp.Refuse("*")
		res = reviewer.postForm(app+"/mail", url.Values{})
		if !strings.Contains(res.Header.Get("Location"), "mail=failed") {
			t.Fatalf("refused mail: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res := reviewer.get(res.Header.Get("Location")); !strings.Contains(text(t, res.Body, ".error-box"), "liming@example.com") || !strings.Contains(res.Body, "答复告知书电子邮件发送失败") {
			t.Error("the failure is not shown")
		}
		smtp.Refuse()
		if res := reviewer.postForm(app+"/mail", url.Values{}); !strings.Contains(res.Header.Get("Location"), "mail=sent") || len(smtp.Messages()) != 2 {
			t.Errorf("mail again: %s, %d messages", res.Header.Get("Location"), len(smtp.Messages()))
		}
	})
}

// A file with personal data goes when a reviewer releases it with a
// reason; the release is kept with the file.
func TestFOIReplyFileReleased(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
		editor := e.asDemo(auth.UnitEditor)
		reviewer := e.asDemo(auth.UnitReviewer)
		res := e.client().postForm("/ysqgk/sq/", applyForm())
		no := text(t, res.Body, "#tracking-no")
		app := attr(t, editor.get("/admin/foi?q="+url.QueryEscape(no)).Body, "table a[href^='/admin/foi/']", "href")
		editor.postForm(app+"/confirm", url.Values{"day": {"2026-11-23"}})
		form := url.Values{"result": {"partial"}, "text": {"名单中他人信息已删除。"}, "reason": {"申请人本人的身份信息"}}
		res = reviewer.postFiles(app+"/reply", form, upload{"本人记录.docx", infotest.DOCX("申请人李明，身份证号11010519491231002X")})
		if res.StatusCode != http.StatusSeeOther || strings.Contains(res.Header.Get("Location"), "mail=") {
			t.Fatalf("released reply: %d %s (mail is off: no mail)", res.StatusCode, res.Header.Get("Location"))
		}
		if got := text(t, reviewer.get(app).Body, "#files-h + ul li .meta + .meta"); !strings.Contains(got, "申请人本人的身份信息") {
			t.Errorf("release not shown: %q", got)
		}
		var released string
		if err := d.QueryRow(context.Background(), `SELECT released FROM foi_reply_files`).Scan(&released); err != nil || !strings.HasSuffix(released, "：申请人本人的身份信息") {
			t.Errorf("released = %q, %v", released, err)
		}
	})
}
