// Package audit keeps gongkai's append-only, hash-chained log of changes.
//
// Every change is recorded by Append inside the transaction that makes it,
// so the log and the data can never disagree. Each event's hash covers its
// own fields and the previous event's hash; Verify recomputes the chain and
// names the first event that does not match. The chain alone cannot show
// that its newest events were deleted, or that an intruder rewrote an event
// and recomputed every hash after it; so the head of the chain is published
// every day (head.go), kept outside the database, and Verify checks the log
// against every published head.
package audit

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
)

// Event is one recorded change.
type Event struct {
	ID         int64
	At         time.Time
	Actor      string // login of the account, or "cli", "system"
	Action     string // e.g. "unit.create"
	ObjectType string
	ObjectID   string
	Detail     string // JSON object
	PrevHash   string
	Hash       string
}

// genesis is the previous hash of the first event.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// lockKey serializes appends on PostgreSQL; SQLite transactions already hold
// the database's single write lock.
const lockKey = 7271100

// Append records a change in tx. detail is marshalled to JSON; pass nil for
// none.
func Append(ctx context.Context, tx *db.Tx, actor, action, objectType, objectID string, detail any) error {
	js := []byte("{}")
	if detail != nil {
		var err error
		if js, err = json.Marshal(detail); err != nil {
			return fmt.Errorf("audit detail: %w", err)
		}
	}
	if tx.Dialect() == db.Postgres {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", lockKey); err != nil {
			return fmt.Errorf("audit lock: %w", err)
		}
	}
	prev := genesis
	err := tx.QueryRow(ctx, "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1").Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit read chain head: %w", err)
	}
	e := Event{At: tx.Now(), Actor: actor, Action: action, ObjectType: objectType, ObjectID: objectID, Detail: string(js), PrevHash: prev}
	e.Hash = e.computeHash()
	_, err = tx.Exec(ctx, `INSERT INTO audit_events (at, actor, action, object_type, object_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.At, e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Detail, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	return nil
}

// computeHash hashes the event's fields and its predecessor's hash. The
// fields are encoded as a JSON array so that no two events share an encoding.
func (e Event) computeHash() string {
	b, _ := json.Marshal([]string{e.PrevHash, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Detail})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Result is the outcome of Verify.
type Result struct {
	Events int   // events checked
	Heads  int   // published heads checked
	Broken int64 // ID of the first event that breaks the chain or a published head, 0 if none
	// Reason is the message key saying how the chain is broken.
	Reason errs.Msg
	// Head is the published head the log no longer matches, when that is
	// the break.
	Head *Head
	// Last is the newest event checked, as an unpublished head.
	Last Head
}

// Why the chain is broken.
const (
	reasonLink         errs.Msg = "audit.reason.link"
	reasonContent      errs.Msg = "audit.reason.content"
	reasonHeadMissing  errs.Msg = "audit.reason.head_missing"
	reasonHeadMismatch errs.Msg = "audit.reason.head_mismatch"
)

// OK reports whether the whole chain verified.
func (r Result) OK() bool { return r.Broken == 0 }

// Err returns the user-facing error a broken result stands for, naming the
// event, or the published head with its time and hash; nil if the chain
// verified.
func (r Result) Err() error {
	switch {
	case r.OK():
		return nil
	case r.Head != nil && r.Head.PublishedAt.IsZero():
		return errs.New(errs.Internal, "audit.archived_head_broken", r.Head.EventID, r.Head.Hash, r.Reason)
	case r.Head != nil:
		return errs.New(errs.Internal, "audit.head_broken", r.Head.PublishedAt.In(calendar.China).Format("2006-01-02 15:04"), r.Head.EventID, r.Head.Hash, r.Reason)
	}
	return errs.New(errs.Internal, "audit.broken", r.Broken, r.Reason)
}

// Verify walks the log in order, recomputes every hash and checks the log
// against every published head. It returns the first break: an event whose
// stored hash does not match its fields, or whose previous hash is not its
// predecessor's hash; or a published head whose event is gone (the log was
// truncated below it) or has another hash (events up to it were rewritten
// and re-chained). Events after the newest published head are protected by
// the chain alone. archived are heads kept outside the database (PublishedAt
// zero if unknown), checked like the published ones, since an intruder who
// can rewrite the log can also rewrite the table of published heads.
func Verify(ctx context.Context, d *db.DB, archived ...Head) (Result, error) {
	// Heads are read first: every head read names an event already written.
	heads, err := Heads(ctx, d)
	if err != nil {
		return Result{}, err
	}
	heads = append(heads, archived...)
	slices.SortStableFunc(heads, func(a, b Head) int { return cmp.Compare(a.EventID, b.EventID) })
	rows, err := d.Query(ctx, "SELECT id, at, actor, action, object_type, object_id, detail, prev_hash, hash FROM audit_events ORDER BY id")
	if err != nil {
		return Result{}, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var res Result
	headBroken := func(i int, reason errs.Msg) (Result, error) {
		res.Broken, res.Reason, res.Head = heads[i].EventID, reason, &heads[i]
		return res, nil
	}
	prev := genesis
	next := 0 // the first published head not yet reached
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return res, fmt.Errorf("read audit event: %w", err)
		}
		res.Events++
		switch {
		case e.PrevHash != prev:
			res.Broken, res.Reason = e.ID, reasonLink
		case e.computeHash() != e.Hash:
			res.Broken, res.Reason = e.ID, reasonContent
		}
		if res.Broken != 0 {
			return res, nil
		}
		if next < len(heads) && heads[next].EventID < e.ID {
			return headBroken(next, reasonHeadMissing)
		}
		for ; next < len(heads) && heads[next].EventID == e.ID; next++ {
			if heads[next].Hash != e.Hash {
				return headBroken(next, reasonHeadMismatch)
			}
			res.Heads++
		}
		prev = e.Hash
		res.Last = Head{EventID: e.ID, Hash: e.Hash, EventAt: e.At}
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	if next < len(heads) {
		// The log ends before a published head: it was truncated.
		return headBroken(next, reasonHeadMissing)
	}
	return res, nil
}

// Recent returns up to limit events, newest first, optionally only those of
// one object type and ID.
func Recent(ctx context.Context, d *db.DB, objectType, objectID string, limit int) ([]Event, error) {
	q := "SELECT id, at, actor, action, object_type, object_id, detail, prev_hash, hash FROM audit_events"
	var args []any
	if objectType != "" {
		q += " WHERE object_type = ? AND object_id = ?"
		args = append(args, objectType, objectID)
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit)
	rows, err := d.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Count returns the number of events in the log.
func Count(ctx context.Context, d *db.DB) (int, error) {
	var n int
	err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_events").Scan(&n)
	return n, err
}
