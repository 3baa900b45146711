// Package idempotency keeps the first answer to each Idempotency-Key an API
// client sends, so that a request sent again — after a timeout, a dropped
// connection, a retry by a queue — gets that answer instead of doing the
// work twice. It follows the IETF draft "The Idempotency-Key HTTP Header
// Field" (draft-ietf-httpapi-idempotency-key-header): a key is the
// client's, scoped here to its API token; a key sent again with another
// request is refused (422), not replayed.
//
// An answer is saved in the transaction of the work it answers, so the two
// are written together or not at all: a request that failed changed
// nothing and saved nothing, and may be sent again with the same key. When
// two requests with one key race, the second one's transaction fails on
// the key's primary key, rolls its work back, and replays the first one's
// answer.
package idempotency

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/errs"
)

// Keep is how long an answer is kept; a key sent again later is new.
const Keep = 24 * time.Hour

// MaxKey bounds a key's length.
const MaxKey = 255

// Answer is a response as it was first given.
type Answer struct {
	Status int
	Body   []byte
}

// CheckKey checks a key: 1 to MaxKey visible ASCII characters. It returns
// an Invalid error on field "Idempotency-Key".
func CheckKey(key string) error {
	if key == "" || len(key) > MaxKey {
		return errs.InvalidField("Idempotency-Key", "idempotency.bad_key", MaxKey)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return errs.InvalidField("Idempotency-Key", "idempotency.bad_key", MaxKey)
		}
	}
	return nil
}

// Fingerprint identifies a request: its method, path and body.
func Fingerprint(method, path string, body []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", method, path)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Lookup returns the answer kept for a token's key and reports whether
// there is one. A key kept for another request (another fingerprint) is an
// Unprocessable error.
func Lookup(ctx context.Context, q db.Querier, now time.Time, tokenID int64, key, fingerprint string) (Answer, bool, error) {
	var a Answer
	var fp, body string
	err := q.QueryRow(ctx, `SELECT fingerprint, status, body FROM api_idempotency WHERE token_id = ? AND key = ? AND created_at > ?`,
		tokenID, key, now.Add(-Keep)).Scan(&fp, &a.Status, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return Answer{}, false, nil
	}
	if err != nil {
		return Answer{}, false, fmt.Errorf("look up idempotency key: %w", err)
	}
	if fp != fingerprint {
		return Answer{}, false, errs.New(errs.Unprocessable, "idempotency.key_reused")
	}
	a.Body = []byte(body)
	return a, true, nil
}

// Claim makes tx the one request working on a token's key: on PostgreSQL
// it takes a transaction lock on the key, so a request racing with the
// same key waits here until the first commits (SQLite's transactions take
// the write lock when they begin, so they wait at BEGIN). It returns
// ErrRace if the key has an answer by then: roll back and Lookup it. Call
// it first in the transaction, before the work, so that racing requests
// never both do the work (both would take the same index number, say).
func Claim(ctx context.Context, tx *db.Tx, tokenID int64, key string) error {
	if tx.Dialect() == db.Postgres {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(?, ?))`, key, tokenID); err != nil {
			return fmt.Errorf("lock idempotency key: %w", err)
		}
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM api_idempotency WHERE token_id = ? AND key = ? AND created_at > ?`,
		tokenID, key, tx.Now().Add(-Keep)).Scan(&n); err != nil {
		return fmt.Errorf("look up idempotency key: %w", err)
	}
	if n > 0 {
		return ErrRace
	}
	return nil
}

// ErrRace is what Save returns when another request saved an answer for
// the key first: roll back and Lookup that answer.
var ErrRace = errs.New(errs.Conflict, "idempotency.in_progress")

// Save keeps the answer to a token's key in tx, forgetting the token's
// answers older than Keep. It returns ErrRace if the key has an answer.
func Save(ctx context.Context, tx *db.Tx, tokenID int64, key, fingerprint string, a Answer) error {
	if _, err := tx.Exec(ctx, `DELETE FROM api_idempotency WHERE token_id = ? AND created_at <= ?`, tokenID, tx.Now().Add(-Keep)); err != nil {
		return fmt.Errorf("forget old idempotency keys: %w", err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO api_idempotency (token_id, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		tokenID, key, fingerprint, a.Status, string(a.Body), tx.Now())
	if db.IsUniqueViolation(err) {
		return ErrRace
	}
	if err != nil {
		return fmt.Errorf("save idempotency key: %w", err)
	}
	return nil
}
