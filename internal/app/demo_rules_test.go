package app_test

import (
	"context"
	"slices"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/rules"
	"gongkai/internal/training"
)

// The demo gives 海珠区 and 赤岗街道 a published rule in every category,
// the participation and interpretation rules in 赤岗's 制度 column, one
// rule returned and one recommended, and three sessions of training this
// year, the city's on applications among them; once.
func TestDemoRules(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := app.LoadDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		if loaded, err := app.LoadDemoRules(ctx, d); err != nil || !loaded {
			t.Fatalf("load: %v %v", loaded, err)
		}
		if again, err := app.LoadDemoRules(ctx, d); err != nil || again {
			t.Fatalf("second load: %v %v", again, err)
		}
		hz, _ := org.ByCode(ctx, d, "440105")
		cg, _ := org.ByCode(ctx, d, "440105-001")
		pub, err := rules.List(ctx, d, rules.Filter{Scope: &hz, Published: true})
		if err != nil {
			t.Fatal(err)
		}
		var cats []rules.Category
		for _, r := range pub {
			if !slices.Contains(cats, r.Category) {
				cats = append(cats, r.Category)
			}
		}
		for _, c := range rules.Categories {
			if !slices.Contains(cats, c) {
				t.Errorf("no published rule of category %s", c)
			}
		}
		col, err := info.PublishedRecords(ctx, d, info.Filter{UnitID: cg.ID, Column: info.ColumnRules})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, r := range col {
			titles = append(titles, r.Title)
		}
		for _, want := range []string{"赤岗街道公众参与政务工作制度", "赤岗街道政策解读和回应关切工作制度"} {
			if !slices.Contains(titles, want) {
				t.Errorf("赤岗's 制度 column misses %s: %v", want, titles)
			}
		}
		returned, _ := rules.List(ctx, d, rules.Filter{State: rules.Returned})
		recommended, _ := rules.List(ctx, d, rules.Filter{Recommended: true})
		if len(returned) != 1 || returned[0].ReturnReason == "" || len(recommended) != 1 || recommended[0].Category != rules.Interpretation {
			t.Errorf("returned %d, recommended %d", len(returned), len(recommended))
		}
		year := calendar.DateOf(d.Now().In(calendar.China)).Year
		city, _ := org.ByCode(ctx, d, "440100")
		sessions, err := training.List(ctx, d, city, year)
		if err != nil || len(sessions) != 3 {
			t.Fatalf("sessions %d %v", len(sessions), err)
		}
		f, err := training.ForUnit(ctx, d, cg, year)
		if err != nil || f.Organised != 1 || f.Attended != 3 || f.People != 17 || !f.CitySession {
			t.Errorf("赤岗's figures %+v %v", f, err)
		}
	})
}
