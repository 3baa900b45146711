package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

// interpForm is a good interpretation form.
var interpForm = url.Values{"unit": {"440105-001"}, "title": {"图解：赤岗街道停车收费新规"}, "form": {"graphic"},
	"body": {"<p>一图读懂停车收费新规。</p>"}}

// newPolicy writes a draft record of 赤岗 through the console, marked as
// needing interpretation when needs, and returns its console page.
func newPolicy(t *testing.T, editor *client, title string, needs bool) string {
	t.Helper()
	form := url.Values{}
	for k, v := range recordForm {
		form[k] = v
	}
	form.Set("title", title)
	res := editor.postForm("/admin/info", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create policy: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	page := strings.Split(res.Header.Get("Location"), "?")[0]
	if needs {
		if res := editor.postForm(page, url.Values{"do": {"needs"}, "needs": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
	}
	return page
}

// newInterpretation writes an interpretation of the policy at page and
// returns its console page.
func newInterpretation(t *testing.T, editor *client, policyPage, title, form string) string {
	t.Helper()
	f := url.Values{}
	for k, v := range interpForm {
		f[k] = v
	}
	f.Set("policy", strings.TrimPrefix(policyPage, "/admin/info/"))
	f.Set("title", title)
	f.Set("form", form)
	res := editor.postForm("/admin/interpretations", f)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create interpretation: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	return strings.Split(res.Header.Get("Location"), "?")[0]
}

func idOf(page string) string { return strings.TrimPrefix(page, "/admin/info/") }

func statusBadge(t *testing.T, c *client, page string) string {
	t.Helper()
	return text(t, c.get(page).Body, "main p .badge")
}

// TestInterpretationJourneyOverHTTP: the editor marks a policy, writes its
// interpretation and submits the policy, which takes the interpretation
// with it; the reviewer's approval publishes both, each page linking the
// other; a marked policy without interpretation needs a written reason,
// shown in the console.
func TestInterpretationJourneyOverHTTP(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
		editor, reviewer := e.asDemo(auth.UnitEditor), e.asDemo(auth.UnitReviewer)

		policy := newPolicy(t, editor, "赤岗街道停车收费管理办法", true)
		if got := text(t, editor.get(policy).Body, "#needs-state .badge"); got != "需解读" {
			t.Errorf("mark shown as %q", got)
		}
		if res := editor.get("/admin/interpretations/new?policy=" + idOf(policy)); res.StatusCode != http.StatusOK || attr(t, res.Body, "input[name=policy]", "value") != idOf(policy) {
			t.Fatalf("new form: %d", res.StatusCode)
		}
		interp := newInterpretation(t, editor, policy, "图解：赤岗街道停车收费新规", "graphic")
		body := editor.get(interp).Body
		if attr(t, body, "#interprets a", "href") != policy || !strings.Contains(text(t, body, "#interprets"), "图表图解") {
			t.Errorf("interpretation page: %q", text(t, body, "#interprets"))
		}
		if res := editor.postForm(policy, url.Values{"do": {"submit"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if got := statusBadge(t, editor, interp); got != "待审核" {
			t.Errorf("interpretation after the policy's submission: %q", got)
		}
		// Returning returns both; submitting again, approving publishes both.
		if res := reviewer.postForm(policy, url.Values{"do": {"return"}, "note": {"补充收费标准"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("return: %d", res.StatusCode)
		}
		if got := statusBadge(t, editor, interp); got != "草稿" {
			t.Errorf("interpretation after the return: %q", got)
		}
		editor.postForm(policy, url.Values{"do": {"submit"}})
		if res := reviewer.postForm(policy, url.Values{"do": {"approve"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		for _, page := range []string{policy, interp} {
			if got := statusBadge(t, editor, page); got != "已发布" {
				t.Errorf("%s after approval: %q", page, got)
			}
		}
		visitor := e.client()
		pub := visitor.get("/zwgk/info/" + idOf(policy) + "/")
		if attr(t, pub.Body, "#interpretations a", "href") != "/zwgk/info/"+idOf(interp)+"/" {
			t.Errorf("policy page does not link its interpretation: %q", excerpt(pub.Body, "interpretations"))
		}
		pub = visitor.get("/zwgk/info/" + idOf(interp) + "/")
		if attr(t, pub.Body, "#interpreted-policy a", "href") != "/zwgk/info/"+idOf(policy)+"/" {
			t.Errorf("interpretation page does not link its policy")
		}
		if got := text(t, visitor.get("/zwgk/jd/?form=graphic").Body, "#interpretations h2 a"); got != "图解：赤岗街道停车收费新规" {
			t.Errorf("list: %q", got)
		}
		if got := text(t, visitor.get("/zwgk/jd/?form=video").Body, "#jd-total"); got != "共0篇解读" {
			t.Errorf("videos: %q", got)
		}
		if got := text(t, visitor.get("/hudong/").Body, "#latest-interpretations a"); got != "图解：赤岗街道停车收费新规" {
			t.Errorf("hudong: %q", got)
		}
		var list struct {
			Total           int `json:"total"`
			Interpretations []struct {
				ID     int64  `json:"id"`
				Unit   string `json:"unit"`
				Form   string `json:"form"`
				Policy struct {
					ID    int64  `json:"id"`
					Title string `json:"title"`
				} `json:"policy"`
				Published string `json:"published"`
			} `json:"interpretations"`
		}
		res := visitor.get("/api/v1/interpretations?unit=440105&policy=" + idOf(policy))
		if err := json.Unmarshal([]byte(res.Body), &list); err != nil || list.Total != 1 || list.Interpretations[0].Policy.Title != "赤岗街道停车收费管理办法" ||
			itoa(list.Interpretations[0].ID) != idOf(interp) || list.Interpretations[0].Unit != "440105-001" || list.Interpretations[0].Form != "graphic" ||
			list.Interpretations[0].Published != "2026-11-23T09:00:00+08:00" {
			t.Errorf("API: %s", res.Body)
		}

		// A marked policy without interpretation: refused without reason,
		// what was typed kept; published with it, the reason shown.
		alone := newPolicy(t, editor, "赤岗街道防汛应急预案", true)
		editor.postForm(alone, url.Values{"do": {"submit"}})
		res = reviewer.postForm(alone, url.Values{"do": {"approve"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(t, res.Body, "#alone_reason + .field-error, .error-box"), "单独发布") {
			t.Errorf("approve alone without reason: %d %q", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		res = reviewer.postForm(alone, url.Values{"do": {"approve"}, "alone_reason": {"急"}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "textarea#alone_reason") != "急" {
			t.Errorf("short reason: %d, kept %q", res.StatusCode, text(t, res.Body, "textarea#alone_reason"))
		}
		if got := statusBadge(t, editor, alone); got != "待审核" {
			t.Errorf("after refusals: %q", got)
		}
		if res := reviewer.postForm(alone, url.Values{"do": {"approve"}, "alone_reason": {"汛期临近，预案须立即公布，解读随后发布。"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve alone: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if got := text(t, editor.get(alone).Body, "#alone"); !strings.Contains(got, "chigang-reviewer") || !strings.Contains(got, "汛期临近") {
			t.Errorf("reason shown as %q", got)
		}
		if got := text(t, editor.get("/admin/interpretations").Body, "#marked tbody"); !strings.Contains(got, "汛期临近") {
			t.Errorf("console list: %q", got)
		}
		var n int
		d.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE action = 'interpret.alone' AND actor = 'chigang-reviewer'`).Scan(&n)
		if n != 1 {
			t.Errorf("%d audit events of publishing alone", n)
		}
	})
}
