package app

import (
	"context"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/org"
	"gongkai/internal/rules"
	"gongkai/internal/training"
)

// LoadDemoRules loads the demo's workflow rules and training, once, after
// LoadDemo: rules of 赤岗街道 (submitted by its editor, accepted by 海珠区's
// office) and of 海珠区 itself (accepted by the city office), one in each
// category and all published in their 制度 column, one returned with the
// office's reason, one recommended to all; and three training sessions of
// this year — the city office's session on handling applications, 海珠区's
// and 赤岗's — with attendance. The rules carry no files, so nothing is
// stored on disk. It reports whether it loaded anything.
func LoadDemoRules(ctx context.Context, d *db.DB) (bool, error) {
	return loadOnce(ctx, d, "demo_rules", "demo rules and training", func(ctx context.Context, tx *db.Tx) error {
		if err := demoRules(ctx, tx); err != nil {
			return err
		}
		return demoTraining(ctx, tx)
	})
}

// demoRule is a rule of the demo and what its office does with it.
type demoRule struct {
	unit, by, office string
	in               rules.Input
	returned         string // the office's reason, for the one it returns
	recommend        bool
}

var demoRuleSet = []demoRule{
	{unit: "440105-001", by: "chigang-editor", office: "haizhu-office", in: rules.Input{Title: "赤岗街道政府信息管理制度", Category: string(rules.InfoManagement), Adopted: "2020-09-15",
		Body: "第一条 为规范本街道政府信息的产生、收集、保存和管理，根据《中华人民共和国政府信息公开条例》，制定本制度。\n第二条 街道党政综合办公室负责政府信息的统一登记、分类和归档，各科室确定一名信息员。\n第三条 政府信息形成时即明确公开属性，按照基层政务公开标准目录及时录入。\n第四条 已公开的政府信息每半年清理一次，失效、废止的及时标注。"}},
	{unit: "440105-001", by: "chigang-editor", office: "haizhu-office", in: rules.Input{Title: "赤岗街道政府信息公开发布审查制度", Category: string(rules.ReleaseReview), Adopted: "2020-09-15",
		Body: "第一条 拟公开的政府信息实行“先审查、后公开”和“一事一审”。\n第二条 承办科室负责初审，街道党政综合办公室复审，分管领导审签后发布。\n第三条 审查内容包括保密审查、个人信息保护和公开属性。\n第四条 审查记录留存备查，保存期限不少于三年。"}},
	{unit: "440105-001", by: "chigang-editor", office: "haizhu-office", recommend: true, in: rules.Input{Title: "赤岗街道政策解读和回应关切工作制度", Category: string(rules.Interpretation), Adopted: "2020-09-20",
		Body: "第一条 出台涉及群众切身利益的政策文件，解读材料与政策文件同步起草、同步审签、同步发布。\n第二条 解读采用文字、图解、简明问答等群众易于理解的形式。\n第三条 对涉及本街道的舆情和群众关切，由相关科室在规定时限内作出回应，重要情况报街道主要负责同志。\n第四条 回应情况在门户网站公开。"}},
	{unit: "440105-001", by: "chigang-editor", office: "haizhu-office", in: rules.Input{Title: "赤岗街道公众参与政务工作制度", Category: string(rules.Participation), Adopted: "2020-09-20",
		Body: "第一条 涉及群众切身利益的重要事项，应当通过门户网站、居民议事会等方式公开征求意见，期限一般不少于30日。\n第二条 邀请利益相关方、群众代表列席街道有关会议。\n第三条 意见采纳情况在征求意见结束后公开反馈。"}},
	{unit: "440105-001", by: "chigang-editor", office: "haizhu-office", in: rules.Input{Title: "赤岗街道政务公开工作例会制度", Category: string(rules.Other), Adopted: "2021-03-01",
		Body: "第一条 街道每季度召开一次政务公开工作例会，通报栏目更新、依申请公开办理和群众留言办理情况。\n第二条 例会研究解决政务公开工作中的问题，明确责任科室和完成时限。"}},
	{unit: "440105-001", by: "chigang-editor", office: "haizhu-office", returned: "请补充申请登记、补正告知和答复审核的时限，并与粤办函〔2020〕42号答复规范保持一致。",
		in: rules.Input{Title: "赤岗街道政府信息依申请公开办理制度", Category: string(rules.Applications), Adopted: "2020-09-25",
			Body: "第一条 街道党政综合办公室统一受理政府信息公开申请。\n第二条 承办科室按照要求起草答复。"}},
	{unit: "440105", by: "haizhu-office", office: "gz-office", in: rules.Input{Title: "海珠区政府信息依申请公开办理工作规范", Category: string(rules.Applications), Adopted: "2020-09-28",
		Body: "第一条 区政府办公室（区政务公开办）统一受理向区政府提出的政府信息公开申请，各单位受理向本单位提出的申请。\n第二条 申请内容不明确的，在收到申请之日起7个工作日内一次性告知补正。\n第三条 答复应当在收到申请之日起20个工作日内作出，需要延长的，经政府信息公开工作机构负责人同意。\n第四条 答复文书使用全市统一的告知书模板。"}},
	{unit: "440105", by: "haizhu-office", office: "gz-office", in: rules.Input{Title: "海珠区重大行政决策公众参与制度", Category: string(rules.Participation), Adopted: "2020-09-28",
		Body: "第一条 重大行政决策事项在提交审议前，应当向社会公开征求意见。\n第二条 建立利益相关方、公众代表、专家列席政府常务会议制度。\n第三条 公开征求意见的采纳情况及理由应当向社会反馈。"}},
	{unit: "440105", by: "haizhu-office", office: "gz-office", in: rules.Input{Title: "海珠区政务公开工作考核和责任追究制度", Category: string(rules.Supervision), Adopted: "2020-09-28",
		Body: "第一条 政务公开工作纳入区对各单位的年度绩效考核。\n第二条 区政务公开办每季度对各单位政务公开专栏开展检查，通报检查结果。\n第三条 对不依法履行政务公开义务的，依照有关规定追究责任。"}},
}

