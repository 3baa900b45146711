// Package calstore keeps the holiday notices an administrator loads into the
// database, on top of the years built into package calendar.
package calstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	"gongkai/internal/audit"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
)

// Load returns the built-in calendar with every loaded year added; a loaded
// year replaces the built-in one of the same year.
func Load(ctx context.Context, d *db.DB) (*calendar.Calendar, error) {
	cal := calendar.Default()
	rows, err := d.Query(ctx, "SELECT year, content FROM calendar_years ORDER BY year")
	if err != nil {
		return nil, fmt.Errorf("read loaded calendar years: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var year int
		var content string
		if err := rows.Scan(&year, &content); err != nil {
			return nil, err
		}
		y, err := calendar.ParseYear(bytes.NewReader([]byte(content)))
		if err != nil {
			return nil, fmt.Errorf("stored calendar year %d: %w", year, err)
		}
		cal = cal.With(y)
	}
	return cal, rows.Err()
}

// Loaded returns the years loaded into the database.
func Loaded(ctx context.Context, d *db.DB) (map[int]bool, error) {
	rows, err := d.Query(ctx, "SELECT year FROM calendar_years")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out[y] = true
	}
	return out, rows.Err()
}

// Save validates a year's notice and stores it, replacing any loaded
// version of the same year. An invalid file changes nothing and comes back
// as an Invalid error naming the line at fault.
func Save(ctx context.Context, tx *db.Tx, actor string, content []byte) (calendar.Year, error) {
	y, err := calendar.ParseYear(bytes.NewReader(content))
	var pe *calendar.ParseError
	if errors.As(err, &pe) {
		return calendar.Year{}, errs.New(errs.Invalid, "calendar.invalid_file", pe.UserError())
	}
	if err != nil {
		return calendar.Year{}, err
	}
	canonical := string(y.Format())
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM calendar_years WHERE year = ?", y.Year).Scan(&n); err != nil {
		return calendar.Year{}, err
	}
	if n > 0 {
		_, err = tx.Exec(ctx, "UPDATE calendar_years SET content = ?, loaded_at = ?, loaded_by = ? WHERE year = ?", canonical, tx.Now(), actor, y.Year)
	} else {
		_, err = tx.Exec(ctx, "INSERT INTO calendar_years (year, content, loaded_at, loaded_by) VALUES (?, ?, ?, ?)", y.Year, canonical, tx.Now(), actor)
	}
	if err != nil {
		return calendar.Year{}, fmt.Errorf("store calendar year: %w", err)
	}
	if err := audit.Append(ctx, tx, actor, "calendar.load", "calendar_year", strconv.Itoa(y.Year), map[string]any{
		"sources": y.Sources, "off": len(y.Off), "work": len(y.Work)}); err != nil {
		return calendar.Year{}, err
	}
	return y, nil
}
