package inspect_test

import (
	"bytes"
	"context"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/info"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
	"gongkai/internal/readertest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

const guideline = `序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级
1,养老服务补贴,高龄津贴,补贴对象、标准,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,乡镇人民政府,■政府网站,全社会,主动,乡级
2,养老服务补贴,补贴发放结果,发放对象、金额,《广东省养老服务条例》,每季度结束后15日内,乡镇人民政府,■政府网站,全社会,主动,乡级
3,养老机构,养老机构名录,名称、地址,《养老机构管理办法》,每季度,县级民政部门,■政府网站,全社会,主动,县级
`

// 新港's catalog: the second guideline item is missing and a time limit
// cannot be read; its 公开依据 is emptied after publication, as in a
// catalog carried over from an older system.
const xingangCatalog = `序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级
1,养老服务补贴,高龄津贴,补贴对象、标准,《新港街道高龄津贴办法》,按上级要求,新港街道,■政府网站,全社会,主动,乡级
`

type world struct {
	d                          *db.DB
	cal                        *calendar.Calendar
	city, hz, yx, cg, xg, bj   org.Unit
	cityOffice, hzOffice, cgEd auth.Account
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{d: d, cal: calendar.Default()}
	// The catalogs are published at the start of 2026, the inspections
	// run on 20 November.
	d.SetClock(func() time.Time { return time.Date(2026, 1, 2, 9, 0, 0, 0, calendar.China) })
	defer d.SetClock(func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, calendar.China) })
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if err := catalog.SyncDomains(ctx, tx); err != nil {
			return err
		}
		mk := func(n org.NewUnit) org.Unit {
			u, err := org.Create(ctx, tx, "test", nil, n)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		w.city = mk(org.NewUnit{Code: "440100", Name: "广州市", Kind: org.City})
		w.hz = mk(org.NewUnit{Code: "440105", Name: "海珠区", Kind: org.District, ParentCode: "440100"})
		w.yx = mk(org.NewUnit{Code: "440104", Name: "越秀区", Kind: org.District, ParentCode: "440100"})
		w.cg = mk(org.NewUnit{Code: "440105-001", Name: "赤岗街道", Kind: org.Street, ParentCode: "440105"})
		w.xg = mk(org.NewUnit{Code: "440105-002", Name: "新港街道", Kind: org.Street, ParentCode: "440105"})
		w.bj = mk(org.NewUnit{Code: "440104-001", Name: "北京街道", Kind: org.Street, ParentCode: "440104"})
		mk(org.NewUnit{Code: "440105-001-01", Name: "赤岗社区", Kind: org.Community, ParentCode: "440105-001"})
		acct := func(login string, role auth.Role, u org.Unit) auth.Account {
			a, err := auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: login, DisplayName: login, Password: "password-2026", Role: role, UnitCode: u.Code})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		w.cityOffice = acct("city-office", auth.PublicOfficeCity, w.city)
		w.hzOffice = acct("hz-office", auth.PublicOfficeDistrict, w.hz)
		w.cgEd = acct("cg-editor", auth.UnitEditor, w.cg)

		dom, _, err := catalog.ResolveDomain(ctx, tx, nil, "养老服务")
		if err != nil {
			return err
		}
		tb, err := catalog.ReadTable("g.csv", strings.NewReader(guideline))
		if err != nil {
			return err
		}
		if _, _, err := catalog.ImportGuideline(ctx, tx, "test", catalog.GuidelineImport{Domain: dom, FileName: "g.csv", Table: tb}); err != nil {
			return err
		}
		admin := auth.Account{Login: "cli:test", Role: auth.Admin, Unit: w.city}
		for u, csv := range map[org.Unit]string{w.cg: guideline[:strings.Index(guideline, "\n3,")+1], w.xg: xingangCatalog} {
			tb, err := catalog.ReadTable("c.csv", strings.NewReader(csv))
			if err != nil {
				return err
			}
			if _, err := catalog.ImportCatalog(ctx, tx, admin, catalog.CatalogImport{Unit: u, Domain: "养老服务", Publish: true, Table: tb}); err != nil {
				return err
			}
		}
		// 赤岗's information. The 20th working day after 2026-02-06 is
		// 2026-03-12 (春节 15–23 February off, 14 and 28 February
		// worked); after 2026-09-18 it is 2026-10-22 (中秋 25–27
		// September and 国庆 1–7 October off, 20 September and 10 October
		// worked).
		lines := []string{
			`{"unit":"440105-001","index_no":"cg-1","title":"春节前形成，第20个工作日发布","written_date":"2026-02-06","published_date":"2026-03-12","catalog_item":"高龄津贴","body_text":"高龄津贴发放名单"}`,
			`{"unit":"440105-001","index_no":"cg-2","title":"春节前形成，第21个工作日发布","written_date":"2026-02-06","published_date":"2026-03-13","catalog_item":"高龄津贴","body_text":"高龄津贴发放名单"}`,
			`{"unit":"440105-001","index_no":"cg-3","title":"国庆前形成，第20个工作日发布","written_date":"2026-09-18","published_date":"2026-10-22","catalog_item":"高龄津贴","body_text":"高龄津贴发放名单"}`,
			`{"unit":"440105-001","index_no":"cg-4","title":"国庆前形成，第21个工作日发布","written_date":"2026-09-18","published_date":"2026-10-23","catalog_item":"高龄津贴","body_text":"联系人：张先生，电话13812345678"}`,
			`{"unit":"440105-001","index_no":"cg-5","title":"第三季度补贴发放结果","written_date":"2026-10-09","published_date":"2026-10-10","catalog_item":"补贴发放结果","body_text":"发放金额共计138万元"}`,
			`{"unit":"440105-001","index_no":"cg-6","title":"旧办法","written_date":"2020-01-06","published_date":"2020-01-08","body_text":"旧办法","validity":"repealed"}`,
			`{"unit":"440105-001","index_no":"cg-zn","title":"政府信息公开指南","written_date":"2026-01-05","published_date":"2026-01-06","body_text":"指南"}`,
			`{"unit":"440105-001","index_no":"cg-zd","title":"政府信息公开制度","written_date":"2026-01-05","published_date":"2026-01-06","body_text":"制度"}`,
			`{"unit":"440105-001","index_no":"cg-nb","title":"2025年政府信息公开工作年度报告","written_date":"2026-01-20","published_date":"2026-01-21","body_text":"年报"}`,
			`{"unit":"440105-001","index_no":"cg-7","title":"经审核人决定公开的处罚决定","written_date":"2026-05-06","published_date":"2026-05-07","body_text":"当事人身份证号440105199001011234"}`,
			`{"unit":"440105-002","index_no":"xg-zd","title":"新港街道政府信息公开制度","written_date":"2025-01-02","published_date":"2025-01-03","body_text":"制度"}`,
		}
		if _, err := info.Import(ctx, tx, "test", nil, strings.NewReader(strings.Join(lines, "\n"))); err != nil {
			return err
		}
		for _, q := range []string{
			`UPDATE info_records SET column_code = 'zn' WHERE index_no = 'cg-zn'`,
			`UPDATE info_records SET column_code = 'zd' WHERE index_no IN ('cg-zd', 'xg-zd')`,
			`UPDATE info_records SET column_code = 'nb' WHERE index_no = 'cg-nb'`,
			`UPDATE info_records SET replaced_by = 'nowhere-1', validity_date = '' WHERE index_no = 'cg-6'`,
			`UPDATE info_records SET screen_override = '处罚决定依法公开当事人信息' WHERE index_no = 'cg-7'`,
			`UPDATE catalog_versions SET items = replace(items, '《新港街道高龄津贴办法》', '')`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) run(t *testing.T, actor *auth.Account, scope org.Unit, asOf string, save bool) *inspect.Run {
	t.Helper()
	var day calendar.Date
	if asOf != "" {
		day, _ = calendar.ParseDate(asOf)
	}
	run, err := inspect.Inspect(context.Background(), w.d, w.cal, actor, inspect.Options{Scope: scope, AsOf: day, Save: save})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func unitOf(t *testing.T, run *inspect.Run, code string) inspect.UnitResult {
	t.Helper()
	for _, u := range run.Units {
		if u.Code == code {
			return u
		}
	}
	t.Fatalf("unit %s not in the run", code)
	return inspect.UnitResult{}
}

// targets returns the targets of the unit's findings of one rule.
func targets(u inspect.UnitResult, rule string) []string {
	var out []string
	for _, f := range u.Findings {
		if f.Rule == rule {
			out = append(out, f.Target)
		}
	}
	return out
}

func TestRules(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		run := w.run(t, nil, w.city, "", true)
		cg, xg, bj := unitOf(t, run, "440105-001"), unitOf(t, run, "440105-002"), unitOf(t, run, "440104-001")
		for _, u := range run.Units {
			if u.Code == "440105-001-01" {
				t.Error("a community was inspected")
			}
		}
		for _, c := range []struct {
			rule       string
			unit       inspect.UnitResult
			want       []string
			passedUnit inspect.UnitResult
		}{
			// Timeliness across 春节 and 国庆: the 20th working day is on
			// time, the 21st late.
			{inspect.Timeliness, cg, []string{"cg-2", "cg-4"}, xg},
			{inspect.CatalogCompleteness, xg, []string{"养老服务：补贴发放结果"}, cg},
			// 北京街道 published no catalog: the single veto, then the
			// missing domain.
			{inspect.CatalogCompleteness, bj, []string{inspect.VetoTarget, "领域：养老服务"}, cg},
			// An item left out of the catalog has no information either.
			{inspect.Loading, xg, []string{"养老服务：补贴发放结果", "养老服务：高龄津贴"}, cg},
			{inspect.EmptyColumn, xg, []string{"栏目：政府信息公开年报", "栏目：政府信息公开指南", "栏目：法定主动公开内容"}, cg},
			{inspect.StaleColumn, xg, []string{"栏目：政府信息公开制度"}, cg},
			{inspect.ValidityMarking, cg, []string{"cg-6", "cg-6"}, xg},
			{inspect.Privacy, cg, []string{"cg-4"}, xg},
		} {
			if got := targets(c.unit, c.rule); strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("%s at %s: %q, want %q", c.rule, c.unit.Code, got, c.want)
			}
			if got := targets(c.passedUnit, c.rule); len(got) != 0 {
				t.Errorf("%s at %s, which passes: %q", c.rule, c.passedUnit.Code, got)
			}
		}
		// The element check names the empty 公开依据; the unparsed limit
		// is listed at no cost by default.
		var elements []inspect.Finding
		for _, f := range xg.Findings {
			if f.Rule == inspect.CatalogElements {
				elements = append(elements, f)
			}
		}
		if len(elements) != 2 || !strings.Contains(elements[0].Actual+elements[1].Actual, "公开依据") || !strings.Contains(elements[0].Actual+elements[1].Actual, "按上级要求") {
			t.Errorf("catalog elements: %+v", elements)
		}
		if got := targets(cg, inspect.CatalogElements); len(got) != 0 {
			t.Errorf("catalog elements at 赤岗: %q", got)
		}
		// A late record says when it was due and when it came.
		for _, f := range cg.Findings {
			if f.Target == "cg-2" && (!strings.Contains(f.Expected, "2026-03-12前发布") || f.Actual != "2026-03-13发布") {
				t.Errorf("late record: %+v", f)
			}
		}
		// The periodic item has its third-quarter result; as of before it
		// came, it has not.
		if got := targets(cg, inspect.Periodic); len(got) != 0 {
			t.Errorf("periodic at 赤岗: %q", got)
		}
		early := w.run(t, nil, w.hz, "2026-10-09", false)
		if got := targets(unitOf(t, early, "440105-001"), inspect.Periodic); len(got) != 1 {
			t.Errorf("periodic as of 2026-10-09: %q", got)
		}
		// As of a past day, later records do not exist yet.
		if got := targets(unitOf(t, early, "440105-001"), inspect.Timeliness); strings.Join(got, "|") != "cg-2" {
			t.Errorf("timeliness as of 2026-10-09: %q", got)
		}

		// Scores: 100 less each rule's points, up to its weight; a veto
		// keeps a unit below the pass mark.
		rules := map[string]inspect.Rule{}
		for _, r := range inspect.DefaultRules() {
			rules[r.ID] = r
		}
		for _, u := range run.Units {
			by := map[string]float64{}
			for _, f := range u.Findings {
				by[f.Rule] += f.Points
			}
			want := 100.0
			for id, p := range by {
				want -= math.Min(p, rules[id].Weight)
			}
			want = math.Round(math.Max(want, 0)*10) / 10
			if len(vetoes(u)) > 0 {
				want = math.Min(want, 59)
			}
			if math.Abs(u.Score-want) > 1e-9 || u.Passed != (want >= 60) {
				t.Errorf("%s scored %.1f, want %.1f", u.Code, u.Score, want)
			}
		}
		// 赤岗: two of its four records under a limit in days late (half
		// of 15), a repealed record without date and successor (1 each), a
		// mobile number (5).
		if cg.Score != 100-7.5-2-5 {
			t.Errorf("赤岗 scored %.1f: %+v", cg.Score, cg.Findings)
		}
	})
}

