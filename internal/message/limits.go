package message

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// DaysFor returns unit u's reply period for the category in working days:
// what the unit set, else what the nearest unit above it set, else
// DefaultDays.
func DaysFor(ctx context.Context, q db.Querier, u org.Unit, category string) (int, error) {
	var days int
	err := q.QueryRow(ctx, `SELECT l.days FROM message_limits l JOIN units x ON x.id = l.unit_id
		WHERE l.category = ? AND ? LIKE x.path || '%' ORDER BY LENGTH(x.path) DESC LIMIT 1`, category, u.Path).Scan(&days)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultDays, nil
	}
	return days, err
}

// Limits returns unit u's periods by category, as DaysFor gives them.
func Limits(ctx context.Context, q db.Querier, u org.Unit) (map[string]int, error) {
	out := map[string]int{}
	for _, c := range Categories {
		n, err := DaysFor(ctx, q, u, c)
		if err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, nil
}

// SetLimits sets unit u's periods by category (working days, 1 to
// MaxDays) from text as typed; a reviewer of the unit, an office above it
// or an administrator may. Messages already received keep their period.
func SetLimits(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, days map[string]string) error {
	if !CanReview(a, u) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	var bad errs.Multi
	set := map[string]int{}
	for _, c := range Categories {
		s := strings.TrimSpace(days[c])
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxDays {
			bad = append(bad, errs.InvalidField("days_"+c, "msg.days_invalid", errs.Msg("msg.category."+c), MaxDays))
			continue
		}
		set[c] = n
	}
	if len(bad) > 0 {
		return bad
	}
	for _, c := range Categories {
		if _, err := tx.Exec(ctx, `INSERT INTO message_limits (unit_id, category, days, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (unit_id, category) DO UPDATE SET days = excluded.days, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			u.ID, c, set[c], a.Login, tx.Now()); err != nil {
			return err
		}
	}
	return audit.Append(ctx, tx, a.Login, "message.limits", "unit", u.Code, set)
}
