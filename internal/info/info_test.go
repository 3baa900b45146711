package info_test

import (
	"bytes"
	"context"
	"fmt"
	"gongkai/internal/info/infotest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/zipguard/bombtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

type world struct {
	d                          *db.DB
	files                      string
	hz, cg, bj                 org.Unit
	editor, reviewer, yxEditor auth.Account
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{d: d, files: t.TempDir()}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		mk := func(n org.NewUnit) org.Unit {
			u, err := org.Create(ctx, tx, "test", nil, n)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		mk(org.NewUnit{Code: "440100", Name: "广州市", Kind: org.City})
		w.hz = mk(org.NewUnit{Code: "440105", Name: "海珠区", Kind: org.District, ParentCode: "440100"})
		mk(org.NewUnit{Code: "440104", Name: "越秀区", Kind: org.District, ParentCode: "440100"})
		w.cg = mk(org.NewUnit{Code: "440105-001", Name: "赤岗街道", Kind: org.Street, ParentCode: "440105"})
		w.bj = mk(org.NewUnit{Code: "440104-001", Name: "北京街道", Kind: org.Street, ParentCode: "440104"})
		acct := func(login string, role auth.Role, unit string) auth.Account {
			a, err := auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: login, DisplayName: login, Password: "password-2026", Role: role, UnitCode: unit})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		w.editor = acct("cg-editor", auth.UnitEditor, "440105-001")
		w.reviewer = acct("cg-reviewer", auth.UnitReviewer, "440105-001")
		w.yxEditor = acct("bj-editor", auth.UnitEditor, "440104-001")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) tx(t *testing.T, fn func(ctx context.Context, tx *db.Tx) error) error {
	t.Helper()
	return w.d.InTx(context.Background(), func(tx *db.Tx) error { return fn(context.Background(), tx) })
}

// publishNew writes, submits, approves and publishes a record.
func (w *world) publishNew(t *testing.T, in info.Input) info.Record {
	t.Helper()
	var r info.Record
	err := w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if r, err = info.Create(ctx, tx, w.editor, w.cg, in); err != nil {
			return err
		}
		if r, err = info.Submit(ctx, tx, w.editor, r); err != nil {
			return err
		}
		if r, err = info.Approve(ctx, tx, w.reviewer, r); err != nil {
			return err
		}
		r, err = info.Publish(ctx, tx, w.reviewer, r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func search(t *testing.T, w *world, q info.Query) (int, []info.Hit) {
	t.Helper()
	n, hits, err := info.Search(context.Background(), w.d, w.d.Dialect, q)
	if err != nil {
		t.Fatalf("search %q: %v", q.Q, err)
	}
	return n, hits
}

func TestRecordWorkflowAndSearch(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		r1 := w.publishNew(t, info.Input{Title: "海珠区赤岗街道2025年高龄老年人津贴发放情况公示", DocNumber: "海赤街〔2025〕12号", WrittenDate: "2025-03-10",
			Body: `<p>根据《广东省养老服务条例》，现将本街道高龄津贴发放情况公示如下。</p><script>alert(1)</script><p onclick="x()">共发放津贴1380万元。</p>`, Genre: "公示"})
		if r1.IndexNo != "440105-001/2025-00001" || r1.Status != info.Published {
			t.Fatalf("first record: %s %s", r1.IndexNo, r1.Status)
		}
		if strings.Contains(r1.Body, "script") || strings.Contains(r1.Body, "onclick") {
			t.Errorf("body not sanitized: %s", r1.Body)
		}
		r2 := w.publishNew(t, info.Input{Title: "关于开展长者饭堂服务质量检查的通知", DocNumber: "海赤街〔2025〕13号", WrittenDate: "2025-04-02",
			Body: "<p>各社区居委会：为提升长者饭堂服务质量，定于4月开展检查。海赤街〔2025〕12号文件同时废止。</p>", Genre: "通知"})
		if r2.IndexNo != "440105-001/2025-00002" {
			t.Errorf("second index number %s", r2.IndexNo)
		}
		// CJK queries of 1 to 6 characters, Latin and digits, 文号.
		for q, want := range map[string]int{
			"津": 1, "饭堂": 1, "长者饭堂": 1, "高龄老年人津贴": 1, "服务质量检查": 1, "赤岗": 1, "海赤街": 2, "2025": 2,
			"公示 津贴": 1, "养老服务条例": 1, "不存在的词语": 0, "饭堂 津贴": 0,
		} {
			if n, _ := search(t, w, info.Query{Q: q}); n != want {
				t.Errorf("search %q: %d hits, want %d", q, n, want)
			}
		}
		// The exact 文号 comes first even though the other record mentions it.
		n, hits := search(t, w, info.Query{Q: "海赤街〔2025〕12号"})
		if n != 2 || hits[0].Record.IndexNo != r1.IndexNo {
			t.Errorf("exact 文号: %d hits, first %v", n, hits)
		}
		if len(hits) == 2 && !strings.Contains(hits[1].Snippet, "<mark>海赤街〔2025〕12号</mark>") {
			t.Errorf("文号 not marked in the citing record's snippet: %s", hits[1].Snippet)
		}
		// Written with other brackets, padded, or with fewer characters
		// of the issuer, a 文号 finds the same records.
		for _, q := range []string{"海赤街[2025]012号", "赤街〔2025〕12号"} {
			if n, _ := search(t, w, info.Query{Q: q}); n != 2 {
				t.Errorf("文号 %s: %d hits", q, n)
			}
		}
		if n, hits := search(t, w, info.Query{Q: r2.IndexNo}); n < 1 || hits[0].Record.IndexNo != r2.IndexNo {
			t.Errorf("exact 索引号: %d %v", n, hits)
		}
		if _, hits := search(t, w, info.Query{Q: "长者饭堂"}); len(hits) != 1 || !strings.Contains(hits[0].Snippet, "<mark>") {
			t.Errorf("snippet: %+v", hits)
		}
		// Hostile queries are answered safely.
		for _, q := range []string{`"`, `" OR 1=1 --`, `津贴" NOT "x`, `*`, `'; DROP TABLE info_records; --`, `NEAR(a b)`, `a:*`, `!&|`,
			strings.Repeat("长", 10000), strings.Repeat("a\"", 5000), "\x00"} {
			if _, _, err := info.Search(ctx, d, d.Dialect, info.Query{Q: q}); err != nil {
				t.Errorf("query %.30q: %v", q, err)
			}
		}
		// Filters.
		if n, _ := search(t, w, info.Query{Q: "海赤街", Genre: "通知"}); n != 1 {
			t.Errorf("genre filter: %d", n)
		}
		if n, _ := search(t, w, info.Query{Q: "海赤街", Unit: &w.bj}); n != 0 {
			t.Errorf("unit filter: %d", n)
		}
		if n, _ := search(t, w, info.Query{Q: "海赤街", Unit: &w.hz}); n != 2 {
			t.Errorf("district filter: %d", n)
		}
		// Withdrawn information is gone from search.
		err := w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := info.Withdraw(ctx, tx, w.reviewer, r2, "内容有误，更正后重新发布")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := search(t, w, info.Query{Q: "长者饭堂"}); n != 0 {
			t.Error("a withdrawn record is still found")
		}
		// Marking a document repealed keeps it online, linked to its successor.
		err = w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := info.SetValidity(ctx, tx, w.editor, r1, info.Repealed, "2025-04-02", r2.IndexNo)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := info.ByIndexNo(ctx, d, r1.IndexNo); r.Validity != info.Repealed || r.ReplacedBy != r2.IndexNo || !r.Public() {
			t.Errorf("repealed: %+v", r)
		}
		if n, _ := search(t, w, info.Query{Q: "津贴", Validity: info.Repealed}); n != 1 {
			t.Errorf("validity filter: %d", n)
		}
	})
}

func TestWorkflowPermissions(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		var r info.Record
		err := w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			var err error
			r, err = info.Create(ctx, tx, w.editor, w.cg, info.Input{Title: "测试信息"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := info.Create(ctx, tx, w.yxEditor, w.cg, info.Input{Title: "越界"})
			return err
		})
		if errs.KindOf(err) != errs.Forbidden {
			t.Errorf("越秀区 editor writes for 赤岗街道: %v", err)
		}
		err = w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			r, err := info.Submit(ctx, tx, w.editor, r)
			if err != nil {
				return err
			}
			_, err = info.Approve(ctx, tx, w.editor, r)
			return err
		})
		if errs.KindOf(err) != errs.Forbidden {
			t.Errorf("editor approves: %v", err)
		}
		// Bad input names every field.
		err = w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := info.Create(ctx, tx, w.editor, w.cg, info.Input{Title: " ", WrittenDate: "2025-02-30", Attribute: info.Withheld, Validity: info.Expired, LinkURL: "javascript:alert(1)"})
			return err
		})
		m, ok := err.(errs.Multi)
		if !ok || len(m) != 5 {
			t.Errorf("bad input: %v", err)
		}
	})
}

