package message

import (
	"context"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// Overdue is a valid message left unanswered for more than OverdueMonths.
type Overdue struct {
	TrackingNo string
	Unit       org.Unit
	Asked      string        // the day it came
	Since      calendar.Date // the last day it could be answered in time
}

// OverdueOn returns the messages to units in scope that, seen on day
// asOf, were valid and still unanswered more than OverdueMonths after they
// came: not dismissed, and not answered by the end of asOf. A message
// answered or dismissed after asOf counts, so an inspection of a past day
// sees that day.
func OverdueOn(ctx context.Context, q db.Querier, scope org.Unit, asOf calendar.Date) ([]Overdue, error) {
	// A message that came within the last OverdueMonths cannot be overdue;
	// the date bound keeps the scan to the older ones.
	bound := addMonths(asOf, -OverdueMonths).String()
	rows, err := q.Query(ctx, `SELECT m.tracking_no, m.unit_id, m.start_date, m.status, m.answered_date, m.updated_at FROM messages m JOIN units u ON u.id = m.unit_id
		WHERE u.path LIKE ? AND m.start_date <= ? AND (m.answered_date = '' OR m.answered_date > ?) ORDER BY m.id`, scope.Path+"%", bound, asOf.String())
	if err != nil {
		return nil, err
	}
	var out []Overdue
	for rows.Next() {
		var o Overdue
		var m Message
		if err := rows.Scan(&o.TrackingNo, &o.Unit.ID, &m.StartDate, &m.Status, &m.AnsweredOn, &m.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		// Dismissed on or before asOf: not a valid message.
		if m.Status == StatusInvalid && !calendar.DateOf(m.UpdatedAt.In(calendar.China)).After(asOf) {
			continue
		}
		m.Status = StatusOpen
		since, err := m.OverdueSince()
		if err != nil || !asOf.After(since) {
			continue
		}
		o.Asked, o.Since = m.StartDate, since
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	units := make([]*org.Unit, len(out))
	for i := range out {
		units[i] = &out[i].Unit
	}
	return out, fillUnits(ctx, q, units)
}
