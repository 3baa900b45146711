package app_test

import (
	"context"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/message"
	"gongkai/internal/org"
)

// The demo's messages load once: answered public ones in 赤岗's archive,
// one private, one left unanswered past three months, one new.
func TestDemoMessages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := app.LoadDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false} {
			loaded, err := app.LoadDemoMessages(ctx, d)
			if err != nil || loaded != want {
				t.Fatalf("load %d: %v %v", i+1, loaded, err)
			}
		}
		cal := calendar.Default().AssumeWeekends()
		cg, _ := org.ByCode(ctx, d, "440105-001")
		today := calendar.DateOf(d.Now().In(calendar.China))
		ls, total, err := message.List(ctx, d, cal, message.Filter{Scope: cg}, today)
		if err != nil || total != 6 {
			t.Fatalf("%d messages, %v", total, err)
		}
		states := map[string]int{}
		for _, l := range ls {
			states[l.Status]++
		}
		if states[message.StatusAnswered] != 4 || states[message.StatusOpen] != 2 {
			t.Errorf("states %v", states)
		}
		if _, n, err := message.Archive(ctx, d, cal, message.ArchiveFilter{Unit: cg}); err != nil || n != 3 {
			t.Errorf("archive: %d, %v", n, err)
		}
		if late, err := message.OverdueOn(ctx, d, cg, today); err != nil || len(late) != 1 {
			t.Errorf("overdue: %+v, %v", late, err)
		}
	})
}