func TestScreeningBlocksSubmission(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		var r info.Record
		err := w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			var err error
			r, err = info.Create(ctx, tx, w.editor, w.cg, info.Input{Title: "低保对象公示",
				Body: "<p>申请人张某，身份证号440105199003078517，联系电话13800138000。</p>"})
			if err != nil {
				return err
			}
			r, err = info.AddAttachment(ctx, tx, w.editor, w.files, r, "名单.docx", infotest.DOCX("名单：李某 13912345678"))
			if err != nil {
				return err
			}
			r, err = info.AddAttachment(ctx, tx, w.editor, w.files, r, "台账.xlsx", xlsx([]string{"姓名", "卡号"}, []string{"王某", "银行卡号6212262000001234564"}))
			if err != nil {
				return err
			}
			r, err = info.AddAttachment(ctx, tx, w.editor, w.files, r, "notice.pdf", pdfWith("Contact 13700137000"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		fs := r.Findings()
		kinds := map[string]int{}
		for _, f := range fs {
			kinds[f.Where+":"+string(f.Kind)]++
		}
		if kinds["body:resident_id"] != 1 || kinds["body:mobile"] != 1 || kinds["attachment:mobile"] != 2 || kinds["attachment:bank_card"] != 1 {
			t.Fatalf("findings %v", kinds)
		}
		err = w.tx(t, func(ctx context.Context, tx *db.Tx) error { _, err := info.Submit(ctx, tx, w.editor, r); return err })
		if e := errs.As(err); e == nil || e.Key != "info.screen_blocked" {
			t.Fatalf("submission with personal data: %v", err)
		}
		// Masking fixes the body; the attachments still need a decision.
		err = w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			var err error
			r, err = info.MaskAll(ctx, tx, w.editor, r)
			return err
		})
		if err != nil || !strings.Contains(r.Body, "44*************517") || !strings.Contains(r.Body, "138****8000") {
			t.Fatalf("masked body %q %v", r.Body, err)
		}
		err = w.tx(t, func(ctx context.Context, tx *db.Tx) error { _, err := info.Submit(ctx, tx, w.editor, r); return err })
		if errs.KindOf(err) != errs.Invalid {
			t.Fatal("attachments with personal data passed")
		}
		// An editor cannot override; a reviewer can, with a reason.
		err = w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := info.OverrideScreening(ctx, tx, w.editor, r, "名单依法公示")
			return err
		})
		if errs.KindOf(err) != errs.Forbidden {
			t.Errorf("editor override: %v", err)
		}
		err = w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			var err error
			if r, err = info.OverrideScreening(ctx, tx, w.reviewer, r, "低保名单依《社会救助暂行办法》须公示，号码为工作电话"); err != nil {
				return err
			}
			_, err = info.Submit(ctx, tx, w.editor, r)
			return err
		})
		if err != nil {
			t.Fatalf("after the reviewer's decision: %v", err)
		}
		// A file added after the release needs a new decision.
		err = w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			var err error
			if r, err = info.ReturnToDraft(ctx, tx, w.reviewer, mustLoad(t, tx, r.IndexNo), "补充附件"); err != nil {
				return err
			}
			if r, err = info.AddAttachment(ctx, tx, w.editor, w.files, r, "补充.docx", infotest.DOCX("电话15012345678")); err != nil {
				return err
			}
			_, err = info.Submit(ctx, tx, w.editor, r)
			return err
		})
		if e := errs.As(err); e == nil || e.Key != "info.screen_blocked" {
			t.Errorf("a new attachment passed under the old release: %v", err)
		}
		// The attachment files are stored once, by content.
		for _, at := range r.Attachments {
			if b, err := os.ReadFile(info.FilePath(w.files, at.SHA256)); err != nil || int64(len(b)) != at.Size {
				t.Errorf("stored %s: %v", at.Name, err)
			}
		}
	})
}

