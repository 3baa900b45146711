package opinion

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
)

// Input is what an office types to register an item.
type Input struct {
	Title   string
	Source  string
	Level   string
	Summary string
	Policy  string // the related record's number (its id), optional
	Project string
	// Found is when the item was found, China time: YYYY-MM-DDTHH:MM as a
	// browser's datetime-local field sends it, or a day alone.
	Found string
}

// foundLayouts are the forms Found is read in.
var foundLayouts = []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02"}

// earliest is the first year an item may have been found in.
const earliest = 2000

// field checks a required text field and returns it cleaned.
func field(m *errs.Multi, name, s string, max int, multiline bool) string {
	if multiline {
		s = clean(s)
	} else {
		s = oneLine(s)
	}
	switch {
	case s == "":
		*m = append(*m, errs.InvalidField(name, "opinion.required", errs.Msg("opinion.field."+name)))
	case utf8.RuneCountInString(s) > max:
		*m = append(*m, errs.InvalidField(name, "opinion.too_long", errs.Msg("opinion.field."+name), max))
	}
	return s
}

// optional checks an optional text field's length.
func optional(m *errs.Multi, name, s string, max int) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) > max {
		*m = append(*m, errs.InvalidField(name, "opinion.too_long", errs.Msg("opinion.field."+name), max))
	}
	return s
}

// parseFound reads when an item was found, refusing a time after now or
// before earliest.
func parseFound(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errs.InvalidField("found", "opinion.required", errs.Msg("opinion.field.found"))
	}
	for _, l := range foundLayouts {
		t, err := time.ParseInLocation(l, s, calendar.China)
		if err != nil {
			continue
		}
		if t.Year() < earliest || t.After(now.Add(5*time.Minute)) {
			return time.Time{}, errs.InvalidField("found", "opinion.found_range", earliest)
		}
		return t, nil
	}
	return time.Time{}, errs.InvalidField("found", "opinion.found_invalid", s)
}

// policy checks the related record: a number naming a record that is
// published or in a's scope.
func policy(ctx context.Context, q db.Querier, a auth.Account, s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.InvalidField("policy", "opinion.policy_invalid", s)
	}
	rec, err := info.ByID(ctx, q, id)
	switch {
	case errs.KindOf(err) == errs.NotFound:
		return 0, errs.InvalidField("policy", "opinion.policy_unknown", id)
	case err != nil:
		return 0, err
	case !rec.Public() && !a.InScope(rec.Unit):
		return 0, errs.InvalidField("policy", "opinion.policy_unknown", id)
	}
	return id, nil
}

// Register records an item an office found. Bad input comes back as
// Invalid errors naming every field at fault, with nothing written; an
// account that is no office is Forbidden.
func Register(ctx context.Context, tx *db.Tx, a auth.Account, in Input) (Item, error) {
	if !IsOffice(a) {
		return Item{}, errs.New(errs.Forbidden, "opinion.office_only")
	}
	var m errs.Multi
	it := Item{Office: a.Unit, State: Registered, CreatedBy: a.Login, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
	it.Title = field(&m, "title", in.Title, maxTitle, false)
	if it.Source = strings.TrimSpace(in.Source); !ValidSource(it.Source) {
		m = append(m, errs.InvalidField("source", "opinion.source_invalid"))
	}
	if it.Level = strings.TrimSpace(in.Level); !ValidLevel(it.Level) {
		m = append(m, errs.InvalidField("level", "opinion.level_invalid"))
	}
	it.Summary = field(&m, "summary", in.Summary, maxSummary, true)
	it.Project = optional(&m, "project", in.Project, maxProject)
	var err error
	if it.PolicyID, err = policy(ctx, tx, a, in.Policy); err != nil {
		if e := errs.As(err); e == nil || e.Kind != errs.Invalid {
			return Item{}, err
		}
		m = append(m, errs.As(err))
	}
	if it.FoundAt, err = parseFound(in.Found, tx.Now()); err != nil {
		m = append(m, errs.As(err))
	}
	if err := m.Err(); err != nil {
		return Item{}, err
	}
	it.FoundDate = today(it.FoundAt).String()
	var pol any
	if it.PolicyID != 0 {
		pol = it.PolicyID
	}
	err = tx.QueryRow(ctx, `INSERT INTO opinion_items (office_id, title, source, level, summary, policy_id, project, found_at, found_date, state,
		created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		it.Office.ID, it.Title, it.Source, it.Level, it.Summary, pol, it.Project, it.FoundAt.UTC(), it.FoundDate, it.State,
		it.CreatedBy, it.CreatedAt, it.UpdatedAt).Scan(&it.ID)
	if err != nil {
		return Item{}, fmt.Errorf("save opinion item: %w", err)
	}
	if err := audit.Append(ctx, tx, a.Login, "opinion.registered", "opinion", idOf(it.ID), map[string]any{"office": a.Unit.Code,
		"source": it.Source, "level": it.Level, "found": it.FoundDate}); err != nil {
		return Item{}, err
	}
	return Load(ctx, tx, it.ID)
}

func idOf(id int64) string { return strconv.FormatInt(id, 10) }
