package web_test

import (
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/db/dbtest"
)

// TestEnglishServicePages renders in English every page of service
// disclosure, the portal's and the console's, and fails on Chinese outside
// user data.
func TestEnglishServicePages(t *testing.T) {
	e := newServiceEnv(t, dbtest.SQLite(t))
	visitor := e.client()
	en := englishPages(t)
	show := en.show
	show(visitor, "services", "/bmfw/")
	body := show(visitor, "search", "/bmfw/ss/?q="+url.QueryEscape("养老"))
	if got := text(t, body, "#hits-count"); !strings.HasSuffix(got, "items found.") {
		t.Errorf("hits: %q", got)
	}
	show(visitor, "unit", "/bmfw/bm/440105-001/")
	body = show(visitor, "event", "/bmfw/zt/shengyu/")
	if got := text(t, body, "h1"); got != "Having a baby" {
		t.Errorf("event name %q", got)
	}
	g := guideLink(t, visitor, "440105-001", "生育登记")
	show(visitor, "guide", g)
	// A refused complaint says what is wrong in English.
	res := visitor.postForm(g+"?lang=en", url.Values{"kind": {"x"}})
	if !strings.Contains(text(t, res.Body, ".error-box"), "Choose what is wrong") {
		t.Errorf("complaint error: %q", text(t, res.Body, ".error-box"))
	}
	show(visitor, "handbook", "/bmfw/ybt/440105/")
	show(visitor, "handbook event", "/bmfw/ybt/440105/yanglao/")

	office := e.as("zwfw-office", "gongkai-zwfw-2026")
	editor := e.as("chigang-editor", "gongkai-editor-2026")
	list := show(editor, "console list", "/admin/services")
	guide := attr(t, list, "main td a[href^='/admin/services/guides/']", "href")
	show(editor, "console guide", guide)
	show(editor, "console diff", guide+"/diff?v=1")
	show(office, "events", "/admin/services/events")
	show(office, "event", "/admin/services/events/shengyu")
	checks := show(office, "checks", "/admin/services/checks")
	show(office, "check", attr(t, checks, "main td a[href^='/admin/services/checks/']", "href"))
	cs := show(office, "complaints", "/admin/services/complaints")
	show(office, "complaint", attr(t, cs, "main td a[href^='/admin/services/complaints/']", "href"))
	show(office, "summary", "/admin/services/summary")
	en.check()
}
