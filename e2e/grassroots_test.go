// The grassroots journeys in Chromium: a community's village affairs list
// and the street's guidance visit, the district's year-end report, the
// health commission's institutions and report, a disclosure zone
// registered with a photo, and the zone view on a phone.

package e2e

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
)

func TestGrassrootsJourney(t *testing.T) {
	ctx := tab(t)
	year := calendar.DateOf(theApp.DB.Now().In(calendar.China)).Year
	yearS := itoa(year)

	// The community writes an item of its list; the public reads it under
	// the street.
	login(t, ctx, "community-editor", app.GrassrootsPassword)
	visit(t, ctx, "/admin/villages/"+app.DemoCommunity+"/")
	form := `form:has(input[name=item][value="std:dw-3"])`
	must(t, ctx, chromedp.SendKeys(form+` textarea[name=content]`, "2026年党费收缴1.8万元，全部按规定上缴。", chromedp.ByQuery))
	clickDone(t, ctx, form+` button[type=submit]`, "entry")
	checkAxe(t, ctx, "village list saved")
	visit(t, ctx, "/zwgk/bzh/440105-001/cwgk/"+app.DemoCommunity+"/")
	var body string
	must(t, ctx, chromedp.Text("main", &body, chromedp.ByQuery))
	if !strings.Contains(body, "党费收缴1.8万元") {
		t.Errorf("the public list lacks the item written: %.200s", body)
	}
	open(t, ctx, "/")
	logout(t, ctx)

	// The street records a guidance visit; the district reads the report.
	ed := demoAccount(t, auth.UnitEditor)
	login(t, ctx, ed.Login, ed.Password)
	visit(t, ctx, "/admin/villages/")
	must(t, ctx,
		chromedp.SendKeys(`#people`, "赤岗街道党政综合办公室 张某", chromedp.ByQuery),
		chromedp.SendKeys(`#findings`, "党费公开已更新。", chromedp.ByQuery),
		chromedp.SendKeys(`#advice`, "继续按季度更新。", chromedp.ByQuery))
	press(t, ctx, "/admin/villages/visits", "visit")
	checkAxe(t, ctx, "visit recorded")

	// A zone with a photo.
	visit(t, ctx, "/admin/zones/")
	must(t, ctx,
		chromedp.SetValue(`#kind`, "library", chromedp.ByQuery),
		chromedp.SendKeys(`#name`, "赤岗街道图书馆政务公开专区", chromedp.ByQuery),
		chromedp.SendKeys(`#address`, "广州市海珠区赤岗街道文化站", chromedp.ByQuery),
		chromedp.SendKeys(`#hours`, "周二至周日 9:00-17:00", chromedp.ByQuery),
		chromedp.SendKeys(`#services`, "政府公报查阅", chromedp.ByQuery))
	press(t, ctx, "/admin/zones/", "created")
	checkAxe(t, ctx, "zone registered")
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 40, 30)))
	photo := filepath.Join(t.TempDir(), "zone.png")
	if err := os.WriteFile(photo, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, ctx,
		chromedp.SetUploadFiles(`#file`, []string{photo}, chromedp.ByQuery),
		chromedp.SendKeys(`#alt`, "专区阅览桌", chromedp.ByQuery))
	clickDone(t, ctx, `form[enctype="multipart/form-data"] button[type=submit]`, "photo")
	checkAxe(t, ctx, "zone with a photo")
	open(t, ctx, "/")
	logout(t, ctx)

	office := demoAccount(t, auth.PublicOfficeDistrict)
	login(t, ctx, office.Login, office.Password)
	visit(t, ctx, "/admin/villages/report?unit=440105&year="+yearS)
	must(t, ctx, chromedp.Text("main > p", &body, chromedp.ByQuery))
	if !strings.Contains(body, "已指导1个") {
		t.Errorf("coverage %q", body)
	}
	open(t, ctx, "/")
	logout(t, ctx)

	// The health commission sees its hospital and its report.
	login(t, ctx, "weijian-editor", app.GrassrootsPassword)
	visit(t, ctx, "/admin/institutions/")
	visit(t, ctx, "/admin/institutions/report?unit=440100-17&year="+yearS)
	visit(t, ctx, "/admin/institutions/report?unit=440100-17&year="+itoa(year-1))
	visit(t, ctx, "/zwgk/bzh/440100-17/jdbg/"+yearS+"/")
	open(t, ctx, "/")
	logout(t, ctx)

	// The zone view on a phone: large targets, the refresh, no log-in,
	// and its layout kept on the pages reached from it.
	z := tab(t)
	must(t, z, chromedp.Emulate(phone))
	visit(t, z, "/zhuanqu/")
	checkPhoneWidth(t, z, "zone view")
	checkZoneView(t, z, "zone view")
	must(t, z, chromedp.Click(`ul.zone-tiles a[href="/zwgk/bzh/"]`, chromedp.ByQuery), chromedp.WaitVisible(`main h1`, chromedp.ByQuery))
	checkAxe(t, z, "standard column in the zone view")
	checkPhoneWidth(t, z, "standard column in the zone view")
	checkZoneView(t, z, "standard column in the zone view")
	visit(t, z, "/zhuanqu/list/")
	checkPhoneWidth(t, z, "zone register")
	var alt string
	must(t, z, chromedp.AttributeValue(`img[alt="专区阅览桌"]`, "alt", &alt, nil, chromedp.ByQuery))
}

// checkZoneView fails unless the page has the zone layout: the refresh
// to the start after two minutes (the Refresh header, asked again with the
// page's cookies), no log-in link, and every link and
// button of the main content and header at least 48 px each way.
func checkZoneView(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	var refresh string
	var login int
	var small []string
	must(t, ctx,
		chromedp.Evaluate(`fetch(location.href).then(r => r.headers.get('Refresh') || '')`, &refresh, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
		chromedp.Evaluate(`document.querySelectorAll('a[href="/admin/login"]').length`, &login),
		chromedp.Evaluate(`[...document.querySelectorAll('header a, header button, main a, main button, main input, main select, main textarea')]
  .filter(e => e.offsetParent !== null && e.type !== 'hidden')
  .map(e => { const r = e.getBoundingClientRect(); return r.height < 47.5 || r.width < 47.5 ? e.tagName + ' ' + (e.textContent || e.name || '').trim().slice(0, 20) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height) : ''; })
  .filter(Boolean).slice(0, 5)`, &small))
	if refresh != "120;url=/zhuanqu/" {
		t.Errorf("%s: refresh %q", what, refresh)
	}
	if login != 0 {
		t.Errorf("%s offers a log-in", what)
	}
	for _, s := range small {
		t.Errorf("%s: target smaller than 48 px: %s", what, s)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
