package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/riverqueue/river"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

type probeArgs struct {
	N int `json:"n"`
}

func (probeArgs) Kind() string { return "test_probe" }

func countJobs(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.SQL.QueryRow("SELECT count(*) FROM river_job WHERE kind = 'test_probe'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestEnqueueFollowsTheTransaction shows that a job enqueued in a
// transaction exists only if the transaction commits, and that a unique job
// is queued once however often it is asked for.
func TestEnqueueFollowsTheTransaction(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Enqueue(ctx, probeArgs{N: 1}, nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		if n := countJobs(t, d); n != 0 {
			t.Fatalf("after rollback: %d jobs, want 0", n)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Enqueue(ctx, probeArgs{N: 2}, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n := countJobs(t, d); n != 1 {
			t.Fatalf("after commit: %d jobs, want 1", n)
		}
		unique := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
		for range 3 {
			res, err := d.Enqueue(ctx, probeArgs{N: 3}, unique)
			if err != nil {
				t.Fatal(err)
			}
			_ = res
		}
		if n := countJobs(t, d); n != 2 {
			t.Fatalf("after three unique inserts: %d jobs, want 2", n)
		}
	})
}
