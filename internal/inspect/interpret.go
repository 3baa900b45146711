package inspect

import (
	"context"
	"fmt"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/interpret"
)

// checkInterpretationSync lists the policies marked as needing
// interpretation (需解读) and published in the year before the run's day
// whose first interpretation was not published within the rule's working
// days ("days", counted on the calendar from the policy's day; 0 is the
// same day, 三同步): late, or missing once that day has passed. One
// finding each, against the policy's unit; a reviewer's reason to publish
// the policy alone does not excuse it, it explains it.
func checkInterpretationSync(ctx context.Context, d *db.DB, run *Run, _ *inputs, r Rule) error {
	since := run.end.AddDate(-1, 0, 0)
	ps, err := interpret.SyncedIn(ctx, d, run.Scope, since, run.end)
	if err != nil {
		return fmt.Errorf("load policies to interpret: %w", err)
	}
	days := int(r.Params["days"])
	for _, p := range ps {
		published := calendar.DateOf(p.PublishedAt.In(calendar.China))
		by, err := run.cal.AddWorkdays(published, days)
		if err != nil {
			return err
		}
		target := say("inspect.f.policy", p.Policy.IndexNo, p.Policy.Title)
		switch {
		case p.First.IsZero() && run.asOf.After(by):
			run.add(r, r.Deduction, p.Policy.Unit.ID, target, say("inspect.f.interpret_by", by.String()),
				say("inspect.f.interpret_missing", published.String(), run.asOf.String()))
		case !p.First.IsZero():
			first := calendar.DateOf(p.First.In(calendar.China))
			if first.After(by) {
				run.add(r, r.Deduction, p.Policy.Unit.ID, target, say("inspect.f.interpret_by", by.String()),
					say("inspect.f.interpret_late", published.String(), first.String()))
			}
		}
	}
	return nil
}
