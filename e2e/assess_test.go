// The yearly reporting journey in Chromium: a street's self-inspection
// report edited, submitted and accepted by its district office; the city
// office's assessment and scheme; a domain's report written by its lead
// department and read on the portal.

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongkai/internal/app"
	"gongkai/internal/auth"
)

func TestReportingJourney(t *testing.T) {
	if _, err := app.LoadDemoReports(context.Background(), theApp.DB); err != nil {
		t.Fatal(err)
	}
	const report = "/admin/selfreport/440105-001/2026/"

	// 赤岗's editor rewrites the push section and saves. Each person works
	// in a tab of their own, each with the tab's time limit.
	ctx := tab(t)
	editor := demoAccount(t, auth.UnitEditor)
	login(t, ctx, editor.Login, editor.Password)
	visit(t, ctx, "/admin/selfreport/?year=2026")
	visit(t, ctx, report)
	must(t, ctx, chromedp.SetValue("#text_push", "本街道通过微信公众号向订阅居民定向推送养老服务政策。", chromedp.ByQuery))
	pressDo(t, ctx, "save", "save")
	checkAxe(t, ctx, "saved report")
	var push string
	must(t, ctx, chromedp.Value("#text_push", &push, chromedp.ByQuery))
	if !strings.Contains(push, "微信公众号") {
		t.Fatalf("the saved text is %q", push)
	}
	logout(t, ctx)

	ctx = tab(t)
	// Its reviewer submits it to 海珠区.
	reviewer := demoAccount(t, auth.UnitReviewer)
	login(t, ctx, reviewer.Login, reviewer.Password)
	visit(t, ctx, report)
	pressDo(t, ctx, "submit", "submit")
	checkAxe(t, ctx, "submitted report")
	logout(t, ctx)

	ctx = tab(t)
	// 海珠区's office reads and accepts it.
	office := demoAccount(t, auth.PublicOfficeDistrict)
	login(t, ctx, office.Login, office.Password)
	visit(t, ctx, "/admin/selfreport/?year=2026")
	visit(t, ctx, report)
	pressDo(t, ctx, "accept", "accept")
	var state string
	must(t, ctx, chromedp.Text("#state", &state, chromedp.ByQuery))
	if !strings.Contains(state, "已通过") {
		t.Errorf("state after accepting: %q", state)
	}
	visit(t, ctx, "/admin/assess/?year=2026")
	logout(t, ctx)

	ctx = tab(t)
	// The city office sees the scores and sets a scheme: weights that do
	// not make 100 are refused, then a good one is saved.
	city := demoAccount(t, auth.PublicOfficeCity)
	login(t, ctx, city.Login, city.Password)
	visit(t, ctx, "/admin/assess/?year=2026")
	visit(t, ctx, "/admin/assess/scheme?year=2026")
	must(t, ctx,
		chromedp.SetValue("#weight_inspection", "35", chromedp.ByQuery),
		chromedp.SetValue("#comment", "提高网上巡查权重", chromedp.ByQuery),
		chromedp.Click(`form[action="/admin/assess/scheme"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible("#weights-error", chromedp.ByQuery),
	)
	checkAxe(t, ctx, "scheme refused")
	must(t, ctx, chromedp.SetValue("#weight_interpretation", "5", chromedp.ByQuery))
	press(t, ctx, "/admin/assess/scheme", "saved")
	checkAxe(t, ctx, "scheme saved")
	logout(t, ctx)

	ctx = tab(t)
	// 广州市民政局 writes the 养老服务 report and publishes it; the public
	// reads it under the domain.
	super := demoAccount(t, auth.DomainSupervisor)
	login(t, ctx, super.Login, super.Password)
	visit(t, ctx, "/admin/domainreports/?year=2026")
	visit(t, ctx, "/admin/domainreports/21/2026/")
	must(t, ctx, chromedp.SetValue("#text_grades", "赤岗街道评为较好等级，新港、昌岗街道需加快目录编制。", chromedp.ByQuery))
	pressDo(t, ctx, "save", "save")
	pressDo(t, ctx, "publish", "publish")
	logout(t, ctx)
	visit(t, ctx, "/zwgk/ly/21/")
	visit(t, ctx, "/zwgk/ly/21/2026/")
	var grades string
	must(t, ctx, chromedp.Text("#text-grades", &grades, chromedp.ByQuery))
	if !strings.Contains(grades, "新港、昌岗街道需加快目录编制") {
		t.Errorf("the portal shows %q", grades)
	}

	// On a phone the pages fit the screen, their wide tables scrolling in
	// their own regions.
	ctx = tab(t)
	must(t, ctx, chromedp.Emulate(phone))
	for _, p := range []string{"/zwgk/ly/21/", "/zwgk/ly/21/2026/"} {
		open(t, ctx, p)
		checkPhoneWidth(t, ctx, p)
	}
	login(t, ctx, office.Login, office.Password)
	for _, p := range []string{"/admin/selfreport/?year=2026", report, "/admin/assess/?year=2026", "/admin/assess/440105-001/2026/"} {
		open(t, ctx, p)
		checkPhoneWidth(t, ctx, p)
	}
	logout(t, ctx)
	login(t, ctx, editor.Login, editor.Password)
	open(t, ctx, "/admin/selfreport/440105-001/2026/")
	checkPhoneWidth(t, ctx, "the report to edit")
}
