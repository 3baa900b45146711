package app

import (
	"context"
	"fmt"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/info"
	"gongkai/internal/interpret"
	"gongkai/internal/org"
)

// LoadDemoInterpretations loads the demo's policy interpretation, once,
// after LoadDemo (赤岗街道's rules for interpretation come with
// LoadDemoRules): a policy published together with its graphic interpretation, a policy
// with a text interpretation and questions and answers, and the city
// office's evaluation of the current half-year with its results published
// and one policy returned for re-interpretation. It reports whether it
// loaded anything.
func LoadDemoInterpretations(ctx context.Context, d *db.DB) (bool, error) {
	return loadOnce(ctx, d, "demo_interpret", "demo interpretations", demoInterpretations)
}

// demoPolicy is a policy of the demo with its interpretations.
type demoPolicy struct {
	in     info.Input
	interp []interpret.Input
}

var demoPolicies = []demoPolicy{
	{info.Input{Title: "关于调整赤岗街道长者饭堂就餐补贴标准的通知", DocNumber: "海赤街〔2026〕21号", Genre: "通知", Topic: "民政、扶贫、救灾",
		Body: "<p>各社区居委会：</p><p>自本通知发布之日起，辖区60至79周岁户籍长者在长者饭堂就餐每餐补贴3元，80周岁以上每餐补贴5元；低保、低收入长者每餐另补贴2元。补贴由长者饭堂在结算时直接减免。</p>"},
		[]interpret.Input{{Title: "图解：赤岗街道长者饭堂就餐补贴新标准", Form: "graphic",
			Body: "<h2>一图读懂</h2><ul><li>60—79周岁：每餐补贴3元</li><li>80周岁以上：每餐补贴5元</li><li>低保、低收入长者：每餐另补2元</li></ul><p>就餐时出示社保卡，补贴在结算时直接减免，无需另行申请。</p>"}}},
	{info.Input{Title: "赤岗街道社区居家养老服务补贴实施办法", DocNumber: "海赤街〔2026〕22号", Genre: "办法", Topic: "民政、扶贫、救灾",
		Body: "<p>第一条 为支持长者居家养老，对辖区经评估需要照护的户籍长者给予居家养老服务补贴。</p><p>第二条 补贴标准按照护等级每月200元至600元，以服务券形式发放，用于购买助餐、助洁、助浴、康复护理等服务。</p><p>第三条 长者或其家属向所在社区居委会提出申请，街道在15个工作日内完成评估。</p>"},
		[]interpret.Input{
			{Title: "《赤岗街道社区居家养老服务补贴实施办法》政策解读", Form: "text",
				Body: "<p>一、制定背景：辖区80周岁以上长者逐年增加，居家照护需求突出。</p><p>二、主要内容：明确补贴对象、标准、发放方式和申请流程。</p><p>三、适用对象：经评估需要照护的辖区户籍长者。</p>"},
			{Title: "简明问答：居家养老服务补贴怎么申请", Form: "qa",
				Body: "<p><strong>问：谁可以申请？</strong></p><p>答：经评估需要照护的辖区户籍长者。</p><p><strong>问：到哪里申请？</strong></p><p>答：向所在社区居委会提出，街道在15个工作日内完成评估。</p><p><strong>问：补贴怎么用？</strong></p><p>答：以服务券形式发放，可购买助餐、助洁、助浴、康复护理等服务。</p>"}}},
}

func demoInterpretations(ctx context.Context, tx *db.Tx) error {
	editor, err := auth.ByLogin(ctx, tx, "chigang-editor")
	if err != nil {
		return err
	}
	reviewer, err := auth.ByLogin(ctx, tx, "chigang-reviewer")
	if err != nil {
		return err
	}
	cg, err := org.ByCode(ctx, tx, "440105-001")
	if err != nil {
		return err
	}
	var its []interpret.Interpretation
	for _, dp := range demoPolicies {
		in := dp.in
		in.WrittenDate = calendar.DateOf(tx.Now().In(calendar.China)).String()
		p, err := info.Create(ctx, tx, editor, cg, in)
		if err != nil {
			return err
		}
		if err := interpret.Mark(ctx, tx, editor, p, true); err != nil {
			return err
		}
		var ids []int64
		for _, ii := range dp.interp {
			it, err := interpret.Create(ctx, tx, editor, cg, p, ii)
			if err != nil {
				return err
			}
			ids = append(ids, it.Record.ID)
		}
		if p, err = interpret.Submit(ctx, tx, editor, p); err != nil {
			return err
		}
		if _, err = interpret.Approve(ctx, tx, reviewer, p, ""); err != nil {
			return err
		}
		for _, id := range ids {
			it, err := interpret.ByRecord(ctx, tx, id)
			if err != nil {
				return err
			}
			its = append(its, it)
		}
	}
	return demoRound(ctx, tx, reviewer, its)
}

// demoRound evaluates the demo's interpretations in the round of the
// current half-year: nominated by 赤岗's reviewer, scored by the city
// office, published, and the policy with the lowest score returned.
func demoRound(ctx context.Context, tx *db.Tx, reviewer auth.Account, its []interpret.Interpretation) error {
	office, err := auth.ByLogin(ctx, tx, "gz-office")
	if err != nil {
		return err
	}
	today := calendar.DateOf(tx.Now().In(calendar.China))
	period := fmt.Sprintf("%dH1", today.Year)
	if today.Month >= time.July {
		period = fmt.Sprintf("%dH2", today.Year)
	}
	rd, err := interpret.OpenRound(ctx, tx, office, period, "", interpret.DefaultCriteria())
	if err != nil {
		return err
	}
	scores := [][]string{{"24", "24", "19", "14", "12"}, {"22", "23", "14", "9", "10"}, {"20", "21", "15", "10", "6"}}
	comments := []string{"图解直观，发布及时。", "内容准确，但篇幅较长。", "问答清楚，但未说明补贴标准如何计算。"}
	var last interpret.Nomination
	for i, it := range its {
		n, err := interpret.Nominate(ctx, tx, reviewer, rd, it, "")
		if err != nil {
			return err
		}
		if last, err = interpret.Score(ctx, tx, office, rd, n, scores[i%len(scores)], comments[i%len(comments)]); err != nil {
			return err
		}
	}
	if _, err := interpret.ReturnPolicy(ctx, tx, office, rd, last, "居家养老服务补贴关系长者切身利益，现有解读未说明各照护等级的补贴标准如何计算，请补充案例解读。",
		today.AddDays(15).String()); err != nil {
		return err
	}
	_, err = interpret.PublishRound(ctx, tx, office, rd)
	return err
}
