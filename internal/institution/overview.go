package institution

import (
	"context"
	"fmt"

	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
)

// Figures is what a supervising department sees of one institution: its
// catalogs, how many of their items have published information, and its
// latest inspection result.
type Figures struct {
	Unit       org.Unit
	Supervisor org.Unit // zero when none is known
	Catalogs   []catalog.Summary
	// Published counts the catalogs in force; Items their items and
	// Loaded the items with published information.
	Published, Items, Loaded int
	Records                  int // published records
	Inspected                bool
	Inspection               inspect.Latest
}

// Overview returns the figures of each institution, in order.
func Overview(ctx context.Context, q db.Querier, units []org.Unit) ([]Figures, error) {
	out := make([]Figures, 0, len(units))
	for _, u := range units {
		f := Figures{Unit: u}
		sup, err := Supervisor(ctx, q, u)
		if err != nil && errs.KindOf(err) != errs.NotFound {
			return nil, err
		}
		f.Supervisor = sup
		if f.Catalogs, err = catalog.List(ctx, q, u, nil); err != nil {
			return nil, err
		}
		var own []catalog.Summary
		for _, c := range f.Catalogs {
			if c.UnitCode != u.Code {
				continue // an institution under it keeps its own
			}
			own = append(own, c)
			if c.PublishedVersion > 0 {
				f.Published++
				f.Items += c.Items
			}
		}
		f.Catalogs = own
		err = q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT DISTINCT i.catalog_id, i.item_key FROM info_items i
			JOIN info_records r ON r.id = i.record_id JOIN catalogs c ON c.id = i.catalog_id
			WHERE c.unit_id = ? AND c.published_version > 0 AND r.status = 'published') x`, u.ID).Scan(&f.Loaded)
		if err == nil {
			err = q.QueryRow(ctx, `SELECT COUNT(*) FROM info_records WHERE unit_id = ? AND status = 'published'`, u.ID).Scan(&f.Records)
		}
		if err != nil {
			return nil, fmt.Errorf("institution figures: %w", err)
		}
		if f.Inspection, f.Inspected, err = inspect.LatestScore(ctx, q, u.ID); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}
