package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/auth"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/zipguard/bombtest"
)

// bombs are Office files that expand beyond what gongkai reads, with the
// words the refusal must say.
var bombs = []struct {
	name string
	file func() []byte
	says string
}{
	{"1 GiB", func() []byte { return bombtest.Zeros("xl/worksheets/sheet1.xml", 1024, 1<<30) }, "解压后超过100 MB"},
	{"forged size", func() []byte { return bombtest.Zeros("xl/sharedStrings.xml", 1024, 1000) }, "比其声明的大小更大"},
	{"5,000 parts", func() []byte { return bombtest.Many(5000) }, "部件超过1000个"},
}

// An editor's bomb attachment is refused with a 400 that says why, quickly,
// and nothing is attached; a real workbook still is.
func TestAttachmentZipBombRefused(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	editor := e.asDemo(auth.UnitEditor)
	res := editor.postForm("/admin/info", url.Values{"unit": {"440105-001"}, "title": {"赤岗街道2026年养老服务补贴发放情况"}, "written_date": {"2026-11-20"},
		"attribute": {"active"}, "validity": {"valid"}, "genre": {"公示"}, "body": {"<p>发放情况见附件。</p>"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
	}
	page := strings.Split(res.Header.Get("Location"), "?")[0]
	for _, b := range bombs {
		file := b.file()
		for _, name := range []string{"发放名单.xlsx", "发放名单.docx"} {
			start := time.Now()
			res := editor.upload(page, "file", name, file)
			t.Logf("%s %s: %d in %v", b.name, name, res.StatusCode, time.Since(start))
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(text(t, res.Body, "#file-error"), b.says) {
				t.Errorf("%s %s: %d %q, want 400 saying %q", b.name, name, res.StatusCode, text(t, res.Body, "#file-error"), b.says)
			}
		}
	}
	if got := text(t, editor.get(page).Body, "main"); strings.Contains(got, "发放名单") {
		t.Error("a refused file is listed on the record")
	}
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "金额"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"王某", 200})
	var xlsx bytes.Buffer
	f.Write(&xlsx)
	if res := editor.upload(page, "file", "发放汇总.xlsx", xlsx.Bytes()); res.StatusCode != http.StatusSeeOther {
		t.Errorf("real workbook: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
	}
	if !strings.Contains(editor.get(page).Body, "发放汇总.xlsx") {
		t.Error("the real workbook is not attached")
	}
}

// A bomb uploaded as a guideline is refused with a 400; the form keeps what
// was typed and no version is added.
func TestGuidelineZipBombRefused(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	city := e.asDemo(auth.PublicOfficeCity)
	for _, b := range bombs {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("domain", "21")
		mw.WriteField("title", "养老服务领域基层政务公开标准指引（修订）")
		mw.WriteField("doc_number", "民办函〔2019〕99号")
		fw, _ := mw.CreateFormFile("file", "yanglao-v2.xlsx")
		fw.Write(b.file())
		mw.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+"/admin/guidelines", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		start := time.Now()
		res := city.do(req)
		t.Logf("%s: %d in %v", b.name, res.StatusCode, time.Since(start))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(text(t, res.Body, "[role=alert]"), b.says) {
			t.Errorf("%s: %d %q, want 400 saying %q", b.name, res.StatusCode, text(t, res.Body, "[role=alert]"), b.says)
		}
		if got := attr(t, res.Body, "input#doc_number", "value"); got != "民办函〔2019〕99号" {
			t.Errorf("%s: the form lost the document number: %q", b.name, got)
		}
	}
	if res := city.get("/admin/guidelines/21"); strings.Contains(res.Body, "民办函〔2019〕99号") {
		t.Error("a refused guideline was stored")
	}
}
