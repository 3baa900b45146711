package app

import (
	"bytes"
	"context"
	"embed"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calstore"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
	"gongkai/internal/services"
)

//go:embed demodata/services-*.csv
var demoServiceFiles embed.FS

// demoServiceUnits are the units whose guides the demo imports:
// 海珠区民政局, 海珠区人力资源和社会保障局 and 赤岗街道.
var demoServiceUnits = []string{"440105-d01", "440105-d02", "440105-001"}

// DemoServiceOffice is the demo login of the office responsible for
// service disclosure (市政务服务数据管理局), the last of DemoAccounts.
var DemoServiceOffice = DemoAccounts[len(DemoAccounts)-1]

// demoEvents are the life and business events of the plan (个人: 生育, 入学…;
// 法人: 开办, 准营…), as the city office keeps them.
var demoEvents = []services.EventInput{
	{Code: "shengyu", Name: "生育", NameEn: "Having a baby", Kind: "personal", Sort: 1, Intro: "从生育登记到新生儿参保，一次了解要办的事和要带的材料。"},
	{Code: "ruxue", Name: "入学", NameEn: "Starting school", Kind: "personal", Sort: 2},
	{Code: "jiuye", Name: "就业", NameEn: "Finding work", Kind: "personal", Sort: 3},
	{Code: "hunyin", Name: "婚姻", NameEn: "Marriage", Kind: "personal", Sort: 4},
	{Code: "zhufang", Name: "住房", NameEn: "Housing", Kind: "personal", Sort: 5},
	{Code: "shebao", Name: "社保", NameEn: "Social insurance", Kind: "personal", Sort: 6},
	{Code: "yanglao", Name: "养老", NameEn: "Old age", Kind: "personal", Sort: 7, Intro: "高龄津贴、居家养老、养老保险和长者饭堂，办好养老一件事。"},
	{Code: "shenhoushi", Name: "身后事", NameEn: "After a death", Kind: "personal", Sort: 8},
	{Code: "kaiban", Name: "开办", NameEn: "Starting a business", Kind: "business", Sort: 1, Intro: "企业开办后的社保登记、招用人员登记和创业资助。"},
	{Code: "zhunying", Name: "准营", NameEn: "Permits to operate", Kind: "business", Sort: 2},
	{Code: "biangeng", Name: "变更", NameEn: "Changes", Kind: "business", Sort: 3},
	{Code: "touzijianshe", Name: "投资建设", NameEn: "Investment and construction", Kind: "business", Sort: 4},
	{Code: "nashui", Name: "纳税", NameEn: "Paying taxes", Kind: "business", Sort: 5},
	{Code: "zhuxiao", Name: "注销", NameEn: "Closing down", Kind: "business", Sort: 6},
}

// LoadDemoServices loads, once, after LoadDemo, service disclosure's
// demo: 市政务服务数据管理局 as the office responsible with its login, the
// online service hall, the events, 21 published guides of three 海珠区 units
// (imported from tables, some lacking key elements) and one awaiting
// review, the order of 生育's guides, two complaints and a spot check of the
// quarter. It reports whether it loaded anything.
func LoadDemoServices(ctx context.Context, d *db.DB) (bool, error) {
	cal, err := calstore.Load(ctx, d)
	if err != nil {
		return false, err
	}
	return loadOnce(ctx, d, "demo_services", "demo services", func(ctx context.Context, tx *db.Tx) error {
		return demoServices(ctx, tx, cal)
	})
}

