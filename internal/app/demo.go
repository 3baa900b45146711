package app

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"gongkai/internal/catalog"
	"gongkai/internal/info"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// demoVersion marks the demo data set in the settings table; LoadDemo does
// nothing when it is already there.
const demoVersion = "demo-v1"

// DemoAccount is a demo login, printed by serve --demo and listed in the
// README.
type DemoAccount struct {
	Login, Password string
	Role            auth.Role
	Unit            string
	Domain          string
	Name            string
}

// DemoAccounts are the demo logins, one per role, and the office
// responsible for service disclosure.
var DemoAccounts = []DemoAccount{
	{"admin", "gongkai-admin-2026", auth.Admin, "440100", "", "系统管理员"},
	{"gz-office", "gongkai-city-2026", auth.PublicOfficeCity, "440100", "", "市政务公开办"},
	{"haizhu-office", "gongkai-district-2026", auth.PublicOfficeDistrict, "440105", "", "海珠区政务公开办"},
	{"chigang-editor", "gongkai-editor-2026", auth.UnitEditor, "440105-001", "", "赤岗街道编辑"},
	{"chigang-reviewer", "gongkai-reviewer-2026", auth.UnitReviewer, "440105-001", "", "赤岗街道负责人"},
	{"minzheng-supervisor", "gongkai-domain-2026", auth.DomainSupervisor, "440100-14", "养老服务", "市民政局养老服务处"},
	// The office responsible for service disclosure (LoadDemoServices).
	{"zwfw-office", "gongkai-zwfw-2026", auth.UnitReviewer, "440100-04", "", "市政务服务数据管理局"},
}

// cityDepartments are the city departments the plan names for the pilot
// domains, then the others it names (guangzhou-units.md).
var cityDepartments = []string{
	"广州市规划和自然资源局", "广州市住房和城乡建设局", "广州市发展和改革委员会", "广州市政务服务数据管理局",
	"广州市财政局", "广州市应急管理局", "广州市生态环境局", "广州市文化广电旅游局", "广州市司法局",
	"广州市农业农村局", "广州市市场监督管理局", "广州市城市管理和综合执法局", "广州市人力资源和社会保障局",
	"广州市民政局", "广州市公安局", "广州市教育局", "广州市卫生健康委员会", "国家税务总局广州市税务局",
	"广州市人民政府办公厅（市政务公开办）", "广州市档案馆", "广州市交通运输局", "广州市水务局",
	"广州市工业和信息化局", "广州市商务局", "广州市科学技术局", "广州市地方金融监督管理局", "中共广州市委组织部（市公务员局）",
}

var districts = []struct{ Code, Name, En string }{
	{"440103", "荔湾区人民政府", "Liwan District"}, {"440104", "越秀区人民政府", "Yuexiu District"},
	{"440105", "海珠区人民政府", "Haizhu District"}, {"440106", "天河区人民政府", "Tianhe District"},
	{"440111", "白云区人民政府", "Baiyun District"}, {"440112", "黄埔区人民政府", "Huangpu District"},
	{"440113", "番禺区人民政府", "Panyu District"}, {"440114", "花都区人民政府", "Huadu District"},
	{"440115", "南沙区人民政府", "Nansha District"}, {"440117", "从化区人民政府", "Conghua District"},
	{"440118", "增城区人民政府", "Zengcheng District"},
}

// townships lists the streets and towns of three districts.
var townships = map[string][]struct {
	Name string
	Kind org.Kind
}{
	"440105": streets("赤岗", "新港", "昌岗", "江南中", "滨江", "素社", "海幢", "南华西", "龙凤", "沙园", "南石头", "凤阳", "瑞宝", "江海", "琶洲", "南洲", "华洲", "官洲"),
	"440104": streets("洪桥", "北京", "六榕", "流花", "光塔", "人民", "东山", "农林", "梅花村", "黄花岗", "华乐", "建设", "大塘", "珠光", "大东", "白云", "登峰", "矿泉"),
	"440117": append(streets("街口", "城郊", "江埔"), towns("温泉", "良口", "吕田", "太平", "鳌头")...),
}

var haizhuDepartments = []string{"海珠区民政局", "海珠区人力资源和社会保障局", "海珠区住房和建设局", "海珠区卫生健康局"}

func streets(names ...string) []struct {
	Name string
	Kind org.Kind
} {
	out := make([]struct {
		Name string
		Kind org.Kind
	}, len(names))
	for i, n := range names {
		out[i].Name, out[i].Kind = n+"街道办事处", org.Street
	}
	return out
}

func towns(names ...string) []struct {
	Name string
	Kind org.Kind
} {
	out := streets(names...)
	for i, n := range names {
		out[i].Name, out[i].Kind = n+"镇人民政府", org.Town
	}
	return out
}

