package foi

import (
	"context"
	"regexp"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/tracking"
)

// A tracking number is YSQ, the China date of submission and six random
// characters (see package tracking): the date tells a clerk when it came,
// and the rest cannot be guessed, so nobody can walk the numbers to lock
// other applicants' look-ups. Numbers given before 2026-12 end in a serial
// of five or more digits instead; they still open.
var trackingNo = tracking.Pattern("YSQ", `\d{5,10}`)

// reservedNo matches every number gongkai gives or gave, in any case; an
// imported number of that form could collide with one it gives.
var reservedNo = regexp.MustCompile(`(?i)^YSQ\d{8}[0-9A-Z]{5,}$`)

// WellFormedNo reports whether no (upper case, trimmed) has the form of a
// tracking number gongkai gives, so that a look-up of anything else is
// refused before it reaches the database or the look-up limits.
func WellFormedNo(no string) bool { return trackingNo.MatchString(no) }

// NormalizeNo trims a tracking number as typed and puts it in upper case.
func NormalizeNo(no string) string { return tracking.Normalize(no) }

// newTrackingNo returns a tracking number for an application submitted at
// now that no application has yet.
func newTrackingNo(ctx context.Context, tx *db.Tx, now time.Time) (string, error) {
	return tracking.New(ctx, tx, "YSQ", "foi_applications", now)
}