func demoServices(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) error {
	const actor = "system:demo"
	da := DemoServiceOffice
	// LoadDemo makes the login; a database loaded before it was one of
	// DemoAccounts gets it here. (A failed insert would end a PostgreSQL
	// transaction, so it is looked up first.)
	if _, err := auth.ByLogin(ctx, tx, da.Login); errs.KindOf(err) == errs.NotFound {
		if _, err := auth.CreateAccount(ctx, tx, actor, nil, auth.NewAccount{Login: da.Login, DisplayName: da.Name, Password: da.Password, Role: da.Role, UnitCode: da.Unit}); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	admin, err := auth.ByLogin(ctx, tx, "admin")
	if err != nil {
		return err
	}
	s, err := services.SaveSettings(ctx, tx, admin, da.Unit, "https://www.gdzwfw.gov.cn/")
	if err != nil {
		return err
	}
	for _, e := range demoEvents {
		if _, err := services.SaveEvent(ctx, tx, admin, s, e); err != nil {
			return err
		}
	}
	office, err := auth.ByLogin(ctx, tx, "haizhu-office")
	if err != nil {
		return err
	}
	for _, code := range demoServiceUnits {
		name := "demodata/services-" + code + ".csv"
		data, err := demoServiceFiles.ReadFile(name)
		if err != nil {
			return err
		}
		u, err := org.ByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		f, err := services.ReadFile(name, bytes.NewReader(data))
		if err != nil {
			return err
		}
		if _, err := services.ImportGuides(ctx, tx, office, services.Import{Unit: u, Publish: true, FileName: name, File: f}); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	chigang, err := org.ByCode(ctx, tx, "440105-001")
	if err != nil {
		return err
	}
	editor, err := auth.ByLogin(ctx, tx, "chigang-editor")
	if err != nil {
		return err
	}
	seven := 7
	g, err := services.Create(ctx, tx, editor, chigang, services.Content{Name: "老年人优待证办理", Type: services.PublicService,
		Basis: "《广东省老年人权益保障条例》", Conditions: "户籍在本街道、年满60周岁的老年人", Steps: []string{"申请", "受理", "制证", "领证"},
		Materials:    []services.Material{{Name: "居民身份证", Form: services.FormPaper, Copies: 1, Original: true}, {Name: "近期免冠证件照片", Form: services.FormPaper, Copies: 1}},
		PromisedDays: &seven, Fee: "不收费", Place: "赤岗街道政务服务中心（广州市海珠区赤岗北路118号）", Phone: "020-89012300", Events: []string{"养老"}})
	if err != nil {
		return err
	}
	if _, err := services.Submit(ctx, tx, editor, g); err != nil {
		return err
	}
	// 生育 in the order a family meets its steps.
	hz, err := org.ByCode(ctx, tx, "440105")
	if err != nil {
		return err
	}
	all, err := services.PublishedIn(ctx, tx, hz)
	if err != nil {
		return err
	}
	find := func(name string) services.PublishedGuide {
		for _, p := range all {
			if p.Name == name {
				return p
			}
		}
		return services.PublishedGuide{}
	}
	ev, err := services.EventByCode(ctx, tx, "shengyu")
	if err != nil {
		return err
	}
	var order []int64
	for _, n := range []string{"生育登记", "生育津贴申领", "城乡居民医疗保险参保登记（新生儿）"} {
		order = append(order, find(n).ID)
	}
	if _, err := services.SetOrder(ctx, tx, admin, s, ev, order); err != nil {
		return err
	}
	// A complaint from the portal waiting for the office, and one the
	// office sent to 赤岗 to verify.
	zwfw, err := auth.ByLogin(ctx, tx, da.Login)
	if err != nil {
		return err
	}
	if _, err := services.Register(ctx, tx, nil, s, find("长者饭堂就餐登记"), services.ComplaintInput{Kind: services.KindOutdated,
		Content: "长者饭堂晚餐时间已改为16:30开始，指南上的办理时间没有更新。", Contact: "138****0000"}); err != nil {
		return err
	}
	c, err := services.Register(ctx, tx, &zwfw, s, find("残疾人两项补贴申请"), services.ComplaintInput{Kind: services.KindIncomplete,
		Content: "12345热线转来：办事指南没有列出申请材料，群众不知道要带什么。"})
	if err != nil {
		return err
	}
	// The demo may load in a year whose holidays are not known yet.
	if _, err := services.Transfer(ctx, tx, zwfw, s, cal.AssumeWeekends(), c); err != nil {
		return err
	}
	// The quarter's spot check of 海珠区, drawn and partly checked.
	day := calendar.DateOf(tx.Now().In(calendar.China))
	quarter := fmt.Sprintf("%dQ%d", day.Year, (int(day.Month)+2)/3)
	chk, err := services.StartCheck(ctx, tx, zwfw, s, services.CheckInput{Quarter: quarter, Scope: "440105", PerUnit: 2, Seed: 2026})
	if err != nil {
		return err
	}
	for _, it := range chk.Items[:2] {
		sh := services.Sheet{Accurate: true, Complete: true, Current: true}
		if it.Seq == 2 {
			sh = services.Sheet{Accurate: true, Complete: false, Current: true, Note: "抽查发现办事指南要素不全，请补充。"}
		}
		if chk, err = services.Record(ctx, tx, zwfw, s, chk, it.Seq, sh); err != nil {
			return err
		}
	}
	return nil
}
