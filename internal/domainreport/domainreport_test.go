package domainreport_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/domainreport"
	"gongkai/internal/errs"
	"gongkai/internal/figures/figurestest"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

func TestGrade(t *testing.T) {
	for _, c := range []struct {
		published              bool
		items, loaded, finding int
		want                   string
	}{
		{false, 0, 0, 0, "D"}, {true, 10, 10, 0, "A"}, {true, 10, 9, 0, "A"}, {true, 10, 10, 3, "B"}, {true, 20, 15, 0, "B"},
		{true, 10, 7, 0, "C"}, {true, 10, 8, 4, "C"}, {true, 10, 8, 5, "D"}, {true, 0, 0, 0, "D"}, {true, 5, 4, 1, "B"},
	} {
		if got := domainreport.Grade(c.published, c.items, c.loaded, c.finding); got != c.want {
			t.Errorf("Grade(%v, %d, %d, %d) = %s, want %s", c.published, c.items, c.loaded, c.finding, got, c.want)
		}
	}
}

// TestDomainReport: 养老服务 is led by 广州市民政局 by default; its report
// of 2026 counts 赤岗's published catalog and 新港's draft, grades them
// by the rule, and is written and published by the bureau's supervisor
// only.
func TestDomainReport(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := figurestest.New(t, d)
		w.Year2026()
		ctx := context.Background()
		lead, ok, err := domainreport.Lead(ctx, d, w.Domain)
		if err != nil || !ok || lead.Code != "440100-14" {
			t.Fatalf("lead %v %v %v", lead.Code, ok, err)
		}
		other, _ := catalog.DomainByCode(ctx, d, "20") // 社会救助: 广州市民政局 too
		if l, ok, _ := domainreport.Lead(ctx, d, other); !ok || l.Code != "440100-14" {
			t.Errorf("社会救助 led by %v", l.Code)
		}
		if l, ok, _ := domainreport.Lead(ctx, d, mustDomain(t, d, "01")); ok {
			t.Errorf("国土空间规划 led by %s, a unit the city does not have", l.Code)
		}

		r, err := domainreport.Generate(ctx, d, w.Domain, 2026)
		if err != nil {
			t.Fatal(err)
		}
		// The findings about 养老服务 of 赤岗's last run: the re-check.
		run, err := inspect.LoadRun(ctx, d, w.Runs[2], w.Office)
		if err != nil {
			t.Fatal(err)
		}
		findings := 0
		for _, u := range run.Units {
			for _, f := range u.Findings {
				if u.Code == "440105-001" && !f.Veto() && strings.HasPrefix(f.Target, "养老服务") {
					findings++
				}
			}
		}
		if findings == 0 {
			t.Fatal("the re-check found nothing about 养老服务: 紧急救援 has no information")
		}
		if len(r.Rows) != 2 {
			t.Fatalf("rows %+v", r.Rows)
		}
		cg, xg := r.Rows[0], r.Rows[1]
		if cg.Code != "440105-001" || !cg.Published || cg.Items != 5 || cg.Loaded != 4 || cg.Percent != 80 || cg.Findings != findings ||
			cg.Grade != domainreport.Grade(true, 5, 4, findings) || cg.Area != "海珠区人民政府" {
			t.Errorf("赤岗 %+v (want %d findings)", cg, findings)
		}
		if xg.Code != "440105-002" || xg.Published || xg.Status != catalog.Draft || xg.Grade != "D" {
			t.Errorf("新港 %+v", xg)
		}
		load := r.Sections[0]
		if load.Figures["items_loaded"] != 4 || !strings.Contains(load.Text, "全市共有2个单位编制了养老服务领域政务公开事项标准目录，其中1个已发布，共5个事项，已挂载政府信息的事项4个，信息加载率80.0%") {
			t.Errorf("loading %v %q", load.Figures, load.Text)
		}
		if g := r.Sections[2]; g.Figures["grade_d"] == 0 || !strings.Contains(g.Text, "新港街道办事处") {
			t.Errorf("grades %v %q", g.Figures, g.Text)
		}

		try := func(what string, a auth.Account, kind errs.Kind, fn func(tx *db.Tx, a auth.Account) error) {
			t.Helper()
			if err := d.InTx(ctx, func(tx *db.Tx) error { return fn(tx, a) }); errs.KindOf(err) != kind {
				t.Errorf("%s: %v, want %v", what, err, kind)
			}
		}
		save := func(tx *db.Tx, a auth.Account) error {
			return domainreport.SaveTexts(ctx, tx, a, w.Domain, 2026, map[string]string{"loading": "本年度全市养老服务领域目录加载情况总体良好。", "normative": r.Sections[1].Text, "grades": ""})
		}
		publish := func(tx *db.Tx, a auth.Account) error {
			_, err := domainreport.Publish(ctx, tx, a, w.Domain, 2026)
			return err
		}
		for _, a := range []auth.Account{w.CityOffice, w.Office, w.Editor, w.Admin} {
			try(a.Login+" saves", a, errs.Forbidden, save)
			try(a.Login+" publishes", a, errs.Forbidden, publish)
		}
		var elsewhere auth.Account
		d.InTx(ctx, func(tx *db.Tx) error {
			hzMz, err := org.Create(ctx, tx, "test", nil, org.NewUnit{Code: "440105-d01", Name: "海珠区民政局", Kind: org.DistrictDepartment, ParentCode: "440105"})
			if err != nil {
				return err
			}
			elsewhere, err = auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: "hzmz-super", Password: "password-2026", Role: auth.DomainSupervisor,
				UnitCode: hzMz.Code, Domain: "养老服务"})
			return err
		})
		try("a supervisor of the domain outside the lead", elsewhere, errs.Forbidden, save)
		try("a text too long", w.Supervisor, errs.Invalid, func(tx *db.Tx, a auth.Account) error {
			return domainreport.SaveTexts(ctx, tx, a, w.Domain, 2026, map[string]string{"grades": strings.Repeat("长", domainreport.MaxText+1)})
		})
		try("the lead saves", w.Supervisor, errs.Kind(0), save)
		try("the lead publishes", w.Supervisor, errs.Kind(0), publish)
		pub, err := domainreport.Published(ctx, d, w.Domain, 2026)
		if err != nil || pub.LeadName != "广州市民政局" || len(pub.Rows) != 2 || pub.Sections[0].Text != "本年度全市养老服务领域目录加载情况总体良好。" ||
			pub.Sections[1].Edited || pub.Status.PublishedBy != "mz-super" {
			t.Errorf("published %+v %v", pub, err)
		}
		if _, err := domainreport.Published(ctx, d, w.Domain, 2025); errs.KindOf(err) != errs.NotFound {
			t.Errorf("2025: %v", err)
		}
		if ys, err := domainreport.PublishedYears(ctx, d, w.Domain); err != nil || len(ys) != 1 || ys[0] != 2026 {
			t.Errorf("years %v %v", ys, err)
		}
		// The lead can be changed by the city office, to a city department only.
		try("the lead set to a district", w.CityOffice, errs.Invalid, func(tx *db.Tx, a auth.Account) error {
			return domainreport.SetLead(ctx, tx, a, w.Domain, "440105")
		})
		try("an editor sets the lead", w.Editor, errs.Forbidden, func(tx *db.Tx, a auth.Account) error {
			return domainreport.SetLead(ctx, tx, a, w.Domain, "440100-14")
		})
		var created org.Unit
		d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			created, err = org.Create(ctx, tx, "test", nil, org.NewUnit{Code: "440100-27", Name: "广州市老龄工作委员会办公室", Kind: org.CityDepartment, ParentCode: "440100"})
			return err
		})
		try("the city office sets the lead", w.CityOffice, errs.Kind(0), func(tx *db.Tx, a auth.Account) error {
			return domainreport.SetLead(ctx, tx, a, w.Domain, created.Code)
		})
		if l, _, _ := domainreport.Lead(ctx, d, w.Domain); l.Code != created.Code {
			t.Errorf("lead after setting: %s", l.Code)
		}
		try("the former lead saves", w.Supervisor, errs.Forbidden, save)
	})
}

func mustDomain(t *testing.T, d *db.DB, code string) catalog.Domain {
	t.Helper()
	dm, err := catalog.DomainByCode(context.Background(), d, code)
	if err != nil {
		t.Fatal(err)
	}
	return dm
}
