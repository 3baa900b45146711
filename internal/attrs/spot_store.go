package attrs

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

func insertSpotCheck(ctx context.Context, tx *db.Tx, c *SpotCheck) error {
	err := tx.QueryRow(ctx, `INSERT INTO attr_spot_checks (office_id, year, sample_size, seed, status, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.Office.ID, c.Year, c.SampleSize, c.Seed, c.Status, c.CreatedBy, c.CreatedAt).Scan(&c.ID)
	if db.IsUniqueViolation(err) {
		return errs.New(errs.Conflict, "attrs.spot_exists", c.Year)
	}
	if err != nil {
		return fmt.Errorf("add spot check: %w", err)
	}
	return nil
}

func saveSpotCheck(ctx context.Context, tx *db.Tx, c SpotCheck) error {
	_, err := tx.Exec(ctx, `UPDATE attr_spot_checks SET status = ?, closed_by = ?, closed_at = ? WHERE id = ?`, c.Status, c.ClosedBy, nullTime(c.ClosedAt), c.ID)
	if err != nil {
		return fmt.Errorf("update spot check: %w", err)
	}
	return nil
}

func insertSpotItem(ctx context.Context, tx *db.Tx, check, record, unit int64) error {
	if _, err := tx.Exec(ctx, `INSERT INTO attr_spot_items (check_id, record_id, unit_id) VALUES (?, ?, ?)`, check, record, unit); err != nil {
		return fmt.Errorf("add spot check item: %w", err)
	}
	return nil
}

func saveSpotItem(ctx context.Context, tx *db.Tx, it SpotItem) error {
	_, err := tx.Exec(ctx, `UPDATE attr_spot_items SET proposed = ?, marked = ?, correct = ?, note = ?, checked_by = ?, checked_at = ? WHERE id = ?`,
		it.Proposed, it.Marked, it.Correct, it.Note, it.CheckedBy, nullTime(it.CheckedAt), it.ID)
	if err != nil {
		return fmt.Errorf("update spot check item: %w", err)
	}
	return nil
}

// issuedIn returns, by unit, the ids of the documents the units under root
// issued in year (written that year, approved or published).
func issuedIn(ctx context.Context, q db.Querier, root org.Unit, year int) (map[int64][]int64, error) {
	y := strconv.Itoa(year)
	rows, err := q.Query(ctx, `SELECT r.id, r.unit_id FROM info_records r JOIN units u ON u.id = r.unit_id
		WHERE u.path LIKE ? AND r.written_date >= ? AND r.written_date <= ? AND `+issued+` ORDER BY r.unit_id, r.id`,
		root.Path+"%", y+"-01-01", y+"-12-31")
	if err != nil {
		return nil, fmt.Errorf("documents issued: %w", err)
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var id, unit int64
		if err := rows.Scan(&id, &unit); err != nil {
			return nil, err
		}
		out[unit] = append(out[unit], id)
	}
	return out, rows.Err()
}

const spotCols = `c.id, c.office_id, c.year, c.sample_size, c.seed, c.status, c.created_by, c.created_at, c.closed_by, c.closed_at`

func spotChecks(ctx context.Context, q db.Querier, where string, args ...any) ([]SpotCheck, error) {
	return collect(ctx, q, "spot checks", func(r row) (SpotCheck, error) {
		var c SpotCheck
		var closed sql.NullTime
		err := r.Scan(&c.ID, &c.Office.ID, &c.Year, &c.SampleSize, &c.Seed, &c.Status, &c.CreatedBy, &c.CreatedAt, &c.ClosedBy, &closed)
		c.ClosedAt = closed.Time
		return c, err
	}, func(c *SpotCheck) *org.Unit { return &c.Office },
		`SELECT `+spotCols+` FROM attr_spot_checks c WHERE (`+where+`) ORDER BY c.year DESC, c.id DESC`, args...)
}

// SpotChecks returns the spot checks a sees, newest year first: an
// office's those opened in its subtree, and anyone's those drawing
// documents of its subtree.
func SpotChecks(ctx context.Context, q db.Querier, a auth.Account) ([]SpotCheck, error) {
	if !MayUse(a) {
		return nil, nil
	}
	sub := a.Unit.Path + "%"
	return spotChecks(ctx, q, `c.office_id IN (SELECT id FROM units WHERE path LIKE ?) OR c.id IN (SELECT i.check_id FROM attr_spot_items i
		JOIN units u ON u.id = i.unit_id WHERE u.path LIKE ?)`, sub, sub)
}

// SpotCheckFor returns check id if a sees it (see SpotChecks), and the
// units whose documents a sees in it: nil for all of them (a may run the
// check), or a's unit for its subtree. It returns a NotFound error for a
// check a does not see.
func SpotCheckFor(ctx context.Context, q db.Querier, a auth.Account, id int64) (SpotCheck, *org.Unit, error) {
	notFound := errs.New(errs.NotFound, "attrs.spot_not_found", id)
	cs, err := spotChecks(ctx, q, `c.id = ?`, id)
	if err != nil {
		return SpotCheck{}, nil, err
	}
	if len(cs) == 0 || !MayUse(a) {
		return SpotCheck{}, nil, notFound
	}
	c := cs[0]
	if CanRunSpot(a, c) {
		return c, nil, nil
	}
	if ok, err := holdsUnder(ctx, q, "attr_spot_items", "check_id", c.ID, a.Unit); err != nil || !ok {
		return SpotCheck{}, nil, cmp.Or(err, error(notFound))
	}
	return c, &a.Unit, nil
}

const spotItemCols = `i.id, i.check_id, i.unit_id, i.proposed, i.marked, i.correct, i.note, i.checked_by, i.checked_at, ` + docCols

// SpotItems returns the documents drawn in check c, of the units under
// scope (all when nil), by unit code and 索引号.
func SpotItems(ctx context.Context, q db.Querier, c SpotCheck, scope *org.Unit) ([]SpotItem, error) {
	where, args := `i.check_id = ?`, []any{c.ID}
	if scope != nil {
		where, args = where+` AND u.path LIKE ?`, append(args, scope.Path+"%")
	}
	return spotItems(ctx, q, where, args...)
}

// SpotItemOf returns item id of check c if it lies under scope (any when
// nil), or a NotFound error.
func SpotItemOf(ctx context.Context, q db.Querier, c SpotCheck, scope *org.Unit, id int64) (SpotItem, error) {
	where, args := `i.check_id = ? AND i.id = ?`, []any{c.ID, id}
	if scope != nil {
		where, args = where+` AND u.path LIKE ?`, append(args, scope.Path+"%")
	}
	items, err := spotItems(ctx, q, where, args...)
	if err != nil {
		return SpotItem{}, err
	}
	if len(items) == 0 {
		return SpotItem{}, errs.New(errs.NotFound, "attrs.item_not_found", id)
	}
	return items[0], nil
}

func spotItems(ctx context.Context, q db.Querier, where string, args ...any) ([]SpotItem, error) {
	return collect(ctx, q, "spot check items", func(r row) (SpotItem, error) {
		var it SpotItem
		var at sql.NullTime
		dst := []any{&it.ID, &it.CheckID, &it.Unit.ID, &it.Proposed, &it.Marked, &it.Correct, &it.Note, &it.CheckedBy, &at}
		err := r.Scan(scanDoc(dst, &it.Doc)...)
		it.CheckedAt = at.Time
		return it, err
	}, func(it *SpotItem) *org.Unit { return &it.Unit }, `SELECT `+spotItemCols+` FROM attr_spot_items i JOIN info_records r ON r.id = i.record_id
		JOIN units u ON u.id = i.unit_id WHERE `+where+` ORDER BY u.code, r.index_no`, args...)
}
