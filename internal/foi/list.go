package foi

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// Filter selects applications for a list.
type Filter struct {
	Scope  org.Unit // the unit and those under it
	Status string   // a status, "open", or empty for all
	Q      string   // part of the tracking number, applicant or description
	Year   int      // received (or submitted) in this year; 0 for any
	Limit  int
	Offset int
}

// Listed is an application in a list with what it waits for.
type Listed struct {
	Application
	Urgency Urgency
}

// List returns the applications in f's scope, newest first, with their
// urgency on day today, and the total matching.
func List(ctx context.Context, q db.Querier, cal *calendar.Calendar, f Filter, t calendar.Date) ([]Listed, int, error) {
	where := []string{`u.path LIKE ?`}
	args := []any{f.Scope.Path + "%"}
	switch {
	case f.Status == "open":
		where = append(where, `a.status NOT IN (?, ?)`)
		args = append(args, StatusReplied, StatusDelivered)
	case f.Status != "":
		where = append(where, `a.status = ?`)
		args = append(args, f.Status)
	}
	if s := strings.TrimSpace(f.Q); s != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
		where = append(where, `(a.tracking_no LIKE ? ESCAPE '\' OR a.applicant_name LIKE ? ESCAPE '\' OR a.description LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	if f.Year > 0 {
		where = append(where, `COALESCE(NULLIF(a.received_date, ''), '') LIKE ?`)
		args = append(args, strconv.Itoa(f.Year)+"-%")
	}
	from := ` FROM foi_applications a JOIN units u ON u.id = a.unit_id WHERE ` + strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := q.Query(ctx, `SELECT `+appCols+from+` ORDER BY a.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Listed
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, Listed{Application: a})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	return out, total, fill(ctx, q, cal, out, t)
}

// fill loads each listed application's unit and pauses and works out its
// urgency.
func fill(ctx context.Context, q db.Querier, cal *calendar.Calendar, ls []Listed, t calendar.Date) error {
	dir, err := org.LoadDirectory(ctx, q)
	if err != nil {
		return err
	}
	for i := range ls {
		if ls[i].Unit, err = dir.ByID(ls[i].Unit.ID); err != nil {
			return err
		}
		if Open(ls[i].Status) {
			if ls[i].Pauses, err = pausesOf(ctx, q, ls[i].ID); err != nil {
				return err
			}
			// A date the calendar cannot count (a year without data) leaves
			// the urgency unknown rather than failing the list.
			ls[i].Urgency, _ = ls[i].UrgencyOn(cal, t)
		}
	}
	return nil
}

// Urgent returns the open applications in scope whose dates are due within
// DueSoonDays working days or past, the most overdue first, then in the
// order they arrived.
func Urgent(ctx context.Context, q db.Querier, cal *calendar.Calendar, scope org.Unit, t calendar.Date) ([]Listed, error) {
	var out []Listed
	for offset := 0; ; offset += 500 {
		ls, total, err := List(ctx, q, cal, Filter{Scope: scope, Status: "open", Limit: 500, Offset: offset}, t)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			if l.Urgency.Overdue() || l.Urgency.Soon() {
				out = append(out, l)
			}
		}
		if offset+len(ls) >= total || len(ls) == 0 {
			break
		}
	}
	slices.SortFunc(out, func(x, y Listed) int {
		return cmp.Or(cmp.Compare(x.Urgency.Left, y.Urgency.Left), cmp.Compare(x.ID, y.ID))
	})
	return out, nil
}
