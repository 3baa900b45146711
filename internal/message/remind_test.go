package message

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/foi"
	"gongkai/internal/orgtest"
)

// Messages join the applications' daily reminders: the staff of the
// message's unit are reminded of one due soon or overdue, once a day, with
// a link to its console page; a message of another unit is not theirs.
func TestDailyRemindersListMessages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.tx(func(tx *db.Tx) error {
			orgtest.Account(t, ctx, tx, "cg-mailed", "clerk@chigang.gov.cn", auth.UnitEditor, w.c.Chigang)
			orgtest.Account(t, ctx, tx, "xg-mailed", "clerk@xingang.gov.cn", auth.UnitEditor, w.c.Xingang)
			return nil
		})
		// Both came on 28 September and are due on 16 October (ten working
		// days across the National Day holiday).
		cg, _ := w.submit(input(w.c.Chigang))
		xgIn := input(w.c.Xingang)
		xgIn.Title = "新港街道道路改造"
		xg, _ := w.submit(xgIn)
		if cg.ID == xg.ID {
			t.Fatal("two messages expected")
		}
		const site = "https://gongkai.example.gov.cn"
		remind := func(day string) int {
			t.Helper()
			w.on(day)
			n, err := foi.Remind(ctx, d, w.cal, site, mustDate(day), Due)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// 8 October: six working days left, not yet due soon.
		if n := remind("2026-10-08"); n != 0 {
			t.Fatalf("8 October: %d reminders, want 0", n)
		}
		// 14 October: two working days left, one mail to each unit's clerk.
		if n := remind("2026-10-14"); n != 2 {
			t.Fatalf("14 October: %d reminders, want 2", n)
		}
		var body string
		if err := d.QueryRow(ctx, `SELECT body FROM push_outbox WHERE recipient = ?`, "clerk@chigang.gov.cn").Scan(&body); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"网民留言 " + cg.TrackingNo + "（", "还剩2个工作日", fmt.Sprintf("%s/admin/messages/%d\n", site, cg.ID)} {
			if !strings.Contains(body, want) {
				t.Errorf("no %q in\n%s", want, body)
			}
		}
		if strings.Contains(body, xg.TrackingNo) {
			t.Errorf("赤岗's clerk reminded of 新港's message:\n%s", body)
		}
		// Once a day.
		if n := remind("2026-10-14"); n != 0 {
			t.Errorf("second run on 14 October: %d reminders, want 0", n)
		}
		// Overdue the day after its due day: reminded again.
		if n := remind("2026-10-19"); n != 2 {
			t.Errorf("19 October: %d reminders, want 2", n)
		}
		if got := w.count(`SELECT COUNT(*) FROM reminders_sent WHERE ref = ?`, fmt.Sprintf("message:%d", cg.ID)); got != 2 {
			t.Errorf("ledger has %d rows for 赤岗's message, want 2", got)
		}
	})
}