func TestAttachmentChecks(t *testing.T) {
	w := newWorld(t, dbtest.SQLite(t))
	var r info.Record
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		var err error
		r, err = info.Create(ctx, tx, w.editor, w.cg, info.Input{Title: "附件测试"})
		return err
	})
	for name, c := range map[string]struct {
		file string
		data []byte
		key  string
	}{
		"exe":       {"setup.exe", []byte("MZ\x90\x00"), "info.file_type"},
		"fake pdf":  {"a.pdf", []byte("<html>not a pdf</html>"), "info.file_mismatch"},
		"fake docx": {"a.docx", []byte("%PDF-1.4"), "info.file_mismatch"},
		"empty":     {"a.pdf", nil, "info.file_size"},
		"broken":    {"a.docx", []byte("PK\x03\x04broken"), "info.file_unreadable"},
		// Zip bombs are refused before anything reads them.
		"1 GiB xlsx":  {"a.xlsx", bombtest.Zeros("xl/worksheets/sheet1.xml", 1024, 1<<30), "zip.too_large"},
		"1 GiB docx":  {"a.docx", bombtest.Zeros("word/document.xml", 1024, 1<<30), "zip.too_large"},
		"forged docx": {"a.docx", bombtest.Zeros("word/document.xml", 1024, 1000), "zip.size_mismatch"},
		"forged xlsx": {"a.xlsx", bombtest.Zeros("xl/sharedStrings.xml", 1024, 1000), "zip.size_mismatch"},
		"5,000 parts": {"a.docx", bombtest.Many(5000), "zip.too_many_entries"},
	} {
		err := w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := info.AddAttachment(ctx, tx, w.editor, w.files, r, c.file, c.data)
			return err
		})
		if e := errs.As(err); e == nil || e.Key != c.key || e.Field != "file" {
			t.Errorf("%s: %v, want %s on the file field", name, err, c.key)
		}
	}
	// Nothing was kept.
	if stored, _ := os.ReadDir(w.files); len(stored) != 0 {
		t.Errorf("refused files were stored: %v", stored)
	}
}

