package opinion

import (
	"context"
	"fmt"

	"gongkai/internal/db"
	"gongkai/internal/org"
)

// Figures are a year's public-opinion work of units, for the
// self-inspection report: the parts assigned to them that year, those
// they responded to, and those responded to by their due day.
type Figures struct {
	Assigned, Responded, OnTime int
}

// FiguresOf counts the parts of opinion items assigned in year to root and
// the units under it.
func FiguresOf(ctx context.Context, q db.Querier, root org.Unit, year int) (Figures, error) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	var f Figures
	err := q.QueryRow(ctx, `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN a.responded_date <> '' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN a.responded_date <> '' AND a.responded_date <= a.due_date THEN 1 ELSE 0 END), 0)
		FROM opinion_assignments a JOIN units u ON u.id = a.unit_id
		WHERE u.path LIKE ? AND a.assigned_date >= ? AND a.assigned_date <= ?`, root.Path+"%", from, to).Scan(&f.Assigned, &f.Responded, &f.OnTime)
	if err != nil {
		return Figures{}, fmt.Errorf("opinion figures: %w", err)
	}
	return f, nil
}
