package app

import (
	"context"
	"fmt"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/institution"
	"gongkai/internal/org"
	"gongkai/internal/village"
	"gongkai/internal/zone"
)

// GrassrootsLogins are the demo's logins for public institutions, village
// affairs and zones, besides DemoAccounts: the 市卫生健康委's editor and
// reviewer, the hospital's editor, and the community's editor. Their
// password is GrassrootsPassword.
var GrassrootsLogins = []DemoAccount{
	{"weijian-editor", GrassrootsPassword, auth.UnitEditor, "440100-17", "", "市卫生健康委编辑"},
	{"weijian-reviewer", GrassrootsPassword, auth.UnitReviewer, "440100-17", "", "市卫生健康委负责人"},
	{"hospital-editor", GrassrootsPassword, auth.UnitEditor, DemoHospital, "", "市第一人民医院编辑"},
	{"community-editor", GrassrootsPassword, auth.UnitEditor, DemoCommunity, "", "赤岗社区居委会编辑"},
}

// GrassrootsPassword is the password of GrassrootsLogins.
const GrassrootsPassword = "gongkai-grassroots-2026"

// The demo's public hospital under 市卫生健康委 and community under 赤岗街道.
const (
	DemoHospital  = "440100-17-h01"
	DemoCommunity = "440105-001-c01"
)

// hospitalCatalog is the hospital's 卫生健康 catalog: items of its own, as
// public institutions keep (医疗卫生机构信息公开管理办法).
const hospitalCatalog = `序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级
1,机构概况,医院基本情况,医院简介、科室设置、床位数、地址、联系电话,《医疗卫生机构信息公开管理办法》,信息形成或者变更之日起20个工作日内,广州市第一人民医院,■政府网站 ■公开查阅点,全社会,主动,市级
2,医疗服务,收费标准,医疗服务项目价格、药品和医用耗材价格,《医疗卫生机构信息公开管理办法》,信息形成或者变更之日起20个工作日内,广州市第一人民医院,■政府网站 ■公开查阅点,全社会,主动,市级
3,医疗服务,就医指南,门诊时间、预约挂号方式、就诊流程,《医疗卫生机构信息公开管理办法》,信息形成或者变更之日起20个工作日内,广州市第一人民医院,■政府网站,全社会,主动,市级
`

