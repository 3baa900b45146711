package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/org"
)

func decode(t *testing.T, res response, v any) {
	t.Helper()
	if res.StatusCode/100 != 2 {
		t.Fatalf("status %d: %.300s", res.StatusCode, res.Body)
	}
	if err := json.Unmarshal([]byte(res.Body), v); err != nil {
		t.Fatalf("%v: %.300s", err, res.Body)
	}
}

// uploadCalendar posts content as the calendar file of the console form.
func uploadCalendar(c *client, content string) response {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "2027.txt")
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+"/admin/calendar", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestUnitCreateByFormAndAPI(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		c := e.as("admin", "gongkai-admin-2026")
		events, _ := audit.Count(ctx, e.db)

		res := c.postForm("/admin/units", url.Values{"code": {"440105-019"}, "name": {"测试街道"}, "name_en": {"Test Street"}, "kind": {"street"}, "parent": {"440105"}, "sort": {"19"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("form create: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		u, err := org.ByCode(ctx, e.db, "440105-019")
		if err != nil || u.Level != org.LevelTownship || u.ParentCode != "440105" {
			t.Fatalf("created unit %+v %v", u, err)
		}

		res = c.sendJSON("POST", "/api/v1/admin/units", map[string]any{"code": "440105-019-01", "name": "测试社区", "kind": "community", "parent": "440105-019"})
		if res.StatusCode != http.StatusCreated || res.Header.Get("Location") != "/api/v1/admin/units/440105-019-01" {
			t.Fatalf("API create: %d %s", res.StatusCode, res.Body)
		}
		var got struct{ Code, Kind, Level, Parent string }
		decode(t, c.get("/api/v1/admin/units/440105-019-01"), &got)
		if got.Kind != "community" || got.Level != string(org.LevelVillage) || got.Parent != "440105-019" {
			t.Errorf("API unit: %+v", got)
		}
		res = c.sendJSON("PUT", "/api/v1/admin/units/440105-019-01", map[string]any{"name": "改名社区", "name_en": "Renamed", "sort": 2})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("API update: %d %s", res.StatusCode, res.Body)
		}
		if u, _ := org.ByCode(ctx, e.db, "440105-019-01"); u.Name != "改名社区" {
			t.Errorf("name after update: %q", u.Name)
		}

		// A duplicate code is a conflict and changes nothing.
		res = c.sendJSON("POST", "/api/v1/admin/units", map[string]any{"code": "440105-019", "name": "重复", "kind": "street", "parent": "440105"})
		if res.StatusCode/100 != 4 {
			t.Errorf("duplicate code: %d", res.StatusCode)
		}
		if u, _ := org.ByCode(ctx, e.db, "440105-019"); u.Name != "测试街道" {
			t.Errorf("duplicate overwrote the unit: %q", u.Name)
		}

		// Every change is in the audit log, and the chain holds.
		after, _ := audit.Count(ctx, e.db)
		if after-events != 3 {
			t.Errorf("%d audit events for 3 changes", after-events)
		}
		if r, err := audit.Verify(ctx, e.db); err != nil || r.Broken != 0 {
			t.Errorf("audit chain: %+v %v", r, err)
		}
		if body := c.get("/admin/audit").Body; !strings.Contains(body, "440105-019-01") {
			t.Error("audit page does not show the new unit")
		}
	})
}

func TestUnitFormKeepsInputOnError(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.as("admin", "gongkai-admin-2026")
	// A town cannot sit under a city department.
	in := url.Values{"code": {"440100-14-001"}, "name": {"错误的镇"}, "name_en": {"Wrong Town"}, "kind": {"town"}, "parent": {"440100-14"}, "sort": {"3"}}
	res := c.postForm("/admin/units", in)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, f := range []string{"code", "name", "name_en", "sort"} {
		if got := attr(t, res.Body, "input#"+f, "value"); got != in.Get(f) {
			t.Errorf("field %s holds %q, typed %q", f, got, in.Get(f))
		}
	}
	if got := attr(t, res.Body, `select#kind option[selected]`, "value"); got != "town" {
		t.Errorf("kind selection lost: %q", got)
	}
	if text(t, res.Body, ".field-error") == "" || text(t, res.Body, "[role=alert]") == "" {
		t.Error("no field error shown")
	}
	assertNoUnit(t, e, "440100-14-001")

	// Every missing field is named at once, in English when asked.
	res = c.postForm("/admin/units?lang=en", url.Values{"kind": {""}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("empty form: %d", res.StatusCode)
	}
	res = c.sendJSON("POST", "/api/v1/admin/units?lang=en", map[string]any{"code": "", "name": "", "kind": "castle", "parent": "440105"})
	var v struct {
		Error struct {
			Fields map[string]string
		}
	}
	json.Unmarshal([]byte(res.Body), &v)
	for _, f := range []string{"code", "name", "kind"} {
		if msg := v.Error.Fields[f]; msg == "" || strings.ContainsAny(msg, "的是") {
			t.Errorf("field %s: message %q", f, msg)
		}
	}
}

func TestAccountFormKeepsInputOnError(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.as("admin", "gongkai-admin-2026")
		in := url.Values{"login": {"new-editor"}, "display_name": {"新编辑"}, "email": {"editor@example.gov.cn"}, "password": {"short"}, "role": {"unit_editor"}, "unit": {"440105-002"}}
		res := c.postForm("/admin/accounts", in)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", res.StatusCode)
		}
		for _, f := range []string{"login", "display_name", "email"} {
			if got := attr(t, res.Body, "input#"+f, "value"); got != in.Get(f) {
				t.Errorf("field %s holds %q", f, got)
			}
		}
		if got := attr(t, res.Body, "input#password", "value"); got != "" {
			t.Error("password echoed back")
		}
		if got := attr(t, res.Body, `select#unit option[selected]`, "value"); got != "440105-002" {
			t.Errorf("unit selection lost: %q", got)
		}
		if _, err := auth.ByLogin(context.Background(), e.db, "new-editor"); err == nil {
			t.Fatal("account created despite the error")
		}
		// A supervisor without a domain is refused too.
		in.Set("password", "long-enough-2026")
		in.Set("role", "domain_supervisor")
		if res := c.postForm("/admin/accounts", in); res.StatusCode != http.StatusBadRequest {
			t.Errorf("supervisor without domain: %d", res.StatusCode)
		}
		in.Set("role", "unit_editor")
		if res := c.postForm("/admin/accounts", in); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("valid account: %d", res.StatusCode)
		}
		e.as("new-editor", "long-enough-2026")
		// Resetting its password ends its sessions and the new one works.
		if res := c.postForm("/admin/accounts/new-editor/password", url.Values{"password": {"reset-by-admin-1"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d", res.StatusCode)
		}
		e.as("new-editor", "reset-by-admin-1")
	})
}

