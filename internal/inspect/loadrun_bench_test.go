package inspect_test

import (
	"context"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
	"gongkai/internal/seed"
)

// BenchmarkLoadRun opens a saved inspection of a city of 3,000 units, as
// the run's page does.
func BenchmarkLoadRun(b *testing.B) {
	d := dbtest.SQLite(b)
	ctx := context.Background()
	if _, err := seed.Synthetic(ctx, d, seed.Options{Units: 3000, Records: 3000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	roots, _ := org.Roots(ctx, d)
	run, err := inspect.Inspect(ctx, d, calendar.Default(), nil, inspect.Options{Scope: roots[0], Save: true})
	if err != nil {
		b.Fatal(err)
	}
	admin := auth.Account{Login: "bench", Role: auth.Admin, Unit: roots[0]}
	b.ResetTimer()
	for b.Loop() {
		if r, err := inspect.LoadRun(ctx, d, run.ID, admin); err != nil || len(r.Units) < 2000 {
			b.Fatal(err)
		}
	}
}
