package figures

import (
	"context"
	"slices"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/foi"
	"gongkai/internal/org"
	"gongkai/internal/report"
)

// Applications is a unit's applications for disclosure (依申请公开) in a
// year: the counts of the annual report's tables 3 and 4, which are
// reused as the report computes them, and the replies measured against
// their statutory deadlines (foi.LateOn).
type Applications struct {
	// Received, CarriedOver, Replied and CarriedForward are table 3's
	// rows 一、二、三（七）and 四, total column.
	Received, CarriedOver, Replied, CarriedForward int
	// Late counts the replies given in the year after their deadline;
	// Overdue the applications still unanswered past it on the day the
	// year is seen from; OnTime the year's replies less the late ones.
	// Imported applications, whose pauses and extensions were not carried
	// over, and those closed as abandoned count as on time.
	OnTime, Late, Overdue int
	// Reviews counts the administrative reviews (行政复议) filed in the
	// year against the unit's replies, Suits the lawsuits (行政诉讼, with or
	// without a review first), Lost those of both decided against the unit
	// (结果纠正).
	Reviews, Suits, Lost int
}

// Map returns the figures by key.
func (a Applications) Map() map[string]any {
	return map[string]any{"received": a.Received, "carried_over": a.CarriedOver, "replied": a.Replied, "carried_forward": a.CarriedForward,
		"replied_on_time": a.OnTime, "replied_late": a.Late, "overdue": a.Overdue, "reviews": a.Reviews, "suits": a.Suits, "lost": a.Lost}
}

// ApplicationsOf counts unit u's applications for period p, deadlines
// counted on cal. A unit that makes no annual report (report.Files) has
// none.
func ApplicationsOf(ctx context.Context, q db.Querier, cal *calendar.Calendar, u org.Unit, p Period) (Applications, error) {
	var a Applications
	if !report.Files(u) {
		return a, nil
	}
	r, err := report.Annual(ctx, q, u, p.Year)
	if err != nil {
		return a, err
	}
	total := len(report.Columns) - 1
	a.Received = r.Table3.Row(report.NewReceived)[total]
	a.CarriedOver = r.Table3.Row(report.CarriedOver)[total]
	a.Replied = r.Table3.Row(report.TotalProcessed)[total]
	a.CarriedForward = r.Table3.Row(report.CarriedForward)[total]
	last := len(report.Table4Columns) - 1
	corrected := slices.Index(foi.Outcomes, foi.Corrected)
	a.Reviews = r.Table4.Review[last]
	a.Suits = r.Table4.SuitDirect[last] + r.Table4.SuitAfterReview[last]
	a.Lost = r.Table4.Review[corrected] + r.Table4.SuitDirect[corrected] + r.Table4.SuitAfterReview[corrected]

	// LateOn looks back a year from the day it is given: a reply on 1
	// January of a leap year seen from 31 December falls just outside.
	late, err := foi.LateOn(ctx, q, cal, u, p.AsOf)
	if err != nil {
		return a, err
	}
	asOf := p.AsOf.String()
	for _, l := range late {
		if l.Unit.ID != u.ID {
			continue
		}
		if l.Result != "" && l.ResultDate <= asOf {
			if p.Has(l.ResultDate) {
				a.Late++
			}
			continue
		}
		a.Overdue++
	}
	a.OnTime = max(a.Replied-a.Late, 0)
	return a, nil
}
