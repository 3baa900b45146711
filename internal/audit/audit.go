// Package audit keeps gongkai's append-only, hash-chained log of changes.
//
// Every change is recorded by Append inside the transaction that makes it,
// so the log and the data can never disagree. Each event's hash covers its
// own fields and the previous event's hash; Verify recomputes the chain and
// names the first event that does not match.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gongkai/internal/db"
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
	Broken int64 // ID of the first event that breaks the chain, 0 if none
	Reason string
}

// OK reports whether the whole chain verified.
func (r Result) OK() bool { return r.Broken == 0 }

// Verify walks the log in order and recomputes every hash. It returns the
// first broken link: an event whose stored hash does not match its fields, or
// whose previous hash is not its predecessor's hash.
func Verify(ctx context.Context, d *db.DB) (Result, error) {
	rows, err := d.Query(ctx, "SELECT id, at, actor, action, object_type, object_id, detail, prev_hash, hash FROM audit_events ORDER BY id")
	if err != nil {
		return Result{}, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var res Result
	prev := genesis
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return res, fmt.Errorf("read audit event: %w", err)
		}
		res.Events++
		switch {
		case e.PrevHash != prev:
			res.Broken, res.Reason = e.ID, "previous-hash link does not match the event before it"
		case e.computeHash() != e.Hash:
			res.Broken, res.Reason = e.ID, "event content does not match its hash"
		}
		if res.Broken != 0 {
			return res, nil
		}
		prev = e.Hash
	}
	return res, rows.Err()
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
