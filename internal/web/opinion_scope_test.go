package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

// Every route of public-opinion items keeps to its scope: an item of
// 海珠区 given to 赤岗 is refused, changing nothing, to another district's
// office, another district's and another street's staff, the domain
// supervisor and the administrator; 赤岗's staff see it but take none of
// the office's steps, and answer only for 赤岗, not for 新港 on an item
// given to both; an unpublished item is not on the portal.
func TestScopeOfOpinion(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		at(d, "2026-09-30")
		w := outsiderWorld(t, e)
		office, editor := w.clients[string(auth.PublicOfficeDistrict)], w.clients[string(auth.UnitEditor)]
		item := register(t, office, opinionForm())
		step(t, office, item, "assign", url.Values{"unit": {"440105-001"}})
		part := attr(t, editor.get(item).Body, "form[action$='/respond'] input[name=part]", "value")
		bothForm := opinionForm()
		bothForm.Set("title", "网民反映赤岗新港交界路段积水")
		both := register(t, office, bothForm)
		step(t, office, both, "assign", url.Values{"unit": {"440105-001", "440105-002"}})
		xgPart := partValue(t, office.get(both).Body, "#urge-part", "新港街道办事处")
		if part == "" || xgPart == "" {
			t.Fatalf("parts %q %q", part, xgPart)
		}
		form := url.Values{"unit": {"440104-001"}, "due": {"2026-10-12"}, "leader": {"越界"}, "day": {"2026-09-30"}, "text": {"越界"},
			"part": {part}, "handling": {"越界"}, "response": {"越界"}, "link": {"/"}, "note": {"越界"}, "conclusion": {"越界"},
			"title": {"越界"}, "source": {"online"}, "level": {"major"}, "summary": {"越界"}, "found": {"2026-09-30T08:00"}}
		steps := []string{"assign", "instruct", "respond", "urge", "close", "publish", "withdraw"}
		id := strings.TrimPrefix(item, "/admin/opinion/")
		var cases []refusal
		for _, who := range append(outsiders, string(auth.Admin)) {
			cases = append(cases, refusal{who, "GET", item, nil, notFound})
			for _, s := range steps {
				cases = append(cases, refusal{who, "POST", item + "/" + s, form, notFound})
			}
		}
		for _, who := range []string{"bj-editor", "xg-reviewer", string(auth.DomainSupervisor), string(auth.Admin), string(auth.UnitEditor)} {
			cases = append(cases, refusal{who, "GET", "/admin/opinion/new", nil, forbidden}, refusal{who, "POST", "/admin/opinion", form, forbidden},
				refusal{who, "GET", "/admin/opinion/summary/", nil, forbidden}, refusal{who, "GET", "/admin/opinion/summary/2026-09/", nil, forbidden},
				refusal{who, "GET", "/admin/opinion/summary/2026-09.xlsx", nil, forbidden})
		}
		for _, s := range []string{"assign", "instruct", "urge", "close", "publish", "withdraw"} {
			for _, who := range []string{string(auth.UnitEditor), string(auth.UnitReviewer)} {
				cases = append(cases, refusal{who, "POST", item + "/" + s, form, forbidden})
			}
		}
		cases = append(cases,
			refusal{string(auth.DomainSupervisor), "GET", "/admin/opinion", nil, forbidden},
			refusal{string(auth.Admin), "GET", "/admin/opinion", nil, forbidden},
			// 赤岗 answers for 新港, the office answers for 赤岗.
			refusal{string(auth.UnitEditor), "POST", both + "/respond", url.Values{"part": {xgPart}, "handling": {"越界"}, "response": {"越界"}}, notFound},
			refusal{string(auth.PublicOfficeDistrict), "POST", item + "/respond", url.Values{"part": {part}, "handling": {"越界"}, "response": {"越界"}}, forbidden},
			refusal{string(auth.UnitEditor), "POST", item + "/nonsense", form, notFound},
			refusal{string(auth.UnitEditor), "GET", "/admin/opinion/999999", nil, notFound},
			refusal{string(auth.UnitEditor), "GET", "/admin/opinion/x", nil, notFound},
			refusal{string(auth.PublicOfficeDistrict), "GET", "/admin/opinion/summary/2026-09.pdf", nil, notFound},
			// 海珠's office asks for 越秀's summary.
			refusal{string(auth.PublicOfficeDistrict), "GET", "/admin/opinion/summary/2026-09/?scope=440104", nil, []int{http.StatusBadRequest}},
			refusal{string(auth.PublicOfficeDistrict), "GET", "/admin/opinion/summary/2026-09.xlsx?scope=440104", nil, []int{http.StatusBadRequest}},
			// Unpublished: not on the portal.
			refusal{"yuexiu-office", "GET", "/hudong/yqhy/" + id + "/", nil, notFound},
		)
		w.check(t, cases)
		for _, who := range append(outsiders, string(auth.Admin)) {
			for _, p := range []string{"/admin/", "/admin/opinion", "/admin/opinion?unit=440105-001"} {
				if res := w.clients[who].get(p); strings.Contains(res.Body, `href="`+item+`"`) || strings.Contains(res.Body, "网传海珠区某小区停水三天") {
					t.Errorf("%s sees the item on %s", who, p)
				}
			}
		}
		if res := w.clients["yuexiu-office"].get("/admin/opinion/summary/2026-09/"); strings.Contains(res.Body, "网传海珠区某小区停水三天") {
			t.Error("越秀's summary holds 海珠's item")
		}
		if res := e.client().get("/api/v1/opinion"); !strings.Contains(res.Body, `"total":0`) {
			t.Errorf("unpublished items in the API: %s", res.Body)
		}
		// Inside: the offices above see both parts, 赤岗 only its own.
		for _, who := range []string{string(auth.PublicOfficeDistrict), string(auth.PublicOfficeCity)} {
			if res := w.clients[who].get(both); res.StatusCode != http.StatusOK || len(find(t, res.Body, "#opinion-parts tbody tr")) != 2 {
				t.Errorf("%s GET %s: %d", who, both, res.StatusCode)
			}
		}
		for _, who := range []string{string(auth.UnitEditor), string(auth.UnitReviewer)} {
			if res := w.clients[who].get(both); res.StatusCode != http.StatusOK || len(find(t, res.Body, "#opinion-parts tbody tr")) != 1 {
				t.Errorf("%s GET %s: %d", who, both, res.StatusCode)
			}
		}
		if res := w.clients["xg-editor"].get(both); res.StatusCode != http.StatusOK || strings.Contains(res.Body, "赤岗街道办事处") {
			t.Errorf("新港 on the item of both: %d", res.StatusCode)
		}
		// The city office, above 海珠, takes the office's steps.
		step(t, w.clients[string(auth.PublicOfficeCity)], item, "instruct", url.Values{"leader": {"市领导"}, "day": {"2026-09-30"}, "text": {"请督促办理。"}})
	})
}
