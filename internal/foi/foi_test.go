package foi_test

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// A valid 居民身份证号码 and 统一社会信用代码 (the standards' own examples).
const (
	residentID = "11010519491231002X"
	uscc       = "91350100M000100Y43"
)

type world struct {
	d                     *db.DB
	cal                   *calendar.Calendar
	hz, cg, yx, bj        org.Unit
	cgEd, cgRev, hzOffice auth.Account
	yxOffice, bjEd        auth.Account
}

// on sets the database clock to 09:00 China time on day.
func (w *world) on(day string) {
	d, err := calendar.ParseDate(day)
	if err != nil {
		panic(err)
	}
	t := time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, calendar.China)
	w.d.SetClock(func() time.Time { return t })
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{d: d, cal: calendar.Default()}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		c := orgtest.Build(t, ctx, tx)
		w.hz, w.yx, w.cg, w.bj = c.Haizhu, c.Yuexiu, c.Chigang, c.Beijing
		w.cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, w.cg)
		w.cgRev = orgtest.Account(t, ctx, tx, "cg-reviewer", "", auth.UnitReviewer, w.cg)
		w.hzOffice = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, w.hz)
		w.yxOffice = orgtest.Account(t, ctx, tx, "yx-office", "", auth.PublicOfficeDistrict, w.yx)
		w.bjEd = orgtest.Account(t, ctx, tx, "bj-editor", "", auth.UnitEditor, w.bj)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func person() foi.Input {
	return foi.Input{UnitCode: "440105-001", Description: "2026年赤岗街道高龄老年人津贴发放名单及标准",
		Medium: "electronic", Delivery: "email",
		Applicant: foi.Applicant{Type: foi.NaturalPerson, Name: "李明", IDType: "resident_id", IDNumber: residentID, Phone: "020-8888 6666", Email: "liming@example.com"}}
}

// tx runs fn in a transaction and fails the test on error.
func (w *world) tx(t *testing.T, fn func(tx *db.Tx) (foi.Application, error)) foi.Application {
	t.Helper()
	var app foi.Application
	err := w.d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		app, err = fn(tx)
		return err
	})
	if err != nil {
		t.Fatalf("%v", err)
	}
	return app
}

// fails runs fn in a transaction that must fail with an error of key.
func (w *world) fails(t *testing.T, key string, fn func(tx *db.Tx) (foi.Application, error)) {
	t.Helper()
	err := w.d.InTx(context.Background(), func(tx *db.Tx) error {
		_, err := fn(tx)
		return err
	})
	if err == nil {
		t.Fatalf("want error %s, got none", key)
	}
	if !hasKey(err, key) {
		t.Fatalf("want error %s, got %v", key, err)
	}
}

func hasKey(err error, key string) bool {
	var m errs.Multi
	if errors.As(err, &m) {
		for _, e := range m {
			if hasKey(e, key) {
				return true
			}
		}
		return false
	}
	e := errs.As(err)
	return e != nil && e.Key == key
}

// register registers an application received at the counter on day.
func (w *world) register(t *testing.T, day string) foi.Application {
	t.Helper()
	w.on(day)
	return w.tx(t, func(tx *db.Tx) (foi.Application, error) {
		app, _, err := foi.Register(context.Background(), tx, w.cgEd, person(), foi.InPerson, day, "")
		return app, err
	})
}

func (w *world) deadline(t *testing.T, app foi.Application) string {
	t.Helper()
	d, ok, err := app.Deadline(w.cal)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return "stopped"
	}
	return d.String()
}

func TestFeeTiers(t *testing.T) {
	for _, c := range []struct {
		mode  string
		count int
		want  int
	}{
		{"item", 0, 0}, {"item", 10, 0}, {"item", 11, 100}, {"item", 30, 2000},
		{"item", 31, 2200}, {"item", 40, 4000}, {"item", 41, 4300}, {"item", 50, 7000}, {"item", 51, 7400},
		{"page", 30, 0}, {"page", 31, 10}, {"page", 100, 700}, {"page", 101, 720},
		{"page", 200, 2700}, {"page", 201, 2740}, {"page", 250, 4700},
	} {
		got, err := foi.FeeFor(c.mode, c.count)
		if err != nil || got != c.want {
			t.Errorf("FeeFor(%s, %d) = %d, %v; want %d", c.mode, c.count, got, err, c.want)
		}
	}
	if _, err := foi.FeeFor("both", 5); err == nil {
		t.Error("an unknown mode must fail")
	}
}

