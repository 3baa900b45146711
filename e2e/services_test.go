package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongkai/internal/app"
)

// TestServiceJourney: a person finds a guide on /bmfw/ by searching, reads
// it and reports what is wrong with it, opens the handbook and an event's
// page on a phone; 赤岗's editor writes a guide and submits it, its
// reviewer publishes it; the office transfers the complaint to 赤岗. Every
// page passes axe.
func TestServiceJourney(t *testing.T) {
	ctx := tab(t)
	if _, err := app.LoadDemoServices(context.Background(), theApp.DB); err != nil {
		t.Fatal(err)
	}
	visit(t, ctx, "/bmfw/")
	must(t, ctx,
		chromedp.SendKeys(`#svc-q`, "生育", chromedp.ByQuery),
		chromedp.Click(`form[action="/bmfw/ss/"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#hits-count`, chromedp.ByQuery))
	checkAxe(t, ctx, "search results")
	var href string
	must(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll('main td a')].find(a => a.textContent === '生育登记').getAttribute('href')`, &href))
	visit(t, ctx, href)
	// The complaint form: refused without a kind, then sent.
	must(t, ctx,
		chromedp.SendKeys(`#content`, "办理时间与窗口公示不一致", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('input[name=kind]').forEach(i => i.removeAttribute('required'))`, nil),
		chromedp.Click(`form[action="`+href+`"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#kind-error`, chromedp.ByQuery))
	checkAxe(t, ctx, "complaint with errors")
	must(t, ctx, chromedp.Click(`input[name=kind][value=inaccurate]`, chromedp.ByQuery))
	clickDone(t, ctx, `form[action="`+href+`"] button[type=submit]`, "complained")
	visit(t, ctx, "/bmfw/ybt/440105/")
	visit(t, ctx, "/bmfw/ybt/440105/shengyu/")
	visit(t, ctx, "/bmfw/zt/yanglao/")
	must(t, ctx, chromedp.Emulate(phone))
	for _, p := range []string{"/bmfw/", "/bmfw/ybt/440105/shengyu/", href} {
		open(t, ctx, p)
		checkPhoneWidth(t, ctx, p)
	}

	// The console, in a tab of its own.
	ctx = tab(t)
	login(t, ctx, "chigang-editor", "gongkai-editor-2026")
	visit(t, ctx, "/admin/services")
	must(t, ctx,
		chromedp.SendKeys(`#name`, "社区证明开具", chromedp.ByQuery),
		chromedp.SetValue(`#type`, "public_service", chromedp.ByQuery))
	clickDone(t, ctx, `form[method=post][action="/admin/services"] button[type=submit]`, "created")
	checkAxe(t, ctx, "new guide")
	checkChoices(t, ctx, "new guide")
	var guide string
	must(t, ctx, chromedp.Location(&guide))
	guide = strings.Split(strings.TrimPrefix(guide, baseURL), "?")[0]
	must(t, ctx,
		chromedp.SendKeys(`#conditions`, "辖区居民", chromedp.ByQuery),
		chromedp.SendKeys(`#material_name_0`, "居民身份证", chromedp.ByQuery),
		chromedp.SendKeys(`#steps`, "申请\n开具", chromedp.ByQuery),
		chromedp.SendKeys(`#promised_days`, "0", chromedp.ByQuery),
		chromedp.SendKeys(`#fee`, "不收费", chromedp.ByQuery),
		chromedp.SendKeys(`#place`, "赤岗街道政务服务中心", chromedp.ByQuery),
		chromedp.SendKeys(`#phone`, "020-89012300", chromedp.ByQuery))
	pressDo(t, ctx, "save", "save")
	pressDo(t, ctx, "submit", "submit")
	logout(t, ctx)
	login(t, ctx, "chigang-reviewer", "gongkai-reviewer-2026")
	open(t, ctx, guide)
	checkAxe(t, ctx, "guide to review")
	pressDo(t, ctx, "publish", "publish")
	logout(t, ctx)

	login(t, ctx, "zwfw-office", "gongkai-zwfw-2026")
	visit(t, ctx, "/admin/services/complaints")
	must(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll('main td a')].pop().getAttribute('href')`, &href))
	visit(t, ctx, href)
	pressDo(t, ctx, "transfer", "transfer")
	visit(t, ctx, "/admin/services/checks")
	must(t, ctx, chromedp.Evaluate(`document.querySelector('main td a').getAttribute('href')`, &href))
	visit(t, ctx, href)
	visit(t, ctx, "/admin/services/events/shengyu")
	visit(t, ctx, "/admin/services/summary")
	logout(t, ctx)
	open(t, ctx, strings.Replace(guide, "/admin/services/guides/", "/bmfw/zn/", 1)+"/")
	var h1 string
	must(t, ctx, chromedp.Text("h1", &h1, chromedp.ByQuery))
	if h1 != "社区证明开具" {
		t.Errorf("the published guide reads %q", h1)
	}
}
