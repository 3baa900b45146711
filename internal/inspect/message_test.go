package inspect_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/i18n"
	"gongkai/internal/inspect"
	"gongkai/internal/message"
)

// A valid message left unanswered for more than three months is one
// finding of message_overdue and fails its unit outright (fail_at 1);
// dismissed and younger messages are not findings, and a unit without
// such a message is not failed by the rule. The findings say themselves in
// English too.
func TestMessageOverdueRule(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		at := func(day string) {
			dd, _ := calendar.ParseDate(day)
			d.SetClock(func() time.Time { return time.Date(dd.Year, dd.Month, dd.Day, 9, 0, 0, 0, calendar.China) })
		}
		send := func(day, unit string) message.Message {
			t.Helper()
			at(day)
			var m message.Message
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				m, _, err = message.Submit(ctx, tx, message.Input{UnitCode: unit, Category: message.Consult, Title: "高龄津贴何时发放",
					Content: "请问第三季度高龄津贴什么时候发放？", Name: "周女士", Phone: "13800000000"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		late := send("2026-06-15", "440105-001")
		dismissed := send("2026-06-15", "440105-001")
		young := send("2026-09-01", "440105-002")
		rv := auth.Account{Login: "hz-office", Role: auth.PublicOfficeDistrict, Unit: w.hz}
		at("2026-06-20")
		if err := d.InTx(ctx, func(tx *db.Tx) error { _, err := message.Dismiss(ctx, tx, rv, dismissed, "重复留言"); return err }); err != nil {
			t.Fatal(err)
		}
		at("2026-11-20")
		run := w.run(t, nil, w.hz, "2026-11-20", false)
		cg := unitOf(t, run, "440105-001")
		got := targets(cg, inspect.MessageOverdue)
		if !slices.Equal(got, []string{inspect.VetoTarget, "留言 " + late.TrackingNo}) {
			t.Fatalf("message_overdue at 赤岗: %q", got)
		}
		if cg.Passed || len(cg.Vetoes()) != 1 {
			t.Errorf("赤岗 passed: %v, vetoes %+v", cg.Passed, cg.Vetoes())
		}
		for _, f := range cg.Findings {
			if f.Rule != inspect.MessageOverdue {
				continue
			}
			switch {
			case f.Veto() && (f.Expected != "有效留言均在3个月内答复" || f.Actual != "1条有效留言超过3个月未答复" || f.Points != 0):
				t.Errorf("veto %+v", f)
			case !f.Veto() && (f.Expected != "2026-09-15前答复" || f.Actual != "截至2026-11-20尚未答复" || f.Points != 2):
				t.Errorf("finding %+v", f)
			}
			for _, s := range []string{f.Target, f.Expected, f.Actual} {
				say, ok := inspect.Say(s)
				if !ok || strings.ContainsFunc(say.In(i18n.En), func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
					t.Errorf("%q says %q in English (%v)", s, say.In(i18n.En), ok)
				}
			}
		}
		if got := targets(unitOf(t, run, "440105-002"), inspect.MessageOverdue); len(got) != 0 {
			t.Errorf("新港 (%s, three months on 1 December): %q", young.TrackingNo, got)
		}
		// As of 15 September the first is on its last day.
		run = w.run(t, nil, w.hz, "2026-09-15", false)
		if got := targets(unitOf(t, run, "440105-001"), inspect.MessageOverdue); len(got) != 0 {
			t.Errorf("as of 15 September: %q", got)
		}
	})
}