func TestRuleEditsChangeTheNextRunOnly(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		first := w.run(t, &w.cityOffice, w.city, "", true)
		if first.RulesVersion != 1 || first.ID == 0 {
			t.Fatalf("first run: version %d id %d", first.RulesVersion, first.ID)
		}
		edit := func(a auth.Account, changes []inspect.RuleChange, comment string) error {
			return d.InTx(ctx, func(tx *db.Tx) error {
				_, err := inspect.EditRules(ctx, tx, a, changes, comment)
				return err
			})
		}
		if err := edit(w.hzOffice, []inspect.RuleChange{{ID: inspect.Privacy, Enabled: true, Weight: 20, Deduction: 10}}, "加重"); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a district office edited the rules: %v", err)
		}
		for _, bad := range [][]inspect.RuleChange{
			{{ID: "nope", Enabled: true, Weight: 1, Deduction: 1}},
			{{ID: inspect.Privacy, Enabled: true, Weight: 5, Deduction: 10}},
			{{ID: inspect.Privacy, Enabled: true, Weight: 20, Deduction: -1}},
			{{ID: inspect.Privacy, Enabled: true, Weight: 20, Deduction: 0.25}},
		} {
			if err := edit(w.cityOffice, bad, "试"); errs.KindOf(err) != errs.Invalid {
				t.Errorf("bad change %+v: %v", bad, err)
			}
		}
		if err := edit(w.cityOffice, []inspect.RuleChange{{ID: inspect.Privacy, Enabled: true, Weight: 20, Deduction: 10}, {ID: inspect.Timeliness, Enabled: false, Weight: 15, Deduction: 0.5}}, ""); errs.KindOf(err) != errs.Invalid {
			t.Errorf("an edit without a reason: %v", err)
		}
		if err := edit(w.cityOffice, []inspect.RuleChange{{ID: inspect.Privacy, Enabled: true, Weight: 20, Deduction: 10}, {ID: inspect.Timeliness, Enabled: false, Weight: 15, Deduction: 0.5}}, "个人信息加重扣分"); err != nil {
			t.Fatal(err)
		}
		second := w.run(t, &w.cityOffice, w.city, "", true)
		cg := unitOf(t, second, "440105-001")
		if second.RulesVersion != 2 || len(targets(cg, inspect.Timeliness)) != 0 || cg.Score != 100-2-10 {
			t.Errorf("second run: version %d, score %.1f, %+v", second.RulesVersion, cg.Score, cg.Findings)
		}
		// The first run keeps its rules and points.
		again, err := inspect.LoadRun(ctx, d, first.ID, w.cityOffice)
		if err != nil {
			t.Fatal(err)
		}
		cg1 := unitOf(t, again, "440105-001")
		if again.RulesVersion != 1 || cg1.Score != 85.5 || len(targets(cg1, inspect.Timeliness)) != 2 {
			t.Errorf("first run reloaded: version %d score %.1f %+v", again.RulesVersion, cg1.Score, cg1.Findings)
		}
	})
}

