package message

import (
	"context"
	"fmt"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/foi"
	"gongkai/internal/org"
)

// Due is the messages' foi.DueSource: the open messages in root's subtree
// due within foi.DueSoonDays working days or overdue on day today, for the
// daily reminders, which go to the staff of the message's unit (a message
// has no single handler).
func Due(ctx context.Context, q db.Querier, cal *calendar.Calendar, root org.Unit, today calendar.Date) ([]foi.Due, error) {
	urgent, err := Urgent(ctx, q, cal, root, today)
	if err != nil {
		return nil, err
	}
	out := make([]foi.Due, len(urgent))
	for i, l := range urgent {
		out[i] = foi.Due{Ref: fmt.Sprintf("message:%d", l.ID), Source: "message", ID: l.ID, TrackingNo: l.TrackingNo,
			Unit: l.Unit, Urgency: l.Urgency, Path: fmt.Sprintf("/admin/messages/%d", l.ID)}
	}
	return out, nil
}
