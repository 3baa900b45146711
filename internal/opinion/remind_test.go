package opinion_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/opinion"
)

// The daily reminders: on the due day and on each day after it, once a day
// however often the job runs, to the unit's staff with an address; none
// for a part answered; recorded without addresses while mail is off.
func TestRemind(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		it := w.register(w.hz, opinion.Major)
		it, err := w.assign(w.hz, it.ID, "", "440105-001", "440105-002")
		if err != nil {
			t.Fatal(err)
		}
		remind := func(day string, mail bool) []opinion.Reminder {
			t.Helper()
			w.on(day)
			dd, _ := calendar.ParseDate(day)
			rs, err := opinion.Remind(ctx, d, mail, "https://gongkai.example.gov.cn", dd)
			if err != nil {
				t.Fatal(err)
			}
			return rs
		}
		summary := func(rs []opinion.Reminder) []string {
			var out []string
			for _, r := range rs {
				out = append(out, r.Part.Unit.Code+" "+r.Kind+" "+r.To)
			}
			slices.Sort(out)
			return out
		}
		if rs := remind("2026-10-07", true); len(rs) != 0 {
			t.Errorf("before the due day: %v", summary(rs))
		}
		want := []string{"440105-001 due cg@example.gov.cn", "440105-001 due cgrev@example.gov.cn", "440105-002 due xg@example.gov.cn"}
		if got := summary(remind("2026-10-08", true)); !slices.Equal(got, want) {
			t.Errorf("due day: %v, want %v", got, want)
		}
		if rs := remind("2026-10-08", true); len(rs) != 0 {
			t.Errorf("the same day again: %v", summary(rs))
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM push_outbox WHERE kind = ?`, opinion.KindReminder).Scan(&n); err != nil || n != 3 {
			t.Errorf("outbox holds %d reminders (%v), want 3", n, err)
		}
		if _, err := w.respond(w.cgEd, it.ID, partFor(t, it, "440105-001").ID); err != nil {
			t.Fatal(err)
		}
		if got := summary(remind("2026-10-09", true)); !slices.Equal(got, []string{"440105-002 overdue xg@example.gov.cn"}) {
			t.Errorf("the next day: %v", got)
		}
		if got := summary(remind("2026-10-10", false)); !slices.Equal(got, []string{"440105-002 overdue "}) {
			t.Errorf("mail off: %v", got)
		}
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM push_outbox WHERE kind = ?`, opinion.KindReminder).Scan(&n); err != nil || n != 4 {
			t.Errorf("outbox holds %d reminders (%v), want 4", n, err)
		}
	})
}

// The dashboard's list: open parts due within three working days or
// overdue, the most urgent first, as each account sees them.
func TestUrgent(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		it := w.register(w.hz, opinion.Major)
		if _, err := w.assign(w.hz, it.ID, "", "440105-001"); err != nil { // due 2026-10-08
			t.Fatal(err)
		}
		if _, err := w.assign(w.hz, it.ID, "2026-10-30", "440105-002"); err != nil {
			t.Fatal(err)
		}
		w.on("2026-10-12") // 8, 9, 10 (a working Saturday), 12: three working days late
		today, _ := calendar.ParseDate("2026-10-12")
		for _, c := range []struct {
			who  auth.Account
			want []string
		}{{w.hz, []string{"440105-001 -3"}}, {w.cgEd, []string{"440105-001 -3"}}, {w.xgEd, nil}, {w.yx, nil}, {w.supervisor, nil}} {
			ds, err := opinion.Urgent(ctx, d, w.cal, c.who, today)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range ds {
				got = append(got, x.Part.Unit.Code+" "+strconv.Itoa(x.Urgency.Left))
				if x.Item.Title == "" || !x.Urgency.Overdue() {
					t.Errorf("%s: %+v", c.who.Login, x)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.who.Login, got, c.want)
			}
		}
	})
}
