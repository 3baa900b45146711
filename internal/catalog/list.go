package catalog

import (
	"context"
	"fmt"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Summary is one catalog in a list: where it stands and how big it is.
type Summary struct {
	UnitCode         string    `json:"unit"`
	UnitName         string    `json:"unit_name"`
	UnitPath         string    `json:"-"`
	DomainCode       string    `json:"domain"`
	DomainName       string    `json:"domain_name"`
	Status           Status    `json:"status"`
	Version          int       `json:"version"`
	PublishedVersion int       `json:"published_version"`
	Items            int       `json:"items"`
	Unparsed         int       `json:"unparsed_limits"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// List returns the catalogs of the units in root's subtree, for one domain
// when d is not nil, by unit and domain.
func List(ctx context.Context, q db.Querier, root org.Unit, d *Domain) ([]Summary, error) {
	query := `SELECT u.code, u.name, u.path, dm.code, dm.name, c.status, c.version, c.published_version, c.updated_at,
		(SELECT COUNT(*) FROM catalog_items i WHERE i.catalog_id = c.id),
		(SELECT COUNT(*) FROM catalog_items i WHERE i.catalog_id = c.id AND i.limit_rule LIKE '{"kind":"unparsed"%')
		FROM catalogs c JOIN units u ON u.id = c.unit_id JOIN domains dm ON dm.id = c.domain_id
		WHERE u.path LIKE ?`
	args := []any{root.Path + "%"}
	if d != nil {
		query += ` AND c.domain_id = ?`
		args = append(args, d.ID)
	}
	rows, err := q.Query(ctx, query+` ORDER BY u.path, dm.sort, dm.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list catalogs: %w", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var s Summary
		if err := rows.Scan(&s.UnitCode, &s.UnitName, &s.UnitPath, &s.DomainCode, &s.DomainName, &s.Status, &s.Version, &s.PublishedVersion, &s.UpdatedAt, &s.Items, &s.Unparsed); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Grades a domain supervisor gives counterpart units.
var Grades = []string{"excellent", "good", "fair", "poor"} // 优秀 良好 一般 较差

// Grade is a supervisor's latest grade of a unit in its domain.
type Grade struct {
	UnitCode string    `json:"unit"`
	Grade    string    `json:"grade"`
	Comment  string    `json:"comment,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// SetGrade records a supervisor's grade of unit u in domain d.
func SetGrade(ctx context.Context, tx *db.Tx, a auth.Account, d Domain, u org.Unit, grade, comment string) error {
	if a.Role != auth.DomainSupervisor && a.Role != auth.Admin || !CanRead(a, u, d) {
		return errs.New(errs.Forbidden, "grade.forbidden")
	}
	ok := false
	for _, g := range Grades {
		ok = ok || g == grade
	}
	if !ok {
		return errs.InvalidField("grade", "grade.bad")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO domain_grades (domain_id, unit_id, grade, comment, graded_by, at) VALUES (?, ?, ?, ?, ?, ?)`,
		d.ID, u.ID, grade, comment, a.Login, tx.Now()); err != nil {
		return fmt.Errorf("add grade: %w", err)
	}
	return audit.Append(ctx, tx, a.Login, "domain.grade", "unit", u.Code, map[string]any{"domain": d.Name, "grade": grade, "comment": comment})
}

// LatestGrades returns the latest grade of each unit in domain d.
func LatestGrades(ctx context.Context, q db.Querier, d Domain) (map[string]Grade, error) {
	rows, err := q.Query(ctx, `SELECT u.code, g.grade, g.comment, g.graded_by, g.at FROM domain_grades g JOIN units u ON u.id = g.unit_id
		WHERE g.domain_id = ? ORDER BY g.id`, d.ID)
	if err != nil {
		return nil, fmt.Errorf("list grades: %w", err)
	}
	defer rows.Close()
	out := map[string]Grade{}
	for rows.Next() {
		var g Grade
		if err := rows.Scan(&g.UnitCode, &g.Grade, &g.Comment, &g.By, &g.At); err != nil {
			return nil, err
		}
		out[g.UnitCode] = g
	}
	return out, rows.Err()
}
