package catalog_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

func TestStandardDomains(t *testing.T) {
	ds := catalog.StandardDomains()
	if len(ds) != 26 {
		t.Fatalf("%d standard domains", len(ds))
	}
	codes, names := map[string]bool{}, map[string]bool{}
	for _, d := range ds {
		if d.Code == "" || d.Name == "" || d.Lead == "" {
			t.Errorf("incomplete domain %+v", d)
		}
		if codes[d.Code] || names[d.Name] {
			t.Errorf("duplicate %s %s", d.Code, d.Name)
		}
		codes[d.Code], names[d.Name] = true, true
	}
}

func syncDomains(t *testing.T, d *db.DB) {
	t.Helper()
	if err := d.InTx(context.Background(), func(tx *db.Tx) error { return catalog.SyncDomains(context.Background(), tx) }); err != nil {
		t.Fatal(err)
	}
}

func TestResolveDomain(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		syncDomains(t, d)
		syncDomains(t, d) // twice changes nothing
		all, err := catalog.Domains(ctx, d, nil)
		if err != nil || len(all) != 26 {
			t.Fatalf("%d domains after two syncs: %v", len(all), err)
		}
		for name, want := range map[string]string{
			"养老服务":         "养老服务",
			"养老服务领域":       "养老服务",
			" 养老 服务 ":      "养老服务",
			"城乡规划":         "国土空间规划",
			"重大项目建设":       "重大建设项目",
			"食品监管":         "食品药品监管",
			"农业补贴":         "涉农补贴",
			"医疗卫生":         "卫生健康",
			"环境保护":         "生态环境",
			"环境保护领域":       "生态环境",
			"国有土地上房屋征收与补偿": "国有土地上房屋征收与补偿",
			"（国有土地上房屋征收与补偿）": "国有土地上房屋征收与补偿",
		} {
			dom, ok, err := catalog.ResolveDomain(ctx, d, nil, name)
			if err != nil || !ok || dom.Name != want {
				t.Errorf("ResolveDomain(%q) = %q %v %v, want %q", name, dom.Name, ok, err, want)
			}
		}
		if _, ok, _ := catalog.ResolveDomain(ctx, d, nil, "城市绿化"); ok {
			t.Error("城市绿化 resolved to a standard domain")
		}

		// A local domain belongs to its unit and the units below it.
		city := mustUnit(t, d, org.NewUnit{Code: "440100", Name: "广州市", Kind: org.City})
		hz := mustUnit(t, d, org.NewUnit{Code: "440105", Name: "海珠区", Kind: org.District, ParentCode: "440100"})
		yx := mustUnit(t, d, org.NewUnit{Code: "440104", Name: "越秀区", Kind: org.District, ParentCode: "440100"})
		street := mustUnit(t, d, org.NewUnit{Code: "440105-001", Name: "赤岗街道", Kind: org.Street, ParentCode: "440105"})
		var local catalog.Domain
		err = d.InTx(ctx, func(tx *db.Tx) error {
			local, err = catalog.AddLocalDomain(ctx, tx, "test", hz, "城市绿化")
			return err
		})
		if err != nil || !local.Local() || local.UnitCode != "440105" {
			t.Fatalf("local domain %+v %v", local, err)
		}
		if got, ok, _ := catalog.ResolveDomain(ctx, d, &street, "城市 绿化"); !ok || got.Code != local.Code {
			t.Errorf("a street of 海珠区 does not see the district's local domain: %+v", got)
		}
		if _, ok, _ := catalog.ResolveDomain(ctx, d, &yx, "城市绿化"); ok {
			t.Error("越秀区 sees 海珠区's local domain")
		}
		if ds, _ := catalog.Domains(ctx, d, &city); len(ds) != 26 {
			t.Errorf("the city sees %d domains", len(ds))
		}
		// Adding it again returns the same domain; a standard name is not
		// shadowed by a local one.
		err = d.InTx(ctx, func(tx *db.Tx) error {
			again, err := catalog.AddLocalDomain(ctx, tx, "test", street, "城市绿化领域")
			if err == nil && again.Code != local.Code {
				t.Errorf("second add gave %s", again.Code)
			}
			if err != nil {
				return err
			}
			// 环境保护 is the 2017 name of the standard domain 13 生态环境.
			std, err := catalog.AddLocalDomain(ctx, tx, "test", street, "环境保护")
			if err != nil || std.Local() || std.Code != "13" || std.Name != "生态环境" {
				t.Errorf("环境保护 gave %+v, %v; want the standard domain 13 生态环境", std, err)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func mustUnit(t *testing.T, d *db.DB, n org.NewUnit) org.Unit {
	t.Helper()
	var u org.Unit
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		u, err = org.Create(context.Background(), tx, "test", nil, n)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

const guidelineV1 = `序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级
1,养老服务通用政策,政策文件,文件名称、文号,《政府信息公开条例》,制定或获取文件之日起10个工作日内,县级民政部门,■政府网站,全社会,主动,县级
2,养老服务补贴,高龄津贴,补贴对象、标准,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,乡镇人民政府,■政府网站 ■公开查阅点,全社会,主动,乡、村级
3,,护理补贴,补贴对象、标准,《广东省养老服务条例》,按相关规定,乡镇人民政府,■政府网站,特定群体,主动,乡级
`

const guidelineV2 = `序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级
1,养老服务通用政策,政策文件,文件名称、文号、发文日期,《政府信息公开条例》,制定或获取文件之日起10个工作日内,县级民政部门,■政府网站,全社会,主动,县级
2,养老服务补贴,高龄津贴,补贴对象、标准,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,乡镇人民政府,■政府网站 ■公开查阅点,全社会,主动,乡、村级
3,养老机构,养老机构名录,名称、地址、床位数,《养老机构管理办法》,每季度,县级民政部门,■政府网站,全社会,主动,县级、乡级
`

func importGuideline(t *testing.T, d *db.DB, dom catalog.Domain, csv string) (catalog.Guideline, catalog.ImportReport, error) {
	t.Helper()
	tb, err := catalog.ReadTable("g.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	var g catalog.Guideline
	var rep catalog.ImportReport
	err = d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		g, rep, err = catalog.ImportGuideline(context.Background(), tx, "test", catalog.GuidelineImport{Domain: dom, FileName: "g.csv", Table: tb})
		return err
	})
	return g, rep, err
}

func TestGuidelineVersionsAndDiff(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		syncDomains(t, d)
		dom, _, _ := catalog.ResolveDomain(ctx, d, nil, "养老服务")
		g1, rep, err := importGuideline(t, d, dom, guidelineV1)
		if err != nil {
			t.Fatal(err)
		}
		if g1.Version != 1 || rep.Rows != 3 || len(rep.UnparsedLimits) != 1 || rep.UnparsedLimits[0] != "按相关规定" {
			t.Errorf("v1: version %d, report %+v", g1.Version, rep)
		}
		got, err := catalog.LatestGuideline(ctx, d, dom)
		if err != nil || len(got.Items) != 3 {
			t.Fatalf("latest: %v %d", err, len(got.Items))
		}
		it := got.Items[2]
		if it.Level1 != "养老服务补贴" || it.Level2 != "护理补贴" || it.Limit.Kind != catalog.Unparsed {
			t.Errorf("item 3 (blank 一级事项 filled from above): %+v", it)
		}
		if got.Items[1].Limit != (catalog.Limit{Kind: catalog.WorkingDays, Days: 20, Basis: "形成或变更"}) {
			t.Errorf("item 2 limit %+v", got.Items[1].Limit)
		}
		if !got.Items[1].AppliesTo(org.LevelVillage) || got.Items[0].AppliesTo(org.LevelTownship) {
			t.Error("levels: 乡、村级 should apply to villages, 县级 not to towns")
		}

		g2, _, err := importGuideline(t, d, dom, guidelineV2)
		if err != nil || g2.Version != 2 {
			t.Fatalf("v2: %d %v", g2.Version, err)
		}
		old, _ := catalog.GuidelineVersion(ctx, d, dom, 1)
		diff := catalog.DiffItems(old.Items, g2.Items)
		if len(diff.Added) != 1 || diff.Added[0].Name != "养老机构名录" {
			t.Errorf("added %+v", diff.Added)
		}
		if len(diff.Removed) != 1 || diff.Removed[0].Name != "护理补贴" {
			t.Errorf("removed %+v", diff.Removed)
		}
		if len(diff.Changed) != 1 || diff.Changed[0].Name != "政策文件" || strings.Join(diff.Changed[0].Fields, ",") != "content" {
			t.Errorf("changed %+v", diff.Changed)
		}
	})
}

func TestGuidelineImportAllOrNothing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		syncDomains(t, d)
		dom, _, _ := catalog.ResolveDomain(ctx, d, nil, "社会救助")
		bad := strings.Replace(guidelineV1, "2,养老服务补贴,高龄津贴,补贴对象、标准", "2,养老服务补贴,高龄津贴,", 1)
		_, _, err := importGuideline(t, d, dom, bad)
		if err == nil {
			t.Fatal("a row without content was accepted")
		}
		if msg := i18n.Error(i18n.Zh, err); msg != "第3行缺少“公开内容（要素）”。" {
			t.Errorf("message %q", msg)
		}
		if msg := i18n.Error(i18n.En, err); !strings.Contains(msg, "Line 3") || !strings.Contains(msg, "Content") {
			t.Errorf("English message %q", msg)
		}
		if errs.KindOf(err) != errs.Invalid {
			t.Errorf("kind %v", errs.KindOf(err))
		}
		if _, err := catalog.LatestGuideline(ctx, d, dom); errs.KindOf(err) != errs.NotFound {
			t.Errorf("a failed import left a guideline: %v", err)
		}
	})
}
