// Package e2e drives the real server in Debian's Chromium: logging in as
// each role, the catalog review journey, pages without JavaScript and on a
// phone, and axe-core accessibility checks on every page visited.
//
// Chromium is found at GONGKAI_CHROMIUM, /usr/bin/chromium or on PATH, and
// axe-core at GONGKAI_AXE or node_modules/axe-core/axe.min.js (npm ci). A
// developer machine without them skips these tests; with CI=true they fail.
package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"

	"gongkai/internal/app"
	"gongkai/internal/auth"
)

var (
	baseURL   string
	axeSource string
	browser   context.Context // the shared Chromium
	skipWhy   string
	theApp    *app.App
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	chromium := findChromium()
	axePath := os.Getenv("GONGKAI_AXE")
	if axePath == "" {
		axePath = filepath.Join("..", "node_modules", "axe-core", "axe.min.js")
	}
	axe, axeErr := os.ReadFile(axePath)
	switch {
	case chromium == "":
		skipWhy = "Chromium not found (install Debian's chromium or set GONGKAI_CHROMIUM)"
	case axeErr != nil:
		skipWhy = "axe-core not found at " + axePath + " (run npm ci)"
	}
	if skipWhy != "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "e2e: "+skipWhy)
			return 1
		}
		return m.Run()
	}
	axeSource = string(axe)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "gongkai-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	listening := make(chan string, 1)
	theApp, err = app.New(ctx, app.Config{DataDir: filepath.Join(dir, "data"), Addr: "127.0.0.1:0", Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Listening: func(addr string) { listening <- addr }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer theApp.Close()
	if _, err := app.LoadDemo(ctx, theApp.DB); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := app.LoadDemoConsultations(ctx, theApp.DB); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := app.LoadDemoTasks(ctx, theApp.DB); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := app.LoadDemoMessages(ctx, theApp.DB); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := app.LoadDemoGrassroots(ctx, theApp.DB); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := app.LoadDemoRules(ctx, theApp.DB); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := app.LoadDemoAttributes(ctx, theApp.DB); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- theApp.Run(ctx) }()
	select {
	case addr := <-listening:
		baseURL = "http://" + addr
	case err := <-done:
		fmt.Fprintln(os.Stderr, "run:", err)
		return 1
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(dir, "chromium")),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	var cancelBrowser context.CancelFunc
	browser, cancelBrowser = chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Run(browser); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start Chromium:", err)
		return 1
	}
	code := m.Run()
	cancel()
	<-done
	return code
}

