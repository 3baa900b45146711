package institution_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/inspect"
	"gongkai/internal/institution"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// world is orgtest's city with 市卫生健康委 and its hospital, and 海珠区教育局
// with a school that sits under the district itself.
type world struct {
	d                        *db.DB
	c                        orgtest.City
	health, hospital         org.Unit
	education, school        org.Unit
	healthEd, healthRev      auth.Account
	eduEd, hospEd, xgEd, hz0 auth.Account
	admin                    auth.Account
}

const hospitalCatalog = `序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级
1,医院概况,医院基本情况,医院简介、科室设置、床位数、联系电话,《医疗卫生服务单位信息公开管理办法》,信息形成或者变更之日起20个工作日内,广州市第一人民医院,■政府网站,全社会,主动,市级
2,医疗服务,收费标准,医疗服务项目价格、药品价格,《医疗卫生服务单位信息公开管理办法》,信息形成或者变更之日起20个工作日内,广州市第一人民医院,■政府网站,全社会,主动,市级
`

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{d: d}
	ctx := context.Background()
	d.SetClock(func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, calendar.China) })
	err := d.InTx(ctx, func(tx *db.Tx) error {
		w.c = orgtest.Build(t, ctx, tx)
		mk := func(code, name string, k org.Kind, parent string) org.Unit {
			u, err := org.Create(ctx, tx, "test", nil, org.NewUnit{Code: code, Name: name, Kind: k, ParentCode: parent})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		w.health = mk("440100-17", "广州市卫生健康委员会", org.CityDepartment, "440100")
		w.hospital = mk("440100-17-h01", "广州市第一人民医院", org.PublicInstitution, "440100-17")
		w.education = mk("440105-d05", "海珠区教育局", org.DistrictDepartment, "440105")
		w.school = mk("440105-s01", "海珠区实验小学", org.PublicInstitution, "440105")
		w.healthEd = orgtest.Account(t, ctx, tx, "health-editor", "", auth.UnitEditor, w.health)
		w.healthRev = orgtest.Account(t, ctx, tx, "health-reviewer", "", auth.UnitReviewer, w.health)
		w.eduEd = orgtest.Account(t, ctx, tx, "edu-editor", "", auth.UnitEditor, w.education)
		w.hospEd = orgtest.Account(t, ctx, tx, "hosp-editor", "", auth.UnitEditor, w.hospital)
		w.xgEd = orgtest.Account(t, ctx, tx, "xg-editor", "", auth.UnitEditor, w.c.Xingang)
		w.hz0 = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, w.c.Haizhu)
		w.admin = auth.Account{Login: "cli:test", Role: auth.Admin, Unit: w.c.City}
		if err := catalog.SyncDomains(ctx, tx); err != nil {
			return err
		}
		tb, err := catalog.ReadTable("c.csv", strings.NewReader(hospitalCatalog))
		if err != nil {
			return err
		}
		if _, err := catalog.ImportCatalog(ctx, tx, w.admin, catalog.CatalogImport{Unit: w.hospital, Domain: "卫生健康", Publish: true, Table: tb}); err != nil {
			return err
		}
		_, err = info.Import(ctx, tx, "test", nil, strings.NewReader(
			`{"unit":"440100-17-h01","index_no":"h-1","title":"广州市第一人民医院简介","written_date":"2026-10-09","published_date":"2026-10-12","catalog_item":"医院基本情况","body_text":"医院简介"}`))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) try(fn func(ctx context.Context, tx *db.Tx) error) error {
	ctx := context.Background()
	return w.d.InTx(ctx, func(tx *db.Tx) error { return fn(ctx, tx) })
}

func codes(us []org.Unit) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Code)
	}
	return out
}

func fields(err error) []string { return errs.Fields(err) }

