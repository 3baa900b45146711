package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

// Every console route of institutions, village affairs and zones refuses
// accounts outside the unit (and, for institutions, outside the
// supervising department) with 404, or with 400 naming the field where a
// form names a unit the account is not offered, and changes nothing.
func TestScopeOfGrassroots(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newGrassroots(t, d)
		for _, n := range []auth.NewAccount{
			{Login: "yuexiu-office", Role: auth.PublicOfficeDistrict, UnitCode: "440104"},
			{Login: "bj-editor", Role: auth.UnitEditor, UnitCode: "440104-001"},
			{Login: "xg-editor", Role: auth.UnitEditor, UnitCode: "440105-002"},
			{Login: "jiaoyu-editor", Role: auth.UnitEditor, UnitCode: "440100-16"},
		} {
			addAccount(t, e, n)
		}
		w := &scopeWorld{env: e, clients: map[string]*client{}}
		for _, login := range []string{"yuexiu-office", "bj-editor", "xg-editor", "jiaoyu-editor"} {
			w.clients[login] = e.as(login, login+"-pw-2026")
		}
		for _, login := range []string{"hospital-editor", "community-editor", "weijian-editor"} {
			w.clients[login] = e.grassroots(login)
		}
		w.clients["domain"] = e.asDemo(auth.DomainSupervisor)
		w.clients["haizhu-office"] = e.asDemo(auth.PublicOfficeDistrict)

		// A zone of 赤岗街道 with a photo, made from inside.
		inside := e.asDemo(auth.UnitEditor)
		res := inside.postForm("/admin/zones/", url.Values{"unit": {"440105-001"}, "kind": {"archive"}, "name": {"赤岗街道档案室专区"},
			"address": {"广州市海珠区赤岗街道"}, "hours": {"工作日"}})
		zonePage := strings.Split(res.Header.Get("Location"), "?")[0]
		if res := inside.uploadWith(zonePage, url.Values{"alt": {"档案查阅台"}}, "file", "a.png", pngImage(t)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d", res.StatusCode)
		}

		report := "/admin/institutions/report?unit=440100-17&year=2026"
		reportForm := url.Values{"unit": {"440100-17"}, "year": {"2025"}, "do": {"save"}, "mechanism": {"越界"}, "disclosed": {"越界"}, "problems": {"越界"}, "next_steps": {"越界"}}
		village := "/admin/villages/" + app.DemoCommunity + "/"
		entry := url.Values{"item": {"std:dw-3"}, "content": {"越界写入的党费情况"}}
		visit := url.Values{"village": {app.DemoCommunity}, "date": {"2026-11-20"}, "people": {"越界"}, "findings": {"越界"}, "advice": {"越界"}}
		var cases []refusal
		// Outside 市卫生健康委 and its hospital; a street and a domain
		// supervisor have no institutions' console at all.
		for _, who := range []string{"yuexiu-office", "haizhu-office", "bj-editor", "jiaoyu-editor", "hospital-editor", "domain"} {
			cases = append(cases, refusal{who, "GET", report, nil, notFound}, refusal{who, "POST", "/admin/institutions/report", reportForm, notFound})
		}
		cases = append(cases,
			refusal{"bj-editor", "GET", "/admin/institutions/", nil, notFound},
			refusal{"domain", "GET", "/admin/institutions/", nil, notFound},
			// Recording a supervisor: an editor is not offered it; an
			// office outside the hospital is not offered the unit.
			refusal{"weijian-editor", "POST", "/admin/institutions/supervisor", url.Values{"unit": {app.DemoHospital}, "supervisor": {"440100-16"}}, forbidden},
			refusal{"haizhu-office", "POST", "/admin/institutions/supervisor", url.Values{"unit": {app.DemoHospital}, "supervisor": {"440105-d01"}}, []int{http.StatusBadRequest}},
		)
		// Outside 赤岗社区: another street, another district, a city
		// department and a domain supervisor.
		for _, who := range []string{"xg-editor", "bj-editor", "yuexiu-office", "weijian-editor", "domain"} {
			cases = append(cases, refusal{who, "GET", village, nil, notFound}, refusal{who, "POST", village, entry, notFound})
		}
		cases = append(cases,
			refusal{"xg-editor", "POST", "/admin/villages/visits", visit, []int{http.StatusBadRequest}},
			refusal{"yuexiu-office", "POST", "/admin/villages/visits", visit, []int{http.StatusBadRequest}},
			// A community records no visits to itself.
			refusal{"community-editor", "POST", "/admin/villages/visits", visit, forbidden},
			refusal{"weijian-editor", "GET", "/admin/villages/", nil, notFound},
			refusal{"yuexiu-office", "GET", "/admin/villages/report?unit=440105&year=2026", nil, notFound},
			refusal{"yuexiu-office", "GET", "/admin/villages/report.xlsx?unit=440105&year=2026", nil, notFound},
			refusal{"xg-editor", "GET", "/admin/villages/report?unit=440105&year=2026", nil, notFound},
		)
		// Outside 赤岗街道's zone.
		for _, who := range []string{"xg-editor", "bj-editor", "yuexiu-office", "community-editor", "domain"} {
			cases = append(cases, refusal{who, "GET", zonePage, nil, notFound}, refusal{who, "UPLOAD", zonePage, nil, notFound})
			for _, do := range []string{"save", "remove_photo", "delete"} {
				cases = append(cases, refusal{who, "POST", zonePage, url.Values{"do": {do}, "seq": {"1"}, "kind": {"library"}, "name": {"越界"}, "address": {"越界"}, "hours": {"越界"}}, notFound})
			}
		}
		cases = append(cases,
			refusal{"xg-editor", "POST", "/admin/zones/", url.Values{"unit": {"440105-001"}, "kind": {"library"}, "name": {"越界"}, "address": {"越界"}, "hours": {"越界"}}, []int{http.StatusBadRequest}},
			refusal{"domain", "GET", "/admin/zones/", nil, notFound},
		)
		w.check(t, cases)

		// Lists outside show nothing of them.
		for who, marks := range map[string][]string{
			"yuexiu-office": {"广州市第一人民医院"},
			"haizhu-office": {"广州市第一人民医院"},
			"xg-editor":     {"赤岗社区居民委员会", "赤岗街道档案室专区"},
			"bj-editor":     {"赤岗社区居民委员会", "赤岗街道档案室专区"},
		} {
			for _, p := range []string{"/admin/institutions/", "/admin/villages/", "/admin/zones/"} {
				body := w.clients[who].get(p).Body
				for _, m := range marks {
					if strings.Contains(body, m) {
						t.Errorf("%s's %s shows %q", who, p, m)
					}
				}
			}
		}
		// The same requests from inside reach them.
		for _, c := range []struct {
			who, path string
			form      url.Values
		}{
			{"weijian-editor", "/admin/institutions/report", reportForm},
			{"community-editor", village, entry},
			{"chigang", "/admin/villages/visits", visit},
			{"chigang", zonePage, url.Values{"do": {"remove_photo"}, "seq": {"1"}}},
		} {
			cl := w.clients[c.who]
			if c.who == "chigang" {
				cl = inside
			}
			if res := cl.postForm(c.path, c.form); res.StatusCode != http.StatusSeeOther {
				t.Errorf("%s %s from inside: %d %s", c.who, c.path, res.StatusCode, excerpt(res.Body, "error-box"))
			}
		}
		if body := w.clients["haizhu-office"].get("/admin/villages/report?unit=440105&year=2026").Body; !strings.Contains(body, "赤岗社区居民委员会") {
			t.Error("海珠区's report misses the community")
		}
	})
}
