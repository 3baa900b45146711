package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
)

// newGrassroots is the demo with its institutions, village affairs and
// zones, loaded on Monday 23 November 2026.
func newGrassroots(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := newEnv(t, d)
	d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
	if _, err := app.LoadDemoGrassroots(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) grassroots(login string) *client {
	e.t.Helper()
	return e.as(login, app.GrassrootsPassword)
}

// uploadWith posts a multipart form with fields and one file.
func (c *client) uploadWith(path string, fields url.Values, field, name string, data []byte) response {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func pngImage(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 6))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestInstitutionsConsole(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newGrassroots(t, d)
		ed, rev := e.grassroots("weijian-editor"), e.grassroots("weijian-reviewer")
		body := ed.get("/admin/institutions/").Body
		row := text(t, body, "table tbody tr")
		for _, want := range []string{"广州市第一人民医院", "广州市卫生健康委员会", "卫生健康"} {
			if !strings.Contains(row, want) {
				t.Errorf("row %q lacks %q", row, want)
			}
		}
		if got := text(t, body, "table tbody tr td:nth-of-type(3)") + "/" + text(t, body, "table tbody tr td:nth-of-type(4)") + "/" + text(t, body, "table tbody tr td:nth-of-type(5)"); got != "3/2/2" {
			t.Errorf("items/loaded/records %q, want 3/2/2", got)
		}
		// The demo's 2026 report is published under the department.
		if link := attr(t, body, "a[href^='/admin/institutions/report']", "href"); link != "/admin/institutions/report?unit=440100-17&year=2026" {
			t.Errorf("report link %q", link)
		}
		pub := e.client().get("/zwgk/bzh/440100-17/jdbg/2026/")
		if pub.StatusCode != http.StatusOK || !strings.Contains(text(t, pub.Body, "main"), "目录事项3项，已挂载信息2项") || len(find(t, pub.Body, "main section h2")) != 4 {
			t.Errorf("published report: %d %q", pub.StatusCode, excerpt(pub.Body, "<main"))
		}
		if attr(t, e.client().get("/zwgk/bzh/440100-17/").Body, "a[href='/zwgk/bzh/440100-17/jdbg/2026/']", "href") == "" {
			t.Error("the department's page does not link its report")
		}
		if res := e.client().get("/zwgk/bzh/440100-17/jdbg/2025/"); res.StatusCode != http.StatusNotFound {
			t.Errorf("2025 report: %d", res.StatusCode)
		}

		// The hospital keeps its catalog and information in the console
		// every unit uses.
		hosp := e.grassroots("hospital-editor")
		if row := text(t, hosp.get("/admin/catalogs").Body, "table tbody tr"); !strings.Contains(row, "广州市第一人民医院") || !strings.Contains(row, "卫生健康") {
			t.Errorf("the hospital's catalogs %q", row)
		}
		if res := hosp.get("/admin/catalogs/" + app.DemoHospital + "/19"); res.StatusCode != http.StatusOK || !strings.Contains(text(t, res.Body, "main"), "就医指南") {
			t.Errorf("the hospital's catalog page: %d", res.StatusCode)
		}
		rec := url.Values{"unit": {app.DemoHospital}, "title": {"广州市第一人民医院2026年医疗服务价格公示"}, "written_date": {"2026-11-20"},
			"attribute": {"active"}, "validity": {"valid"}, "genre": {"公示"}, "body": {"<p>医疗服务项目价格见附件。</p>"}}
		if res := hosp.postForm("/admin/info", rec); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the hospital's record: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}

		// 2025: prefilled from the figures; the editor saves, may not
		// submit; a field too long or missing is named and what was typed
		// is kept.
		page := "/admin/institutions/report?unit=440100-17&year=2025"
		form := formValues(t, ed.get(page).Body, "form[action='/admin/institutions/report'] input, form[action='/admin/institutions/report'] textarea")
		if !strings.Contains(form.Get("disclosed"), "广州市第一人民医院：公开目录1个（已发布1个），目录事项3项，已挂载信息2项，发布信息2条") {
			t.Fatalf("prefilled %q", form.Get("disclosed"))
		}
		form.Set("problems", strings.Repeat("问", 20001))
		form.Set("do", "save")
		res := ed.postForm("/admin/institutions/report", form)
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#problems-error") == "" || !strings.Contains(text(t, res.Body, "#disclosed"), "目录事项3项") {
			t.Errorf("too long: %d %q", res.StatusCode, text(t, res.Body, "#problems-error"))
		}
		form.Set("problems", "收费标准信息尚未挂载。")
		if res := ed.postForm("/admin/institutions/report", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		form.Set("do", "submit")
		if res := ed.postForm("/admin/institutions/report", form); res.StatusCode != http.StatusForbidden || find(t, res.Body, "button[value=submit]") != nil {
			t.Errorf("editor submitted: %d", res.StatusCode)
		}
		form.Set("next_steps", "")
		res = rev.postForm("/admin/institutions/report", form)
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#next_steps-error") != "请填写下一步提升计划" || text(t, res.Body, "#problems") != "收费标准信息尚未挂载。" {
			t.Errorf("incomplete: %d %q", res.StatusCode, text(t, res.Body, "#next_steps-error"))
		}
		form.Set("next_steps", "督促补齐收费标准。")
		if res := rev.postForm("/admin/institutions/report", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if res := e.client().get("/zwgk/bzh/440100-17/jdbg/2025/"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "督促补齐收费标准。") {
			t.Errorf("2025 on the portal: %d", res.StatusCode)
		}
		for _, bad := range []string{"2019", "abc", "2027"} {
			if res := rev.get("/admin/institutions/report?unit=440100-17&year=" + bad); res.StatusCode != http.StatusBadRequest {
				t.Errorf("year %s: %d", bad, res.StatusCode)
			}
		}

		// The city office records a supervising department; a street is
		// none, and the field says so.
		office := e.asDemo(auth.PublicOfficeCity)
		res = office.postForm("/admin/institutions/supervisor", url.Values{"unit": {app.DemoHospital}, "supervisor": {"440105-001"}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#supervisor-error") == "" {
			t.Errorf("street as supervisor: %d %q", res.StatusCode, text(t, res.Body, "#supervisor-error"))
		}
		if res := office.postForm("/admin/institutions/supervisor", url.Values{"unit": {"nowhere"}, "supervisor": {"440100-16"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown unit: %d", res.StatusCode)
		}
		if res := office.postForm("/admin/institutions/supervisor", url.Values{"unit": {app.DemoHospital}, "supervisor": {"440100-16"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("set supervisor: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		// The department recorded sees it; the parent keeps it in its
		// subtree, as every unit above keeps what is under it.
		addAccount(t, e, auth.NewAccount{Login: "jiaoyu-editor", Role: auth.UnitEditor, UnitCode: "440100-16"})
		jy := e.as("jiaoyu-editor", "jiaoyu-editor-pw-2026")
		if row := text(t, jy.get("/admin/institutions/").Body, "table tbody tr"); !strings.Contains(row, "广州市第一人民医院") || !strings.Contains(row, "广州市教育局") {
			t.Errorf("教育局's row %q", row)
		}
	})
}

func TestVillagesConsole(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newGrassroots(t, d)
		com := e.grassroots("community-editor")
		page := "/admin/villages/" + app.DemoCommunity + "/"
		body := com.get(page).Body
		if got := text(t, body, "main .error-box"); !strings.Contains(got, "1个与镇（街道）共有的事项公开内容不一致") {
			t.Errorf("differences %q", got)
		}
		if n := len(find(t, body, "main section.card")); n != 12 {
			t.Errorf("%d entries, want 10 standard and 2 of the street", n)
		}
		item := "std:dw-2"
		for _, c := range []struct {
			form  url.Values
			field string
		}{
			{url.Values{"item": {item}, "content": {""}}, "content"},
			{url.Values{"item": {item}, "content": {"支部决定"}, "link_url": {"ftp://x"}}, "link_url"},
			{url.Values{"item": {item}, "content": {strings.Repeat("长", 5001)}}, "content"},
		} {
			res := com.postForm(page, c.form)
			if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#"+c.field+"-error") == "" {
				t.Errorf("%v: %d, no error on %s", c.form, res.StatusCode, c.field)
			}
		}
		res := com.postForm(page, url.Values{"item": {item}, "content": {"支部决定"}, "link_url": {"ftp://x"}})
		if v := attr(t, res.Body, "form:has(input[value='std:dw-2']) input[name=link_url]", "value"); v != "ftp://x" {
			t.Errorf("the link typed was not kept: %q", v)
		}
		if res := com.postForm(page, url.Values{"item": {item}, "content": {"2026年11月社区党委会决定开展长者助餐服务满意度调查。"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}

		// The portal shows the list under 赤岗街道; the shared item that
		// the community left alone points to the street's record.
		public := "/zwgk/bzh/440105-001/cwgk/" + app.DemoCommunity + "/"
		pb := e.client().get(public)
		if pb.StatusCode != http.StatusOK || !strings.Contains(text(t, pb.Body, "main"), "社区党委会决定开展长者助餐服务满意度调查") {
			t.Errorf("public list: %d", pb.StatusCode)
		}
		if res := e.client().get("/zwgk/bzh/440105-002/cwgk/" + app.DemoCommunity + "/"); res.StatusCode != http.StatusNotFound {
			t.Errorf("under another street: %d", res.StatusCode)
		}
		if attr(t, e.client().get("/zwgk/bzh/"+app.DemoCommunity+"/").Body, "a[href='"+public+"']", "href") == "" {
			t.Error("the community's page does not link its list")
		}
		var api struct {
			Unit, Town string
			Items      []struct {
				Item, Category, Source string
				ContentURL             string  `json:"content_url"`
				Updated                *string `json:"updated"`
			}
		}
		ar := e.client().get("/api/v1/units/" + app.DemoCommunity + "/village-affairs")
		if err := json.Unmarshal([]byte(ar.Body), &api); err != nil || ar.StatusCode != http.StatusOK {
			t.Fatalf("API: %d %v", ar.StatusCode, err)
		}
		if len(api.Items) != 12 || api.Town != "440105-001" || api.Items[0].Source != "standard" || !strings.HasPrefix(api.Items[0].ContentURL, public+"#item-") || api.Items[0].Updated == nil {
			t.Errorf("API list %+v", api)
		}
		if last := api.Items[11]; last.Item != "补贴发放结果" || last.ContentURL != "" || last.Updated != nil {
			t.Errorf("an unpublished shared item %+v", last)
		}
		if res := e.client().get("/api/v1/units/440105-001/village-affairs"); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, `"fields":{"code"`) {
			t.Errorf("a street's list: %d %s", res.StatusCode, res.Body)
		}

		// The street records a visit; bad input is named and kept.
		street := e.asDemo(auth.UnitEditor)
		visit := url.Values{"village": {app.DemoCommunity}, "date": {"2026-11-24"}, "people": {"赤岗街道 李某"}, "findings": {"公开栏整洁。"}, "advice": {"保持。"}}
		res = street.postForm("/admin/villages/visits", visit)
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#date-error") == "" || attr(t, res.Body, "#people", "value") != "赤岗街道 李某" {
			t.Errorf("future visit: %d %q", res.StatusCode, text(t, res.Body, "#date-error"))
		}
		visit.Set("date", "2026-11-20")
		if res := street.postForm("/admin/villages/visits", visit); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("visit: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if n := len(find(t, street.get("/admin/villages/").Body, "section[aria-labelledby=visits-h] tbody tr")); n != 2 {
			t.Errorf("%d visits listed, want the demo's and this one", n)
		}

		// The district's year-end report, page and XLSX.
		hz := e.asDemo(auth.PublicOfficeDistrict)
		rb := hz.get("/admin/villages/report?unit=440105&year=2026").Body
		if got := text(t, rb, "main > p"); !strings.Contains(got, "已指导1个，共1个村（居），指导2次") {
			t.Errorf("coverage %q", got)
		}
		x := hz.get("/admin/villages/report.xlsx?unit=440105&year=2026")
		f, err := excelize.OpenReader(strings.NewReader(x.Body))
		if err != nil || x.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("xlsx: %v %s", err, x.Header.Get("Content-Type"))
		}
		rows, _ := f.GetRows(f.GetSheetList()[1])
		if len(rows) != 3 || rows[2][0] != "2026-11-20" || rows[2][2] != "赤岗社区居民委员会" {
			t.Errorf("visits sheet %q", rows)
		}
		if res := hz.get("/admin/villages/report?unit=440105&year=1999"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("year 1999: %d", res.StatusCode)
		}

		// The rule finds the demo's differing item, against the community.
		hzUnit, _ := org.ByCode(context.Background(), d, "440105")
		run, err := inspect.Inspect(context.Background(), d, e.cal, nil, inspect.Options{Scope: hzUnit})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range run.Units {
			for _, f := range u.Findings {
				if f.Rule == inspect.VillageConsistency {
					got = append(got, u.Code+" "+f.Target)
				}
			}
		}
		if len(got) != 1 || got[0] != app.DemoCommunity+" 养老服务：高龄老年人津贴" {
			t.Errorf("village findings %q", got)
		}
	})
}

func TestZonesConsole(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newGrassroots(t, d)
		ed := e.asDemo(auth.UnitEditor)
		body := ed.get("/admin/zones/").Body
		if names := text(t, body, "table tbody"); !strings.Contains(names, "赤岗街道政务服务中心政务公开专区") || strings.Contains(names, "广州市政务服务中心") {
			t.Errorf("赤岗's register %q", names)
		}
		bad := url.Values{"unit": {"440105-001"}, "kind": {"shop"}, "name": {""}, "address": {strings.Repeat("路", 201)}, "hours": {""}, "services": {"查阅"}}
		res := ed.postForm("/admin/zones/", bad)
		for _, f := range []string{"kind", "name", "address", "hours"} {
			if text(t, res.Body, "#"+f+"-error") == "" {
				t.Errorf("no error on %s", f)
			}
		}
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#services") != "查阅" {
			t.Errorf("bad zone: %d", res.StatusCode)
		}
		good := url.Values{"unit": {"440105-001"}, "kind": {"library"}, "name": {"赤岗街道图书馆政务公开专区"}, "address": {"广州市海珠区赤岗街道文化站二楼"}, "hours": {"周二至周日 9:00-17:00"}, "services": {"政府公报查阅\n政策咨询"}}
		res = ed.postForm("/admin/zones/", good)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		page := strings.Split(res.Header.Get("Location"), "?")[0]
		img := pngImage(t)
		res = ed.uploadWith(page, url.Values{"alt": {""}}, "file", "zone.png", img)
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#alt-error") == "" {
			t.Errorf("no alt: %d", res.StatusCode)
		}
		res = ed.uploadWith(page, url.Values{"alt": {"专区阅览桌"}}, "file", "zone.png", []byte("not an image"))
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#file-error") == "" || attr(t, res.Body, "#alt", "value") != "专区阅览桌" {
			t.Errorf("not an image: %d", res.StatusCode)
		}
		if res := ed.uploadWith(page, url.Values{"alt": {"专区阅览桌和自助查询机"}}, "file", "zone.png", img); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		edit := formValues(t, ed.get(page).Body, "form.grid-fields input, form.grid-fields textarea")
		edit.Set("kind", "library")
		edit.Set("hours", "")
		edit.Set("do", "save")
		if res := ed.postForm(page, edit); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#hours-error") == "" {
			t.Errorf("save without hours: %d", res.StatusCode)
		}

		// The register on the portal: photo with its alt text, map link.
		list := e.client().get("/zhuanqu/list/").Body
		if n := len(find(t, list, "main section.card")); n != 3 {
			t.Errorf("%d zones on the portal, want 3", n)
		}
		src := attr(t, list, "img[alt='专区阅览桌和自助查询机']", "src")
		if src == "" {
			t.Fatal("no photo with its alt text")
		}
		if ph := e.client().get(src); ph.StatusCode != http.StatusOK || ph.Header.Get("Content-Type") != "image/png" || ph.Body != string(img) {
			t.Errorf("photo: %d %s", ph.StatusCode, ph.Header.Get("Content-Type"))
		}
		if href := attr(t, list, "a[href^='https://uri.amap.com/search?keyword=']", "href"); !strings.Contains(href, url.QueryEscape("广州市")) {
			t.Errorf("map link %q", href)
		}
		var api struct {
			Zones []struct {
				ID                               int64
				Unit, Name, Address, Hours, Kind string
				Services                         []string
			}
		}
		if err := json.Unmarshal([]byte(e.client().get("/api/v1/zones").Body), &api); err != nil {
			t.Fatal(err)
		}
		if len(api.Zones) != 3 {
			t.Fatalf("API zones %+v", api)
		}
		var lib bool
		for _, z := range api.Zones {
			if z.Name == good.Get("name") {
				lib = z.Unit == "440105-001" && z.Kind == "library" && len(z.Services) == 2 && z.Services[1] == "政策咨询" && z.Hours == good.Get("hours")
			}
		}
		if !lib {
			t.Errorf("the library's zone in the API %+v", api.Zones)
		}
		if res := ed.postForm(page, url.Values{"do": {"delete"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("delete: %d", res.StatusCode)
		}
		if res := e.client().get(src); res.StatusCode != http.StatusNotFound {
			t.Errorf("photo of a deleted zone: %d", res.StatusCode)
		}
	})
}

