package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/db/dbtest"
)

// Every time a page shows is China time, whatever the server's zone: a
// moment that is 17:39 on 30 November in UTC is 01:39 on 1 December in
// Guangzhou, on the applicant's page, the clerk's page and the audit log.
func TestTimesShownInChinaTime(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	moment := time.Date(2026, 11, 30, 17, 39, 0, 0, time.UTC)
	e.db.SetClock(func() time.Time { return moment })
	citizen := e.client()
	res := citizen.postForm("/ysqgk/sq/", applyForm())
	no := text(t, res.Body, "#tracking-no")
	if res.StatusCode != http.StatusOK || no == "" {
		t.Fatalf("apply: %d", res.StatusCode)
	}
	const want = "2026-12-01 01:39"
	status := citizen.get("/ysqgk/cx/" + no + "/")
	if got := text(t, status.Body, "dl.meta dd:nth-of-type(4)"); got != want {
		t.Errorf("applicant's page: submitted at %q, want %q", got, want)
	}
	editor := e.asDemo(auth.UnitEditor)
	list := editor.get("/admin/foi")
	href := attr(t, list.Body, `a[href^="/admin/foi/"]:not([href$="/new"]):not([href$="/proactive"])`, "href")
	app := editor.get(href)
	if got := text(t, app.Body, "dl.meta dd:nth-of-type(4)"); got != want {
		t.Errorf("clerk's page: submitted at %q, want %q", got, want)
	}
	if got := text(t, app.Body, `[aria-labelledby="timeline-h"] tbody td`); got != want {
		t.Errorf("clerk's timeline: %q, want %q", got, want)
	}
	admin := e.asDemo(auth.Admin)
	audit := admin.get("/admin/audit")
	if !strings.Contains(audit.Body, want+":00") || strings.Contains(audit.Body, "17:39") {
		t.Errorf("audit log does not show %s:00 in China time: %s", want, excerpt(audit.Body, ":39"))
	}
}
