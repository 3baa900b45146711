package attrs

import (
	"context"
	"fmt"

	"gongkai/internal/db"
	"gongkai/internal/org"
)

// row is what a scan function reads a row from.
type row interface{ Scan(...any) error }

// collect runs query and scans each row with scan; then it loads the unit
// each value names (unit gives a pointer to it, its ID set by scan) once
// each. what names the list in errors.
func collect[T any](ctx context.Context, q db.Querier, what string, scan func(row) (T, error), unit func(*T) *org.Unit, query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = unit(&out[i]).ID
	}
	units, err := unitsOf(ctx, q, ids)
	for i := range out {
		u := unit(&out[i])
		*u = units[u.ID]
	}
	return out, err
}

// holdsUnder reports whether the items of table whose column parent is id
// include a document of a unit under root: what lets staff of root see a
// check or a review opened above them.
func holdsUnder(ctx context.Context, q db.Querier, table, parent string, id int64, root org.Unit) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` i JOIN units u ON u.id = i.unit_id WHERE i.`+parent+` = ? AND u.path LIKE ?`,
		id, root.Path+"%").Scan(&n)
	if err != nil {
		return false, fmt.Errorf("scope of %s: %w", table, err)
	}
	return n > 0, nil
}
