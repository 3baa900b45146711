package app_test

import (
	"context"
	"testing"

	"gongkai/internal/app"
	attrspkg "gongkai/internal/attrs"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/org"
)

// The demo holds 海珠区's July review of 2026 in progress and its spot
// check of 2026 with 赤岗's answers, once.
func TestDemoAttributes(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := app.LoadDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		if loaded, err := app.LoadDemoAttributes(ctx, d); err != nil || !loaded {
			t.Fatalf("load: %v %v", loaded, err)
		}
		if again, err := app.LoadDemoAttributes(ctx, d); err != nil || again {
			t.Fatalf("second load: %v %v", again, err)
		}
		hz, err := org.ByCode(ctx, d, "440105")
		if err != nil {
			t.Fatal(err)
		}
		f, err := attrspkg.ReviewFiguresOf(ctx, d, hz, 2026)
		if want := (attrspkg.ReviewFigures{InScope: 7, Kept: 1, Pending: 6}); err != nil || f != want {
			t.Errorf("review figures %+v, want %+v (%v)", f, want, err)
		}
		cg, _ := org.ByCode(ctx, d, "440105-001")
		_, docs, err := attrspkg.Documents(ctx, d, cg, 2026)
		states := map[string]int{}
		for _, doc := range docs {
			states[doc.State()]++
		}
		if err != nil || len(docs) != 4 || states[attrspkg.Proposed] != 3 || states[attrspkg.Pending] != 1 {
			t.Errorf("赤岗's documents: %d %v %v", len(docs), states, err)
		}
		s, err := attrspkg.SpotFiguresOf(ctx, d, hz, 2026)
		if err != nil || s.Checks != 1 || s.Sampled != 5 || s.Checked != 2 || s.Problems != 1 || s.Marked != 1 {
			t.Errorf("spot figures %+v %v", s, err)
		}
	})
}
