package push_test

import (
	"context"
	"testing"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/push"
)

// A period's digest is sent once to each subscriber, however often it is
// asked for: the queue forgets finished jobs after a day, and a weekly
// period lasts seven. Records published later wait for the next period.
func TestDigestOncePerPeriod(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		w.subscribe("weekly", push.Request{Domains: []string{w.dom}, Frequency: push.Weekly}, "active")
		waiting := func(ref string) {
			t.Helper()
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO push_digest_items (subscription_id, reference, title, link, unit_name, published_at) VALUES (?, ?, ?, ?, ?, ?)`,
					w.ids["weekly"], ref, "养老服务补贴发放办法"+ref, "/zwgk/info/"+ref+"/", "海珠区民政局", time.Now())
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		send := func(period string) int {
			t.Helper()
			n, err := push.SendDigests(ctx, d, push.Weekly, period)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		waiting("1")
		if n := send("2026-W25"); n != 1 {
			t.Fatalf("W25: %d digests, want 1", n)
		}
		// Tuesday: the W25 job was forgotten and is asked for again.
		waiting("2")
		if n := send("2026-W25"); n != 0 {
			t.Errorf("W25 asked again: %d more digests, want 0", n)
		}
		if got := w.recipients(push.KindDigest); len(got) != 1 {
			t.Errorf("digests in the outbox: %v", got)
		}
		if n := send("2026-W26"); n != 1 {
			t.Errorf("W26: %d digests, want 1 (with the record that waited)", n)
		}
	})
}
