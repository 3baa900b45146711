package app_test

import (
	"context"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/opinion"
)

// The demo's public-opinion items load once: one in hand with 赤岗's
// response on time and 新港's part overdue, one closed and published.
func TestDemoOpinion(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := app.LoadDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false} {
			loaded, err := app.LoadDemoOpinion(ctx, d)
			if err != nil || loaded != want {
				t.Fatalf("load %d: %v %v", i+1, loaded, err)
			}
		}
		office, err := auth.ByLogin(ctx, d, "haizhu-office")
		if err != nil {
			t.Fatal(err)
		}
		items, total, err := opinion.List(ctx, d, opinion.Filter{Account: office})
		if err != nil || total != 2 {
			t.Fatalf("%d items, %v", total, err)
		}
		inHand, closed := items[0], items[1]
		if inHand.State != opinion.Assigned || len(inHand.Parts) != 2 || closed.State != opinion.Closed || !closed.Published {
			t.Fatalf("items %+v / %+v", inHand, closed)
		}
		today := calendar.DateOf(d.Now().In(calendar.China))
		for _, p := range inHand.Parts {
			switch p.Unit.Code {
			case "440105-001":
				if !p.Responded || !p.OnTime() {
					t.Errorf("赤岗 %+v", p)
				}
			case "440105-002":
				if !p.Overdue(today) {
					t.Errorf("新港 not overdue: %+v", p)
				}
			default:
				t.Errorf("part for %s", p.Unit.Code)
			}
		}
		due, err := opinion.Urgent(ctx, d, calendar.Default(), office, today)
		// Three working days late, or two on a day off after them.
		if err != nil || len(due) != 1 || due[0].Part.Unit.Code != "440105-002" || due[0].Urgency.Late() < 2 || due[0].Urgency.Late() > 3 {
			t.Errorf("urgent %+v %v", due, err)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM info_records r JOIN units u ON u.id = r.unit_id
			WHERE u.code = '440105' AND r.column_code = 'zd' AND r.status = 'published' AND r.title = '海珠区政务舆情回应工作办法'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("rules in 海珠区's 制度 column: %d %v", n, err)
		}
		pub, total, err := opinion.PublishedList(ctx, d, opinion.PublicFilter{})
		if err != nil || total != 1 || pub[0].ID != closed.ID || len(pub[0].Responses) != 1 {
			t.Errorf("published %+v %d %v", pub, total, err)
		}
	})
}
