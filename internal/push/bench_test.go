package push_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/org"
	"gongkai/internal/push"
)

// BenchmarkFanout measures telling a record's subscribers: matching it
// against 10,000 active subscriptions, of which 1,000 follow its unit and
// domain at once — each gets an outbox row and a delivery job — 1,000 in a
// daily digest, and 8,000 follow other units. The publishing transaction
// itself only enqueues the fan-out.
func BenchmarkFanout(b *testing.B) {
	dbtest.EnginesB(b, func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		if _, err := app.LoadDemo(ctx, d); err != nil {
			b.Fatal(err)
		}
		d.SetClock(func() time.Time { return time.Date(2026, 6, 15, 10, 0, 0, 0, calendar.China) })
		dom, _, err := catalog.ResolveDomain(ctx, d, nil, "养老服务")
		if err != nil {
			b.Fatal(err)
		}
		all := func(string) bool { return true }
		err = d.InTx(ctx, func(tx *db.Tx) error {
			aud, err := push.Audiences(ctx, tx)
			if err != nil {
				return err
			}
			ch := push.Choices{Audiences: aud}
			for i := range 10000 {
				r := push.Request{Email: fmt.Sprintf("r%05d@example.com", i), Units: []string{"440104"}}
				switch {
				case i < 1000:
					r.Units, r.Domains = []string{"440105-001"}, []string{dom.Code}
				case i < 2000:
					r.Units, r.Frequency = []string{"440105"}, push.Daily
				}
				sub, err := push.Subscribe(ctx, tx, r, all, ch)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `UPDATE push_subscriptions SET state = 'active' WHERE id = ?`, sub.ID); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		u, err := org.ByCode(ctx, d, "440105-001")
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := range b.N {
			now, later, err := push.Fanout(ctx, d, push.Item{Reference: fmt.Sprintf("440105-001/2026-9%04d", i), Title: "赤岗街道高龄老年人津贴发放情况",
				Link: "/zwgk/info/1/", Unit: u, Domains: []string{dom.Code}, Published: d.Now()})
			if err == nil && (now != 1000 || later != 1000) {
				err = fmt.Errorf("told %d now and %d later, want 1000 and 1000", now, later)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
