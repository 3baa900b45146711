package app

import (
	"context"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/opinion"
	"gongkai/internal/org"
	"gongkai/internal/rules"
)

// LoadDemoOpinion loads the demo's public-opinion items of 海珠区, once,
// after LoadDemo, dated from the day it loads: one in hand — a rumour
// about the subsidy for lifts in old housing, given to 赤岗 and 新港, with
// a leader's instruction; 赤岗 responded in time, 新港 is three working
// days overdue and urged — and one of 赤岗's closed and published, after
// the district's rules for it in its 制度 column. It reports
// whether it loaded anything.
func LoadDemoOpinion(ctx context.Context, d *db.DB) (bool, error) {
	return loadOnce(ctx, d, "demo_opinion", "demo opinion", demoOpinion)
}

func demoOpinion(ctx context.Context, tx *db.Tx) error {
	office, err := auth.ByLogin(ctx, tx, "haizhu-office")
	if err != nil {
		return err
	}
	editor, err := auth.ByLogin(ctx, tx, "chigang-editor")
	if err != nil {
		return err
	}
	district, err := org.ByCode(ctx, tx, "440105")
	if err != nil {
		return err
	}
	if err := demoOpinionRules(ctx, tx, office, district); err != nil {
		return err
	}
	cal := calendar.Default().AssumeWeekends()
	today := calendar.DateOf(tx.Now().In(calendar.China))
	// on is the transaction at hour on the working day n working days
	// from today (n < 0: before it).
	on := func(n, hour int) (*db.Tx, calendar.Date, error) {
		d, err := cal.AddWorkdays(today, n)
		if err != nil {
			return nil, d, err
		}
		return tx.At(time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, calendar.China)), d, nil
	}
	step := func(n, hour int, fn func(tx *db.Tx, day calendar.Date) (opinion.Item, error)) (opinion.Item, error) {
		t, day, err := on(n, hour)
		if err != nil {
			return opinion.Item{}, err
		}
		return fn(t, day)
	}

	// Closed and published: found 25 working days ago, answered in three.
	it, err := step(-25, 10, func(tx *db.Tx, day calendar.Date) (opinion.Item, error) {
		return opinion.Register(ctx, tx, office, opinion.Input{Title: "市民来电反映赤岗街道长者饭堂暂停供餐", Source: opinion.Hotline, Level: opinion.General,
			Summary: "12345热线转来市民诉求：赤岗街道某长者饭堂连续两天未供餐，老人就餐不便，来电人电话13800138000。",
			Project: "社区长者饭堂助餐服务", Found: day.String() + "T08:40"})
	})
	if err != nil {
		return err
	}
	if _, err = step(-25, 11, func(tx *db.Tx, _ calendar.Date) (opinion.Item, error) {
		return opinion.Assign(ctx, tx, cal, office, it.ID, opinion.AssignInput{Units: []string{"440105-001"}})
	}); err != nil {
		return err
	}
	it, _ = opinion.Load(ctx, tx, it.ID)
	if _, err = step(-22, 15, func(tx *db.Tx, _ calendar.Date) (opinion.Item, error) {
		return opinion.Respond(ctx, tx, editor, it.ID, it.Parts[0].ID, opinion.ResponseInput{
			Handling: "街道社区服务中心当天上门核查，系配餐企业设备故障，已督促企业更换设备，并由街道长者综合服务中心临时配送午餐。",
			Response: "经核查，该长者饭堂因配餐设备故障暂停供餐两天，现已恢复正常供餐。停餐期间已由街道长者综合服务中心为登记就餐的老人送餐上门。",
			Link:     "/zwgk/bzh/440105-001/"})
	}); err != nil {
		return err
	}
	if _, err = step(-21, 10, func(tx *db.Tx, _ calendar.Date) (opinion.Item, error) {
		return opinion.Close(ctx, tx, office, it.ID, "长者饭堂已恢复供餐，已电话回访来电人，对处理结果表示满意。")
	}); err != nil {
		return err
	}
	if _, err = step(-21, 11, func(tx *db.Tx, _ calendar.Date) (opinion.Item, error) {
		return opinion.Publish(ctx, tx, office, it.ID, true)
	}); err != nil {
		return err
	}

	// In hand: found 6 working days ago, 较大, due in three.
	if it, err = step(-6, 9, func(tx *db.Tx, day calendar.Date) (opinion.Item, error) {
		return opinion.Register(ctx, tx, office, opinion.Input{Title: "网传海珠区老旧小区加装电梯补贴取消", Source: opinion.Online, Level: opinion.Significant,
			Summary: "有自媒体发文称“海珠区今年起不再补贴老旧小区加装电梯”，引发部分小区居民在业主群转发讨论，赤岗、新港辖内多个正在筹备加装的小区居民致电询问。",
			Project: "既有住宅增设电梯", Found: day.String() + "T08:15"})
	}); err != nil {
		return err
	}
	if it, err = step(-6, 10, func(tx *db.Tx, _ calendar.Date) (opinion.Item, error) {
		return opinion.Assign(ctx, tx, cal, office, it.ID, opinion.AssignInput{Units: []string{"440105-001", "440105-002"}})
	}); err != nil {
		return err
	}
	if _, err = step(-5, 9, func(tx *db.Tx, day calendar.Date) (opinion.Item, error) {
		return opinion.Instruct(ctx, tx, office, it.ID, opinion.InstructionInput{Leader: "分管副区长", Day: day.String(),
			Text: "请相关街道会同区住房城乡建设部门尽快核实，以群众看得懂的方式澄清政策，做好解释引导。"})
	}); err != nil {
		return err
	}
	for _, p := range it.Parts {
		if p.Unit.Code != "440105-001" {
			// 新港 has not answered: the office urged it the day after the
			// due date (recorded only: the demo sends no mail).
			if _, err = step(-2, 9, func(tx *db.Tx, _ calendar.Date) (opinion.Item, error) {
				return opinion.Urge(ctx, tx, office, it.ID, p.ID, "请于今日下班前回应，并同步在街道公众号发布澄清说明。", false, "")
			}); err != nil {
				return err
			}
			continue
		}
		if _, err = step(-4, 16, func(tx *db.Tx, _ calendar.Date) (opinion.Item, error) {
			return opinion.Respond(ctx, tx, editor, it.ID, p.ID, opinion.ResponseInput{
				Handling: "街道已在辖内各社区居务公开栏和业主群发布说明，并安排社区工作人员到筹备加装电梯的小区逐户解释。",
				Response: "网传“海珠区不再补贴老旧小区加装电梯”不实。既有住宅增设电梯财政补贴政策继续执行，符合条件的小区可向所在街道提出申请。",
				Link:     "/zwgk/bzh/440105-001/"})
		}); err != nil {
			return err
		}
	}
	return nil
}

