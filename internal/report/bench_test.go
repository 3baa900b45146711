package report_test

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
	"gongkai/internal/report"
)

// BenchmarkAnnual builds the annual report of a unit that received 10,000
// applications in 2025 and 2026, with an appeal for one in fifty.
func BenchmarkAnnual(b *testing.B) {
	dbtest.EnginesB(b, func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		var cg org.Unit
		err := d.InTx(ctx, func(tx *db.Tx) error {
			cg = orgtest.Build(b, ctx, tx).Chigang
			now := time.Date(2026, 11, 20, 9, 0, 0, 0, calendar.China)
			start := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
			for i := 0; i < 10000; i++ {
				received := start.AddDate(0, 0, i*690/10000)
				result, answered := foi.Results[i%len(foi.Results)], received.AddDate(0, 0, 20).Format("2006-01-02")
				if i%7 == 0 {
					result, answered = "", ""
				}
				var id int64
				if err := tx.QueryRow(ctx, `INSERT INTO foi_applications (tracking_no, unit_id, applicant_type, applicant_name, description, channel, submitted_at,
						received_date, status, clock_start, result, result_date, created_at, updated_at)
						VALUES (?, ?, ?, '申请人', '申请公开某项信息', 'post', ?, ?, 'processing', ?, ?, ?, ?, ?) RETURNING id`,
					fmt.Sprintf("B%06d", i), cg.ID, foi.ApplicantTypes[i%len(foi.ApplicantTypes)], now, received.Format("2006-01-02"), received.Format("2006-01-02"),
					result, answered, now, now).Scan(&id); err != nil {
					return err
				}
				if i%50 == 1 && answered != "" {
					if _, err := tx.Exec(ctx, `INSERT INTO foi_appeals (application_id, kind, filed_date, outcome, recorded_by, recorded_at) VALUES (?, 'review', ?, 'maintained', 'bench', ?)`,
						id, answered, now); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for b.Loop() {
			r, err := report.Annual(ctx, d, cg, 2025)
			if err != nil || len(r.Check()) != 0 {
				b.Fatal(err, r.Check())
			}
		}
	})
}
