package seed_test

import (
	"context"
	"testing"

	"gongkai/internal/db/dbtest"
	"gongkai/internal/seed"
)

// BenchmarkSynthetic loads records into a small synthetic city; records/s
// is the import rate with full-text indexing.
func BenchmarkSynthetic(b *testing.B) {
	for b.Loop() {
		d := dbtest.SQLite(b)
		res, err := seed.Synthetic(context.Background(), d, seed.Options{Units: 40, Records: 5000, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.Rate, "records/s")
	}
}
