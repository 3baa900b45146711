package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/jobs"
	"gongkai/internal/web"
)

// failedJob leaves in the queue a scheduled-publishing job whose first
// attempt failed, as the runner records one.
func failedJob(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	res, err := d.Enqueue(ctx, jobs.PublishDueArgs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := `{"at":"2026-11-23T01:00:00Z","attempt":1,"error":"database is locked","trace":""}`
	q := `UPDATE river_job SET state = 'retryable', attempt = 1, errors = json_array(json(?)) WHERE id = ?`
	if d.Dialect == db.Postgres {
		q = `UPDATE river_job SET state = 'retryable', attempt = 1, errors = ARRAY[?::jsonb] WHERE id = ?`
	}
	if _, err := d.SQL.ExecContext(ctx, db.Rebind(d.Dialect, q), e, res.Job.ID); err != nil {
		t.Fatal(err)
	}
}

// TestJobsPageAndMetrics shows the queue to an administrator and to a
// scraper: the failed job counted under its kind and listed with its error.
func TestJobsPageAndMetrics(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, func(c *web.Config) { c.MetricsToken = "scrape-token-2026" })
		failedJob(t, d)
		admin := e.asDemo(auth.Admin)
		res := admin.get("/admin/jobs")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("/admin/jobs: %d", res.StatusCode)
		}
		if got := text(t, res.Body, "#counts + p + div tbody tr th"); got != "定时发布" {
			t.Errorf("counted kind %q, want 定时发布", got)
		}
		row := text(t, res.Body, "#failures + p + div tbody tr")
		for _, want := range []string{"定时发布", "待重试", "1/", "database is locked", "2026-11-23 09:00:00"} {
			if !strings.Contains(row, want) {
				t.Errorf("failure row %q lacks %q", row, want)
			}
		}
		if got := text(t, admin.get("/admin/jobs?lang=en").Body, "#failures + p + div tbody tr"); !strings.Contains(got, "Scheduled publishing") || !strings.Contains(got, "To retry") {
			t.Errorf("English failure row %q", got)
		}
		req, _ := http.NewRequest("GET", e.srv.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer scrape-token-2026")
		m := e.client().do(req).Body
		for _, want := range []string{`gongkai_jobs{kind="publish_due",state="retryable"} 1`, `gongkai_jobs_failing{kind="publish_due"} 1`, "gongkai_jobs_scrape_ok 1"} {
			if !strings.Contains(m, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}
