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
	out, err := listed(ctx, q, `SELECT `+appCols+from+` ORDER BY a.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, fill(ctx, q, cal, out, t)
}

// listed runs a query for applications.
func listed(ctx context.Context, q db.Querier, query string, args ...any) ([]Listed, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Listed
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, Listed{Application: a})
	}
	return out, rows.Err()
}

// fill loads each listed application's unit and pauses and works out the
// urgency of the open ones.
func fill(ctx context.Context, q db.Querier, cal *calendar.Calendar, ls []Listed, t calendar.Date) error {
	if err := attach(ctx, q, ls); err != nil {
		return err
	}
	for i := range ls {
		if Open(ls[i].Status) {
			// A date the calendar cannot count leaves the urgency unknown
			// rather than failing the list.
			ls[i].Urgency, _ = ls[i].UrgencyOn(cal, t)
		}
	}
	return nil
}

// attach gives each listed application its unit, from the directory read
// once, and its pauses, read 500 applications at a time.
func attach(ctx context.Context, q db.Querier, ls []Listed) error {
	dir, err := org.LoadDirectory(ctx, q)
	if err != nil {
		return err
	}
	ids := make([]int64, len(ls))
	for i := range ls {
		if ls[i].Unit, err = dir.ByID(ls[i].Unit.ID); err != nil {
			return err
		}
		ids[i] = ls[i].ID
	}
	pauses, err := pausesOfMany(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range ls {
		ls[i].Pauses = pauses[ls[i].ID]
	}
	return nil
}

// pausesOfMany returns the pauses of the applications ids, by application,
// reading them 500 at a time.
func pausesOfMany(ctx context.Context, q db.Querier, ids []int64) (map[int64][]Pause, error) {
	out := map[int64][]Pause{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		rows, err := q.Query(ctx, `SELECT application_id, seq, kind, party, from_date, due_date, to_date, note, outcome FROM foi_pauses
			WHERE application_id IN (?`+strings.Repeat(", ?", n-1)+`) ORDER BY application_id, seq`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var p Pause
			if err := rows.Scan(&id, &p.Seq, &p.Kind, &p.Party, &p.From, &p.Due, &p.To, &p.Note, &p.Outcome); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = append(out[id], p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Urgent returns the open applications in scope whose dates are due within
// DueSoonDays working days or past, the most overdue first, then in the
// order they arrived.
func Urgent(ctx context.Context, q db.Querier, cal *calendar.Calendar, scope org.Unit, t calendar.Date) ([]Listed, error) {
	// Only what a due list shows and the clocks need: a city may have
	// thousands of applications open.
	const from = ` FROM foi_applications a JOIN units u ON u.id = a.unit_id WHERE u.path LIKE ? AND a.status NOT IN (?, ?)`
	args := []any{scope.Path + "%", StatusReplied, StatusDelivered}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*)`+from, args...).Scan(&n); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT a.id, a.tracking_no, a.unit_id, a.applicant_name, a.channel, a.submitted_at, a.received_date, a.status, a.clock_start,
		a.correction_date, a.correction_due, a.corrected_date, a.extension_days, a.handler`+from, args...)
	if err != nil {
		return nil, err
	}
	open := make([]Listed, 0, n) // one allocation: an application is large
	for rows.Next() {
		var a Application
		if err := rows.Scan(&a.ID, &a.TrackingNo, &a.Unit.ID, &a.Applicant.Name, &a.Channel, &a.SubmittedAt, &a.ReceivedDate, &a.Status, &a.ClockStart,
			&a.Correction.Date, &a.Correction.Due, &a.Correction.Corrected, &a.Extension.Days, &a.Handler); err != nil {
			rows.Close()
			return nil, err
		}
		open = append(open, Listed{Application: a})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := fill(ctx, q, cal, open, t); err != nil {
		return nil, err
	}
	var out []Listed
	for _, l := range open {
		if l.Urgency.Overdue() || l.Urgency.Soon() {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(x, y Listed) int {
		return cmp.Or(cmp.Compare(x.Urgency.Left, y.Urgency.Left), cmp.Compare(x.ID, y.ID))
	})
	return out, nil
}
