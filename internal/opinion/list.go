package opinion

import (
	"cmp"
	"context"
	"slices"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/foi"
	"gongkai/internal/org"
)

// Filter selects the items of the console's list.
type Filter struct {
	// Account is whose list it is: an office sees the items it manages and
	// those given to units in its subtree, a unit's staff those given to
	// units in theirs.
	Account auth.Account
	State   string
	Level   string
	// Unit, when set, keeps the items given to it or a unit under it.
	Unit   *org.Unit
	Limit  int
	Offset int
}

// partIn is the condition that an item has a part for a unit in a subtree.
const partIn = `EXISTS (SELECT 1 FROM opinion_assignments x JOIN units xu ON xu.id = x.unit_id WHERE x.item_id = i.id AND xu.path LIKE ?)`

// visible returns the condition on items (i, with its office o) that a
// sees, as Sees decides, and false when a sees none.
func visible(a auth.Account) (string, []any, bool) {
	switch {
	case IsOffice(a):
		return `(o.path LIKE ? OR ` + partIn + `)`, []any{a.Unit.Path + "%", a.Unit.Path + "%"}, true
	case takesPart(a):
		return partIn, []any{a.Unit.Path + "%"}, true
	}
	return "", nil, false
}

// List returns the items f's account sees, as it sees them, the most
// recently found first, and the total matching.
func List(ctx context.Context, q db.Querier, f Filter) ([]Item, int, error) {
	cond, args, ok := visible(f.Account)
	if !ok {
		return nil, 0, nil
	}
	where := ` FROM opinion_items i JOIN units o ON o.id = i.office_id WHERE ` + cond
	if f.State != "" {
		where += ` AND i.state = ?`
		args = append(args, f.State)
	}
	if f.Level != "" {
		where += ` AND i.level = ?`
		args = append(args, f.Level)
	}
	if f.Unit != nil {
		where += ` AND ` + partIn
		args = append(args, f.Unit.Path+"%")
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	items, err := queryItems(ctx, q, `SELECT `+itemCols+where+` ORDER BY i.found_at DESC, i.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	for i := range items {
		items[i] = items[i].For(f.Account)
	}
	return items, total, err
}

// DuePart is an open part with how it stands against its due date.
type DuePart struct {
	Item    Item // without its parts
	Part    Assignment
	Urgency foi.Urgency
}

// Urgent returns the open parts a sees that are due within
// foi.DueSoonDays working days or overdue on day t, the most urgent first.
func Urgent(ctx context.Context, q db.Querier, cal *calendar.Calendar, a auth.Account, t calendar.Date) ([]DuePart, error) {
	cond, args, ok := visible(a)
	if !ok {
		return nil, nil
	}
	items, err := queryItems(ctx, q, `SELECT `+itemCols+` FROM opinion_items i JOIN units o ON o.id = i.office_id WHERE i.state = ? AND `+cond,
		append([]any{Assigned}, args...)...)
	if err != nil {
		return nil, err
	}
	cal = cal.AssumeWeekends()
	var out []DuePart
	for _, it := range items {
		for _, p := range it.Parts {
			if !p.Open() || !SeesPart(a, it, p) {
				continue
			}
			u := UrgencyOn(cal, p, t)
			if u.Overdue() || u.Soon() {
				bare := it
				bare.Parts = nil
				out = append(out, DuePart{Item: bare, Part: p, Urgency: u})
			}
		}
	}
	slices.SortFunc(out, func(x, y DuePart) int {
		return cmp.Or(cmp.Compare(x.Urgency.Left, y.Urgency.Left), cmp.Compare(x.Part.ID, y.Part.ID))
	})
	return out, nil
}

// UrgencyOn says how open part p stands against its due date on day t; the
// zero Urgency for a part responded.
func UrgencyOn(cal *calendar.Calendar, p Assignment, t calendar.Date) foi.Urgency {
	if !p.Open() {
		return foi.Urgency{}
	}
	cal = cal.AssumeWeekends()
	// Within the years the calendar counts (loaded, or assumed as plain
	// weeks) the count cannot fail.
	n, _ := cal.WorkdaysBetween(t, p.Due)
	if p.Due.Before(t) {
		// Past a due date that fell before a weekend the count of working
		// days may still be 0: it is overdue all the same.
		n = min(n, -1)
	}
	return foi.Urgency{What: "response", Due: p.Due.String(), Left: n, Assumed: cal.Assumed(p.Due)}
}
