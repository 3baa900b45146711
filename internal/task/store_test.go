package task_test

import (
	"context"
	"errors"
	"fmt"
	"os"
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
	"gongkai/internal/orgtest"
	"gongkai/internal/task"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

type world struct {
	d                                                 *db.DB
	files                                             string
	city                                              orgtest.City
	cityOffice, hzOffice, yxOffice, cgEd, cgRev, xgEd auth.Account
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{d: d, files: t.TempDir()}
	w.at("2026-08-20")
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		ctx := context.Background()
		w.city = orgtest.Build(t, ctx, tx)
		w.cityOffice = orgtest.Account(t, ctx, tx, "city-office", "", auth.PublicOfficeCity, w.city.City)
		w.hzOffice = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, w.city.Haizhu)
		w.yxOffice = orgtest.Account(t, ctx, tx, "yx-office", "", auth.PublicOfficeDistrict, w.city.Yuexiu)
		w.cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "cg@example.gov.cn", auth.UnitEditor, w.city.Chigang)
		w.cgRev = orgtest.Account(t, ctx, tx, "cg-reviewer", "", auth.UnitReviewer, w.city.Chigang)
		w.xgEd = orgtest.Account(t, ctx, tx, "xg-editor", "xg@example.gov.cn", auth.UnitEditor, w.city.Xingang)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) at(day string) {
	d, _ := calendar.ParseDate(day)
	tm := time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, calendar.China)
	w.d.SetClock(func() time.Time { return tm })
}

func (w *world) try(fn func(ctx context.Context, tx *db.Tx) error) error {
	return w.d.InTx(context.Background(), func(tx *db.Tx) error { return fn(context.Background(), tx) })
}

func (w *world) assign(t *testing.T, a auth.Account, in task.AssignInput) task.Assignment {
	t.Helper()
	var as task.Assignment
	if err := w.try(func(ctx context.Context, tx *db.Tx) (err error) { as, err = task.Assign(ctx, tx, a, in); return }); err != nil {
		t.Fatal(err)
	}
	return as
}

func (w *world) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func fields(err error) string {
	var out []string
	var m errs.Multi
	if errors.As(err, &m) {
		for _, e := range m {
			out = append(out, e.Field)
		}
	} else if e := errs.As(err); e != nil && e.Field != "" {
		out = append(out, e.Field)
	}
	return strings.Join(out, ",")
}

