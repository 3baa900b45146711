package interpret

import (
	"context"
	"fmt"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// Figures are a year's policy interpretation under a unit, for the
// self-inspection report and the assessment.
type Figures struct {
	// Policies counts the policies marked as needing interpretation
	// published in the year; Interpreted those of them with an
	// interpretation published, and Alone those a reviewer published alone
	// with a written reason.
	Policies, Interpreted, Alone int
	// Interpretations counts the interpretations published in the year.
	Interpretations int
}

// FiguresOf counts year's interpretation work of root and the units under
// it, by the day in China each record was published.
func FiguresOf(ctx context.Context, q db.Querier, root org.Unit, year int) (Figures, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, calendar.China)
	to := from.AddDate(1, 0, 0)
	var f Figures
	err := q.QueryRow(ctx, `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM interpretations i JOIN info_records ir ON ir.id = i.record_id
				WHERE i.policy_id = p.id AND ir.status = 'published') THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN n.alone_reason <> '' THEN 1 ELSE 0 END), 0)
		FROM interpret_needs n JOIN info_records p ON p.id = n.policy_id JOIN units u ON u.id = p.unit_id
		WHERE u.path LIKE ? AND p.status = 'published' AND p.published_at >= ? AND p.published_at < ?`,
		root.Path+"%", from, to).Scan(&f.Policies, &f.Interpreted, &f.Alone)
	if err != nil {
		return Figures{}, fmt.Errorf("interpretation figures: %w", err)
	}
	err = q.QueryRow(ctx, `SELECT COUNT(*) FROM interpretations i JOIN info_records r ON r.id = i.record_id JOIN units u ON u.id = r.unit_id
		WHERE u.path LIKE ? AND r.status = 'published' AND r.published_at >= ? AND r.published_at < ?`, root.Path+"%", from, to).Scan(&f.Interpretations)
	if err != nil {
		return Figures{}, fmt.Errorf("interpretation figures: %w", err)
	}
	return f, nil
}
