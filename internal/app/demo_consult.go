package app

import (
	"context"
	"fmt"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/org"
	"gongkai/internal/participation"
)

// LoadDemoConsultations loads the demo's consultations on drafts, once,
// after LoadDemo: one of 海珠区民政局 open for comments, with comments, and
// one of 赤岗街道 closed, with its feedback report published and linked to
// the final policy. Their dates count from the day they load. It reports
// whether it loaded anything.
func LoadDemoConsultations(ctx context.Context, d *db.DB) (bool, error) {
	return loadOnce(ctx, d, "demo_consult", "demo consultations", demoConsultations)
}

var demoOpenComments = []participation.CommentInput{
	{Content: "建议配送范围覆盖独居和失能长者，并在雨天保证送餐时间。", Name: "陈伯", Phone: "13826001234"},
	{Content: "希望公布每家长者饭堂的菜单和价格，方便子女为老人选择。", Email: "resident@example.com"},
	{Content: "第六条的配送费标准偏高，建议对低保、低收入长者免收。如需了解情况可联系我：13902345678。", Name: "社区志愿者", Phone: "13902345678"},
}

var demoClosedComments = []struct {
	in       participation.CommentInput
	decision string
	reason   string
}{
	{participation.CommentInput{Content: "建议午餐开放时间提前到10:30，方便早起的长者。", Name: "黄女士", Phone: "13711112222"}, participation.Adopted, "已将午餐时间调整为10:30至13:00。"},
	{participation.CommentInput{Content: "晚餐时间能否延长到19:00？", Email: "lin@example.com"}, participation.Partly, "延长至18:00；19:00后人手不足，暂不延长。"},
	{participation.CommentInput{Content: "建议周末停止供餐，节约经费。", Phone: "020-89001111"}, participation.NotAdopted, "周末就餐需求稳定，停止供餐影响长者生活。"},
}

// demoConsultations writes the two consultations. The closed one is made
// open and commented, then its dates are moved back: the workflow refuses
// comments outside a period, so a past one can only be told this way.
func demoConsultations(ctx context.Context, tx *db.Tx) error {
	office, err := auth.ByLogin(ctx, tx, "haizhu-office")
	if err != nil {
		return err
	}
	today := participation.Today(tx.Now())
	// Opened five days ago, open for 30 days more.
	start, end := participation.DefaultPeriod(today.AddDays(-5), participation.DefaultMinDays+5)
	mz, err := org.ByCode(ctx, tx, "440105-d01")
	if err != nil {
		return err
	}
	open, err := demoConsultation(ctx, tx, office, mz, participation.Input{Title: "海珠区长者饭堂助餐配送服务规范（征求意见稿）",
		Body:        "<p>第一条 为规范本区长者饭堂助餐配送服务，保障长者用餐安全，制定本规范。</p><p>第二条 本规范适用于本区各街道长者饭堂向60周岁以上户籍长者提供的上门配送服务。</p><p>第六条 配送费每单不超过3元，由长者饭堂运营方收取。</p>",
		Explanation: "一、起草背景：本区长者饭堂已覆盖全部街道，上门配送需求逐年增加。\n二、主要内容：明确配送对象、时限、费用和食品安全要求。\n三、征求意见情况：已征求各街道和运营方意见。",
		HowTo:       "也可将意见发送至电子邮箱 hzmz@example.gov.cn，或邮寄至海珠区民政局养老服务科。",
		Parties:     "拟邀请长者代表、长者饭堂运营方代表列席审议会议。",
		Start:       start, End: end})
	if err != nil {
		return err
	}
	for _, in := range demoOpenComments {
		if _, err := participation.AddComment(ctx, tx, open, in); err != nil {
			return err
		}
	}

	cg, err := org.ByCode(ctx, tx, "440105-001")
	if err != nil {
		return err
	}
	s2, e2 := participation.DefaultPeriod(today, participation.DefaultMinDays)
	closed, err := demoConsultation(ctx, tx, office, cg, participation.Input{Title: "关于调整赤岗街道长者饭堂开放时间的通知（征求意见稿）",
		Body:        "<p>为方便长者就餐，拟将辖区内长者饭堂午餐时间调整为每日10:30至13:00，晚餐时间调整为16:30至18:00。</p>",
		Explanation: "根据长者和社区居委会反映，现行开放时间与长者作息不一致，拟作调整。",
		Start:       s2, End: e2})
	if err != nil {
		return err
	}
	var ds []participation.Decision
	for _, dc := range demoClosedComments {
		m, err := participation.AddComment(ctx, tx, closed, dc.in)
		if err != nil {
			return err
		}
		ds = append(ds, participation.Decision{Comment: m.ID, Decision: dc.decision, Reason: dc.reason})
	}
	// Back to 75 days ago for 30 days: closed 46 days ago.
	past := today.AddDays(-75)
	back := tx.Now().Add(-75 * 24 * time.Hour)
	if _, err := tx.Exec(ctx, `UPDATE consultations SET start_date = ?, end_date = ?, published_at = ?, created_at = ?, updated_at = ? WHERE id = ?`,
		past.String(), past.AddDays(29).String(), back, back, back, closed.ID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE consultation_comments SET created_at = ? WHERE consultation_id = ?`, back.Add(72*time.Hour), closed.ID); err != nil {
		return err
	}
	if closed, err = participation.ByID(ctx, tx, closed.ID); err != nil {
		return err
	}
	if err := participation.Decide(ctx, tx, office, closed, ds); err != nil {
		return err
	}
	if closed, err = participation.PublishFeedback(ctx, tx, office, closed, "本次共收到3条意见，主要集中在午餐和晚餐的开放时间。采纳午餐提前开放的意见；晚餐时间部分采纳，延长至18:00；周末停止供餐的意见未采纳。"); err != nil {
		return err
	}
	var policy string
	err = tx.QueryRow(ctx, `SELECT index_no FROM info_records WHERE title = ? AND status = 'published'`, "关于调整赤岗街道长者饭堂开放时间的通知").Scan(&policy)
	if err != nil {
		return fmt.Errorf("the final policy: %w", err)
	}
	_, err = participation.LinkPolicy(ctx, tx, office, closed, policy)
	return err
}

// demoConsultation writes a draft of u and publishes it.
func demoConsultation(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, in participation.Input) (participation.Consultation, error) {
	c, err := participation.Create(ctx, tx, a, u, in)
	if err != nil {
		return c, err
	}
	return participation.Publish(ctx, tx, a, c, "")
}
