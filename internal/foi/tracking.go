package foi

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
)

// A tracking number is YSQ, the China date of submission and six random
// characters of codeAlphabet (30 bits): the date tells a clerk when it came,
// and the rest cannot be guessed, so nobody can walk the numbers to lock
// other applicants' look-ups. Numbers given before 2026-12 end in a serial
// of five or more digits instead; they still open.
var trackingNo = regexp.MustCompile(`^YSQ\d{8}(\d{5,10}|[` + codeAlphabet + `]{6})$`)

// reservedNo matches every number gongkai gives or gave, in any case; an
// imported number of that form could collide with one it gives.
var reservedNo = regexp.MustCompile(`(?i)^YSQ\d{8}[0-9A-Z]{5,}$`)

// WellFormedNo reports whether no (upper case, trimmed) has the form of a
// tracking number gongkai gives, so that a look-up of anything else is
// refused before it reaches the database or the look-up limits.
func WellFormedNo(no string) bool { return trackingNo.MatchString(no) }

// NormalizeNo trims a tracking number as typed and puts it in upper case.
func NormalizeNo(no string) string { return strings.ToUpper(strings.TrimSpace(no)) }

// newTrackingNo returns a tracking number for an application submitted at
// now that no application has yet.
func newTrackingNo(ctx context.Context, tx *db.Tx, now time.Time) (string, error) {
	for range 8 {
		b := make([]byte, 6)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		for i := range b {
			b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
		}
		no := "YSQ" + now.In(calendar.China).Format("20060102") + string(b)
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM foi_applications WHERE tracking_no = ?`, no).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return no, nil
		}
	}
	return "", fmt.Errorf("no free tracking number after 8 tries")
}
