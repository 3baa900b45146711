package assess

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
	"gongkai/internal/figures"
)

// Component is a part of a scheme and its weight, out of 100.
type Component struct {
	Key    string `json:"key"`
	Weight int    `json:"weight"`
}

// Scheme is a version of a year's assessment scheme (考核方案). Version 0
// is the default, used while the city office has saved none for the year.
type Scheme struct {
	Year       int
	Version    int
	Components []Component
	Comment    string
	CreatedBy  string
	CreatedAt  time.Time
}

// DefaultComponents are the weights a year starts from: inspection 30,
// tasks 20, applications 20, interpretation, messages and catalogs 10
// each.
func DefaultComponents() []Component {
	return []Component{{Inspection, 30}, {Tasks, 20}, {Applications, 20}, {Interpretation, 10}, {Messages, 10}, {Catalogs, 10}}
}

// Weight returns the weight of component key; 0 for one the scheme lacks.
func (s Scheme) Weight(key string) int {
	for _, c := range s.Components {
		if c.Key == key {
			return c.Weight
		}
	}
	return 0
}

// FirstYear is the first year schemes are set for: the plan's.
const FirstYear = 2020

// validYear checks that year is one a scheme may be set or read for: from
// FirstYear to the year after the current one in China.
func validYear(q db.Querier, year int) error {
	if last := figures.Now(q).In(calendar.China).Year() + 1; year < FirstYear || year > last {
		return errs.InvalidField("year", "assess.year_invalid", FirstYear, last)
	}
	return nil
}

// SchemeFor returns year's newest scheme, or the default (version 0) when
// none was saved. It returns an Invalid error for a year out of range.
func SchemeFor(ctx context.Context, q db.Querier, year int) (Scheme, error) {
	if err := validYear(q, year); err != nil {
		return Scheme{}, err
	}
	vs, err := schemes(ctx, q, year, 1)
	if err != nil || len(vs) > 0 {
		return firstOf(vs), err
	}
	return Scheme{Year: year, Components: DefaultComponents()}, nil
}

func firstOf(vs []Scheme) Scheme {
	if len(vs) == 0 {
		return Scheme{}
	}
	return vs[0]
}

// Versions returns the saved versions of year's scheme, newest first.
func Versions(ctx context.Context, q db.Querier, year int) ([]Scheme, error) {
	return schemes(ctx, q, year, 100)
}

func schemes(ctx context.Context, q db.Querier, year, limit int) ([]Scheme, error) {
	rows, err := q.Query(ctx, `SELECT version, components, comment, created_by, created_at FROM assess_schemes WHERE year = ? ORDER BY version DESC LIMIT ?`, year, limit)
	if err != nil {
		return nil, fmt.Errorf("load schemes of %d: %w", year, err)
	}
	defer rows.Close()
	var out []Scheme
	for rows.Next() {
		s := Scheme{Year: year}
		var cs string
		if err := rows.Scan(&s.Version, &cs, &s.Comment, &s.CreatedBy, &s.CreatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(cs), &s.Components); err != nil {
			return nil, fmt.Errorf("scheme %d v%d: %w", year, s.Version, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CanEditScheme reports whether a may set schemes: the city office and
// administrators.
func CanEditScheme(a auth.Account) bool { return a.Role == auth.PublicOfficeCity || a.IsAdmin() }

// WeightField is the form field of component key's weight.
func WeightField(key string) string { return "weight_" + key }

// MaxComment bounds a version's comment, in characters.
const MaxComment = 200

// SaveScheme saves a new version of year's scheme with the weights as
// typed, by component key, and a comment saying what changed. Each weight
// is a whole number from 0 to 100 and together they make 100. It returns
// every problem at once, each naming its form field (weight_KEY,
// "weights" for the sum, "comment", "year"), and a Forbidden error if a
// may not set schemes.
func SaveScheme(ctx context.Context, tx *db.Tx, a auth.Account, year int, weights map[string]string, comment string) (Scheme, error) {
	if !CanEditScheme(a) {
		return Scheme{}, errs.New(errs.Forbidden, "assess.forbidden")
	}
	var m errs.Multi
	if err := validYear(tx, year); err != nil {
		m = append(m, err.(*errs.Error))
	}
	s := Scheme{Year: year, Comment: strings.TrimSpace(comment), CreatedBy: a.Login, CreatedAt: tx.Now()}
	sum, parsed := 0, true
	for _, k := range Keys {
		typed := strings.TrimSpace(weights[k])
		w, err := strconv.Atoi(typed)
		if err != nil || w < 0 || w > 100 {
			m = append(m, errs.InvalidField(WeightField(k), "assess.weight_invalid", errs.Msg("assess.component."+k)))
			parsed = false
			continue
		}
		sum += w
		s.Components = append(s.Components, Component{k, w})
	}
	if parsed && sum != 100 {
		m = append(m, errs.InvalidField("weights", "assess.weights_sum", sum))
	}
	switch n := utf8.RuneCountInString(s.Comment); {
	case n == 0:
		m = append(m, errs.InvalidField("comment", "assess.comment_required"))
	case n > MaxComment:
		m = append(m, errs.InvalidField("comment", "assess.comment_too_long", MaxComment))
	}
	if len(m) > 0 {
		return Scheme{}, m
	}
	var last int
	err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM assess_schemes WHERE year = ?`, year).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Scheme{}, err
	}
	s.Version = last + 1
	js, err := json.Marshal(s.Components)
	if err != nil {
		return Scheme{}, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO assess_schemes (year, version, components, comment, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		year, s.Version, string(js), s.Comment, s.CreatedBy, s.CreatedAt); err != nil {
		return Scheme{}, fmt.Errorf("save scheme %d: %w", year, err)
	}
	return s, audit.Append(ctx, tx, a.Login, "assess.scheme", "assess_scheme", fmt.Sprintf("%d/v%d", year, s.Version),
		map[string]any{"components": s.Components, "comment": s.Comment})
}
