package info

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

func itemsOf(ctx context.Context, q db.Querier, recordID int64) ([]ItemRef, error) {
	rows, err := q.Query(ctx, `SELECT i.catalog_id, u.code, d.code, d.name, i.item_key FROM info_items i
		JOIN catalogs c ON c.id = i.catalog_id JOIN units u ON u.id = c.unit_id JOIN domains d ON d.id = c.domain_id
		WHERE i.record_id = ? ORDER BY d.sort, i.item_key`, recordID)
	if err != nil {
		return nil, fmt.Errorf("load record items: %w", err)
	}
	defer rows.Close()
	var out []ItemRef
	for rows.Next() {
		var it ItemRef
		if err := rows.Scan(&it.CatalogID, &it.UnitCode, &it.DomainCode, &it.DomainName, &it.Key); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// LinkItems sets the catalog items of the record's unit that it is loaded
// against, by item name (二级事项, or 一级事项 where there is none) within
// the catalog of the given domain.
func LinkItems(ctx context.Context, tx *db.Tx, a auth.Account, r Record, d catalog.Domain, names []string) (Record, error) {
	if !CanEdit(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.forbidden")
	}
	c, err := catalog.Load(ctx, tx, r.Unit, d)
	if err != nil {
		return Record{}, err
	}
	var keys []string
	for _, name := range names {
		key := itemKey(c.Items, name)
		if key == "" {
			return Record{}, errs.InvalidField("items", "info.no_item", name, d.Name)
		}
		keys = append(keys, key)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM info_items WHERE record_id = ? AND catalog_id = ?`, r.ID, c.ID); err != nil {
		return Record{}, fmt.Errorf("clear record items: %w", err)
	}
	for _, k := range keys {
		if _, err := tx.Exec(ctx, `INSERT INTO info_items (record_id, catalog_id, item_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, r.ID, c.ID, k); err != nil {
			return Record{}, fmt.Errorf("link record item: %w", err)
		}
	}
	if r.Items, err = itemsOf(ctx, tx, r.ID); err != nil {
		return Record{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "info.link_items", "info", r.IndexNo, map[string]any{"domain": d.Name, "items": names})
}

// itemKey returns the key of the item named name — by its name (二级事项,
// or 一级事项 where there is none) or its key — or "" if none is.
func itemKey(items []catalog.CatalogItem, name string) string {
	for _, it := range items {
		if it.Name() == name || it.Key() == name {
			return it.Key()
		}
	}
	return ""
}

// CatalogRecords returns, for each item of a catalog, up to perItem of the
// published records loaded against it, newest first: what a catalog page
// lists, in one query. The records come without body text.
func CatalogRecords(ctx context.Context, q db.Querier, catalogID int64, perItem int) (map[string][]Record, error) {
	rows, err := q.Query(ctx, `SELECT x.item_key, `+listCols+` FROM (
			SELECT i.item_key, i.record_id, ROW_NUMBER() OVER (PARTITION BY i.item_key ORDER BY r.published_at DESC, r.id DESC) AS n
			FROM info_items i JOIN info_records r ON r.id = i.record_id
			WHERE i.catalog_id = ? AND r.status = 'published') x
		JOIN info_records r ON r.id = x.record_id
		WHERE x.n <= ? ORDER BY x.item_key, x.n`, catalogID, perItem)
	if err != nil {
		return nil, fmt.Errorf("catalog records: %w", err)
	}
	defer rows.Close()
	out := map[string][]Record{}
	for rows.Next() {
		var key string
		r, err := scanRecord(prefixScanner{rows, &key})
		if err != nil {
			return nil, err
		}
		out[key] = append(out[key], r)
	}
	return out, rows.Err()
}

// prefixScanner scans a leading column into dst, then the rest as a
// record.
type prefixScanner struct {
	s   interface{ Scan(...any) error }
	dst any
}

func (p prefixScanner) Scan(dest ...any) error { return p.s.Scan(append([]any{p.dst}, dest...)...) }

// list returns records matching a condition, without items and attachments.
func list(ctx context.Context, q db.Querier, where string, args ...any) ([]Record, error) {
	return listFrom(ctx, q, `info_records r`, where, args...)
}

// listFrom is list over other tables joined to info_records r.
func listFrom(ctx context.Context, q db.Querier, from, where string, args ...any) ([]Record, error) {
	rows, err := q.Query(ctx, `SELECT `+recordCols+` FROM `+from+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list records: %w", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Filter selects published records for lists and feeds.
type Filter struct {
	UnitID    int64
	Column    string
	CatalogID int64
	ItemKey   string
	Limit     int
	Offset    int
}

// PublishedRecords returns published records, newest first. Lists of a
// catalog or item are driven from the item links, so they cost the same in
// a city of a million records as in a small one.
func PublishedRecords(ctx context.Context, q db.Querier, f Filter) ([]Record, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	if f.CatalogID != 0 {
		// CROSS JOIN keeps SQLite from walking every published record in
		// date order: the item's links come first, then their records.
		where := `r.id = i.record_id AND i.catalog_id = ?`
		args := []any{f.CatalogID}
		if f.ItemKey != "" {
			where += ` AND i.item_key = ?`
			args = append(args, f.ItemKey)
		}
		where += ` AND r.status = 'published'`
		args = append(args, f.Limit, f.Offset)
		return listFrom(ctx, q, `info_items i CROSS JOIN info_records r`, where+` ORDER BY r.published_at DESC, r.id DESC LIMIT ? OFFSET ?`, args...)
	}
	where, args := f.where()
	args = append(args, f.Limit, f.Offset)
	return list(ctx, q, where+` ORDER BY r.published_at DESC, r.id DESC LIMIT ? OFFSET ?`, args...)
}

// where is the condition of a unit or column filter.
func (f Filter) where() (string, []any) { return f.scope(`r.status = 'published'`) }

// scope adds the unit and column of the filter to the condition where.
func (f Filter) scope(where string) (string, []any) {
	var args []any
	if f.UnitID != 0 {
		where += ` AND r.unit_id = ?`
		args = append(args, f.UnitID)
	}
	if f.Column != "" {
		where += ` AND r.column_code = ?`
		args = append(args, f.Column)
	}
	return where, args
}

// LastWithdrawal returns when a record of the filter's unit or column, or
// of its catalog or item, was last withdrawn, and the zero time if none
// ever was: the last time a list of them lost an entry. Withdrawn records
// are few, so this reads a handful of rows.
func LastWithdrawal(ctx context.Context, q db.Querier, f Filter) (time.Time, error) {
	from := `info_records r`
	where, args := f.scope(`r.status = 'withdrawn'`)
	if f.CatalogID != 0 {
		from = `info_items i CROSS JOIN info_records r`
		where, args = `r.id = i.record_id AND i.catalog_id = ? AND r.status = 'withdrawn'`, []any{f.CatalogID}
		if f.ItemKey != "" {
			where += ` AND i.item_key = ?`
			args = append(args, f.ItemKey)
		}
	}
	var t time.Time
	err := q.QueryRow(ctx, `SELECT r.updated_at FROM `+from+` WHERE `+where+` ORDER BY r.updated_at DESC LIMIT 1`, args...).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("last withdrawal: %w", err)
	}
	return t, nil
}

// CountPublished counts the published records of a unit or column filter,
// up to limit.
func CountPublished(ctx context.Context, q db.Querier, f Filter, limit int) (int, error) {
	where, args := f.where()
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM info_records r WHERE `+where+` LIMIT `+fmt.Sprint(limit)+`) m`, args...).Scan(&n)
	return n, err
}

// PublishedCount counts the published records.
func PublishedCount(ctx context.Context, q db.Querier) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM info_records WHERE status = 'published'`).Scan(&n)
	return n, err
}

// Stamp is a record's id and when it last changed, for sitemaps.
type Stamp struct {
	ID      int64
	Changed time.Time
}

// PublishedStamps returns published records by id, a page at a time.
func PublishedStamps(ctx context.Context, q db.Querier, afterID int64, limit int) ([]Stamp, error) {
	rows, err := q.Query(ctx, `SELECT id, updated_at FROM info_records WHERE status = 'published' AND id > ? ORDER BY id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Stamp
	for rows.Next() {
		var s Stamp
		if err := rows.Scan(&s.ID, &s.Changed); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ItemAny returns the records of any status loaded against an item, newest
// first by formed date.
func ItemAny(ctx context.Context, q db.Querier, catalogID int64, itemKey string, limit int) ([]Record, error) {
	return list(ctx, q, `EXISTS (SELECT 1 FROM info_items i WHERE i.record_id = r.id AND i.catalog_id = ? AND i.item_key = ?)
		AND r.status <> 'withdrawn' ORDER BY r.formed_date DESC, r.id DESC LIMIT ?`, catalogID, itemKey, limit)
}

// InScope returns the records of the units under root, of one status or
// all, newest first.
func InScope(ctx context.Context, q db.Querier, root org.Unit, status string, limit int) ([]Record, error) {
	where := `r.unit_id IN (SELECT id FROM units WHERE path LIKE ?)`
	args := []any{root.Path + "%"}
	if status != "" {
		where += ` AND r.status = ?`
		args = append(args, status)
	}
	args = append(args, limit)
	return list(ctx, q, where+` ORDER BY r.updated_at DESC, r.id DESC LIMIT ?`, args...)
}