// The zone view: large type and touch targets, no log-in link, and a
// refresh back to its start after two minutes (the Refresh header) on
// every portal page reached from it, which a cookie carries; other
// visitors' pages, cached or not, have none.
func TestZoneView(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newGrassroots(t, d)
		const refresh = "120;url=/zhuanqu/"
		other := e.client()
		if other.get("/zwgk/bzh/").Header.Get("Refresh") != "" {
			t.Fatal("a visitor's page refreshes")
		}
		kiosk := e.client()
		api := struct {
			Zones []struct {
				ID   int64
				Unit string
			}
		}{}
		json.Unmarshal([]byte(e.client().get("/api/v1/zones").Body), &api)
		var id int64
		for _, z := range api.Zones {
			if z.Unit == "440100-04" {
				id = z.ID
			}
		}
		res := kiosk.get("/zhuanqu/?zone=" + strconvI(id))
		if res.StatusCode != http.StatusOK || res.Header.Get("Refresh") != refresh || attr(t, res.Body, "html", "class") != "zone-view" {
			t.Fatalf("start page: %d", res.StatusCode)
		}
		if find(t, res.Body, "a[href='/admin/login']") != nil {
			t.Error("the zone view offers a log-in")
		}
		for _, href := range []string{"/zwgk/bzh/", "/zwgk/", "/ysqgk/sq/", "/hudong/ly/xie/", "/zhuanqu/list/"} {
			if find(t, res.Body, "ul.zone-tiles a[href='"+href+"']") == nil {
				t.Errorf("no entry to %s", href)
			}
		}
		if find(t, res.Body, "form[action='/search'] input[name=q]") == nil {
			t.Error("no search")
		}
		if got := text(t, res.Body, "main .card h2"); got != "广州市政务服务中心政务公开专区" {
			t.Errorf("zone %q", got)
		}
		for _, p := range []string{"/zwgk/bzh/", "/zwgk/bzh/440105-001/", "/search?q=养老"} {
			res := kiosk.get(p)
			if res.Header.Get("Refresh") != refresh || attr(t, res.Body, "html", "class") != "zone-view" {
				t.Errorf("%s from the zone has no zone layout", p)
			}
		}
		if other.get("/zwgk/bzh/").Header.Get("Refresh") != "" {
			t.Error("the zone's page was served to a visitor from the cache")
		}
		css := e.client().get("/static/site.css").Body
		if !strings.Contains(css, ".zone-view a, .zone-view button, .zone-view input, .zone-view select, .zone-view textarea, .zone-view summary { min-height: 48px; min-width: 48px; }") || !strings.Contains(css, "html.zone-view { font-size: 22px; }") {
			t.Error("the zone view's sizes are gone from the style sheet")
		}
		if res := e.client().get("/zhuanqu/?zone=99999"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown zone: %d", res.StatusCode)
		}
		if res := e.client().get("/zhuanqu/?zone=abc"); res.StatusCode != http.StatusNotFound {
			t.Errorf("bad zone: %d", res.StatusCode)
		}
		// The console never takes the zone layout; leaving the zone view
		// ends it.
		if kiosk.get("/admin/login").Header.Get("Refresh") != "" {
			t.Error("the console refreshes in the zone view")
		}
		if res := kiosk.postForm("/zhuanqu/exit", nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("exit: %d", res.StatusCode)
		}
		if kiosk.get("/zwgk/").Header.Get("Refresh") != "" {
			t.Error("the zone layout stays after leaving")
		}
		// In English, no Chinese outside data.
		en := e.client()
		en.get("/zhuanqu/?zone=" + strconvI(id))
		for _, p := range []string{"/zhuanqu/?lang=en", "/zhuanqu/list/?lang=en"} {
			if zh := chineseOutsideUserData(t, en.get(p).Body); len(zh) > 0 {
				t.Errorf("%s: Chinese outside data %q", p, zh)
			}
		}
	})
}

