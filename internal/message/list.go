package message

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/foi"
	"gongkai/internal/org"
	"gongkai/internal/screen"
)

// Filter selects messages for a list.
type Filter struct {
	Scope    org.Unit // the unit and those under it
	Status   string   // a status, "open" (open or in review), or empty for all
	Category string
	Q        string // part of the tracking number, title, content or writer's name
	Limit    int
	Offset   int
}

// Listed is a message in a list with how it stands against its due date.
type Listed struct {
	Message
	Urgency foi.Urgency
}

// like makes s a LIKE pattern matching it anywhere, with the wildcards in
// it escaped.
func like(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// List returns the messages in f's scope, newest first, with their urgency
// on day t, and the total matching.
func List(ctx context.Context, q db.Querier, cal *calendar.Calendar, f Filter, t calendar.Date) ([]Listed, int, error) {
	where := []string{`u.path LIKE ?`}
	args := []any{f.Scope.Path + "%"}
	switch {
	case f.Status == "open":
		where = append(where, `m.status IN (?, ?)`)
		args = append(args, StatusOpen, StatusReview)
	case f.Status != "":
		where = append(where, `m.status = ?`)
		args = append(args, f.Status)
	}
	if f.Category != "" {
		where = append(where, `m.category = ?`)
		args = append(args, f.Category)
	}
	if s := strings.TrimSpace(f.Q); s != "" {
		l := like(s)
		where = append(where, `(m.tracking_no LIKE ? ESCAPE '\' OR m.title LIKE ? ESCAPE '\' OR m.content LIKE ? ESCAPE '\' OR m.name LIKE ? ESCAPE '\')`)
		args = append(args, l, l, l, l)
	}
	from := ` FROM messages m JOIN units u ON u.id = m.unit_id WHERE ` + strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	out, err := listed(ctx, q, cal, t, `SELECT `+cols+from+` ORDER BY m.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	return out, total, err
}

// listed runs a query for messages and gives each its unit and urgency.
func listed(ctx context.Context, q db.Querier, cal *calendar.Calendar, t calendar.Date, query string, args ...any) ([]Listed, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []Listed
	for rows.Next() {
		m, err := scan(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, Listed{Message: m})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	units := make([]*org.Unit, 0, 2*len(out))
	for i := range out {
		units = append(units, &out[i].Unit, &out[i].FirstUnit)
	}
	if err := fillUnits(ctx, q, units); err != nil {
		return nil, err
	}
	for i := range out {
		// A date the calendar cannot count leaves the urgency unknown
		// rather than failing the list.
		out[i].Urgency, _ = out[i].UrgencyOn(cal, t)
	}
	return out, nil
}

// fillUnits replaces each unit, of which only the id is known, by the
// unit, from the directory read once.
func fillUnits(ctx context.Context, q db.Querier, units []*org.Unit) error {
	if len(units) == 0 {
		return nil
	}
	dir, err := org.LoadDirectory(ctx, q)
	if err != nil {
		return err
	}
	for _, u := range units {
		if *u, err = dir.ByID(u.ID); err != nil {
			return err
		}
	}
	return nil
}

// Urgent returns the open messages in scope due within foi.DueSoonDays
// working days or overdue on day t, the most urgent first.
func Urgent(ctx context.Context, q db.Querier, cal *calendar.Calendar, scope org.Unit, t calendar.Date) ([]Listed, error) {
	open, err := listed(ctx, q, cal, t, `SELECT `+cols+` FROM messages m JOIN units u ON u.id = m.unit_id WHERE u.path LIKE ? AND m.status IN (?, ?)`,
		scope.Path+"%", StatusOpen, StatusReview)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(open, func(l Listed) bool { return !l.Urgency.Overdue() && !l.Urgency.Soon() })
	slices.SortFunc(out, func(x, y Listed) int {
		return cmp.Or(cmp.Compare(x.Urgency.Left, y.Urgency.Left), cmp.Compare(x.ID, y.ID))
	})
	return out, nil
}

// Masked returns s with the personal data screen finds in it masked, as
// the public archive shows it.
func Masked(s string) string { return screen.Mask(s, screen.Text(s)) }

// Archived is a message of the public archive: masked, without its writer.
type Archived struct {
	TrackingNo string
	Unit       org.Unit
	Category   string
	Title      string
	Content    string
	Answer     string
	Asked      string // the day it came
	Answered   string
	DaysTaken  int // working days from the day it came to the answer
	Transfers  []Event
}

// ArchiveFilter selects the public archive's messages.
type ArchiveFilter struct {
	Unit     org.Unit // and those under it; the zero Unit for all
	Category string
	// Q is text to find in the title, the message or the answer, by a
	// plain LIKE over the stored text: the archive is small next to the
	// information records, which have the full-text index.
	Q      string
	Limit  int
	Offset int
}

const archived = ` FROM messages m JOIN units u ON u.id = m.unit_id WHERE m.status = ? AND m.public = ?`

// Archive returns the answered messages their writers let be public,
// most recently answered first, masked, and the total matching.
func Archive(ctx context.Context, q db.Querier, cal *calendar.Calendar, f ArchiveFilter) ([]Archived, int, error) {
	where, args := archived, []any{StatusAnswered, true}
	if f.Unit.ID != 0 {
		where += ` AND u.path LIKE ?`
		args = append(args, f.Unit.Path+"%")
	}
	if f.Category != "" {
		where += ` AND m.category = ?`
		args = append(args, f.Category)
	}
	if s := strings.TrimSpace(f.Q); s != "" {
		l := like(s)
		where += ` AND (m.title LIKE ? ESCAPE '\' OR m.content LIKE ? ESCAPE '\' OR m.answer LIKE ? ESCAPE '\')`
		args = append(args, l, l, l)
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	ls, err := listed(ctx, q, cal, calendar.Date{}, `SELECT `+cols+where+` ORDER BY m.answered_date DESC, m.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Archived, 0, len(ls))
	for _, l := range ls {
		out = append(out, toArchived(l.Message, cal))
	}
	return out, total, nil
}

func toArchived(m Message, cal *calendar.Calendar) Archived {
	a := Archived{TrackingNo: m.TrackingNo, Unit: m.Unit, Category: m.Category, Title: Masked(m.Title), Content: Masked(m.Content),
		Answer: Masked(m.Answer), Asked: m.StartDate, Answered: m.AnsweredOn, DaysTaken: m.DaysTaken(cal)}
	for _, e := range m.Events {
		if e.Kind == "transferred" {
			a.Transfers = append(a.Transfers, e)
		}
	}
	return a
}

// Published returns the message of the public archive with tracking number
// no; NotFound for one not answered or not public.
func Published(ctx context.Context, q db.Querier, cal *calendar.Calendar, no string) (Archived, error) {
	m, err := load(ctx, q, `m.tracking_no = ?`, strings.ToUpper(strings.TrimSpace(no)))
	if err != nil {
		return Archived{}, err
	}
	if m.Status != StatusAnswered || !m.Public {
		return Archived{}, errNotFound()
	}
	return toArchived(m, cal), nil
}
