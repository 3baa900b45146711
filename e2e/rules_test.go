package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongkai/internal/auth"
	"gongkai/internal/info/infotest"
)

// TestRulesJourney: 赤岗's editor submits a workflow rule with a file, 海珠区's
// office returns it with a reason, the editor revises and resubmits it, the
// office accepts it and the public finds it in 赤岗's 制度 column; the
// office then opens the training pages. axe checks every page on the way.
func TestRulesJourney(t *testing.T) {
	ctx := tab(t)
	editor := demoAccount(t, auth.UnitEditor)
	office := demoAccount(t, auth.PublicOfficeDistrict)
	file := filepath.Join(t.TempDir(), "意见反馈流程.docx")
	if err := os.WriteFile(file, infotest.DOCX("征求意见反馈流程图"), 0o644); err != nil {
		t.Fatal(err)
	}
	const title = "赤岗街道征求意见反馈工作制度"

	login(t, ctx, editor.Login, editor.Password)
	visit(t, ctx, "/admin/rules")
	visit(t, ctx, "/admin/rules/new")
	// A bad date first: the form comes back with its error and the text.
	must(t, ctx,
		chromedp.SetValue("#unit", "440105-001", chromedp.ByQuery),
		chromedp.SendKeys("#title", title, chromedp.ByQuery),
		chromedp.SetValue("#category", "participation", chromedp.ByQuery),
		chromedp.SetValue("#adopted", "2099-01-01", chromedp.ByQuery),
		chromedp.SendKeys("#body", "第一条 公开征求意见结束后，应当公开意见采纳情况。", chromedp.ByQuery),
		chromedp.SetUploadFiles("#file", []string{file}, chromedp.ByQuery),
		chromedp.Click(`form[action="/admin/rules"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible("#adopted-error", chromedp.ByQuery),
	)
	checkAxe(t, ctx, "rule form with an error")
	must(t, ctx,
		chromedp.SetValue("#adopted", "2026-01-05", chromedp.ByQuery),
		chromedp.SetUploadFiles("#file", []string{file}, chromedp.ByQuery),
		chromedp.Click(`form[action="/admin/rules"] button[type=submit]`, chromedp.ByQuery),
	)
	waitDone(t, ctx, "submitted")
	checkAxe(t, ctx, "submitted rule")
	var loc string
	must(t, ctx, chromedp.Location(&loc))
	page := strings.Split(strings.TrimPrefix(loc, baseURL), "?")[0]
	logout(t, ctx)

	login(t, ctx, office.Login, office.Password)
	visit(t, ctx, "/admin/rules")
	must(t, ctx, chromedp.Click(`//section[@aria-labelledby="queue-h"]//a[contains(., "`+title+`")]`, chromedp.BySearch),
		chromedp.WaitVisible("#review-h", chromedp.ByQuery))
	checkAxe(t, ctx, "rule to review")
	must(t, ctx, chromedp.SendKeys("#reason", "请写明意见反馈的时限。", chromedp.ByQuery))
	pressDo(t, ctx, "return", "return")
	logout(t, ctx)

	login(t, ctx, editor.Login, editor.Password)
	visit(t, ctx, page)
	var reason string
	must(t, ctx, chromedp.Text("#return-reason", &reason, chromedp.ByQuery))
	if reason != "请写明意见反馈的时限。" {
		t.Errorf("the editor reads the reason %q", reason)
	}
	must(t, ctx,
		chromedp.SendKeys("#body", "\n第二条 意见采纳情况在征求意见结束后20个工作日内公开。", chromedp.ByQuery),
		chromedp.Click(`section[aria-labelledby=revise-h] button[type=submit]`, chromedp.ByQuery),
	)
	waitDone(t, ctx, "revise")
	logout(t, ctx)

	login(t, ctx, office.Login, office.Password)
	visit(t, ctx, page)
	pressDo(t, ctx, "accept", "accept")
	checkAxe(t, ctx, "accepted rule")
	visit(t, ctx, "/admin/training")
	must(t, ctx, chromedp.Click(`//table//a[contains(., "标准化规范化")]`, chromedp.BySearch), chromedp.WaitVisible("#att-h", chromedp.ByQuery))
	checkAxe(t, ctx, "training session")
	checkChoices(t, ctx, "training session")
	visit(t, ctx, "/admin/training/new")
	logout(t, ctx)

	// The public finds the rule in 赤岗's 制度 column, and the recommended
	// rules.
	visit(t, ctx, "/zwgk/bzh/440105-001/zd/")
	must(t, ctx, chromedp.Click(`//a[contains(., "`+title+`")]`, chromedp.BySearch), chromedp.WaitVisible("table.meta-table", chromedp.ByQuery))
	checkAxe(t, ctx, "published rule")
	var text string
	must(t, ctx, chromedp.Text("main", &text, chromedp.ByQuery))
	if !strings.Contains(text, "20个工作日内公开") || !strings.Contains(text, "意见反馈流程.docx") {
		t.Errorf("the public page of the rule: %.300s", text)
	}
	visit(t, ctx, "/zwgk/zd/yx/")
	must(t, ctx, chromedp.Text("main", &text, chromedp.ByQuery))
	if !strings.Contains(text, "赤岗街道政策解读和回应关切工作制度") {
		t.Errorf("the recommended rules: %.300s", text)
	}
}

// TestRulesOnPhone: the pages of rules and training fit a phone 390 px
// wide, their tables scrolling in labelled regions.
func TestRulesOnPhone(t *testing.T) {
	ctx := tab(t)
	must(t, ctx, chromedp.Emulate(phone))
	for _, p := range []string{"/zwgk/zd/yx/", "/zwgk/bzh/440105-001/zd/"} {
		open(t, ctx, p)
		checkPhoneWidth(t, ctx, p)
	}
	da := demoAccount(t, auth.PublicOfficeDistrict)
	login(t, ctx, da.Login, da.Password)
	// The demo's rule 6 is returned, rule 3 published and recommended.
	for _, p := range []string{"/admin/rules", "/admin/rules/new", "/admin/rules/3", "/admin/rules/6", "/admin/training", "/admin/training/new", "/admin/training/1", "/admin/training/2"} {
		open(t, ctx, p)
		checkPhoneWidth(t, ctx, p)
		checkAxe(t, ctx, p+" on a phone")
	}
}
