package participation_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/info/infotest"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
	"gongkai/internal/participation"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// world is the small city of orgtest with 赤岗's editor and reviewer, 新港's
// editor and 海珠区's office.
type world struct {
	d                      *db.DB
	files                  string
	hz, cg, xg             org.Unit
	cgEd, cgRev, xgEd, hz0 auth.Account
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{d: d, files: t.TempDir()}
	w.at("2026-08-20")
	w.tx(t, func(tx *db.Tx) error {
		ctx := context.Background()
		c := orgtest.Build(t, ctx, tx)
		w.hz, w.cg, w.xg = c.Haizhu, c.Chigang, c.Xingang
		w.cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, w.cg)
		w.cgRev = orgtest.Account(t, ctx, tx, "cg-reviewer", "", auth.UnitReviewer, w.cg)
		w.xgEd = orgtest.Account(t, ctx, tx, "xg-editor", "", auth.UnitEditor, w.xg)
		w.hz0 = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, w.hz)
		return nil
	})
	return w
}

// at sets the database clock to 09:00 China time on day.
func (w *world) at(day string) {
	d, err := calendar.ParseDate(day)
	if err != nil {
		panic(err)
	}
	t := time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, calendar.China)
	w.d.SetClock(func() time.Time { return t })
}

func (w *world) tx(t *testing.T, fn func(tx *db.Tx) error) {
	t.Helper()
	if err := w.d.InTx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// try runs fn in a transaction and returns its error.
func (w *world) try(fn func(ctx context.Context, tx *db.Tx) error) error {
	ctx := context.Background()
	return w.d.InTx(ctx, func(tx *db.Tx) error { return fn(ctx, tx) })
}

func (w *world) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (w *world) load(t *testing.T, id int64) participation.Consultation {
	t.Helper()
	c, err := participation.ByID(context.Background(), w.d, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fields returns the fields an error names, sorted.
func fields(err error) []string {
	var out []string
	var m errs.Multi
	if errors.As(err, &m) {
		for _, e := range m {
			out = append(out, e.Field)
		}
	} else if e := errs.As(err); e != nil {
		out = append(out, e.Field)
	}
	slices.Sort(out)
	return out
}

var draft = participation.Input{Title: "赤岗街道长者饭堂助餐补贴办法（征求意见稿）", Body: `<p>第一条 为规范长者饭堂助餐补贴。</p><script>alert(1)</script>`,
	Explanation: "根据《广州市社区养老服务条例》起草。", HowTo: "可在本页提交意见，或发送电子邮件。", Parties: "社区居民代表、长者饭堂运营方",
	Start: "2026-09-01", End: "2026-09-30"}

func TestConsultationJourney(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()

		// Bad input names every field at fault and writes nothing.
		bad := participation.Input{Title: " ", Body: "<script>x</script>", Start: "2026-09-31", End: "2026-08-01"}
		err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := participation.Create(ctx, tx, w.cgEd, w.cg, bad)
			return err
		})
		if got := fields(err); !slices.Equal(got, []string{"body", "explanation", "start", "title"}) {
			t.Errorf("bad draft: fields %v (%v)", got, err)
		}
		err = w.try(func(ctx context.Context, tx *db.Tx) error {
			in := draft
			in.End = "2026-08-31"
			_, err := participation.Create(ctx, tx, w.cgEd, w.cg, in)
			return err
		})
		if got := fields(err); !slices.Equal(got, []string{"end"}) {
			t.Errorf("end before start: fields %v", got)
		}
		// Another street's editor may not write 赤岗's.
		err = w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := participation.Create(ctx, tx, w.xgEd, w.cg, draft)
			return err
		})
		if errs.KindOf(err) != errs.Forbidden {
			t.Errorf("新港's editor creates for 赤岗: %v", err)
		}
		if n := w.count(t, "consultations"); n != 0 {
			t.Fatalf("refused drafts wrote %d consultations", n)
		}

		var c participation.Consultation
		w.tx(t, func(tx *db.Tx) error {
			var err error
			c, err = participation.Create(ctx, tx, w.cgEd, w.cg, draft)
			return err
		})
		if strings.Contains(c.Body, "script") || c.Days() != 30 {
			t.Errorf("draft: body %q, %d days", c.Body, c.Days())
		}
		// Files are checked as record attachments are.
		err = w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := participation.AddFile(ctx, tx, w.cgEd, w.files, c, "草案.docx", []byte("not a word file"))
			return err
		})
		if got := fields(err); !slices.Equal(got, []string{"file"}) {
			t.Errorf("a fake DOCX: %v", err)
		}
		w.tx(t, func(tx *db.Tx) error {
			var err error
			c, err = participation.AddFile(ctx, tx, w.cgEd, w.files, c, "草案.docx", infotest.DOCX("联系人手机13812345678"))
			return err
		})
		if len(c.Files) != 1 || !strings.Contains(c.Files[0].Text, "13812345678") {
			t.Fatalf("file: %+v", c.Files)
		}

		// The editor cannot publish; the reviewer must release the mobile
		// number the file holds, in writing.
		publish := func(a auth.Account, release string) error {
			return w.try(func(ctx context.Context, tx *db.Tx) error {
				cur, err := participation.ByID(ctx, tx, c.ID)
				if err == nil {
					_, err = participation.Publish(ctx, tx, a, cur, release)
				}
				return err
			})
		}
		if err := publish(w.cgEd, ""); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("editor publishes: %v", err)
		}
		if err := publish(w.cgRev, ""); !slices.Equal(fields(err), []string{"reason"}) {
			t.Errorf("publish with personal data: %v", err)
		}
		if err := publish(w.cgRev, "运营方公开的服务热线"); err != nil {
			t.Fatal(err)
		}
		c = w.load(t, c.ID)
		if c.Status != participation.Published || c.ScreenRelease != "cg-reviewer：运营方公开的服务热线" {
			t.Errorf("published: %s %q", c.Status, c.ScreenRelease)
		}
		if err := publish(w.cgRev, ""); errs.KindOf(err) != errs.Conflict {
			t.Errorf("publish twice: %v", err)
		}

		// Comments: not before the start, on the first and last days, not
		// after the end.
		comment := func(in participation.CommentInput) (participation.Comment, error) {
			var m participation.Comment
			err := w.try(func(ctx context.Context, tx *db.Tx) error {
				cur, err := participation.ByID(ctx, tx, c.ID)
				if err == nil {
					m, err = participation.AddComment(ctx, tx, cur, in)
				}
				return err
			})
			return m, err
		}
		good := participation.CommentInput{Content: "建议补贴标准按年龄分档，我的电话13800138000。", Name: "陈先生", Phone: "13800138000"}
		if _, err := comment(good); errs.KindOf(err) != errs.Conflict {
			t.Errorf("comment before the start: %v", err)
		}
		w.at("2026-09-01")
		for _, b := range []struct {
			in   participation.CommentInput
			want []string
		}{
			{participation.CommentInput{Content: "  ", Phone: "13800138000"}, []string{"content"}},
			{participation.CommentInput{Content: strings.Repeat("长", participation.MaxComment+1), Email: "a@example.com"}, []string{"content"}},
			{participation.CommentInput{Content: "意见"}, []string{"phone"}},
			{participation.CommentInput{Content: "意见", Phone: "电话号码", Email: "not-an-address"}, []string{"email", "phone"}},
			{participation.CommentInput{Content: "意见", Name: strings.Repeat("名", 51), Email: "a@example.com"}, []string{"name"}},
		} {
			if _, err := comment(b.in); !slices.Equal(fields(err), b.want) {
				t.Errorf("comment %+.40v: fields %v, want %v", b.in, fields(err), b.want)
			}
		}
		if n := w.count(t, "consultation_comments"); n != 0 {
			t.Fatalf("bad comments wrote %d rows", n)
		}
		first, err := comment(good)
		if err != nil {
			t.Fatal(err)
		}
		if first.Personal != 1 || strings.Contains(first.Masked, "13800138000") || !strings.Contains(first.Content, "13800138000") {
			t.Errorf("screening: %d %q", first.Personal, first.Masked)
		}
		w.at("2026-09-30")
		second, err := comment(participation.CommentInput{Content: "希望增加晚餐供应。", Email: "resident@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		spam, err := comment(participation.CommentInput{Content: "广告：低价代办。", Phone: "020-12345678"})
		if err != nil {
			t.Fatal(err)
		}
		// Decisions wait for the end.
		decide := func(a auth.Account, ds ...participation.Decision) error {
			return w.try(func(ctx context.Context, tx *db.Tx) error {
				return participation.Decide(ctx, tx, a, w.load(t, c.ID), ds)
			})
		}
		if err := decide(w.cgEd, participation.Decision{Comment: first.ID, Decision: participation.Adopted}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("decide while open: %v", err)
		}
		// Moderation needs a reason and a right.
		hide := func(a auth.Account, id int64, reason string) error {
			return w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := participation.Hide(ctx, tx, a, w.load(t, c.ID), id, reason)
				return err
			})
		}
		if err := hide(w.cgEd, spam.ID, ""); !slices.Equal(fields(err), []string{"reason"}) {
			t.Errorf("hide without a reason: %v", err)
		}
		if err := hide(w.xgEd, spam.ID, "广告"); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("新港 hides 赤岗's comment: %v", err)
		}
		if err := hide(w.cgEd, spam.ID, "商业广告，与草案无关"); err != nil {
			t.Fatal(err)
		}
		if c = w.load(t, c.ID); c.Comments != 2 {
			t.Errorf("%d comments shown, want 2", c.Comments)
		}

		w.at("2026-10-01")
		if _, err := comment(good); errs.KindOf(err) != errs.Conflict {
			t.Errorf("comment after the end: %v", err)
		}
		// All or nothing: a reason missing for a comment not adopted keeps
		// the other decision out too.
		err = decide(w.cgEd, participation.Decision{Comment: first.ID, Decision: participation.Partly, Reason: "分档标准另行制定"},
			participation.Decision{Comment: second.ID, Decision: participation.NotAdopted},
			participation.Decision{Comment: spam.ID, Decision: participation.Adopted})
		if got := fields(err); !slices.Equal(got, []string{"decision_" + itoa(spam.ID), "reason_" + itoa(second.ID)}) {
			t.Errorf("bad decisions: %v", got)
		}
		cs, _ := participation.CommentsOf(ctx, d, c.ID)
		if r := participation.ReportOf(cs); r.Undecided != 2 || r.Hidden != 1 {
			t.Errorf("after refused decisions: %+v", r)
		}
		publishFeedback := func(a auth.Account, text string) error {
			return w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := participation.PublishFeedback(ctx, tx, a, w.load(t, c.ID), text)
				return err
			})
		}
		if err := publishFeedback(w.cgRev, "主要意见集中在补贴分档和晚餐供应。"); !slices.Equal(fields(err), []string{"feedback"}) {
			t.Errorf("feedback with undecided comments: %v", err)
		}
		if err := decide(w.cgEd, participation.Decision{Comment: first.ID, Decision: participation.Partly, Reason: "分档标准另行制定"},
			participation.Decision{Comment: second.ID, Decision: participation.NotAdopted, Reason: "晚餐由社区饭堂另行安排"}); err != nil {
			t.Fatal(err)
		}
		if err := publishFeedback(w.cgEd, "主要意见集中在补贴分档和晚餐供应。"); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("editor publishes feedback: %v", err)
		}
		if err := publishFeedback(w.cgRev, ""); !slices.Equal(fields(err), []string{"feedback"}) {
			t.Errorf("feedback without text: %v", err)
		}
		if err := publishFeedback(w.cgRev, "主要意见集中在补贴分档和晚餐供应。"); err != nil {
			t.Fatal(err)
		}
		c = w.load(t, c.ID)
		cs, _ = participation.CommentsOf(ctx, d, c.ID)
		if r := participation.ReportOf(cs); !c.FeedbackPublished() || r.Received != 2 || r.Partly != 1 || r.NotAdopted != 1 || r.Hidden != 1 {
			t.Errorf("feedback: %v %+v", c.FeedbackAt, r)
		}
		if err := hide(w.cgEd, first.ID, "事后隐藏"); errs.KindOf(err) != errs.Conflict {
			t.Errorf("hide after the feedback: %v", err)
		}

		// The final policy: a record in the editor's scope, not 新港's.
		var own, other info.Record
		w.tx(t, func(tx *db.Tx) error {
			var err error
			if own, err = info.Create(ctx, tx, w.cgEd, w.cg, info.Input{Title: "赤岗街道长者饭堂助餐补贴办法", Body: "<p>正式办法</p>"}); err != nil {
				return err
			}
			other, err = info.Create(ctx, tx, w.xgEd, w.xg, info.Input{Title: "新港街道某办法", Body: "<p>办法</p>"})
			return err
		})
		link := func(no string) error {
			return w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := participation.LinkPolicy(ctx, tx, w.cgEd, w.load(t, c.ID), no)
				return err
			})
		}
		if err := link(other.IndexNo); !slices.Equal(fields(err), []string{"policy"}) {
			t.Errorf("link 新港's record: %v", err)
		}
		if err := link(own.IndexNo); err != nil {
			t.Fatal(err)
		}
		if got, _ := participation.ByPolicy(ctx, d, own.ID); len(got) != 1 || got[0].ID != c.ID {
			t.Errorf("ByPolicy: %+v", got)
		}

		// Every step is in the audit log, the moderation with its reason.
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE object_type = 'consultation' AND action = 'consult.hide' AND detail LIKE ?`, "%商业广告%").Scan(&n); err != nil || n != 1 {
			t.Errorf("hide in the audit log: %d %v", n, err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A period shorter than the unit's minimum goes only with its reason; the
// minimum is the unit's own, or the nearest unit's above it, or 30 days.
// Lists select by phase on the day.
func TestPeriodsAndLists(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		minOf := func(u org.Unit) int {
			n, err := participation.MinDays(ctx, d, u)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if minOf(w.cg) != participation.DefaultMinDays {
			t.Errorf("default minimum: %d", minOf(w.cg))
		}
		setMin := func(a auth.Account, u org.Unit, days int) error {
			return w.try(func(ctx context.Context, tx *db.Tx) error { return participation.SetMinDays(ctx, tx, a, u, days) })
		}
		if err := setMin(w.cgEd, w.cg, 10); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("an editor sets the minimum: %v", err)
		}
		if err := setMin(w.hz0, w.hz, 0); !slices.Equal(fields(err), []string{"min_days"}) {
			t.Errorf("minimum 0: %v", err)
		}
		if err := setMin(w.hz0, w.hz, 20); err != nil {
			t.Fatal(err)
		}
		if err := setMin(w.cgRev, w.cg, 45); err != nil {
			t.Fatal(err)
		}
		if minOf(w.cg) != 45 || minOf(w.xg) != 20 || minOf(w.hz) != 20 {
			t.Errorf("minimums: 赤岗 %d, 新港 %d, 海珠 %d", minOf(w.cg), minOf(w.xg), minOf(w.hz))
		}

		mk := func(a auth.Account, u org.Unit, title, start, end, why string) participation.Consultation {
			t.Helper()
			in := draft
			in.Title, in.Start, in.End, in.ShortReason = title, start, end, why
			var c participation.Consultation
			w.tx(t, func(tx *db.Tx) error {
				var err error
				c, err = participation.Create(ctx, tx, a, u, in)
				return err
			})
			return c
		}
		publish := func(c participation.Consultation) error {
			return w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := participation.Publish(ctx, tx, w.hz0, w.load(t, c.ID), "")
				return err
			})
		}
		// 新港: 20 days are enough, 19 are not without a reason.
		xg20 := mk(w.xgEd, w.xg, "新港二十天", "2026-08-20", "2026-09-08", "")
		xg19 := mk(w.xgEd, w.xg, "新港十九天", "2026-08-20", "2026-09-07", "")
		if err := publish(xg20); err != nil {
			t.Errorf("20 days at 新港: %v", err)
		}
		if err := publish(xg19); !slices.Equal(fields(err), []string{"short_reason"}) {
			t.Errorf("19 days at 新港: %v", err)
		}
		// 赤岗: 30 days are short of its 45, with a reason they go.
		cg30 := mk(w.cgEd, w.cg, "赤岗三十天", "2026-08-25", "2026-09-23", "台风后紧急修订，需在汛期结束前出台")
		if err := publish(cg30); err != nil {
			t.Errorf("30 days with a reason: %v", err)
		}
		// A period already under way counts from today; one over cannot
		// be published.
		late := mk(w.cgEd, w.cg, "赤岗已开始", "2026-07-01", "2026-09-10", "")
		if err := publish(late); !slices.Equal(fields(err), []string{"short_reason"}) {
			t.Errorf("22 days left of 72: %v", err)
		}
		over := mk(w.cgEd, w.cg, "赤岗已结束", "2026-07-01", "2026-08-19", "已过期")
		if err := publish(over); !slices.Equal(fields(err), []string{"end"}) {
			t.Errorf("a period over: %v", err)
		}

		titles := func(f participation.Filter) []string {
			t.Helper()
			cs, total, err := participation.List(ctx, d, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range cs {
				out = append(out, c.Title)
			}
			if total != len(out) {
				t.Errorf("total %d, listed %d", total, len(out))
			}
			return out
		}
		day := func(s string) calendar.Date { dd, _ := calendar.ParseDate(s); return dd }
		if got := titles(participation.Filter{Public: true, Phase: participation.Open, Today: day("2026-09-01")}); !slices.Equal(got, []string{"新港二十天", "赤岗三十天"}) {
			t.Errorf("open on 1 September: %q", got)
		}
		if got := titles(participation.Filter{Public: true, Phase: participation.Upcoming, Today: day("2026-08-21")}); !slices.Equal(got, []string{"赤岗三十天"}) {
			t.Errorf("upcoming on 21 August: %q", got)
		}
		if got := titles(participation.Filter{Public: true, Phase: participation.Closed, Today: day("2026-09-10"), Scope: &w.xg}); !slices.Equal(got, []string{"新港二十天"}) {
			t.Errorf("closed at 新港 on 10 September: %q", got)
		}
		if got := titles(participation.Filter{Scope: &w.cg, Status: participation.Draft}); len(got) != 2 {
			t.Errorf("赤岗's drafts: %q", got)
		}
	})
}
