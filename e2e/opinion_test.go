package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongkai/internal/app"
	"gongkai/internal/auth"
)

// TestOpinionJourney: 海珠区's office registers a public-opinion item and
// gives it to two streets, 赤岗 answers, the office urges 新港; then the
// portal's published responses, the interaction entry and the month's
// summary. Every page is checked with axe, the item's page on a phone too.
func TestOpinionJourney(t *testing.T) {
	ctx := tab(t)
	if _, err := app.LoadDemoOpinion(context.Background(), theApp.DB); err != nil {
		t.Fatal(err)
	}
	office, editor := demoAccount(t, auth.PublicOfficeDistrict), demoAccount(t, auth.UnitEditor)
	login(t, ctx, office.Login, office.Password)
	visit(t, ctx, "/admin/opinion")
	visit(t, ctx, "/admin/opinion/new")
	must(t, ctx,
		chromedp.SendKeys("#title", "网民反映琶洲地铁站口共享单车堆积", chromedp.ByQuery),
		chromedp.SetValue("#source", "netizen", chromedp.ByQuery),
		chromedp.Click(`input[name=level][value=significant]`, chromedp.ByQuery),
		chromedp.SendKeys("#summary", "网民留言称地铁站出口共享单车堆积占用人行道，老人和推婴儿车的市民无法通行。", chromedp.ByQuery),
	)
	clickDone(t, ctx, `form[action="/admin/opinion"] button[type=submit]`, "registered")
	var loc string
	must(t, ctx, chromedp.Location(&loc))
	item := strings.Split(strings.TrimPrefix(loc, baseURL), "?")[0]
	checkAxe(t, ctx, "a registered item")
	// Two units of the multiple choice, as a person picks them with Ctrl.
	must(t, ctx, chromedp.Evaluate(`for (const o of document.querySelectorAll('#assign-unit option')) o.selected = ['440105-001', '440105-002'].includes(o.value); true`, nil))
	press(t, ctx, "/assign", "assign")
	checkAxe(t, ctx, "an item given to two streets")
	logout(t, ctx)

	login(t, ctx, editor.Login, editor.Password)
	visit(t, ctx, item)
	must(t, ctx,
		chromedp.SendKeys(`form[action$="/respond"] textarea[name=handling]`, "街道城管科联系运营企业清运车辆，并在出口划定停放区。", chromedp.ByQuery),
		chromedp.SendKeys(`form[action$="/respond"] textarea[name=response]`, "街道已督促运营企业清理堆积车辆，并在地铁站出口划定规范停放区，每日早晚高峰安排专人整理。", chromedp.ByQuery),
	)
	press(t, ctx, "/respond", "respond")
	checkAxe(t, ctx, "an item answered by 赤岗")
	must(t, ctx, chromedp.Emulate(phone))
	checkPhoneWidth(t, ctx, "an item in the console")
	must(t, ctx, chromedp.EmulateReset())
	logout(t, ctx)

	login(t, ctx, office.Login, office.Password)
	visit(t, ctx, item)
	must(t, ctx, chromedp.SendKeys("#urge-note", "请今日内回应", chromedp.ByQuery))
	press(t, ctx, "/urge", "urge")
	var urges string
	must(t, ctx, chromedp.Text("ul.urges", &urges, chromedp.ByQuery))
	if !strings.Contains(urges, "新港街道办事处") {
		t.Errorf("urges: %q", urges)
	}
	checkAxe(t, ctx, "an urged item")
	visit(t, ctx, "/admin/opinion/summary/")
	visit(t, ctx, "/admin/")
	logout(t, ctx)

	visit(t, ctx, "/hudong/yqhy/")
	must(t, ctx, chromedp.Click("#opinion-list a", chromedp.ByQuery), chromedp.WaitVisible("#opinion-summary", chromedp.ByQuery))
	checkAxe(t, ctx, "a published response")
	must(t, ctx, chromedp.Emulate(phone))
	checkPhoneWidth(t, ctx, "a published response")
	must(t, ctx, chromedp.EmulateReset())
	var summary string
	must(t, ctx, chromedp.Text("#opinion-summary", &summary, chromedp.ByQuery))
	if strings.Contains(summary, "13800138000") {
		t.Errorf("the public page shows a phone number: %s", summary)
	}
	visit(t, ctx, "/hudong/")
	visit(t, ctx, "/hudong/yqhy/?lang=en")
}