func findChromium() string {
	if p := os.Getenv("GONGKAI_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// tab opens a new tab without cookies (tests run one at a time and share
// the browser's cookie jar), and fails the test after a minute rather than
// hang.
func tab(t *testing.T) context.Context {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(cancelT)
	must(t, ctx, network.ClearBrowserCookies())
	return ctx
}

// press clicks the button of the form whose action ends with action and
// waits for the page the server redirects to (?done=…).
func press(t *testing.T, ctx context.Context, action, done string) {
	t.Helper()
	clickDone(t, ctx, `form[action$="`+action+`"] button[type=submit]`, done)
}

// pressDo clicks the button of the record page that names step do
// (every form of a record posts to the record) and waits for ?done=….
func pressDo(t *testing.T, ctx context.Context, do, done string) {
	t.Helper()
	clickDone(t, ctx, `button[type=submit][name=do][value="`+do+`"]`, done)
}

// clickDone clicks the button sel finds, waits for the page the server
// redirects to (?done=what) and checks that it confirms the step.
func clickDone(t *testing.T, ctx context.Context, sel, done string) {
	t.Helper()
	must(t, ctx, chromedp.Click(sel, chromedp.ByQuery))
	waitDone(t, ctx, done)
	var flash string
	must(t, ctx, chromedp.Text("p.flash", &flash, chromedp.ByQuery))
	if flash == "" {
		t.Fatalf("no confirmation after %s", sel)
	}
}

// logout ends the session through the header's button.
func logout(t *testing.T, ctx context.Context) {
	t.Helper()
	must(t, ctx,
		chromedp.Click(`header form[action="/admin/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/admin/login"]`, chromedp.ByQuery),
	)
}

func must(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		var url string
		chromedp.Run(ctx, chromedp.Location(&url))
		t.Fatalf("at %s: %v", url, err)
	}
}

// login signs in through the form, as a person would.
func login(t *testing.T, ctx context.Context, login, password string) {
	t.Helper()
	must(t, ctx,
		chromedp.Navigate(baseURL+"/admin/login"),
		chromedp.WaitVisible("#login", chromedp.ByQuery),
		chromedp.SendKeys("#login", login, chromedp.ByQuery),
		chromedp.SendKeys("#password", password, chromedp.ByQuery),
		chromedp.Click(`main form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible("h1[data-role]", chromedp.ByQuery),
	)
}

func demoAccount(t *testing.T, role auth.Role) app.DemoAccount {
	t.Helper()
	for _, da := range app.DemoAccounts {
		if da.Role == role {
			return da
		}
	}
	t.Fatalf("no demo account for %s", role)
	return app.DemoAccount{}
}

type violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// checkAxe runs axe-core on the current page and fails on any serious or
// critical violation.
func checkAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	var vs []violation
	script := axeSource + `
;axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))`
	must(t, ctx, chromedp.Evaluate(script, &vs, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	for _, v := range vs {
		t.Errorf("axe on %s: %s (%s) %s at %s", what, v.ID, v.Impact, v.Help, strings.Join(v.Targets, "; "))
	}
}

// open opens path and waits for it.
func open(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	must(t, ctx, chromedp.Navigate(baseURL+path), chromedp.WaitReady("body", chromedp.ByQuery))
}

// visit opens path and checks it with axe and checkChoices.
func visit(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	must(t, ctx, chromedp.Navigate(baseURL+path), chromedp.WaitReady("body", chromedp.ByQuery))
	checkAxe(t, ctx, path)
	checkChoices(t, ctx, path)
}

// checkChoices fails on a visible check box or radio button that is not
// inside its label, or that does not sit on the same line as the first
// words of its label, left of them.
func checkChoices(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	var bad []string
	must(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll('input[type=checkbox], input[type=radio]')]
  .filter(i => i.offsetParent !== null && !i.hasAttribute('aria-label'))
  .map(i => {
    const name = i.name + '=' + i.value, l = i.closest('label');
    if (!l) return name + ': not inside a label';
    const w = document.createTreeWalker(l, NodeFilter.SHOW_TEXT);
    let n, words = null;
    while ((n = w.nextNode())) if (n.textContent.trim()) { const r = document.createRange(); r.selectNodeContents(n); words = r.getClientRects()[0]; break; }
    if (!words) return name + ': a label without words';
    const box = i.getBoundingClientRect();
    const sameLine = box.top < words.bottom && box.bottom > words.top, before = box.right <= words.left + 1;
    return sameLine && before ? '' : name + ': box at ' + [box.left, box.top, box.right, box.bottom].map(Math.round) + ', words at ' + [words.left, words.top, words.right, words.bottom].map(Math.round);
  }).filter(Boolean)`, &bad))
	for _, b := range bad {
		t.Errorf("%s: %s", what, b)
	}
}

func TestEachRoleSeesItsDashboard(t *testing.T) {
	for _, role := range auth.Roles {
		t.Run(string(role), func(t *testing.T) {
			ctx := tab(t)
			da := demoAccount(t, role)
			login(t, ctx, da.Login, da.Password)
			var got string
			var ok bool
			must(t, ctx, chromedp.AttributeValue("h1[data-role]", "data-role", &got, &ok, chromedp.ByQuery))
			if got != string(role) {
				t.Fatalf("%s sees the dashboard of %q", da.Login, got)
			}
			checkAxe(t, ctx, "dashboard of "+string(role))
			// Logging out returns to the portal; the console asks to log in.
			var loc string
			logout(t, ctx)
			must(t, ctx,
				chromedp.Navigate(baseURL+"/admin/"),
				chromedp.WaitVisible("#login", chromedp.ByQuery),
				chromedp.Location(&loc),
			)
			if !strings.Contains(loc, "/admin/login") {
				t.Errorf("after logout /admin/ went to %s", loc)
			}
		})
	}
}

