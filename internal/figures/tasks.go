package figures

import (
	"context"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/org"
	"gongkai/internal/task"
)

// Tasks is a unit's parts of the programme's tasks (任务清单, plan item 二十)
// due in a year.
type Tasks struct {
	// Assigned counts the parts given to the unit that fall due in the
	// year.
	Assigned int
	// Accepted counts those the office accepted; OnTime those of them the
	// unit reported by the due day (a report stops the clock), Late after.
	Accepted, OnTime, Late int
	// Reported counts those reported and waiting for the office.
	Reported int
	// Overdue counts those still to do past their due day on the day the
	// year is seen from; Open those still to do and not yet due.
	Overdue, Open int
}

// Map returns the figures by key.
func (t Tasks) Map() map[string]any {
	return map[string]any{"tasks_assigned": t.Assigned, "tasks_accepted": t.Accepted, "tasks_on_time": t.OnTime, "tasks_late": t.Late,
		"tasks_reported": t.Reported, "tasks_overdue": t.Overdue, "tasks_open": t.Open}
}

// TasksOf counts unit u's task parts for period p, as the task board
// counts them (task.Assignment.Overdue).
func TasksOf(ctx context.Context, q db.Querier, u org.Unit, p Period) (Tasks, error) {
	var t Tasks
	as, err := task.InScope(ctx, q, u, 0)
	if err != nil {
		return t, err
	}
	for _, a := range as {
		if a.Unit.ID != u.ID || a.Due.Year != p.Year {
			continue
		}
		t.Assigned++
		switch {
		case a.State == task.Accepted:
			t.Accepted++
			if calendar.DateOf(a.ReportedAt.In(calendar.China)).After(a.Due) {
				t.Late++
			} else {
				t.OnTime++
			}
		case a.State == task.Reported:
			t.Reported++
		case a.Overdue(p.AsOf):
			t.Overdue++
		default:
			t.Open++
		}
	}
	return t, nil
}