func strconvI(n int64) string { return strconv.FormatInt(n, 10) }

// The pages of institutions, village affairs and zones in English hold no
// Chinese outside what people wrote.
func TestGrassrootsInEnglish(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newGrassroots(t, d)
		zones := e.asDemo(auth.UnitEditor).get("/admin/zones/").Body
		zonePage := attr(t, zones, "table tbody a", "href")
		for _, c := range []struct {
			who  *client
			path string
		}{
			{e.grassroots("weijian-editor"), "/admin/institutions/"},
			{e.grassroots("weijian-editor"), "/admin/institutions/report?unit=440100-17&year=2026"},
			{e.grassroots("weijian-editor"), "/admin/institutions/report?unit=440100-17&year=2025"},
			{e.client(), "/zwgk/bzh/440100-17/jdbg/2026/"},
			{e.client(), "/zwgk/bzh/440100-17/"},
			{e.asDemo(auth.UnitEditor), "/admin/villages/"},
			{e.grassroots("community-editor"), "/admin/villages/" + app.DemoCommunity + "/"},
			{e.client(), "/zwgk/bzh/440105-001/cwgk/" + app.DemoCommunity + "/"},
			{e.asDemo(auth.PublicOfficeDistrict), "/admin/villages/report?unit=440105&year=2026"},
			{e.asDemo(auth.UnitEditor), "/admin/zones/"},
			{e.asDemo(auth.UnitEditor), zonePage},
			{e.client(), "/zhuanqu/list/"},
		} {
			sep := "?"
			if strings.Contains(c.path, "?") {
				sep = "&"
			}
			res := c.who.get(c.path + sep + "lang=en")
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", c.path, res.StatusCode)
				continue
			}
			if zh := chineseOutsideUserData(t, res.Body); len(zh) > 0 {
				t.Errorf("%s: Chinese outside data %q", c.path, zh)
			}
		}
		// Errors too.
		res := e.grassroots("community-editor").postForm("/admin/villages/"+app.DemoCommunity+"/?lang=en", url.Values{"item": {"std:dw-2"}, "content": {""}})
		if got := text(t, res.Body, "#content-error"); got != "Enter the content or a link to it" {
			t.Errorf("English error %q", got)
		}
	})
}
