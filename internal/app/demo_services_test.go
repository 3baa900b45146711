package app_test

import (
	"context"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/org"
	"gongkai/internal/services"
)

// The demo publishes 21 guides of three 海珠区 units, some lacking key
// elements, with one more awaiting review; 海珠区's handbook bundles two
// life events and a business event at least; it loads once.
func TestDemoServices(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := app.LoadDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		if loaded, err := app.LoadDemoServices(ctx, d); err != nil || !loaded {
			t.Fatalf("load: %v %v", loaded, err)
		}
		if again, err := app.LoadDemoServices(ctx, d); err != nil || again {
			t.Fatalf("second load: %v %v", again, err)
		}
		hz, err := org.ByCode(ctx, d, "440105")
		if err != nil {
			t.Fatal(err)
		}
		pub, err := services.PublishedIn(ctx, d, hz)
		if err != nil {
			t.Fatal(err)
		}
		units, incomplete := map[string]int{}, 0
		for _, g := range pub {
			units[g.Unit.Code]++
			if len(g.Missing()) > 0 {
				incomplete++
			}
		}
		if len(pub) != 21 || len(units) != 3 || incomplete != 4 {
			t.Errorf("%d published guides of %v, %d incomplete", len(pub), units, incomplete)
		}
		h, err := services.CompileHandbook(ctx, d, hz)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[services.EventKind]int{}
		for _, b := range h.Bundles {
			kinds[b.Event.Kind]++
		}
		if kinds[services.Personal] < 2 || kinds[services.Business] < 1 {
			t.Errorf("bundles %v", kinds)
		}
		b, err := h.Bundle("shengyu")
		if err != nil || len(b.Guides) != 3 || b.Guides[0].Name != "生育登记" || b.Guides[2].Name != "城乡居民医疗保险参保登记（新生儿）" {
			t.Errorf("生育: %+v %v", b.Guides, err)
		}
		s, err := services.LoadSettings(ctx, d)
		if err != nil || s.Office.Code != "440100-04" || s.HallURL == "" {
			t.Errorf("settings %+v %v", s, err)
		}
		if cs, err := services.ComplaintsIn(ctx, d, hz, 0); err != nil || len(cs) != 2 {
			t.Errorf("complaints %d %v", len(cs), err)
		}
	})
}
