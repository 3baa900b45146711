package figures

import (
	"context"
	"fmt"

	"gongkai/internal/db"
	"gongkai/internal/org"
	"gongkai/internal/push"
)

// Push is a unit's targeted push (定向推送, plan item 十六) in a year.
type Push struct {
	// Notices counts the targeted notices sent to the unit's subscribers
	// in the year; Recipients the subscribers they reached.
	Notices, Recipients int
	// Sent, Failed and Queued count their messages by state in the outbox
	// (push.Report of each notice).
	Sent, Failed, Queued int
	// Subscribers counts the active subscriptions that follow the unit
	// now.
	Subscribers int
}

// Map returns the figures by key.
func (f Push) Map() map[string]any {
	return map[string]any{"notices": f.Notices, "recipients": f.Recipients, "messages_sent": f.Sent, "messages_failed": f.Failed,
		"messages_queued": f.Queued, "subscribers": f.Subscribers}
}

// PushOf counts unit u's push for period p.
func PushOf(ctx context.Context, q db.Querier, u org.Unit, p Period) (Push, error) {
	var f Push
	rows, err := q.Query(ctx, `SELECT id, recipients FROM push_notices WHERE unit_id = ? AND created_at >= ? AND created_at < ?`, u.ID, p.Start, p.End)
	if err != nil {
		return f, fmt.Errorf("count notices: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return f, err
		}
		ids = append(ids, id)
		f.Recipients += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return f, err
	}
	f.Notices = len(ids)
	for _, id := range ids {
		counts, err := push.Report(ctx, q, id)
		if err != nil {
			return f, err
		}
		for _, c := range counts {
			switch c.State {
			case push.Sent:
				f.Sent += c.N
			case push.Failed:
				f.Failed += c.N
			case push.Queued:
				f.Queued += c.N
			}
		}
	}
	f.Subscribers, err = count(ctx, q, "subscribers", `SELECT COUNT(DISTINCT s.id) FROM push_subscriptions s JOIN push_filters f ON f.subscription_id = s.id
		WHERE s.state = 'active' AND f.dim = ? AND f.value = ?`, push.DimUnit, u.Code)
	return f, err
}
