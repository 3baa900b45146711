package selfreport

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/figures"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// Builtin returns the sources of the capabilities this program holds:
// catalogs, information, participation (consultations and messages),
// push, applications and inspection (with the task parts). cal gives the
// working-day calendar in force, for the reply periods. The sources of
// attributes, interpretation, opinion and training are registered where
// the program is wired, once their capabilities exist.
func Builtin(cal func() *calendar.Calendar) Sources {
	return Sources{
		Catalogs:    catalogsSection,
		Information: informationSection,
		Participation: func(ctx context.Context, q db.Querier, u org.Unit, year int) (map[string]any, string, error) {
			return participationSection(ctx, q, cal(), u, year)
		},
		Push: pushSection,
		Applications: func(ctx context.Context, q db.Querier, u org.Unit, year int) (map[string]any, string, error) {
			return applicationsSection(ctx, q, cal(), u, year)
		},
		Inspection: inspectionSection,
	}
}

func catalogsSection(ctx context.Context, q db.Querier, u org.Unit, year int) (map[string]any, string, error) {
	c, err := figures.CatalogsOf(ctx, q, u, figures.PeriodOf(q, year))
	if err != nil {
		return nil, "", err
	}
	m := c.Map()
	m["domains"] = append([]string{}, c.Domains...)
	var b strings.Builder
	switch {
	case c.Kept == 0:
		b.WriteString("本单位本年度未编制政务公开事项标准目录。")
	case c.Published == 0:
		fmt.Fprintf(&b, "本单位已编制政务公开事项标准目录%d个，截至%d年底尚未发布。", c.Kept, year)
	default:
		fmt.Fprintf(&b, "本单位已编制政务公开事项标准目录%d个，其中已发布%d个（%s领域），共%d个事项。截至%d年底，已挂载政府信息的事项%d个，信息加载率%s",
			c.Kept, c.Published, strings.Join(c.Domains, "、"), c.Items, year, c.Loaded, figures.PercentText(c.Loaded, c.Items))
		if c.Unloaded() > 0 {
			fmt.Fprintf(&b, "，尚有%d个事项未挂载信息。", c.Unloaded())
		} else {
			b.WriteString("，目录事项均已挂载信息。")
		}
	}
	if c.Unparsed > 0 {
		fmt.Fprintf(&b, "目录中有%d个事项的公开时限无法识别，需进一步明确。", c.Unparsed)
	}
	return m, b.String(), nil
}

func informationSection(ctx context.Context, q db.Querier, u org.Unit, year int) (map[string]any, string, error) {
	f, err := figures.InformationOf(ctx, q, u, figures.PeriodOf(q, year))
	if err != nil {
		return nil, "", err
	}
	text := fmt.Sprintf("%d年本单位主动公开政府信息%d条，其中法定主动公开内容%d条、政府信息公开指南%d条、政府信息公开制度%d条、政府信息公开工作年度报告%d条；按目录事项挂载的%d条。",
		year, f.Published, f.ByColumn["fdzdgknr"], f.ByColumn["zn"], f.ByColumn["zd"], f.ByColumn["nb"], f.Loaded)
	if f.Withdrawn > 0 {
		text += fmt.Sprintf("本年度撤回已发布信息%d条。", f.Withdrawn)
	}
	return f.Map(), text, nil
}

func participationSection(ctx context.Context, q db.Querier, cal *calendar.Calendar, u org.Unit, year int) (map[string]any, string, error) {
	p := figures.PeriodOf(q, year)
	c, err := figures.ConsultationsOf(ctx, q, u, p)
	if err != nil {
		return nil, "", err
	}
	m, err := figures.MessagesOf(ctx, q, cal, u, p)
	if err != nil {
		return nil, "", err
	}
	out := c.Map()
	maps.Copy(out, m.Map())
	var b strings.Builder
	if c.Published == 0 {
		b.WriteString("本年度未开展政策草案意见征集。")
	} else {
		fmt.Fprintf(&b, "本年度发布政策草案意见征集%d次，收到意见%d条；已结束的%d次中，%d次已公布征集意见处理情况反馈", c.Published, c.Comments, c.Closed, c.Feedback)
		if c.NoFeedback > 0 {
			fmt.Fprintf(&b, "，%d次尚未公布", c.NoFeedback)
		}
		b.WriteString("。")
	}
	if m.Received == 0 {
		b.WriteString("本年度未收到网民留言。")
	} else {
		fmt.Fprintf(&b, "收到网民留言%d件，其中无效留言%d件；已答复%d件，其中按期答复%d件、逾期答复%d件；截至%s，超期未答复%d件，尚在办理期限内%d件。",
			m.Received, m.Invalid, m.Answered, m.OnTime, m.Late, p.AsOf, m.Overdue, m.Pending)
		if m.Satisfied+m.Unsatisfied > 0 {
			fmt.Fprintf(&b, "留言人评价满意（含基本满意）%d件、不满意%d件。", m.Satisfied, m.Unsatisfied)
		}
	}
	return out, b.String(), nil
}

