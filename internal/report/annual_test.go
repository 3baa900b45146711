package report_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
	"gongkai/internal/report"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// world is 广州市 with two districts: 海珠区 with the streets 赤岗 and 新港,
// 越秀区 with 北京街道; accounts of 赤岗 and of the two district offices.
type world struct {
	d                    *db.DB
	city, hz, cg, xg, bj org.Unit
	community            org.Unit
	cgEditor, cgReviewer auth.Account
	hzOffice, yxOffice   auth.Account
	seq                  int
}

// at is a moment in China time.
func at(day, clock string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, calendar.China)
	if err != nil {
		panic(err)
	}
	return t
}

// newWorld builds the world; its clock stands at 10 February 2026.
func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{d: d}
	d.SetClock(func() time.Time { return at("2026-02-10", "10:00") })
	err := d.InTx(ctx, func(tx *db.Tx) error {
		c := orgtest.Build(t, ctx, tx)
		w.city, w.hz, w.cg, w.xg, w.bj, w.community = c.City, c.Haizhu, c.Chigang, c.Xingang, c.Beijing, c.Community
		w.cgEditor = orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, w.cg)
		w.cgReviewer = orgtest.Account(t, ctx, tx, "cg-reviewer", "", auth.UnitReviewer, w.cg)
		w.hzOffice = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, w.hz)
		w.yxOffice = orgtest.Account(t, ctx, tx, "yx-office", "", auth.PublicOfficeDistrict, c.Yuexiu)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// tx runs fn in a transaction and fails the test on error.
func (w *world) tx(t *testing.T, fn func(ctx context.Context, tx *db.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := w.d.InTx(ctx, func(tx *db.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// application stores an application as foi leaves it: received on a day
// (empty while pending, submitted at the given moment), answered with a
// result on a day (empty while open).
func (w *world) application(t *testing.T, u org.Unit, typ string, submitted time.Time, received, result, answered string) int64 {
	t.Helper()
	w.seq++
	status := foi.StatusProcessing
	switch {
	case received == "":
		status = foi.StatusPending
	case answered != "":
		status = foi.StatusReplied
	}
	var id int64
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO foi_applications (tracking_no, unit_id, applicant_type, applicant_name, description, channel, submitted_at,
			received_date, clock_start, status, result, result_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			fmt.Sprintf("T%05d", w.seq), u.ID, typ, "申请人", "申请公开某项政府信息", foi.InPerson, submitted.UTC(), received, received, status, result, answered,
			submitted.UTC(), submitted.UTC()).Scan(&id)
	})
	return id
}

// appeal stores an appeal against application id's reply.
func (w *world) appeal(t *testing.T, id int64, kind, filed, outcome, decided string) {
	t.Helper()
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO foi_appeals (application_id, kind, filed_date, outcome, decided_date, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, kind, filed, outcome, decided, "test", tx.Now())
		return err
	})
}

