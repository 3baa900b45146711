package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info/infotest"
)

// rulesScope is the scope world with two rules of 赤岗街道 (one with the
// office, one published) and two training sessions: 赤岗's own, and the
// city's, which 赤岗 attended.
type rulesScope struct {
	*scopeWorld
	submitted, published string // console pages of the rules
	own, city            string // console pages of the sessions
}

func newRulesScope(t *testing.T, d *db.DB) *rulesScope {
	t.Helper()
	w := &rulesScope{scopeWorld: newScopeWorld(t, d)}
	editor, district, cityOffice := w.clients[string(auth.UnitEditor)], w.clients[string(auth.PublicOfficeDistrict)], w.clients[string(auth.PublicOfficeCity)]
	mk := func(title string) string {
		res := editor.postMultipart("/admin/rules", withForm(ruleForm, "title", title), [2]string{"制度.docx", string(infotest.DOCX("制度"))})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		return strings.Split(res.Header.Get("Location"), "?")[0]
	}
	w.submitted, w.published = mk("赤岗街道待审核制度"), mk("赤岗街道已公开制度")
	if res := district.postForm(w.published, url.Values{"do": {"accept"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", res.StatusCode, excerpt(res.Body, "error"))
	}
	session := func(c *client, organiser, topic, unit string) string {
		res := c.postForm("/admin/training", url.Values{"organiser": {organiser}, "date": {"2026-11-20"}, "topic": {topic}, "kind": {"general"},
			"audience": {"工作人员"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("session: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		page := strings.Split(res.Header.Get("Location"), "?")[0]
		if res := c.postForm(page, url.Values{"do": {"attend"}, "unit": {unit}, "people": {"2"}, "names": {"王五、赵六"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("attend: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		if res := c.upload(page, "file", "课件.docx", infotest.DOCX("课件")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("material: %d", res.StatusCode)
		}
		return page
	}
	w.own = session(editor, "440105-001", "赤岗街道条例学习会", "440105-001")
	w.city = session(cityOffice, "440100", "全市依申请公开办理培训", "440105-001")
	// Another district attended the city's session too.
	if res := cityOffice.postForm(w.city, url.Values{"do": {"attend"}, "unit": {"440104"}, "people": {"3"}, "names": {"越秀区经办人"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("attend: %d", res.StatusCode)
	}
	return w
}

// Every console route on a rule of 赤岗街道 refuses accounts outside it
// and changes nothing; the unit's own staff do not decide on it.
func TestScopeOfRules(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newRulesScope(t, d)
		var cases []refusal
		steps := url.Values{"reason": {"越界退回"}, "withdraw_reason": {"越界撤回"}}
		for _, who := range outsiders {
			for _, page := range []string{w.submitted, w.published} {
				cases = append(cases, refusal{who, "GET", page, nil, notFound}, refusal{who, "GET", page + "/files/1/1", nil, notFound},
					refusal{who, "UPLOAD", page, nil, notFound})
				for _, do := range []string{"accept", "return", "recommend", "unrecommend", "withdraw"} {
					cases = append(cases, refusal{who, "POST", page, withForm(steps, "do", do), notFound})
				}
			}
		}
		editor, reviewer := string(auth.UnitEditor), string(auth.UnitReviewer)
		cases = append(cases,
			// Submitting for 赤岗 from outside: the unit is not one the form
			// offers.
			refusal{"bj-editor", "POST", "/admin/rules", ruleForm, []int{http.StatusBadRequest}},
			refusal{"xg-editor", "POST", "/admin/rules", ruleForm, []int{http.StatusBadRequest}},
			refusal{"yuexiu-office", "POST", "/admin/rules", ruleForm, []int{http.StatusBadRequest}},
			// The unit's own staff neither decide nor recommend, and the
			// editor does not withdraw what is published.
			refusal{editor, "POST", w.submitted, url.Values{"do": {"accept"}}, forbidden},
			refusal{reviewer, "POST", w.submitted, url.Values{"do": {"accept"}}, forbidden},
			refusal{reviewer, "POST", w.submitted, url.Values{"do": {"return"}, "reason": {"自己退回"}}, forbidden},
			refusal{editor, "POST", w.published, url.Values{"do": {"recommend"}}, forbidden},
			refusal{editor, "POST", w.published, url.Values{"do": {"withdraw"}, "withdraw_reason": {"撤回"}}, forbidden},
			// A domain supervisor has no rules console.
			refusal{string(auth.DomainSupervisor), "GET", "/admin/rules", nil, forbidden},
			refusal{string(auth.DomainSupervisor), "GET", "/admin/rules/new", nil, forbidden},
			refusal{string(auth.DomainSupervisor), "POST", "/admin/rules", ruleForm, forbidden},
			// An unknown step or rule.
			refusal{string(auth.PublicOfficeDistrict), "POST", w.submitted, url.Values{"do": {"publish"}}, notFound},
			refusal{string(auth.PublicOfficeDistrict), "GET", "/admin/rules/999999", nil, notFound},
			refusal{string(auth.PublicOfficeDistrict), "GET", "/admin/rules/x", nil, notFound},
			refusal{string(auth.PublicOfficeDistrict), "GET", w.submitted + "/files/9/1", nil, notFound},
		)
		w.check(t, cases)

		// Lists outside 赤岗 show nothing of it (the published rule is not
		// recommended); inside they show both.
		marks := []string{"赤岗街道待审核制度", "赤岗街道已公开制度"}
		for _, who := range []string{"yuexiu-office", "bj-editor", "bj-reviewer", "xg-editor"} {
			body := w.clients[who].get("/admin/rules").Body
			for _, m := range marks {
				if strings.Contains(body, m) {
					t.Errorf("%s's list shows %q", who, m)
				}
			}
			if opts := options(t, w.clients[who].get("/admin/rules/new").Body); strings.Contains(strings.Join(opts, " "), "440105-001") {
				t.Errorf("%s is offered 赤岗街道", who)
			}
		}
		inside := w.clients[string(auth.UnitEditor)]
		for _, m := range marks {
			if !strings.Contains(inside.get("/admin/rules").Body, m) {
				t.Errorf("赤岗's list misses %q", m)
			}
		}
		// The same requests from inside reach them.
		for _, p := range []string{w.submitted, w.submitted + "/files/1/1", w.published} {
			if res := inside.get(p); res.StatusCode != http.StatusOK {
				t.Errorf("inside GET %s: %d", p, res.StatusCode)
			}
		}
		if res := w.clients[string(auth.PublicOfficeDistrict)].postForm(w.submitted, url.Values{"do": {"return"}, "reason": {"请修改"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the district returns 赤岗's rule: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
	})
}

// Every console route on 赤岗's training session refuses accounts outside
// it; the city's session opens to 赤岗, which attended, with only its own
// row, and to no unit that did not attend.
func TestScopeOfTraining(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newRulesScope(t, d)
		var cases []refusal
		steps := url.Values{"date": {"2026-11-21"}, "topic": {"越界修改"}, "kind": {"general"}, "audience": {"越界"}, "unit": {"440105-001"},
			"people": {"9"}, "seq": {"1"}, "form": {"save"}}
		for _, who := range outsiders {
			cases = append(cases, refusal{who, "GET", w.own, nil, notFound}, refusal{who, "GET", w.own + "/files/1", nil, notFound},
				refusal{who, "UPLOAD", w.own, nil, notFound})
			for _, do := range []string{"save", "attend", "unattend", "detach"} {
				cases = append(cases, refusal{who, "POST", w.own, withForm(steps, "do", do), notFound})
			}
		}
		// The city's session: units that did not attend do not see it; 赤岗
		// sees it but does not change it.
		for _, who := range []string{"xg-editor", "xg-reviewer", "bj-editor", string(auth.DomainSupervisor)} {
			cases = append(cases, refusal{who, "GET", w.city, nil, notFound}, refusal{who, "GET", w.city + "/files/1", nil, notFound})
		}
		editor := string(auth.UnitEditor)
		for _, do := range []string{"save", "attend", "unattend", "detach"} {
			cases = append(cases, refusal{editor, "POST", w.city, withForm(steps, "do", do), forbidden})
		}
		cases = append(cases,
			refusal{editor, "UPLOAD", w.city, nil, forbidden},
			// Recording for 赤岗 from outside: not a unit the form offers.
			refusal{"bj-editor", "POST", "/admin/training", url.Values{"organiser": {"440105-001"}, "date": {"2026-11-20"}, "topic": {"越界"}, "kind": {"general"}, "audience": {"越界"}}, []int{http.StatusBadRequest}},
			// 海珠区's office records no attendance of 越秀区's units.
			refusal{string(auth.PublicOfficeDistrict), "POST", w.own, url.Values{"do": {"attend"}, "unit": {"440104-001"}, "people": {"2"}}, []int{http.StatusBadRequest}},
			refusal{string(auth.DomainSupervisor), "GET", "/admin/training", nil, forbidden},
			refusal{string(auth.DomainSupervisor), "GET", "/admin/training/new", nil, forbidden},
			refusal{string(auth.DomainSupervisor), "GET", "/admin/training/attendance.csv", nil, forbidden},
			refusal{string(auth.DomainSupervisor), "GET", "/admin/training/attendance.xlsx", nil, forbidden},
			refusal{editor, "GET", "/admin/training/999999", nil, notFound},
		)
		w.check(t, cases)

		inside := w.clients[editor]
		body := inside.get(w.city).Body
		if rows := find(t, body, "table#attendance tbody tr"); len(rows) != 1 || strings.Contains(body, "越秀区经办人") {
			t.Errorf("赤岗 sees %d rows of the city's attendance", len(rows))
		}
		if len(find(t, body, "button[value=attend]")) != 0 {
			t.Error("赤岗 is offered to record the city's attendance")
		}
		for _, p := range []string{w.own, w.own + "/files/1", w.city, w.city + "/files/1"} {
			if res := inside.get(p); res.StatusCode != http.StatusOK {
				t.Errorf("inside GET %s: %d", p, res.StatusCode)
			}
		}
		// Lists and exports of other units show nothing of 赤岗's session.
		for _, who := range []string{"yuexiu-office", "xg-editor"} {
			if strings.Contains(w.clients[who].get("/admin/training?year=2026").Body, "赤岗街道条例学习会") {
				t.Errorf("%s lists 赤岗's session", who)
			}
		}
		if csv := w.clients["yuexiu-office"].get("/admin/training/attendance.csv?year=2026").Body; strings.Contains(csv, "440105") || !strings.Contains(csv, "440104,") {
			t.Errorf("越秀区's export: %q", csv)
		}
	})
}
