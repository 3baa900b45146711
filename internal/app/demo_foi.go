package app

import (
	"context"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/foi"
)

// demoApplicant is a person or organization applying in the demo.
func demoApplicant(name, id string) foi.Applicant {
	return foi.Applicant{Type: foi.NaturalPerson, Name: name, IDType: "resident_id", IDNumber: id, Phone: "138" + id[10:18], Email: ""}
}

// demoApplication is an application to 赤岗 answered in the past.
type demoApplication struct {
	applicant   foi.Applicant
	description string
	channel     string
	received    int // working days before the demo loads
	answered    int // working days after receipt
	result      string
	reply       string
	agency      string
}

var demoApplications = []demoApplication{
	{demoApplicant("陈志强", "440105198503120027"), "2025年赤岗街道高龄老年人津贴发放名单", foi.Post, 230, 14, foi.Granted, "2025年度发放名单已在本机关政府信息公开平台公开，现将名单随本告知书提供。", ""},
	{demoApplicant("黄丽华", "440105197209061412"), "赤岗街道关于长者饭堂运营补贴的会议纪要", foi.InPerson, 180, 14, foi.DeniedProcessInfo, "所申请的会议纪要属于讨论记录。", ""},
	{demoApplicant("林晓东", "440106199001013521"), "海珠区养老机构床位补贴资金拨付明细", foi.Email, 60, 13, foi.UnableNotHeld, "床位补贴资金由区民政部门审核拨付。", "海珠区民政局"},
	{demoApplicant("周美玲", "440105196611200834"), "赤岗街道长者饭堂2026年助餐补贴标准", foi.InPerson, 150, 9, foi.Granted, "补贴标准见附件。", ""},
	{demoApplicant("吴建国", "440113199505172167"), "长者饭堂助餐补贴标准（赤岗街道）", foi.Post, 120, 12, foi.Granted, "补贴标准见附件。", ""},
	{foi.Applicant{Type: foi.SocialWelfareOrg, Name: "广州市海珠区某某社会工作服务中心", IDType: foi.USCC, IDNumber: "91350100M000100Y43", LegalRep: "郑敏", Contact: "何佳", Phone: "020-89001234", Email: "service@example.org.cn"},
		"赤岗街道长者饭堂助餐补贴的标准和发放对象", foi.Email, 90, 13, foi.Granted, "补贴标准和发放对象见附件。", ""},
}

// LoadDemoApplications loads the demo's applications for disclosure, once,
// after LoadDemo. They are dated from the day they load, so that the
// console shows work in progress; tests that count applications load the
// demo without them. It reports whether it loaded anything.
func LoadDemoApplications(ctx context.Context, d *db.DB) (bool, error) {
	return loadOnce(ctx, d, "demo_foi", "demo applications", demoFOI)
}

// demoFOI loads applications to 赤岗: six answered on time over the year
// before the demo loads (three alike, for 依申请转主动) and, on the day it
// loads, one submitted online, one waiting for a correction and one in
// consultation.
func demoFOI(ctx context.Context, tx *db.Tx) error {
	ed, err := auth.ByLogin(ctx, tx, "chigang-editor")
	if err != nil {
		return err
	}
	cal := calendar.Default().AssumeWeekends()
	today := calendar.DateOf(tx.Now().In(calendar.China))
	input := func(ap foi.Applicant, desc string) foi.Input {
		delivery := "post"
		if ap.Email != "" {
			delivery = "email"
		}
		if ap.Address == "" {
			ap.Address = "广州市海珠区赤岗路" + fmt.Sprint(len(desc)) + "号"
		}
		return foi.Input{UnitCode: "440105-001", Applicant: ap, Description: desc, Medium: "paper", Delivery: delivery}
	}
	for _, d := range demoApplications {
		received, err := cal.AddWorkdays(today, -d.received)
		if err != nil {
			return err
		}
		answered, err := cal.AddWorkdays(received, d.answered)
		if err != nil {
			return err
		}
		app, _, err := foi.Register(ctx, tx, ed, input(d.applicant, d.description), d.channel, received.String(), "")
		if err != nil {
			return fmt.Errorf("demo application %s: %w", d.description, err)
		}
		if app, err = foi.Answer(ctx, tx, ed, app, foi.Reply{Result: d.result, Date: answered.String(), Text: d.reply, OtherAgency: d.agency}); err != nil {
			return fmt.Errorf("demo reply %s: %w", d.description, err)
		}
		if _, err := foi.Deliver(ctx, tx, ed, app, answered.String(), "邮寄送达"); err != nil {
			return err
		}
	}
	if _, _, err := foi.Apply(ctx, tx, input(foi.Applicant{Type: foi.NaturalPerson, Name: "刘芳", IDType: "resident_id", IDNumber: "11010519491231002X", Phone: "13912345678", Email: "liufang@example.com"},
		"赤岗街道2026年第三季度高龄老年人津贴发放情况")); err != nil {
		return err
	}
	app, _, err := foi.Register(ctx, tx, ed, input(demoApplicant("陈志强", "440105198503120027"), "关于赤岗街道的有关文件"), foi.InPerson, today.String(), "")
	if err != nil {
		return err
	}
	if _, err := foi.RequestCorrection(ctx, tx, cal, ed, app, foi.DefaultCorrection, "请写明所需文件的名称、文号或者形成时间等特征。"); err != nil {
		return err
	}
	app, _, err = foi.Register(ctx, tx, ed, input(demoApplicant("黄丽华", "440105197209061412"), "赤岗街道社区居家养老服务项目承接机构的服务合同"), foi.Post, today.String(), "")
	if err != nil {
		return err
	}
	_, err = foi.Consult(ctx, tx, cal, ed, app, foi.ThirdParty, "广州市某某养老服务有限公司", "合同涉及该公司的报价信息")
	return err
}
