package services

import (
	"context"
	"fmt"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// UnitSummary is one unit's year: its guides sampled by the spot checks and
// how they fared, and the complaints about its guides and what became of
// them.
type UnitSummary struct {
	Unit                                         org.Unit
	Sampled, Passed, Accurate, Complete, Current int
	Complaints, Transferred, Verified, Valid     int
	Rectified, Dismissed, Overdue                int
}

// Summary is the yearly report of service disclosure the office sends the
// city's disclosure office by 15 January (plan item 十五: 每年1月15日前将上年
// 群众对办事公开不准确、不完整、不及时更新等问题检举投诉的转办、核实、整改情况
// 报市政务公开办): the year's spot checks and complaints, unit by unit.
type Summary struct {
	Year  int
	Due   string // 15 January of the next year
	Scope org.Unit
	// AsOf is the day the summary was made; a step not taken by then is
	// late once its due day has passed.
	AsOf       calendar.Date
	Checks     []Check
	Complaints []Complaint
	Units      []UnitSummary
	Total      UnitSummary
	// ByKind counts the complaints of each kind.
	ByKind map[string]int
}

// YearSummary makes the summary of year for the units under scope, as of
// day asOf.
func YearSummary(ctx context.Context, q db.Querier, scope org.Unit, year int, asOf calendar.Date) (Summary, error) {
	s := Summary{Year: year, Due: fmt.Sprintf("%d-01-15", year+1), Scope: scope, AsOf: asOf, ByKind: map[string]int{}}
	heads, err := Checks(ctx, q, year)
	if err != nil {
		return s, err
	}
	idx := map[int64]int{}
	row := func(u org.Unit) *UnitSummary {
		i, ok := idx[u.ID]
		if !ok {
			i = len(s.Units)
			idx[u.ID] = i
			s.Units = append(s.Units, UnitSummary{Unit: u})
		}
		return &s.Units[i]
	}
	for _, h := range heads {
		c, err := CheckByID(ctx, q, h.ID)
		if err != nil {
			return s, err
		}
		if len(c.ItemsIn(scope)) == 0 {
			continue
		}
		s.Checks = append(s.Checks, c)
		for _, r := range c.Results(scope) {
			u := row(r.Unit)
			u.Sampled += r.Sampled
			u.Passed += r.Passed
			u.Accurate += r.Accurate
			u.Complete += r.Complete
			u.Current += r.Current
		}
	}
	if s.Complaints, err = ComplaintsIn(ctx, q, scope, year); err != nil {
		return s, err
	}
	for _, c := range s.Complaints {
		u := row(c.Unit)
		u.Complaints++
		s.ByKind[c.Kind]++
		for _, f := range []struct {
			ok bool
			n  *int
		}{{c.Transferred != "", &u.Transferred}, {c.Verified != "", &u.Verified}, {c.Valid, &u.Valid},
			{c.Rectified != "", &u.Rectified}, {c.Status == Dismissed, &u.Dismissed}, {c.Overdue(asOf), &u.Overdue}} {
			if f.ok {
				*f.n++
			}
		}
	}
	for _, u := range s.Units {
		t := &s.Total
		t.Sampled += u.Sampled
		t.Passed += u.Passed
		t.Accurate += u.Accurate
		t.Complete += u.Complete
		t.Current += u.Current
		t.Complaints += u.Complaints
		t.Transferred += u.Transferred
		t.Verified += u.Verified
		t.Valid += u.Valid
		t.Rectified += u.Rectified
		t.Dismissed += u.Dismissed
		t.Overdue += u.Overdue
	}
	return s, nil
}