func TestScheduledPublishing(t *testing.T) {
	w := newWorld(t, dbtest.SQLite(t))
	ctx := context.Background()
	at := time.Now().Add(2 * time.Hour)
	var r info.Record
	err := w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if r, err = info.Create(ctx, tx, w.editor, w.cg, info.Input{Title: "定时发布的通知", PublishAt: at}); err != nil {
			return err
		}
		if r, err = info.Submit(ctx, tx, w.editor, r); err != nil {
			return err
		}
		if r, err = info.Approve(ctx, tx, w.reviewer, r); err != nil {
			return err
		}
		r, err = info.Publish(ctx, tx, w.reviewer, r)
		return err
	})
	if err != nil || r.Status != info.Approved {
		t.Fatalf("scheduled: %s %v", r.Status, err)
	}
	if n, _ := info.PublishDue(ctx, w.d); n != 0 {
		t.Fatal("published before its time")
	}
	w.d.SetClock(func() time.Time { return at.Add(time.Minute) })
	if n, err := info.PublishDue(ctx, w.d); n != 1 || err != nil {
		t.Fatalf("due: %d %v", n, err)
	}
	if n, _ := search(t, w, info.Query{Q: "定时发布"}); n != 1 {
		t.Error("a scheduled record is not found once published")
	}
}