func TestPermissions(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		// A district office inspects its district only.
		if _, err := inspect.Inspect(ctx, d, w.cal, &w.hzOffice, inspect.Options{Scope: w.yx}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("海珠 office inspected 越秀: %v", err)
		}
		if _, err := inspect.Inspect(ctx, d, w.cal, &w.hzOffice, inspect.Options{Scope: w.city}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("海珠 office inspected the city: %v", err)
		}
		if _, err := inspect.Inspect(ctx, d, w.cal, &w.cgEd, inspect.Options{Scope: w.cg}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a unit editor ran an inspection: %v", err)
		}
		if _, err := inspect.Inspect(ctx, d, w.cal, &w.cityOffice, inspect.Options{Scope: w.city, AsOf: calendar.Date{Year: 2026, Month: 12, Day: 1}}); errs.KindOf(err) != errs.Invalid {
			t.Errorf("an inspection as of a future day: %v", err)
		}
		hzRun := w.run(t, &w.hzOffice, w.hz, "", true)
		if len(hzRun.Units) != 3 {
			t.Errorf("海珠 run covers %d units", len(hzRun.Units))
		}
		cityRun := w.run(t, &w.cityOffice, w.city, "", true)
		// Each reader sees the units in their scope: a district office its
		// district, a unit itself.
		for _, c := range []struct {
			who   auth.Account
			run   int64
			units int
		}{{w.cityOffice, cityRun.ID, 6}, {w.hzOffice, cityRun.ID, 3}, {w.cgEd, cityRun.ID, 1}, {w.cgEd, hzRun.ID, 1}} {
			r, err := inspect.LoadRun(ctx, d, c.run, c.who)
			if err != nil || len(r.Units) != c.units {
				t.Errorf("%s reads run %d: %d units, %v; want %d", c.who.Login, c.run, len(r.Units), err, c.units)
			}
		}
		yxOffice := auth.Account{Login: "yx", Role: auth.PublicOfficeDistrict, Unit: w.yx}
		if _, err := inspect.LoadRun(ctx, d, hzRun.ID, yxOffice); errs.KindOf(err) != errs.NotFound {
			t.Errorf("越秀 office read 海珠's run: %v", err)
		}
	})
}

