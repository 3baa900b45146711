package opinion

import (
	"context"
	"fmt"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/foi"
	"gongkai/internal/org"
)

// Due is the public-opinion parts' foi.DueSource for the daily reminders
// (foi.Daily): the open parts of open items given to units in root's
// subtree, due within foi.DueSoonDays working days or overdue on day
// today. They go to the staff of the part's unit with the applications
// and messages due for them, in one message a day; an overdue part is
// reminded every day until it is answered.
func Due(ctx context.Context, q db.Querier, cal *calendar.Calendar, root org.Unit, today calendar.Date) ([]foi.Due, error) {
	items, err := queryItems(ctx, q, `SELECT `+itemCols+` FROM opinion_items i WHERE i.state = ? AND `+partIn, Assigned, root.Path+"%")
	if err != nil {
		return nil, err
	}
	var out []foi.Due
	for _, it := range items {
		for _, p := range it.Parts {
			if !p.Open() || !root.Contains(p.Unit) {
				continue
			}
			if u := UrgencyOn(cal, p, today); u.Overdue() || u.Soon() {
				out = append(out, foi.Due{Ref: fmt.Sprintf("opinion:%d", p.ID), Source: "opinion", ID: p.ID, TrackingNo: it.Title,
					Unit: p.Unit, Urgency: u, Path: itemPath(it.ID)})
			}
		}
	}
	return out, nil
}