func TestAPIRejectsBadJSON(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.as("admin", "gongkai-admin-2026")
	for name, body := range map[string]string{
		"unknown field": `{"code":"440105-950","name":"x","kind":"street","parent":"440105","colour":"red"}`,
		"trailing data": `{"code":"440105-950","name":"x","kind":"street","parent":"440105"} {}`,
		"not JSON":      `code=440105-950`,
		"wrong type":    `{"code":440105,"name":"x","kind":"street","parent":"440105"}`,
		"too large":     `{"code":"440105-950","name":"` + strings.Repeat("长", 30000) + `","kind":"street","parent":"440105"}`,
	} {
		res := c.sendJSON("POST", "/api/v1/admin/units", body)
		if res.StatusCode != http.StatusBadRequest || jsonErrCode(t, res) != "invalid" {
			t.Errorf("%s: %d %.200s", name, res.StatusCode, res.Body)
		}
	}
	for _, ct := range []string{"text/plain", "application/jsonxyz", "", "application/json-seq"} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/admin/units", strings.NewReader(`{"code":"440105-950","name":"x","kind":"street","parent":"440105"}`))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if res := c.do(req); res.StatusCode != http.StatusUnsupportedMediaType || jsonErrCode(t, res) != "unsupported" {
			t.Errorf("Content-Type %q: %d %.200s", ct, res.StatusCode, res.Body)
		}
	}
	assertNoUnit(t, e, "440105-950")
}

