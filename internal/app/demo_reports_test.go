package app_test

import (
	"context"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/assess"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/domainreport"
	"gongkai/internal/org"
	"gongkai/internal/selfreport"
)

// The demo drafts 赤岗's 2026 report, submits 新港's, sets 2026's scheme
// and publishes 广州市民政局's report on 养老服务, once.
func TestDemoReports(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		d.SetClock(func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, calendar.China) })
		if _, err := app.LoadDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		if loaded, err := app.LoadDemoReports(ctx, d); err != nil || !loaded {
			t.Fatalf("load: %v %v", loaded, err)
		}
		if again, err := app.LoadDemoReports(ctx, d); err != nil || again {
			t.Fatalf("second load: %v %v", again, err)
		}
		sections, _ := app.ReportSources(calendar.Default)
		for code, want := range map[string]selfreport.State{"440105-001": selfreport.Draft, "440105-002": selfreport.Submitted, "440105-003": selfreport.New} {
			u, err := org.ByCode(ctx, d, code)
			if err != nil {
				t.Fatal(err)
			}
			r, err := selfreport.Generate(ctx, d, sections, u, app.DemoReportYear)
			if err != nil || r.Status.State != want {
				t.Errorf("%s: %v %q, want %q", code, err, r.Status.State, want)
			}
			if c, _ := r.Section(selfreport.Catalogs); code == "440105-001" && (!c.Edited || c.Figures["catalogs_published"] != 1) {
				t.Errorf("赤岗's catalogs section: %+v", c)
			}
		}
		s, err := assess.SchemeFor(ctx, d, app.DemoReportYear)
		if err != nil || s.Version != 1 || s.CreatedBy != "gz-office" {
			t.Errorf("scheme %+v %v", s, err)
		}
		dom, _, _ := catalog.ResolveDomain(ctx, d, nil, "养老服务")
		r, err := domainreport.Published(ctx, d, dom, app.DemoReportYear)
		if err != nil || r.LeadName != "广州市民政局" || len(r.Rows) != 3 || !r.Sections[1].Edited {
			t.Errorf("domain report %+v %v", r, err)
		}
	})
}
