package catalog

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Layouts of a catalog file, as the import summary names them.
const (
	LayoutOneDomain      = "one_domain"       // --domain names the file's domain
	LayoutDomainColumn   = "domain_column"    // a 领域 column
	LayoutSheetPerDomain = "sheet_per_domain" // one XLSX sheet per domain
	LayoutDomainInLevel1 = "domain_in_level1" // 一级事项 holds the domain, 二级事项 the item
	LayoutTitle          = "title"            // the title row names the domain
)

// CatalogImport is an existing catalog to bring in (migration).
type CatalogImport struct {
	Unit org.Unit
	// Domain, when set, is the domain of every row.
	Domain string
	// Publish marks the imported catalogs approved and published, for
	// catalogs already published elsewhere.
	Publish  bool
	FileName string
	Table    *Table
}

// ImportSummary is what an import did.
type ImportSummary struct {
	Rows           int            `json:"rows"`
	Layout         string         `json:"layout"`
	ItemsByDomain  map[string]int `json:"items_by_domain"`
	UnknownDomains []string       `json:"unknown_domains"`
	UnparsedLimits []string       `json:"unparsed_limits"`
	IgnoredColumns []string       `json:"ignored_columns"`
	Published      bool           `json:"published"`
}

// importRow is a row with the domain it belongs to.
type importRow struct {
	row    Row
	domain string
}

// ImportCatalog imports a unit's existing catalog. Every row must hold
// every required element; the first problems are reported with their lines
// and nothing is written. Rows of a domain that is not one of the 26 go to
// a local domain of that name.
func ImportCatalog(ctx context.Context, tx *db.Tx, a auth.Account, in CatalogImport) (ImportSummary, error) {
	sum := ImportSummary{ItemsByDomain: map[string]int{}, UnknownDomains: []string{}, UnparsedLimits: []string{},
		IgnoredColumns: append([]string{}, in.Table.Ignored...), Published: in.Publish}
	if !canEdit(a, in.Unit) || in.Publish && !canReview(a, in.Unit) {
		return sum, errs.New(errs.Forbidden, "catalog.forbidden")
	}
	rows, layout, err := splitByDomain(ctx, tx, in)
	if err != nil {
		return sum, err
	}
	sum.Layout = layout

	// Resolve domains and check every row before writing anything.
	type group struct {
		name  string // as written
		dom   Domain
		known bool
		items []CatalogItem
	}
	var groups []*group
	byName := map[string]*group{}
	var problems errs.Multi
	for _, ir := range rows {
		key := NormalizeDomainName(ir.domain)
		g := byName[key]
		if g == nil {
			d, ok, err := ResolveDomain(ctx, tx, &in.Unit, ir.domain)
			if err != nil {
				return sum, err
			}
			g = &group{name: strings.TrimSpace(ir.domain), dom: d, known: ok && !d.Local()}
			if ok && d.Local() {
				g.known = false
			}
			byName[key] = g
			groups = append(groups, g)
		}
		it := itemFromRow(len(g.items)+1, ir.row)
		for _, p := range rowProblems(ir.row, it) {
			if len(problems) < 20 {
				problems = append(problems, p)
			}
		}
		if it.Limit.Kind == Unparsed && it.TimeLimit != "" && !slices.Contains(sum.UnparsedLimits, it.TimeLimit) {
			sum.UnparsedLimits = append(sum.UnparsedLimits, it.TimeLimit)
		}
		g.items = append(g.items, CatalogItem{Item: it})
	}
	if len(problems) > 0 {
		return sum, problems
	}
	if len(rows) == 0 {
		return sum, errs.New(errs.Invalid, "table.no_rows")
	}
	for _, g := range groups {
		if g.dom.ID == 0 {
			if g.dom, err = AddLocalDomain(ctx, tx, a.Login, in.Unit, g.name); err != nil {
				return sum, err
			}
		}
		if !g.known && !slices.Contains(sum.UnknownDomains, g.dom.Name) {
			sum.UnknownDomains = append(sum.UnknownDomains, g.dom.Name)
		}
		if err := replaceCatalog(ctx, tx, a, in.Unit, g.dom, g.items, in.Publish); err != nil {
			return sum, err
		}
		sum.ItemsByDomain[g.dom.Name] += len(g.items)
		sum.Rows += len(g.items)
	}
	return sum, audit.Append(ctx, tx, a.Login, "catalog.import", "unit", in.Unit.Code,
		map[string]any{"file": in.FileName, "rows": sum.Rows, "layout": sum.Layout, "published": in.Publish})
}

