package figures

import (
	"context"
	"fmt"
	"time"

	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// Catalogs is what a unit's disclosure-item catalogs (标准目录) stand at
// at the end of a year.
type Catalogs struct {
	// Kept counts the catalogs the unit compiled, in any state.
	Kept int
	// Published counts those published by the year's end; Domains names
	// their domains.
	Published int
	Domains   []string
	// Items counts the items of the published catalogs, in the versions
	// in force at the year's end; Loaded those with published information
	// loaded against them by then.
	Items, Loaded int
	// Unparsed counts the items of the working copies whose 公开时限
	// cannot be read into a rule.
	Unparsed int
}

// Unloaded is the items without information.
func (c Catalogs) Unloaded() int { return c.Items - c.Loaded }

// Map returns the figures by key, as reports show them.
func (c Catalogs) Map() map[string]any {
	return map[string]any{"catalogs_kept": c.Kept, "catalogs_published": c.Published, "items": c.Items,
		"items_loaded": c.Loaded, "items_unloaded": c.Unloaded(), "loaded_percent": Percent(c.Loaded, c.Items), "limits_unparsed": c.Unparsed}
}

// KeepsCatalogs reports whether units of kind k must publish catalogs:
// the base-level governments, their departments, towns and streets
// (区、镇（街道）, plan item 一).
func KeepsCatalogs(k org.Kind) bool {
	switch k {
	case org.District, org.DistrictDepartment, org.Town, org.Street:
		return true
	}
	return false
}

// CatalogsOf counts unit u's catalogs for period p.
func CatalogsOf(ctx context.Context, q db.Querier, u org.Unit, p Period) (Catalogs, error) {
	var c Catalogs
	list, err := catalog.List(ctx, q, u, nil)
	if err != nil {
		return c, err
	}
	for _, s := range list {
		if s.UnitCode == u.Code {
			c.Kept++
			c.Unparsed += s.Unparsed
		}
	}
	pubs, err := catalog.PublishedAsOf(ctx, q, u, p.End)
	if err != nil {
		return c, err
	}
	for _, pc := range pubs {
		if pc.Unit.ID != u.ID {
			continue
		}
		n, err := LoadedItems(ctx, q, pc, p.End)
		if err != nil {
			return c, err
		}
		c.Published++
		c.Domains = append(c.Domains, pc.Domain.Name)
		c.Items += len(pc.Items)
		c.Loaded += n
	}
	return c, nil
}

// LoadedItems counts the items of published catalog pc that have
// information published before the instant before loaded against them
// (the inspection's 信息挂载 reads the same links).
func LoadedItems(ctx context.Context, q db.Querier, pc catalog.PublishedCatalog, before time.Time) (int, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT i.item_key FROM info_items i JOIN info_records r ON r.id = i.record_id
		WHERE i.catalog_id = ? AND r.status = ? AND r.published_at < ?`, pc.ID, info.Published, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("count loaded items: %w", err)
	}
	defer rows.Close()
	loaded := map[string]bool{}
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			return 0, err
		}
		loaded[key] = true
	}
	n := 0
	for _, it := range pc.Items {
		if loaded[it.Key()] {
			n++
		}
	}
	return n, rows.Err()
}

// Information is what a unit published in a year (政府信息).
type Information struct {
	// Published counts the records published in the year and still
	// published; ByColumn the same per sub-column (info.Columns).
	Published int
	ByColumn  map[string]int
	// Loaded counts those of them loaded against catalog items.
	Loaded int
	// Withdrawn counts the records taken off the portal in the year.
	Withdrawn int
}

// Map returns the figures by key.
func (f Information) Map() map[string]any {
	m := map[string]any{"published": f.Published, "loaded": f.Loaded, "withdrawn": f.Withdrawn}
	for _, col := range info.Columns {
		m["column_"+col] = f.ByColumn[col]
	}
	return m
}

// InformationOf counts unit u's records for period p.
func InformationOf(ctx context.Context, q db.Querier, u org.Unit, p Period) (Information, error) {
	f := Information{ByColumn: map[string]int{}}
	rows, err := q.Query(ctx, `SELECT r.column_code, COUNT(*),
		SUM(CASE WHEN EXISTS (SELECT 1 FROM info_items i WHERE i.record_id = r.id) THEN 1 ELSE 0 END)
		FROM info_records r WHERE r.unit_id = ? AND r.status = ? AND r.published_at >= ? AND r.published_at < ? GROUP BY r.column_code`,
		u.ID, info.Published, p.Start, p.End)
	if err != nil {
		return f, fmt.Errorf("count records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var col string
		var n, loaded int
		if err := rows.Scan(&col, &n, &loaded); err != nil {
			return f, err
		}
		f.ByColumn[col] += n
		f.Published += n
		f.Loaded += loaded
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	// A withdrawn record keeps the time of its last change: the withdrawal.
	f.Withdrawn, err = count(ctx, q, "withdrawn records", `SELECT COUNT(*) FROM info_records WHERE unit_id = ? AND status = ? AND updated_at >= ? AND updated_at < ?`,
		u.ID, info.Withdrawn, p.Start, p.End)
	return f, err
}
