package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"gongkai/internal/db"
)

// Count is how many jobs of one kind are in one state.
type Count struct {
	Kind  string
	State string // River's state: available, scheduled, running, retryable, completed, discarded, cancelled, pending
	N     int
}

// Counts returns the number of jobs by kind and state, in kind order.
// Completed jobs are kept for a day, so the counts are of about the last
// day's work and what is still to do.
func Counts(ctx context.Context, q db.Querier) ([]Count, error) {
	rows, err := q.Query(ctx, `SELECT kind, state, count(*) FROM river_job GROUP BY kind, state ORDER BY kind, state`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Kind, &c.State, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Failure is a job whose last attempt failed and that has not succeeded
// since: waiting to be tried again (retryable, or available and running
// again when the retry was due soon) or given up on (discarded).
type Failure struct {
	ID          int64
	Kind        string
	State       string
	Attempt     int
	MaxAttempts int
	Error       string    // the last attempt's error
	At          time.Time // when it failed
	Next        time.Time // when it is tried again; zero when discarded
}

// Failures returns the last limit jobs that failed, newest first.
func Failures(ctx context.Context, q *db.DB, limit int) ([]Failure, error) {
	// The last element of River's errors column: an array of JSON objects
	// on PostgreSQL, a JSON array in a text column on SQLite.
	last, failed := `json_extract(errors, '$[#-1]')`, `json_array_length(errors) > 0`
	if q.Dialect == db.Postgres {
		last, failed = `errors[array_length(errors, 1)]::text`, `array_length(errors, 1) > 0`
	}
	rows, err := q.Query(ctx, `SELECT id, kind, state, attempt, max_attempts, `+last+`, scheduled_at
		FROM river_job WHERE state <> 'completed' AND errors IS NOT NULL AND `+failed+` ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list failed jobs: %w", err)
	}
	defer rows.Close()
	var out []Failure
	for rows.Next() {
		var f Failure
		var detail sql.NullString
		var next time.Time
		if err := rows.Scan(&f.ID, &f.Kind, &f.State, &f.Attempt, &f.MaxAttempts, &detail, &next); err != nil {
			return nil, err
		}
		var e struct {
			At    time.Time `json:"at"`
			Error string    `json:"error"`
		}
		if detail.Valid {
			if err := json.Unmarshal([]byte(detail.String), &e); err != nil {
				return nil, fmt.Errorf("job %d: read its error: %w", f.ID, err)
			}
		}
		f.Error, f.At = e.Error, e.At
		if f.State == "retryable" || f.State == "scheduled" {
			f.Next = next
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
