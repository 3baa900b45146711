// Package catalog keeps the disclosure-item catalogs (政务公开事项标准目录):
// the pilot domains, the State Council guidelines (标准指引) per domain in
// versions, and the catalogs units compile from them.
package catalog

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Domain is a pilot domain (试点领域): one of the 26 of the State Council's
// list, or a local domain a unit added (plan item 五).
type Domain struct {
	ID        int64    `json:"-"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Name2017  string   `json:"name_2017,omitempty"`
	Lead      string   `json:"lead,omitempty"`
	Guideline string   `json:"guideline,omitempty"`
	DocNumber string   `json:"doc_number,omitempty"`
	Aliases   []string `json:"aliases,omitempty"`
	// UnitCode is the unit that added a local domain; empty for the 26.
	UnitCode string `json:"unit,omitempty"`
	unitID   int64
	Sort     int `json:"-"`
}

// Local reports whether d is a local domain.
func (d Domain) Local() bool { return d.unitID != 0 }

//go:embed data/domains.json
var domainsJSON []byte

// StandardDomains returns the 26 pilot domains from the data file.
func StandardDomains() []Domain {
	var ds []Domain
	if err := json.Unmarshal(domainsJSON, &ds); err != nil {
		panic(fmt.Sprintf("catalog: data/domains.json: %v", err))
	}
	for i := range ds {
		ds[i].Sort = i + 1
	}
	return ds
}

// NormalizeDomainName folds a domain name for comparison: full-width
// characters narrowed, whitespace and punctuation removed, and a trailing
// 领域 dropped ("生态环境领域" and "生态 环境" are "生态环境").
func NormalizeDomainName(s string) string {
	s = fold(s)
	for _, sfx := range []string{"领域基层政务公开标准目录", "基层政务公开标准目录", "领域"} {
		if t := strings.TrimSuffix(s, sfx); t != "" {
			s = t
		}
	}
	return s
}

// SyncDomains brings the 26 standard domains in the database in line with
// the data file: missing ones are added, changed names, lead departments
// and document numbers are updated.
func SyncDomains(ctx context.Context, tx *db.Tx) error {
	for _, d := range StandardDomains() {
		aliases := strings.Join(d.Aliases, "|")
		res, err := tx.Exec(ctx, `UPDATE domains SET name = ?, norm_name = ?, name_2017 = ?, lead = ?, guideline = ?, doc_number = ?, aliases = ?, sort = ?
			WHERE code = ? AND unit_id IS NULL`,
			d.Name, NormalizeDomainName(d.Name), d.Name2017, d.Lead, d.Guideline, d.DocNumber, aliases, d.Sort, d.Code)
		if err != nil {
			return fmt.Errorf("sync domain %s: %w", d.Code, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO domains (code, name, norm_name, name_2017, lead, guideline, doc_number, aliases, sort, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.Code, d.Name, NormalizeDomainName(d.Name), d.Name2017, d.Lead, d.Guideline, d.DocNumber, aliases, d.Sort, tx.Now()); err != nil {
			return fmt.Errorf("add domain %s: %w", d.Code, err)
		}
	}
	return nil
}

const domainCols = `d.id, d.code, d.name, d.name_2017, d.lead, d.guideline, d.doc_number, d.aliases, COALESCE(d.unit_id, 0), COALESCE(u.code, ''), d.sort`

func scanDomain(s interface{ Scan(...any) error }) (Domain, error) {
	var d Domain
	var aliases string
	if err := s.Scan(&d.ID, &d.Code, &d.Name, &d.Name2017, &d.Lead, &d.Guideline, &d.DocNumber, &aliases, &d.unitID, &d.UnitCode, &d.Sort); err != nil {
		return Domain{}, err
	}
	if aliases != "" {
		d.Aliases = strings.Split(aliases, "|")
	}
	return d, nil
}

// Domains returns the standard domains and the local domains visible to
// unit u (those added by u or a unit above it); with u nil, every domain.
func Domains(ctx context.Context, q db.Querier, u *org.Unit) ([]Domain, error) {
	rows, err := q.Query(ctx, `SELECT `+domainCols+` FROM domains d LEFT JOIN units u ON u.id = d.unit_id ORDER BY d.unit_id IS NOT NULL, d.sort, d.id`)
	if err != nil {
		return nil, fmt.Errorf("list domains: %w", err)
	}
	defer rows.Close()
	var out []Domain
	for rows.Next() {
		d, err := scanDomain(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if u == nil {
		return out, nil
	}
	visible := out[:0]
	for _, d := range out {
		if !d.Local() || strings.Contains(u.Path, fmt.Sprintf("/%d/", d.unitID)) {
			visible = append(visible, d)
		}
	}
	return visible, nil
}

// DomainByCode returns the domain with the given code.
func DomainByCode(ctx context.Context, q db.Querier, code string) (Domain, error) {
	d, err := scanDomain(q.QueryRow(ctx, `SELECT `+domainCols+` FROM domains d LEFT JOIN units u ON u.id = d.unit_id WHERE d.code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Domain{}, errs.New(errs.NotFound, "domain.not_found", code)
	}
	return d, err
}

// ResolveDomain finds the domain a name in a file or a form refers to: its
// code, its 2019 or 2017 name or an alias seen in real catalogs, with
// whitespace, full-width punctuation and a trailing 领域 ignored. Local
// domains visible to u are matched by name too.
func ResolveDomain(ctx context.Context, q db.Querier, u *org.Unit, name string) (Domain, bool, error) {
	ds, err := Domains(ctx, q, u)
	if err != nil {
		return Domain{}, false, err
	}
	n := NormalizeDomainName(name)
	if n == "" {
		return Domain{}, false, nil
	}
	for _, d := range ds {
		if d.Code == strings.TrimSpace(name) || NormalizeDomainName(d.Name) == n {
			return d, true, nil
		}
	}
	for _, d := range ds {
		if d.Name2017 != "" && NormalizeDomainName(d.Name2017) == n {
			return d, true, nil
		}
		for _, a := range d.Aliases {
			if NormalizeDomainName(a) == n {
				return d, true, nil
			}
		}
	}
	return Domain{}, false, nil
}

// AddLocalDomain adds a domain of unit u's own (plan item 五), or returns
// the one it already has by that name.
func AddLocalDomain(ctx context.Context, tx *db.Tx, actor string, u org.Unit, name string) (Domain, error) {
	name = strings.TrimSpace(name)
	if NormalizeDomainName(name) == "" || len([]rune(name)) > 40 {
		return Domain{}, errs.InvalidField("name", "domain.bad_name")
	}
	if d, ok, err := ResolveDomain(ctx, tx, &u, name); err != nil || ok {
		return d, err
	}
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO domains (code, name, norm_name, unit_id, sort, created_at) VALUES (?, ?, ?, ?, 1000, ?) RETURNING id`,
		fmt.Sprintf("tmp-%d", time.Now().UnixNano()), name, NormalizeDomainName(name), u.ID, tx.Now()).Scan(&id); err != nil {
		return Domain{}, fmt.Errorf("add local domain: %w", err)
	}
	code := fmt.Sprintf("L%d", id)
	if _, err := tx.Exec(ctx, `UPDATE domains SET code = ? WHERE id = ?`, code, id); err != nil {
		return Domain{}, err
	}
	if err := audit.Append(ctx, tx, actor, "domain.add_local", "domain", code, map[string]any{"name": name, "unit": u.Code}); err != nil {
		return Domain{}, err
	}
	return Domain{ID: id, Code: code, Name: name, UnitCode: u.Code, unitID: u.ID, Sort: 1000}, nil
}
