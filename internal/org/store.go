package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"gongkai/internal/audit"
	"gongkai/internal/db"
	"gongkai/internal/errs"
)

const unitCols = `u.id, u.code, u.name, u.name_en, u.kind, u.level, COALESCE(u.parent_id, 0), COALESCE(p.code, ''), u.path, u.sort, u.created_at, u.updated_at`
const unitFrom = ` FROM units u LEFT JOIN units p ON p.id = u.parent_id`

func scanUnit(s interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	err := s.Scan(&u.ID, &u.Code, &u.Name, &u.NameEn, &u.Kind, &u.Level, &u.ParentID, &u.ParentCode, &u.Path, &u.Sort, &u.CreatedAt, &u.UpdatedAt)
	return u, err
}

func queryUnits(ctx context.Context, q db.Querier, where string, args ...any) ([]Unit, error) {
	rows, err := q.Query(ctx, "SELECT "+unitCols+unitFrom+" "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("query units: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("scan unit: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func getUnit(ctx context.Context, q db.Querier, where string, arg any, label string) (Unit, error) {
	u, err := scanUnit(q.QueryRow(ctx, "SELECT "+unitCols+unitFrom+" WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, errs.New(errs.NotFound, "unit.not_found", label)
	}
	if err != nil {
		return Unit{}, fmt.Errorf("get unit %s: %w", label, err)
	}
	return u, nil
}

// ByCode returns the unit with the given code. It returns a NotFound error
// if there is none.
func ByCode(ctx context.Context, q db.Querier, code string) (Unit, error) {
	return getUnit(ctx, q, "u.code = ?", code, code)
}

// ByID returns the unit with the given ID. It returns a NotFound error if
// there is none.
func ByID(ctx context.Context, q db.Querier, id int64) (Unit, error) {
	return getUnit(ctx, q, "u.id = ?", id, strconv.FormatInt(id, 10))
}

// Subtree returns root and every unit under it, in hierarchy order.
func Subtree(ctx context.Context, q db.Querier, root Unit) ([]Unit, error) {
	return queryUnits(ctx, q, "WHERE u.path LIKE ? ORDER BY u.path", root.Path+"%")
}

// Children returns the units directly under parent, ordered by sort and code.
func Children(ctx context.Context, q db.Querier, parentID int64) ([]Unit, error) {
	return queryUnits(ctx, q, "WHERE u.parent_id = ? ORDER BY u.sort, u.code", parentID)
}

// Roots returns the units without a parent.
func Roots(ctx context.Context, q db.Querier) ([]Unit, error) {
	return queryUnits(ctx, q, "WHERE u.parent_id IS NULL ORDER BY u.sort, u.code")
}

// OfKind returns the units of kind k inside root's subtree.
func OfKind(ctx context.Context, q db.Querier, root Unit, k Kind) ([]Unit, error) {
	return queryUnits(ctx, q, "WHERE u.path LIKE ? AND u.kind = ? ORDER BY u.sort, u.code", root.Path+"%", string(k))
}

// Ancestors returns the units above u, from the root down, without u.
func Ancestors(ctx context.Context, q db.Querier, u Unit) ([]Unit, error) {
	var out []Unit
	for id := u.ParentID; id != 0; {
		p, err := ByID(ctx, q, id)
		if err != nil {
			return nil, err
		}
		out = append([]Unit{p}, out...)
		id = p.ParentID
	}
	return out, nil
}

// CountByKind counts the units in root's subtree by kind.
func CountByKind(ctx context.Context, q db.Querier, root Unit) (map[Kind]int, error) {
	rows, err := q.Query(ctx, "SELECT kind, COUNT(*) FROM units WHERE path LIKE ? GROUP BY kind", root.Path+"%")
	if err != nil {
		return nil, fmt.Errorf("count units: %w", err)
	}
	defer rows.Close()
	out := map[Kind]int{}
	for rows.Next() {
		var k Kind
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// Create adds a unit and records it in the audit log. scope, when not
// nil, is the subtree the acting user may change: the parent must lie in it,
// and only a user without scope (the CLI) may create a root.
func Create(ctx context.Context, tx *db.Tx, actor string, scope *Unit, n NewUnit) (Unit, error) {
	if err := n.validate(); err != nil {
		return Unit{}, err
	}
	var parent *Unit
	if n.ParentCode != "" {
		p, err := ByCode(ctx, tx, n.ParentCode)
		if err != nil {
			if errs.KindOf(err) == errs.NotFound {
				return Unit{}, errs.InvalidField("parent", "unit.parent_not_found", n.ParentCode)
			}
			return Unit{}, err
		}
		if !parentAllowed(n.Kind, p.Kind) {
			return Unit{}, errs.InvalidField("parent", "unit.parent_kind", string(n.Kind), string(p.Kind))
		}
		parent = &p
	}
	if scope != nil && (parent == nil || !scope.Contains(*parent)) {
		return Unit{}, errs.New(errs.Forbidden, "unit.out_of_scope")
	}
	now := tx.Now()
	u := Unit{Code: n.Code, Name: n.Name, NameEn: n.NameEn, Kind: n.Kind, Level: levelOf(n.Kind, parent), Sort: n.Sort, CreatedAt: now, UpdatedAt: now}
	var parentID any
	if parent != nil {
		u.ParentID, u.ParentCode, parentID = parent.ID, parent.Code, parent.ID
	}
	err := tx.QueryRow(ctx, `INSERT INTO units (code, name, name_en, kind, level, parent_id, path, sort, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?) RETURNING id`,
		u.Code, u.Name, u.NameEn, string(u.Kind), string(u.Level), parentID, u.Sort, now, now).Scan(&u.ID)
	if db.IsUniqueViolation(err) {
		return Unit{}, errs.InvalidField("code", "unit.code_taken", n.Code)
	}
	if err != nil {
		return Unit{}, fmt.Errorf("insert unit: %w", err)
	}
	u.Path = "/" + strconv.FormatInt(u.ID, 10) + "/"
	if parent != nil {
		u.Path = parent.Path + strconv.FormatInt(u.ID, 10) + "/"
	}
	if _, err := tx.Exec(ctx, "UPDATE units SET path = ? WHERE id = ?", u.Path, u.ID); err != nil {
		return Unit{}, fmt.Errorf("set unit path: %w", err)
	}
	if err := audit.Append(ctx, tx, actor, "unit.create", "unit", u.Code, map[string]any{
		"name": u.Name, "kind": u.Kind, "parent": u.ParentCode}); err != nil {
		return Unit{}, err
	}
	return u, nil
}

// UnitChange is the input for Update.
type UnitChange struct {
	Name   string
	NameEn string
	Sort   int
}

// Update changes a unit's names and sort order. It returns a NotFound error
// if the unit does not exist and a Forbidden error if it lies outside scope.
func Update(ctx context.Context, tx *db.Tx, actor string, scope *Unit, code string, c UnitChange) (Unit, error) {
	u, err := ByCode(ctx, tx, code)
	if err != nil {
		return Unit{}, err
	}
	if scope != nil && !scope.Contains(u) {
		return Unit{}, errs.New(errs.Forbidden, "unit.out_of_scope")
	}
	return update(ctx, tx, actor, u, c)
}

func update(ctx context.Context, tx *db.Tx, actor string, u Unit, c UnitChange) (Unit, error) {
	if err := validateName(c.Name, c.NameEn); err != nil {
		return Unit{}, err
	}
	if _, err := tx.Exec(ctx, "UPDATE units SET name = ?, name_en = ?, sort = ?, updated_at = ? WHERE id = ?",
		c.Name, c.NameEn, c.Sort, tx.Now(), u.ID); err != nil {
		return Unit{}, fmt.Errorf("update unit: %w", err)
	}
	if err := audit.Append(ctx, tx, actor, "unit.update", "unit", u.Code, map[string]any{
		"name": [2]string{u.Name, c.Name}, "name_en": [2]string{u.NameEn, c.NameEn}, "sort": [2]int{u.Sort, c.Sort}}); err != nil {
		return Unit{}, err
	}
	u.Name, u.NameEn, u.Sort, u.UpdatedAt = c.Name, c.NameEn, c.Sort, tx.Now()
	return u, nil
}
