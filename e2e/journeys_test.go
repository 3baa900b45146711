// The journeys a person takes through the console and the portal, end to
// end in Chromium: a catalog reviewed and published, a record written and
// published, an inspection with its notices, an application answered.

package e2e

import (
	"context"
	"gongkai/internal/info/infotest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"gongkai/internal/auth"
	"gongkai/internal/db"
)

// TestCatalogJourney: a street compiles its catalog from the guideline,
// submits it, the district office returns it with a remark, the street
// fixes it, the office approves and publishes, and the public reads it.
func TestCatalogJourney(t *testing.T) {
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	ctx := context.Background()
	err := theApp.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: "jiangnanzhong-editor", DisplayName: "江南中街道编辑",
			Password: "jnz-editor-2026", Role: auth.UnitEditor, UnitCode: "440105-004"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const page = "/admin/catalogs/440105-004/21"
	editor := tab(t)
	login(t, editor, "jiangnanzhong-editor", "jnz-editor-2026")
	visit(t, editor, "/admin/catalogs")
	must(t, editor,
		chromedp.SetValue("select#domain", "21", chromedp.ByQuery),
		chromedp.Click(`form[action="/admin/catalogs"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible("form.items-form", chromedp.ByQuery),
	)
	var compiled string
	must(t, editor, chromedp.Location(&compiled))
	if !strings.HasSuffix(compiled, page) {
		t.Fatalf("compiling led to %s", compiled)
	}
	checkAxe(t, editor, "compiled catalog")
	press(t, editor, "/submit", "submit")
	checkAxe(t, editor, "submitted catalog")
	logout(t, editor)

	office := editor // one tab: the cookie jar is the browser's
	da := demoAccount(t, auth.PublicOfficeDistrict)
	login(t, office, da.Login, da.Password)
	visit(t, office, page)
	must(t, office,
		chromedp.SendKeys("#comment", "请补充长者饭堂的开放时间", chromedp.ByQuery),
		chromedp.SendKeys("#comment-2", "写明每日开放时段", chromedp.ByQuery),
	)
	press(t, office, "/return", "return")
	checkAxe(t, office, "returned catalog")
	logout(t, office)

	login(t, editor, "jiangnanzhong-editor", "jnz-editor-2026")
	visit(t, editor, page)
	var remark string
	must(t, editor, chromedp.Text("#i1-comment", &remark, chromedp.ByQuery))
	if !strings.Contains(remark, "写明每日开放时段") {
		t.Fatalf("the editor does not see the remark: %q", remark)
	}
	must(t, editor,
		chromedp.SetValue("#i1-content", "服务地点、开放时间（每日10:30至13:00）、就餐对象、收费及补贴标准", chromedp.ByQuery),
	)
	press(t, editor, "/21", "saved")
	press(t, editor, "/submit", "submit")
	logout(t, editor)

	login(t, office, da.Login, da.Password)
	visit(t, office, page)
	press(t, office, "/approve", "approve")
	checkAxe(t, office, "approved catalog")
	press(t, office, "/publish", "publish")
	logout(t, office)

	public := office
	visit(t, public, "/zwgk/bzh/440105-004/")
	visit(t, public, "/zwgk/bzh/440105-004/21/")
	var table string
	must(t, public, chromedp.Text("table.catalog", &table, chromedp.ByQuery))
	if !strings.Contains(table, "每日10:30至13:00") {
		t.Errorf("the portal does not show the fixed item: %.300s", table)
	}
}

// TestInformationJourney: an editor writes a record with an attachment, is
// stopped by screening, masks the body, the reviewer releases the
// attachment's finding, approves and publishes, and the public finds it in
// the column and through search.
func TestInformationJourney(t *testing.T) {
	ctx := tab(t)
	editor := demoAccount(t, auth.UnitEditor)
	reviewer := demoAccount(t, auth.UnitReviewer)
	dir := t.TempDir()
	file := filepath.Join(dir, "申领名单.docx")
	if err := os.WriteFile(file, infotest.DOCX("社区联系人 13912345678"), 0o644); err != nil {
		t.Fatal(err)
	}
	login(t, ctx, editor.Login, editor.Password)
	visit(t, ctx, "/admin/info")
	visit(t, ctx, "/admin/info/new")
	must(t, ctx,
		chromedp.SetValue("#unit", "440105-001", chromedp.ByQuery),
		chromedp.SendKeys("#title", "赤岗街道助餐配餐点名单公示", chromedp.ByQuery),
		chromedp.SetValue("#written_date", "2026-11-20", chromedp.ByQuery),
		chromedp.SendKeys("#body", "<p>联系人王某，手机13800138000，身份证440105199003078517。</p>", chromedp.ByQuery),
		chromedp.Click(`form[action="/admin/info"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible("#screen-h", chromedp.ByQuery),
	)
	checkAxe(t, ctx, "record with findings")
	must(t, ctx,
		chromedp.SetUploadFiles("#file", []string{file}, chromedp.ByQuery),
		chromedp.Click(`button[name=do][value=attach]`, chromedp.ByQuery),
	)
	waitDone(t, ctx, "attached")
	// Submitting is refused while personal data is there.
	must(t, ctx, chromedp.Click(`button[name=do][value=submit]`, chromedp.ByQuery), chromedp.WaitVisible("p.error-box", chromedp.ByQuery))
	checkAxe(t, ctx, "blocked submission")
	pressDo(t, ctx, "mask", "mask")
	var loc string
	must(t, ctx, chromedp.Location(&loc))
	page := strings.Split(strings.TrimPrefix(loc, baseURL), "?")[0]
	logout(t, ctx)

	login(t, ctx, reviewer.Login, reviewer.Password)
	visit(t, ctx, page)
	must(t, ctx, chromedp.SendKeys("#reason", "附件中为社区工作人员的工作手机，依规公开", chromedp.ByQuery))
	pressDo(t, ctx, "override", "override")
	logout(t, ctx)

	login(t, ctx, editor.Login, editor.Password)
	visit(t, ctx, page)
	must(t, ctx, chromedp.Click(`form:has(button[value=items]) input[value="服务项目"]`, chromedp.ByQuery))
	pressDo(t, ctx, "items", "items")
	pressDo(t, ctx, "submit", "submit")
	logout(t, ctx)

	login(t, ctx, reviewer.Login, reviewer.Password)
	visit(t, ctx, page)
	pressDo(t, ctx, "approve", "approve")
	pressDo(t, ctx, "publish", "publish")
	checkAxe(t, ctx, "published record")
	logout(t, ctx)

	// The public: through the column, then through search.
	visit(t, ctx, "/zwgk/bzh/440105-001/21/")
	must(t, ctx, chromedp.Click(`//a[contains(., "助餐配餐点名单公示")]`, chromedp.BySearch), chromedp.WaitVisible("table.meta-table", chromedp.ByQuery))
	checkAxe(t, ctx, "public record")
	var text string
	must(t, ctx, chromedp.Text("article", &text, chromedp.ByQuery))
	if !strings.Contains(text, "138****8000") || strings.Contains(text, "13800138000") {
		t.Errorf("the public page shows unmasked data: %.200s", text)
	}
	visit(t, ctx, "/")
	must(t, ctx,
		chromedp.SendKeys("#q", "助餐配餐", chromedp.ByQuery),
		chromedp.Submit("#q", chromedp.ByQuery),
		chromedp.WaitVisible("ol.hits", chromedp.ByQuery),
	)
	checkAxe(t, ctx, "search results")
	var hits string
	must(t, ctx, chromedp.Text("ol.hits", &hits, chromedp.ByQuery))
	if !strings.Contains(hits, "助餐配餐点名单公示") {
		t.Errorf("search does not find the record: %s", hits)
	}
}

// waitDone waits for the page a form redirected to with ?done=what.
func waitDone(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var loc, state string
		err := chromedp.Run(ctx, chromedp.Location(&loc), chromedp.Evaluate(`document.readyState`, &state))
		if err == nil && strings.Contains(loc, "done="+what) && state == "complete" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for done=%s, at %s: %v", what, loc, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The district office runs an inspection of its district from the form,
// reads the scores and sends 赤岗 a rectification notice; the unit answers;
// the office re-checks and publishes the results, which the portal shows.
func TestInspectionJourney(t *testing.T) {
	ctx := tab(t)
	da := demoAccount(t, auth.PublicOfficeDistrict)
	login(t, ctx, da.Login, da.Password)
	visit(t, ctx, "/admin/inspect")
	var loc string
	must(t, ctx,
		chromedp.SetValue(`#scope`, "440105", chromedp.ByQuery),
		chromedp.Click(`form[action="/admin/inspect"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`table.scores`, chromedp.ByQuery),
		chromedp.Location(&loc),
	)
	if !strings.Contains(loc, "/admin/inspect/") {
		t.Fatalf("after running: %s", loc)
	}
	runPath := strings.TrimPrefix(loc, baseURL)
	checkAxe(t, ctx, "inspection results")
	var units int
	var opened bool
	must(t, ctx,
		chromedp.Evaluate(`document.querySelectorAll('table.scores tbody tr').length`, &units),
		chromedp.Click(`table.scores details summary`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('table.scores details').open`, &opened),
	)
	if units < 20 || !opened {
		t.Errorf("results: %d units, findings opened %v", units, opened)
	}
	checkAxe(t, ctx, "inspection results with findings open")
	// A notice to 赤岗 within 10 working days.
	must(t, ctx,
		chromedp.Click(`form:has(input[name=unit][value="440105-001"]) button`, chromedp.ByQuery),
		chromedp.WaitVisible(`ol.findings`, chromedp.ByQuery),
		chromedp.Location(&loc),
	)
	noticePath := strings.TrimPrefix(loc, baseURL)
	checkAxe(t, ctx, "rectification notice (office)")
	visit(t, ctx, "/admin/rectification")

	// The unit answers its first finding: fixed. (Tabs share cookies, so
	// one tab signs in as each in turn.)
	logout(t, ctx)
	unit := ctx
	ed := demoAccount(t, auth.UnitEditor)
	login(t, unit, ed.Login, ed.Password)
	visit(t, unit, noticePath)
	var flash string
	must(t, unit,
		chromedp.Click(`ol.findings form input[value=fixed]`, chromedp.ByQuery),
		chromedp.Click(`ol.findings form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
		chromedp.Text(`ol.findings li`, &flash, chromedp.ByQuery),
	)
	if !strings.Contains(flash, "已整改") {
		t.Errorf("the answer is not shown: %q", flash)
	}
	checkAxe(t, unit, "rectification notice (unit)")

	// The office re-checks, then publishes; the portal shows the results.
	logout(t, ctx)
	login(t, ctx, da.Login, da.Password)
	visit(t, ctx, noticePath)
	var recheck string
	must(t, ctx,
		chromedp.Click(`form[action$="/recheck"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll('main a')].map(a => a.getAttribute('href')).filter(h => /^\/admin\/inspect\/\d+$/.test(h))[1] || ''`, &recheck),
	)
	if recheck == "" {
		t.Fatal("no link to the re-check run")
	}
	checkAxe(t, ctx, "rectification notice after the re-check")
	visit(t, ctx, recheck+"/compare?with="+strings.TrimPrefix(runPath, "/admin/inspect/"))
	must(t, ctx,
		chromedp.Navigate(baseURL+runPath),
		chromedp.Click(`form[action$="/publish"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
	)
	visit(t, ctx, "/admin/inspect/rules")
	id := strings.TrimPrefix(runPath, "/admin/inspect/")
	visit(t, ctx, "/zwgk/pingyi/")
	visit(t, ctx, "/zwgk/pingyi/"+id+"/")
	var charts int
	must(t, ctx, chromedp.Evaluate(`document.querySelectorAll('svg.chart').length`, &charts))
	if charts != 2 {
		t.Errorf("%d charts on the results page", charts)
	}
}

// A citizen applies for information on the portal; 赤岗's editor confirms
// receipt and asks for a correction; the citizen, back with the tracking
// number and query code, corrects it; the editor consults a third party,
// records its answer and replies; the citizen reads the reply notice.
func TestApplicationJourney(t *testing.T) {
	ctx := tab(t)
	visit(t, ctx, "/ysqgk/")
	visit(t, ctx, "/ysqgk/sq/?unit=440105-001")
	var no, code string
	must(t, ctx,
		chromedp.SendKeys(`#name`, "王小明", chromedp.ByQuery),
		chromedp.SendKeys(`#id_number`, "11010519491231002X", chromedp.ByQuery),
		chromedp.SendKeys(`#phone`, "13800138000", chromedp.ByQuery),
		chromedp.SendKeys(`#email`, "wxm@example.com", chromedp.ByQuery),
		chromedp.SendKeys(`#description`, "赤岗街道长者饭堂的补贴标准", chromedp.ByQuery),
		chromedp.Click(`input[name=delivery][value=email]`, chromedp.ByQuery),
		chromedp.Click(`form[action="/ysqgk/sq/"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#query-code`, chromedp.ByQuery),
		chromedp.Text(`#tracking-no`, &no, chromedp.ByQuery),
		chromedp.Text(`#query-code`, &code, chromedp.ByQuery),
	)
	checkAxe(t, ctx, "application submitted")
	must(t, ctx, network.ClearBrowserCookies())

	ed := demoAccount(t, auth.UnitEditor)
	login(t, ctx, ed.Login, ed.Password)
	visit(t, ctx, "/admin/foi")
	var appPath string
	must(t, ctx,
		chromedp.Click(`//a[text()="`+no+`"]`, chromedp.BySearch),
		chromedp.WaitVisible(`form[action$="/confirm"]`, chromedp.ByQuery),
		chromedp.Location(&appPath),
	)
	appPath = strings.TrimPrefix(appPath, baseURL)
	checkAxe(t, ctx, "application awaiting receipt")
	press(t, ctx, "/confirm", "confirm")
	must(t, ctx, chromedp.SendKeys(`#corr-note`, "请说明需要哪一年的补贴标准", chromedp.ByQuery))
	press(t, ctx, "/correction", "correction")
	checkAxe(t, ctx, "application awaiting correction")
	logout(t, ctx)

	// The citizen comes back with the number and the code.
	must(t, ctx, network.ClearBrowserCookies())
	visit(t, ctx, "/ysqgk/cx/")
	var state string
	must(t, ctx,
		chromedp.SendKeys(`#no`, no, chromedp.ByQuery),
		chromedp.SendKeys(`#code`, code, chromedp.ByQuery),
		chromedp.Click(`form[action="/ysqgk/cx/"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#correction`, chromedp.ByQuery),
	)
	checkAxe(t, ctx, "applicant asked to correct")
	must(t, ctx,
		chromedp.SendKeys(`#correction`, "需要2026年的补贴标准", chromedp.ByQuery),
		chromedp.Click(`form[action$="/correct"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#correction`, chromedp.ByQuery),
		chromedp.Text(`dl.meta`, &state, chromedp.ByQuery),
	)
	if !strings.Contains(state, "办理中") {
		t.Fatalf("after the correction: %q", state)
	}

	login(t, ctx, ed.Login, ed.Password)
	visit(t, ctx, appPath)
	must(t, ctx, chromedp.SendKeys(`#consult-party`, "广州市某某餐饮管理有限公司", chromedp.ByQuery))
	press(t, ctx, "/consult", "consult")
	must(t, ctx, chromedp.Click(`input[name=outcome][value=agree]`, chromedp.ByQuery))
	press(t, ctx, "/consulted", "consulted")
	must(t, ctx,
		chromedp.SetValue(`#reply-result`, "granted", chromedp.ByQuery),
		chromedp.SendKeys(`#reply-text`, "补贴标准为每餐5元，详见附件。", chromedp.ByQuery),
	)
	press(t, ctx, "/reply", "reply")
	checkAxe(t, ctx, "answered application")
	visit(t, ctx, appPath+"/notice")
	logout(t, ctx)

	// The citizen reads the notice.
	visit(t, ctx, "/ysqgk/cx/"+no+"/")
	var notice string
	must(t, ctx,
		chromedp.Click(`a[href$="/notice/"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`article.notice-doc`, chromedp.ByQuery),
		chromedp.Text(`article.notice-doc`, &notice, chromedp.ByQuery),
	)
	for _, want := range []string{"王小明：", "本机关予以公开。补贴标准为每餐5元，详见附件。", "书面征求了第三方意见", "海珠区人民政府申请行政复议"} {
		if !strings.Contains(notice, want) {
			t.Errorf("notice lacks %q:\n%s", want, notice)
		}
	}
	checkAxe(t, ctx, "reply notice (applicant)")
}