// Dates hand-counted on the 2026 calendar of 国办发明电〔2025〕7号: 春节
// 15–23 February off, 14 and 28 February worked; 中秋 and 国庆 25–27
// September and 1–7 October off, 20 September and 10 October worked.
func TestReplyClock(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)

		// Received on the Friday before 春节: the 20th working day is 12 March.
		app := w.register(t, "2026-02-06")
		if got := w.deadline(t, app); got != "2026-03-12" {
			t.Errorf("deadline = %s, want 2026-03-12", got)
		}
		if app.Status != foi.StatusProcessing || !strings.Contains(app.ReceiptNote, "第三十一条第一项") {
			t.Errorf("status %s, receipt note %q", app.Status, app.ReceiptNote)
		}

		// Received before 中秋/国庆: 22 October; a third-party consultation
		// from 21 September to 13 October takes out the 11 working days
		// after 21 September up to 13 October (incl. 10 October, a
		// Saturday worked), so the deadline moves 11 working days to 6
		// November. The third party's own 15 working days end 19 October.
		app = w.register(t, "2026-09-18")
		if got := w.deadline(t, app); got != "2026-10-22" {
			t.Fatalf("deadline = %s, want 2026-10-22", got)
		}
		w.on("2026-09-21")
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.Consult(ctx, tx, w.cal, w.cgEd, app, foi.ThirdParty, "广州市某某养老服务有限公司", "涉及企业经营信息")
		})
		if app.Status != foi.StatusConsulting || app.Pauses[0].Due != "2026-10-19" {
			t.Fatalf("status %s, pause %+v", app.Status, app.Pauses)
		}
		if got := w.deadline(t, app); got != "stopped" {
			t.Errorf("deadline while consulting = %s", got)
		}
		u, err := app.UrgencyOn(w.cal, mustDate("2026-10-16"))
		if err != nil || u.What != "consultation" || u.Due != "2026-10-19" || u.Left != 1 || !u.Soon() {
			t.Errorf("urgency while consulting = %+v, %v", u, err)
		}
		w.on("2026-10-13")
		w.fails(t, "foi.consult_not_over", func(tx *db.Tx) (foi.Application, error) {
			return foi.EndConsultation(ctx, tx, w.cal, w.cgEd, app, "silent", "", "")
		})
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.EndConsultation(ctx, tx, w.cal, w.cgEd, app, "object", "2026-10-13", "第三方书面回复不同意公开")
		})
		if got := w.deadline(t, app); got != "2026-11-06" {
			t.Errorf("deadline after consultation = %s, want 2026-11-06", got)
		}
		// An answer recorded after the party's 15 working days ends the
		// pause on the last of them.
		cons := w.register(t, "2026-03-02")
		w.on("2026-03-03")
		cons = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.Consult(ctx, tx, w.cal, w.cgEd, cons, foi.Agency, "海珠区民政局", "")
		})
		w.on("2026-06-01")
		cons = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.EndConsultation(ctx, tx, w.cal, w.cgEd, cons, "agree", "2026-06-01", "")
		})
		if cons.Pauses[0].To != cons.Pauses[0].Due || cons.Pauses[0].Due != "2026-03-24" {
			t.Errorf("late answer: pause %+v", cons.Pauses[0])
		}
		steps := app.Steps(w.cal)
		var text []string
		for _, s := range steps {
			text = append(text, s.Date+" "+s.Text)
		}
		all := strings.Join(text, "\n")
		for _, want := range []string{"2026-09-18 收到申请", "2026-09-21 征求第三方意见", "至2026-10-19", "2026-10-13 征求第三方意见：广州市某某养老服务有限公司结束（不同意公开）",
			"中止期间11个工作日不计入期限", "2026-11-06 答复期限：期限届满：第20个工作日（已扣除中止期间的11个工作日）"} {
			if !strings.Contains(all, want) {
				t.Errorf("steps lack %q:\n%s", want, all)
			}
		}

		// One extension only, by the head of disclosure work, at most 20
		// working days, while the period runs: 6 November + 20 = 4 December.
		w.on("2026-11-02")
		w.fails(t, "foi.extension_forbidden", func(tx *db.Tx) (foi.Application, error) {
			return foi.Extend(ctx, tx, w.cal, w.cgEd, app, 20, "", "需要调取档案")
		})
		w.fails(t, "foi.extension_days", func(tx *db.Tx) (foi.Application, error) {
			return foi.Extend(ctx, tx, w.cal, w.cgRev, app, 21, "", "需要调取档案")
		})
		late0 := app
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.Extend(ctx, tx, w.cal, w.cgRev, app, 20, "王主任", "需要调取档案")
		})
		if got := w.deadline(t, app); got != "2026-12-04" {
			t.Errorf("deadline after extension = %s, want 2026-12-04", got)
		}
		w.fails(t, "foi.extension_once", func(tx *db.Tx) (foi.Application, error) {
			return foi.Extend(ctx, tx, w.cal, w.cgRev, app, 5, "", "再延一次")
		})
		// The same step taken again on a stale copy — a second click, a
		// second clerk — changes nothing.
		stale := late0
		w.fails(t, "foi.changed", func(tx *db.Tx) (foi.Application, error) {
			return foi.Extend(ctx, tx, w.cal, w.cgRev, stale, 5, "", "同时延长")
		})

		// A period that has run out can't be extended or paused.
		late := w.register(t, "2026-02-06")
		w.on("2026-03-13")
		w.fails(t, "foi.deadline_passed", func(tx *db.Tx) (foi.Application, error) {
			return foi.Extend(ctx, tx, w.cal, w.cgRev, late, 5, "", "迟了")
		})
		w.fails(t, "foi.deadline_passed", func(tx *db.Tx) (foi.Application, error) {
			return foi.Consult(ctx, tx, w.cal, w.cgEd, late, foi.Agency, "海珠区民政局", "")
		})
		u, err = late.UrgencyOn(w.cal, mustDate("2026-03-13"))
		if err != nil || !u.Overdue() || u.Left != -1 {
			t.Errorf("urgency a day late = %+v, %v", u, err)
		}
	})
}