// applications loads 赤岗's applications and appeals of 2024 and 2025,
// with one application to 新港 and one to 海珠区 that 赤岗's report must
// leave out. Applications come through foi where its workflow reaches
// them, and are stored as foi leaves them otherwise.
func (w *world) applications(t *testing.T) {
	t.Helper()
	day := func(s string) time.Time { return at(s, "09:00") }
	np, ce, ri, sw, ls, oth := foi.NaturalPerson, foi.CommercialEnterprise, foi.ResearchInstitution, foi.SocialWelfareOrg, foi.LegalServiceOrg, foi.OtherOrg
	a1 := w.application(t, w.cg, np, day("2024-11-05"), "2024-11-05", foi.Granted, "2024-11-20")
	w.appeal(t, a1, foi.Review, "2024-12-30", foi.Maintained, "2025-01-10") // decided after 2024: pending in 2024
	w.application(t, w.cg, np, day("2024-12-20"), "2024-12-20", foi.Partial, "2025-01-08")
	w.application(t, w.cg, ce, day("2024-12-28"), "2024-12-28", "", "")
	a5 := w.application(t, w.cg, ri, day("2025-06-01"), "2025-06-01", foi.DeniedStateSecret, "2025-06-20")
	w.appeal(t, a5, foi.SuitDirect, "2025-07-01", foi.Corrected, "2026-01-15") // decided after 2025: pending
	w.application(t, w.cg, sw, day("2025-07-01"), "2025-07-01", foi.UnableNotHeld, "2025-07-10")
	a7 := w.application(t, w.cg, ls, day("2025-08-01"), "2025-08-01", foi.NotProcessedRepeat, "2025-08-05")
	w.appeal(t, a7, foi.SuitAfterReview, "2025-09-01", foi.OtherOut, "2025-10-01")
	w.application(t, w.cg, oth, day("2025-09-01"), "2025-09-01", foi.OtherNoCorrection, "2025-10-20")
	w.application(t, w.cg, np, day("2025-12-15"), "2025-12-15", foi.Granted, "2026-01-05")
	// Pending online applications count by the day they were submitted in
	// China: the last minutes of 2025, the first of 2026.
	w.application(t, w.cg, np, at("2025-12-31", "23:30"), "", "", "")
	w.application(t, w.cg, np, at("2026-01-01", "00:30"), "", "", "")
	w.application(t, w.xg, np, day("2025-05-05"), "2025-05-05", foi.Granted, "2025-05-10")
	w.application(t, w.hz, np, day("2025-05-05"), "2025-05-05", foi.Granted, "2025-05-10")

	// An application registered at the counter and answered in 2025,
	// reviewed and upheld, through foi itself.
	w.d.SetClock(func() time.Time { return at("2025-06-30", "10:00") })
	defer w.d.SetClock(func() time.Time { return at("2026-02-10", "10:00") })
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		in := foi.Input{UnitCode: w.cg.Code, Description: "申请公开2024年度辖区养老服务补贴发放情况", Medium: "paper", Delivery: "pickup",
			Applicant: foi.Applicant{Type: np, Name: "张三", IDType: "resident_id", IDNumber: "11010519491231002X", Phone: "020-83000000"}}
		app, _, err := foi.Register(ctx, tx, w.cgEditor, in, foi.InPerson, "2025-03-03", "")
		if err != nil {
			return err
		}
		if app, err = foi.Answer(ctx, tx, w.cgEditor, app, foi.Reply{Result: foi.Granted, Date: "2025-03-20", Text: "予以公开，见附件。"}); err != nil {
			return err
		}
		_, err = foi.AddAppeal(ctx, tx, w.cgEditor, app, foi.Review, "2025-04-01", foi.Maintained, "2025-05-20", "")
		return err
	})
}

// documents publishes 赤岗's rules and normative documents, with a draft,
// another unit's rule and a notice that table 2 leaves out.
func (w *world) documents(t *testing.T) {
	t.Helper()
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		rec := func(u org.Unit, idx, genre, written, validity, ended string) info.Record {
			return info.Record{Unit: u, IndexNo: idx, Title: genre + idx, Genre: genre, WrittenDate: written, FormedDate: written,
				Validity: validity, ValidityDate: ended, PublishedAt: at(written, "12:00"), Body: "<p>正文</p>", BodyText: "正文"}
		}
		recs := []info.Record{
			rec(w.cg, "r1", "规章", "2025-03-01", info.Valid, ""),
			rec(w.cg, "r2", "规范性文件", "2023-05-01", info.Repealed, "2025-06-30"),
			rec(w.cg, "r3", "行政规范性文件", "2025-02-01", info.Valid, ""),
			rec(w.cg, "r4", "行政规范性文件", "2022-01-01", info.Expired, "2026-03-01"),
			rec(w.cg, "r5", "规范性文件", "2021-01-01", info.Repealed, ""),
			rec(w.xg, "r7", "规章", "2025-04-01", info.Valid, ""),
			rec(w.cg, "r8", "通知", "2025-04-01", info.Valid, ""),
		}
		if err := info.LoadPublished(ctx, tx, "test", recs); err != nil {
			return err
		}
		_, err := info.Create(ctx, tx, w.cgEditor, w.cg, info.Input{Title: "草稿中的规章", Genre: "规章", WrittenDate: "2025-04-01"})
		return err
	})
}

