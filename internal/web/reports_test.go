package web_test

import (
	"context"
	"encoding/json"
	"fmt"
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

// reportData gives 赤岗街道 an application answered in 2025 and one still
// open, and puts the clock at 10 February 2026.
func reportData(t *testing.T, e *env) {
	t.Helper()
	e.db.SetClock(func() time.Time { return time.Date(2026, 2, 10, 10, 0, 0, 0, calendar.China) })
	ctx := context.Background()
	err := e.db.InTx(ctx, func(tx *db.Tx) error {
		for i, a := range [][4]string{{"natural_person", "2025-03-02", "granted", "2025-03-10"}, {"commercial_enterprise", "2025-12-29", "", ""}} {
			if _, err := tx.Exec(ctx, `INSERT INTO foi_applications (tracking_no, unit_id, applicant_type, applicant_name, description, channel, submitted_at,
				received_date, status, result, result_date, created_at, updated_at)
				SELECT ?, id, ?, '申请人', '申请公开某项信息', 'in_person', ?, ?, 'processing', ?, ?, ?, ? FROM units WHERE code = '440105-001'`,
				"W"+a[1]+string(rune('a'+i)), a[0], tx.Now(), a[1], a[2], a[3], tx.Now(), tx.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// options returns the values of the unit picker.
func options(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	for _, n := range find(t, body, "select#unit option") {
		for _, a := range n.Attr {
			if a.Key == "value" {
				out = append(out, a.Val)
			}
		}
	}
	return out
}

func TestReportScope(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		reportData(t, e)
		editor, district := e.asDemo(auth.UnitEditor), e.asDemo(auth.PublicOfficeDistrict)

		// Anonymous visitors are sent to sign in, or refused.
		if res := e.client().get("/admin/reports"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
			t.Errorf("anonymous page: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res := e.client().get("/api/v1/admin/reports/annual?unit=440105-001&year=2025"); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous API: %d", res.StatusCode)
		}
		if res := e.client().get("/admin/reports/440105-001/2025.json"); res.StatusCode == http.StatusOK {
			t.Error("anonymous download")
		}
		if res := e.asDemo(auth.DomainSupervisor).get("/admin/reports"); res.StatusCode != http.StatusForbidden {
			t.Errorf("domain supervisor: %d", res.StatusCode)
		}

		// The editor of 赤岗 sees its own unit only, and last year by default.
		res := editor.get("/admin/reports")
		if got := options(t, res.Body); res.StatusCode != http.StatusOK || len(got) != 1 || got[0] != "440105-001" {
			t.Fatalf("editor's units: %d %v", res.StatusCode, got)
		}
		if attr(t, res.Body, "#year", "value") != "2025" || !strings.Contains(text(t, res.Body, "#report-h"), "赤岗街道办事处2025年政府信息公开工作年度报告") {
			t.Errorf("default report: %q", text(t, res.Body, "#report-h"))
		}
		if len(find(t, res.Body, "form.report-publish")) != 0 {
			t.Error("an editor is offered to publish")
		}
		if !strings.Contains(res.Body, `href="/admin/reports"`) || attr(t, res.Body, `nav a[href="/admin/reports"]`, "aria-current") != "page" {
			t.Error("the console navigation lacks the reports link")
		}
		// The district office sees its district's units, not another's.
		got := options(t, district.get("/admin/reports").Body)
		if len(got) < 10 || got[0] != "440105" {
			t.Errorf("district's units: %v", got)
		}
		for _, code := range got {
			if !strings.HasPrefix(code, "440105") || strings.Count(code, "-") > 1 {
				t.Errorf("the district office is offered %s", code)
			}
		}
		for _, c := range []struct {
			who  *client
			path string
		}{
			{editor, "/admin/reports?unit=440105-002&year=2025"},
			{editor, "/admin/reports?unit=440105&year=2025"},
			{district, "/admin/reports?unit=440104-001&year=2025"},
			{district, "/admin/reports/440104/2025.xlsx"},
			{editor, "/admin/reports/440105-002/2025.html"},
			{district, "/api/v1/admin/reports/annual?unit=440104&year=2025"},
		} {
			if res := c.who.get(c.path); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d", c.path, res.StatusCode)
			}
		}
		if res := district.postForm("/admin/reports", url.Values{"unit": {"440104-001"}, "year": {"2025"}, "overview": {"越界"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("save another district's report: %d", res.StatusCode)
		}
		if res := editor.postForm("/admin/reports", url.Values{"unit": {"440105-001"}, "year": {"2024"}, "action": {"publish"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an editor published: %d", res.StatusCode)
		}

		// The API answers in scope with the report's JSON.
		var js struct {
			Unit   struct{ Code string }
			Table3 struct {
				Columns []string
				Rows    []struct {
					Key    string
					Values []int
				}
			}
			Check struct{ OK bool }
		}
		decode(t, district.get("/api/v1/admin/reports/annual?unit=440105-001&year=2025"), &js)
		if js.Unit.Code != "440105-001" || len(js.Table3.Columns) != 7 || len(js.Table3.Rows) != 25 || js.Table3.Rows[0].Values[6] != 2 || !js.Check.OK {
			t.Errorf("API report: %+v", js)
		}
		for path, code := range map[string]int{
			"/api/v1/admin/reports/annual?unit=440105-001&year=2031": http.StatusBadRequest,
			"/api/v1/admin/reports/annual?unit=440105-001":           http.StatusBadRequest,
			"/api/v1/admin/reports/annual?unit=nowhere&year=2025":    http.StatusNotFound,
		} {
			if res := district.get(path); res.StatusCode != code || jsonErrCode(t, res) == "" {
				t.Errorf("%s: %d, want %d", path, res.StatusCode, code)
			}
		}
	})
}

func TestReportConsole(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		reportData(t, e)
		editor, reviewer := e.asDemo(auth.UnitEditor), e.asDemo(auth.UnitReviewer)
		page := "/admin/reports?unit=440105-001&year=2025"

		// Bad figures are refused, the form keeps what was typed and
		// nothing is saved.
		form := url.Values{"unit": {"440105-001"}, "year": {"2025"}, "action": {"save"}, "licensing": {"-3"}, "penalty": {"2"}, "enforcement": {"x"},
			"fees": {"1.23456"}, "overview": {"本年度总体情况。"}, "problems": {"存在的问题。"}, "other": {"无。"}}
		res := editor.postForm("/admin/reports", form)
		if res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "#licensing", "value") != "-3" || attr(t, res.Body, "#fees", "value") != "1.23456" ||
			text(t, res.Body, "textarea#overview") != "本年度总体情况。" || text(t, res.Body, "#licensing-error") == "" || text(t, res.Body, "#enforcement-error") == "" ||
			attr(t, res.Body, "#fees", "aria-invalid") != "true" {
			t.Fatalf("bad figures: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		if body := editor.get(page).Body; attr(t, body, "#penalty", "value") != "0" || text(t, body, "textarea#overview") != "" {
			t.Error("a refused form was saved")
		}
		form.Set("licensing", "1520")
		form.Set("enforcement", "4")
		form.Set("fees", "12.5")
		res = editor.postForm("/admin/reports", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		body := editor.get(res.Header.Get("Location")).Body
		if attr(t, body, "#licensing", "value") != "1520" || text(t, body, ".flash") != "已保存。" || !strings.Contains(text(t, body, ".report-preview"), "1520") ||
			len(find(t, body, ".check-ok")) != 1 {
			t.Errorf("saved page: %q", text(t, body, ".flash"))
		}

		// A published 2024 report that carried forward more than the data
		// holds makes 2025 fail the check: the page names the columns and
		// publishing is refused in the reader's language.
		ctx := context.Background()
		snapshot := `{"table3":{"columns":["natural_person","commercial_enterprise","research_institution","social_welfare_org","legal_service_org","other","total"],` +
			`"rows":[{"key":"carried_forward","values":[4,0,0,0,0,0,4]}]}}`
		if _, err := d.SQL.ExecContext(ctx, db.Rebind(d.Dialect, `INSERT INTO annual_reports (unit_id, year, snapshot, published_at, updated_at)
			SELECT id, 2024, ?, ?, ? FROM units WHERE code = '440105-001'`), snapshot, d.Now(), d.Now()); err != nil {
			t.Fatal(err)
		}
		body = reviewer.get(page).Body
		if got := text(t, body, ".check-failed ul"); !strings.Contains(got, "自然人") || !strings.Contains(got, "总计") || strings.Contains(got, "商业企业") {
			t.Errorf("failing columns shown: %q", got)
		}
		// (A client of its own: the language sticks in a cookie.)
		res = e.asDemo(auth.UnitReviewer).postForm("/admin/reports?lang=en", url.Values{"unit": {"440105-001"}, "year": {"2025"}, "action": {"publish"}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(text(t, res.Body, ".error-box[role=alert]"), "“Natural persons”") ||
			attr(t, res.Body, "#licensing", "value") != "1520" {
			t.Errorf("publish failing check: %d %q", res.StatusCode, text(t, res.Body, ".error-box[role=alert]"))
		}
		if _, err := d.SQL.ExecContext(ctx, `DELETE FROM annual_reports WHERE year = 2024`); err != nil {
			t.Fatal(err)
		}

		// The current year cannot be published; 2025 can, into the unit's
		// 年报 column, and publishing it again replaces it.
		if res := reviewer.postForm("/admin/reports", url.Values{"unit": {"440105-001"}, "year": {"2026"}, "action": {"publish"}}); res.StatusCode != http.StatusBadRequest ||
			!strings.Contains(res.Body, "2026年尚未结束") {
			t.Errorf("publish 2026: %d", res.StatusCode)
		}
		for i := 0; i < 2; i++ {
			res = reviewer.postForm("/admin/reports", url.Values{"unit": {"440105-001"}, "year": {"2025"}, "action": {"publish"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: %d %s", res.StatusCode, excerpt(res.Body, "error"))
			}
		}
		body = reviewer.get(res.Header.Get("Location")).Body
		link := attr(t, body, ".report-status a", "href")
		if text(t, body, ".flash") != "年度报告已发布。" || !strings.HasPrefix(link, "/zwgk/info/") {
			t.Errorf("published page: %q %q", text(t, body, ".flash"), link)
		}
		column := e.client().get("/zwgk/bzh/440105-001/nb/")
		if n := strings.Count(column.Body, "赤岗街道办事处2025年政府信息公开工作年度报告"); column.StatusCode != http.StatusOK || n != 1 || !strings.Contains(column.Body, link) {
			t.Errorf("the unit's 年报 column lists the report %d times", n)
		}
		pub := e.client().get(link)
		if pub.StatusCode != http.StatusOK || !strings.Contains(pub.Body, "四、结转下年度继续办理") || !strings.Contains(pub.Body, "<td>1520</td>") {
			t.Errorf("published report: %d", pub.StatusCode)
		}

		// Downloads, in each format, each read back: the title and the
		// 1520 licensing decisions entered above.
		const title = "赤岗街道办事处2025年政府信息公开工作年度报告"
		for _, format := range []string{"html", "xlsx", "json"} {
			res := editor.get("/admin/reports/440105-001/2025." + format)
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s download: %d %q", format, res.StatusCode, res.Header.Get("Content-Type"))
				continue
			}
			switch format {
			case "html":
				if text(t, res.Body, "h1") != title || !strings.Contains(res.Body, "<td>1520</td>") {
					t.Errorf("html download: %.300s", res.Body)
				}
			case "xlsx":
				if rows := xlsxRows(t, res.Body, ""); rowWith(rows, title) == nil {
					t.Errorf("xlsx download: %q", rows)
				}
				if rows := xlsxRows(t, res.Body, "主动公开情况"); rowWith(rows, "1520") == nil {
					t.Errorf("xlsx download, 主动公开情况: %q", rows)
				}
			case "json":
				var js struct {
					Title  string `json:"title"`
					Table2 any    `json:"table2"`
				}
				if err := json.Unmarshal([]byte(res.Body), &js); err != nil || js.Title != title || !strings.Contains(fmt.Sprint(js.Table2), "1520") {
					t.Errorf("json download: %v %.300s", err, res.Body)
				}
			}
		}
		for path, code := range map[string]int{"/admin/reports/440105-001/2025.pdf": http.StatusNotFound, "/admin/reports/440105-001/20x5.json": http.StatusBadRequest,
			"/admin/reports/440105-001/2031.html": http.StatusBadRequest} {
			if res := editor.get(path); res.StatusCode != code {
				t.Errorf("%s: %d, want %d", path, res.StatusCode, code)
			}
		}
		// A bad year in the picker is shown on the page, as typed.
		res = editor.get("/admin/reports?unit=440105-001&year=1999")
		if res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "#year", "value") != "1999" || text(t, res.Body, "#year-error") == "" {
			t.Errorf("year 1999: %d", res.StatusCode)
		}
		// In English, the preview's labels are English.
		if body := e.asDemo(auth.UnitEditor).get(page + "&lang=en").Body; !strings.Contains(text(t, body, ".report-preview"), "Natural persons") {
			t.Error("the English preview")
		}
	})
}