// In December the next year's holidays may not be loaded: the clock runs
// on as plain weeks, and says so, instead of failing.
func TestClockIntoAYearWithoutHolidays(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		// A calendar that ends with 2026, whatever the embedded data holds.
		y2026, ok := w.cal.Year(2026)
		if !ok {
			t.Fatal("no 2026 in the calendar")
		}
		w.cal = calendar.New(y2026)
		app := w.register(t, "2026-12-15")
		// 16–31 December: 12 working days; then 8 plain weekdays of 2027
		// (1 January counted as one) end on 12 January.
		if got := w.deadline(t, app); got != "2027-01-12" {
			t.Errorf("deadline = %s, want 2027-01-12", got)
		}
		u, err := app.UrgencyOn(w.cal, mustDate("2027-01-11"))
		if err != nil || !u.Assumed || u.Due != "2027-01-12" || u.Left != 1 {
			t.Errorf("urgency = %+v, %v", u, err)
		}
		steps := app.Steps(w.cal)
		if last := steps[len(steps)-1].Text; !strings.Contains(last, "2027年节假日安排尚未载入") {
			t.Errorf("steps do not say the dates are assumed: %q", last)
		}
		// Actions that count into 2027 work too.
		w.on("2026-12-28")
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.Consult(ctx, tx, w.cal, w.cgEd, app, foi.Agency, "海珠区民政局", "")
		})
		if app.Pauses[0].Due != "2027-01-18" {
			t.Errorf("consultation due %s, want 2027-01-18", app.Pauses[0].Due)
		}
	})
}