func annual(t *testing.T, w *world, u org.Unit, year int) report.Report {
	t.Helper()
	r, err := report.Annual(context.Background(), w.d, u, year)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// rows returns the non-zero rows of table 3 by key.
func rows(r report.Report) map[string][]int {
	out := map[string][]int{}
	for _, row := range r.Table3.Rows {
		if slices.ContainsFunc(row.Values, func(v int) bool { return v != 0 }) {
			out[row.Key] = row.Values
		}
	}
	return out
}

func TestAnnualTables(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		w.applications(t)
		w.documents(t)

		r := annual(t, w, w.cg, 2025)
		// Columns: natural person, enterprise, research, welfare, legal
		// service, other, total.
		want := map[string][]int{
			report.NewReceived:     {3, 0, 1, 1, 1, 1, 7},
			report.CarriedOver:     {1, 1, 0, 0, 0, 0, 2},
			foi.Granted:            {1, 0, 0, 0, 0, 0, 1},
			foi.Partial:            {1, 0, 0, 0, 0, 0, 1},
			foi.DeniedStateSecret:  {0, 0, 1, 0, 0, 0, 1},
			foi.UnableNotHeld:      {0, 0, 0, 1, 0, 0, 1},
			foi.NotProcessedRepeat: {0, 0, 0, 0, 1, 0, 1},
			foi.OtherNoCorrection:  {0, 0, 0, 0, 0, 1, 1},
			report.TotalProcessed:  {2, 0, 1, 1, 1, 1, 6},
			report.CarriedForward:  {2, 1, 0, 0, 0, 0, 3},
		}
		if diff := gocmp.Diff(want, rows(r)); diff != "" {
			t.Errorf("table 3 of 2025 (-want +got):\n%s", diff)
		}
		if f := r.Check(); len(f) != 0 {
			t.Errorf("2025 fails the check in %v", f)
		}
		wantT4 := report.Table4{Columns: report.Table4Columns, Review: []int{1, 0, 0, 0, 1}, SuitDirect: []int{0, 0, 0, 1, 1}, SuitAfterReview: []int{0, 0, 1, 0, 1}}
		if diff := gocmp.Diff(wantT4, r.Table4); diff != "" {
			t.Errorf("table 4 of 2025 (-want +got):\n%s", diff)
		}
		wantT2 := report.Table2{Regulations: report.Documents{Made: 1, InForce: 1}, Normative: report.Documents{Made: 1, Repealed: 1, InForce: 2}}
		if diff := gocmp.Diff(wantT2, r.Table2); diff != "" {
			t.Errorf("table 2 of 2025 (-want +got):\n%s", diff)
		}

		r = annual(t, w, w.cg, 2024)
		want = map[string][]int{
			report.NewReceived:    {2, 1, 0, 0, 0, 0, 3},
			foi.Granted:           {1, 0, 0, 0, 0, 0, 1},
			report.TotalProcessed: {1, 0, 0, 0, 0, 0, 1},
			report.CarriedForward: {1, 1, 0, 0, 0, 0, 2},
		}
		if diff := gocmp.Diff(want, rows(r)); diff != "" {
			t.Errorf("table 3 of 2024 (-want +got):\n%s", diff)
		}
		if got := r.Table4.Review; !slices.Equal(got, []int{0, 0, 0, 1, 1}) {
			t.Errorf("2024 review decided in 2025: %v, want pending", got)
		}
		if got := r.Table2.Normative; got != (report.Documents{InForce: 2}) {
			t.Errorf("normative documents of 2024: %+v", got)
		}
		// The district's report counts only its own applications.
		if got := annual(t, w, w.hz, 2025).Table3.Row(report.NewReceived); !slices.Equal(got, report.Counts{1, 0, 0, 0, 0, 0, 1}) {
			t.Errorf("海珠区 2025 new: %v", got)
		}
		if _, err := report.Annual(context.Background(), d, w.community, 2025); errs.KindOf(err) != errs.Invalid {
			t.Errorf("a community's report: %v", err)
		}
	})
}

