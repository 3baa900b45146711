package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db/dbtest"
)

var (
	apiDate      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	apiTimestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$`)
)

// checkDates walks a decoded JSON value: a field named …_at is a moment,
// RFC 3339 in China time; a field named …date or published is a date,
// YYYY-MM-DD. It returns how many it checked.
func checkDates(t *testing.T, where string, v any) int {
	t.Helper()
	n := 0
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			s, ok := x.(string)
			switch {
			case ok && strings.HasSuffix(k, "_at"):
				n++
				if !apiTimestamp.MatchString(s) {
					t.Errorf("%s: %s = %q, want a timestamp like 2026-11-23T09:30:00+08:00", where, k, s)
				}
			case ok && s != "" && (strings.HasSuffix(k, "date") || k == "published" || k == "deadline" || k == "as_of"):
				n++
				if !apiDate.MatchString(s) {
					t.Errorf("%s: %s = %q, want a date like 2026-11-23", where, k, s)
				}
			default:
				n += checkDates(t, where, x)
			}
		}
	case []any:
		for _, x := range v {
			n += checkDates(t, where, x)
		}
	}
	return n
}

// Every moment the API gives is RFC 3339 in China time and every date is
// YYYY-MM-DD, whichever endpoint gives it.
func TestAPIDateForms(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	anon, admin, office := e.client(), e.asDemo(auth.Admin), e.asDemo(auth.PublicOfficeDistrict)
	if res := anon.postForm("/ysqgk/sq/", applyForm()); res.StatusCode != http.StatusOK && res.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply: %d", res.StatusCode)
	}
	for _, x := range []struct {
		c    *client
		path string
	}{
		{anon, "/api/v1/units/440105-001/catalog"},
		{anon, "/api/v1/audit/head"},
		{anon, "/api/v1/search?q=" + url.QueryEscape("津贴")},
		{admin, "/api/v1/admin/units"},
		{admin, "/api/v1/admin/units/440105-001"},
		{admin, "/api/v1/admin/accounts"},
		{office, "/api/v1/admin/foi"},
	} {
		res := x.c.get(x.path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", x.path, res.StatusCode, res.Body)
		}
		var v any
		if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
			t.Fatal(err)
		}
		if checkDates(t, x.path, v) == 0 {
			t.Errorf("%s: no date or time checked", x.path)
		}
	}
}

// A date filter that is not a date is refused, naming the field, on the
// API and on the search page.
func TestSearchRefusesBadDates(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	for _, q := range []string{"from=bad", "to=2026-13-01", "from=2026-02-30", "to=20260101", "from=2026-02-01&to=2026-01-31"} {
		field := "to"
		if strings.HasPrefix(q, "from=") && !strings.Contains(q, "&") {
			field = "from"
		}
		res := c.get("/api/v1/search?q=x&" + q)
		var js struct {
			Error struct{ Fields map[string]string }
		}
		if err := json.Unmarshal([]byte(res.Body), &js); err != nil || res.StatusCode != http.StatusBadRequest || js.Error.Fields[field] == "" {
			t.Errorf("API %s: %d %s", q, res.StatusCode, res.Body)
		}
		if res := c.get("/search?q=x&" + q); res.StatusCode != http.StatusBadRequest {
			t.Errorf("page %s: %d", q, res.StatusCode)
		}
	}
	if res := c.get("/api/v1/search?q=x&from=2026-01-01&to=2026-12-31"); res.StatusCode != http.StatusOK {
		t.Errorf("good dates: %d %s", res.StatusCode, res.Body)
	}
}