func mustDate(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestCorrection(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		// Received 6 February: the 7th working day after it is 24
		// February (14 February worked, 15–23 off).
		app := w.register(t, "2026-02-06")
		w.on("2026-02-25")
		w.fails(t, "foi.correction_late", func(tx *db.Tx) (foi.Application, error) {
			return foi.RequestCorrection(ctx, tx, w.cal, w.cgEd, app, 10, "请说明所需信息的年份")
		})
		w.on("2026-02-24")
		w.fails(t, "foi.required", func(tx *db.Tx) (foi.Application, error) {
			return foi.RequestCorrection(ctx, tx, w.cal, w.cgEd, app, 10, "  ")
		})
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.RequestCorrection(ctx, tx, w.cal, w.cgEd, app, 10, "请说明所需信息的年份")
		})
		if app.Status != foi.StatusCorrection || app.Correction.Due != "2026-03-09" {
			t.Fatalf("status %s, correction %+v", app.Status, app.Correction)
		}
		if got := w.deadline(t, app); got != "stopped" {
			t.Errorf("deadline while waiting for the correction = %s", got)
		}
		w.fails(t, "foi.wrong_status", func(tx *db.Tx) (foi.Application, error) {
			return foi.RequestCorrection(ctx, tx, w.cal, w.cgEd, app, 10, "再补一次")
		})
		// The corrected application arrives 2 March: 20 working days from
		// then is 30 March.
		w.on("2026-03-02")
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.Correct(ctx, tx, "applicant", app, "需要2025年度的发放名单", "")
		})
		if app.ClockStart != "2026-03-02" || w.deadline(t, app) != "2026-03-30" {
			t.Errorf("clock start %s, deadline %s; want 2026-03-02, 2026-03-30", app.ClockStart, w.deadline(t, app))
		}
		if !strings.Contains(app.Description, "【补正 2026-03-02】需要2025年度的发放名单") {
			t.Errorf("description = %q", app.Description)
		}
		// A second correction is refused: one notice only.
		w.fails(t, "foi.correction_once", func(tx *db.Tx) (foi.Application, error) {
			return foi.RequestCorrection(ctx, tx, w.cal, w.cgEd, app, 10, "再补一次")
		})

		// Not corrected in time: abandoned the day after the period ends.
		other := w.register(t, "2026-03-02")
		w.on("2026-03-03")
		other = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.RequestCorrection(ctx, tx, w.cal, w.cgEd, other, 5, "请提供身份证明")
		})
		sweep := func(day string) int {
			var n int
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				n, err = foi.Sweep(ctx, tx, mustDate(day))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if other.Correction.Due != "2026-03-10" || sweep("2026-03-10") != 0 {
			t.Fatalf("due %s; nothing may close on the last day", other.Correction.Due)
		}
		if n := sweep("2026-03-11"); n != 1 {
			t.Fatalf("sweep closed %d, want 1", n)
		}
		got, err := foi.ByID(ctx, d, other.ID, w.cgEd)
		if err != nil || got.Result != foi.OtherNoCorrection || got.Status != foi.StatusReplied || got.ResultDate != "2026-03-11" {
			t.Errorf("abandoned application = %s %s %s, %v", got.Status, got.Result, got.ResultDate, err)
		}
		// A correction that arrived by post on the last day but was entered
		// after the sweep opens the application again; one that arrived
		// later cannot.
		w.on("2026-03-12")
		w.fails(t, "foi.arrived_late", func(tx *db.Tx) (foi.Application, error) {
			return foi.CorrectByClerk(ctx, tx, w.cgEd, got, "请提供2025年的材料", "2026-03-11")
		})
		w.fails(t, "foi.wrong_status", func(tx *db.Tx) (foi.Application, error) {
			return foi.Correct(ctx, tx, "applicant", got, "请提供2025年的材料", "")
		})
		got = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.CorrectByClerk(ctx, tx, w.cgEd, got, "请提供2025年的材料", "2026-03-10")
		})
		if got.Status != foi.StatusProcessing || got.Result != "" || got.ClockStart != "2026-03-10" {
			t.Errorf("reopened: %s %q %s", got.Status, got.Result, got.ClockStart)
		}
	})
}

