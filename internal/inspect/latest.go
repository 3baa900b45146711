package inspect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gongkai/internal/db"
)

// Latest is a unit's result in the newest saved run that scored it.
type Latest struct {
	RunID    int64
	AsOf     string
	Score    float64
	Findings int
	Passed   bool
}

// LatestScore returns the unit's result in the newest saved run that holds
// it, and false when no saved run scored it.
func LatestScore(ctx context.Context, q db.Querier, unitID int64) (Latest, bool, error) {
	var l Latest
	err := q.QueryRow(ctx, `SELECT r.id, r.as_of, sc.score, sc.findings FROM inspect_scores sc JOIN inspect_runs r ON r.id = sc.run_id
		WHERE sc.unit_id = ? ORDER BY r.id DESC LIMIT 1`, unitID).Scan(&l.RunID, &l.AsOf, &l.Score, &l.Findings)
	if errors.Is(err, sql.ErrNoRows) {
		return Latest{}, false, nil
	}
	if err != nil {
		return Latest{}, false, fmt.Errorf("latest score: %w", err)
	}
	l.Passed = passes(l.Score)
	return l, true, nil
}
