package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongkai/internal/app"
	"gongkai/internal/auth"
)

// TestInterpretationJourney: the editor marks a policy as needing
// interpretation, writes its interpretation in questions and answers and
// submits the policy; the reviewer's approval publishes both; the public
// goes from the policy to its interpretation and back, and through the
// list of interpretations and the evaluation's results; the city office
// and the unit see the evaluation in the console. Every page passes axe.
func TestInterpretationJourney(t *testing.T) {
	ctx := tab(t)
	if _, err := app.LoadDemoInterpretations(context.Background(), theApp.DB); err != nil {
		t.Fatal(err)
	}
	editor := demoAccount(t, auth.UnitEditor)
	reviewer := demoAccount(t, auth.UnitReviewer)
	office := demoAccount(t, auth.PublicOfficeCity)

	login(t, ctx, editor.Login, editor.Password)
	visit(t, ctx, "/admin/info/new")
	must(t, ctx,
		chromedp.SetValue("#unit", "440105-001", chromedp.ByQuery),
		chromedp.SendKeys("#title", "赤岗街道电动自行车集中充电管理办法", chromedp.ByQuery),
		chromedp.SetValue("#written_date", "2026-11-20", chromedp.ByQuery),
		chromedp.SendKeys("#body", "<p>第一条 为防范电动自行车火灾，规范集中充电场所管理，制定本办法。</p>", chromedp.ByQuery),
		chromedp.Click(`form[action="/admin/info"] button[type=submit]`, chromedp.ByQuery),
	)
	waitDone(t, ctx, "created")
	var loc string
	must(t, ctx, chromedp.Location(&loc))
	policy := strings.Split(strings.TrimPrefix(loc, baseURL), "?")[0]
	pressDo(t, ctx, "needs", "needs")
	checkAxe(t, ctx, "policy marked as needing interpretation")
	must(t, ctx, chromedp.Click(`a[href^="/admin/interpretations/new?policy="]`, chromedp.ByQuery), chromedp.WaitVisible("#form", chromedp.ByQuery))
	checkAxe(t, ctx, "new interpretation")
	must(t, ctx,
		chromedp.SendKeys("#title", "简明问答：电动自行车到哪里充电", chromedp.ByQuery),
		chromedp.SetValue("#form", "qa", chromedp.ByQuery),
		chromedp.SendKeys("#body", "<p>问：可以在楼道充电吗？</p><p>答：不可以，请到集中充电点充电。</p>", chromedp.ByQuery),
		chromedp.Click(`form[action="/admin/interpretations"] button[type=submit]`, chromedp.ByQuery),
	)
	waitDone(t, ctx, "created")
	checkAxe(t, ctx, "interpretation record")
	visit(t, ctx, policy)
	pressDo(t, ctx, "submit", "submit")
	visit(t, ctx, "/admin/interpretations")
	logout(t, ctx)

	login(t, ctx, reviewer.Login, reviewer.Password)
	visit(t, ctx, policy)
	pressDo(t, ctx, "approve", "approve")
	var state string
	must(t, ctx, chromedp.Text("main p .badge", &state, chromedp.ByQuery))
	if state != "已发布" {
		t.Errorf("the policy after approval: %q", state)
	}
	logout(t, ctx)

	id := strings.TrimPrefix(policy, "/admin/info/")
	visit(t, ctx, "/zwgk/info/"+id+"/")
	must(t, ctx, chromedp.Click(`#interpretations a`, chromedp.ByQuery), chromedp.WaitVisible("#interpreted-policy", chromedp.ByQuery))
	checkAxe(t, ctx, "public interpretation")
	var back string
	must(t, ctx, chromedp.AttributeValue("#interpreted-policy a", "href", &back, nil, chromedp.ByQuery))
	if back != "/zwgk/info/"+id+"/" {
		t.Errorf("the interpretation links %q", back)
	}
	visit(t, ctx, "/zwgk/jd/")
	var list string
	must(t, ctx, chromedp.Text("#interpretations", &list, chromedp.ByQuery))
	if !strings.Contains(list, "电动自行车到哪里充电") {
		t.Errorf("the list misses the interpretation: %.300s", list)
	}
	visit(t, ctx, "/zwgk/jd/?form=qa&lang=en")
	visit(t, ctx, "/zwgk/jd/pingxuan/?lang=zh")
	must(t, ctx, chromedp.Click(`main li a`, chromedp.ByQuery), chromedp.WaitVisible("#results", chromedp.ByQuery))
	checkAxe(t, ctx, "evaluation results")
	visit(t, ctx, "/hudong/")

	login(t, ctx, office.Login, office.Password)
	visit(t, ctx, "/admin/interpretations/rounds")
	must(t, ctx, chromedp.Click(`#rounds a`, chromedp.ByQuery), chromedp.WaitVisible("#nominations", chromedp.ByQuery))
	checkAxe(t, ctx, "evaluation round")
	logout(t, ctx)
}
