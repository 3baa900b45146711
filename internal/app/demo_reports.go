package app

import (
	"context"
	"fmt"

	"gongkai/internal/assess"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/domainreport"
	"gongkai/internal/org"
	"gongkai/internal/selfreport"
)

// DemoReportYear is the year of the demo's self-inspection reports,
// assessment scheme and domain report.
const DemoReportYear = 2026

// LoadDemoReports loads, once, after LoadDemo: 赤岗街道's self-inspection
// report of 2026 drafted (one text edited), 新港街道's submitted to 海珠区,
// the city office's assessment scheme of 2026, and 广州市民政局's report on
// 养老服务 for 2026 written and published. It reports whether it loaded
// anything.
func LoadDemoReports(ctx context.Context, d *db.DB) (bool, error) {
	return loadOnce(ctx, d, "demo_reports", "demo reports", demoReports)
}

func demoReports(ctx context.Context, tx *db.Tx) error {
	sections, _ := ReportSources(calendar.Default)
	const year = DemoReportYear
	editor, err := auth.ByLogin(ctx, tx, "chigang-editor")
	if err != nil {
		return err
	}
	if err := selfreport.SaveTexts(ctx, tx, editor, sections, editor.Unit, year, map[string]string{
		selfreport.Catalogs: "本街道已按照《养老服务领域基层政务公开标准指引》编制并发布养老服务领域政务公开事项标准目录，逐项明确公开内容、公开时限和公开渠道，并将高龄老年人津贴发放、长者饭堂开放时间等信息挂载到对应事项。下一步将对尚未挂载信息的事项逐项补充。",
	}); err != nil {
		return err
	}
	xg, err := org.ByCode(ctx, tx, "440105-002")
	if err != nil {
		return err
	}
	// The demo has no login at 新港街道: its 负责人 submits as the demo.
	reviewer := auth.Account{Login: "system:demo", Role: auth.UnitReviewer, Unit: xg}
	if _, err := selfreport.Submit(ctx, tx, reviewer, sections, xg, year); err != nil {
		return err
	}
	office, err := auth.ByLogin(ctx, tx, "gz-office")
	if err != nil {
		return err
	}
	if _, err := assess.SaveScheme(ctx, tx, office, year, map[string]string{assess.Inspection: "30", assess.Tasks: "20", assess.Applications: "20",
		assess.Interpretation: "10", assess.Messages: "10", assess.Catalogs: "10"}, "2026年度政务公开考核方案"); err != nil {
		return err
	}
	super, err := auth.ByLogin(ctx, tx, "minzheng-supervisor")
	if err != nil {
		return err
	}
	dom, ok, err := catalog.ResolveDomain(ctx, tx, nil, "养老服务")
	if err != nil || !ok {
		return fmt.Errorf("domain 养老服务: %v", err)
	}
	if err := domainreport.SaveTexts(ctx, tx, super, dom, year, map[string]string{
		domainreport.Normative: "本年度市民政局对各区民政部门和镇街养老服务领域目录编制、信息加载情况进行了督促指导，海珠区赤岗街道已发布目录并按事项挂载信息，新港街道、昌岗街道目录尚在审核和编制中，已督促加快进度。",
	}); err != nil {
		return err
	}
	_, err = domainreport.Publish(ctx, tx, super, dom, year)
	return err
}
