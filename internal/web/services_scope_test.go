package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info/infotest"
	"gongkai/internal/org"
	"gongkai/internal/services"
)

// Every console route of service guides, events, spot checks, complaints
// and the summary refuses accounts outside 赤岗街道 (and roles without the
// right) and changes nothing; the same requests from inside reach them.
func TestScopeOfServices(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newServiceEnv(t, d)
		ctx := context.Background()
		for _, n := range []auth.NewAccount{
			{Login: "yuexiu-office", Role: auth.PublicOfficeDistrict, UnitCode: "440104"},
			{Login: "bj-editor", Role: auth.UnitEditor, UnitCode: "440104-001"},
			{Login: "xg-editor", Role: auth.UnitEditor, UnitCode: "440105-002"},
			{Login: "xg-reviewer", Role: auth.UnitReviewer, UnitCode: "440105-002"},
		} {
			addAccount(t, e, n)
		}
		w := &scopeWorld{env: e, clients: map[string]*client{}}
		for _, login := range []string{"yuexiu-office", "bj-editor", "xg-editor", "xg-reviewer"} {
			w.clients[login] = e.as(login, login+"-pw-2026")
		}
		w.clients["supervisor"] = e.asDemo(auth.DomainSupervisor)
		w.clients["editor"] = e.as("chigang-editor", "gongkai-editor-2026")
		w.clients["office"] = e.as("zwfw-office", "gongkai-zwfw-2026")
		outsiders := []string{"yuexiu-office", "bj-editor", "xg-editor", "xg-reviewer", "supervisor"}

		cg, err := org.ByCode(ctx, d, "440105-001")
		if err != nil {
			t.Fatal(err)
		}
		gs, err := services.List(ctx, d, services.Filter{Scope: &cg})
		if err != nil {
			t.Fatal(err)
		}
		var draft, pub int64
		for _, g := range gs {
			switch g.Name {
			case "老年人优待证办理":
				draft = g.ID
			case "生育登记":
				pub = g.ID
			}
		}
		guide := "/admin/services/guides/" + strconv.FormatInt(draft, 10)
		// A sample on the published guide, so that its file route has one.
		if res := w.clients["editor"].uploadForm("/admin/services/guides/"+strconv.FormatInt(pub, 10), url.Values{"material": {"1"}}, "file", "样表.docx", infotest.DOCX("样表")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sample: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		sample := "/admin/services/guides/" + strconv.FormatInt(pub, 10) + "/files/1"
		cs, _ := services.ComplaintsIn(ctx, d, cg, 0)
		complaint := "/admin/services/complaints/" + strconv.FormatInt(cs[0].ID, 10)
		checks, _ := services.Checks(ctx, d, 0)
		check := "/admin/services/checks/" + strconv.FormatInt(checks[0].ID, 10)

		var cases []refusal
		step := url.Values{"name": {"越界修改"}, "type": {"permit"}, "comment": {"越界"}, "material": {"1"}, "materials_n": {"0"}}
		for _, who := range outsiders {
			for _, p := range []string{guide, guide + "/diff", sample} {
				cases = append(cases, refusal{who, "GET", p, nil, forbidden})
			}
			cases = append(cases, refusal{who, "UPLOAD", guide, nil, forbidden})
			for _, do := range []string{"save", "submit", "return", "publish", "withdraw", "detach"} {
				f := url.Values{"do": {do}}
				for k, v := range step {
					f[k] = v
				}
				cases = append(cases, refusal{who, "POST", guide, f, forbidden})
			}
			cases = append(cases,
				refusal{who, "POST", "/admin/services", url.Values{"unit": {"440105-001"}, "name": {"越界事项"}, "type": {"permit"}}, []int{http.StatusBadRequest, http.StatusForbidden}},
				refusal{who, "POST", "/admin/services/settings", url.Values{"office": {"440104"}, "hall_url": {"https://x.example"}}, forbidden},
				refusal{who, "GET", "/admin/services/events", nil, forbidden},
				refusal{who, "GET", "/admin/services/events/shengyu", nil, forbidden},
				refusal{who, "POST", "/admin/services/events", url.Values{"code": {"yuejie"}, "name": {"越界"}, "kind": {"personal"}}, forbidden},
				refusal{who, "POST", "/admin/services/events/shengyu", url.Values{"do": {"delete"}}, forbidden},
				refusal{who, "POST", "/admin/services/events/shengyu", url.Values{"do": {"save"}, "name": {"越界"}, "kind": {"personal"}}, forbidden},
				refusal{who, "POST", "/admin/services/events/shengyu", url.Values{"do": {"order"}, "pos_" + strconv.FormatInt(pub, 10): {"9"}}, forbidden},
				refusal{who, "POST", "/admin/services/checks", url.Values{"quarter": {"2026Q1"}, "scope": {"440105"}, "per_unit": {"1"}}, forbidden},
				refusal{who, "GET", check, nil, forbidden},
				refusal{who, "GET", check + "/results.xlsx", nil, forbidden},
				refusal{who, "POST", check, url.Values{"do": {"record"}, "seq": {"1"}, "accurate_1": {"yes"}, "complete_1": {"yes"}, "current_1": {"yes"}}, forbidden},
				refusal{who, "POST", check, url.Values{"do": {"circulate"}}, forbidden},
				refusal{who, "GET", complaint, nil, forbidden},
				refusal{who, "POST", complaint, url.Values{"do": {"verify"}, "valid": {"no"}, "verify_note": {"越界"}}, forbidden},
				refusal{who, "POST", complaint, url.Values{"do": {"rectify"}, "rectify_note": {"越界"}}, forbidden},
				refusal{who, "POST", complaint, url.Values{"do": {"transfer"}}, forbidden},
				refusal{who, "POST", "/admin/services/complaints", url.Values{"service": {strconv.FormatInt(pub, 10)}, "kind": {"outdated"}, "content": {"越界"}}, []int{http.StatusBadRequest, http.StatusForbidden}},
			)
		}
		// Inside 赤岗, an editor does not publish, nor reach the office's
		// pages and the open spot check.
		cases = append(cases,
			refusal{"editor", "POST", guide, url.Values{"do": {"publish"}}, forbidden},
			refusal{"editor", "GET", "/admin/services/events", nil, forbidden},
			refusal{"editor", "GET", check, nil, forbidden},
			refusal{"editor", "POST", complaint, url.Values{"do": {"transfer"}}, forbidden},
			refusal{"editor", "POST", "/admin/services/settings", url.Values{"office": {"440104"}}, forbidden},
		)
		visitor := "public"
		w.clients[visitor] = w.client()
		for _, p := range []string{guide, sample, complaint, check, "/admin/services", "/admin/services/summary"} {
			cases = append(cases, refusal{visitor, "GET", p, nil, []int{http.StatusSeeOther}})
		}
		cases = append(cases, refusal{visitor, "GET", "/bmfw/zn/" + strconv.FormatInt(draft, 10) + "/", nil, notFound},
			refusal{visitor, "POST", "/bmfw/zn/" + strconv.FormatInt(draft, 10) + "/", url.Values{"kind": {"outdated"}, "content": {"草稿"}}, notFound},
			refusal{visitor, "GET", "/api/v1/services/" + strconv.FormatInt(draft, 10), nil, notFound})
		w.check(t, cases)

		// The import: into 赤岗 from outside is refused on the unit.
		for _, who := range outsiders[:4] {
			before := w.snapshot(t)
			res := w.clients[who].uploadForm("/admin/services/import", url.Values{"unit": {"440105-001"}, "publish": {"yes"}}, "file", "g.csv", []byte("事项名称,事项类型,申请条件\n越界事项,行政确认,无\n"))
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s imports into 赤岗: %d", who, res.StatusCode)
			}
			unchanged(t, who+" import", before, w.snapshot(t))
		}
		// Lists outside 赤岗 show nothing of it; summaries neither.
		for _, who := range []string{"yuexiu-office", "bj-editor", "xg-editor"} {
			for _, p := range []string{"/admin/services", "/admin/services/complaints", "/admin/services/summary", "/admin/services/checks"} {
				body := w.clients[who].get(p).Body
				for _, m := range []string{"老年人优待证办理", "残疾人两项补贴申请", "赤岗街道办事处"} {
					if strings.Contains(body, m) {
						t.Errorf("%s %s shows %q", who, p, m)
					}
				}
			}
		}
		// The same requests from inside reach them.
		editor := w.clients["editor"]
		for _, p := range []string{guide, guide + "/diff?v=1", sample, complaint} {
			if res := editor.get(p); res.StatusCode != http.StatusOK {
				t.Errorf("赤岗's editor GET %s: %d", p, res.StatusCode)
			}
		}
		for _, p := range []string{check, check + "/results.xlsx", "/admin/services/events/shengyu"} {
			if res := w.clients["office"].get(p); res.StatusCode != http.StatusOK {
				t.Errorf("the office GET %s: %d", p, res.StatusCode)
			}
		}
	})
}
