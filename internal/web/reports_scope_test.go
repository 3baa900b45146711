package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

// newReportWorld is the demo with its reports of 2026 (赤岗街道's drafted,
// 新港街道's submitted, the scheme, 养老服务's report published), on 20
// December 2026, with the accounts outside 赤岗街道 of the scope tests
// and one at 海珠区民政局 that follows 养老服务 outside its lead.
func newReportWorld(t *testing.T, d *db.DB) *scopeWorld {
	t.Helper()
	e := newEnv(t, d)
	d.SetClock(func() time.Time { return time.Date(2026, 12, 20, 9, 0, 0, 0, calendar.China) })
	if _, err := app.LoadDemoReports(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	for _, n := range []auth.NewAccount{
		{Login: "yuexiu-office", Role: auth.PublicOfficeDistrict, UnitCode: "440104"},
		{Login: "bj-editor", Role: auth.UnitEditor, UnitCode: "440104-001"},
		{Login: "bj-reviewer", Role: auth.UnitReviewer, UnitCode: "440104-001"},
		{Login: "xg-editor", Role: auth.UnitEditor, UnitCode: "440105-002"},
		{Login: "xg-reviewer", Role: auth.UnitReviewer, UnitCode: "440105-002"},
		{Login: "hzmz-super", Role: auth.DomainSupervisor, UnitCode: "440105-d01", Domain: "养老服务"},
		{Login: "jiuzhu-super", Role: auth.DomainSupervisor, UnitCode: "440100-14", Domain: "社会救助"},
	} {
		addAccount(t, e, n)
	}
	w := &scopeWorld{env: e, clients: map[string]*client{}}
	for _, login := range []string{"yuexiu-office", "bj-editor", "bj-reviewer", "xg-editor", "xg-reviewer", "hzmz-super", "jiuzhu-super"} {
		w.clients[login] = e.as(login, login+"-pw-2026")
	}
	for _, role := range auth.Roles {
		w.clients[string(role)] = e.asDemo(role)
	}
	w.clients["public"] = e.client()
	return w
}

const (
	cgSelfReport = "/admin/selfreport/440105-001/2026/"
	xgSelfReport = "/admin/selfreport/440105-002/2026/"
)

// Every route of the self-inspection reports, the assessment and the
// domain reports refuses the accounts outside what it concerns, and a
// refused request changes nothing.
func TestScopeOfReports(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newReportWorld(t, d)
		var cases []refusal
		texts := url.Values{"do": {"save"}, "text_catalogs": {"越界修改"}}
		for _, who := range []string{"yuexiu-office", "bj-editor", "bj-reviewer", "xg-editor", "xg-reviewer"} {
			for _, p := range []string{cgSelfReport, cgSelfReport + "print", cgSelfReport + "report.docx", "/admin/assess/440105-001/2026/"} {
				cases = append(cases, refusal{who, "GET", p, nil, notFound})
			}
			for _, do := range []url.Values{texts, {"reset": {"catalogs"}}, {"do": {"submit"}}, {"do": {"accept"}}, {"do": {"return"}, "reason": {"越界退回"}}} {
				cases = append(cases, refusal{who, "POST", cgSelfReport, do, notFound})
			}
		}
		// 新港's submitted report: not 赤岗's staff, not another district.
		for _, who := range []string{string(auth.UnitEditor), string(auth.UnitReviewer), "yuexiu-office", "bj-reviewer"} {
			cases = append(cases, refusal{who, "GET", xgSelfReport, nil, notFound},
				refusal{who, "POST", xgSelfReport, url.Values{"do": {"accept"}}, notFound},
				refusal{who, "POST", xgSelfReport, url.Values{"do": {"return"}, "reason": {"越界退回"}}, notFound})
		}
		cases = append(cases,
			// Inside the scope, without the right: an editor submits, the
			// city office decides a street's, a district office edits it.
			refusal{string(auth.UnitEditor), "POST", cgSelfReport, url.Values{"do": {"submit"}}, forbidden},
			refusal{string(auth.PublicOfficeCity), "POST", xgSelfReport, url.Values{"do": {"accept"}}, forbidden},
			refusal{string(auth.PublicOfficeCity), "POST", xgSelfReport, url.Values{"do": {"return"}, "reason": {"越界退回"}}, forbidden},
			refusal{string(auth.PublicOfficeDistrict), "POST", cgSelfReport, texts, forbidden},
			refusal{string(auth.PublicOfficeDistrict), "POST", cgSelfReport, url.Values{"do": {"submit"}}, forbidden},
			refusal{string(auth.DomainSupervisor), "GET", "/admin/selfreport/", nil, forbidden},
			refusal{string(auth.DomainSupervisor), "GET", "/admin/assess/", nil, forbidden},
			// Assessment: another unit's breakdown and results, the scheme.
			refusal{"xg-editor", "GET", "/admin/assess/results.xlsx?year=2026&scope=440105", nil, notFound},
			refusal{"yuexiu-office", "GET", "/admin/assess/?year=2026&scope=440105", nil, notFound},
			refusal{"yuexiu-office", "GET", "/admin/assess/results.xlsx?year=2026&scope=440105", nil, notFound},
			refusal{"bj-editor", "GET", "/admin/assess/440105/2026/", nil, notFound},
			refusal{string(auth.PublicOfficeDistrict), "GET", "/admin/assess/scheme", nil, forbidden},
			refusal{string(auth.PublicOfficeDistrict), "POST", "/admin/assess/scheme", schemeForm("30", "20", "20", "10", "10", "10"), forbidden},
			refusal{string(auth.UnitReviewer), "POST", "/admin/assess/scheme", schemeForm("30", "20", "20", "10", "10", "10"), forbidden},
			// Domain reports: units and offices have none; a supervisor of
			// another domain, or of the domain outside its lead, writes none.
			refusal{string(auth.UnitEditor), "GET", "/admin/domainreports/", nil, forbidden},
			refusal{string(auth.PublicOfficeDistrict), "GET", "/admin/domainreports/21/2026/", nil, forbidden},
			refusal{"jiuzhu-super", "GET", "/admin/domainreports/21/2026/", nil, notFound},
			refusal{"jiuzhu-super", "POST", "/admin/domainreports/21/2026/", url.Values{"do": {"publish"}}, notFound},
			refusal{string(auth.DomainSupervisor), "GET", "/admin/domainreports/20/2026/", nil, notFound},
			refusal{"hzmz-super", "POST", "/admin/domainreports/21/2026/", url.Values{"do": {"save"}, "text_loading": {"越界"}}, forbidden},
			refusal{string(auth.PublicOfficeCity), "POST", "/admin/domainreports/21/2026/", url.Values{"do": {"publish"}}, forbidden},
			refusal{string(auth.DomainSupervisor), "POST", "/admin/domainreports/lead", url.Values{"domain": {"21"}, "lead": {"440100-01"}}, forbidden},
			refusal{string(auth.PublicOfficeDistrict), "POST", "/admin/domainreports/lead", url.Values{"domain": {"21"}, "lead": {"440100-01"}}, forbidden},
			// The portal shows published reports only.
			refusal{"public", "GET", "/zwgk/ly/21/2025/", nil, notFound},
			refusal{"public", "GET", "/zwgk/ly/20/2026/", nil, notFound},
			refusal{"public", "GET", "/zwgk/ly/nowhere/", nil, notFound},
			refusal{"public", "GET", cgSelfReport, nil, []int{http.StatusSeeOther}},
			refusal{"public", "POST", cgSelfReport, texts, []int{http.StatusUnauthorized, http.StatusSeeOther, http.StatusForbidden}},
		)
		w.check(t, cases)

		// The same requests from inside reach them: the refusals above are
		// the scope's doing.
		for who, pages := range map[string][]string{
			string(auth.UnitEditor):           {cgSelfReport, cgSelfReport + "print", cgSelfReport + "report.docx", "/admin/assess/440105-001/2026/"},
			string(auth.PublicOfficeDistrict): {xgSelfReport, cgSelfReport, "/admin/assess/?year=2026&scope=440105", "/admin/assess/results.xlsx?year=2026&scope=440105"},
			string(auth.DomainSupervisor):     {"/admin/domainreports/", "/admin/domainreports/21/2026/"},
			"public":                          {"/zwgk/ly/21/", "/zwgk/ly/21/2026/"},
		} {
			for _, p := range pages {
				if res := w.clients[who].get(p); res.StatusCode != http.StatusOK {
					t.Errorf("%s GET %s: %d", who, p, res.StatusCode)
				}
			}
		}
		// Lists outside 赤岗 do not show it.
		for _, who := range []string{"yuexiu-office", "bj-editor", "xg-editor"} {
			if body := w.clients[who].get("/admin/selfreport/?year=2026").Body; strings.Contains(body, "赤岗街道") {
				t.Errorf("%s's list shows 赤岗街道", who)
			}
		}
		if body := w.clients["jiuzhu-super"].get("/admin/domainreports/?year=2026").Body; strings.Contains(body, "养老服务") {
			t.Error("a supervisor of 社会救助 sees 养老服务")
		}
	})
}

// schemeForm is the scheme form with weights in assess.Keys order.
func schemeForm(ws ...string) url.Values {
	f := url.Values{"year": {"2026"}, "comment": {"测试调整"}}
	for i, k := range []string{"inspection", "tasks", "applications", "interpretation", "messages", "catalogs"} {
		f.Set("weight_"+k, ws[i])
	}
	return f
}
