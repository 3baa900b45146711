package village

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// FirstVisitDay is the first day a guidance visit may be recorded on: the
// plan has towns and streets guide every village and community on site
// from November 2020 (从11月起对村（居）务公开进行全覆盖现场指导).
const FirstVisitDay = "2020-11-01"

const (
	maxPeople = 500
	maxVisit  = 5000
)

// Visit is a town's on-site guidance visit to one of its villages or
// communities (现场指导): who went, what they found of the list, its
// content and its forms, and what they advised.
type Visit struct {
	ID            int64
	Town, Village org.Unit
	Date          string // a day in China: 2026-11-12
	People        string
	Findings      string
	Advice        string
	CreatedBy     string
	CreatedAt     time.Time
}

// VisitInput is what the town records.
type VisitInput struct {
	Village, Date, People, Findings, Advice string
}

// IsTown reports whether units of kind k guide villages: towns and streets.
func IsTown(k org.Kind) bool { return k == org.Town || k == org.Street }

// CanRecordVisit reports whether a may record town's visits: its staff,
// the offices above it and administrators.
func CanRecordVisit(a auth.Account, town org.Unit) bool {
	return IsTown(town.Kind) && info.CanEdit(a, town)
}

// AddVisit records a visit of town to one of its villages or communities.
// It returns an Invalid error naming each field at fault.
func AddVisit(ctx context.Context, tx *db.Tx, a auth.Account, town org.Unit, in VisitInput) (Visit, error) {
	if !CanRecordVisit(a, town) {
		return Visit{}, errs.New(errs.Forbidden, "village.forbidden")
	}
	in.People, in.Findings, in.Advice = foi.OneLine(in.People), foi.Clean(in.Findings), foi.Clean(in.Advice)
	var m errs.Multi
	add := func(field, key string, args ...any) { m = append(m, errs.InvalidField(field, key, args...)) }
	v, err := org.ByCode(ctx, tx, in.Village)
	if err != nil || v.ParentID != town.ID || !Keeps(v.Kind) {
		add("village", "village.not_under_town", in.Village)
	}
	today := calendar.DateOf(tx.Now().In(calendar.China))
	first, _ := calendar.ParseDate(FirstVisitDay)
	switch d, err := calendar.ParseDate(in.Date); {
	case err != nil:
		add("date", "village.bad_date")
	case d.Before(first) || d.After(today):
		add("date", "village.date_range", FirstVisitDay, today.String())
	}
	for _, f := range []struct {
		field, v string
		max      int
	}{{"people", in.People, maxPeople}, {"findings", in.Findings, maxVisit}, {"advice", in.Advice, maxVisit}} {
		switch n := utf8.RuneCountInString(f.v); {
		case n == 0:
			add(f.field, "village.required", errs.Msg("village.field."+f.field))
		case n > f.max:
			add(f.field, "village.too_long", errs.Msg("village.field."+f.field), f.max)
		}
	}
	if err := m.Err(); err != nil {
		return Visit{}, err
	}
	vis := Visit{Town: town, Village: v, Date: in.Date, People: in.People, Findings: in.Findings, Advice: in.Advice, CreatedBy: a.Login, CreatedAt: tx.Now()}
	err = tx.QueryRow(ctx, `INSERT INTO guidance_visits (town_id, village_id, visit_date, people, findings, advice, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, town.ID, v.ID, vis.Date, vis.People, vis.Findings, vis.Advice, vis.CreatedBy, vis.CreatedAt).Scan(&vis.ID)
	if err != nil {
		return Visit{}, fmt.Errorf("add visit: %w", err)
	}
	return vis, audit.Append(ctx, tx, a.Login, "village.visit", "unit", v.Code, map[string]any{"town": town.Code, "date": vis.Date})
}

// Visits returns the visits of the towns under scope made in year (all
// years when 0), by date.
func Visits(ctx context.Context, q db.Querier, scope org.Unit, year int) ([]Visit, error) {
	where, args := `t.path LIKE ?`, []any{scope.Path + "%"}
	if year != 0 {
		where, args = where+` AND g.visit_date >= ? AND g.visit_date <= ?`, append(args, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year))
	}
	rows, err := q.Query(ctx, `SELECT g.id, g.town_id, g.village_id, g.visit_date, g.people, g.findings, g.advice, g.created_by, g.created_at
		FROM guidance_visits g JOIN units t ON t.id = g.town_id WHERE `+where+` ORDER BY g.visit_date, g.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list visits: %w", err)
	}
	var out []Visit
	for rows.Next() {
		var v Visit
		if err := rows.Scan(&v.ID, &v.Town.ID, &v.Village.ID, &v.Date, &v.People, &v.Findings, &v.Advice, &v.CreatedBy, &v.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	memo := org.NewMemo(q)
	for i := range out {
		if out[i].Town, err = memo.ByID(ctx, out[i].Town.ID); err != nil {
			return nil, err
		}
		if out[i].Village, err = memo.ByID(ctx, out[i].Village.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