func TestRectification(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		run := w.run(t, &w.cityOffice, w.city, "", true)
		send := func(a auth.Account, u org.Unit, days int) (inspect.Notice, error) {
			var n inspect.Notice
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				n, err = inspect.SendNotice(ctx, tx, w.cal, a, run.ID, u, days, "请于期限内整改并答复")
				return err
			})
			return n, err
		}
		if _, err := send(w.hzOffice, w.bj, 10); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("海珠 office sent a notice to 北京街道: %v", err)
		}
		if _, err := send(w.cgEd, w.cg, 10); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("an editor sent a notice: %v", err)
		}
		if _, err := send(w.hzOffice, w.cg, 0); errs.KindOf(err) != errs.Invalid {
			t.Errorf("a notice of 0 days: %v", err)
		}
		n, err := send(w.hzOffice, w.cg, 10)
		if err != nil {
			t.Fatal(err)
		}
		// Ten working days from Friday 20 November 2026.
		if n.Due != "2026-12-04" || len(n.Findings) != 5 || n.Open != 5 {
			t.Fatalf("notice due %s with %d findings (%d open)", n.Due, len(n.Findings), n.Open)
		}
		if _, err := send(w.hzOffice, w.cg, 10); errs.KindOf(err) != errs.Conflict {
			t.Errorf("a second notice for the same run: %v", err)
		}
		if !n.Overdue(calendar.Date{Year: 2026, Month: 12, Day: 7}) || n.Overdue(calendar.Date{Year: 2026, Month: 12, Day: 4}) {
			t.Error("overdue only after the due day")
		}
		byRule := map[string]int64{}
		for _, f := range n.Findings {
			byRule[f.Rule] = f.ID
		}
		answer := func(a auth.Account, id int64, ans, note string) error {
			return d.InTx(ctx, func(tx *db.Tx) error { return inspect.AnswerFinding(ctx, tx, a, id, ans, note) })
		}
		other := auth.Account{Login: "bj-editor", Role: auth.UnitEditor, Unit: w.bj}
		if err := answer(other, byRule[inspect.Privacy], inspect.AnswerFixed, ""); errs.KindOf(err) != errs.NotFound {
			t.Errorf("北京街道 answered 赤岗's finding: %v", err)
		}
		if err := answer(w.cgEd, byRule[inspect.Timeliness], inspect.AnswerDisputed, " "); errs.KindOf(err) != errs.Invalid {
			t.Errorf("a dispute without reason: %v", err)
		}
		if err := answer(w.cgEd, byRule[inspect.Timeliness], "maybe", ""); errs.KindOf(err) != errs.Invalid {
			t.Errorf("an unknown answer: %v", err)
		}
		for rule, ans := range map[string]string{inspect.Privacy: inspect.AnswerFixed, inspect.ValidityMarking: inspect.AnswerFixed, inspect.Timeliness: inspect.AnswerDisputed} {
			if err := answer(w.cgEd, byRule[rule], ans, "已核实"); err != nil {
				t.Fatalf("answer %s: %v", rule, err)
			}
		}
		// The unit masks the mobile number; the validity marks stay wrong
		// (it answered one of the two fixed).
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			// As withdrawing, correcting and publishing it again leaves it.
			_, err := tx.Exec(ctx, `UPDATE info_records SET body_text = '联系人：张先生，电话138****5678', personal_data = '' WHERE index_no = 'cg-4'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := inspect.Recheck(ctx, d, w.cal, w.cgEd, n.ID); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("the unit re-checked itself: %v", err)
		}
		n, err = inspect.Recheck(ctx, d, w.cal, w.hzOffice, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]string{}
		for _, f := range n.Findings {
			states[f.Rule] += f.State + " "
		}
		if states[inspect.Privacy] != "closed " || states[inspect.ValidityMarking] != "open reopened " || states[inspect.Timeliness] != "open open " {
			t.Errorf("after the re-check: %v", states)
		}
		if n.ClosedAt.Valid || n.Open != 4 || n.RecheckID == 0 {
			t.Errorf("notice after re-check: closed %v, %d open, re-check run %d", n.ClosedAt.Valid, n.Open, n.RecheckID)
		}
		if err := answer(w.cgEd, byRule[inspect.Privacy], inspect.AnswerFixed, ""); errs.KindOf(err) != errs.Conflict {
			t.Errorf("answered a closed finding: %v", err)
		}
		// The next run settles the notice too: the unit fixes the validity
		// marks; a look at the past changes nothing.
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE info_records SET validity_date = '2021-01-01', replaced_by = '' WHERE index_no = 'cg-6'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		w.run(t, &w.cityOffice, w.city, "2026-11-01", true)
		if again, _ := inspect.NoticeByID(ctx, d, n.ID, w.cityOffice); again.Open != 4 {
			t.Errorf("a run as of the past settled the notice: %d open", again.Open)
		}
		w.run(t, &w.cityOffice, w.city, "", true)
		n, _ = inspect.NoticeByID(ctx, d, n.ID, w.cityOffice)
		if n.Open != 2 || n.ClosedAt.Valid {
			t.Errorf("after the next run: %d open (want the two late records), closed %v", n.Open, n.ClosedAt.Valid)
		}
		if ns, err := inspect.Notices(ctx, d, w.cgEd, 10); err != nil || len(ns) != 1 {
			t.Errorf("the unit's notices: %d %v", len(ns), err)
		}
		if ns, err := inspect.Notices(ctx, d, auth.Account{Unit: w.yx}, 10); err != nil || len(ns) != 0 {
			t.Errorf("越秀 sees %d notices, %v", len(ns), err)
		}

		// Results are published by the office of the run's scope, once.
		publish := func(a auth.Account) error {
			return d.InTx(ctx, func(tx *db.Tx) error { return inspect.Publish(ctx, tx, a, run.ID) })
		}
		if _, err := inspect.LoadPublished(ctx, d, run.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("unpublished results readable: %v", err)
		}
		if err := publish(w.hzOffice); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("海珠 office published the city's results: %v", err)
		}
		if err := publish(w.cityOffice); err != nil {
			t.Fatal(err)
		}
		if err := publish(w.cityOffice); errs.KindOf(err) != errs.Conflict {
			t.Errorf("published twice: %v", err)
		}
		pub, err := inspect.LoadPublished(ctx, d, run.ID)
		if err != nil || len(pub.Units) != 6 {
			t.Fatalf("published run: %v", err)
		}
		if runs, err := inspect.PublishedRuns(ctx, d); err != nil || len(runs) != 1 || runs[0].ID != run.ID {
			t.Errorf("published runs: %+v %v", runs, err)
		}
		// The workbook holds every unit's score and every finding.
		since := time.Now()
		var buf bytes.Buffer
		if err := inspect.WriteXLSX(&buf, pub, map[string]string{inspect.Privacy: "个人信息保护"}); err != nil {
			t.Fatal(err)
		}
		checkResultsXLSX(t, bytes.Clone(buf.Bytes()), since)
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		scores, _ := f.GetRows("得分")
		details, _ := f.GetRows("问题清单")
		total := 0
		for _, u := range pub.Units {
			total += len(u.Findings)
		}
		if len(scores) != len(pub.Units)+1 || len(details) != total+1 || scores[0][2] != "得分" {
			t.Errorf("workbook: %d score rows, %d finding rows for %d units and %d findings", len(scores), len(details), len(pub.Units), total)
		}
	})
}

// checkResultsXLSX opens a run's workbook with openpyxl: the states and
// answers of findings are words, not codes, and a finding without an
// answer has an empty cell.
func checkResultsXLSX(t *testing.T, data []byte, since time.Time) {
	t.Helper()
	wb := readertest.MustOpenXLSX(t, data)
	readertest.CheckWorkbook(t, wb, since)
	wb.Sheet(t, "得分")
	details := wb.Sheet(t, "问题清单")
	states := map[any]int{}
	answers := map[any]int{}
	for _, row := range details.Rows[1:] {
		states[row[7]]++
		answers[row[8]]++
	}
	for st := range states {
		if st != nil && st != "已销号" && st != "未销号" && st != "复查仍存在" {
			t.Errorf("state cell %q is not a state's name", st)
		}
	}
	if states["已销号"] == 0 || states["未销号"] == 0 {
		t.Errorf("states = %v, want closed and open ones", states)
	}
	for a := range answers {
		if s, ok := a.(string); a != nil && (!ok || strings.TrimSpace(s) != s || strings.HasPrefix(s, "fixed") || strings.HasPrefix(s, "disputed")) {
			t.Errorf("answer cell %q", a)
		}
	}
	if answers[nil] == 0 || len(answers) < 2 {
		t.Errorf("answers = %v, want empty cells and answers", answers)
	}
}

func TestCompareRuns(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		first := w.run(t, &w.cityOffice, w.city, "2026-10-09", true)
		// By 20 November 赤岗 published its late record and its quarterly
		// result; mask nothing.
		second := w.run(t, &w.cityOffice, w.hz, "", true)
		a, err := inspect.LoadRun(ctx, d, first.ID, w.cityOffice)
		if err != nil {
			t.Fatal(err)
		}
		b, err := inspect.LoadRun(ctx, d, second.ID, w.cityOffice)
		if err != nil {
			t.Fatal(err)
		}
		c := inspect.Compare(a, b)
		keys := func(fs []inspect.Finding) map[string]bool {
			m := map[string]bool{}
			for _, f := range fs {
				m[f.Unit+" "+f.Rule+" "+f.Target] = true
			}
			return m
		}
		n, fx, p := keys(c.New), keys(c.Fixed), keys(c.Persisting)
		if !n["440105-001 timeliness cg-4"] || !n["440105-001 privacy cg-4"] {
			t.Errorf("new: %v", n)
		}
		if !fx["440105-001 periodic 养老服务：补贴发放结果"] {
			t.Errorf("fixed: %v", fx)
		}
		if !p["440105-001 timeliness cg-2"] {
			t.Errorf("persisting: %v", p)
		}
		for k := range n {
			if strings.HasPrefix(k, "440104") {
				t.Errorf("a unit outside the later run compared: %s", k)
			}
		}
		for k := range fx {
			if strings.HasPrefix(k, "440104") {
				t.Errorf("a unit outside the later run counted fixed: %s", k)
			}
		}
	})
}

func TestLinkChecker(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		n := hits[r.URL.Path]
		mu.Unlock()
		switch r.URL.Path {
		case "/ok":
		case "/slow":
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		case "/missing":
			http.NotFound(w, r)
		case "/moved":
			http.Redirect(w, r, "/ok", http.StatusMovedPermanently)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/flaky":
			if n == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		}
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/"
	ln.Close()
	c := inspect.LinkChecker{Timeout: 300 * time.Millisecond, Retries: 1, Concurrency: 3}
	u := func(p string) string { return srv.URL + p }
	res := c.Check(context.Background(), []string{u("/ok"), u("/ok"), u("/slow"), u("/missing"), u("/moved"), u("/loop"), u("/flaky"), closed, "ftp://example.org/x"})
	for url, want := range map[string]string{
		u("/ok"): "", u("/moved"): "", u("/flaky"): "",
		u("/slow"): "秒内无响应", u("/missing"): "HTTP 404", u("/loop"): "重定向次数过多", closed: "无法访问", "ftp://example.org/x": "不是有效的网址",
	} {
		got := res[url]
		if got.OK != (want == "") || !strings.Contains(got.Error, want) {
			t.Errorf("%s: %+v, want %q", url, got, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if hits["/ok"] != 2 || hits["/missing"] != 1 || hits["/slow"] != 2 || hits["/flaky"] != 2 {
		t.Errorf("requests: %v (a URL once per run, a 404 without retry, a timeout retried once, /ok once more after /moved)", hits)
	}
}

func TestDeadLinkRule(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ok" {
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE info_records SET link_url = ? WHERE index_no = 'cg-zn'`, srv.URL+"/gone")
			if err == nil {
				_, err = tx.Exec(ctx, `UPDATE info_records SET link_url = ? WHERE index_no = 'xg-zd'`, srv.URL+"/ok")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		run, err := inspect.Inspect(ctx, d, w.cal, nil, inspect.Options{Scope: w.hz, Links: &inspect.LinkChecker{Timeout: time.Second, Retries: 1, Concurrency: 2}})
		if err != nil {
			t.Fatal(err)
		}
		if got := targets(unitOf(t, run, "440105-001"), inspect.DeadLink); strings.Join(got, "|") != "cg-zn" {
			t.Errorf("dead links at 赤岗: %q", got)
		}
		if got := targets(unitOf(t, run, "440105-002"), inspect.DeadLink); len(got) != 0 {
			t.Errorf("dead links at 新港, whose link answers: %q", got)
		}
	})
}

