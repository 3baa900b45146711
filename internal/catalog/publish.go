package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// PublishedCatalog is the published version of a unit's catalog for one
// domain, as the portal shows it.
type PublishedCatalog struct {
	ID          int64         `json:"-"`
	Unit        org.Unit      `json:"-"`
	Domain      Domain        `json:"domain"`
	Version     int           `json:"version"`
	PublishedAt time.Time     `json:"published_at"`
	Items       []CatalogItem `json:"items"`
}

// MarshalJSON gives the catalog as the API does, its publication moment in
// China time (calendar.Timestamp).
func (c PublishedCatalog) MarshalJSON() ([]byte, error) {
	type plain PublishedCatalog
	return json.Marshal(struct {
		plain
		PublishedAt string `json:"published_at"`
	}{plain(c), calendar.Timestamp(c.PublishedAt)})
}

// PublishedIn returns the published catalogs of the units in the subtree of
// root (root alone when subtree is false), by unit path and domain order.
func PublishedIn(ctx context.Context, q db.Querier, root org.Unit, subtree bool) ([]PublishedCatalog, error) {
	if subtree {
		return published(ctx, q, currentVersion, `u.path LIKE ?`, root.Path+"%")
	}
	return published(ctx, q, currentVersion, `u.id = ?`, root.ID)
}

// PublishedAsOf returns the catalogs of the units in root's subtree as
// they were published before the instant before: each catalog's newest
// version published by then.
func PublishedAsOf(ctx context.Context, q db.Querier, root org.Unit, before time.Time) ([]PublishedCatalog, error) {
	return published(ctx, q, `v.version = (SELECT MAX(v2.version) FROM catalog_versions v2 WHERE v2.catalog_id = c.id AND v2.status = 'published' AND v2.at < ?)`,
		`u.path LIKE ?`, before.UTC(), root.Path+"%")
}

// currentVersion joins each catalog's version in force.
const currentVersion = `v.version = c.published_version`

// PublishedFor returns unit u's published catalog for the domain with the
// given code, or a NotFound error.
func PublishedFor(ctx context.Context, q db.Querier, u org.Unit, domainCode string) (PublishedCatalog, error) {
	cs, err := published(ctx, q, currentVersion, `u.id = ? AND d.code = ?`, u.ID, domainCode)
	if err != nil {
		return PublishedCatalog{}, err
	}
	if len(cs) == 0 {
		return PublishedCatalog{}, errs.New(errs.NotFound, "catalog.not_found", u.Name, domainCode)
	}
	return cs[0], nil
}

// published returns the published catalogs matching a condition on the
// unit u and domain d, in the version v that version picks.
func published(ctx context.Context, q db.Querier, version, where string, args ...any) ([]PublishedCatalog, error) {
	rows, err := q.Query(ctx, `SELECT c.id, u.id, d.id, d.code, d.name, d.name_2017, d.lead, d.doc_number, COALESCE(d.unit_id, 0), v.version, v.at, v.items
		FROM catalogs c JOIN units u ON u.id = c.unit_id JOIN domains d ON d.id = c.domain_id
		JOIN catalog_versions v ON v.catalog_id = c.id AND `+version+` AND v.status = 'published'
		WHERE c.published_version > 0 AND `+where+` ORDER BY u.path, u.sort, d.unit_id IS NOT NULL, d.sort, d.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list published catalogs: %w", err)
	}
	var out []PublishedCatalog
	var unitIDs []int64
	for rows.Next() {
		var pc PublishedCatalog
		var unitID int64
		var items string
		err := rows.Scan(&pc.ID, &unitID, &pc.Domain.ID, &pc.Domain.Code, &pc.Domain.Name, &pc.Domain.Name2017, &pc.Domain.Lead,
			&pc.Domain.DocNumber, &pc.Domain.unitID, &pc.Version, &pc.PublishedAt, &items)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(items), &pc.Items); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, pc)
		unitIDs = append(unitIDs, unitID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	units := org.NewMemo(q)
	for i, id := range unitIDs {
		if out[i].Unit, err = units.ByID(ctx, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PublishedCounts returns how many published catalogs (one per domain) each
// unit in root's subtree has, by unit ID; a unit with none is absent.
func PublishedCounts(ctx context.Context, q db.Querier, root org.Unit) (map[int64]int, error) {
	rows, err := q.Query(ctx, `SELECT c.unit_id, COUNT(*) FROM catalogs c JOIN units u ON u.id = c.unit_id
		WHERE c.published_version > 0 AND u.path LIKE ? GROUP BY c.unit_id`, root.Path+"%")
	if err != nil {
		return nil, fmt.Errorf("count published catalogs: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
