package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info/infotest"
)

// consultScope is the scope world with two consultations of 赤岗街道: a
// draft with a file, and one published with a comment.
type consultScope struct {
	*scopeWorld
	draft, published string // console pages
	comment          string // the published one's comment id
}

func newConsultScope(t *testing.T, d *db.DB) *consultScope {
	t.Helper()
	w := &consultScope{scopeWorld: newScopeWorld(t, d)}
	editor, reviewer := w.clients[string(auth.UnitEditor)], w.clients[string(auth.UnitReviewer)]
	mk := func(title string) string {
		form := url.Values{}
		for k, v := range consultForm {
			form[k] = v
		}
		form.Set("title", title)
		form.Set("start", "2026-11-23")
		form.Set("end", "2026-12-22")
		res := editor.postForm("/admin/consultations", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		page := strings.Split(res.Header.Get("Location"), "?")[0]
		if res := editor.upload(page, "file", "草案.docx", infotest.DOCX("草案")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d", res.StatusCode)
		}
		return page
	}
	w.draft, w.published = mk("赤岗街道草稿意见征集"), mk("赤岗街道已发布意见征集")
	if res := reviewer.postForm(w.published, url.Values{"do": {"publish"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	public := "/hudong/yjzj/" + strings.TrimPrefix(w.published, "/admin/consultations/") + "/"
	if res := w.client().postForm(public, url.Values{"content": {"意见内容"}, "phone": {"13800138000"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", res.StatusCode)
	}
	w.comment = attr(t, editor.get(w.published).Body, "input[name=comment]", "value")
	if w.comment == "" {
		t.Fatal("no comment to moderate")
	}
	return w
}

// Every console route on a consultation of 赤岗街道 refuses accounts outside
// it and changes nothing; the portal and the API never reach a draft.
func TestScopeOfConsultations(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newConsultScope(t, d)
		var cases []refusal
		steps := url.Values{"title": {"越界修改"}, "body": {"<p>越界</p>"}, "explanation": {"越界"}, "start": {"2026-11-23"}, "end": {"2026-12-22"},
			"seq": {"1"}, "comment": {w.comment}, "reason_hide_" + w.comment: {"越界隐藏"}, "reason": {"越界发布的理由"}, "decision_" + w.comment: {"adopted"},
			"feedback": {"越界反馈内容"}, "policy": {""}}
		for _, who := range outsiders {
			for _, page := range []string{w.draft, w.published} {
				cases = append(cases, refusal{who, "GET", page, nil, notFound}, refusal{who, "GET", page + "/files/1", nil, notFound},
					refusal{who, "UPLOAD", page, nil, notFound})
				for _, do := range []string{"save", "publish", "detach", "hide", "decide", "feedback", "publish_feedback", "policy"} {
					form := url.Values{"do": {do}}
					for k, v := range steps {
						form[k] = v
					}
					cases = append(cases, refusal{who, "POST", page, form, notFound})
				}
			}
		}
		cases = append(cases,
			// Creating in 赤岗 or setting its shortest period from outside:
			// the unit is not one the form offers.
			refusal{"bj-editor", "POST", "/admin/consultations", consultForm, []int{http.StatusBadRequest}},
			refusal{"xg-reviewer", "POST", "/admin/consultations", consultForm, []int{http.StatusBadRequest}},
			refusal{"yuexiu-office", "POST", "/admin/consultations/settings", url.Values{"unit": {"440105-001"}, "min_days": {"5"}}, []int{http.StatusBadRequest}},
			refusal{"xg-reviewer", "POST", "/admin/consultations/settings", url.Values{"unit": {"440105-001"}, "min_days": {"5"}}, []int{http.StatusBadRequest}},
			// Roles without the right: an editor neither publishes nor sets
			// the shortest period; a domain supervisor has no console here.
			refusal{string(auth.UnitEditor), "POST", w.draft, url.Values{"do": {"publish"}}, forbidden},
			refusal{string(auth.UnitEditor), "POST", "/admin/consultations/settings", url.Values{"unit": {"440105-001"}, "min_days": {"5"}}, forbidden},
			refusal{string(auth.DomainSupervisor), "GET", "/admin/consultations", nil, forbidden},
			refusal{string(auth.DomainSupervisor), "GET", "/admin/consultations/new", nil, forbidden},
			refusal{string(auth.DomainSupervisor), "POST", "/admin/consultations", consultForm, forbidden},
		)
		draftID := strings.TrimPrefix(w.draft, "/admin/consultations/")
		visitor := "public"
		w.clients[visitor] = w.client()
		cases = append(cases,
			refusal{visitor, "GET", "/hudong/yjzj/" + draftID + "/", nil, notFound},
			refusal{visitor, "GET", "/hudong/yjzj/" + draftID + "/files/1", nil, notFound},
			refusal{visitor, "POST", "/hudong/yjzj/" + draftID + "/", url.Values{"content": {"意见"}, "phone": {"13800138000"}}, notFound},
			refusal{visitor, "GET", w.draft, nil, []int{http.StatusSeeOther}},
			refusal{visitor, "POST", w.published, url.Values{"do": {"hide"}, "comment": {w.comment}, "reason_hide_" + w.comment: {"越界"}}, []int{http.StatusUnauthorized, http.StatusSeeOther, http.StatusForbidden}},
		)
		w.check(t, cases)
		before := w.snapshot(t)
		res := w.clients[visitor].sendJSON("POST", "/api/v1/consultations/"+draftID+"/comments", map[string]string{"content": "意见", "phone": "13800138000"})
		if res.StatusCode != http.StatusNotFound || jsonErrCode(t, res) != "not_found" {
			t.Errorf("API comment on a draft: %d %s", res.StatusCode, res.Body)
		}
		unchanged(t, "API comment on a draft", before, w.snapshot(t))
		if list := apiConsultations(t, w.clients[visitor], ""); len(list.Consultations) != 1 || strings.Contains(res.Body, "草稿") {
			t.Errorf("the API lists drafts: %+v", list)
		}

		// Lists outside 赤岗 show nothing of it; inside they show both.
		marks := []string{"赤岗街道草稿意见征集", "赤岗街道已发布意见征集"}
		for _, who := range []string{"yuexiu-office", "bj-editor", "bj-reviewer", "xg-editor"} {
			body := w.clients[who].get("/admin/consultations").Body
			for _, m := range marks {
				if strings.Contains(body, m) {
					t.Errorf("%s's list shows %q", who, m)
				}
			}
			if slices.Contains(options(t, w.clients[who].get("/admin/consultations/new").Body), "440105-001") {
				t.Errorf("%s is offered 赤岗街道", who)
			}
		}
		inside := w.clients[string(auth.UnitEditor)]
		body := inside.get("/admin/consultations").Body
		for _, m := range marks {
			if !strings.Contains(body, m) {
				t.Errorf("赤岗's list misses %q", m)
			}
		}
		// The same requests from inside reach them: the refusals above are
		// the scope's doing.
		for _, p := range []string{w.draft, w.draft + "/files/1", w.published} {
			if res := inside.get(p); res.StatusCode != http.StatusOK {
				t.Errorf("inside GET %s: %d", p, res.StatusCode)
			}
		}
		if res := inside.postForm(w.published, url.Values{"do": {"hide"}, "comment": {w.comment}, "reason_hide_" + w.comment: {"测试隐藏"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("inside hide: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if res := w.clients[string(auth.PublicOfficeDistrict)].postForm("/admin/consultations/settings", url.Values{"unit": {"440105-001"}, "min_days": {"20"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the district office sets 赤岗's minimum: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
	})
}
