package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongkai/internal/auth"
)

// linkTo returns the address of the link of the open page that sel finds
// holding text.
func linkTo(t *testing.T, ctx context.Context, sel, text string) string {
	t.Helper()
	var href string
	js := fmt.Sprintf(`(() => { const a = [...document.querySelectorAll(%q)].find(a => a.textContent.includes(%q)); return a ? a.getAttribute('href') : '' })()`, sel, text)
	must(t, ctx, chromedp.Evaluate(js, &href))
	if href == "" {
		t.Fatalf("no link %s holding %q", sel, text)
	}
	return href
}

// TestAttributeJourney: in the demo's July review of 2026, 赤岗街道's editor
// is refused a proposal to disclose without the leader's approval, then
// proposes to keep the document; the district office confirms the plan
// proposed for disclosure, which is then on the portal, and answers a
// document of its spot check. Every page passes axe, and the review reads
// on a phone.
func TestAttributeJourney(t *testing.T) {
	ctx := tab(t)
	editor := demoAccount(t, auth.UnitEditor)
	office := demoAccount(t, auth.PublicOfficeDistrict)

	login(t, ctx, editor.Login, editor.Password)
	visit(t, ctx, "/admin/attributes")
	review := linkTo(t, ctx, "#reviews a", "2026")
	visit(t, ctx, review)
	item := linkTo(t, ctx, "#items a", "网格员招聘拟聘用人员名单")
	visit(t, ctx, item)
	must(t, ctx,
		chromedp.Click(`input[name=proposal][value=active]`, chromedp.ByQuery),
		chromedp.Click(`button[name=do][value=propose]`, chromedp.ByQuery),
		chromedp.WaitVisible("#approver-error", chromedp.ByQuery),
	)
	checkAxe(t, ctx, "a proposal refused")
	checkChoices(t, ctx, "a proposal refused")
	must(t, ctx,
		chromedp.Click(`input[name=proposal][value=keep]`, chromedp.ByQuery),
		chromedp.SendKeys("#note", "涉及个人信息，维持依申请公开。", chromedp.ByQuery),
	)
	clickDone(t, ctx, `button[name=do][value=propose]`, "propose")
	var state string
	must(t, ctx, chromedp.Text("#item-state", &state, chromedp.ByQuery))
	if state != "待公开办确认" {
		t.Errorf("state after proposing: %q", state)
	}
	logout(t, ctx)

	login(t, ctx, office.Login, office.Password)
	visit(t, ctx, "/admin/attributes")
	visit(t, ctx, review)
	plan := linkTo(t, ctx, "#items a", "老旧小区改造工作方案")
	visit(t, ctx, plan)
	clickDone(t, ctx, `button[name=do][value=confirm]`, "confirm")
	visit(t, ctx, plan)
	public := linkTo(t, ctx, "#document a", "在网站查看")
	visit(t, ctx, public)
	var title string
	must(t, ctx, chromedp.Text("h1", &title, chromedp.ByQuery))
	if !strings.Contains(title, "老旧小区改造工作方案") {
		t.Errorf("the disclosed plan's page: %q", title)
	}

	visit(t, ctx, "/admin/attributes")
	spot := linkTo(t, ctx, "#spot-checks a", "2026")
	visit(t, ctx, spot)
	doc := linkTo(t, ctx, "#items a", "新港街道")
	visit(t, ctx, doc)
	for _, q := range []string{"proposed", "marked", "correct"} {
		must(t, ctx, chromedp.Click(`input[name=`+q+`][value=yes]`, chromedp.ByQuery))
	}
	clickDone(t, ctx, `form[action$="`+doc+`"] button[type=submit]`, "spot_recorded")
	checkAxe(t, ctx, "the spot check after an answer")
	visit(t, ctx, "/zwgk/gksxsc/")

	must(t, ctx, chromedp.Emulate(phone))
	for _, p := range []string{review, plan, spot} {
		open(t, ctx, p)
		checkPhoneWidth(t, ctx, p)
	}
}
