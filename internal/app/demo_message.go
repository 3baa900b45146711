package app

import (
	"context"
	"fmt"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/message"
)

// demoMessage is a message to 赤岗 in the demo: asked so many working days
// before the demo loads and answered so many after, or not at all (-1).
type demoMessage struct {
	in       message.Input
	asked    int
	answered int
	answer   string
}

func demoMsg(category, title, content, name string, public bool) message.Input {
	return message.Input{UnitCode: "440105-001", Category: category, Title: title, Content: content, Name: name, Phone: "13800138000", Public: public}
}

var demoMessages = []demoMessage{
	{demoMsg(message.Consult, "长者饭堂助餐补贴怎么申请", "我母亲今年78岁，住在赤岗街道，想了解长者饭堂助餐补贴需要什么材料、到哪里申请。我的电话是13912345678。", "陈先生", true),
		150, 6, "您好！年满60周岁的辖内户籍老年人可持身份证到社区居委会或街道长者综合服务中心申请助餐补贴，80周岁以上高龄老人补贴标准更高。具体材料清单已在本街道政务公开专栏“养老服务”领域公开。"},
	{demoMsg(message.Suggest, "建议在赤岗路增设共享单车停放点", "赤岗路地铁站出口附近共享单车乱停放，影响行人通行，建议划定停放区域并安排人员定期整理。", "市民", true),
		90, 9, "感谢您的建议。街道已会同城管部门在赤岗路地铁站B出口划定两处共享单车停放区，并要求运营企业每日早晚高峰安排专人整理。"},
	{demoMsg(message.Help, "独居老人家中漏水无人维修", "我邻居是独居老人，家里厨房水管漏水好几天了，老人行动不便，请街道帮忙联系维修。", "黄女士", true),
		40, 3, "收到您的求助后，社区网格员当天上门查看，已联系物业完成维修，并将该老人纳入社区重点关爱对象定期探访。"},
	{demoMsg(message.Complaint, "夜间施工噪音扰民", "小区旁边工地每晚十一点后还在施工，严重影响休息，请相关部门处理。", "林先生", false),
		20, 5, "经核查，该工地未取得夜间施工许可，街道已责令其停止夜间施工，并将持续巡查。"},
	{demoMsg(message.Consult, "高龄津贴发放时间", "请问2026年高龄老人津贴每月几号发放？第三季度的还没有收到。", "周女士", true),
		75, -1, ""},
	{demoMsg(message.Suggest, "社区长者活动室开放时间", "建议社区长者活动室周末也开放，方便上班的子女陪老人参加活动。", "吴先生", true),
		2, -1, ""},
}

// LoadDemoMessages loads the demo's messages to 赤岗, once, after
// LoadDemo: four answered (three public), one left unanswered for more
// than three months and one that came two working days before the demo
// loads. Like the applications they are dated from the day they load, and
// tests that count messages or findings load the demo without them. It
// reports whether it loaded anything.
func LoadDemoMessages(ctx context.Context, d *db.DB) (bool, error) {
	return loadOnce(ctx, d, "demo_messages", "demo messages", demoMessagesLoad)
}

func demoMessagesLoad(ctx context.Context, tx *db.Tx) error {
	ed, err := auth.ByLogin(ctx, tx, "chigang-editor")
	if err != nil {
		return err
	}
	rv, err := auth.ByLogin(ctx, tx, "chigang-reviewer")
	if err != nil {
		return err
	}
	cal := calendar.Default().AssumeWeekends()
	today := calendar.DateOf(tx.Now().In(calendar.China))
	at := func(d calendar.Date, hour int) *db.Tx {
		return tx.At(time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, calendar.China))
	}
	for _, dm := range demoMessages {
		asked, err := cal.AddWorkdays(today, -dm.asked)
		if err != nil {
			return err
		}
		m, _, err := message.Submit(ctx, at(asked, 9), dm.in)
		if err != nil {
			return fmt.Errorf("%s: %w", dm.in.Title, err)
		}
		if dm.answered < 0 {
			continue
		}
		answered, err := cal.AddWorkdays(asked, dm.answered)
		if err != nil {
			return err
		}
		if m, err = message.Draft(ctx, at(answered, 10), ed, m, dm.answer); err != nil {
			return err
		}
		if _, err = message.Approve(ctx, at(answered, 11), rv, m); err != nil {
			return err
		}
	}
	return nil
}