// LoadDemoGrassroots loads, once, after LoadDemo: 广州市第一人民医院 under
// 市卫生健康委 with its published catalog, two records and the department's
// supervision report submitted; 赤岗社区居民委员会 under 赤岗街道 with its list
// (one shared item saying other than the street's record, so that
// village_consistency finds it) and a guidance visit; and two disclosure
// zones. It reports whether it loaded anything.
func LoadDemoGrassroots(ctx context.Context, d *db.DB) (bool, error) {
	return loadOnce(ctx, d, "demo_grassroots", "demo grassroots", func(ctx context.Context, tx *db.Tx) error {
		for _, step := range []func(context.Context, *db.Tx) error{demoInstitution, demoVillage, demoZones} {
			if err := step(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
}

const demoActor = "system:demo"

func demoUnit(ctx context.Context, tx *db.Tx, n org.NewUnit) (org.Unit, error) {
	u, err := org.Create(ctx, tx, demoActor, nil, n)
	if e := errs.As(err); e != nil && e.Key == "unit.code_taken" {
		return org.ByCode(ctx, tx, n.Code)
	}
	return u, err
}

func demoLogin(ctx context.Context, tx *db.Tx, login string) (auth.Account, error) {
	for _, da := range GrassrootsLogins {
		if da.Login != login {
			continue
		}
		a, err := auth.CreateAccount(ctx, tx, demoActor, nil, auth.NewAccount{Login: da.Login, DisplayName: da.Name, Password: da.Password, Role: da.Role, UnitCode: da.Unit})
		if e := errs.As(err); e != nil && e.Key == "account.login_taken" {
			return auth.ByLogin(ctx, tx, login)
		}
		return a, err
	}
	return auth.Account{}, fmt.Errorf("no demo login %s", login)
}

func demoInstitution(ctx context.Context, tx *db.Tx) error {
	hosp, err := demoUnit(ctx, tx, org.NewUnit{Code: DemoHospital, Name: "广州市第一人民医院", NameEn: "Guangzhou First People's Hospital", Kind: org.PublicInstitution, ParentCode: "440100-17"})
	if err != nil {
		return err
	}
	var ed, rev auth.Account
	for _, l := range []string{"weijian-editor", "weijian-reviewer", "hospital-editor"} {
		a, err := demoLogin(ctx, tx, l)
		if err != nil {
			return err
		}
		switch l {
		case "weijian-editor":
			ed = a
		case "weijian-reviewer":
			rev = a
		}
	}
	office, err := auth.ByLogin(ctx, tx, "gz-office")
	if err != nil {
		return err
	}
	t, err := catalog.ReadTable("hospital.csv", strings.NewReader(hospitalCatalog))
	if err != nil {
		return err
	}
	if _, err := catalog.ImportCatalog(ctx, tx, office, catalog.CatalogImport{Unit: hosp, Domain: "卫生健康", Publish: true, Table: t}); err != nil {
		return err
	}
	dom, _, err := catalog.ResolveDomain(ctx, tx, nil, "卫生健康")
	if err != nil {
		return err
	}
	for _, dr := range []struct {
		item string
		in   info.Input
	}{
		{"医院基本情况", info.Input{Title: "广州市第一人民医院简介", WrittenDate: "2026-03-02", Genre: "简介", Topic: "卫生、体育",
			Body: "<p>广州市第一人民医院是集医疗、教学、科研、预防保健为一体的三级甲等综合医院，设临床科室40余个。</p><p>咨询电话：020-81048888。</p>"}},
		{"就医指南", info.Input{Title: "广州市第一人民医院门诊就医指南", WrittenDate: "2026-09-01", Genre: "指南", Topic: "卫生、体育",
			Body: "<p>门诊时间：周一至周日 8:00-12:00，14:00-17:30。可通过医院公众号、广州健康通或现场自助机预约挂号。</p>"}},
	} {
		r, err := info.Create(ctx, tx, office, hosp, dr.in)
		if err != nil {
			return err
		}
		if r, err = info.LinkItems(ctx, tx, office, r, dom, []string{dr.item}); err != nil {
			return err
		}
		if r, err = info.Submit(ctx, tx, office, r); err != nil {
			return err
		}
		if r, err = info.Approve(ctx, tx, office, r); err != nil {
			return err
		}
		if _, err = info.Publish(ctx, tx, office, r); err != nil {
			return err
		}
	}
	dept, err := org.ByCode(ctx, tx, "440100-17")
	if err != nil {
		return err
	}
	year := calendar.DateOf(tx.Now().In(calendar.China)).Year
	in, err := institution.Prefill(ctx, tx, dept, year)
	if err != nil {
		return err
	}
	in.Mechanism += "建立由委医政医管处牵头、各直属医院院办具体负责的信息公开工作机制，每季度检查一次直属医院公开目录和信息更新情况。"
	in.NextSteps = "一、督促直属医院补齐收费标准信息；二、推动就医指南与“广州健康通”预约信息同步更新；三、将公开情况纳入直属医院年度考核。"
	if _, err := institution.SaveDraft(ctx, tx, ed, dept, year, in); err != nil {
		return err
	}
	_, err = institution.Submit(ctx, tx, rev, dept, year, in)
	return err
}

func demoVillage(ctx context.Context, tx *db.Tx) error {
	c, err := demoUnit(ctx, tx, org.NewUnit{Code: DemoCommunity, Name: "赤岗社区居民委员会", Kind: org.Community, ParentCode: "440105-001"})
	if err != nil {
		return err
	}
	ed, err := demoLogin(ctx, tx, "community-editor")
	if err != nil {
		return err
	}
	l, err := village.ListOf(ctx, tx, c)
	if err != nil {
		return err
	}
	entries := map[string]string{
		"std:dw-1":  "社区党委下设3个党支部，党员126名。社区党委书记、居委会主任：李某某。",
		"std:cw-1":  "2026年9月居民代表会议决定：对辖区3个老旧小区加装电梯意向进行摸底，结果在社区公示栏公示。",
		"std:cw-2":  "2026年第三季度，社区发放临时救助金共1.2万元，受助8户；接受社会捐赠米油等物资一批，已全部发放至困难家庭。",
		"std:cwu-1": "2026年10月社区经费收入3.5万元，支出2.8万元，主要用于社区活动和公共设施维护，明细见社区公示栏。",
	}
	for _, e := range l.Entries {
		if e.Shared() && e.Name == "高龄老年人津贴" {
			// The notice board copy gives other figures than the street's
			// record: village_consistency finds it.
			entries[e.Key] = "本社区2026年第三季度高龄老年人津贴发放126人，金额共计3.8万元。"
		}
	}
	for key, content := range entries {
		if _, err := village.SaveEntry(ctx, tx, ed, c, key, content, ""); err != nil {
			return fmt.Errorf("entry %s: %w", key, err)
		}
	}
	town, err := org.ByCode(ctx, tx, "440105-001")
	if err != nil {
		return err
	}
	office, err := auth.ByLogin(ctx, tx, "chigang-editor")
	if err != nil {
		return err
	}
	// The most recent 12 November, the guidance starting in November.
	today := calendar.DateOf(tx.Now().In(calendar.China))
	day := fmt.Sprintf("%d-11-12", today.Year)
	if day > today.String() {
		day = fmt.Sprintf("%d-11-12", today.Year-1)
	}
	_, err = village.AddVisit(ctx, tx, office, town, village.VisitInput{Village: c.Code, Date: day, People: "赤岗街道党政综合办公室 王某某、陈某某",
		Findings: "公开栏内容齐全；财务收支未按月更新；高龄老年人津贴公示数字与街道公布的不一致。",
		Advice:   "每月10日前更新财务公开栏；高龄老年人津贴按街道公布的信息公示。"})
	return err
}

func demoZones(ctx context.Context, tx *db.Tx) error {
	admin, err := auth.ByLogin(ctx, tx, "admin")
	if err != nil {
		return err
	}
	for _, z := range []struct {
		unit string
		in   zone.Input
	}{
		{"440100-04", zone.Input{Kind: zone.ServiceHall, Name: "广州市政务服务中心政务公开专区", Address: "广州市天河区天润路333号广州市政务服务中心一楼",
			Hours: "周一至周五 9:00-12:00，13:00-17:00（法定节假日除外）", Services: "政府信息查阅\n政府信息公开申请受理\n政策咨询和解读\n办事指南查询"}},
		{"440105-001", zone.Input{Kind: zone.ServiceHall, Name: "赤岗街道政务服务中心政务公开专区", Address: "广州市海珠区赤岗北路街道政务服务中心",
			Hours: "周一至周五 9:00-12:00，14:00-18:00", Services: "政府信息查阅\n村（居）务公开查询\n政府信息公开申请受理"}},
	} {
		u, err := org.ByCode(ctx, tx, z.unit)
		if err != nil {
			return err
		}
		if _, err := zone.Create(ctx, tx, admin, u, z.in); err != nil {
			return err
		}
	}
	return nil
}