func TestFeeNotice(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		app := w.register(t, "2026-03-02")
		w.on("2026-03-04")
		w.fails(t, "foi.fee_free", func(tx *db.Tx) (foi.Application, error) {
			return foi.NoticeFee(ctx, tx, w.cal, w.cgEd, app, "page", 30)
		})
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.NoticeFee(ctx, tx, w.cal, w.cgEd, app, "page", 101)
		})
		// 70 pages at 10 yuan and one at 20; 20 working days to pay.
		if app.Fee.Amount != 720 || app.Status != foi.StatusFee || app.Pauses[0].Due != "2026-04-01" {
			t.Fatalf("fee %+v, status %s, pauses %+v", app.Fee, app.Status, app.Pauses)
		}
		w.on("2026-03-11")
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.FeeSettled(ctx, tx, w.cgEd, app, "paid", "2026-03-09")
		})
		// 20 working days from 2 March end 30 March; the 3 working days of
		// 5 to 9 March the notice stood do not count: 2 April.
		if got := w.deadline(t, app); got != "2026-04-02" {
			t.Errorf("deadline after payment = %s, want 2026-04-02", got)
		}
		w.fails(t, "foi.fee_once", func(tx *db.Tx) (foi.Application, error) {
			return foi.NoticeFee(ctx, tx, w.cal, w.cgEd, app, "page", 200)
		})

		// By item, the applicant's earlier applications in the month count:
		// this is the 12th in March, so it costs 100 yuan.
		var last foi.Application
		for i := 0; i < 11; i++ {
			last = w.register(t, "2026-03-12")
		}
		w.on("2026-03-13")
		q, err := foi.QuoteFee(ctx, d, last, "item", 1)
		if err != nil || q.Prior != 11 || q.Amount != 100 {
			t.Errorf("quote = %+v, %v; want 11 prior, 100 yuan", q, err)
		}
		// Items, not applications: a notice for 15 items on the 11th
		// application makes the 12th the 26th item.
		var eleventh foi.Application
		if ls, _, err := foi.List(ctx, d, w.cal, foi.Filter{Scope: w.cg, Q: "YSQ20260312"}, mustDate("2026-03-13")); err == nil && len(ls) == 11 {
			eleventh = ls[1].Application // newest first: the one before last
		}
		w.on("2026-03-13")
		eleventh = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.NoticeFee(ctx, tx, w.cal, w.cgEd, eleventh, "item", 15)
		})
		w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.FeeSettled(ctx, tx, w.cgEd, eleventh, "waived", "")
		})
		q, err = foi.QuoteFee(ctx, d, last, "item", 1)
		if err != nil || q.Prior != 25 || q.Amount != 100 {
			t.Errorf("quote after 15 items = %+v, %v; want 25 prior", q, err)
		}

		// Unpaid: abandoned after the 20 working days.
		unpaid := w.register(t, "2026-03-16")
		unpaid = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.NoticeFee(ctx, tx, w.cal, w.cgEd, unpaid, "page", 40)
		})
		err = d.InTx(ctx, func(tx *db.Tx) error {
			n, err := foi.Sweep(ctx, tx, mustDate("2026-04-15"))
			if n != 1 {
				t.Errorf("sweep closed %d, want 1 (fee due %s)", n, unpaid.Pauses[0].Due)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := foi.ByID(ctx, d, unpaid.ID, w.cgEd)
		if got.Result != foi.OtherNoFee || got.Pauses[0].Outcome != "unpaid" {
			t.Errorf("unpaid application: %s, %+v", got.Result, got.Pauses)
		}
	})
}