func TestSupervisors(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		sup, err := institution.Supervisor(ctx, d, w.hospital)
		if err != nil || sup.Code != w.health.Code {
			t.Fatalf("hospital's supervisor %v, %v; want its parent 卫健委", sup.Code, err)
		}
		if _, err := institution.Supervisor(ctx, d, w.school); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("school under the district: %v, want not found", err)
		}
		if got := w.see(t, w.eduEd); len(got) != 0 {
			t.Fatalf("教育局 sees %v before the link", got)
		}
		// A unit editor may not link; a district department is no city
		// department's business; a street is no department.
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			return institution.SetSupervisor(ctx, tx, w.eduEd, w.school, w.education)
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("editor linked: %v", err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			return institution.SetSupervisor(ctx, tx, w.hz0, w.school, w.c.Xingang)
		}); !slices.Equal(fields(err), []string{"supervisor"}) {
			t.Errorf("a street as supervisor: %v", err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			return institution.SetSupervisor(ctx, tx, w.hz0, w.c.Xingang, w.education)
		}); !slices.Equal(fields(err), []string{"unit"}) {
			t.Errorf("a street as institution: %v", err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			return institution.SetSupervisor(ctx, tx, w.hz0, w.school, w.education)
		}); err != nil {
			t.Fatal(err)
		}
		if got := w.see(t, w.eduEd); !slices.Equal(got, []string{"440105-s01"}) {
			t.Errorf("教育局 sees %v, want the school", got)
		}
		if got := w.see(t, w.healthEd); !slices.Equal(got, []string{"440100-17-h01"}) {
			t.Errorf("卫健委 sees %v, want the hospital", got)
		}
		if got := w.see(t, w.xgEd); len(got) != 0 {
			t.Errorf("新港 sees %v", got)
		}
		for _, c := range []struct {
			a    auth.Account
			u    org.Unit
			want bool
		}{{w.eduEd, w.school, true}, {w.healthEd, w.school, false}, {w.healthEd, w.hospital, true}, {w.hospEd, w.hospital, true}, {w.xgEd, w.hospital, false}, {w.hz0, w.school, true}} {
			if got, err := institution.CanSee(ctx, d, c.a, c.u); err != nil || got != c.want {
				t.Errorf("%s sees %s: %v, %v; want %v", c.a.Login, c.u.Code, got, err, c.want)
			}
		}
		var n int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'inst.supervisor'`).Scan(&n)
		if n != 1 {
			t.Errorf("%d audit events, want 1", n)
		}
	})
}

func (w *world) see(t *testing.T, a auth.Account) []string {
	t.Helper()
	us, err := institution.Visible(context.Background(), w.d, a)
	if err != nil {
		t.Fatal(err)
	}
	return codes(us)
}

func TestReport(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		// The hospital is inspected as other units, without the
		// standard-column rules that are the governments'.
		run, err := inspect.Inspect(ctx, d, calendar.Default(), nil, inspect.Options{Scope: w.c.City, Save: true})
		if err != nil {
			t.Fatal(err)
		}
		var hosp *inspect.UnitResult
		for i := range run.Units {
			if run.Units[i].Code == w.hospital.Code {
				hosp = &run.Units[i]
			}
		}
		if hosp == nil {
			t.Fatal("the hospital was not inspected")
		}
		rules := map[string]int{}
		for _, f := range hosp.Findings {
			rules[f.Rule]++
		}
		if rules[inspect.Loading] != 1 || rules[inspect.EmptyColumn] != 0 || rules[inspect.StaleColumn] != 0 {
			t.Errorf("hospital's findings by rule %v, want one loading finding and no column ones", rules)
		}
		figs, err := institution.Overview(ctx, d, []org.Unit{w.hospital})
		if err != nil {
			t.Fatal(err)
		}
		f := figs[0]
		if f.Published != 1 || f.Items != 2 || f.Loaded != 1 || f.Records != 1 || !f.Inspected || f.Inspection.Score != hosp.Score || f.Supervisor.Code != w.health.Code {
			t.Errorf("figures %+v", f)
		}
		in, err := institution.Prefill(ctx, d, w.health, 2026)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"目录事项2项，已挂载信息1项，发布信息1条", "广州市第一人民医院：公开目录1个"} {
			if !strings.Contains(in.Disclosed, want) {
				t.Errorf("disclosed %q lacks %q", in.Disclosed, want)
			}
		}
		if !strings.Contains(in.Problems, "有1项目录事项尚未挂载信息") {
			t.Errorf("problems %q", in.Problems)
		}
		// The editor drafts; an empty report cannot be submitted; only
		// the reviewer submits; a published report is final.
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := institution.SaveDraft(ctx, tx, w.healthEd, w.health, 2019, in)
			return err
		}); !slices.Equal(fields(err), []string{"year"}) {
			t.Errorf("2019: %v", err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := institution.SaveDraft(ctx, tx, w.xgEd, w.health, 2026, in)
			return err
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("新港 drafted: %v", err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := institution.SaveDraft(ctx, tx, w.healthEd, w.health, 2026, in)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := institution.Submit(ctx, tx, w.healthEd, w.health, 2026, in)
			return err
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("editor submitted: %v", err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := institution.Submit(ctx, tx, w.healthRev, w.health, 2026, institution.Input{Disclosed: "x"})
			return err
		}); !slices.Equal(fields(err), []string{"mechanism", "next_steps", "problems"}) {
			t.Errorf("incomplete: %v", fields(err))
		}
		in.Mechanism += "建立主管部门季度检查制度。"
		in.NextSteps = "督促医院补齐收费标准信息。"
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := institution.Submit(ctx, tx, w.healthRev, w.health, 2026, in)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		rs, err := institution.PublishedReports(ctx, d, w.health)
		if err != nil || len(rs) != 1 || rs[0].Status != institution.Published || rs[0].PublishedBy != "health-reviewer" || rs[0].NextSteps != in.NextSteps {
			t.Fatalf("published %+v, %v", rs, err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := institution.SaveDraft(ctx, tx, w.healthEd, w.health, 2026, in)
			return err
		}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("changed a published report: %v", err)
		}
	})
}
