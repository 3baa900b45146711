package task

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// Progress counts the parts of a group (a task, or the units under one
// district) by where they stand on a day.
type Progress struct {
	Key      string `json:"key"`  // task number or unit code
	Name     string `json:"name"` // task or unit name
	Total    int    `json:"total"`
	Accepted int    `json:"accepted"`
	Reported int    `json:"reported"`
	Open     int    `json:"open"`
	Overdue  int    `json:"overdue"` // open past their due date; counted in Open too
}

// Percent is the share of parts accepted, 0 to 100.
func (p Progress) Percent() int {
	if p.Total == 0 {
		return 0
	}
	return p.Accepted * 100 / p.Total
}

func (p *Progress) add(a Assignment, today calendar.Date) {
	p.Total++
	switch {
	case a.State == Accepted:
		p.Accepted++
	case a.State == Reported:
		p.Reported++
	default:
		p.Open++
		if a.Overdue(today) {
			p.Overdue++
		}
	}
}

// ByTask counts as per task, in the plan's order, for the tasks with parts.
func ByTask(as []Assignment, today calendar.Date) []Progress {
	var out []Progress
	idx := map[int]int{}
	for _, a := range as {
		i, ok := idx[a.TaskNo]
		if !ok {
			t, _ := ByNo(a.TaskNo)
			i = len(out)
			idx[a.TaskNo] = i
			out = append(out, Progress{Key: itoa(a.TaskNo), Name: t.Task})
		}
		out[i].add(a, today)
	}
	return out
}

// ByChild counts as per unit directly under scope (for the city office:
// per district and city department), each part under the child whose
// subtree holds its unit; parts of scope itself count under it.
func ByChild(ctx context.Context, q db.Querier, scope org.Unit, as []Assignment, today calendar.Date) ([]Progress, error) {
	children, err := org.Children(ctx, q, scope.ID)
	if err != nil {
		return nil, err
	}
	groups := append([]org.Unit{scope}, children...)
	out := make([]Progress, len(groups))
	for i, g := range groups {
		out[i] = Progress{Key: g.Code, Name: g.Name}
	}
	for _, a := range as {
		best := -1
		for i, g := range groups {
			if g.Contains(a.Unit) && (best < 0 || len(g.Path) > len(groups[best].Path)) {
				best = i
			}
		}
		if best >= 0 {
			out[best].add(a, today)
		}
	}
	var kept []Progress
	for _, p := range out {
		if p.Total > 0 {
			kept = append(kept, p)
		}
	}
	return kept, nil
}

// OverdueOf returns the parts of as open past their due date on today,
// the longest overdue first.
func OverdueOf(as []Assignment, today calendar.Date) []Assignment {
	var out []Assignment
	for _, a := range as {
		if a.Overdue(today) {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y Assignment) int { return cmp.Compare(x.Due.String(), y.Due.String()) })
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