func TestWorkflow(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		// Due left empty: the task's next date for the unit (task 7: every year by 1月5日).
		as := w.assign(t, w.hzOffice, task.AssignInput{TaskNo: 7, UnitCode: "440105-001", Assignee: "cg-editor"})
		if as.Due.String() != "2027-01-05" || as.State != task.Assigned || as.Assignee != "cg-editor" {
			t.Fatalf("assigned %+v", as)
		}
		// A published record of this portal is evidence; a draft is not.
		var pub, draft info.Record
		err := w.try(func(ctx context.Context, tx *db.Tx) (err error) {
			in := info.Input{Title: "赤岗街道文件公开属性评估调整情况", WrittenDate: "2026-08-01", Body: "<p>评估情况。</p>", Genre: "公告"}
			if draft, err = info.Create(ctx, tx, w.cgEd, w.city.Chigang, in); err != nil {
				return err
			}
			if pub, err = info.Create(ctx, tx, w.cgEd, w.city.Chigang, in); err != nil {
				return err
			}
			if pub, err = info.Submit(ctx, tx, w.cgEd, pub); err != nil {
				return err
			}
			if pub, err = info.Approve(ctx, tx, w.cgRev, pub); err != nil {
				return err
			}
			pub, err = info.Publish(ctx, tx, w.cgRev, pub)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		site := "https://gk.example.gov.cn"
		bad := []task.ReportInput{
			{},
			{Note: strings.Repeat("长", task.MaxNote+1)},
			{Links: []string{fmt.Sprintf("/zwgk/info/%d/", draft.ID)}},
			{Links: []string{site + "/admin/tasks"}},
			{Links: []string{"javascript:alert(1)"}},
			{Links: []string{"/zwgk/bzh/nosuchunit/"}},
			{Note: "见附件", Files: []task.File{{Name: "a.exe", Data: []byte("MZ")}}},
		}
		wantField := []string{"note", "note", "links", "links", "links", "links", "file"}
		for i, in := range bad {
			err := w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := task.Report(ctx, tx, w.cgEd, w.files, site, as, in)
				return err
			})
			if errs.KindOf(err) != errs.Invalid || !strings.Contains(fields(err), wantField[i]) {
				t.Errorf("bad report %d: got %v (fields %q), want invalid %s", i, err, fields(err), wantField[i])
			}
		}
		if n := w.count(t, "task_files"); n != 0 {
			t.Errorf("%d files written by refused reports", n)
		}
		if got, _ := task.ByID(ctx, d, as.ID); got.State != task.Assigned {
			t.Errorf("state after refused reports %s", got.State)
		}
		// Others may not report or decide.
		for _, a := range []auth.Account{w.xgEd, w.yxOffice} {
			err := w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := task.Report(ctx, tx, a, w.files, site, as, task.ReportInput{Note: "x"})
				return err
			})
			if errs.KindOf(err) != errs.Forbidden {
				t.Errorf("%s reported: %v", a.Login, err)
			}
		}
		in := task.ReportInput{Note: "已完成评估并公开。", Links: []string{
			fmt.Sprintf("%s/zwgk/info/%d/", site, pub.ID), "/zwgk/bzh/440105-001/", "https://www.gz.gov.cn/x"},
			Files: []task.File{{Name: "评估情况.docx", Data: infotest.DOCX("评估情况")}}}
		err = w.try(func(ctx context.Context, tx *db.Tx) (err error) {
			as, err = task.Report(ctx, tx, w.cgEd, w.files, site, as, in)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		as, _ = task.ByID(ctx, d, as.ID)
		if as.State != task.Reported || len(as.Links) != 3 || len(as.Files) != 1 || as.Files[0].Seq != 1 {
			t.Fatalf("reported %+v", as)
		}
		// Returned without a reason: refused; with one, open again.
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := task.Return(ctx, tx, w.hzOffice, as, " ")
			return err
		}); fields(err) != "reason" {
			t.Errorf("return without reason: %v", err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error { _, err := task.Accept(ctx, tx, w.yxOffice, as); return err }); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("越秀 office accepted 赤岗's report: %v", err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) (err error) {
			as, err = task.Return(ctx, tx, w.hzOffice, as, "缺少公开链接")
			return
		}); err != nil {
			t.Fatal(err)
		}
		if !as.Open() || as.ReturnReason != "缺少公开链接" {
			t.Errorf("returned %+v", as)
		}
		err = w.try(func(ctx context.Context, tx *db.Tx) (err error) {
			as, err = task.Report(ctx, tx, w.cgRev, w.files, site, as, task.ReportInput{Note: "补充", Files: []task.File{{Name: "b.docx", Data: infotest.DOCX("补充")}}})
			return err
		})
		if err != nil || len(as.Files) != 2 || as.Files[1].Seq != 2 {
			t.Fatalf("second report: %v %+v", err, as.Files)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) (err error) {
			as, err = task.Accept(ctx, tx, w.cityOffice, as)
			return
		}); err != nil {
			t.Fatal(err)
		}
		if as.State != task.Accepted {
			t.Errorf("state %s", as.State)
		}
		// Accepted parts are not changed again.
		err = w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := task.Assign(ctx, tx, w.hzOffice, task.AssignInput{TaskNo: 7, UnitCode: "440105-001", Due: "2027-01-01"})
			return err
		})
		if errs.KindOf(err) != errs.Conflict {
			t.Errorf("reassigning an accepted part: %v", err)
		}
	})
}

func TestAssignRefuses(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		for _, c := range []struct {
			a      auth.Account
			in     task.AssignInput
			kind   errs.Kind
			fields string
		}{
			{w.hzOffice, task.AssignInput{TaskNo: 0, UnitCode: "440105-001", Due: "2026-09-30"}, errs.Invalid, "task"},
			{w.hzOffice, task.AssignInput{TaskNo: 41, UnitCode: "", Due: "2026-02-30"}, errs.Invalid, "task,unit,due"},
			{w.hzOffice, task.AssignInput{TaskNo: 1, UnitCode: "440105-001", Assignee: "xg-editor", Due: "2026-09-30"}, errs.Invalid, "assignee"},
			{w.hzOffice, task.AssignInput{TaskNo: 1, UnitCode: "440105-001", Assignee: "nobody", Due: "2026-09-30"}, errs.Invalid, "assignee"},
			{w.hzOffice, task.AssignInput{TaskNo: 33, UnitCode: "440105-001"}, errs.Invalid, "due"}, // 11月1日起: no date to default to
			{w.hzOffice, task.AssignInput{TaskNo: 1, UnitCode: "440104-001", Due: "2026-09-30"}, errs.Forbidden, ""},
			{w.cgEd, task.AssignInput{TaskNo: 1, UnitCode: "440105-001", Due: "2026-09-30"}, errs.Forbidden, ""},
		} {
			err := w.try(func(ctx context.Context, tx *db.Tx) error { _, err := task.Assign(ctx, tx, c.a, c.in); return err })
			if errs.KindOf(err) != c.kind || fields(err) != c.fields {
				t.Errorf("%s %+v: got %v (fields %q), want %v %q", c.a.Login, c.in, err, fields(err), c.kind, c.fields)
			}
		}
		if n := w.count(t, "task_assignments"); n != 0 {
			t.Errorf("%d assignments written by refused input", n)
		}
	})
}

