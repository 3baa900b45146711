package seed_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"unicode/utf8"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/seed"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

func TestSyntheticCity(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		res, err := seed.Synthetic(ctx, d, seed.Options{Units: 120, Records: 1500, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if res.Units != 120 || res.Catalogs == 0 || res.Records != 1500 {
			t.Fatalf("result %+v", res)
		}
		n, err := info.PublishedCount(ctx, d)
		if err != nil || n != 1500 {
			t.Fatalf("%d published records: %v", n, err)
		}
		recs, _ := info.PublishedRecords(ctx, d, info.Filter{Limit: 50})
		for _, r := range recs {
			if l := utf8.RuneCountInString(r.BodyText); l < 400 || l > 3300 {
				t.Errorf("body of %d characters", l)
			}
		}
		total, _, err := info.Search(ctx, d, d.Dialect, info.Query{Q: "政务公开"})
		if err != nil || total == 0 {
			t.Errorf("search over the synthetic city: %d %v", total, err)
		}
		// A catalog page's lists, in one query, match the item-by-item
		// lists.
		var catalogID int64
		if err := d.QueryRow(ctx, `SELECT catalog_id FROM info_items GROUP BY catalog_id ORDER BY COUNT(*) DESC, catalog_id LIMIT 1`).Scan(&catalogID); err != nil {
			t.Fatal(err)
		}
		byItem, err := info.CatalogRecords(ctx, d, catalogID, 3)
		if err != nil || len(byItem) == 0 {
			t.Fatalf("CatalogRecords: %d items, %v", len(byItem), err)
		}
		for key, got := range byItem {
			want, err := info.PublishedRecords(ctx, d, info.Filter{CatalogID: catalogID, ItemKey: key, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) || len(got) > 3 {
				t.Fatalf("item %s: %d records, want %d", key, len(got), len(want))
			}
			for i := range got {
				if got[i].ID != want[i].ID || got[i].Title != want[i].Title || got[i].BodyText != "" {
					t.Errorf("item %s record %d: %d %q, want %d %q without body", key, i, got[i].ID, got[i].Title, want[i].ID, want[i].Title)
				}
			}
		}
		// The city is there once.
		if _, err := seed.Synthetic(ctx, d, seed.Options{Units: 120, Records: 10, Seed: 7}); err == nil {
			t.Error("a second synthetic city was made")
		}
	})
}

// TestDeterministic: the same seed makes the same records.
func TestDeterministic(t *testing.T) {
	titles := func() []string {
		d := dbtest.SQLite(t)
		if _, err := seed.Synthetic(context.Background(), d, seed.Options{Units: 40, Records: 200, Seed: 42}); err != nil {
			t.Fatal(err)
		}
		recs, _ := info.PublishedRecords(context.Background(), d, info.Filter{Limit: 200})
		var out []string
		for _, r := range recs {
			out = append(out, r.IndexNo+r.Title)
		}
		return out
	}
	a, b := titles(), titles()
	if len(a) != 200 || len(a) != len(b) {
		t.Fatalf("%d and %d records", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("record %d differs: %s / %s", i, a[i], b[i])
		}
	}
}

// TestSyntheticMakesTheUnitsAskedFor: --units N makes N units, whatever N
// leaves over when split among districts.
func TestSyntheticMakesTheUnitsAskedFor(t *testing.T) {
	for _, n := range []int{20, 33} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			dbtest.Engines(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				res, err := seed.Synthetic(ctx, d, seed.Options{Units: n, Records: 0, Seed: 3})
				if err != nil {
					t.Fatal(err)
				}
				var stored int
				if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM units").Scan(&stored); err != nil {
					t.Fatal(err)
				}
				if res.Units != n || stored != n {
					t.Errorf("asked for %d units: made %d, stored %d", n, res.Units, stored)
				}
			})
		})
	}
}
