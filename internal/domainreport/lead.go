// Package domainreport is a lead department's yearly supervision report
// on its domain (本领域工作情况报告, plan item 三; due 15 January): across
// the units that keep a catalog in the domain, how much of it is loaded
// with information, how normative their disclosure is (catalogs
// published, inspection findings in the domain), and a grade per unit
// (等级评价) from a rule; written from the data, its texts edited by the
// department, and published on the portal under the domain.
package domainreport

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

//go:embed data/leads.json
var leadsJSON []byte

// leads is the program's data on the city departments that lead domains.
var leads = func() struct {
	Counterparts map[string]string `json:"counterparts"`
	Domains      map[string]string `json:"domains"`
} {
	var l struct {
		Counterparts map[string]string `json:"counterparts"`
		Domains      map[string]string `json:"domains"`
	}
	if err := json.Unmarshal(leadsJSON, &l); err != nil {
		panic(fmt.Sprintf("domainreport: data/leads.json: %v", err))
	}
	return l
}()

// DefaultLeadName returns the name of the city department that leads
// domain d by the program's data: the one named for the domain, or the
// counterpart of the central department its guideline names as lead; ""
// for a local domain or one the data does not know.
func DefaultLeadName(d catalog.Domain) string {
	if d.Local() {
		return ""
	}
	if name, ok := leads.Domains[d.Code]; ok {
		return name
	}
	return leads.Counterparts[d.Lead]
}

// Lead returns the unit that leads domain d: the one set for it, or else
// the city department with the name DefaultLeadName gives. It reports
// false when there is neither.
func Lead(ctx context.Context, q db.Querier, d catalog.Domain) (org.Unit, bool, error) {
	var id sql.NullInt64
	err := q.QueryRow(ctx, `SELECT lead_unit_id FROM domains WHERE id = ?`, d.ID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return org.Unit{}, false, errs.New(errs.NotFound, "domain.not_found", d.Name)
	}
	if err != nil {
		return org.Unit{}, false, fmt.Errorf("load the lead of %s: %w", d.Code, err)
	}
	if id.Valid {
		u, err := org.ByID(ctx, q, id.Int64)
		return u, err == nil, err
	}
	name := DefaultLeadName(d)
	if name == "" {
		return org.Unit{}, false, nil
	}
	var code string
	err = q.QueryRow(ctx, `SELECT code FROM units WHERE name = ? AND kind = ? ORDER BY id LIMIT 1`, name, string(org.CityDepartment)).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return org.Unit{}, false, nil
	}
	if err != nil {
		return org.Unit{}, false, fmt.Errorf("find the lead of %s: %w", d.Code, err)
	}
	u, err := org.ByCode(ctx, q, code)
	return u, err == nil, err
}

// CanSetLead reports whether a may set which department leads a domain:
// the city office and administrators.
func CanSetLead(a auth.Account) bool { return a.Role == auth.PublicOfficeCity || a.IsAdmin() }

// SetLead makes the city department with code lead domain d. It returns
// an Invalid error on field "lead" for a unit that is not a city
// department in a's scope, and a Forbidden error if a may not set leads.
func SetLead(ctx context.Context, tx *db.Tx, a auth.Account, d catalog.Domain, code string) error {
	if !CanSetLead(a) {
		return errs.New(errs.Forbidden, "domainreport.forbidden")
	}
	u, err := org.ByCode(ctx, tx, code)
	if err != nil || u.Kind != org.CityDepartment || !a.InScope(u) {
		return errs.InvalidField("lead", "domainreport.lead_invalid", code)
	}
	if _, err := tx.Exec(ctx, `UPDATE domains SET lead_unit_id = ? WHERE id = ?`, u.ID, d.ID); err != nil {
		return fmt.Errorf("set the lead of %s: %w", d.Code, err)
	}
	return audit.Append(ctx, tx, a.Login, "domain.lead", "domain", d.Code, map[string]any{"lead": u.Code, "name": u.Name})
}

// follows reports whether a is a supervisor of domain d.
func follows(a auth.Account, d catalog.Domain) bool {
	return a.Role == auth.DomainSupervisor && catalog.NormalizeDomainName(a.Domain) == catalog.NormalizeDomainName(d.Name)
}

// CanWrite reports whether a may write and publish domain d's report,
// whose lead department is lead: a supervisor of the domain at the lead
// department.
func CanWrite(a auth.Account, d catalog.Domain, lead org.Unit) bool {
	return follows(a, d) && lead.ID != 0 && a.Unit.ID == lead.ID
}

// CanSee reports whether a may read domain d's report, led by lead,
// before it is published: the supervisors of the domain, and the city
// office and administrators whose scope holds the lead (or any, while the
// domain has none).
func CanSee(a auth.Account, d catalog.Domain, lead org.Unit) bool {
	if follows(a, d) {
		return true
	}
	return CanSetLead(a) && (lead.ID == 0 || a.InScope(lead))
}