func TestScheduledRuns(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		set := func(a auth.Account, day int) error {
			return d.InTx(ctx, func(tx *db.Tx) error { return inspect.SetScheduleDay(ctx, tx, a, day) })
		}
		if runs, err := inspect.RunScheduled(ctx, d, w.cal); err != nil || len(runs) != 0 {
			t.Fatalf("no schedule: %d runs, %v", len(runs), err)
		}
		if err := set(w.hzOffice, 20); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a district office set the schedule: %v", err)
		}
		if err := set(w.cityOffice, 31); errs.KindOf(err) != errs.Invalid {
			t.Errorf("day 31: %v", err)
		}
		if err := set(w.cityOffice, 19); err != nil {
			t.Fatal(err)
		}
		if runs, _ := inspect.RunScheduled(ctx, d, w.cal); len(runs) != 0 {
			t.Error("ran on the 20th for the 19th")
		}
		if err := set(w.cityOffice, 20); err != nil {
			t.Fatal(err)
		}
		runs, err := inspect.RunScheduled(ctx, d, w.cal)
		if err != nil || len(runs) != 1 || runs[0].StartedBy != "schedule" || runs[0].ID == 0 || runs[0].ScopeCode != "440100" {
			t.Fatalf("scheduled run: %+v %v", runs, err)
		}
		if again, _ := inspect.RunScheduled(ctx, d, w.cal); len(again) != 0 {
			t.Error("ran twice on the same day")
		}
	})
}

