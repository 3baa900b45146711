package interpret

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Return is an important policy judged poorly interpreted in a round and
// sent back to its unit for re-interpretation (重新解读) by a due date. It
// is done when the unit publishes a new interpretation of the policy
// after the return.
type Return struct {
	ID        int64
	RoundID   int64
	Policy    Policy
	Unit      org.Unit
	Reason    string
	Due       string // a day in China: 2026-12-31
	CreatedBy string
	CreatedAt time.Time
	// DoneAt is when the new interpretation was published; zero while
	// not done.
	DoneAt time.Time
}

// Done reports whether the unit has published a new interpretation.
func (r Return) Done() bool { return !r.DoneAt.IsZero() }

// Overdue reports whether r is not done and its due date is before day.
func (r Return) Overdue(day calendar.Date) bool {
	due, err := calendar.ParseDate(r.Due)
	return !r.Done() && err == nil && day.After(due)
}

// ReturnPolicy sends the policy nomination n interprets back to the
// policy's unit for re-interpretation by due (after today), with the
// reason (5 to 2,000 characters); each problem is an Invalid error naming
// its field ("reason", "due").
func ReturnPolicy(ctx context.Context, tx *db.Tx, a auth.Account, rd Round, n Nomination, reason, due string) (Return, error) {
	if !CanRunRounds(a) {
		return Return{}, errs.New(errs.Forbidden, "interpret.rounds_forbidden")
	}
	if n.RoundID != rd.ID {
		return Return{}, errs.New(errs.NotFound, "interpret.nomination_not_found", n.ID)
	}
	var m errs.Multi
	reason = strings.TrimSpace(reason)
	if k := utf8.RuneCountInString(reason); k < 5 || k > maxReason {
		m = append(m, errs.InvalidField("reason", "interpret.return_reason", 5, maxReason))
	}
	due = strings.TrimSpace(due)
	d, err := calendar.ParseDate(due)
	today := calendar.DateOf(tx.Now().In(calendar.China))
	switch {
	case err != nil:
		m = append(m, errs.InvalidField("due", "interpret.bad_due", due))
	case !d.After(today):
		m = append(m, errs.InvalidField("due", "interpret.due_past", due))
	}
	if err := m.Err(); err != nil {
		return Return{}, err
	}
	p := n.Interpretation.Policy
	rt := Return{RoundID: rd.ID, Policy: p, Unit: p.Unit, Reason: reason, Due: d.String(), CreatedBy: a.Login, CreatedAt: tx.Now()}
	err = tx.QueryRow(ctx, `INSERT INTO interpret_returns (round_id, policy_id, unit_id, reason, due_date, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		rt.RoundID, p.ID, p.Unit.ID, rt.Reason, rt.Due, rt.CreatedBy, rt.CreatedAt).Scan(&rt.ID)
	if err != nil {
		return Return{}, fmt.Errorf("return policy: %w", err)
	}
	return rt, audit.Append(ctx, tx, a.Login, "interpret.return", "interpret_round", strconv.FormatInt(rd.ID, 10),
		map[string]any{"policy": p.IndexNo, "unit": p.Unit.Code, "reason": reason, "due": rt.Due})
}

// ReturnFilter selects returns.
type ReturnFilter struct {
	Scope   *org.Unit // a subtree's units' returns; nil for all
	RoundID int64     // one round's; 0 for any
}

// Returns lists the returns f selects, by due date, each with whether its
// new interpretation was published.
func Returns(ctx context.Context, q db.Querier, f ReturnFilter) ([]Return, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.Scope != nil {
		where = append(where, `x.unit_id IN (SELECT id FROM units WHERE path LIKE ?)`)
		args = append(args, f.Scope.Path+"%")
	}
	if f.RoundID != 0 {
		where = append(where, `x.round_id = ?`)
		args = append(args, f.RoundID)
	}
	rows, err := q.Query(ctx, `SELECT x.id, x.round_id, x.policy_id, p.index_no, p.title, p.status, x.unit_id, x.reason, x.due_date, x.created_by, x.created_at
		FROM interpret_returns x JOIN info_records p ON p.id = x.policy_id WHERE `+strings.Join(where, " AND ")+` ORDER BY x.due_date, x.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list returns: %w", err)
	}
	var out []Return
	for rows.Next() {
		var r Return
		if err := rows.Scan(&r.ID, &r.RoundID, &r.Policy.ID, &r.Policy.IndexNo, &r.Policy.Title, &r.Policy.Status, &r.Unit.ID, &r.Reason, &r.Due,
			&r.CreatedBy, &r.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	units := org.NewMemo(q)
	for i := range out {
		if out[i].Unit, err = units.ByID(ctx, out[i].Unit.ID); err != nil {
			return nil, err
		}
		out[i].Policy.Unit = out[i].Unit
		// Far in the future: any interpretation published since counts.
		if out[i].DoneAt, err = firstPublished(ctx, q, out[i].Policy.ID, out[i].CreatedAt, out[i].CreatedAt.AddDate(100, 0, 0)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
