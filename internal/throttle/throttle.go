// Package throttle counts attempts per key in fixed windows, in the
// database: logins per account and per address, look-ups of an application
// per tracking number and address, anonymous submissions per address.
//
// Each count is one statement (INSERT … ON CONFLICT DO UPDATE … RETURNING),
// so parallel attempts each see a distinct count and none slips past a
// limit; the counts survive restarts and are shared by every instance. Rows
// are few (one per key) and old ones are pruned as new ones are counted, so
// a flood of keys cannot grow memory, and a key's own count is never
// cleared by other keys.
package throttle

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gongkai/internal/db"
)

// Rule is a limit: at most Max hits per key within Window.
type Rule struct {
	Max    int
	Window time.Duration
}

// Hit counts one attempt for key and reports whether it is within the rule
// (the count, including this attempt, is at most Max). The attempt is
// counted even when it is over the limit, so that hammering a locked key
// keeps it locked rather than queueing attempts for later.
func Hit(ctx context.Context, d *db.DB, key string, rule Rule) (bool, error) {
	return HitAll(ctx, d, Limit{Key: key, Rule: rule})
}

// Limit is a key with its rule.
type Limit struct {
	Key  string
	Rule Rule
}

// HitAll counts one attempt for each limit's key in one statement (an
// INSERT … ON CONFLICT DO UPDATE … RETURNING, whose window restarts once
// it has passed) and reports whether every count is within its rule. The rules must share
// their Window; the keys must differ.
func HitAll(ctx context.Context, d *db.DB, limits ...Limit) (bool, error) {
	if len(limits) == 0 {
		return true, nil
	}
	window := limits[0].Rule.Window
	max := map[string]int{}
	rows := make([]string, len(limits))
	args := make([]any, 0, 3*len(limits)+2)
	now := d.Now()
	for i, l := range limits {
		if l.Rule.Window != window {
			return false, fmt.Errorf("throttle: %s's window %v differs from %v", l.Key, l.Rule.Window, window)
		}
		if _, dup := max[l.Key]; dup {
			return false, fmt.Errorf("throttle: %s twice", l.Key)
		}
		max[l.Key] = l.Rule.Max
		rows[i] = "(?, ?, ?)"
		args = append(args, l.Key, 1, now)
	}
	expired := now.Add(-window)
	res, err := d.SQL.QueryContext(ctx, db.Rebind(d.Dialect, `INSERT INTO throttle (key, hits, window_start) VALUES `+strings.Join(rows, ", ")+`
		ON CONFLICT (key) DO UPDATE SET
			hits = CASE WHEN throttle.window_start <= ? THEN excluded.hits ELSE throttle.hits + excluded.hits END,
			window_start = CASE WHEN throttle.window_start <= ? THEN excluded.window_start ELSE throttle.window_start END
		RETURNING key, hits`), append(args, expired, expired)...)
	if err != nil {
		return false, fmt.Errorf("count throttle: %w", err)
	}
	defer res.Close()
	ok, n := true, 0
	for res.Next() {
		var key string
		var hits int
		if err := res.Scan(&key, &hits); err != nil {
			return false, err
		}
		ok = ok && hits <= max[key]
		n++
	}
	if err := res.Err(); err != nil {
		return false, fmt.Errorf("count throttle: %w", err)
	}
	if n != len(limits) {
		return false, fmt.Errorf("count throttle: %d of %d keys counted", n, len(limits))
	}
	if rand.IntN(200) == 0 {
		if _, err := d.SQL.ExecContext(ctx, db.Rebind(d.Dialect, "DELETE FROM throttle WHERE window_start < ?"), now.Add(-pruneAfter)); err != nil {
			return false, fmt.Errorf("prune throttle: %w", err)
		}
	}
	return ok, nil
}

// Undo takes back one attempt of each key, for an attempt that turned out
// to be legitimate (a right password from an address with other failures,
// a look-up that found what it looked for), in one statement.
func Undo(ctx context.Context, d *db.DB, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	in := strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ")
	_, err := d.SQL.ExecContext(ctx, db.Rebind(d.Dialect, "UPDATE throttle SET hits = hits - 1 WHERE key IN ("+in+") AND hits > 0"), args...)
	if err != nil {
		return fmt.Errorf("undo throttle %v: %w", keys, err)
	}
	return nil
}

// Reset forgets key's attempts (after a successful login).
func Reset(ctx context.Context, d *db.DB, key string) error {
	_, err := d.SQL.ExecContext(ctx, db.Rebind(d.Dialect, "DELETE FROM throttle WHERE key = ?"), key)
	if err != nil {
		return fmt.Errorf("reset throttle %s: %w", key, err)
	}
	return nil
}

// pruneAfter is how old a window must be before its row is deleted; longer
// than any rule's window.
const pruneAfter = 24 * time.Hour
