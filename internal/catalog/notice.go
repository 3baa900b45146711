package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Notice tells a catalog's editors what a new guideline version changed
// among the items that apply to their unit.
type Notice struct {
	ID               int64     `json:"id"`
	UnitCode         string    `json:"unit"`
	UnitName         string    `json:"unit_name"`
	DomainCode       string    `json:"domain"`
	DomainName       string    `json:"domain_name"`
	GuidelineVersion int       `json:"guideline_version"`
	Diff             Diff      `json:"diff"`
	CreatedAt        time.Time `json:"created_at"`
}

// notifyCatalogs writes a change notice for every catalog of g's domain
// compiled from an older guideline version whose applicable items differ.
func notifyCatalogs(ctx context.Context, tx *db.Tx, g Guideline) error {
	rows, err := tx.Query(ctx, `SELECT c.id, c.guideline_id, u.level FROM catalogs c JOIN units u ON u.id = c.unit_id
		WHERE c.domain_id = ? AND c.guideline_id IS NOT NULL AND c.guideline_id <> ?`, g.Domain.ID, g.ID)
	if err != nil {
		return fmt.Errorf("find catalogs to notify: %w", err)
	}
	type target struct {
		catalog, guideline int64
		level              org.Level
	}
	var ts []target
	for rows.Next() {
		var t target
		if err := rows.Scan(&t.catalog, &t.guideline, &t.level); err != nil {
			rows.Close()
			return err
		}
		ts = append(ts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	old := map[int64][]Item{}
	for _, t := range ts {
		if _, ok := old[t.guideline]; !ok {
			if old[t.guideline], err = loadItems(ctx, tx, "guideline_items", "guideline_id", t.guideline); err != nil {
				return err
			}
		}
		d := DiffItems(applicable(old[t.guideline], t.level), applicable(g.Items, t.level))
		if d.Empty() {
			continue
		}
		js, _ := json.Marshal(d)
		if _, err := tx.Exec(ctx, `INSERT INTO change_notices (catalog_id, guideline_id, diff, created_at) VALUES (?, ?, ?, ?)`,
			t.catalog, g.ID, string(js), tx.Now()); err != nil {
			return fmt.Errorf("add change notice: %w", err)
		}
	}
	return nil
}

func applicable(items []Item, l org.Level) []Item {
	var out []Item
	for _, it := range items {
		if it.AppliesTo(l) {
			out = append(out, it)
		}
	}
	return out
}

// Notices returns the open change notices of the catalogs of units in the
// subtree of root, newest first.
func Notices(ctx context.Context, q db.Querier, root org.Unit) ([]Notice, error) {
	rows, err := q.Query(ctx, `SELECT n.id, u.code, u.name, d.code, d.name, g.version, n.diff, n.created_at
		FROM change_notices n JOIN catalogs c ON c.id = n.catalog_id JOIN units u ON u.id = c.unit_id
		JOIN domains d ON d.id = c.domain_id JOIN guidelines g ON g.id = n.guideline_id
		WHERE n.done_at IS NULL AND u.path LIKE ? ORDER BY n.id DESC`, root.Path+"%")
	if err != nil {
		return nil, fmt.Errorf("list change notices: %w", err)
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		var diff string
		if err := rows.Scan(&n.ID, &n.UnitCode, &n.UnitName, &n.DomainCode, &n.DomainName, &n.GuidelineVersion, &diff, &n.CreatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(diff), &n.Diff); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// CloseNotice marks a notice as handled once the editors have brought the
// catalog in line with the new guideline, which the catalog then follows.
func CloseNotice(ctx context.Context, tx *db.Tx, a auth.Account, id int64) error {
	var catalogID, guidelineID int64
	var unitPath string
	err := tx.QueryRow(ctx, `SELECT n.catalog_id, n.guideline_id, u.path FROM change_notices n JOIN catalogs c ON c.id = n.catalog_id
		JOIN units u ON u.id = c.unit_id WHERE n.id = ? AND n.done_at IS NULL`, id).Scan(&catalogID, &guidelineID, &unitPath)
	if err != nil || !a.InScope(org.Unit{Path: unitPath}) || a.Role == auth.DomainSupervisor {
		return errs.New(errs.NotFound, "notice.not_found")
	}
	if _, err := tx.Exec(ctx, `UPDATE change_notices SET done_by = ?, done_at = ? WHERE id = ?`, a.Login, tx.Now(), id); err != nil {
		return fmt.Errorf("close notice: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE catalogs SET guideline_id = ? WHERE id = ?`, guidelineID, catalogID); err != nil {
		return fmt.Errorf("follow new guideline: %w", err)
	}
	return audit.Append(ctx, tx, a.Login, "catalog.notice_close", "change_notice", fmt.Sprint(id), nil)
}