// LoadDemo loads the demo units and accounts in one transaction, once: a
// database that already has them is left alone. It reports whether it loaded
// anything.
func LoadDemo(ctx context.Context, d *db.DB) (bool, error) {
	loaded := false
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var v string
		err := tx.QueryRow(ctx, "SELECT value FROM settings WHERE key = 'demo'").Scan(&v)
		if err == nil {
			return nil
		}
		const actor = "system:demo"
		add := func(n org.NewUnit) error {
			_, err := org.Create(ctx, tx, actor, nil, n)
			if e := errs.As(err); e != nil && e.Key == "unit.code_taken" {
				return nil // a unit an administrator already created
			}
			return err
		}
		if err := add(org.NewUnit{Code: "440100", Name: "广州市人民政府", NameEn: "Guangzhou Municipal Government", Kind: org.City}); err != nil {
			return err
		}
		for i, name := range cityDepartments {
			if err := add(org.NewUnit{Code: fmt.Sprintf("440100-%02d", i+1), Name: name, Kind: org.CityDepartment, ParentCode: "440100", Sort: i + 1}); err != nil {
				return err
			}
		}
		for i, dist := range districts {
			if err := add(org.NewUnit{Code: dist.Code, Name: dist.Name, NameEn: dist.En, Kind: org.District, ParentCode: "440100", Sort: i + 1}); err != nil {
				return err
			}
			for j, t := range townships[dist.Code] {
				if err := add(org.NewUnit{Code: fmt.Sprintf("%s-%03d", dist.Code, j+1), Name: t.Name, Kind: t.Kind, ParentCode: dist.Code, Sort: j + 1}); err != nil {
					return err
				}
			}
		}
		for i, name := range haizhuDepartments {
			if err := add(org.NewUnit{Code: fmt.Sprintf("440105-d%02d", i+1), Name: name, Kind: org.DistrictDepartment, ParentCode: "440105", Sort: 100 + i}); err != nil {
				return err
			}
		}
		for _, da := range DemoAccounts {
			_, err := auth.CreateAccount(ctx, tx, actor, nil, auth.NewAccount{Login: da.Login, DisplayName: da.Name,
				Password: da.Password, Role: da.Role, UnitCode: da.Unit, Domain: da.Domain})
			if e := errs.As(err); e != nil && e.Key == "account.login_taken" {
				continue
			}
			if err != nil {
				var m errs.Multi
				if errors.As(err, &m) {
					return fmt.Errorf("demo account %s: %v", da.Login, m)
				}
				return err
			}
		}
		if err := demoCatalogs(ctx, tx); err != nil {
			return fmt.Errorf("demo catalogs: %w", err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES ('demo', ?)", demoVersion); err != nil {
			return err
		}
		loaded = true
		return nil
	})
	return loaded, err
}

// DemoLogins returns the demo logins as lines for the terminal.
func DemoLogins() string {
	var b strings.Builder
	for _, da := range DemoAccounts {
		fmt.Fprintf(&b, "  %-20s %-24s %s\n", da.Login, da.Password, da.Role)
	}
	return b.String()
}

//go:embed demodata/guideline-yanglao.csv
var demoGuideline []byte

// demoCatalogs imports the 养老服务 guideline and puts streets of 海珠区 at
// each stage: 赤岗街道 published, 新港街道 submitted for the district office's review, 昌岗街道 a draft.
func demoCatalogs(ctx context.Context, tx *db.Tx) error {
	if err := catalog.SyncDomains(ctx, tx); err != nil {
		return err
	}
	dom, ok, err := catalog.ResolveDomain(ctx, tx, nil, "养老服务")
	if err != nil || !ok {
		return fmt.Errorf("domain 养老服务: %v", err)
	}
	t, err := catalog.ReadTable("guideline-yanglao.csv", bytes.NewReader(demoGuideline))
	if err != nil {
		return err
	}
	if _, _, err := catalog.ImportGuideline(ctx, tx, "system:demo", catalog.GuidelineImport{Domain: dom, DocNumber: dom.DocNumber, FileName: "guideline-yanglao.csv", Table: t}); err != nil {
		return err
	}
	office, err := auth.ByLogin(ctx, tx, "haizhu-office")
	if err != nil {
		return err
	}
	for i, stage := range []catalog.Status{catalog.Published, catalog.Submitted, catalog.Draft} {
		u, err := org.ByCode(ctx, tx, fmt.Sprintf("440105-%03d", i+1))
		if err != nil {
			return err
		}
		c, err := catalog.Compile(ctx, tx, office, u, dom)
		if err != nil {
			return err
		}
		for j := range c.Items {
			c.Items[j].Subject = u.Name
		}
		if c, err = catalog.SetItems(ctx, tx, office, c, c.Items); err != nil {
			return err
		}
		if stage == catalog.Draft {
			continue
		}
		if c, err = catalog.Submit(ctx, tx, office, c); err != nil {
			return err
		}
		if stage == catalog.Submitted {
			continue
		}
		if c, err = catalog.Approve(ctx, tx, office, c, ""); err != nil {
			return err
		}
		if _, err = catalog.Publish(ctx, tx, office, c); err != nil {
			return err
		}
		if err := demoInfo(ctx, tx, office, u, dom); err != nil {
			return err
		}
	}
	return nil
}

