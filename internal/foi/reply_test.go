package foi_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/foi"
	"gongkai/internal/info"
	"gongkai/internal/info/infotest"
	"gongkai/internal/mail"
	"gongkai/internal/mail/mailtest"
)

// png returns a small PNG-looking file of n bytes.
func png(n int) []byte {
	b := make([]byte, n)
	copy(b, "\x89PNG\r\n\x1a\n")
	return b
}

// stored counts the files under dir.
func stored(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A reply that discloses carries files and links: checked as attachments
// are, screened for personal data, stored by content and listed in the
// notice. A bad file or unreleased personal data refuses the whole reply
// and writes nothing.
func TestReplyCarriesFilesAndLinks(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		dir := t.TempDir()
		w.on("2026-11-20")
		app := w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			a, _, err := foi.Register(ctx, tx, w.cgEd, person(), foi.InPerson, "2026-11-20", "")
			return a, err
		})
		standard := infotest.DOCX("赤岗街道高龄老年人津贴发放标准：每人每月200元")
		photo := png(3000)
		withID := infotest.DOCX("领取人：王五，身份证号440105199003078517")
		reply := func(files ...foi.Upload) foi.Reply {
			return foi.Reply{Result: foi.Granted, Text: "发放标准见附件。", Files: files, Dir: dir,
				Links: foi.ParseLinks("https://www.haizhu.gov.cn/zwgk/gljt/2026.html 2026年高龄津贴发放通知\n\n  http://www.gz.gov.cn/a.pdf  ")}
		}
		nothingWritten := func(what string) {
			t.Helper()
			got, err := foi.ByID(ctx, d, app.ID, w.cgEd)
			if err != nil {
				t.Fatal(err)
			}
			var rows int
			if err := d.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM foi_reply_files) + (SELECT COUNT(*) FROM foi_reply_links)`).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if got.Status != foi.StatusProcessing || rows != 0 || stored(t, dir) != 0 {
				t.Errorf("%s: written: status %s, %d rows, %d stored", what, got.Status, rows, stored(t, dir))
			}
		}

		// Refused, each with its reason, writing nothing.
		for _, tc := range []struct {
			key string
			r   foi.Reply
		}{
			{"foi.file_refused", reply(foi.Upload{"标准.docx", standard}, foi.Upload{"setup.exe", []byte("MZ\x90\x00")})},
			{"foi.file_refused", reply(foi.Upload{"名单.pdf", photo})},
			{"foi.file_refused", reply(foi.Upload{"坏.docx", []byte("PK\x03\x04 not a zip")})},
			{"foi.link_invalid", foi.Reply{Result: foi.Granted, Text: "见链接", Links: foi.ParseLinks("javascript:alert(1)")}},
			{"foi.link_invalid", foi.Reply{Result: foi.Granted, Text: "见链接", Links: foi.ParseLinks("/zwgk/relative.html")}},
			{"foi.link_invalid", foi.Reply{Result: foi.Granted, Text: "见链接", Links: foi.ParseLinks("https://user:pw@example.com/")}},
			{"foi.files_not_disclosing", foi.Reply{Result: foi.DeniedStateSecret, Text: "属于国家秘密", Files: []foi.Upload{{"标准.docx", standard}}, Dir: dir}},
			{"foi.files_personal_data", reply(foi.Upload{"标准.docx", standard}, foi.Upload{"领取名单.docx", withID})},
		} {
			w.fails(t, tc.key, func(tx *db.Tx) (foi.Application, error) { return foi.Answer(ctx, tx, w.cgEd, app, tc.r) })
			nothingWritten(tc.key)
		}
		// Personal data goes only with a reviewer's reason.
		released := reply(foi.Upload{"标准.docx", standard}, foi.Upload{"领取名单.docx", withID})
		released.Reason = "申请人本人的信息，依法向其本人提供"
		w.fails(t, "foi.release_forbidden", func(tx *db.Tx) (foi.Application, error) { return foi.Answer(ctx, tx, w.cgEd, app, released) })
		short := released
		short.Reason = "本人"
		w.fails(t, "info.override_reason", func(tx *db.Tx) (foi.Application, error) { return foi.Answer(ctx, tx, w.cgRev, app, short) })
		nothingWritten("release refused")

		released.Files = append(released.Files, foi.Upload{`C:\扫描\照片.png`, photo})
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) { return foi.Answer(ctx, tx, w.cgRev, app, released) })
		got, err := foi.ByID(ctx, d, app.ID, w.cgEd)
		if err != nil {
			t.Fatal(err)
		}
		type file struct {
			Seq             int
			Name, MIME, Rel string
			Size            int64
		}
		var files []file
		for _, f := range got.Files {
			files = append(files, file{f.Seq, f.Name, f.MIME, f.Released, f.Size})
			data, err := os.ReadFile(info.FilePath(dir, f.SHA256))
			if err != nil || !bytes.Equal(data, [][]byte{standard, withID, photo}[f.Seq-1]) {
				t.Errorf("file %d stored wrong: %v", f.Seq, err)
			}
		}
		docx := "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		want := []file{
			{1, "标准.docx", docx, "", int64(len(standard))},
			{2, "领取名单.docx", docx, "cg-reviewer：申请人本人的信息，依法向其本人提供", int64(len(withID))},
			{3, "照片.png", "image/png", "", 3000},
		}
		if diff := cmp.Diff(want, files); diff != "" {
			t.Errorf("files: mismatch (-want +got):\n%s", diff)
		}
		wantLinks := []foi.ReplyLink{{1, "https://www.haizhu.gov.cn/zwgk/gljt/2026.html", "2026年高龄津贴发放通知"}, {2, "http://www.gz.gov.cn/a.pdf", ""}}
		if diff := cmp.Diff(wantLinks, got.Links); diff != "" {
			t.Errorf("links: mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(got.Files, app.Files); diff != "" {
			t.Errorf("Answer returns other files than it stored (-stored +returned):\n%s", diff)
		}
		if _, err := got.File(4); !hasKey(err, "foi.file_not_found") {
			t.Errorf("file 4: %v", err)
		}

		n, err := got.Notice("海珠区人民政府")
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(n.Paragraphs, "\n")
		for _, s := range []string{
			"以下信息已经公开，您可以通过所列网址获取：\n1. 2026年高龄津贴发放通知：https://www.haizhu.gov.cn/zwgk/gljt/2026.html\n2. http://www.gz.gov.cn/a.pdf",
			"特此告知。\n附件：1. 标准.docx\n　　　　　2. 领取名单.docx\n　　　　　3. 照片.png",
		} {
			if !strings.Contains(all, s) {
				t.Errorf("the notice lacks %q:\n%s", s, all)
			}
		}
	})
}

// The reply goes by e-mail with the notice and the files that fit; a file
// too large for a message is named with the page to download it from.
func TestReplyMail(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		dir := t.TempDir()
		w.on("2026-11-20")
		app := w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			a, _, err := foi.Register(ctx, tx, w.cgEd, person(), foi.InPerson, "2026-11-20", "")
			return a, err
		})
		small := infotest.DOCX("发放标准")
		large := png(foi.MailAttachLimit + 1)
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.Answer(ctx, tx, w.cgEd, app, foi.Reply{Result: foi.Partial, Text: "名单中的个人信息已删除。", Dir: dir,
				Files: []foi.Upload{{"扫描件.png", large}, {"标准.docx", small}}})
		})
		if !app.WantsMail() {
			t.Fatal("an applicant who chose e-mail does not get mail")
		}
		n, err := app.Notice("海珠区人民政府")
		if err != nil {
			t.Fatal(err)
		}
		m, err := foi.ReplyMail(app, n, dir, "https://gongkai.example.gov.cn/ysqgk/cx/"+app.TrackingNo+"/")
		if err != nil {
			t.Fatal(err)
		}
		srv := mailtest.New(t)
		cfg, err := mail.ParseURL(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		if err := mail.NewSender(cfg).SendFiles(ctx, m.To, m.Subject, m.Body, m.Files); err != nil {
			t.Fatal(err)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d messages", len(msgs))
		}
		got := msgs[0]
		if got.To[0] != "liming@example.com" || got.Subject != "政府信息公开申请答复告知书（"+app.TrackingNo+"）" {
			t.Errorf("to %v, subject %q", got.To, got.Subject)
		}
		var names []string
		for _, f := range got.Files {
			names = append(names, f.Name)
		}
		if diff := cmp.Diff([]string{"答复告知书-" + app.TrackingNo + ".docx", "标准.docx"}, names); diff != "" {
			t.Errorf("attached: mismatch (-want +got):\n%s", diff)
		}
		if len(got.Files) == 2 && !bytes.Equal(got.Files[1].Data, small) {
			t.Error("the file arrived changed")
		}
		for _, s := range []string{"李明：", "本机关向您提供可以公开的部分：名单中的个人信息已删除。", "1. 扫描件.png（10.0 MB）",
			"https://gongkai.example.gov.cn/ysqgk/cx/" + app.TrackingNo + "/"} {
			if !strings.Contains(got.Body, s) {
				t.Errorf("the message lacks %q:\n%s", s, got.Body)
			}
		}
		w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return app, foi.RecordMailed(ctx, tx, app, "cg-editor", false)
		})
		app, err = foi.ByID(ctx, d, app.ID, w.cgEd)
		if err != nil {
			t.Fatal(err)
		}
		if e := app.Events[len(app.Events)-1]; e.Kind != "mailed" || e.Note != "liming@example.com" {
			t.Errorf("last event %+v", e)
		}
	})
}