func TestIndexPattern(t *testing.T) {
	for _, c := range []struct{ pattern, want string }{
		{"{unit_code}/{year}-{seq:5}", "440105-001/2025-00042"},
		{"11440105MB2C12345X/{year}-{seq:4}", "11440105MB2C12345X/2025-0042"},
		{"{unit_code}-{seq}", "440105-001-42"},
	} {
		if got := info.FormatIndexNo(c.pattern, "440105-001", 2025, 42); got != c.want {
			t.Errorf("%s: %s", c.pattern, got)
		}
	}
}

func xlsx(rows ...[]string) []byte {
	f := excelize.NewFile()
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &vals)
	}
	var b bytes.Buffer
	f.Write(&b)
	return b.Bytes()
}

// pdfWith returns a one-page PDF showing an ASCII text.
func pdfWith(text string) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(s string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), s)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	content := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET", text)
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// TestBroadSearch: past the ranking threshold, the newest come first and an
// exact 文号 still leads page one.
func TestBroadSearch(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		defer info.SetRankLimit(3)()
		var last info.Record
		for i := 1; i <= 8; i++ {
			last = w.publishNew(t, info.Input{Title: fmt.Sprintf("政务公开工作通知第%d号", i), DocNumber: fmt.Sprintf("海赤街〔2026〕%d号", i)})
		}
		n, hits := search(t, w, info.Query{Q: "政务公开"})
		if n != 8 || len(hits) != 8 || hits[0].Record.IndexNo != last.IndexNo {
			t.Fatalf("broad search: %d hits, first %v", n, hits[0].Record.Title)
		}
		// With every query broad, an exact 文号 still leads page one.
		defer info.SetRankLimit(0)()
		w.publishNew(t, info.Input{Title: "关于转发海赤街〔2026〕2号文件的通知"})
		n, hits = search(t, w, info.Query{Q: "海赤街〔2026〕2号"})
		if n != 2 || hits[0].Record.DocNumber != "海赤街〔2026〕2号" {
			t.Errorf("exact 文号 in a broad search (%s): %d, first %q", d.Dialect, n, hits[0].Record.DocNumber)
		}
	})
}

func mustLoad(t *testing.T, q db.Querier, indexNo string) info.Record {
	t.Helper()
	r, err := info.ByIndexNo(context.Background(), q, indexNo)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// An index made by another version of the tokenizer is made again when the
// database is opened, and only then.
func TestEnsureIndex(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		w.publishNew(t, info.Input{Title: "关于长者饭堂的通知", DocNumber: "海赤街〔2026〕3号", WrittenDate: "2026-01-05", Body: "<p>长者饭堂</p>"})
		w.publishNew(t, info.Input{Title: "高龄津贴公示", WrittenDate: "2026-01-06", Body: "<p>根据海赤街〔2026〕3号文件</p>"})
		if _, err := info.EnsureIndex(ctx, d, nil); err != nil {
			t.Fatal(err)
		}
		// As an older version left it: nothing indexed, another version.
		clear := `INSERT INTO info_fts(info_fts) VALUES ('delete-all')`
		if d.Dialect == db.Postgres {
			clear = `DELETE FROM info_search`
		}
		err := w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			if _, err := tx.Exec(ctx, clear); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE settings SET value = '1' WHERE key = 'search_tokens'`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := search(t, w, info.Query{Q: "海赤街〔2026〕3号"}); n != 0 {
			t.Fatalf("cleared index still finds %d", n)
		}
		if n, err := info.EnsureIndex(ctx, d, nil); err != nil || n != 2 {
			t.Fatalf("EnsureIndex indexed %d records, %v; want 2", n, err)
		}
		if n, _ := search(t, w, info.Query{Q: "海赤街〔2026〕3号"}); n != 2 {
			t.Errorf("after the rebuild the 文号 finds %d records, want 2", n)
		}
		if n, err := info.EnsureIndex(ctx, d, nil); err != nil || n != 0 {
			t.Errorf("a current index was rebuilt: %d, %v", n, err)
		}
	})
}
