package inspect_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/i18n"
	"gongkai/internal/inspect"
	"gongkai/internal/participation"
)

// TestConsultationFeedbackRule: a consultation that closed on 18 September
// 2026 owes its feedback report by the 20th working day after, 22 October
// (中秋 25–27 September and 国庆 1–7 October off, 20 September and 10
// October worked); from the 23rd it is a finding until the report is out.
func TestConsultationFeedbackRule(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		at := func(day string) {
			dd, _ := calendar.ParseDate(day)
			d.SetClock(func() time.Time { return time.Date(dd.Year, dd.Month, dd.Day, 9, 0, 0, 0, calendar.China) })
		}
		do := func(fn func(tx *db.Tx) error) {
			t.Helper()
			if err := d.InTx(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		consult := func(title, start, end string) int64 {
			at(start)
			var id int64
			do(func(tx *db.Tx) error {
				c, err := participation.Create(ctx, tx, w.cgEd, w.cg, participation.Input{Title: title, Body: "<p>草案</p>", Explanation: "起草说明",
					Start: start, End: end, ShortReason: "测试"})
				if err == nil {
					c, err = participation.Publish(ctx, tx, w.hzOffice, c, "")
				}
				id = c.ID
				return err
			})
			return id
		}
		feedback := func(id int64, day string) {
			at(day)
			do(func(tx *db.Tx) error {
				c, err := participation.ByID(ctx, tx, id)
				if err == nil {
					_, err = participation.PublishFeedback(ctx, tx, w.hzOffice, c, "未收到意见，按草案出台。")
				}
				return err
			})
		}
		silent := consult("没有反馈的草案", "2026-08-19", "2026-09-18")
		onTime := consult("按时反馈的草案", "2026-08-19", "2026-09-18")
		late := consult("迟延反馈的草案", "2026-08-19", "2026-09-18")
		// Closed 30 October: its report is due 27 November.
		consult("新近结束的草案", "2026-10-10", "2026-10-30")
		feedback(onTime, "2026-10-22")
		feedback(late, "2026-10-27")
		at("2026-11-20")

		found := func(asOf string) []string {
			t.Helper()
			var out []string
			for _, f := range unitOf(t, w.run(t, nil, w.hz, asOf, false), "440105-001").Findings {
				if f.Rule == inspect.ConsultationFeedback {
					out = append(out, f.Target)
				}
			}
			return out
		}
		if got := found("2026-10-22"); len(got) != 0 {
			t.Errorf("as of 22 October, the last day: %q", got)
		}
		got := found("2026-10-23")
		if strings.Join(got, "|") != say(silent, "没有反馈的草案")+"|"+say(late, "迟延反馈的草案") {
			t.Errorf("as of 23 October: %q", got)
		}
		if got := found("2026-11-20"); len(got) != 1 || got[0] != say(silent, "没有反馈的草案") {
			t.Errorf("as of 20 November: %q", got)
		}
		// The findings say themselves in English.
		for _, f := range unitOf(t, w.run(t, nil, w.hz, "2026-11-20", false), "440105-001").Findings {
			if f.Rule != inspect.ConsultationFeedback {
				continue
			}
			if f.Expected != "2026-10-22前公布征集意见处理情况反馈" || f.Actual != "2026-09-18征集结束，截至2026-11-20未公布反馈" {
				t.Errorf("finding: %+v", f)
			}
			var en []string
			for _, s := range []string{f.Target, f.Expected, f.Actual} {
				txt, ok := inspect.Say(s)
				if !ok {
					t.Errorf("%q cannot be said in English", s)
				}
				en = append(en, txt.In(i18n.En))
			}
			if want := "Consultation " + itoa(silent) + ", “没有反馈的草案”|a feedback report by 2026-10-22|closed on 2026-09-18, no feedback report as of 2026-11-20"; strings.Join(en, "|") != want {
				t.Errorf("in English: %q", en)
			}
		}
	})
}

func say(id int64, title string) string { return "意见征集" + itoa(id) + "《" + title + "》" }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
