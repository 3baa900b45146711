package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/readertest"
)

// TestSelfReportPages: 赤岗's editor edits the draft (a text too long is
// refused naming its field, with what was typed kept), its reviewer
// submits it, 海珠区's office returns it with a reason and then accepts it;
// the print view and the .docx carry the report.
func TestSelfReportPages(t *testing.T) {
	w := newReportWorld(t, dbtest.SQLite(t))
	editor, reviewer, office := w.clients[string(auth.UnitEditor)], w.clients[string(auth.UnitReviewer)], w.clients[string(auth.PublicOfficeDistrict)]

	list := editor.get("/admin/selfreport/?year=2026")
	if list.StatusCode != http.StatusOK || len(find(t, list.Body, "#selfreports tbody tr")) != 1 || !strings.Contains(text(t, list.Body, "#selfreports"), "起草中") {
		t.Fatalf("the editor's list: %d %s", list.StatusCode, text(t, list.Body, "#selfreports"))
	}
	if rows := find(t, office.get("/admin/selfreport/?year=2026").Body, "#selfreports tbody tr"); len(rows) != 23 {
		t.Errorf("海珠区's list has %d rows, want the district, its 18 streets and 4 departments", len(rows))
	}
	if res := office.get("/admin/selfreport/?year=MMXXVI"); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#year-error") == "" || attr(t, res.Body, "#year", "value") != "MMXXVI" {
		t.Errorf("a bad year: %d %q", res.StatusCode, text(t, res.Body, "#year-error"))
	}

	page := editor.get(cgSelfReport)
	if page.StatusCode != http.StatusOK || text(t, page.Body, `#figures-catalogs td[data-key="catalogs_published"]`) != "1" ||
		len(find(t, page.Body, "textarea")) != 11 || len(find(t, page.Body, "p.not-connected")) != 0 ||
		len(find(t, page.Body, `#figures-training td[data-key="people"]`)) != 1 {
		t.Fatalf("the report page: %d %q", page.StatusCode, text(t, page.Body, "#figures-catalogs"))
	}
	form := formValues(t, page.Body, "form.selfreport-form textarea")
	long := strings.Repeat("长", 5001)
	form.Set("text_push", long)
	form.Set("do", "save")
	res := editor.postForm(cgSelfReport, form)
	if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#text_push-error") == "" || text(t, res.Body, "#text_push") != long {
		t.Fatalf("a text too long: %d %q", res.StatusCode, text(t, res.Body, "#text_push-error"))
	}
	form.Set("text_push", "本街道通过微信公众号向订阅居民推送养老服务政策信息。")
	if res := editor.postForm(cgSelfReport, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	page = editor.get(cgSelfReport)
	if text(t, page.Body, "#text_push") != "本街道通过微信公众号向订阅居民推送养老服务政策信息。" || len(find(t, page.Body, `button[name=reset][value=push]`)) != 1 {
		t.Errorf("the saved text: %q", text(t, page.Body, "#text_push"))
	}
	if res := editor.postForm(cgSelfReport, url.Values{"reset": {"push"}}); res.StatusCode != http.StatusSeeOther ||
		strings.Contains(text(t, editor.get(cgSelfReport).Body, "#text_push"), "微信公众号") {
		t.Errorf("reset: %d", res.StatusCode)
	}
	if res := reviewer.postForm(cgSelfReport, url.Values{"do": {"submit"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	page = office.get(cgSelfReport)
	if len(find(t, page.Body, "textarea[name^=text_]")) != 0 || !strings.Contains(text(t, page.Body, "#state"), "已报送") || len(find(t, page.Body, "button[value=accept]")) != 1 {
		t.Errorf("the submitted report as the office sees it: %q", text(t, page.Body, "#state"))
	}
	if res := office.postForm(cgSelfReport, url.Values{"do": {"return"}, "reason": {""}}); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#reason-error") == "" {
		t.Errorf("a return without a reason: %d", res.StatusCode)
	}
	if res := office.postForm(cgSelfReport, url.Values{"do": {"return"}, "reason": {"请补充整改措施"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", res.StatusCode)
	}
	if got := text(t, editor.get(cgSelfReport).Body, "#return-reason"); got != "请补充整改措施" {
		t.Errorf("the editor sees the reason %q", got)
	}
	reviewer.postForm(cgSelfReport, url.Values{"do": {"submit"}})
	if res := office.postForm(cgSelfReport, url.Values{"do": {"accept"}}); res.StatusCode != http.StatusSeeOther || !strings.Contains(text(t, office.get(cgSelfReport).Body, "#state"), "已通过") {
		t.Errorf("accept: %d", res.StatusCode)
	}

	print := editor.get(cgSelfReport + "print")
	if print.StatusCode != http.StatusOK || !strings.Contains(print.Header.Get("Content-Security-Policy"), "'sha256-") ||
		text(t, print.Body, "h1") != "赤岗街道办事处2026年政务公开工作自查报告" {
		t.Errorf("print: %d %q %q", print.StatusCode, print.Header.Get("Content-Security-Policy"), text(t, print.Body, "h1"))
	}
	doc := editor.get(cgSelfReport + "report.docx")
	if doc.StatusCode != http.StatusOK || !strings.Contains(doc.Header.Get("Content-Disposition"), "self-report-440105-001-2026.docx") ||
		!strings.Contains(readertest.DocxText(t, []byte(doc.Body)), "赤岗街道办事处2026年政务公开工作自查报告") {
		t.Errorf("docx: %d %q", doc.StatusCode, doc.Header.Get("Content-Disposition"))
	}
}

// TestAssessPages: the city office sees the scores of its scope and sets a
// scheme (bad weights refused naming the fields, with what was typed
// kept); a unit sees its own breakdown; the results download as a
// workbook.
func TestAssessPages(t *testing.T) {
	w := newReportWorld(t, dbtest.SQLite(t))
	city, district, editor := w.clients[string(auth.PublicOfficeCity)], w.clients[string(auth.PublicOfficeDistrict)], w.clients[string(auth.UnitEditor)]

	for _, bad := range []string{"1999", "abc"} {
		if res := district.get("/admin/assess/?year=" + bad); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#year-error") == "" || attr(t, res.Body, "#year", "value") != bad {
			t.Errorf("%s: %d", bad, res.StatusCode)
		}
	}
	res := district.get("/admin/assess/?year=2026")
	if res.StatusCode != http.StatusOK || len(find(t, res.Body, "#results tbody tr")) != 23 || len(find(t, res.Body, "#results thead th")) != 9 {
		t.Fatalf("the district's results: %d, %d rows", res.StatusCode, len(find(t, res.Body, "#results tbody tr")))
	}
	if got := text(t, res.Body, `#results tr[data-unit="440105-001"] .points`); got == "" {
		t.Error("赤岗 has no points")
	}
	res = editor.get("/admin/assess/?year=2026")
	if res.StatusCode != http.StatusOK || len(find(t, res.Body, "#breakdown tbody tr")) != 6 ||
		!strings.Contains(text(t, res.Body, `#breakdown tr[data-key="interpretation"]`), "本年度无此项考核内容") {
		t.Errorf("the editor's breakdown: %d %q", res.StatusCode, text(t, res.Body, "#breakdown"))
	}

	form := schemeForm("30", "20", "20", "10", "10", "5")
	res = city.postForm("/admin/assess/scheme", form)
	if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#weights-error") == "" || attr(t, res.Body, "#weight_catalogs", "value") != "5" {
		t.Errorf("weights summing to 95: %d %q", res.StatusCode, text(t, res.Body, "#weights-error"))
	}
	form = schemeForm("三十", "20", "20", "10", "10", "10")
	form.Set("comment", "")
	res = city.postForm("/admin/assess/scheme", form)
	if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#weight_inspection-error") == "" || text(t, res.Body, "#comment-error") == "" ||
		attr(t, res.Body, "#weight_inspection", "value") != "三十" {
		t.Errorf("a weight in words and no comment: %d", res.StatusCode)
	}
	form = schemeForm("40", "20", "20", "0", "10", "10")
	form.Set("year", "1999")
	if res := city.postForm("/admin/assess/scheme", form); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#year-error") == "" || attr(t, res.Body, "#year", "value") != "1999" {
		t.Errorf("a year out of range: %d", res.StatusCode)
	}
	if res := city.postForm("/admin/assess/scheme", schemeForm("40", "20", "20", "0", "10", "10")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	if rows := find(t, city.get("/admin/assess/scheme?year=2026").Body, "#versions tbody tr"); len(rows) != 2 {
		t.Errorf("%d versions, want 2", len(rows))
	}

	since := time.Now()
	x := district.get("/admin/assess/results.xlsx?year=2026&scope=440105")
	if x.StatusCode != http.StatusOK {
		t.Fatalf("xlsx: %d", x.StatusCode)
	}
	wb := readertest.MustOpenXLSX(t, []byte(x.Body))
	readertest.CheckWorkbook(t, wb, since)
	sh := wb.Sheet(t, "考核结果")
	if sh.Cell(2, 3) != "网上巡查得分（权重40）" || len(sh.Rows) != 25 {
		t.Errorf("the workbook: %v, %d rows", sh.Rows[1], len(sh.Rows))
	}
}

// TestDomainReportPages: 广州市民政局's supervisor writes and publishes the
// 养老服务 report, which the portal shows under the domain; the city
// office sets leads, refused for a unit that is no city department.
func TestDomainReportPages(t *testing.T) {
	w := newReportWorld(t, dbtest.SQLite(t))
	super, city := w.clients[string(auth.DomainSupervisor)], w.clients[string(auth.PublicOfficeCity)]
	const page = "/admin/domainreports/21/2026/"

	if res := super.get("/admin/domainreports/?year=2031"); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#year-error") == "" {
		t.Errorf("a year to come: %d", res.StatusCode)
	}
	list := super.get("/admin/domainreports/?year=2026")
	if rows := find(t, list.Body, "#domainreports tbody tr"); len(rows) != 1 || !strings.Contains(text(t, list.Body, "#domainreports"), "广州市民政局") {
		t.Errorf("the supervisor's list: %q", text(t, list.Body, "#domainreports"))
	}
	if rows := find(t, city.get("/admin/domainreports/?year=2026").Body, "#domainreports tbody tr"); len(rows) != 26 {
		t.Errorf("the city office sees %d domains", len(rows))
	}
	res := super.get(page)
	if res.StatusCode != http.StatusOK || len(find(t, res.Body, "#domain-units tbody tr")) != 3 || text(t, res.Body, `#domain-units tr[data-unit="440105-002"] .grade`) != "D" {
		t.Fatalf("the report page: %d %q", res.StatusCode, text(t, res.Body, "#domain-units"))
	}
	form := formValues(t, res.Body, "textarea")
	form.Set("do", "save")
	form.Set("text_grades", strings.Repeat("长", 5001))
	if res := super.postForm(page, form); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#text_grades-error") == "" {
		t.Errorf("a text too long: %d", res.StatusCode)
	}
	form.Set("text_grades", "赤岗街道目录发布及时，信息挂载较完整；新港、昌岗街道需加快目录编制。")
	if res := super.postForm(page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if res := super.postForm(page, url.Values{"do": {"publish"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.StatusCode)
	}
	visitor := w.client()
	if links := find(t, visitor.get("/zwgk/bzh/440105-001/21/").Body, `a[href="/zwgk/ly/21/"]`); len(links) != 1 {
		t.Error("赤岗's 养老服务 catalog does not link the domain's page")
	}
	domain := visitor.get("/zwgk/ly/21/")
	if domain.StatusCode != http.StatusOK || len(find(t, domain.Body, "#report-years li")) != 1 {
		t.Errorf("the domain page: %d", domain.StatusCode)
	}
	pub := visitor.get("/zwgk/ly/21/2026/")
	if pub.StatusCode != http.StatusOK || !strings.Contains(text(t, pub.Body, "#text-grades"), "新港、昌岗街道需加快目录编制") {
		t.Errorf("the published report: %d %q", pub.StatusCode, text(t, pub.Body, "#text-grades"))
	}
	if res := city.postForm("/admin/domainreports/lead", url.Values{"domain": {"21"}, "lead": {"440105"}}); res.StatusCode != http.StatusBadRequest ||
		text(t, res.Body, "#lead-error") == "" {
		t.Errorf("a district as lead: %d", res.StatusCode)
	}
	if res := city.postForm("/admin/domainreports/lead", url.Values{"domain": {"01"}, "lead": {"440100-01"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("setting 国土空间规划's lead: %d %s", res.StatusCode, excerpt(res.Body, "error"))
	}
	if !strings.Contains(text(t, city.get("/admin/domainreports/?year=2026").Body, `#domainreports tr[data-domain="01"]`), "广州市规划和自然资源局") {
		t.Error("国土空间规划 is not led by 广州市规划和自然资源局")
	}
}

// TestEnglishReportPages renders the new pages in English and fails on
// Chinese outside user data.
func TestEnglishReportPages(t *testing.T) {
	w := newReportWorld(t, dbtest.SQLite(t))
	en := englishPages(t)
	editor, district, city, super := w.clients[string(auth.UnitEditor)], w.clients[string(auth.PublicOfficeDistrict)], w.clients[string(auth.PublicOfficeCity)], w.clients[string(auth.DomainSupervisor)]
	en.show(editor, "self reports", "/admin/selfreport/?year=2026")
	en.show(editor, "self report to edit", cgSelfReport)
	en.show(district, "self report submitted", xgSelfReport)
	en.show(district, "self reports of the district", "/admin/selfreport/?year=2026")
	en.show(city, "assessment", "/admin/assess/?year=2026")
	en.show(editor, "assessment breakdown", "/admin/assess/?year=2026")
	en.show(city, "assessment scheme", "/admin/assess/scheme?year=2026")
	en.show(city, "domain reports", "/admin/domainreports/?year=2026")
	en.show(super, "domain report", "/admin/domainreports/21/2026/")
	en.show(w.client(), "domain page", "/zwgk/ly/21/")
	en.show(w.client(), "published domain report", "/zwgk/ly/21/2026/")
	en.check()
}
