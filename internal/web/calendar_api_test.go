package web_test

import (
	"net/http"
	"testing"

	"gongkai/internal/db/dbtest"
)

func TestCalendarAPIFarYears(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	for _, p := range []string{
		"/api/v1/calendar/add?from=0000-01-03&n=5",
		"/api/v1/calendar/add?from=0001-01-01&n=5&assume_weekends=1",
		"/api/v1/calendar/add?from=9999-12-30&n=1000&assume_weekends=1",
		"/api/v1/calendar/add?from=9999-12-31&n=1",
		"/api/v1/calendar/days?from=0000-01-01&to=0000-01-05",
		"/api/v1/calendar/days?from=9999-12-25&to=9999-12-31&assume_weekends=1",
	} {
		res := c.get(p)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %d %.200s", p, res.StatusCode, res.Body)
		}
	}
}
