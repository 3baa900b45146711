package inspect

import (
	"context"
	"fmt"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/participation"
)

// checkConsultationFeedback lists the consultations closed for more than
// the rule's working days ("days", counted on the calendar from the day
// after the last day of comments) without a published feedback report as
// of the run's day: one finding each, against the unit that consulted.
func checkConsultationFeedback(ctx context.Context, d *db.DB, run *Run, _ *inputs, r Rule) error {
	due, err := participation.FeedbackDue(ctx, d, run.Scope, run.asOf, run.end)
	if err != nil {
		return fmt.Errorf("load consultations: %w", err)
	}
	days := int(r.Params["days"])
	for _, c := range due {
		end, err := calendar.ParseDate(c.End)
		if err != nil {
			return fmt.Errorf("consultation %d: %w", c.ID, err)
		}
		by, err := run.cal.AddWorkdays(end, days)
		if err != nil {
			return err
		}
		if !run.asOf.After(by) {
			continue
		}
		run.add(r, r.Deduction, c.Unit.ID, say("inspect.f.consultation", c.ID, c.Title), say("inspect.f.feedback_by", by.String()),
			say("inspect.f.feedback_missing", c.End, run.asOf.String()))
	}
	return nil
}
