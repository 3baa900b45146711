package db

import (
	"database/sql"
	"time"
)

// Scanner is a row to scan: *sql.Row or *sql.Rows.
type Scanner interface{ Scan(dest ...any) error }

// ScanAll scans every row of rows with scan and closes rows. It returns
// the first error of a scan or of the rows.
func ScanAll[T any](rows *sql.Rows, scan func(Scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// NullTime is t for a nullable column, in UTC: NULL for the zero time.
func NullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// NullID is id for a nullable reference: NULL for 0.
func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
