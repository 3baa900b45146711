package interpret

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

func insert(ctx context.Context, tx *db.Tx, it Interpretation) error {
	_, err := tx.Exec(ctx, `INSERT INTO interpretations (record_id, policy_id, form, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		it.Record.ID, it.Policy.ID, it.Form, it.CreatedBy, it.CreatedAt)
	if db.IsUniqueViolation(err) {
		return errs.New(errs.Conflict, "interpret.linked_already")
	}
	if err != nil {
		return fmt.Errorf("add interpretation: %w", err)
	}
	return nil
}

func saveForm(ctx context.Context, tx *db.Tx, recordID int64, form string) error {
	if _, err := tx.Exec(ctx, `UPDATE interpretations SET form = ? WHERE record_id = ?`, form, recordID); err != nil {
		return fmt.Errorf("save interpretation form: %w", err)
	}
	return nil
}

func saveNeed(ctx context.Context, tx *db.Tx, policyID int64, needs bool, by string) error {
	var err error
	if needs {
		_, err = tx.Exec(ctx, `INSERT INTO interpret_needs (policy_id, marked_by, marked_at) VALUES (?, ?, ?)`, policyID, by, tx.Now())
	} else {
		_, err = tx.Exec(ctx, `DELETE FROM interpret_needs WHERE policy_id = ?`, policyID)
	}
	if err != nil {
		return fmt.Errorf("save interpretation mark: %w", err)
	}
	return nil
}

func saveAlone(ctx context.Context, tx *db.Tx, policyID int64, reason, by string) error {
	_, err := tx.Exec(ctx, `UPDATE interpret_needs SET alone_reason = ?, alone_by = ?, alone_at = ? WHERE policy_id = ?`, reason, by, tx.Now(), policyID)
	if err != nil {
		return fmt.Errorf("save reason to publish alone: %w", err)
	}
	return nil
}

// NeedOf returns policy policyID's mark as needing interpretation and
// whether it has one.
func NeedOf(ctx context.Context, q db.Querier, policyID int64) (Need, bool, error) {
	n := Need{PolicyID: policyID}
	var at sql.NullTime
	err := q.QueryRow(ctx, `SELECT marked_by, marked_at, alone_reason, alone_by, alone_at FROM interpret_needs WHERE policy_id = ?`, policyID).
		Scan(&n.MarkedBy, &n.MarkedAt, &n.AloneReason, &n.AloneBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Need{}, false, nil
	}
	if err != nil {
		return Need{}, false, fmt.Errorf("load interpretation mark: %w", err)
	}
	n.AloneAt = at.Time
	return n, true, nil
}

// ByRecord returns the interpretation record recordID is, with its whole
// record. It returns a NotFound error for a record that is not one.
func ByRecord(ctx context.Context, q db.Querier, recordID int64) (Interpretation, error) {
	it := Interpretation{}
	var policyID int64
	err := q.QueryRow(ctx, `SELECT policy_id, form, created_by, created_at FROM interpretations WHERE record_id = ?`, recordID).
		Scan(&policyID, &it.Form, &it.CreatedBy, &it.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Interpretation{}, errs.New(errs.NotFound, "interpret.not_found", recordID)
	}
	if err != nil {
		return Interpretation{}, fmt.Errorf("load interpretation: %w", err)
	}
	if it.Record, err = info.ByID(ctx, q, recordID); err != nil {
		return Interpretation{}, err
	}
	p, err := info.ByID(ctx, q, policyID)
	if err != nil {
		return Interpretation{}, err
	}
	it.Policy = policyOf(p)
	return it, nil
}

// ofPolicyRecords returns the records of policy policyID's
// interpretations, oldest first, whatever their status.
func ofPolicyRecords(ctx context.Context, q db.Querier, policyID int64) ([]info.Record, error) {
	ids, err := idsOf(ctx, q, `SELECT record_id FROM interpretations WHERE policy_id = ? ORDER BY record_id`, policyID)
	if err != nil {
		return nil, fmt.Errorf("list interpretations: %w", err)
	}
	out := make([]info.Record, 0, len(ids))
	for _, id := range ids {
		r, err := info.ByID(ctx, q, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Filter selects interpretations for a list.
type Filter struct {
	// Scope is a unit whose subtree's interpretations are listed; nil for
	// all.
	Scope *org.Unit
	// Unit lists one unit's own interpretations only (its ID); 0 for any.
	Unit     int64
	PolicyID int64
	Form     string
	// Public lists the published ones only, newest first; otherwise every
	// status, newest first.
	Public        bool
	Limit, Offset int
}

const listCols = `r.id, r.unit_id, r.index_no, r.title, r.status, r.published_at, r.written_date, r.updated_at,
	p.id, p.index_no, p.title, p.status, p.unit_id, i.form, i.created_by, i.created_at`

func (f Filter) where() (string, []any) {
	var where []string
	var args []any
	if f.Scope != nil {
		where = append(where, `r.unit_id IN (SELECT id FROM units WHERE path LIKE ?)`)
		args = append(args, f.Scope.Path+"%")
	}
	if f.Unit != 0 {
		where = append(where, `r.unit_id = ?`)
		args = append(args, f.Unit)
	}
	if f.PolicyID != 0 {
		where = append(where, `i.policy_id = ?`)
		args = append(args, f.PolicyID)
	}
	if f.Form != "" {
		where = append(where, `i.form = ?`)
		args = append(args, f.Form)
	}
	if f.Public {
		// A policy taken off the portal takes its interpretations' link
		// with it, not the interpretations.
		where = append(where, `r.status = ?`)
		args = append(args, info.Published)
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// List returns the interpretations f selects, newest first (by
// publication for public lists, by change otherwise), and how many there
// are in all.
func List(ctx context.Context, q db.Querier, f Filter) ([]Interpretation, int, error) {
	where, args := f.where()
	from := ` FROM interpretations i JOIN info_records r ON r.id = i.record_id JOIN info_records p ON p.id = i.policy_id` + where
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count interpretations: %w", err)
	}
	order := ` ORDER BY r.updated_at DESC, r.id DESC`
	if f.Public {
		order = ` ORDER BY r.published_at DESC, r.id DESC`
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	rows, err := q.Query(ctx, `SELECT `+listCols+from+order+` LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("list interpretations: %w", err)
	}
	var out []Interpretation
	for rows.Next() {
		var it Interpretation
		var pub sql.NullTime
		err := rows.Scan(&it.Record.ID, &it.Record.Unit.ID, &it.Record.IndexNo, &it.Record.Title, &it.Record.Status, &pub, &it.Record.WrittenDate,
			&it.Record.UpdatedAt, &it.Policy.ID, &it.Policy.IndexNo, &it.Policy.Title, &it.Policy.Status, &it.Policy.Unit.ID, &it.Form,
			&it.CreatedBy, &it.CreatedAt)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		it.Record.PublishedAt = pub.Time
		out = append(out, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	units := org.NewMemo(q)
	for i := range out {
		if out[i].Record.Unit, err = units.ByID(ctx, out[i].Record.Unit.ID); err != nil {
			return nil, 0, err
		}
		if out[i].Policy.Unit, err = units.ByID(ctx, out[i].Policy.Unit.ID); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// OfPolicy returns policy policyID's interpretations: the published ones
// when public, all otherwise.
func OfPolicy(ctx context.Context, q db.Querier, policyID int64, public bool) ([]Interpretation, error) {
	its, _, err := List(ctx, q, Filter{PolicyID: policyID, Public: public})
	return its, err
}

// Marked is a policy marked as needing interpretation, for the console.
type Marked struct {
	Policy Policy
	Need   Need
	// Published counts its published interpretations, Pending the others.
	Published, Pending int
}

// MarkedIn returns the policies of scope's subtree marked as needing
// interpretation, newest mark first, at most limit.
func MarkedIn(ctx context.Context, q db.Querier, scope org.Unit, limit int) ([]Marked, error) {
	rows, err := q.Query(ctx, `SELECT p.id, p.index_no, p.title, p.status, p.unit_id, n.marked_by, n.marked_at, n.alone_reason, n.alone_by, n.alone_at,
		(SELECT COUNT(*) FROM interpretations i JOIN info_records r ON r.id = i.record_id WHERE i.policy_id = p.id AND r.status = ?),
		(SELECT COUNT(*) FROM interpretations i JOIN info_records r ON r.id = i.record_id WHERE i.policy_id = p.id AND r.status <> ? AND r.status <> ?)
		FROM interpret_needs n JOIN info_records p ON p.id = n.policy_id
		WHERE p.unit_id IN (SELECT id FROM units WHERE path LIKE ?) ORDER BY n.marked_at DESC, p.id DESC LIMIT ?`,
		info.Published, info.Published, info.Withdrawn, scope.Path+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("list marked policies: %w", err)
	}
	var out []Marked
	for rows.Next() {
		var m Marked
		var at sql.NullTime
		if err := rows.Scan(&m.Policy.ID, &m.Policy.IndexNo, &m.Policy.Title, &m.Policy.Status, &m.Policy.Unit.ID, &m.Need.MarkedBy, &m.Need.MarkedAt,
			&m.Need.AloneReason, &m.Need.AloneBy, &at, &m.Published, &m.Pending); err != nil {
			rows.Close()
			return nil, err
		}
		m.Need.PolicyID, m.Need.AloneAt = m.Policy.ID, at.Time
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	units := org.NewMemo(q)
	for i := range out {
		if out[i].Policy.Unit, err = units.ByID(ctx, out[i].Policy.Unit.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Synced is a published policy marked as needing interpretation, with
// when it and its first interpretation went out, for the inspection rule
// interpretation_sync.
type Synced struct {
	Policy      Policy
	PublishedAt time.Time
	// First is when its first interpretation still published was
	// published, before the moment asked for; zero for none.
	First time.Time
}

// SyncedIn returns the policies of scope's subtree marked as needing
// interpretation that were published in [since, before) and are still
// published, oldest first, each with its first interpretation published
// before before.
func SyncedIn(ctx context.Context, q db.Querier, scope org.Unit, since, before time.Time) ([]Synced, error) {
	rows, err := q.Query(ctx, `SELECT p.id, p.index_no, p.title, p.status, p.unit_id, p.published_at
		FROM interpret_needs n JOIN info_records p ON p.id = n.policy_id
		WHERE p.unit_id IN (SELECT id FROM units WHERE path LIKE ?) AND p.status = ? AND p.published_at >= ? AND p.published_at < ?
		ORDER BY p.published_at, p.id`, scope.Path+"%", info.Published, since.UTC(), before.UTC())
	if err != nil {
		return nil, fmt.Errorf("list published policies to interpret: %w", err)
	}
	var out []Synced
	for rows.Next() {
		var s Synced
		if err := rows.Scan(&s.Policy.ID, &s.Policy.IndexNo, &s.Policy.Title, &s.Policy.Status, &s.Policy.Unit.ID, &s.PublishedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	units := org.NewMemo(q)
	for i := range out {
		if out[i].Policy.Unit, err = units.ByID(ctx, out[i].Policy.Unit.ID); err != nil {
			return nil, err
		}
		if out[i].First, err = firstPublished(ctx, q, out[i].Policy.ID, time.Time{}, before); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// firstPublished is when the first interpretation of policyID still
// published went out in (after, before); zero for none. (A row, not
// MIN(): SQLite gives an aggregate of timestamps back as text.)
func firstPublished(ctx context.Context, q db.Querier, policyID int64, after, before time.Time) (time.Time, error) {
	var t time.Time
	err := q.QueryRow(ctx, `SELECT r.published_at FROM interpretations i JOIN info_records r ON r.id = i.record_id
		WHERE i.policy_id = ? AND r.status = ? AND r.published_at > ? AND r.published_at < ? ORDER BY r.published_at LIMIT 1`,
		policyID, info.Published, after.UTC(), before.UTC()).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return t, err
}

// PublicUnits returns the units with published interpretations, by code,
// for the portal's filter.
func PublicUnits(ctx context.Context, q db.Querier) ([]org.Unit, error) {
	ids, err := idsOf(ctx, q, `SELECT DISTINCT r.unit_id FROM interpretations i JOIN info_records r ON r.id = i.record_id WHERE r.status = ?`, info.Published)
	if err != nil {
		return nil, fmt.Errorf("list units with interpretations: %w", err)
	}
	units := org.NewMemo(q)
	out := make([]org.Unit, 0, len(ids))
	for _, id := range ids {
		u, err := units.ByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b org.Unit) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

// idsOf returns the ids a query of one column gives.
func idsOf(ctx context.Context, q db.Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