// demoOpinionRules submits 海珠区's rules for public-opinion response
// (解读回应) and has the city office accept them into its 制度 column, where
// the plan wants each unit's rules.
func demoOpinionRules(ctx context.Context, tx *db.Tx, office auth.Account, district org.Unit) error {
	city, err := auth.ByLogin(ctx, tx, "gz-office")
	if err != nil {
		return err
	}
	r, err := rules.Submit(ctx, tx, office, "", district, rules.Input{Title: "海珠区政务舆情回应工作办法", Category: string(rules.Interpretation), Adopted: "2026-03-02",
		Body: "第一条 本办法适用于本区各部门、各街道对涉及政策实施、重大项目推进和民生事项的政务舆情的登记、交办、回应、督办和公开。\n" +
			"第二条 舆情事项分为一般、较大、重大三级，由区政务公开办登记后交有关单位办理，回应期限分别为5个、3个、1个工作日，遇法定节假日顺延；区政务公开办可视情况另定期限。\n" +
			"第三条 区领导对舆情事项的批示由区政务公开办交办督办；逾期未回应的，区政务公开办向承办单位发出督办通知。\n" +
			"第四条 承办单位应在期限内核实情况、回应关切，并填报处置情况、回应内容和发布链接。办理情况按照穗府办函〔2018〕169号在区政府门户网站公开。\n" +
			"第五条 区政务公开办每月汇总各单位办理情况呈区领导；每年舆情回应工作情况纳入年度政务公开自查报告，于次年1月5日前报送市政务公开办。"})
	if err != nil {
		return err
	}
	_, err = rules.Accept(ctx, tx, city, "", r)
	return err
}
