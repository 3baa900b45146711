package push

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// Guesses of an SMS code made in parallel each take one of the
// maxCodeTries: none is compared past the limit, so the right code,
// guessed after, is refused.
func TestCodeTriesHoldInParallel(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const phone = "13800138000"
		err := d.InTx(ctx, func(tx *db.Tx) error {
			sub := Subscription{Channel: SMS, Address: phone, Frequency: Immediate, Lang: i18n.Zh, State: statePending, token: "t", Created: tx.Now()}
			return insert(ctx, tx, &sub, hashSecret("246810"), tx.Now().Add(time.Hour), "")
		})
		if err != nil {
			t.Fatal(err)
		}
		// Every connection of the pool open first, so that the guesses
		// do run side by side rather than one after another on the first.
		var warm sync.WaitGroup
		conns := make(chan *sql.Conn, 8)
		for range 8 {
			warm.Go(func() {
				c, err := d.SQL.Conn(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				c.PingContext(ctx)
				conns <- c
			})
		}
		warm.Wait()
		close(conns)
		for c := range conns {
			c.Close()
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 60 {
			wg.Go(func() {
				<-start
				code := fmt.Sprintf("1000%02d", i)
				_, err := ConfirmCode(ctx, d, phone, code)
				if errs.KindOf(err) != errs.Invalid {
					t.Errorf("guess %s: %v", code, err)
				}
			})
		}
		close(start)
		wg.Wait()
		var tries int
		if err := d.QueryRow(ctx, `SELECT confirm_tries FROM push_subscriptions WHERE address = ?`, phone).Scan(&tries); err != nil || tries != maxCodeTries {
			t.Errorf("tries %d (%v), want %d", tries, err, maxCodeTries)
		}
		if _, err := ConfirmCode(ctx, d, phone, "246810"); errs.KindOf(err) != errs.Invalid {
			t.Errorf("the right code after the tries ran out: %v", err)
		}
	})
}
