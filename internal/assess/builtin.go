package assess

import (
	"context"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/figures"
	"gongkai/internal/org"
)

// Builtin returns the sources of the components this program holds the
// data of: inspection, tasks, applications, messages and catalogs. cal
// gives the working-day calendar in force. The source of interpretation
// is registered where the program is wired, once that capability exists;
// until then the component is left out of every unit's score.
//
// The formulas, each from the figures of the year (package figures):
//
//   - inspection: the mean of the unit's scores in the inspections saved
//     as of a day of the year; none: left out.
//   - tasks: parts accepted having been reported by their due day, out of
//     the parts due by the day the year is seen from that are accepted or
//     overdue (parts reported and waiting for the office are not judged
//     yet); none: left out.
//   - applications: replies on time out of the year's replies plus the
//     applications unanswered past their deadline, as a percentage, less
//     20 points for each review or suit decided against the unit (结果纠正),
//     at least 0; no reply, no overdue application and no appeal: left out.
//   - messages: messages answered by their due day out of those answered
//     plus those unanswered past their due day (dismissed ones and ones
//     still in time not counted); none: left out.
//   - catalogs: the share of the items of the unit's published catalogs
//     with information loaded; a district, its department, a town or a
//     street with no published catalog scores 0, any other unit without
//     one is left out.
func Builtin(cal func() *calendar.Calendar) Sources {
	return Sources{
		Inspection: inspectionScore,
		Tasks:      tasksScore,
		Applications: func(ctx context.Context, q db.Querier, u org.Unit, year int) (Measure, error) {
			return applicationsScore(ctx, q, cal(), u, year)
		},
		Messages: func(ctx context.Context, q db.Querier, u org.Unit, year int) (Measure, error) {
			return messagesScore(ctx, q, cal(), u, year)
		},
		Catalogs: catalogsScore,
	}
}

// LostPenalty is what each review or suit decided against the unit costs
// its applications score.
const LostPenalty = 20

// share is n of total as a score out of 100.
func share(n, total int) float64 { return float64(n) * 100 / float64(total) }

func inspectionScore(ctx context.Context, q db.Querier, u org.Unit, year int) (Measure, error) {
	f, err := figures.InspectionOf(ctx, q, u, figures.PeriodOf(q, year))
	if err != nil || f.Runs == 0 {
		return Measure{Figures: map[string]any{"runs": 0}}, err
	}
	return Measure{Score: f.Mean, Available: true, Figures: map[string]any{"runs": f.Runs, "mean_score": f.Mean}}, nil
}

func tasksScore(ctx context.Context, q db.Querier, u org.Unit, year int) (Measure, error) {
	t, err := figures.TasksOf(ctx, q, u, figures.PeriodOf(q, year))
	if err != nil {
		return Measure{}, err
	}
	judged := t.Accepted + t.Overdue
	m := Measure{Figures: map[string]any{"tasks_on_time": t.OnTime, "tasks_late": t.Late, "tasks_overdue": t.Overdue, "tasks_reported": t.Reported}}
	if judged > 0 {
		m.Score, m.Available = share(t.OnTime, judged), true
	}
	return m, nil
}

func applicationsScore(ctx context.Context, q db.Querier, cal *calendar.Calendar, u org.Unit, year int) (Measure, error) {
	a, err := figures.ApplicationsOf(ctx, q, cal, u, figures.PeriodOf(q, year))
	if err != nil {
		return Measure{}, err
	}
	m := Measure{Figures: map[string]any{"replied": a.Replied, "replied_on_time": a.OnTime, "overdue": a.Overdue, "lost": a.Lost}}
	judged := a.Replied + a.Overdue
	if judged == 0 && a.Reviews+a.Suits == 0 {
		return m, nil
	}
	timely := 100.0
	if judged > 0 {
		timely = share(a.OnTime, judged)
	}
	m.Score, m.Available = max(timely-LostPenalty*float64(a.Lost), 0), true
	return m, nil
}

func messagesScore(ctx context.Context, q db.Querier, cal *calendar.Calendar, u org.Unit, year int) (Measure, error) {
	f, err := figures.MessagesOf(ctx, q, cal, u, figures.PeriodOf(q, year))
	if err != nil {
		return Measure{}, err
	}
	m := Measure{Figures: map[string]any{"messages_on_time": f.OnTime, "messages_late": f.Late, "messages_overdue": f.Overdue}}
	if judged := f.Answered + f.Overdue; judged > 0 {
		m.Score, m.Available = share(f.OnTime, judged), true
	}
	return m, nil
}

func catalogsScore(ctx context.Context, q db.Querier, u org.Unit, year int) (Measure, error) {
	c, err := figures.CatalogsOf(ctx, q, u, figures.PeriodOf(q, year))
	if err != nil {
		return Measure{}, err
	}
	m := Measure{Figures: map[string]any{"catalogs_published": c.Published, "items": c.Items, "items_loaded": c.Loaded}}
	switch {
	case c.Published > 0 && c.Items > 0:
		m.Score, m.Available = share(c.Loaded, c.Items), true
	case c.Published > 0 || figures.KeepsCatalogs(u.Kind):
		m.Available = true // published without items, or none where one is due: 0
	}
	return m, nil
}