func TestApplyReplyAppealAndScope(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.on("2026-11-20")
		var code string
		app := w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			app, c, err := foi.Apply(ctx, tx, person())
			code = c
			return app, err
		})
		if app.Status != foi.StatusPending || !regexp.MustCompile(`^YSQ20261120[2-9A-HJ-NP-Z]{6}$`).MatchString(app.TrackingNo) || len(code) != 8 {
			t.Fatalf("application %s %s, code %q", app.Status, app.TrackingNo, code)
		}
		// The applicant finds it with the code only; a wrong code and a
		// wrong number give the same answer.
		if got, err := foi.ByTracking(ctx, d, strings.ToLower(app.TrackingNo), strings.ToLower(code)); err != nil || got.ID != app.ID {
			t.Errorf("by tracking: %v", err)
		}
		for _, c := range [][2]string{{app.TrackingNo, "AAAAAAAA"}, {"YSQ2026112099999", code}, {app.TrackingNo, ""}, {"' OR 1=1 --", "x"}} {
			if _, err := foi.ByTracking(ctx, d, c[0], c[1]); !hasKey(err, "foi.query_failed") {
				t.Errorf("ByTracking(%q, %q) = %v", c[0], c[1], err)
			}
		}
		// Scope: another district neither sees nor handles it.
		if _, err := foi.ByID(ctx, d, app.ID, w.yxOffice); errs.KindOf(err) != errs.NotFound {
			t.Errorf("other district reads: %v", err)
		}
		w.fails(t, "error.forbidden", func(tx *db.Tx) (foi.Application, error) {
			return foi.ConfirmReceipt(ctx, tx, w.bjEd, app, "")
		})
		w.fails(t, "error.forbidden", func(tx *db.Tx) (foi.Application, error) {
			in := person()
			a, _, err := foi.Register(ctx, tx, w.bjEd, in, foi.InPerson, "2026-11-20", "")
			return a, err
		})
		// The scope is checked on the code as stored: a control character
		// does not smuggle an application into another district.
		w.fails(t, "error.forbidden", func(tx *db.Tx) (foi.Application, error) {
			in := person()
			in.UnitCode = w.bj.Code + "\x7f"
			a, _, err := foi.Register(ctx, tx, w.cgEd, in, foi.InPerson, "2026-11-20", "")
			return a, err
		})
		w.fails(t, "foi.date_too_old", func(tx *db.Tx) (foi.Application, error) {
			a, _, err := foi.Register(ctx, tx, w.cgEd, person(), foi.InPerson, "2016-11-20", "")
			return a, err
		})
		ls, total, err := foi.List(ctx, d, w.cal, foi.Filter{Scope: w.yx}, mustDate("2026-11-20"))
		if err != nil || total != 0 || len(ls) != 0 {
			t.Errorf("other district lists %d, %v", total, err)
		}
		ls, total, err = foi.List(ctx, d, w.cal, foi.Filter{Scope: w.hz, Status: "open"}, mustDate("2026-11-20"))
		if err != nil || total != 1 || ls[0].Urgency.What != "receipt" || ls[0].Urgency.Due != "2026-11-23" {
			t.Errorf("district lists %d %+v, %v", total, ls, err)
		}

		// Receipt confirmed the next working day starts the clock.
		w.on("2026-11-23")
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) { return foi.ConfirmReceipt(ctx, tx, w.cgEd, app, "") })
		if app.ReceivedDate != "2026-11-23" || app.Handler != "cg-editor" || w.deadline(t, app) != "2026-12-21" {
			t.Errorf("confirmed: %s handler %s deadline %s", app.ReceivedDate, app.Handler, w.deadline(t, app))
		}
		w.fails(t, "foi.result_invalid", func(tx *db.Tx) (foi.Application, error) {
			return foi.Answer(ctx, tx, w.cgEd, app, foi.Reply{Result: foi.OtherNoFee, Text: "x"})
		})
		w.fails(t, "foi.date_future", func(tx *db.Tx) (foi.Application, error) {
			return foi.Answer(ctx, tx, w.cgEd, app, foi.Reply{Result: foi.Granted, Text: "见附件", Date: "2026-11-30"})
		})
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.Answer(ctx, tx, w.cgEd, app, foi.Reply{Result: foi.Granted, Text: "发放名单见附件"})
		})
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.Deliver(ctx, tx, w.cgEd, app, "", "电子邮件发送至liming@example.com")
		})
		if app.Status != foi.StatusDelivered || app.DeliveredDate != "2026-11-23" {
			t.Errorf("delivered: %s %s", app.Status, app.DeliveredDate)
		}
		w.fails(t, "foi.required", func(tx *db.Tx) (foi.Application, error) {
			return foi.AddAppeal(ctx, tx, w.cgEd, app, foi.Review, "2026-11-23", foi.Maintained, "", "")
		})
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.AddAppeal(ctx, tx, w.cgEd, app, foi.Review, "2026-11-23", foi.Pending, "", "申请人申请复议")
		})
		app = w.tx(t, func(tx *db.Tx) (foi.Application, error) {
			return foi.DecideAppeal(ctx, tx, w.hzOffice, app, app.Appeals[0].ID, foi.Maintained, "2026-11-23", "")
		})
		if len(app.Appeals) != 1 || app.Appeals[0].Outcome != foi.Maintained || app.Appeals[0].Note != "申请人申请复议" {
			t.Errorf("appeals: %+v", app.Appeals)
		}
		kinds := []string{}
		for _, e := range app.Events {
			kinds = append(kinds, e.Kind)
		}
		if got := strings.Join(kinds, ","); got != "submitted,confirmed,replied,delivered,appeal_review,appeal_decided" {
			t.Errorf("events = %s", got)
		}
	})
}

