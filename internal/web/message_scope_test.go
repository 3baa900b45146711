package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

// Every console route on a message to 赤岗街道 refuses staff outside it —
// another district, another street of the same district, a domain
// supervisor — and changes nothing; their lists and dashboards show
// nothing of it. Inside, an editor may not do a reviewer's steps.
func TestScopeOfMessages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		at(d, "2026-09-28")
		w := outsiderWorld(t, e)
		res := e.client().postForm("/hudong/ly/", messageForm())
		no := text(t, res.Body, "#tracking-no")
		editor := w.clients[string(auth.UnitEditor)]
		link := msgLink(t, editor, no)
		if link == "" {
			t.Fatal("no message")
		}
		if res := editor.postForm(link+"/draft", url.Values{"answer": {"周末照常开放。"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("draft: %d", res.StatusCode)
		}
		form := url.Values{"to": {"440104-001"}, "reason": {"越界"}, "days": {"5"}, "answer": {"越界答复"}}
		var cases []refusal
		for _, who := range outsiders {
			cases = append(cases, refusal{who, "GET", link, nil, notFound})
			for _, action := range []string{"transfer", "extend", "draft", "approve", "return", "dismiss"} {
				cases = append(cases, refusal{who, "POST", link + "/" + action, form, notFound})
			}
		}
		for _, action := range []string{"extend", "approve", "return", "dismiss"} {
			cases = append(cases, refusal{string(auth.UnitEditor), "POST", link + "/" + action, form, forbidden})
		}
		cases = append(cases,
			refusal{string(auth.DomainSupervisor), "POST", "/admin/messages/limits", url.Values{"days_consult": {"1"}}, forbidden},
			refusal{string(auth.UnitEditor), "POST", link + "/nonsense", form, notFound},
			refusal{string(auth.UnitEditor), "GET", "/admin/messages/999999", nil, notFound},
			refusal{string(auth.UnitEditor), "GET", "/admin/messages/x", nil, notFound},
		)
		w.check(t, cases)
		for _, who := range outsiders {
			for _, p := range []string{"/admin/", "/admin/messages", "/admin/messages?status=open&q=" + no} {
				if res := w.clients[who].get(p); strings.Contains(res.Body, `href="`+link+`"`) || strings.Contains(res.Body, "长者饭堂周末是否开放") {
					t.Errorf("%s sees %s on %s", who, no, p)
				}
			}
		}
		// Inside: the district office and the reviewer reach it.
		for _, who := range []string{string(auth.PublicOfficeDistrict), string(auth.UnitReviewer), string(auth.PublicOfficeCity), string(auth.Admin)} {
			if res := w.clients[who].get(link); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "周末照常开放。") {
				t.Errorf("%s GET %s: %d", who, link, res.StatusCode)
			}
		}
		if res := w.clients[string(auth.UnitReviewer)].postForm(link+"/approve", nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the reviewer approves: %d", res.StatusCode)
		}
	})
}

// The message pages in English say every word in English; what people
// wrote stays marked as Chinese user data.
func TestEnglishMessagePages(t *testing.T) {
	d := dbtest.SQLite(t)
	e := newEnv(t, d)
	at(d, "2026-11-23")
	if _, err := app.LoadDemoMessages(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	en := englishPages(t)
	visitor, citizen := e.client(), e.client()
	body := en.show(visitor, "archive", "/hudong/ly/")
	en.show(visitor, "public message", attr(t, body, "#archive a", "href"))
	en.show(visitor, "interaction", "/hudong/")
	en.show(visitor, "query form", "/hudong/cx/")
	bad := messageForm()
	bad.Set("content", "短")
	res := citizen.postForm("/hudong/ly/?lang=en", bad)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad message: %d", res.StatusCode)
	}
	en.pages["form with errors"] = res.Body
	res = citizen.postForm("/hudong/ly/", messageForm())
	no := text(t, res.Body, "#tracking-no")
	en.show(citizen, "status", "/hudong/cx/"+no+"/")

	editor, reviewer := e.asDemo(auth.UnitEditor), e.asDemo(auth.UnitReviewer)
	link := msgLink(t, editor, no)
	reviewer.postForm(link+"/extend", url.Values{"days": {"5"}, "reason": {"需要核实"}})
	editor.postForm(link+"/draft", url.Values{"answer": {"已答复。"}})
	en.show(editor, "console list", "/admin/messages")
	en.show(reviewer, "console message", link)
	en.show(editor, "dashboard", "/admin/")
	reviewer.postForm(link+"/approve", nil)
	en.show(citizen, "answered status", "/hudong/cx/"+no+"/")
	en.check()
}
