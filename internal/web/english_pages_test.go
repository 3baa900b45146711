package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
)

// englishData adds to the demo what makes every kind of finding show on
// an inspection of 海珠区 on 23 November 2026: records whose 失效 and 废止
// marks lack their dates, one replaced by nothing, one holding a mobile
// number, links that do not open, a column not updated for over a year, an
// application answered late and one never answered.
func englishData(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // nothing answers at its address any more
	lines := []string{
		`{"unit":"440105-001","index_no":"en-expired","title":"旧通知","written_date":"2020-01-06","published_date":"2020-01-08","body_text":"旧通知","validity":"expired"}`,
		`{"unit":"440105-001","index_no":"en-repealed","title":"旧办法","written_date":"2020-01-06","published_date":"2020-01-08","body_text":"旧办法","validity":"repealed"}`,
		`{"unit":"440105-001","index_no":"en-phone","title":"联系方式","written_date":"2026-05-06","published_date":"2026-05-07","body_text":"联系人：张先生，电话13812345678"}`,
		`{"unit":"440105-001","index_no":"en-link1","title":"外部链接一","written_date":"2026-05-06","published_date":"2026-05-07","body_text":"见链接"}`,
		`{"unit":"440105-001","index_no":"en-link2","title":"外部链接二","written_date":"2026-05-06","published_date":"2026-05-07","body_text":"见链接"}`,
		`{"unit":"440105-002","index_no":"en-zd","title":"新港街道政府信息公开制度","written_date":"2025-01-02","published_date":"2025-01-03","body_text":"制度"}`,
	}
	err := e.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := info.Import(ctx, tx, "test", nil, strings.NewReader(strings.Join(lines, "\n"))); err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE info_records SET replaced_by = 'nowhere-1', validity_date = '' WHERE index_no = 'en-repealed'`, nil},
			{`UPDATE info_records SET validity_date = '' WHERE index_no = 'en-expired'`, nil},
			{`UPDATE info_records SET link_url = 'http://' WHERE index_no = 'en-link1'`, nil},
			{`UPDATE info_records SET link_url = ? WHERE index_no = 'en-link2'`, []any{closed.URL + "/gone"}},
			{`UPDATE info_records SET column_code = 'zd' WHERE index_no = 'en-zd'`, nil},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Two applications registered by the unit: one received 18 September
	// and answered today, past its 22 October deadline; one received 16
	// October and not answered by its 13 November deadline.
	editor := e.asDemo(auth.UnitEditor)
	for _, received := range []string{"2026-09-18", "2026-10-16"} {
		reg := applyForm()
		reg.Set("channel", "post")
		reg.Set("received", received)
		reg.Set("address", "广州市海珠区新港中路1号")
		res := editor.postForm("/admin/foi", reg)
		app := attr(t, res.Body, "main a[href^='/admin/foi/']", "href")
		if res.StatusCode != http.StatusOK || app == "" {
			t.Fatalf("register %s: %d %s", received, res.StatusCode, excerpt(res.Body, "error"))
		}
		if received == "2026-09-18" {
			if res := editor.postForm(app+"/reply", url.Values{"result": {"granted"}, "text": {"见附件。"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("reply: %d %s", res.StatusCode, excerpt(res.Body, "error"))
			}
		}
	}
}

// TestEnglishInspectionPages renders in English what inspections show —
// a run with every kind of finding, its comparison with another run, the
// published results — and the console's dashboards, catalog versions and
// reports, and fails on Chinese outside user data.
func TestEnglishInspectionPages(t *testing.T) {
	d := dbtest.SQLite(t)
	e := newEnv(t, d)
	// Monday 23 November 2026.
	d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
	englishData(t, e)

	en := englishPages(t)
	show := en.show
	district := e.asDemo(auth.PublicOfficeDistrict)
	city := e.asDemo(auth.PublicOfficeCity)
	editor := e.asDemo(auth.UnitEditor)
	run := func(c *client, scope string) string {
		t.Helper()
		res := c.postForm("/admin/inspect", url.Values{"scope": {scope}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("inspection of %s: %d %s", scope, res.StatusCode, excerpt(res.Body, "error"))
		}
		return res.Header.Get("Location")
	}
	hzRun := run(district, "440105")
	body := show(district, "inspection run", hzRun)
	// Every kind of finding the data above makes is said in English.
	findings := text(t, body, "table.scores")
	for _, want := range []string{"Validity marking", "marked expired, with no date", "marked repealed, with no date",
		"the replacing document nowhere-1 does not exist or is not published",
		"Personal data", "not masked: 1 mobile number", "Dead links", "the link opens: http://", "not a valid web address", "cannot be reached",
		"Replies to applications on time", "replied 2026-11-23", "not answered as of 2026-11-23",
		"Stale columns", "updated within 365 days (since 2025-11-23)", "last updated 2025-01-03"} {
		if !strings.Contains(findings, want) {
			t.Errorf("the run does not say %q", want)
		}
	}
	cityRun := run(city, "440100")
	show(district, "run comparison", cityRun+"/compare?with="+strings.TrimPrefix(hzRun, "/admin/inspect/"))
	if res := city.postForm(cityRun+"/publish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.StatusCode)
	}
	visitor := e.client()
	show(visitor, "published results", "/zwgk/pingyi/")
	show(visitor, "published run", "/zwgk/pingyi/"+strings.TrimPrefix(cityRun, "/admin/inspect/")+"/")

	// A catalog changed after it was published: its versions compared.
	const cg = "/admin/catalogs/440105-001/21"
	form := formValues(t, editor.get(cg).Body, "form.items-form input, form.items-form textarea")
	form.Set("i.1.content", "服务地点、开放时间（每日10:30-13:00）")
	if res := editor.postForm(cg, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("catalog save: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
	}
	body = show(editor, "catalog versions", cg+"/diff?from=1&to=current")
	if got := text(t, body, "main table tbody"); !strings.Contains(got, "Government website") || !strings.Contains(got, "Content (elements)") {
		t.Errorf("the changed elements are not said in English: %q", got)
	}

	show(editor, "annual report", "/admin/reports?unit=440105-001&year=2025")
	for _, role := range []auth.Role{auth.Admin, auth.PublicOfficeCity, auth.PublicOfficeDistrict, auth.UnitEditor, auth.UnitReviewer, auth.DomainSupervisor} {
		show(e.asDemo(role), "dashboard of "+string(role), "/admin/")
	}
	// The rectification notice with its findings.
	if res := district.postForm(hzRun+"/notices", url.Values{"unit": {"440105-001"}, "days": {"10"}}); res.StatusCode == http.StatusSeeOther {
		if n := attr(t, editor.get("/admin/").Body, "a[href^='/admin/rectification/']", "href"); n != "" {
			show(editor, "rectification notice", n)
		}
	}

	en.check()
}
