package rules_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/info/infotest"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
	"gongkai/internal/rules"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// world is the small city of orgtest with 赤岗's editor and reviewer,
// 新港's editor, the offices of 海珠区, 越秀区 and the city.
type world struct {
	d                       *db.DB
	files                   string
	city, hz, cg, xg        org.Unit
	cgEd, cgRev, xgEd       auth.Account
	hzOffice, yxOffice, gz0 auth.Account
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{d: d, files: t.TempDir()}
	w.at("2026-09-14")
	w.tx(t, func(tx *db.Tx) error {
		ctx := context.Background()
		c := orgtest.Build(t, ctx, tx)
		w.city, w.hz, w.cg, w.xg = c.City, c.Haizhu, c.Chigang, c.Xingang
		w.cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, w.cg)
		w.cgRev = orgtest.Account(t, ctx, tx, "cg-reviewer", "", auth.UnitReviewer, w.cg)
		w.xgEd = orgtest.Account(t, ctx, tx, "xg-editor", "", auth.UnitEditor, w.xg)
		w.hzOffice = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, w.hz)
		w.yxOffice = orgtest.Account(t, ctx, tx, "yx-office", "", auth.PublicOfficeDistrict, c.Yuexiu)
		w.gz0 = orgtest.Account(t, ctx, tx, "gz-office", "", auth.PublicOfficeCity, w.city)
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

// do runs fn in a transaction and returns the rule it returns, or its error.
func (w *world) do(fn func(ctx context.Context, tx *db.Tx) (rules.Rule, error)) (rules.Rule, error) {
	ctx := context.Background()
	var r rules.Rule
	err := w.d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		r, err = fn(ctx, tx)
		return err
	})
	return r, err
}

