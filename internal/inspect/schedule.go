package inspect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// scheduleKey is the setting naming the day of the month on which the
// whole city is inspected; 0 or none means no scheduled inspections.
const scheduleKey = "inspect_schedule_day"

// scheduler is who scheduled runs are started by.
const scheduler = "schedule"

// ScheduleDay returns the day of the month scheduled inspections run on,
// 0 for none.
func ScheduleDay(ctx context.Context, q db.Querier) (int, error) {
	var v string
	err := q.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, scheduleKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, _ := strconv.Atoi(v)
	return n, nil
}

// SetScheduleDay sets the day of the month (1–28, 0 for none) on which
// the whole city is inspected. The city office and administrators set it.
func SetScheduleDay(ctx context.Context, tx *db.Tx, a auth.Account, day int) error {
	if !CanEditRules(a) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	if day < 0 || day > 28 {
		return errs.InvalidField("day", "inspect.schedule_day")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, scheduleKey, strconv.Itoa(day)); err != nil {
		return err
	}
	return audit.Append(ctx, tx, a.Login, "inspect.schedule", "setting", scheduleKey, map[string]any{"day": day})
}

// RunScheduled inspects each top-level unit and everything under it, if
// today is the scheduled day and it has not been done today. It returns
// the runs it made.
func RunScheduled(ctx context.Context, d *db.DB, cal *calendar.Calendar) ([]*Run, error) {
	day, err := ScheduleDay(ctx, d)
	if err != nil || day == 0 {
		return nil, err
	}
	today := calendar.DateOf(d.Now().In(calendar.China))
	if today.Day != day {
		return nil, nil
	}
	roots, err := org.Roots(ctx, d)
	if err != nil {
		return nil, err
	}
	var out []*Run
	for _, root := range roots {
		var done int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM inspect_runs WHERE started_by = ? AND as_of = ? AND scope_unit_id = ?`, scheduler, today.String(), root.ID).Scan(&done); err != nil {
			return out, err
		}
		if done > 0 {
			continue
		}
		run, err := Inspect(ctx, d, cal, nil, Options{Scope: root, AsOf: today, Save: true, By: scheduler})
		if err != nil {
			return out, fmt.Errorf("scheduled inspection of %s: %w", root.Code, err)
		}
		out = append(out, run)
	}
	return out, nil
}
