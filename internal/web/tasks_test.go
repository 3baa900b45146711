package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info/infotest"
)

// taskWorld is the scope world with task 1 given by 海珠区's office to
// 赤岗街道 and reported by its editor.
type taskWorld struct {
	*scopeWorld
	part string // /admin/tasks/1/ID
}

func newTaskWorld(t *testing.T, d *db.DB) *taskWorld {
	t.Helper()
	w := &taskWorld{scopeWorld: newScopeWorld(t, d)}
	office := w.clients[string(auth.PublicOfficeDistrict)]
	res := office.postForm("/admin/tasks/1", url.Values{"unit": {"440105-001"}, "assignee": {"chigang-editor"}, "due": {"2026-11-20"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	w.part = attr(t, office.get("/admin/tasks/1").Body, "#task-parts a", "href")
	if w.part == "" {
		t.Fatal("no part listed")
	}
	return w
}

func TestTasksWorkflowHTTP(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newTaskWorld(t, d)
		office, editor := w.clients[string(auth.PublicOfficeDistrict)], w.clients[string(auth.UnitEditor)]
		// Listed with 40 rows, and on the overdue board (due 20 November, today the 23rd).
		body := office.get("/admin/tasks").Body
		if n := len(find(t, body, "#tasks tbody tr")); n != 40 {
			t.Errorf("%d task rows, want 40", n)
		}
		if len(find(t, body, "#overdue-board tbody tr")) != 1 || len(find(t, body, "svg.chart")) != 2 {
			t.Errorf("overdue board or charts missing")
		}
		// Bad assignments name the field and write nothing.
		before := w.snapshot(t)
		for field, form := range map[string]url.Values{
			"due":      {"unit": {"440105-001"}, "due": {"2026-13-01"}},
			"assignee": {"unit": {"440105-001"}, "assignee": {"xg-editor"}, "due": {"2026-12-01"}},
			"unit":     {"unit": {"nope"}, "due": {"2026-12-01"}},
		} {
			res := office.postForm("/admin/tasks/2", form)
			if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#"+field+"-error") == "" {
				t.Errorf("bad %s: %d %s", field, res.StatusCode, excerpt(res.Body, "error-box"))
			}
		}
		unchanged(t, "bad assignments", before, w.snapshot(t))
		// A report linking a console page is refused, naming the field.
		res := editor.postFiles(w.part, url.Values{"note": {"完成"}, "links": {"/admin/tasks"}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#links-error") == "" {
			t.Errorf("bad link: %d", res.StatusCode)
		}
		unchanged(t, "bad report", before, w.snapshot(t))
		res = editor.postFiles(w.part, url.Values{"note": {"已编制目录"}, "links": {"/zwgk/bzh/440105-001/\nhttps://www.gz.gov.cn/"}}, upload{"目录.docx", infotest.DOCX("目录")})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("report: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		page := office.get(w.part).Body
		if len(find(t, page, "#links li")) != 2 || len(find(t, page, "#files li")) != 1 {
			t.Errorf("evidence not shown")
		}
		if res := office.get(w.part + "/files/1"); res.StatusCode != http.StatusOK {
			t.Errorf("file: %d", res.StatusCode)
		}
		if res := office.postForm(w.part, url.Values{"do": {"return"}}); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#reason-error") == "" {
			t.Errorf("return without reason: %d", res.StatusCode)
		}
		if res := office.postForm(w.part, url.Values{"do": {"accept"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d", res.StatusCode)
		}
		// The API shows the accepted part in 海珠区's scope.
		res = office.get("/api/v1/admin/tasks?scope=440105")
		var got struct {
			Scope string
			Tasks []struct {
				No    int
				Parts []struct {
					State string
					Unit  struct{ Code string }
				}
			}
		}
		if err := json.Unmarshal([]byte(res.Body), &got); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("API: %d %v", res.StatusCode, err)
		}
		if len(got.Tasks) != 40 || len(got.Tasks[0].Parts) != 1 || got.Tasks[0].Parts[0].State != "accepted" || got.Tasks[0].Parts[0].Unit.Code != "440105-001" {
			t.Errorf("API: %+v", got.Tasks[:1])
		}
		if !strings.Contains(office.get("/admin/").Body, `href="/admin/tasks"`) {
			t.Error("no menu entry")
		}
	})
}

// Every task route refuses accounts outside 赤岗街道 and changes nothing.
func TestScopeOfTasks(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newTaskWorld(t, d)
		var cases []refusal
		for _, who := range outsiders {
			cases = append(cases,
				refusal{who, "GET", w.part, nil, notFound},
				refusal{who, "GET", w.part + "/files/1", nil, notFound},
				refusal{who, "UPLOAD", w.part, nil, notFound},
				refusal{who, "POST", w.part, url.Values{"do": {"accept"}}, notFound},
				refusal{who, "POST", w.part, url.Values{"do": {"return"}, "reason": {"越界"}}, notFound},
				refusal{who, "GET", "/admin/tasks?scope=440105-001", nil, forbidden},
				refusal{who, "GET", "/api/v1/admin/tasks?scope=440105-001", nil, forbidden},
			)
		}
		cases = append(cases,
			// Another district's office may not give tasks to 赤岗; units may not give tasks at all.
			refusal{"yuexiu-office", "POST", "/admin/tasks/1", url.Values{"unit": {"440105-001"}, "due": {"2026-12-01"}}, forbidden},
			refusal{"xg-editor", "POST", "/admin/tasks/1", url.Values{"unit": {"440105-002"}, "due": {"2026-12-01"}}, forbidden},
			// A unit does not accept a report; the office does not report.
			refusal{string(auth.UnitEditor), "POST", w.part, url.Values{"do": {"accept"}}, forbidden},
			refusal{string(auth.PublicOfficeDistrict), "UPLOAD", w.part, nil, forbidden},
			refusal{"yuexiu-office", "GET", "/admin/tasks/41", nil, notFound},
		)
		visitor := "public"
		w.clients[visitor] = w.client()
		cases = append(cases,
			refusal{visitor, "GET", w.part, nil, []int{http.StatusSeeOther}},
			refusal{visitor, "GET", "/api/v1/admin/tasks", nil, []int{http.StatusUnauthorized}},
		)
		w.check(t, cases)
		// 越秀's office sees nothing of 赤岗's part in its lists.
		if strings.Contains(w.clients["yuexiu-office"].get("/admin/tasks/1").Body, "赤岗街道") {
			t.Error("越秀's office sees 赤岗's part")
		}
	})
}
