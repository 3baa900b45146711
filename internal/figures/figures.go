// Package figures counts what one unit did in one calendar year in each
// capability of the programme — catalogs kept and loaded, information
// published, consultations and messages, targeted push, applications for
// disclosure, inspections and tasks — for the self-inspection report
// (自查报告), the yearly assessment (考核) and the domain supervision
// reports, which are written from the same numbers.
//
// Each count calls the capability's own functions where one gives what is
// needed (the annual report's tables, the clocks of messages and
// applications, the task breakdown), and reads the capability's tables
// only for plain counts no function gives.
package figures

import (
	"context"
	"fmt"
	"math"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
)

// Period is a calendar year in China as the figures count it.
type Period struct {
	Year int
	// From and To are the year's first and last days.
	From, To calendar.Date
	// AsOf is the day the year is seen from: its last day, or today
	// while the year runs. Work still open is overdue or not as of it.
	AsOf calendar.Date
	// Start and End are the instants the year begins and the next one
	// begins, in UTC as the databases keep instants.
	Start, End time.Time
}

// Of returns year as seen at instant now.
func Of(year int, now time.Time) Period {
	p := Period{Year: year, From: calendar.Date{Year: year, Month: time.January, Day: 1},
		To: calendar.Date{Year: year, Month: time.December, Day: 31}}
	p.Start = time.Date(year, time.January, 1, 0, 0, 0, 0, calendar.China).UTC()
	p.End = time.Date(year+1, time.January, 1, 0, 0, 0, 0, calendar.China).UTC()
	p.AsOf = p.To
	if today := calendar.DateOf(now.In(calendar.China)); today.Before(p.To) {
		p.AsOf = today
	}
	return p
}

// Has reports whether day, a date written YYYY-MM-DD, falls in the year;
// an empty or malformed day never does.
func (p Period) Has(day string) bool {
	d, err := calendar.ParseDate(day)
	return err == nil && !d.Before(p.From) && !d.After(p.To)
}

// Now returns the time of q: the clock of the transaction or database
// (which tests set), or the wall clock for any other querier.
func Now(q db.Querier) time.Time {
	if c, ok := q.(interface{ Now() time.Time }); ok {
		return c.Now()
	}
	return time.Now()
}

// PeriodOf returns year as seen from q's clock.
func PeriodOf(q db.Querier, year int) Period { return Of(year, Now(q)) }

// FirstYear is the first year reports are made for: the plan's
// (穗府办函〔2020〕53号).
const FirstYear = 2020

// ValidYear checks that year is one a report of a year's figures can be
// made for: from FirstYear to the current year in China, on q's clock.
func ValidYear(q db.Querier, year int) error {
	if last := Now(q).In(calendar.China).Year(); year < FirstYear || year > last {
		return errs.InvalidField("year", "figures.year_invalid", FirstYear, last)
	}
	return nil
}

// PercentText writes n of total as a percentage with one decimal: "80.0%".
func PercentText(n, total int) string { return fmt.Sprintf("%.1f%%", Percent(n, total)) }

// Percent returns n of total as a percentage with one decimal; 0 when
// total is 0.
func Percent(n, total int) float64 {
	if total <= 0 {
		return 0
	}
	return math.Round(float64(n)*1000/float64(total)) / 10
}

// count runs a query that returns one count.
func count(ctx context.Context, q db.Querier, what, query string, args ...any) (int, error) {
	var n int
	if err := q.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", what, err)
	}
	return n, nil
}
