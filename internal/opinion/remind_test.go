package opinion_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/foi"
	"gongkai/internal/opinion"
)

// The parts due join the daily reminders of applications and messages
// (foi.Remind with opinion.Due): due within three working days or overdue,
// of open items only, to the staff of the part's unit, once a day, and
// every day while overdue; a part answered is not reminded of.
func TestDueReminders(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		it := w.register(w.hz, opinion.Major)
		it, err := w.assign(w.hz, it.ID, "", "440105-001", "440105-002") // due 8 October
		if err != nil {
			t.Fatal(err)
		}
		remind := func(day string) map[string]string {
			t.Helper()
			w.on(day)
			dd, _ := calendar.ParseDate(day)
			if _, err := foi.Remind(ctx, d, w.cal, "https://gongkai.example.gov.cn", dd, opinion.Due); err != nil {
				t.Fatal(err)
			}
			rows, err := d.Query(ctx, `SELECT recipient, body FROM push_outbox WHERE kind = ? AND reference = ?`, foi.KindReminder, day)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]string{}
			for rows.Next() {
				var to, body string
				rows.Scan(&to, &body)
				out[strings.ToLower(to)] = body
			}
			return out
		}
		// 30 September: due on 8 October, the first working day after 国庆.
		got := remind("2026-09-30")
		if len(got) != 3 || !strings.Contains(got["cg@example.gov.cn"], "还剩1个工作日") {
			t.Errorf("30 September: %v", got)
		}
		got = remind("2026-10-08")
		if len(got) != 3 || !strings.Contains(got["cg@example.gov.cn"], "舆情事项 网传海珠区某小区停水三天无人处理（赤岗街道办事处）") ||
			!strings.Contains(got["xg@example.gov.cn"], "https://gongkai.example.gov.cn/admin/opinion/") || !strings.Contains(got["cgrev@example.gov.cn"], "今天") {
			t.Errorf("the due day: %v", got)
		}
		if _, err := w.respond(w.cgEd, it.ID, partFor(t, it, "440105-001").ID); err != nil {
			t.Fatal(err)
		}
		got = remind("2026-10-09")
		if len(got) != 1 || !strings.Contains(got["xg@example.gov.cn"], "已逾期1个工作日") {
			t.Errorf("the next day: %v", got)
		}
		dd, _ := calendar.ParseDate("2026-10-09")
		if n, err := foi.Remind(ctx, d, w.cal, "", dd, opinion.Due); err != nil || n != 0 {
			t.Errorf("the same day again: %d %v", n, err)
		}
		// Only the parts of units in the root's subtree.
		due, err := opinion.Due(ctx, d, w.cal, w.c.Yuexiu, dd)
		if err != nil || len(due) != 0 {
			t.Errorf("越秀: %+v %v", due, err)
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