func demoRules(ctx context.Context, tx *db.Tx) error {
	for _, dr := range demoRuleSet {
		by, err := auth.ByLogin(ctx, tx, dr.by)
		if err != nil {
			return err
		}
		office, err := auth.ByLogin(ctx, tx, dr.office)
		if err != nil {
			return err
		}
		u, err := org.ByCode(ctx, tx, dr.unit)
		if err != nil {
			return err
		}
		r, err := rules.Submit(ctx, tx, by, "", u, dr.in)
		if err != nil {
			return fmt.Errorf("%s: %w", dr.in.Title, err)
		}
		if dr.returned != "" {
			if _, err := rules.Return(ctx, tx, office, r, dr.returned); err != nil {
				return err
			}
			continue
		}
		if r, err = rules.Accept(ctx, tx, office, "", r); err != nil {
			return fmt.Errorf("%s: %w", dr.in.Title, err)
		}
		if dr.recommend {
			city, err := auth.ByLogin(ctx, tx, "gz-office")
			if err != nil {
				return err
			}
			if _, err := rules.Recommend(ctx, tx, city, r, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoTraining records three sessions of this year, the newest ten days
// ago (none before 2 January, so that they stay in this year's list).
func demoTraining(ctx context.Context, tx *db.Tx) error {
	today := calendar.DateOf(tx.Now().In(calendar.China))
	first := calendar.Date{Year: today.Year, Month: 1, Day: 2}
	day := func(ago int) string {
		d := today.AddDays(-ago)
		if d.Before(first) {
			d = first
		}
		return d.String()
	}
	year := fmt.Sprint(today.Year)
	sessions := []struct {
		by, organiser string
		in            training.Input
		attendance    []training.AttendanceInput
	}{
		{"gz-office", "440100", training.Input{Date: day(75), Topic: year + "年政府信息公开申请办理工作业务培训", Kind: string(training.Applications),
			Audience: "各区政务公开办、市直各部门政府信息公开申请经办人员", AudienceKinds: []string{"district", "city_department"}, Place: "广州市政府第二办公区会议室"},
			[]training.AttendanceInput{{Unit: "440105", People: "3", Names: "海珠区政务公开办经办人员3名"}, {Unit: "440104", People: "2"},
				{Unit: "440105-001", People: "1"}, {Unit: "440100-14", People: "2"}}},
		{"haizhu-office", "440105", training.Input{Date: day(40), Topic: "海珠区基层政务公开标准化规范化业务培训", Kind: string(training.General),
			Audience: "各街道、区直各部门政务公开工作人员", AudienceKinds: []string{"district_department", "street"}, Place: "海珠区政府会议中心"},
			[]training.AttendanceInput{{Unit: "440105-001", People: "4"}, {Unit: "440105-002", People: "3"}, {Unit: "440105-d01", People: "2"},
				{Unit: "440105-d04", People: "2"}}},
		{"chigang-editor", "440105-001", training.Input{Date: day(10), Topic: "《中华人民共和国政府信息公开条例》学习会", Kind: string(training.Other),
			Audience: "街道各科室信息员", AudienceKinds: []string{"street"}, Place: "赤岗街道办事处三楼会议室"},
			[]training.AttendanceInput{{Unit: "440105-001", People: "12"}}},
	}
	for _, s := range sessions {
		a, err := auth.ByLogin(ctx, tx, s.by)
		if err != nil {
			return err
		}
		u, err := org.ByCode(ctx, tx, s.organiser)
		if err != nil {
			return err
		}
		sess, err := training.Create(ctx, tx, a, u, s.in)
		if err != nil {
			return err
		}
		for _, in := range s.attendance {
			if sess, err = training.Attend(ctx, tx, a, sess, in); err != nil {
				return fmt.Errorf("%s %s: %w", s.in.Topic, in.Unit, err)
			}
		}
	}
	return nil
}
