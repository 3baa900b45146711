package rules

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// Count is how many rules one unit first submitted in a year that now
// stand in one state, and how many of them are recommended: the figures
// of the self-inspection report (自查报告) on workflow rules.
type Count struct {
	UnitID      int64
	UnitCode    string
	Year        int // of the first submission, in China
	State       State
	Rules       int
	Recommended int
	// Published counts those in force in the unit's 制度 column.
	Published int
}

// Counts returns the rules of the units under scope by unit, year and
// state, for year only unless it is 0, ordered by unit code, year and
// the order of States. A unit without rules has no row.
func Counts(ctx context.Context, q db.Querier, scope org.Unit, year int) ([]Count, error) {
	// The year is taken in Go: the first submission's instant is stored in
	// UTC and its day in China is what counts, which SQLite and PostgreSQL
	// would each compute their own way. A unit's rules are a few dozen.
	rows, err := q.Query(ctx, `SELECT u.id, u.code, x.state, x.created_at, x.recommended, x.record_id IS NOT NULL AND x.state <> ?
		FROM rules x JOIN units u ON u.id = x.unit_id WHERE u.path LIKE ?`, Withdrawn, scope.Path+"%")
	if err != nil {
		return nil, fmt.Errorf("count rules: %w", err)
	}
	defer rows.Close()
	type key struct {
		unit  int64
		year  int
		state State
	}
	byKey := map[key]*Count{}
	for rows.Next() {
		var c Count
		var at time.Time
		var rec, pub bool
		if err := rows.Scan(&c.UnitID, &c.UnitCode, &c.State, &at, &rec, &pub); err != nil {
			return nil, err
		}
		c.Year = at.In(calendar.China).Year()
		if year != 0 && c.Year != year {
			continue
		}
		k := key{c.UnitID, c.Year, c.State}
		if byKey[k] == nil {
			byKey[k] = &c
		}
		byKey[k].Rules++
		if rec {
			byKey[k].Recommended++
		}
		if pub {
			byKey[k].Published++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Count, 0, len(byKey))
	for _, c := range byKey {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Count) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), cmp.Compare(a.Year, b.Year),
			cmp.Compare(slices.Index(States, a.State), slices.Index(States, b.State)))
	})
	return out, nil
}
