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

// interpScope is the scope world with, in 赤岗街道, a marked draft policy
// with a draft interpretation, a policy published with its
// interpretation, and the city office's round with that one nominated.
type interpScope struct {
	*scopeWorld
	draft, draftInterp string // console pages
	pubInterp          string
	round              string // /admin/interpretations/rounds/ID
	nomination         string
}

func newInterpScope(t *testing.T, d *db.DB) *interpScope {
	t.Helper()
	w := &interpScope{scopeWorld: newScopeWorld(t, d)}
	editor, reviewer, office := w.clients[string(auth.UnitEditor)], w.clients[string(auth.UnitReviewer)], w.clients[string(auth.PublicOfficeCity)]
	w.draft = newPolicy(t, editor, "赤岗街道草稿政策", true)
	w.draftInterp = newInterpretation(t, editor, w.draft, "赤岗街道草稿解读", "text")
	pub := newPolicy(t, editor, "赤岗街道已发布政策", true)
	w.pubInterp = newInterpretation(t, editor, pub, "赤岗街道已发布解读", "qa")
	editor.postForm(pub, url.Values{"do": {"submit"}})
	if res := reviewer.postForm(pub, url.Values{"do": {"approve"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	res := office.postForm("/admin/interpretations/rounds", roundForm("2026H2"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open round: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	w.round = strings.Split(res.Header.Get("Location"), "?")[0]
	if res := reviewer.postForm(w.round, url.Values{"do": {"nominate"}, "interpretation": {idOf(w.pubInterp)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("nominate: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	w.nomination = attr(t, office.get(w.round).Body, "ol.nominations input[name=nomination]", "value")
	if w.nomination == "" {
		t.Fatal("no nomination")
	}
	return w
}

// roundForm is the form to open a round of period with the default sheet.
func roundForm(period string) url.Values {
	return url.Values{"period": {period}, "name_0": {"解读及时"}, "name_en_0": {"Timely"}, "weight_0": {"25"},
		"name_1": {"内容准确"}, "name_en_1": {"Accurate"}, "weight_1": {"25"}, "name_2": {"通俗易懂"}, "name_en_2": {"Plain"}, "weight_2": {"20"},
		"name_3": {"形式多样"}, "name_en_3": {"Varied"}, "weight_3": {"15"}, "name_4": {"传播效果"}, "name_en_4": {"Reach"}, "weight_4": {"15"}}
}

// Every new console route on 赤岗街道's interpretations refuses accounts
// outside it and changes nothing; only the city office runs rounds; the
// portal and the API show nothing unpublished.
func TestScopeOfInterpretations(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newInterpScope(t, d)
		n := w.nomination
		create := url.Values{"policy": {idOf(w.draft)}, "unit": {"440105-001"}, "title": {"越界解读"}, "form": {"text"}, "body": {"<p>越界</p>"}}
		var cases []refusal
		for _, who := range outsiders {
			want := notFound
			if who == string(auth.DomainSupervisor) {
				want = forbidden
			}
			cases = append(cases,
				refusal{who, "POST", w.draft, url.Values{"do": {"needs"}, "needs": {"0"}}, notFound},
				refusal{who, "POST", w.draftInterp, url.Values{"do": {"form"}, "form": {"video"}}, notFound},
				refusal{who, "GET", "/admin/interpretations/new?policy=" + idOf(w.draft), nil, want},
				refusal{who, "POST", w.round, url.Values{"do": {"score"}, "nomination": {n}, n + "_score_0": {"1"}}, forbidden},
				refusal{who, "POST", w.round, url.Values{"do": {"return"}, "nomination": {n}, n + "_reason": {"越界退回的理由"}, n + "_due": {"2026-12-30"}}, forbidden},
				refusal{who, "POST", w.round, url.Values{"do": {"publish"}}, forbidden},
				refusal{who, "POST", "/admin/interpretations/rounds", roundForm("2026H1"), forbidden},
			)
			if who == string(auth.DomainSupervisor) {
				cases = append(cases, refusal{who, "POST", "/admin/interpretations", create, forbidden},
					refusal{who, "GET", "/admin/interpretations", nil, forbidden}, refusal{who, "GET", "/admin/interpretations/rounds", nil, forbidden},
					refusal{who, "GET", w.round, nil, forbidden},
					refusal{who, "POST", w.round, url.Values{"do": {"nominate"}, "interpretation": {idOf(w.pubInterp)}}, forbidden})
			} else {
				// The policy and the interpretation are not ones the forms offer.
				cases = append(cases, refusal{who, "POST", "/admin/interpretations", create, []int{http.StatusBadRequest}},
					refusal{who, "POST", w.round, url.Values{"do": {"nominate"}, "interpretation": {idOf(w.pubInterp)}}, []int{http.StatusBadRequest}})
			}
		}
		// Inside 赤岗 and its district: only the city office scores,
		// returns, publishes and opens rounds.
		for _, who := range []string{string(auth.UnitEditor), string(auth.UnitReviewer), string(auth.PublicOfficeDistrict), string(auth.Admin)} {
			cases = append(cases,
				refusal{who, "POST", w.round, url.Values{"do": {"score"}, "nomination": {n}, n + "_score_0": {"1"}}, forbidden},
				refusal{who, "POST", w.round, url.Values{"do": {"return"}, "nomination": {n}, n + "_reason": {"无权退回的理由"}, n + "_due": {"2026-12-30"}}, forbidden},
				refusal{who, "POST", w.round, url.Values{"do": {"publish"}}, forbidden},
				refusal{who, "POST", "/admin/interpretations/rounds", roundForm("2026H1"), forbidden})
		}
		// An editor neither nominates nor approves alone.
		cases = append(cases, refusal{string(auth.UnitEditor), "POST", w.round, url.Values{"do": {"nominate"}, "interpretation": {idOf(w.pubInterp)}}, forbidden})
		visitor := "public"
		w.clients[visitor] = w.client()
		cases = append(cases,
			refusal{visitor, "GET", "/zwgk/info/" + idOf(w.draftInterp) + "/", nil, notFound},
			refusal{visitor, "GET", "/zwgk/jd/pingxuan/" + strings.TrimPrefix(w.round, "/admin/interpretations/rounds/") + "/", nil, notFound},
			refusal{visitor, "GET", "/admin/interpretations", nil, []int{http.StatusSeeOther}},
			refusal{visitor, "POST", w.round, url.Values{"do": {"publish"}}, []int{http.StatusUnauthorized, http.StatusSeeOther, http.StatusForbidden}},
		)
		w.check(t, cases)

		// Lists outside 赤岗 show nothing of it; inside they show it.
		for _, who := range []string{"yuexiu-office", "bj-editor", "bj-reviewer", "xg-editor", "xg-reviewer"} {
			for _, page := range []string{"/admin/interpretations", w.round} {
				body := w.clients[who].get(page).Body
				for _, m := range []string{"赤岗街道草稿政策", "赤岗街道草稿解读", "赤岗街道已发布解读"} {
					if strings.Contains(body, m) {
						t.Errorf("%s's %s shows %q", who, page, m)
					}
				}
			}
		}
		inside := w.clients[string(auth.UnitEditor)].get("/admin/interpretations").Body
		for _, m := range []string{"赤岗街道草稿政策", "赤岗街道草稿解读", "赤岗街道已发布解读"} {
			if !strings.Contains(inside, m) {
				t.Errorf("赤岗's list misses %q", m)
			}
		}
		public := w.clients[visitor]
		for _, path := range []string{"/zwgk/jd/", "/api/v1/interpretations", "/hudong/"} {
			body := public.get(path).Body
			if strings.Contains(body, "赤岗街道草稿解读") || !strings.Contains(body, "赤岗街道已发布解读") {
				t.Errorf("%s: drafts shown or published missing", path)
			}
		}
	})
}