func TestPublicPagesAreAccessible(t *testing.T) {
	ctx := tab(t)
	for _, p := range []string{"/", "/?lang=en", "/zwgk/", "/zwgk/zn/", "/zwgk/bzh/", "/zwgk/bzh/440105/", "/zwgk/bzh/440105-001/",
		"/zwgk/bzh/440105-001/21/", "/zwgk/bzh/440105/hb/", "/ysqgk/", "/ysqgk/sq/", "/search?q=%E6%B5%B7%E7%8F%A0", "/search?q=%E9%95%BF%E8%80%85%E9%A5%AD%E5%A0%82", "/zwgk/info/1/", "/admin/login", "/no-such-page",
		// The demo's consultations: 1 open, 2 closed with its feedback report.
		"/hudong/", "/hudong/yjzj/", "/hudong/yjzj/1/", "/hudong/yjzj/2/", "/hudong/yjzj/2/?lang=en",
		"/hudong/ly/", "/hudong/ly/?lang=en", "/hudong/ly/xie/", "/hudong/cx/"} {
		visit(t, ctx, p)
	}
	// The login page showing an error.
	must(t, ctx,
		chromedp.Navigate(baseURL+"/admin/login"),
		chromedp.SendKeys("#login", "admin", chromedp.ByQuery),
		chromedp.SendKeys("#password", "wrong-password-1", chromedp.ByQuery),
		chromedp.Click(`main form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible("#login-error", chromedp.ByQuery),
	)
	checkAxe(t, ctx, "login with an error")
}

func TestConsolePagesAreAccessible(t *testing.T) {
	for role, paths := range map[auth.Role][]string{
		auth.Admin:                {"/admin/units", "/admin/units/440105", "/admin/units/new", "/admin/accounts", "/admin/accounts/haizhu-office", "/admin/accounts/new", "/admin/calendar", "/admin/calendar/2026", "/admin/audit", "/admin/jobs", "/admin/guidelines", "/admin/guidelines/21", "/admin/password", "/admin/domain", "/admin/tokens"},
		auth.UnitReviewer:         {"/admin/tokens"},
		auth.UnitEditor:           {"/admin/catalogs", "/admin/catalogs/440105-001/21", "/admin/catalogs/440105-001/21/diff?from=1", "/admin/messages", "/admin/consultations", "/admin/consultations/new", "/admin/consultations/2", "/admin/tasks", "/admin/tasks/5/9"},
		auth.PublicOfficeDistrict: {"/admin/catalogs", "/admin/catalogs/440105-002/21", "/admin/catalogs/440105-003/21", "/admin/inspect", "/admin/inspect/rules", "/admin/consultations/1", "/admin/tasks", "/admin/tasks/1", "/admin/tasks/4/7"},
		auth.PublicOfficeCity:     {"/admin/inspect", "/admin/inspect/rules", "/admin/tasks"},
		auth.DomainSupervisor:     {"/admin/domain", "/admin/catalogs/440105-001/21"},
	} {
		t.Run(string(role), func(t *testing.T) {
			ctx := tab(t)
			da := demoAccount(t, role)
			login(t, ctx, da.Login, da.Password)
			for _, p := range paths {
				visit(t, ctx, p)
			}
		})
	}
}

// TestPhoneLayout opens the pages a person reads on a phone 390 px wide:
// no page is wider than the screen, and a table too wide for it scrolls in
// its own container, which says so (a visible hint) and can be reached and
// scrolled from the keyboard (role=region, a label, tabindex=0).
func TestPhoneLayout(t *testing.T) {
	ctx := tab(t)
	must(t, ctx, chromedp.Emulate(phone))
	check := func(what string) {
		t.Helper()
		checkPhoneWidth(t, ctx, what)
		var nav int
		must(t, ctx, chromedp.Evaluate(`document.querySelectorAll('nav.main-nav a').length`, &nav))
		if nav == 0 {
			t.Errorf("%s has no navigation on a phone", what)
		}
	}
	for _, p := range []string{"/", "/zwgk/bzh/", "/zwgk/bzh/440105-001/", "/zwgk/bzh/440105-001/21/", "/zwgk/info/1/", "/ysqgk/", "/ysqgk/sq/", "/ysqgk/cx/", "/search?q=%E9%95%BF%E8%80%85", "/admin/login",
		"/hudong/", "/hudong/yjzj/", "/hudong/yjzj/1/", "/hudong/yjzj/2/",
		"/hudong/ly/", "/hudong/ly/xie/", "/hudong/cx/"} {
		open(t, ctx, p)
		check(p)
	}
	// The comment form showing its errors: no phone nor e-mail.
	open(t, ctx, "/hudong/yjzj/1/")
	must(t, ctx,
		chromedp.SendKeys(`#content`, "建议增加周末配送。", chromedp.ByQuery),
		chromedp.Click(`form[action^="/hudong/yjzj/1/"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#phone-error`, chromedp.ByQuery))
	checkAxe(t, ctx, "comment form with errors")
	check("comment form with errors")
	// The application form showing its errors.
	open(t, ctx, "/ysqgk/sq/")
	must(t, ctx,
		chromedp.SetValue(`#unit`, "440105-001", chromedp.ByQuery),
		chromedp.SendKeys(`#name`, "王小明", chromedp.ByQuery),
		chromedp.SendKeys(`#id_number`, "123456", chromedp.ByQuery),
		chromedp.SendKeys(`#phone`, "13800138000", chromedp.ByQuery),
		chromedp.SendKeys(`#description`, "长者饭堂补贴标准", chromedp.ByQuery),
		chromedp.Click(`form[action="/ysqgk/sq/"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#id_number-error`, chromedp.ByQuery))
	checkAxe(t, ctx, "application form with errors")
	check("application form with errors")
	// Corrected, it makes an application for the console's list.
	must(t, ctx,
		chromedp.SetValue(`#id_number`, "11010519491231002X", chromedp.ByQuery),
		chromedp.Click(`input[name=delivery][value=pickup]`, chromedp.ByQuery),
		chromedp.Click(`form[action="/ysqgk/sq/"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#tracking-no`, chromedp.ByQuery))
	check("application submitted")
	da := demoAccount(t, auth.PublicOfficeDistrict)
	login(t, ctx, da.Login, da.Password)
	check("dashboard")
	for _, p := range []string{"/admin/catalogs/440105-002/21", "/admin/foi", "/admin/foi/new", "/admin/inspect", "/admin/reports?unit=440105&year=2025", "/admin/consultations/1", "/admin/tasks", "/admin/tasks/4/7"} {
		open(t, ctx, p)
		check(p)
	}
	logout(t, ctx)
	ed := demoAccount(t, auth.UnitEditor)
	login(t, ctx, ed.Login, ed.Password)
	for _, p := range []string{"/admin/info", "/admin/reports?unit=440105-001&year=2025", "/admin/consultations", "/admin/consultations/new", "/admin/consultations/2", "/admin/tasks/5/9"} {
		open(t, ctx, p)
		check(p)
	}
}

// checkPhoneWidth fails unless the page open in ctx, on a phone, is no wider
// than the screen and each table too wide for it scrolls in a labelled,
// focusable region after a visible hint, its columns not squeezed to a
// character a line.
func checkPhoneWidth(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	var width float64
	var wide string
	must(t, ctx, chromedp.Evaluate(`document.scrollingElement.scrollWidth`, &width),
		chromedp.Evaluate(`(() => { const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 1)); return out.slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 30)).join('; ') })()`, &wide))
	if width > phoneWidth {
		t.Errorf("%s scrolls sideways on a phone: %v px wide at %d (%s)", what, width, phoneWidth, wide)
	}
	var bad []string
	must(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll('main table')].filter(t => t.offsetParent !== null).map(t => {
  const c = t.closest('[role=region]');
  const name = (t.caption && t.caption.textContent.trim()) || t.className || 'table';
  if (!c) return t.scrollWidth > t.parentElement.clientWidth + 1 ? name + ': too wide and not in a scrolling region' : '';
  const labelled = c.getAttribute('aria-label') || (c.getAttribute('aria-labelledby') && document.getElementById(c.getAttribute('aria-labelledby')));
  if (!labelled || c.getAttribute('tabindex') !== '0') return name + ': its region has no label or is not focusable';
  if (c.scrollWidth > c.clientWidth + 1) {
    const hint = c.querySelector('.scroll-hint') || (c.previousElementSibling && c.previousElementSibling.matches('.scroll-hint') && c.previousElementSibling);
    if (!hint || hint.offsetParent === null) return name + ': scrolls sideways without a visible hint';
  }
  return '';
}).concat([...document.querySelectorAll('main td, main th')].filter(c => c.offsetParent !== null).map(c => {
  // A column squeezed to a character or two wraps its words one
  // character a line: fewer than two characters a line.
  const text = c.textContent.trim(), w = document.createTreeWalker(c, NodeFilter.SHOW_TEXT), tops = new Set();
  for (let n; (n = w.nextNode());) { const r = document.createRange(); r.selectNodeContents(n); for (const x of r.getClientRects()) if (x.width > 0) tops.add(Math.round(x.bottom / 4)); }
  const lines = tops.size;
  return [...text].length > 2 && lines > 1 && [...text].length / lines < 2 ? 'a cell of ' + lines + ' lines: ' + text.slice(0, 20) : '';
}).filter(Boolean).slice(0, 3)).filter(Boolean)`, &bad))
	for _, b := range bad {
		t.Errorf("%s: %s", what, b)
	}
}

// phone is a narrow touch screen.
var phone = phoneInfo{}

type phoneInfo struct{}

// phoneWidth is the width of a common phone's screen in CSS pixels.
const phoneWidth = 390

func (phoneInfo) Device() device.Info {
	return device.Info{Name: "phone", UserAgent: "Mozilla/5.0 (Linux; Android 14) Mobile", Width: phoneWidth, Height: 844, Scale: 3, Mobile: true, Touch: true}
}

// TestCommentWithoutJavaScript: a comment on the demo's open consultation
// goes with scripts off, and the page then shows it, masked.
func TestCommentWithoutJavaScript(t *testing.T) {
	ctx := tab(t)
	must(t, ctx, emulation.SetScriptExecutionDisabled(true))
	open(t, ctx, "/hudong/yjzj/1/")
	var flash, comments string
	must(t, ctx,
		chromedp.SendKeys(`#content`, "建议在小区门口设置取餐点，联系电话13800138000。", chromedp.ByQuery),
		chromedp.SendKeys(`#email`, "e2e@example.com", chromedp.ByQuery),
		chromedp.Click(`form[action^="/hudong/yjzj/1/"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
		chromedp.Text(`#comments`, &comments, chromedp.ByQuery))
	if flash == "" || !strings.Contains(comments, "建议在小区门口设置取餐点") || strings.Contains(comments, "13800138000") || strings.Contains(comments, "e2e@example.com") {
		t.Errorf("after commenting: %q, comments %q", flash, comments)
	}
}

func TestLoginWithoutJavaScript(t *testing.T) {
	ctx := tab(t)
	must(t, ctx, emulation.SetScriptExecutionDisabled(true))
	da := demoAccount(t, auth.UnitEditor)
	login(t, ctx, da.Login, da.Password)
	var h1 string
	must(t, ctx, chromedp.Text("h1", &h1, chromedp.ByQuery))
	if h1 == "" {
		t.Fatal("no dashboard heading without JavaScript")
	}
	// Another form post works too: signing out through the header's
	// button ends the session, so the console asks to sign in again.
	logout(t, ctx)
	must(t, ctx, chromedp.Navigate(baseURL+"/admin/catalogs"), chromedp.WaitVisible(`#login`, chromedp.ByQuery))
}

// TestAnnualReportOnPhone opens the annual report a unit downloads
// (/admin/reports/{unit}/{year}.html, a page of its own) on a phone 390 px
// wide: the page is no wider than the screen and its tables scroll in
// labelled regions.
func TestAnnualReportOnPhone(t *testing.T) {
	ctx := tab(t)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	ed := demoAccount(t, auth.UnitEditor)
	res, err := client.PostForm(baseURL+"/admin/login", url.Values{"login": {ed.Login}, "password": {ed.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res, err = client.Get(baseURL + "/admin/reports/440105-001/2025.html")
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("download: %d %v", res.StatusCode, err)
	}
	// The download is an attachment: a server of the test's own shows it
	// as a page, as a browser shows the saved file.
	file := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer file.Close()
	must(t, ctx, chromedp.Emulate(phone), chromedp.Navigate(file.URL), chromedp.WaitReady("body", chromedp.ByQuery))
	var tables int
	must(t, ctx, chromedp.Evaluate(`document.querySelectorAll('main table').length`, &tables))
	if tables < 4 {
		t.Fatalf("the report holds %d tables", tables)
	}
	// Each table sits in a region of its own, labelled and focusable,
	// whether or not it is too wide for this screen.
	var loose int
	must(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll('main table')].filter(t => !t.parentElement.matches('[role=region][aria-label][tabindex="0"]')).length`, &loose))
	if loose > 0 {
		t.Errorf("%d of the report's %d tables are not in a labelled scrolling region", loose, tables)
	}
	checkPhoneWidth(t, ctx, "the annual report")
	checkAxe(t, ctx, "the annual report")
}

// TestMessagePages: a message of the public archive, the form showing its
// errors, and a message in the console, checked with axe and on a phone.
func TestMessagePages(t *testing.T) {
	ctx := tab(t)
	must(t, ctx, chromedp.Emulate(phone))
	open(t, ctx, "/hudong/ly/")
	must(t, ctx, chromedp.Click("#archive a", chromedp.ByQuery), chromedp.WaitVisible("#msg-answer", chromedp.ByQuery))
	checkAxe(t, ctx, "a public message")
	checkPhoneWidth(t, ctx, "a public message")
	open(t, ctx, "/hudong/ly/xie/?unit=440105-001")
	// Filled in past the browser's checks, the content too short.
	must(t, ctx,
		chromedp.SendKeys("#title", "长者饭堂开放时间", chromedp.ByQuery),
		chromedp.SendKeys("#content", "周末开吗", chromedp.ByQuery),
		chromedp.SendKeys("#name", "李明", chromedp.ByQuery),
		chromedp.SendKeys("#phone", "13800138000", chromedp.ByQuery),
		chromedp.Click(`form[action="/hudong/ly/"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible("#content-error", chromedp.ByQuery),
	)
	checkAxe(t, ctx, "the message form with errors")
	checkChoices(t, ctx, "the message form with errors")
	checkPhoneWidth(t, ctx, "the message form with errors")

	da := demoAccount(t, auth.UnitEditor)
	login(t, ctx, da.Login, da.Password)
	open(t, ctx, "/admin/messages")
	must(t, ctx, chromedp.Click("#messages a", chromedp.ByQuery), chromedp.WaitVisible("#timeline-h", chromedp.ByQuery))
	checkAxe(t, ctx, "a message in the console")
	checkPhoneWidth(t, ctx, "a message in the console")
}