func TestRemindAndBoard(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		w.assign(t, w.hzOffice, task.AssignInput{TaskNo: 1, UnitCode: "440105-001", Due: "2026-08-10"})                        // overdue
		w.assign(t, w.hzOffice, task.AssignInput{TaskNo: 2, UnitCode: "440105-002", Assignee: "xg-editor", Due: "2026-08-22"}) // soon
		w.assign(t, w.hzOffice, task.AssignInput{TaskNo: 3, UnitCode: "440105-002", Due: "2026-12-31"})                        // later
		w.assign(t, w.yxOffice, task.AssignInput{TaskNo: 1, UnitCode: "440104-001", Due: "2026-09-30"})
		today, _ := calendar.ParseDate("2026-08-20")
		// Mail off: recorded without an address, once.
		rs, err := task.Remind(ctx, d, false, "", today)
		if err != nil || len(rs) != 2 || rs[0].Kind != "overdue" || rs[1].Kind != "soon" || rs[0].To != "" {
			t.Fatalf("reminders %v %+v", err, rs)
		}
		if rs, _ := task.Remind(ctx, d, false, "", today); len(rs) != 0 {
			t.Errorf("second run recorded %d again", len(rs))
		}
		// Mail on: each reminder queued on the outbox once, to the person
		// or the unit's staff, with the link to the part.
		rs, err = task.Remind(ctx, d, true, "https://gk", today)
		if err != nil || len(rs) != 2 {
			t.Fatalf("reminders with mail on: %v %+v", err, rs)
		}
		queued := func() []string {
			rows, err := d.Query(ctx, `SELECT recipient, body FROM push_outbox WHERE kind = ? ORDER BY id`, task.KindReminder)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var to, body string
				if err := rows.Scan(&to, &body); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(body, "https://gk/admin/tasks/") {
					t.Errorf("reminder to %s has no link to the part:\n%s", to, body)
				}
				out = append(out, to)
			}
			return out
		}
		if got := queued(); len(got) != 2 || got[0] != "cg@example.gov.cn" || got[1] != "xg@example.gov.cn" {
			t.Fatalf("queued to %v", got)
		}
		if rs, _ := task.Remind(ctx, d, true, "https://gk", today); len(rs) != 0 || len(queued()) != 2 {
			t.Errorf("queued again: %v", queued())
		}
		all, err := task.InScope(ctx, d, w.city.City, 0)
		if err != nil || len(all) != 4 {
			t.Fatalf("city scope: %v %d", err, len(all))
		}
		hz, _ := task.InScope(ctx, d, w.city.Haizhu, 0)
		if len(hz) != 3 {
			t.Errorf("海珠 scope holds %d", len(hz))
		}
		if over := task.OverdueOf(all, today); len(over) != 1 || over[0].TaskNo != 1 || over[0].Unit.Code != "440105-001" {
			t.Errorf("overdue %+v", over)
		}
		by, err := task.ByChild(ctx, d, w.city.City, all, today)
		if err != nil || len(by) != 2 || by[1].Key != "440105" || by[1].Total != 3 || by[1].Overdue != 1 || by[0].Key != "440104" {
			t.Errorf("by district %v %+v", err, by)
		}
		if bt := task.ByTask(all, today); len(bt) != 3 || bt[0].Key != "1" || bt[0].Total != 2 {
			t.Errorf("by task %+v", bt)
		}
	})
}

// An administrator breaks tasks down as an office does, within its
// subtree only.
func TestAdministratorsBreakTasksDown(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		var admin auth.Account
		w.try(func(ctx context.Context, tx *db.Tx) error {
			admin = orgtest.Account(t, ctx, tx, "hz-admin", "", auth.Admin, w.city.Haizhu)
			return nil
		})
		as := w.assign(t, admin, task.AssignInput{TaskNo: 1, UnitCode: "440105-001", Due: "2026-09-30"})
		if as.Unit.Code != "440105-001" || !task.CanAssign(admin, as.Unit) {
			t.Errorf("assignment %+v", as)
		}
		err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := task.Assign(ctx, tx, admin, task.AssignInput{TaskNo: 1, UnitCode: "440104-001", Due: "2026-09-30"})
			return err
		})
		if errs.KindOf(err) != errs.Forbidden {
			t.Errorf("海珠's administrator assigned to 越秀: %v", err)
		}
	})
}
