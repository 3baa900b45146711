// Package tracking gives the numbers and query codes by which a member of
// the public follows what they sent (an application for disclosure, a
// message): a number of a prefix, the China date and random characters,
// unguessable so that nobody can walk the numbers to lock other people's
// look-ups, and a query code kept only as a hash.
package tracking

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
)

// Alphabet leaves out 0, 1, I and O, which readers confuse.
const Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// randomChars returns n characters of Alphabet (5 bits each).
func randomChars(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = Alphabet[int(b[i])%len(Alphabet)]
	}
	return string(b)
}

// NewCode returns an 8-character query code (40 bits).
func NewCode() string { return randomChars(8) }

// HashCode returns the hash a query code is kept as; case and spaces
// around it do not matter.
func HashCode(code string) string {
	sum := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(code))))
	return hex.EncodeToString(sum[:])
}

// CodeMatches reports whether code is the one hash was made from, in
// constant time. An empty hash matches nothing.
func CodeMatches(hash, code string) bool {
	return hash != "" && subtle.ConstantTimeCompare([]byte(hash), []byte(HashCode(code))) == 1
}

// Normalize trims a number as typed and puts it in upper case.
func Normalize(no string) string { return strings.ToUpper(strings.TrimSpace(no)) }

// Pattern returns the form of the numbers New gives with prefix: the
// prefix, eight digits of the date and six characters of Alphabet (30
// bits). older, when not empty, is another form still accepted after the
// date (numbers given before the random scheme).
func Pattern(prefix, older string) *regexp.Regexp {
	rest := `[` + Alphabet + `]{6}`
	if older != "" {
		rest = `(` + older + `|` + rest + `)`
	}
	return regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `\d{8}` + rest + `$`)
}

// New returns a number with prefix for something submitted at now that no
// row of table has yet in its tracking_no column. table is the caller's
// constant, never input.
func New(ctx context.Context, tx *db.Tx, prefix, table string, now time.Time) (string, error) {
	for range 8 {
		no := prefix + now.In(calendar.China).Format("20060102") + randomChars(6)
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE tracking_no = ?`, no).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return no, nil
		}
	}
	return "", fmt.Errorf("no free tracking number after 8 tries")
}

// Find returns the id of the row of table whose tracking_no is no and
// whose query_hash is code's; ok is false for a wrong number and a wrong
// code alike, so that a caller cannot tell them apart. table is the
// caller's constant, never input.
func Find(ctx context.Context, q db.Querier, table, no, code string) (id int64, ok bool, err error) {
	var hash string
	err = q.QueryRow(ctx, `SELECT id, query_hash FROM `+table+` WHERE tracking_no = ?`, no).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return id, CodeMatches(hash, code), nil
}