// Applications answered after their deadline, or unanswered past it, are
// findings of foi_overdue; one answered on its last day is not.
func TestFOIOverdueRule(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		at := func(day string) {
			dd, _ := calendar.ParseDate(day)
			d.SetClock(func() time.Time { return time.Date(dd.Year, dd.Month, dd.Day, 9, 0, 0, 0, calendar.China) })
		}
		in := foi.Input{UnitCode: "440105-001", Description: "高龄津贴发放名单", Medium: "paper", Delivery: "pickup",
			Applicant: foi.Applicant{Type: foi.NaturalPerson, Name: "李明", IDType: "resident_id", IDNumber: "11010519491231002X", Phone: "13800000000"}}
		apply := func(received, answered string) string {
			t.Helper()
			at(received)
			var app foi.Application
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				app, _, err = foi.Register(ctx, tx, w.cgEd, in, foi.InPerson, received, "")
				return err
			})
			if err == nil && answered != "" {
				at(answered) // a transaction's day is the day it starts
				err = d.InTx(ctx, func(tx *db.Tx) error {
					_, err := foi.Answer(ctx, tx, w.cgEd, app, foi.Reply{Result: foi.Granted, Text: "见附件"})
					return err
				})
			}
			if err != nil {
				t.Fatal(err)
			}
			return app.TrackingNo
		}
		// Received before 中秋/国庆: the 20th working day is 22 October.
		apply("2026-09-18", "2026-10-22")
		late := apply("2026-09-18", "2026-10-23")
		// Received 16 October: due 13 November, still open on 20 November.
		open := apply("2026-10-16", "")
		// Received 21 September, a consultation from the 22nd never
		// answered: the clock stops for its 15 working days only (to 20
		// October), so the reply was due 16 November.
		silent := apply("2026-09-21", "")
		at("2026-09-22")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			app, err := foi.ByID(ctx, tx, mustID(t, d, silent), w.cgEd)
			if err == nil {
				_, err = foi.Consult(ctx, tx, w.cal, w.cgEd, app, foi.ThirdParty, "某公司", "")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		at("2026-11-20")
		run := w.run(t, nil, w.hz, "2026-11-20", false)
		got := targets(unitOf(t, run, "440105-001"), inspect.FOIOverdue)
		if strings.Join(got, "|") != "申请 "+late+"|申请 "+silent+"|申请 "+open {
			t.Errorf("foi_overdue at 赤岗: %q; want %s, %s and %s", got, late, open, silent)
		}
		for _, f := range unitOf(t, run, "440105-001").Findings {
			if f.Target == "申请 "+silent && f.Expected != "2026-11-16前答复" {
				t.Errorf("silent consultation: %+v", f)
			}
		}
		for _, f := range unitOf(t, run, "440105-001").Findings {
			if f.Rule == inspect.FOIOverdue && f.Target == "申请 "+open && (f.Expected != "2026-11-13前答复" || f.Actual != "截至2026-11-20尚未答复") {
				t.Errorf("open finding: %+v", f)
			}
		}
		// As of 12 November the open ones are not yet late.
		run = w.run(t, nil, w.hz, "2026-11-12", false)
		if got := targets(unitOf(t, run, "440105-001"), inspect.FOIOverdue); strings.Join(got, "|") != "申请 "+late {
			t.Errorf("foi_overdue as of 12 November: %q", got)
		}
	})
}

// mustID returns the id of the application with tracking number no.
func mustID(t *testing.T, d *db.DB, no string) int64 {
	t.Helper()
	var id int64
	if err := d.QueryRow(context.Background(), `SELECT id FROM foi_applications WHERE tracking_no = ?`, no).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
