package app_test

import (
	"context"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/assess"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/org"
	"gongkai/internal/selfreport"
)

// The self-inspection report's sections on attributes, interpretation,
// opinion and training, and the assessment's interpretation component,
// are written from what the demo holds of them.
func TestReportSourcesReadEveryCapability(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		d.SetClock(func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, calendar.China) })
		if _, err := app.LoadDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		if err := app.LoadDemoParts(ctx, d); err != nil {
			t.Fatal(err)
		}
		sections, components := app.ReportSources(calendar.Default)
		unit := func(code string) org.Unit {
			u, err := org.ByCode(ctx, d, code)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		cg, hz := unit("440105-001"), unit("440105")
		figure := func(key string, u org.Unit, name string) int {
			t.Helper()
			m, text, err := sections[key](ctx, d, u, 2026)
			if err != nil || text == "" {
				t.Fatalf("%s of %s: %v %q", key, u.Code, err, text)
			}
			n, ok := m[name].(int)
			if !ok {
				t.Fatalf("%s of %s: no %s in %v", key, u.Code, name, m)
			}
			return n
		}
		// 赤岗's two policies went out with their interpretations (three).
		if p, i, n := figure(selfreport.Interpretation, cg, "policies"), figure(selfreport.Interpretation, cg, "interpreted"), figure(selfreport.Interpretation, cg, "interpretations"); p != 2 || i != 2 || n != 3 {
			t.Errorf("interpretation: %d policies, %d interpreted, %d interpretations", p, i, n)
		}
		if n := figure(selfreport.Opinion, hz, "assigned"); n < 2 {
			t.Errorf("opinion: %d parts assigned under 海珠区", n)
		}
		if n := figure(selfreport.Training, cg, "people"); n == 0 {
			t.Error("training: nobody of 赤岗 trained")
		}
		if n := figure(selfreport.Attributes, hz, "review_in_scope"); n != 7 {
			t.Errorf("attributes: %d documents in 海珠区's review, want 7", n)
		}
		m, err := components[assess.Interpretation](ctx, d, cg, 2026)
		if err != nil || !m.Available || m.Score != 100 {
			t.Errorf("interpretation component of 赤岗: %+v %v", m, err)
		}
	})
}
