package foi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/foi"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
)

// benchOpen is how many open applications the due-list benchmark holds: a
// large city's applications in progress at one time.
const benchOpen = 5000

// seedOpen loads benchOpen open applications over 100 streets of 海珠区,
// received over the 40 working days before 2026-11-20, one in five with a
// finished consultation.
func seedOpen(b *testing.B, d *db.DB) org.Unit {
	b.Helper()
	ctx := context.Background()
	cal := calendar.Default()
	today := mustDate("2026-11-20")
	var city org.Unit
	err := d.InTx(ctx, func(tx *db.Tx) error {
		c := orgtest.Build(b, ctx, tx)
		city = c.City
		units := []org.Unit{c.Chigang, c.Xingang}
		for i := 3; i <= 100; i++ {
			u, err := org.Create(ctx, tx, "bench", nil, org.NewUnit{Code: fmt.Sprintf("440105-%03d", i), Name: fmt.Sprintf("第%d街道办事处", i), Kind: org.Street, ParentCode: "440105"})
			if err != nil {
				return err
			}
			units = append(units, u)
		}
		now := time.Date(2026, 11, 20, 9, 0, 0, 0, calendar.China)
		for i := 0; i < benchOpen; i++ {
			received, err := cal.AddWorkdays(today, -(i % 40))
			if err != nil {
				return err
			}
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO foi_applications (tracking_no, unit_id, applicant_type, applicant_name, description, channel, submitted_at,
				received_date, status, clock_start, created_at, updated_at) VALUES (?, ?, 'natural_person', '申请人', '申请公开某项信息', 'in_person', ?, ?, 'processing', ?, ?, ?) RETURNING id`,
				fmt.Sprintf("B%06d", i), units[i%len(units)].ID, now, received.String(), received.String(), now, now).Scan(&id); err != nil {
				return err
			}
			if i%5 == 0 {
				from, _ := cal.AddWorkdays(received, 1)
				to, _ := cal.AddWorkdays(from, 3)
				due, _ := cal.AddWorkdays(from, foi.ConsultationDays)
				if _, err := tx.Exec(ctx, `INSERT INTO foi_pauses (application_id, seq, kind, party, from_date, due_date, to_date, outcome) VALUES (?, 1, 'third_party', '某公司', ?, ?, ?, 'agree')`,
					id, from.String(), due.String(), to.String()); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return city
}

// BenchmarkUrgent lists what is due in the whole city, as the city office's
// dashboard and the daily reminders do.
func BenchmarkUrgent(b *testing.B) {
	dbtest.EnginesB(b, func(b *testing.B, d *db.DB) {
		city := seedOpen(b, d)
		cal, today := calendar.Default(), mustDate("2026-11-20")
		b.ResetTimer()
		for b.Loop() {
			ls, err := foi.Urgent(context.Background(), d, cal, city, today)
			if err != nil || len(ls) == 0 {
				b.Fatal(len(ls), err)
			}
		}
	})
}

// BenchmarkSteps explains one application's dates: a consultation, a fee
// notice and an extension across 国庆.
func BenchmarkSteps(b *testing.B) {
	app := foi.Application{ReceivedDate: "2026-09-18", ClockStart: "2026-09-18", ReceiptNote: "当面提交", Status: foi.StatusProcessing,
		Extension: foi.Extension{Days: 20, Date: "2026-11-02", Approver: "王主任", Reason: "需要调取档案"},
		Fee:       foi.Fee{Mode: "page", Count: 101, Amount: 720},
		Pauses: []foi.Pause{{Seq: 1, Kind: foi.ThirdParty, Party: "某公司", From: "2026-09-21", Due: "2026-10-19", To: "2026-10-13", Outcome: "agree"},
			{Seq: 2, Kind: foi.FeePause, From: "2026-10-14", Due: "2026-11-11", To: "2026-10-20", Outcome: "paid"}}}
	cal := calendar.Default()
	for b.Loop() {
		if steps := app.Steps(cal); len(steps) < 8 {
			b.Fatal(steps)
		}
	}
}