func pushSection(ctx context.Context, q db.Querier, u org.Unit, year int) (map[string]any, string, error) {
	f, err := figures.PushOf(ctx, q, u, figures.PeriodOf(q, year))
	if err != nil {
		return nil, "", err
	}
	text := fmt.Sprintf("目前关注本单位信息的有效订阅%d个。", f.Subscribers)
	if f.Notices == 0 {
		text = "本年度未向订阅用户定向推送通知。" + text
	} else {
		text = fmt.Sprintf("本年度向订阅用户定向推送通知%d次，覆盖订阅对象%d个，成功送达%d条，发送失败%d条，待发送%d条。", f.Notices, f.Recipients, f.Sent, f.Failed, f.Queued) + text
	}
	return f.Map(), text, nil
}

func applicationsSection(ctx context.Context, q db.Querier, cal *calendar.Calendar, u org.Unit, year int) (map[string]any, string, error) {
	p := figures.PeriodOf(q, year)
	a, err := figures.ApplicationsOf(ctx, q, cal, u, p)
	if err != nil {
		return nil, "", err
	}
	text := fmt.Sprintf("本年度新收政府信息公开申请%d件，上年结转%d件；办结%d件，其中按期答复%d件、逾期答复%d件；结转下年度继续办理%d件，截至%s超过法定期限未答复%d件。",
		a.Received, a.CarriedOver, a.Replied, a.OnTime, a.Late, a.CarriedForward, p.AsOf, a.Overdue)
	if a.Reviews+a.Suits == 0 {
		text += "本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"
	} else {
		text += fmt.Sprintf("因政府信息公开被申请行政复议%d件、提起行政诉讼%d件，其中被纠错%d件。", a.Reviews, a.Suits, a.Lost)
	}
	return a.Map(), text, nil
}

// ruleNames returns the Chinese names of the rules with ids.
func ruleNames(ids []string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, ruleName(i18n.Zh, id))
	}
	return out
}

func inspectionSection(ctx context.Context, q db.Querier, u org.Unit, year int) (map[string]any, string, error) {
	p := figures.PeriodOf(q, year)
	f, err := figures.InspectionOf(ctx, q, u, p)
	if err != nil {
		return nil, "", err
	}
	t, err := figures.TasksOf(ctx, q, u, p)
	if err != nil {
		return nil, "", err
	}
	m := f.Map()
	maps.Copy(m, t.Map())
	var b strings.Builder
	if f.Runs == 0 {
		b.WriteString("本年度本单位未被纳入网上巡查。")
	} else {
		verdict := "合格"
		if !f.Passed {
			verdict = "不合格"
		}
		fmt.Fprintf(&b, "本年度本单位被网上巡查%d次，平均得分%.2f分；最近一次巡查（%s）得分%.2f分，%s，发现问题%d个", f.Runs, f.Mean, f.LastAsOf, f.Last, verdict, f.Findings)
		if len(f.Rules) > 0 {
			fmt.Fprintf(&b, "，涉及%s", strings.Join(ruleNames(f.Rules), "、"))
		}
		b.WriteString("。")
	}
	if f.Notices > 0 {
		fmt.Fprintf(&b, "收到整改通知%d份，涉及问题%d个，经复查已整改%d个", f.Notices, f.NoticeFindings, f.Rectified)
		if f.OverdueNotices > 0 {
			fmt.Fprintf(&b, "，逾期未完成整改的通知%d份", f.OverdueNotices)
		}
		b.WriteString("。")
	}
	if t.Assigned == 0 {
		b.WriteString("本年度无到期的任务清单事项。")
	} else {
		fmt.Fprintf(&b, "任务清单中本年度到期的事项%d项，已完成并通过验收%d项（按期%d项、逾期%d项），已报送待验收%d项，逾期未完成%d项，未到期%d项。",
			t.Assigned, t.Accepted, t.OnTime, t.Late, t.Reported, t.Overdue, t.Open)
	}
	return m, b.String(), nil
}