// Hostile input is refused field by field, or kept as plain text.
func TestHostileInput(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.on("2026-11-20")
		long := strings.Repeat("长", 3000)
		cases := []struct {
			name  string
			edit  func(in *foi.Input)
			field string
		}{
			{"unknown unit", func(in *foi.Input) { in.UnitCode = "'; DROP TABLE units; --" }, "unit"},
			{"no unit", func(in *foi.Input) { in.UnitCode = "" }, "unit"},
			{"applicant type", func(in *foi.Input) { in.Applicant.Type = "robot" }, "applicant_type"},
			{"empty name", func(in *foi.Input) { in.Applicant.Name = " \t " }, "name"},
			{"long name", func(in *foi.Input) { in.Applicant.Name = long }, "name"},
			{"bad id check digit", func(in *foi.Input) { in.Applicant.IDNumber = "110105194912310021" }, "id_number"},
			{"id with letters", func(in *foi.Input) { in.Applicant.IDNumber = "<script>alert(1)</script>" }, "id_number"},
			{"organization without USCC", func(in *foi.Input) { in.Applicant.Type = foi.CommercialEnterprise }, "id_type"},
			{"bad USCC", func(in *foi.Input) {
				in.Applicant.Type, in.Applicant.IDType, in.Applicant.IDNumber = foi.LegalServiceOrg, foi.USCC, "91350100M000100Y44"
				in.Applicant.LegalRep, in.Applicant.Contact = "张律师", "李助理"
			}, "id_number"},
			{"organization without representative", func(in *foi.Input) {
				in.Applicant.Type, in.Applicant.IDType, in.Applicant.IDNumber = foi.ResearchInstitution, foi.USCC, uscc
			}, "legal_rep"},
			{"phone", func(in *foi.Input) { in.Applicant.Phone = "call me maybe" }, "phone"},
			{"email", func(in *foi.Input) { in.Applicant.Email = "a@b@c" }, "email"},
			{"email needed", func(in *foi.Input) { in.Applicant.Email = "" }, "email"},
			{"postcode", func(in *foi.Input) { in.Applicant.Postcode = "51O000" }, "postcode"},
			{"address for post", func(in *foi.Input) { in.Delivery = "post" }, "address"},
			{"short description", func(in *foi.Input) { in.Description = "名单" }, "description"},
			{"long description", func(in *foi.Input) { in.Description = long }, "description"},
			{"medium", func(in *foi.Input) { in.Medium = "carrier pigeon" }, "medium"},
			{"delivery", func(in *foi.Input) { in.Delivery = "telepathy" }, "delivery"},
		}
		for _, c := range cases {
			in := person()
			c.edit(&in)
			err := d.InTx(ctx, func(tx *db.Tx) error { _, _, err := foi.Apply(ctx, tx, in); return err })
			if !hasField(err, c.field) {
				t.Errorf("%s: want an error on %s, got %v", c.name, c.field, err)
			}
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM foi_applications`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d applications stored after refusals (%v)", n, err)
		}
		// Markup and SQL are text; control characters go.
		in := person()
		in.Description = "<b>名单</b>' OR '1'='1\x00\x07 2026年"
		in.Applicant.Name = "李\u0000明"
		app := w.tx(t, func(tx *db.Tx) (foi.Application, error) { a, _, err := foi.Apply(ctx, tx, in); return a, err })
		if app.Description != "<b>名单</b>' OR '1'='1 2026年" || app.Applicant.Name != "李明" {
			t.Errorf("stored %q, %q", app.Description, app.Applicant.Name)
		}
	})
}

func hasField(err error, field string) bool {
	var m errs.Multi
	if errors.As(err, &m) {
		for _, e := range m {
			if hasField(e, field) {
				return true
			}
		}
		return false
	}
	e := errs.As(err)
	return e != nil && e.Field == field
}

// TestTrackingNumbers: numbers keep the date and cannot be guessed from
// each other; anything else is not even looked up.
func TestTrackingNumbers(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.on("2026-11-20")
		seen := map[string]bool{}
		for i := 0; i < 20; i++ {
			app := w.tx(t, func(tx *db.Tx) (foi.Application, error) {
				app, _, err := foi.Apply(ctx, tx, person())
				return app, err
			})
			if !regexp.MustCompile(`^YSQ20261120[2-9A-HJ-NP-Z]{6}$`).MatchString(app.TrackingNo) || !foi.WellFormedNo(app.TrackingNo) || seen[app.TrackingNo[11:]] {
				t.Errorf("number %d: %s (seen before: %v)", i, app.TrackingNo, seen[app.TrackingNo[11:]])
			}
			seen[app.TrackingNo[11:]] = true
		}
		for _, bad := range []string{"", "YSQ2026112", "YSQ20261120ABCDE1", "ysq20261120ABCDEF", "YSQ20261120ABCDEFG", strings.Repeat("9", 5<<20)} {
			if foi.WellFormedNo(bad) {
				t.Errorf("WellFormedNo(%.30q) = true", bad)
			}
		}
		if !foi.WellFormedNo("YSQ2025093000012") {
			t.Error("a number of the old form (serial) is refused")
		}
	})
}