func (w *world) must(t *testing.T, fn func(ctx context.Context, tx *db.Tx) (rules.Rule, error)) rules.Rule {
	t.Helper()
	r, err := w.do(fn)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (w *world) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var participationRule = rules.Input{Title: "赤岗街道公众参与政府决策工作制度", Category: string(rules.Participation), Adopted: "2026-08-03",
	Body: "第一条 为规范公众参与重大行政决策，制定本制度。\n第二条 涉及群众切身利益的决策事项，应当公开征求意见，期限一般不少于30日。"}

func TestRuleJourney(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()

		// Bad input names every field at fault and writes nothing.
		bad := rules.Input{Title: " ", Category: "rumours", Adopted: "2026-09-31", Body: "联系人身份证号11010519491231002X",
			Files: []rules.File{{Name: "x.exe", Data: []byte("MZ")}}, Keep: []int{1}}
		_, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Submit(ctx, tx, w.cgEd, w.files, w.cg, bad)
		})
		if got, want := errs.Fields(err), []string{"adopted", "body", "category", "file", "keep", "title"}; !slices.Equal(got, want) {
			t.Errorf("bad rule: fields %v, want %v (%v)", got, want, err)
		}
		future := participationRule
		future.Adopted = "2026-09-15"
		if _, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Submit(ctx, tx, w.cgEd, w.files, w.cg, future)
		}); !slices.Equal(errs.Fields(err), []string{"adopted"}) {
			t.Errorf("adopted tomorrow: %v", err)
		}
		// Another street's editor may not submit 赤岗's; the city has no
		// office above it.
		if _, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Submit(ctx, tx, w.xgEd, w.files, w.cg, participationRule)
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("新港 submits for 赤岗: %v", err)
		}
		if _, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Submit(ctx, tx, w.gz0, w.files, w.city, participationRule)
		}); !slices.Equal(errs.Fields(err), []string{"unit"}) {
			t.Errorf("the city submits: %v", err)
		}
		if n := w.count(t, "rules") + w.count(t, "rule_versions") + w.count(t, "rule_files"); n != 0 {
			t.Fatalf("refused submissions wrote %d rows", n)
		}

		// 赤岗 submits to 海珠区's office, with a file.
		in := participationRule
		in.Files = []rules.File{{Name: "公众参与制度.docx", Data: infotest.DOCX("公众参与制度全文")}}
		r := w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Submit(ctx, tx, w.cgEd, w.files, w.cg, in)
		})
		if r.Office.Code != "440105" || r.State != rules.Submitted || r.Version != 1 || len(r.Files) != 1 || r.Files[0].Seq != 1 {
			t.Fatalf("submitted: office %s state %s version %d files %+v", r.Office.Code, r.State, r.Version, r.Files)
		}
		if _, err := os.Stat(info.FilePath(w.files, r.Files[0].SHA256)); err != nil {
			t.Errorf("the file is not stored: %v", err)
		}

		// Neither the unit, nor another district's office, accepts it; the
		// office returns it only with a reason.
		for _, a := range []auth.Account{w.cgEd, w.cgRev, w.yxOffice} {
			if _, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) { return rules.Accept(ctx, tx, a, w.files, r) }); errs.KindOf(err) != errs.Forbidden {
				t.Errorf("%s accepts: %v", a.Login, err)
			}
		}
		if _, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Return(ctx, tx, w.hzOffice, r, "  ")
		}); !slices.Equal(errs.Fields(err), []string{"reason"}) {
			t.Errorf("return without reason: %v", err)
		}
		// Recommending what is not published is a conflict.
		if _, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Recommend(ctx, tx, w.gz0, r, true)
		}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("recommend a submission: %v", err)
		}
		reason := "请补充征求意见的期限和反馈要求。"
		r = w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Return(ctx, tx, w.hzOffice, r, reason)
		})
		if r.State != rules.Returned || r.ReturnReason != reason {
			t.Fatalf("returned: %s %q", r.State, r.ReturnReason)
		}
		if _, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Accept(ctx, tx, w.hzOffice, w.files, r)
		}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("accept a returned rule: %v", err)
		}

		// The unit revises, keeping its file and adding none.
		rev := participationRule
		rev.Body += "\n第三条 意见采纳情况应当在征求意见结束后20个工作日内公开反馈。"
		rev.Keep = []int{1}
		w.at("2026-09-16")
		r = w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Revise(ctx, tx, w.cgEd, w.files, r, rev)
		})
		if r.State != rules.Submitted || r.Version != 2 || len(r.Files) != 1 {
			t.Fatalf("revised: %s v%d files %d", r.State, r.Version, len(r.Files))
		}
		if _, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Revise(ctx, tx, w.cgEd, w.files, r, rev)
		}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("revise while with the office: %v", err)
		}

		// Accepting publishes it in 赤岗's 制度 column with its file.
		r = w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Accept(ctx, tx, w.hzOffice, w.files, r)
		})
		if r.State != rules.Accepted || !r.Published() {
			t.Fatalf("accepted: %s record %d", r.State, r.RecordID)
		}
		rec, err := info.ByID(ctx, d, r.RecordID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Status != info.Published || rec.Column != info.ColumnRules || rec.Unit.Code != "440105-001" || rec.Title != participationRule.Title ||
			rec.WrittenDate != "2026-08-03" || len(rec.Attachments) != 1 || !strings.Contains(rec.BodyText, "20个工作日") {
			t.Errorf("record: %s %s %s %q %s files %d", rec.Status, rec.Column, rec.Unit.Code, rec.Title, rec.WrittenDate, len(rec.Attachments))
		}
		col, err := info.PublishedRecords(ctx, d, info.Filter{UnitID: w.cg.ID, Column: info.ColumnRules})
		if err != nil || len(col) != 1 || col[0].ID != rec.ID {
			t.Errorf("赤岗's 制度 column: %d records %v", len(col), err)
		}
		vs, err := rules.Versions(ctx, d, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		type vrow struct {
			V        int
			Decision rules.State
			Reason   string
			Files    int
		}
		var got []vrow
		for _, v := range vs {
			got = append(got, vrow{v.Version, v.Decision, v.Reason, len(v.Files)})
		}
		if diff := cmp.Diff([]vrow{{2, rules.Accepted, "", 1}, {1, rules.Returned, reason, 1}}, got); diff != "" {
			t.Errorf("versions mismatch (-want +got):\n%s", diff)
		}

		// The city office recommends it to all.
		r = w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Recommend(ctx, tx, w.gz0, r, true)
		})
		if rec, err := rules.List(ctx, d, rules.Filter{Recommended: true}); err != nil || len(rec) != 1 || rec[0].ID != r.ID || rec[0].Unit.Code != "440105-001" {
			t.Errorf("recommended: %+v %v", rec, err)
		}

		// A revision of the published rule replaces its record once accepted;
		// the old one is marked 失效 and points to the new one.
		rev2 := participationRule
		rev2.Title = "赤岗街道公众参与政府决策工作制度（修订）"
		rev2.Adopted = "2026-09-16"
		r = w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Revise(ctx, tx, w.cgEd, w.files, r, rev2)
		})
		if !r.Published() || len(r.Files) != 0 {
			t.Errorf("a revision takes the rule out of its column, or kept a file it was not told to: files %d", len(r.Files))
		}
		r = w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Accept(ctx, tx, w.hzOffice, w.files, r)
		})
		old, _ := info.ByID(ctx, d, rec.ID)
		nrec, _ := info.ByID(ctx, d, r.RecordID)
		if r.RecordID == rec.ID || old.Validity != info.Expired || old.ReplacedBy != nrec.IndexNo || nrec.Title != rev2.Title || nrec.Status != info.Published {
			t.Errorf("replaced: old %s → %q, new %q %s", old.Validity, old.ReplacedBy, nrec.Title, nrec.Status)
		}
		if pub, _ := rules.List(ctx, d, rules.Filter{Unit: w.cg.ID, Published: true}); len(pub) != 1 || !pub[0].Recommended {
			t.Errorf("published after replacing: %+v", pub)
		}

		// Withdrawing a published rule: not its editor; its reviewer, with a
		// reason, takes it out of the column.
		if _, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Withdraw(ctx, tx, w.cgEd, r, "不再适用")
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("the editor withdraws a published rule: %v", err)
		}
		if _, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Withdraw(ctx, tx, w.cgRev, r, "")
		}); !slices.Equal(errs.Fields(err), []string{"reason"}) {
			t.Errorf("withdraw without reason: %v", err)
		}
		r = w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Withdraw(ctx, tx, w.cgRev, r, "已被区级统一制度替代")
		})
		if nrec, _ := info.ByID(ctx, d, r.RecordID); nrec.Status != info.Withdrawn || r.Recommended {
			t.Errorf("withdrawn: record %s, recommended %v", nrec.Status, r.Recommended)
		}
		if pub, _ := rules.List(ctx, d, rules.Filter{Published: true}); len(pub) != 0 {
			t.Errorf("a withdrawn rule is listed as published: %d", len(pub))
		}

		// Every step is in the audit log.
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'rules.%'`).Scan(&n); err != nil || n != 8 {
			t.Errorf("audit events: %d %v", n, err)
		}
	})
}

// A district's own rules go to the city office; an office never reviews
// its own unit's rules, and its queue leaves them out.
func TestDistrictRulesGoToTheCity(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		in := participationRule
		in.Title, in.Category = "海珠区政府信息发布审查制度", string(rules.ReleaseReview)
		r := w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Submit(ctx, tx, w.hzOffice, w.files, w.hz, in)
		})
		if r.Office.Code != "440100" {
			t.Errorf("the district's office is %s", r.Office.Code)
		}
		if _, err := w.do(func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Accept(ctx, tx, w.hzOffice, w.files, r)
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("the district accepts its own: %v", err)
		}
		queue, err := rules.List(ctx, d, rules.Filter{Scope: &w.hz, NotUnit: w.hz.ID, State: rules.Submitted})
		if err != nil || len(queue) != 0 {
			t.Errorf("the district's queue: %d %v", len(queue), err)
		}
		queue, err = rules.List(ctx, d, rules.Filter{Scope: &w.city, NotUnit: w.city.ID, State: rules.Submitted})
		if err != nil || len(queue) != 1 {
			t.Errorf("the city's queue: %d %v", len(queue), err)
		}
		w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Accept(ctx, tx, w.gz0, w.files, r)
		})
	})
}

func TestCounts(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		submit := func(a auth.Account, u org.Unit, title string) rules.Rule {
			in := participationRule
			in.Title, in.Adopted = title, "2025-12-01"
			return w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
				return rules.Submit(ctx, tx, a, w.files, u, in)
			})
		}
		w.at("2025-12-31") // 09:00 in China, 01:00 in UTC: still 2025
		a := submit(w.cgEd, w.cg, "赤岗制度一")
		w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Accept(ctx, tx, w.hzOffice, w.files, a)
		})
		w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Recommend(ctx, tx, w.hzOffice, a, true)
		})
		w.at("2026-01-01")
		submit(w.cgEd, w.cg, "赤岗制度二")
		b := submit(w.cgEd, w.cg, "赤岗制度三")
		w.must(t, func(ctx context.Context, tx *db.Tx) (rules.Rule, error) {
			return rules.Return(ctx, tx, w.hzOffice, b, "请修改")
		})
		submit(w.xgEd, w.xg, "新港制度一")
		got, err := rules.Counts(ctx, d, w.hz, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []rules.Count{
			{UnitID: w.cg.ID, UnitCode: "440105-001", Year: 2025, State: rules.Accepted, Rules: 1, Recommended: 1, Published: 1},
			{UnitID: w.cg.ID, UnitCode: "440105-001", Year: 2026, State: rules.Submitted, Rules: 1},
			{UnitID: w.cg.ID, UnitCode: "440105-001", Year: 2026, State: rules.Returned, Rules: 1},
			{UnitID: w.xg.ID, UnitCode: "440105-002", Year: 2026, State: rules.Submitted, Rules: 1},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("counts mismatch (-want +got):\n%s", diff)
		}
		if got, _ := rules.Counts(ctx, d, w.cg, 2025); len(got) != 1 || got[0].Year != 2025 {
			t.Errorf("2025 only: %+v", got)
		}
	})
}
