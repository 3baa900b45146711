package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
)

// Head is a head of the chain (审计链头): one event's id and hash. Once a
// head is published and kept outside the database, the events up to it can
// no longer be removed or rewritten unseen: the event must still be there
// with the same hash, and its hash covers every event before it.
type Head struct {
	EventID int64     `json:"event_id"`
	Hash    string    `json:"hash"`
	EventAt time.Time `json:"event_at"`
	// PublishedAt is zero for a head that has not been published.
	PublishedAt time.Time `json:"published_at,omitzero"`
}

// ErrEmpty is returned when the audit log has no event, so there is no head.
var ErrEmpty = errs.New(errs.NotFound, "audit.empty")

// CurrentHead returns the newest event of the log as an unpublished head. It
// returns ErrEmpty if the log has no event.
func CurrentHead(ctx context.Context, q db.Querier) (Head, error) {
	var h Head
	err := q.QueryRow(ctx, "SELECT id, hash, at FROM audit_events ORDER BY id DESC LIMIT 1").Scan(&h.EventID, &h.Hash, &h.EventAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Head{}, ErrEmpty
	}
	if err != nil {
		return Head{}, fmt.Errorf("read audit chain head: %w", err)
	}
	h.EventAt = h.EventAt.In(calendar.China)
	return h, nil
}

// PublishHead verifies the log against its chain and the heads published
// before, then records the newest verified event as a published head. It
// returns the head and whether it is new: publishing a head that was already
// published adds nothing and returns the first publication. A log that fails
// verification is not published: the error is the result's Err. It returns
// ErrEmpty if the log has no event.
func PublishHead(ctx context.Context, d *db.DB) (Head, bool, error) {
	res, err := Verify(ctx, d)
	if err != nil {
		return Head{}, false, err
	}
	if !res.OK() {
		return Head{}, false, res.Err()
	}
	if res.Events == 0 {
		return Head{}, false, ErrEmpty
	}
	h := res.Last
	h.PublishedAt = d.Now()
	added := false
	err = d.InTx(ctx, func(tx *db.Tx) error {
		r, err := tx.Exec(ctx, `INSERT INTO audit_heads (event_id, hash, event_at, published_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (event_id) DO NOTHING`, h.EventID, h.Hash, h.EventAt, h.PublishedAt)
		if err != nil {
			return fmt.Errorf("publish audit head: %w", err)
		}
		n, err := r.RowsAffected()
		added = n == 1
		return err
	})
	if err != nil {
		return Head{}, false, err
	}
	if !added {
		// The first publication stands; report its time.
		err := d.QueryRow(ctx, "SELECT hash, published_at FROM audit_heads WHERE event_id = ?", h.EventID).Scan(&h.Hash, &h.PublishedAt)
		if err != nil {
			return Head{}, false, fmt.Errorf("read audit head: %w", err)
		}
	}
	h.EventAt, h.PublishedAt = h.EventAt.In(calendar.China), h.PublishedAt.In(calendar.China)
	return h, added, nil
}

// Heads returns every published head, oldest first.
func Heads(ctx context.Context, q db.Querier) ([]Head, error) {
	return readHeads(ctx, q, "SELECT event_id, hash, event_at, published_at FROM audit_heads ORDER BY event_id")
}

// LatestHeads returns up to n published heads, newest first; none if no head
// was published.
func LatestHeads(ctx context.Context, q db.Querier, n int) ([]Head, error) {
	return readHeads(ctx, q, "SELECT event_id, hash, event_at, published_at FROM audit_heads ORDER BY event_id DESC LIMIT ?", n)
}

func readHeads(ctx context.Context, q db.Querier, query string, args ...any) ([]Head, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit heads: %w", err)
	}
	defer rows.Close()
	var out []Head
	for rows.Next() {
		var h Head
		if err := rows.Scan(&h.EventID, &h.Hash, &h.EventAt, &h.PublishedAt); err != nil {
			return nil, fmt.Errorf("read audit head: %w", err)
		}
		h.EventAt, h.PublishedAt = h.EventAt.In(calendar.China), h.PublishedAt.In(calendar.China)
		out = append(out, h)
	}
	return out, rows.Err()
}
