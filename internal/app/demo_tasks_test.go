package app_test

import (
	"context"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/org"
	"gongkai/internal/task"
)

// The demo breaks 海珠区's tasks down with some done, one reported, some
// overdue, once; the browser tests open parts 4/7 (reported) and 5/9 (open).
func TestDemoTasks(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := app.LoadDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		if loaded, err := app.LoadDemoTasks(ctx, d); err != nil || !loaded {
			t.Fatalf("load: %v %v", loaded, err)
		}
		if again, err := app.LoadDemoTasks(ctx, d); err != nil || again {
			t.Fatalf("second load: %v %v", again, err)
		}
		hz, err := org.ByCode(ctx, d, "440105")
		if err != nil {
			t.Fatal(err)
		}
		parts, err := task.InScope(ctx, d, hz, 0)
		if err != nil || len(parts) != 32 {
			t.Fatalf("parts %d %v", len(parts), err)
		}
		today := calendar.DateOf(d.Now().In(calendar.China))
		states := map[task.State]int{}
		for _, p := range parts {
			states[p.State]++
		}
		if states[task.Accepted] != 4 || states[task.Reported] != 1 || len(task.OverdueOf(parts, today)) != 6 {
			t.Errorf("states %v, overdue %d", states, len(task.OverdueOf(parts, today)))
		}
		for id, want := range map[int64]task.State{7: task.Reported, 9: task.Assigned} {
			p, err := task.ByID(ctx, d, id)
			if err != nil || p.State != want || p.Unit.Code != "440105-001" {
				t.Errorf("part %d: %v %s %s", id, err, p.State, p.Unit.Code)
			}
		}
	})
}
