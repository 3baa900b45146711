package throttle_test

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/throttle"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

func TestHitCountsInWindows(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
		d.SetClock(func() time.Time { return now })
		rule := throttle.Rule{Max: 3, Window: 10 * time.Minute}
		var got []bool
		for i := 0; i < 5; i++ {
			ok, err := throttle.Hit(ctx, d, "k", rule)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ok)
		}
		if want := []bool{true, true, true, false, false}; !slices.Equal(got, want) {
			t.Errorf("hits = %v, want %v", got, want)
		}
		if ok, _ := throttle.Hit(ctx, d, "other", rule); !ok {
			t.Error("another key is limited too")
		}
		// Within the window the lock holds; after it, counting starts again.
		now = now.Add(9 * time.Minute)
		if ok, _ := throttle.Hit(ctx, d, "k", rule); ok {
			t.Error("hit inside the window allowed")
		}
		now = now.Add(2 * time.Minute)
		if ok, _ := throttle.Hit(ctx, d, "k", rule); !ok {
			t.Error("hit after the window refused")
		}
		if err := throttle.Undo(ctx, d, "k"); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if ok, _ := throttle.Hit(ctx, d, "k", rule); !ok {
				t.Errorf("hit %d after Undo refused", i+1)
			}
		}
		if err := throttle.Reset(ctx, d, "k"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := throttle.Hit(ctx, d, "k", rule); !ok {
			t.Error("a hit after Reset refused")
		}
	})
}

// TestParallelHitsNeverPassTheLimit: each of many simultaneous hits gets a
// count of its own, so exactly Max are allowed.
func TestParallelHitsNeverPassTheLimit(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		rule := throttle.Rule{Max: 7, Window: time.Hour}
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed := 0
		for i := 0; i < 60; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := throttle.Hit(ctx, d, "race", rule)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if allowed != rule.Max {
			t.Errorf("%d of 60 parallel hits allowed, want %d", allowed, rule.Max)
		}
	})
}

// HitAll counts every key in one statement, each against its own limit,
// and Undo takes one attempt back from each.
func TestHitAllCountsEachKey(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
		d.SetClock(func() time.Time { return now })
		narrow := throttle.Limit{Key: "no|ip", Rule: throttle.Rule{Max: 2, Window: 10 * time.Minute}}
		wide := throttle.Limit{Key: "ip", Rule: throttle.Rule{Max: 3, Window: 10 * time.Minute}}
		var got []bool
		for range 3 {
			ok, err := throttle.HitAll(ctx, d, narrow, wide)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ok)
		}
		if want := []bool{true, true, false}; !slices.Equal(got, want) {
			t.Errorf("HitAll = %v, want %v (the narrow key passes its 2)", got, want)
		}
		// The wide key alone has had 3 of its 3: one more is over.
		if ok, _ := throttle.Hit(ctx, d, "ip", wide.Rule); ok {
			t.Error("the wide key's fourth hit allowed")
		}
		if err := throttle.Undo(ctx, d, "no|ip", "ip"); err != nil {
			t.Fatal(err)
		}
		if err := throttle.Undo(ctx, d, "no|ip", "ip"); err != nil {
			t.Fatal(err)
		}
		// Each key took back two: narrow 1 of 2, wide 2 of 3.
		if ok, err := throttle.HitAll(ctx, d, narrow, wide); err != nil || !ok {
			t.Errorf("after Undo: %v, %v", ok, err)
		}
		if ok, _ := throttle.HitAll(ctx, d, narrow, wide); ok {
			t.Error("past both limits again, still allowed")
		}
		bad := throttle.Limit{Key: "x", Rule: throttle.Rule{Max: 1, Window: time.Hour}}
		if _, err := throttle.HitAll(ctx, d, narrow, bad); err == nil {
			t.Error("rules with different windows counted together")
		}
		if _, err := throttle.HitAll(ctx, d, narrow, narrow); err == nil {
			t.Error("one key counted twice in one statement")
		}
	})
}
