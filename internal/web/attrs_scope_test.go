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

// Every route of disclosure attributes refuses accounts outside 海珠区's
// check and review, and 新港's staff on 赤岗's documents, and changes
// nothing; the same requests from inside are answered, so the refusals
// are the scope's doing.
func TestScopeOfAttributes(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newAttrsWorld(t, d)
		for _, n := range []auth.NewAccount{
			{Login: "yuexiu-office", Role: auth.PublicOfficeDistrict, UnitCode: "440104"},
			{Login: "bj-editor", Role: auth.UnitEditor, UnitCode: "440104-001"},
			{Login: "bj-reviewer", Role: auth.UnitReviewer, UnitCode: "440104-001"},
			{Login: "xg-editor", Role: auth.UnitEditor, UnitCode: "440105-002"},
		} {
			addAccount(t, w.env, n)
		}
		sw := &scopeWorld{env: w.env, clients: map[string]*client{}}
		for _, login := range []string{"yuexiu-office", "bj-editor", "bj-reviewer", "xg-editor"} {
			sw.clients[login] = w.as(login, login+"-pw-2026")
		}
		for _, role := range auth.Roles {
			sw.clients[string(role)] = w.asDemo(role)
		}
		cgSpot := w.spotItemPage(w.spot["440105-001"][0])
		cgItem, xgItem := w.itemPage(cgPlan), w.itemPage(xgList)
		answers := url.Values{"proposed": {"yes"}, "marked": {"yes"}, "correct": {"yes"}}
		proposal := url.Values{"do": {"propose"}, "proposal": {"keep"}, "note": {"越界"}}
		api := "/api/v1/admin/attributes/review?unit=440105-001&year=2026"

		var cases []refusal
		// Outside 海珠区 (and the roles without these pages): nothing of
		// the check nor the review exists.
		for _, who := range []string{"yuexiu-office", "bj-editor", "bj-reviewer", string(auth.DomainSupervisor), string(auth.Admin)} {
			for _, p := range []string{w.spotPage(), w.spotPage() + "/results.xlsx", cgSpot, w.reviewPage(), cgItem, xgItem, api} {
				cases = append(cases, refusal{who, "GET", p, nil, notFound})
			}
			cases = append(cases,
				refusal{who, "POST", w.spotPage(), url.Values{"do": {"close"}}, notFound},
				refusal{who, "POST", cgSpot, answers, notFound},
				refusal{who, "POST", w.reviewPage(), url.Values{"do": {"take_in"}}, notFound},
				refusal{who, "POST", w.reviewPage(), url.Values{"do": {"publish"}}, notFound},
				refusal{who, "POST", cgItem, proposal, notFound},
				refusal{who, "POST", cgItem, url.Values{"do": {"confirm"}}, notFound},
				refusal{who, "POST", cgItem, url.Values{"do": {"return"}, "return_note": {"越界"}}, notFound})
		}
		// Those without the pages at all, and staff opening checks.
		for _, who := range []string{string(auth.DomainSupervisor), string(auth.Admin)} {
			cases = append(cases, refusal{who, "GET", "/admin/attributes", nil, notFound})
		}
		for _, who := range []string{string(auth.DomainSupervisor), string(auth.Admin), string(auth.UnitEditor), string(auth.UnitReviewer), "bj-editor"} {
			cases = append(cases,
				refusal{who, "POST", "/admin/attributes/spot", url.Values{"year": {"2026"}, "sample_size": {"1"}}, notFound},
				refusal{who, "POST", "/admin/attributes/review", url.Values{"review_year": {"2025"}}, notFound})
		}
		// 新港's editor sees the check and the review for 新港 only.
		for _, p := range []string{cgSpot, cgItem} {
			cases = append(cases, refusal{"xg-editor", "GET", p, nil, notFound})
		}
		cases = append(cases,
			refusal{"xg-editor", "POST", cgItem, proposal, notFound},
			refusal{"xg-editor", "POST", cgSpot, answers, notFound},
			refusal{"xg-editor", "GET", "/api/v1/admin/attributes/review?unit=440105-001&year=2026", nil, notFound},
			// Inside, but not theirs to do: a unit neither records,
			// closes, decides nor publishes; an office does not propose
			// for a unit.
			refusal{string(auth.UnitEditor), "POST", cgSpot, answers, forbidden},
			refusal{string(auth.UnitEditor), "POST", w.spotPage(), url.Values{"do": {"close"}}, forbidden},
			refusal{string(auth.UnitReviewer), "POST", cgItem, url.Values{"do": {"confirm"}}, forbidden},
			refusal{string(auth.UnitReviewer), "POST", cgItem, url.Values{"do": {"return"}, "return_note": {"退回"}}, forbidden},
			refusal{string(auth.UnitEditor), "POST", w.reviewPage(), url.Values{"do": {"publish"}}, forbidden},
			refusal{string(auth.UnitEditor), "POST", w.reviewPage(), url.Values{"do": {"take_in"}}, forbidden},
			refusal{string(auth.PublicOfficeDistrict), "POST", cgItem, proposal, forbidden},
			refusal{"xg-editor", "POST", xgItem, url.Values{"do": {"confirm"}}, forbidden},
			// Steps that do not exist.
			refusal{string(auth.PublicOfficeDistrict), "POST", w.reviewPage(), url.Values{"do": {"delete"}}, notFound},
			refusal{string(auth.PublicOfficeDistrict), "POST", cgItem, url.Values{"do": {"delete"}}, notFound},
			refusal{string(auth.PublicOfficeDistrict), "POST", w.spotPage(), url.Values{"do": {"reopen"}}, notFound},
			refusal{string(auth.PublicOfficeDistrict), "GET", w.reviewPage() + "/999999", nil, notFound},
			refusal{string(auth.PublicOfficeDistrict), "GET", "/admin/attributes/spot/abc", nil, notFound},
			// Before it is published, no outcome is public.
			refusal{"bj-editor", "GET", "/zwgk/gksxsc/440105-001/2026/", nil, notFound},
		)
		sw.check(t, cases)

		// Lists outside 海珠区 show nothing of it.
		for _, who := range []string{"yuexiu-office", "bj-editor"} {
			body := sw.clients[who].get("/admin/attributes").Body
			if strings.Contains(body, w.reviewPage()) || strings.Contains(body, w.spotPage()) {
				t.Errorf("%s's list shows 海珠区's", who)
			}
		}
		// From inside, the same requests are answered.
		inside := []struct {
			who, path string
		}{
			{string(auth.UnitEditor), cgSpot}, {string(auth.UnitEditor), cgItem}, {string(auth.UnitEditor), api},
			{string(auth.UnitReviewer), w.reviewPage()}, {"xg-editor", xgItem}, {"xg-editor", w.spotPage()},
			{string(auth.PublicOfficeDistrict), w.spotPage() + "/results.xlsx"}, {string(auth.PublicOfficeCity), cgItem},
		}
		for _, c := range inside {
			if res := sw.clients[c.who].get(c.path); res.StatusCode != http.StatusOK {
				t.Errorf("inside: %s GET %s: %d", c.who, c.path, res.StatusCode)
			}
		}
		if body := sw.clients[string(auth.UnitEditor)].get("/admin/attributes").Body; !strings.Contains(body, w.reviewPage()) {
			t.Error("赤岗's editor does not find the review")
		}
		before := sw.snapshot(t)
		if res := sw.clients[string(auth.UnitEditor)].postForm(cgItem, proposal); res.StatusCode != http.StatusSeeOther {
			t.Errorf("赤岗's editor proposes: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if res := sw.clients[string(auth.PublicOfficeDistrict)].postForm(cgItem, url.Values{"do": {"confirm"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the office confirms: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if after := sw.snapshot(t); strings.Join(before["attr_review_items"], "\n") == strings.Join(after["attr_review_items"], "\n") {
			t.Error("the snapshot does not see the proposal")
		}
	})
}