func TestSaveInputs(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		save := func(a auth.Account, u org.Unit, year int, in report.Input) error {
			return d.InTx(ctx, func(tx *db.Tx) error { return report.SaveInputs(ctx, tx, a, u, year, in) })
		}
		good := report.Input{Texts: report.Texts{Overview: "  总体情况第一段。\r\n第二段\x00。 ", Problems: "问题", Other: "无"},
			Licensing: "12", Penalty: "", Enforcement: "0", Fees: "003.5000"}
		if err := save(w.cgEditor, w.cg, 2025, good); err != nil {
			t.Fatal(err)
		}
		r := annual(t, w, w.cg, 2025)
		if r.Texts.Overview != "总体情况第一段。\n第二段。" || r.Table2.Figures != (report.Figures{Licensing: 12, Fees: "3.5000"}) || r.Status.UpdatedBy != "cg-editor" {
			t.Errorf("saved %q %+v %+v", r.Texts.Overview, r.Table2.Figures, r.Status)
		}
		// Every bad field is named at once, and nothing is saved.
		bad := report.Input{Texts: report.Texts{Overview: strings.Repeat("字", report.MaxText+1), Appeals: strings.Repeat("字", report.MaxComment+1)},
			Licensing: "-1", Penalty: "1.5", Enforcement: "9999999999", Fees: "1.23456"}
		err := save(w.cgEditor, w.cg, 2025, bad)
		var fields []string
		if m, ok := err.(errs.Multi); ok {
			for _, e := range m {
				fields = append(fields, e.Field)
			}
		}
		if want := []string{"overview", "appeals", "licensing", "penalty", "enforcement", "fees"}; !slices.Equal(fields, want) {
			t.Errorf("bad input: fields %v (%v)", fields, err)
		}
		if got := annual(t, w, w.cg, 2025).Table2.Licensing; got != 12 {
			t.Errorf("a refused input changed the figures: %d", got)
		}
		for _, c := range []struct {
			name string
			a    auth.Account
			u    org.Unit
			year int
			kind errs.Kind
		}{
			{"editor of another street", w.cgEditor, w.xg, 2025, errs.Forbidden},
			{"office of another district", w.yxOffice, w.cg, 2025, errs.Forbidden},
			{"a community", w.hzOffice, w.community, 2025, errs.Forbidden},
			{"a future year", w.hzOffice, w.cg, 2027, errs.Invalid},
			{"before the 条例", w.hzOffice, w.cg, 2007, errs.Invalid},
		} {
			if err := save(c.a, c.u, c.year, good); errs.KindOf(err) != c.kind {
				t.Errorf("%s: %v, want %v", c.name, err, c.kind)
			}
		}
		if err := save(w.hzOffice, w.xg, 2026, good); err != nil {
			t.Errorf("the district office drafts this year's report of its street: %v", err)
		}
	})
}

