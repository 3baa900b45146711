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
	n, err := add(ctx, d, key, rule, 1)
	if err != nil {
		return false, err
	}
	return n <= rule.Max, nil
}

// Undo takes back one attempt of key, for an attempt that turned out to be
// legitimate (a right password from an address with other failures).
func Undo(ctx context.Context, d *db.DB, key string) error {
	_, err := d.SQL.ExecContext(ctx, db.Rebind(d.Dialect, "UPDATE throttle SET hits = hits - 1 WHERE key = ? AND hits > 0"), key)
	if err != nil {
		return fmt.Errorf("undo throttle %s: %w", key, err)
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

// add counts n attempts for key and returns the count in the key's current
// window. It writes outside any transaction of the caller's: an attempt is
// counted even if the caller's work then fails, and the write does not mark
// the site's pages as changed.
func add(ctx context.Context, d *db.DB, key string, rule Rule, n int) (int, error) {
	now := d.Now()
	expired := now.Add(-rule.Window)
	var hits int
	err := d.SQL.QueryRowContext(ctx, db.Rebind(d.Dialect, `INSERT INTO throttle (key, hits, window_start) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET
			hits = CASE WHEN throttle.window_start <= ? THEN excluded.hits ELSE throttle.hits + excluded.hits END,
			window_start = CASE WHEN throttle.window_start <= ? THEN excluded.window_start ELSE throttle.window_start END
		RETURNING hits`), key, n, now, expired, expired).Scan(&hits)
	if err != nil {
		return 0, fmt.Errorf("count throttle %s: %w", key, err)
	}
	if rand.IntN(200) == 0 {
		if _, err := d.SQL.ExecContext(ctx, db.Rebind(d.Dialect, "DELETE FROM throttle WHERE window_start < ?"), now.Add(-pruneAfter)); err != nil {
			return 0, fmt.Errorf("prune throttle: %w", err)
		}
	}
	return hits, nil
}