// demoRecords are published against 赤岗街道's 养老服务 catalog.
var demoRecords = []struct {
	item string
	in   info.Input
}{
	{"高龄老年人津贴", info.Input{Title: "赤岗街道2026年第三季度高龄老年人津贴发放情况公示", DocNumber: "", WrittenDate: "2026-10-09", Genre: "公示", Topic: "民政、扶贫、救灾",
		Body: "<p>根据《广东省养老服务条例》和本市高龄老年人津贴发放办法，现将本街道2026年第三季度高龄老年人津贴发放情况公示如下：本季度共有1,286名80周岁以上户籍老年人享受津贴，发放金额共计38.6万元。</p><p>公示期为7天。对公示内容有异议的，请在公示期内向街道社会事务办反映，电话020-89012345。</p>"}},
	{"长者饭堂", info.Input{Title: "关于调整赤岗街道长者饭堂开放时间的通知", DocNumber: "海赤街〔2026〕15号", WrittenDate: "2026-09-01", Genre: "通知", Topic: "民政、扶贫、救灾",
		Body: "<p>各社区居委会、各位长者：</p><p>为方便长者就餐，自2026年9月15日起，辖区内长者饭堂午餐时间调整为每日10:30至13:00，晚餐时间为16:30至18:00。60周岁以上户籍长者凭社保卡就餐，享受就餐补贴。</p>"}},
	{"", info.Input{Title: "赤岗街道办事处政府信息公开指南", WrittenDate: "2026-01-05", Genre: "指南", Column: info.ColumnGuide,
		Body: "<p>一、主动公开：本街道主动公开的政府信息通过海珠区人民政府门户网站“基层政务公开标准化规范化”专栏、街道公开查阅点和社区公示栏公开。</p><p>二、依申请公开：公民、法人或者其他组织可以通过互联网、信函或者当面向本街道申请获取政府信息。受理机构：赤岗街道党政综合办公室，办公时间为工作日上午9:00至12:00、下午14:00至18:00，联系电话020-89012300。</p><p>三、监督和救济：认为本街道在政府信息公开工作中侵犯其合法权益的，可以向海珠区政务公开办投诉、举报，也可以依法申请行政复议或者提起行政诉讼。</p>"}},
	{"服务项目", info.Input{Title: "赤岗街道社区居家养老服务项目清单（2026年版）", WrittenDate: "2026-03-20", Genre: "清单", Topic: "民政、扶贫、救灾",
		Body: "<p>本街道社区居家养老服务项目包括：助餐配餐、助洁助浴、康复护理、精神慰藉、紧急救援等，服务对象为辖区内60周岁以上老年人，申请方式为向所在社区居委会提出申请。</p>"}},
}

// demoInfo publishes the demo records of a unit's catalog.
func demoInfo(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, dom catalog.Domain) error {
	if u.Code != "440105-001" {
		return nil
	}
	for _, dr := range demoRecords {
		r, err := info.Create(ctx, tx, a, u, dr.in)
		if err != nil {
			return err
		}
		if dr.item != "" {
			if r, err = info.LinkItems(ctx, tx, a, r, dom, []string{dr.item}); err != nil {
				return err
			}
		}
		if r, err = info.Submit(ctx, tx, a, r); err != nil {
			return err
		}
		if r, err = info.Approve(ctx, tx, a, r); err != nil {
			return err
		}
		if _, err = info.Publish(ctx, tx, a, r); err != nil {
			return err
		}
	}
	return nil
}

// loadOnce runs load in one transaction unless the settings table records
// key, and records it: each part of the demo loads once, and running the
// demo again changes nothing. It reports whether it loaded anything; an
// error of load comes back prefixed with what.
func loadOnce(ctx context.Context, d *db.DB, key, what string, load func(ctx context.Context, tx *db.Tx) error) (bool, error) {
	loaded := false
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var v string
		if err := tx.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v); err == nil {
			return nil
		}
		if err := load(ctx, tx); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		_, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", key, demoVersion)
		loaded = err == nil
		return err
	})
	return loaded, err
}