func TestPublish(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		w.applications(t)
		ctx := context.Background()
		texts := report.Input{Texts: report.Texts{Overview: "总体情况。", Problems: "存在的问题。", Other: "无。"}}
		publish := func(a auth.Account, year int) (report.Report, error) {
			var r report.Report
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				r, err = report.Publish(ctx, tx, a, w.cg, year)
				return err
			})
			return r, err
		}
		// A report without its texts is refused, naming them.
		_, err := publish(w.cgReviewer, 2024)
		if msg := i18n.Error(i18n.Zh, err); errs.KindOf(err) != errs.Invalid || !strings.Contains(msg, "一、总体情况") || !strings.Contains(msg, "六、其他需要报告的事项") {
			t.Errorf("publish without texts: %v", msg)
		}
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			if err := report.SaveInputs(ctx, tx, w.cgEditor, w.cg, 2024, texts); err != nil {
				return err
			}
			return report.SaveInputs(ctx, tx, w.cgEditor, w.cg, 2025, texts)
		})
		if _, err := publish(w.cgEditor, 2024); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("an editor published: %v", err)
		}
		if _, err := publish(w.yxOffice, 2024); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("another district's office published: %v", err)
		}
		for _, year := range []int{2026, 2027} {
			if _, err := publish(w.cgReviewer, year); errs.KindOf(err) != errs.Invalid {
				t.Errorf("published %d: %v", year, err)
			}
		}
		if _, err := publish(w.cgReviewer, 2024); err != nil {
			t.Fatal(err)
		}
		// An application received in 2024 is registered late, after the
		// 2024 report was published: 2025 carries over what 2024 carried
		// forward, and no longer balances.
		w.application(t, w.cg, foi.NaturalPerson, at("2024-12-25", "09:00"), "2024-12-25", foi.Granted, "2025-01-06")
		r := annual(t, w, w.cg, 2025)
		if f := r.Check(); !slices.Equal(f, []string{foi.NaturalPerson, "total"}) {
			t.Errorf("2025 check fails in %v", f)
		}
		_, err = publish(w.cgReviewer, 2025)
		for lang, want := range map[i18n.Lang][]string{i18n.Zh: {"“自然人”", "“总计”"}, i18n.En: {"“Natural persons”", "“Total”"}} {
			msg := i18n.Error(lang, err)
			for _, s := range want {
				if !strings.Contains(msg, s) {
					t.Errorf("%s: the refusal %q does not name %s", lang, msg, s)
				}
			}
		}
		// Publishing 2024 again carries the late application forward.
		first := annual(t, w, w.cg, 2024).Status.RecordID
		if _, err := publish(w.hzOffice, 2024); err != nil {
			t.Fatal(err)
		}
		if _, err := publish(w.cgReviewer, 2025); err != nil {
			t.Fatalf("2025 after 2024 was published again: %v", i18n.Error(i18n.En, err))
		}
		r, err = publish(w.cgReviewer, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Table3.Row(report.CarriedOver); !slices.Equal(got, report.Counts{2, 1, 0, 0, 0, 0, 3}) {
			t.Errorf("2025 carried over %v", got)
		}
		// One published record per year in the unit's 年报 column.
		recs, err := info.PublishedRecords(ctx, d, info.Filter{UnitID: w.cg.ID, Column: info.ColumnReports})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, rec := range recs {
			titles = append(titles, rec.Title)
		}
		slices.Sort(titles)
		if want := []string{"赤岗街道办事处2024年政府信息公开工作年度报告", "赤岗街道办事处2025年政府信息公开工作年度报告"}; !slices.Equal(titles, want) {
			t.Errorf("年报 column: %v", titles)
		}
		rec, err := info.ByID(ctx, d, r.Status.RecordID)
		if err != nil {
			t.Fatal(err)
		}
		if !rec.Public() || rec.Column != info.ColumnReports || !strings.Contains(rec.Body, "四、结转下年度继续办理") || !strings.Contains(rec.Body, `rowspan="22"`) {
			t.Errorf("published record %s %s: %.200s", rec.Status, rec.Column, rec.Body)
		}
		if old, err := info.ByID(ctx, d, first); err != nil || old.Status != info.Withdrawn {
			t.Errorf("the first 2024 record: %v %v", old.Status, err)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM annual_reports WHERE unit_id = ?`, w.cg.ID).Scan(&n); err != nil || n != 2 {
			t.Errorf("%d stored reports (%v)", n, err)
		}
		if s := annual(t, w, w.cg, 2025).Status; s.PublishedBy != "cg-reviewer" || s.PublishedAt.IsZero() || s.RecordID != rec.ID {
			t.Errorf("status %+v", s)
		}

		// An online application submitted on the last evening of 2025 and
		// confirmed in 2026, after the 2025 report was published, stays a
		// 2025 application: 2026 still balances.
		before := annual(t, w, w.cg, 2026).Table3.Row(report.NewReceived)
		late := w.application(t, w.cg, foi.NaturalPerson, at("2025-12-31", "22:00"), "", "", "")
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE foi_applications SET channel = ? WHERE id = ?`, foi.Online, late)
			return err
		})
		if _, err := publish(w.cgReviewer, 2025); err != nil {
			t.Fatal(err)
		}
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE foi_applications SET received_date = '2026-01-05', clock_start = '2026-01-05', status = ?, result = ?, result_date = '2026-01-20' WHERE id = ?`,
				foi.StatusReplied, foi.Granted, late)
			return err
		})
		if r := annual(t, w, w.cg, 2026); len(r.Check()) != 0 || !slices.Equal(r.Table3.Row(report.NewReceived), before) {
			t.Errorf("2026 after a late confirmation: check %v, new %v (was %v)", r.Check(), r.Table3.Row(report.NewReceived), before)
		}

	})
}
