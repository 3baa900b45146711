package foi

import (
	"context"
	"slices"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// Late is an application answered after its deadline, or still unanswered
// past it.
type Late struct {
	Application
	Deadline calendar.Date
}

// LateOn returns the applications to units in scope that, seen on day asOf,
// were answered after their deadline within the year before asOf, or were
// still unanswered after it. Imported applications are left out: their
// pauses and extensions were not carried over, so their deadlines are not
// known; so are those closed as abandoned, which have no reply to be late.
// A past asOf sees today's record of pauses and extensions.
func LateOn(ctx context.Context, q db.Querier, cal *calendar.Calendar, scope org.Unit, asOf calendar.Date) ([]Late, error) {
	yearAgo := asOf.AddDays(-365).String()
	ls, err := listed(ctx, q, `SELECT `+appCols+` FROM foi_applications a JOIN units u ON u.id = a.unit_id
		WHERE u.path LIKE ? AND a.imported = ? AND a.clock_start <> '' AND a.received_date <= ?
		AND (a.result = '' OR a.result_date > ? OR (a.result_date > ? AND a.result NOT IN (?, ?)))
		ORDER BY a.id`, scope.Path+"%", false, asOf.String(), asOf.String(), yearAgo, OtherNoCorrection, OtherNoFee)
	if err != nil {
		return nil, err
	}
	if err := attach(ctx, q, ls); err != nil {
		return nil, err
	}
	var out []Late
	for _, l := range ls {
		a := l.Application
		// A consultation left open past its 15 working days stops the clock
		// only for them.
		if k := len(a.Pauses) - 1; k >= 0 && a.Pauses[k].Open() && a.Pauses[k].Kind != FeePause && a.Pauses[k].Due < asOf.String() {
			a.Pauses = slices.Clone(a.Pauses)
			a.Pauses[k].To = a.Pauses[k].Due
		}
		d, ok, err := a.Deadline(cal)
		if err != nil || !ok {
			continue // waiting for the applicant or a consulted party
		}
		answered := a.Result != "" && a.ResultDate <= asOf.String()
		if (answered && a.ResultDate > d.String()) || (!answered && asOf.After(d)) {
			out = append(out, Late{Application: a, Deadline: d})
		}
	}
	return out, nil
}