func TestCalendarUpload(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.as("admin", "gongkai-admin-2026")
		pub := e.client()
		if res := pub.get("/api/v1/calendar/add?from=2027-01-04&n=1"); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("2027 before loading: %d", res.StatusCode)
		}

		// An invalid file is refused with the line at fault and changes nothing.
		bad := "year 2027\nsource 国务院办公厅关于2027年部分节假日安排的通知\noff 2027-01-01 元旦\nwork 2027-01-06 元旦\n"
		res := uploadCalendar(c, bad)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("bad file: %d", res.StatusCode)
		}
		if msg := text(t, res.Body, "[role=alert]"); !strings.Contains(msg, "第4行") || !strings.Contains(msg, "2027-01-06") {
			t.Errorf("error message %q does not name line 4 and the date", msg)
		}
		if res := pub.get("/api/v1/calendar/add?from=2027-01-04&n=1"); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("an invalid file was loaded: %d", res.StatusCode)
		}

		good := "year 2027\nsource 国务院办公厅关于2027年部分节假日安排的通知（测试）\noff 2027-01-01 2027-01-03 元旦\nwork 2027-01-09 元旦\n"
		res = uploadCalendar(c, good)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("good file: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
		}
		// The new year is used at once: Fri 8 Jan + 1 working day is the
		// adjusted Saturday 9 Jan.
		var add struct{ Date string }
		decode(t, pub.get("/api/v1/calendar/add?from=2027-01-08&n=1"), &add)
		if add.Date != "2027-01-09" {
			t.Errorf("2027-01-08 + 1 working day = %s, want 2027-01-09", add.Date)
		}
		if y, _ := e.cal.Year(2027); len(y.Off) != 3 {
			t.Errorf("2027 holds %d days off", len(y.Off))
		}
		page := c.get("/admin/calendar/2027").Body
		if !strings.Contains(page, "元旦") {
			t.Error("year page does not show the holiday")
		}
	})
}

func TestCalendarAPI(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	// 2025 Spring Festival: 28 Jan – 4 Feb off, 26 Jan and 8 Feb work.
	var add struct {
		Date    string
		Assumed bool
	}
	decode(t, c.get("/api/v1/calendar/add?from=2025-01-24&n=3"), &add)
	if add.Date != "2025-02-05" {
		t.Errorf("2025-01-24 + 3 = %s, want 2025-02-05 (26 Jan, 27 Jan, 5 Feb)", add.Date)
	}
	var days struct {
		Days []struct {
			Date    string
			Work    bool
			Holiday string
		}
	}
	decode(t, c.get("/api/v1/calendar/days?from=2024-09-29&to=2024-10-01"), &days)
	if len(days.Days) != 3 || !days.Days[0].Work || !days.Days[1].Work || days.Days[2].Work || days.Days[2].Holiday != "国庆节" {
		t.Errorf("2024-09-29..10-01: %+v", days.Days)
	}
	res := c.get("/api/v1/calendar/add?from=2031-01-06&n=1")
	if res.StatusCode != http.StatusBadRequest || jsonErrCode(t, res) != "invalid" {
		t.Errorf("outside the data: %d %s", res.StatusCode, res.Body)
	}
	decode(t, c.get("/api/v1/calendar/add?from=2031-01-10&n=1&assume_weekends=1"), &add)
	if add.Date != "2031-01-13" || !add.Assumed {
		t.Errorf("assumed weekends: %+v", add)
	}
	for _, q := range []string{"from=2025-13-01&n=1", "from=2025-01-01&n=-1", "from=2025-01-01&n=x"} {
		if res := c.get("/api/v1/calendar/add?" + q); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d", q, res.StatusCode)
		}
	}
}
