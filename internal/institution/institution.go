// Package institution is the disclosure of public institutions
// (公共企事业单位: schools, hospitals, water, power, gas and public
// transport, plan item 十八): which department supervises each (主管部门),
// what the department sees of their catalogs, loading and inspection, and
// the department's yearly supervision report. It knows nothing of HTTP.
package institution

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// IsDepartment reports whether units of kind k supervise institutions:
// city and district departments (市、区主管部门).
func IsDepartment(k org.Kind) bool { return k == org.CityDepartment || k == org.DistrictDepartment }

// Supervisor returns the department that supervises institution u: the
// one recorded for it, or else its parent when the parent is a department.
// It returns a NotFound error when u has none.
func Supervisor(ctx context.Context, q db.Querier, u org.Unit) (org.Unit, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT supervisor_id FROM institution_supervisors WHERE unit_id = ?`, u.ID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if u.ParentID == 0 {
			return org.Unit{}, errs.New(errs.NotFound, "inst.no_supervisor", u.Name)
		}
		p, err := org.ByID(ctx, q, u.ParentID)
		if err != nil {
			return org.Unit{}, err
		}
		if !IsDepartment(p.Kind) {
			return org.Unit{}, errs.New(errs.NotFound, "inst.no_supervisor", u.Name)
		}
		return p, nil
	case err != nil:
		return org.Unit{}, fmt.Errorf("load supervisor: %w", err)
	}
	return org.ByID(ctx, q, id)
}

// Visible returns the institutions a may see: those in its unit's subtree
// and those supervised by a department in it, by path.
func Visible(ctx context.Context, q db.Querier, a auth.Account) ([]org.Unit, error) {
	return within(ctx, q, a.Unit.Path+"%")
}

// Supervised returns the institutions department dept supervises, and
// those of its subtree.
func Supervised(ctx context.Context, q db.Querier, dept org.Unit) ([]org.Unit, error) {
	return within(ctx, q, dept.Path+"%")
}

// within returns the institutions under path or supervised from under it.
func within(ctx context.Context, q db.Querier, path string) ([]org.Unit, error) {
	rows, err := q.Query(ctx, `SELECT u.id FROM units u
		LEFT JOIN institution_supervisors s ON s.unit_id = u.id
		LEFT JOIN units sup ON sup.id = COALESCE(s.supervisor_id, u.parent_id)
		WHERE u.kind = ? AND (u.path LIKE ? OR sup.path LIKE ?) ORDER BY u.path`, string(org.PublicInstitution), path, path)
	if err != nil {
		return nil, fmt.Errorf("list institutions: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]org.Unit, 0, len(ids))
	for _, id := range ids {
		u, err := org.ByID(ctx, q, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// CanSee reports whether a may see institution u's catalogs, loading and
// inspection results: anyone with u in scope, and the accounts of its
// supervising department or above it.
func CanSee(ctx context.Context, q db.Querier, a auth.Account, u org.Unit) (bool, error) {
	if u.Kind != org.PublicInstitution {
		return false, nil
	}
	if a.InScope(u) {
		return true, nil
	}
	sup, err := Supervisor(ctx, q, u)
	if errs.KindOf(err) == errs.NotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return a.InScope(sup), nil
}

// CanSetSupervisor reports whether a may record the department that
// supervises u: administrators and the offices with u in scope.
func CanSetSupervisor(a auth.Account, u org.Unit) bool {
	if !a.InScope(u) {
		return false
	}
	switch a.Role {
	case auth.Admin, auth.PublicOfficeCity, auth.PublicOfficeDistrict:
		return true
	}
	return false
}

// SetSupervisor records dept as the department supervising institution
// u, both in a's scope. It returns an Invalid error naming the field when
// u is not an institution or dept not a department.
func SetSupervisor(ctx context.Context, tx *db.Tx, a auth.Account, u, dept org.Unit) error {
	if u.Kind != org.PublicInstitution {
		return errs.InvalidField("unit", "inst.not_institution", u.Name)
	}
	if !CanSetSupervisor(a, u) {
		return errs.New(errs.Forbidden, "inst.forbidden")
	}
	if !IsDepartment(dept.Kind) || !a.InScope(dept) {
		return errs.InvalidField("supervisor", "inst.not_department", dept.Name)
	}
	_, err := tx.Exec(ctx, `INSERT INTO institution_supervisors (unit_id, supervisor_id, set_by, set_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (unit_id) DO UPDATE SET supervisor_id = excluded.supervisor_id, set_by = excluded.set_by, set_at = excluded.set_at`,
		u.ID, dept.ID, a.Login, tx.Now())
	if err != nil {
		return fmt.Errorf("set supervisor: %w", err)
	}
	return audit.Append(ctx, tx, a.Login, "inst.supervisor", "unit", u.Code, map[string]any{"supervisor": dept.Code})
}