// rowProblems names the required elements a row lacks, with its line.
func rowProblems(r Row, it Item) []*errs.Error {
	var out []*errs.Error
	for _, col := range it.missing() {
		out = append(out, rowError(r, col))
	}
	return out
}

// splitByDomain assigns each row its domain and names the file's layout.
func splitByDomain(ctx context.Context, q db.Querier, in CatalogImport) ([]importRow, string, error) {
	t := in.Table
	var out []importRow
	switch {
	case strings.TrimSpace(in.Domain) != "":
		for _, r := range t.Rows {
			out = append(out, importRow{r, in.Domain})
		}
		return out, LayoutOneDomain, nil
	case slices.Contains(t.Columns, ColDomain):
		for _, r := range t.Rows {
			if strings.TrimSpace(r.Cells[ColDomain]) == "" {
				return nil, "", rowError(r, ColDomain)
			}
			out = append(out, importRow{r, r.Cells[ColDomain]})
		}
		return out, LayoutDomainColumn, nil
	}
	// 一级事项 naming domains: most rows' 一级事项 resolve to a domain.
	if slices.Contains(t.Columns, ColLevel2) && len(t.Rows) > 0 {
		n := 0
		for _, r := range t.Rows {
			if _, ok, err := ResolveDomain(ctx, q, &in.Unit, r.Cells[ColLevel1]); err != nil {
				return nil, "", err
			} else if ok {
				n++
			}
		}
		if n*2 >= len(t.Rows) {
			for _, r := range t.Rows {
				d := r.Cells[ColLevel1]
				r.Cells = cloneCells(r.Cells)
				r.Cells[ColLevel1], r.Cells[ColLevel2] = r.Cells[ColLevel2], ""
				out = append(out, importRow{r, d})
			}
			return out, LayoutDomainInLevel1, nil
		}
	}
	if len(t.Sheets) > 1 {
		for _, r := range t.Rows {
			out = append(out, importRow{r, r.Sheet})
		}
		return out, LayoutSheetPerDomain, nil
	}
	if len(t.Sheets) == 1 {
		title := t.Titles[t.Sheets[0]]
		if title == "" && t.Sheets[0] != "" && !strings.HasPrefix(strings.ToLower(t.Sheets[0]), "sheet") {
			title = t.Sheets[0]
		}
		if title != "" {
			for _, r := range t.Rows {
				out = append(out, importRow{r, title})
			}
			return out, LayoutTitle, nil
		}
	}
	return nil, "", errs.New(errs.Invalid, "import.no_domain")
}

func cloneCells(m map[Column]string) map[Column]string {
	out := make(map[Column]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// replaceCatalog makes items the unit's catalog for d: a new catalog, or
// the next version of an existing one.
func replaceCatalog(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, d Domain, items []CatalogItem, publish bool) error {
	c, err := Load(ctx, tx, u, d)
	switch {
	case errs.KindOf(err) == errs.NotFound:
		if c, err = create(ctx, tx, u, d, latestGuidelineID(ctx, tx, d), items); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if c.Status == Submitted || c.Status == Approved {
			return errs.New(errs.Conflict, "import.catalog_in_review", u.Name, d.Name)
		}
		if c.Status == Published || c.Status == Returned {
			c.Version++
		}
		c.Status, c.Items, c.UpdatedAt = Draft, items, tx.Now()
		if err := c.saveItems(ctx, tx); err != nil {
			return err
		}
		if err := c.saveHead(ctx, tx); err != nil {
			return err
		}
	}
	if !publish {
		return nil
	}
	if c, err = c.transition(ctx, tx, a, Approved, ""); err != nil {
		return err
	}
	_, err = c.transition(ctx, tx, a, Published, "")
	return err
}

// latestGuidelineID returns the newest guideline of d, so that an imported
// catalog hears of the next version; none if d has no guideline yet.
func latestGuidelineID(ctx context.Context, q db.Querier, d Domain) sql.NullInt64 {
	var id sql.NullInt64
	if err := q.QueryRow(ctx, `SELECT id FROM guidelines WHERE domain_id = ? ORDER BY version DESC LIMIT 1`, d.ID).Scan(&id); err != nil {
		return sql.NullInt64{}
	}
	return id
}
