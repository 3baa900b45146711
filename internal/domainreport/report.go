package domainreport

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/figures"
	"gongkai/internal/i18n"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
	"gongkai/internal/selfreport"
)

// The section keys.
const (
	Loading   = "loading"   // 信息加载情况
	Normative = "normative" // 规范公开情况
	Grades    = "grades"    // 分析评议和等级评价
)

// Keys lists the sections in report order.
var Keys = []string{Loading, Normative, Grades}

// GradeNames are the grades (等级评价), best first.
var GradeNames = []string{"A", "B", "C", "D"}

// Grade gives a unit its grade from its catalog in the domain at the
// year's end: no published catalog is D; otherwise the share of items
// with information loaded, as a percentage, less FindingCost points for
// each finding in the domain of the unit's last inspection of the year,
// gives A from 90, B from 75, C from 60, and D below.
func Grade(published bool, items, loaded, findings int) string {
	if !published {
		return "D"
	}
	p := figures.Percent(loaded, items) - FindingCost*float64(findings)
	switch {
	case p >= 90:
		return "A"
	case p >= 75:
		return "B"
	case p >= 60:
		return "C"
	}
	return "D"
}

// FindingCost is what each inspection finding in the domain costs a
// unit's grade, in points of its loading percentage.
const FindingCost = 5

// Row is one unit that keeps a catalog in the domain.
type Row struct {
	Unit org.Unit `json:"-"`
	Code string   `json:"code"`
	Name string   `json:"name"`
	// Area is the district the unit is in, or the unit itself at the top.
	Area string `json:"area"`
	// Status is the working catalog's state; Published whether a version
	// was published by the year's end, Items and Loaded its items and
	// those with information loaded by then.
	Status    catalog.Status `json:"status"`
	Published bool           `json:"published"`
	Items     int            `json:"items"`
	Loaded    int            `json:"loaded"`
	Percent   float64        `json:"loaded_percent"`
	// Findings counts the findings in the domain of the unit's last saved
	// inspection of the year.
	Findings int    `json:"findings"`
	Grade    string `json:"grade"`
}

// Section is a part of the report: its figures and text, as the
// self-inspection report's (Connected unused).
type Section = selfreport.Section

// Report is the report of Domain for Year by its Lead department.
type Report struct {
	Domain   catalog.Domain `json:"-"`
	Year     int            `json:"year"`
	Lead     org.Unit       `json:"-"`
	LeadName string         `json:"lead"`
	Rows     []Row          `json:"units"`
	Sections []Section      `json:"sections"`
	// Status is not part of the content.
	Status Status `json:"-"`
}

// Status says when the report was last saved and published.
type Status struct {
	Saved       bool
	UpdatedBy   string
	UpdatedAt   time.Time
	PublishedBy string
	PublishedAt time.Time // zero while unpublished
}

// DueDay is when the report of year is due at the city office: 15
// January of the next year.
func DueDay(year int) calendar.Date {
	return calendar.Date{Year: year + 1, Month: time.January, Day: 15}
}

// Overdue reports whether the report is still unpublished after its due
// day, on day today.
func (r Report) Overdue(today calendar.Date) bool {
	return r.Status.PublishedAt.IsZero() && today.After(DueDay(r.Year))
}

// Title is the report's title in lang.
func Title(lang i18n.Lang, d catalog.Domain, year int) string {
	return i18n.T(lang, "domainreport.title", d.Name, year)
}

// SectionTitle is the title of section key in lang.
func SectionTitle(lang i18n.Lang, key string) string {
	return i18n.T(lang, "domainreport.section."+key)
}

// rows counts each unit with a catalog in domain d under root, for year.
func rows(ctx context.Context, q db.Querier, d catalog.Domain, root org.Unit, p figures.Period) ([]Row, error) {
	list, err := catalog.List(ctx, q, root, &d)
	if err != nil {
		return nil, err
	}
	pubs, err := catalog.PublishedAsOf(ctx, q, root, p.End)
	if err != nil {
		return nil, err
	}
	published := map[int64]catalog.PublishedCatalog{}
	for _, pc := range pubs {
		if pc.Domain.ID == d.ID {
			published[pc.Unit.ID] = pc
		}
	}
	dir, err := org.LoadDirectory(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []Row
	for _, s := range list {
		u, err := dir.ByCode(s.UnitCode)
		if err != nil {
			return nil, err
		}
		row := Row{Unit: u, Code: u.Code, Name: u.Name, Area: areaOf(dir, root, u).Name, Status: s.Status}
		if pc, ok := published[u.ID]; ok {
			row.Published, row.Items = true, len(pc.Items)
			if row.Loaded, err = figures.LoadedItems(ctx, q, pc, p.End); err != nil {
				return nil, err
			}
		}
		if row.Findings, err = findingsIn(ctx, q, d, u, p); err != nil {
			return nil, err
		}
		row.Percent = figures.Percent(row.Loaded, row.Items)
		row.Grade = Grade(row.Published, row.Items, row.Loaded, row.Findings)
		out = append(out, row)
	}
	return out, nil
}

// areaOf returns the unit directly under root that holds u (its
// district), or u itself when it is root or directly under it.
func areaOf(dir *org.Directory, root, u org.Unit) org.Unit {
	anc := dir.Ancestors(u)
	for i, a := range anc {
		if a.ID == root.ID && i+1 < len(anc) {
			return anc[i+1]
		}
	}
	return u
}

// findingsIn counts the findings about domain d — its catalog or one of
// its items (inspect.Say reads them back) — in unit u's last saved
// inspection of the year.
func findingsIn(ctx context.Context, q db.Querier, d catalog.Domain, u org.Unit, p figures.Period) (int, error) {
	f, err := figures.InspectionOf(ctx, q, u, p)
	if err != nil || f.Runs == 0 {
		return 0, err
	}
	rows, err := q.Query(ctx, `SELECT target FROM inspect_findings WHERE run_id = ? AND unit_id = ? AND target <> ?`, f.LastRun, u.ID, inspect.VetoTarget)
	if err != nil {
		return 0, fmt.Errorf("load findings: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var target string
		if err := rows.Scan(&target); err != nil {
			return 0, err
		}
		if t, ok := inspect.Say(target); ok && (t.Key == "inspect.f.item" || t.Key == "inspect.f.domain") && len(t.Args) > 0 &&
			catalog.NormalizeDomainName(fmt.Sprint(t.Args[0])) == catalog.NormalizeDomainName(d.Name) {
			n++
		}
	}
	return n, rows.Err()
}

// sections writes the three sections from the rows.
func sections(d catalog.Domain, year int, rs []Row) []Section {
	var items, loaded, published, findings, withFindings int
	grades := map[string][]string{}
	for _, r := range rs {
		items += r.Items
		loaded += r.Loaded
		findings += r.Findings
		if r.Published {
			published++
		}
		if r.Findings > 0 {
			withFindings++
		}
		grades[r.Grade] = append(grades[r.Grade], r.Name)
	}
	load := fmt.Sprintf("截至%d年底，全市共有%d个单位编制了%s领域政务公开事项标准目录，其中%d个已发布，共%d个事项，已挂载政府信息的事项%d个，信息加载率%.1f%%。",
		year, len(rs), d.Name, published, items, loaded, figures.Percent(loaded, items))
	if len(rs) == 0 {
		load = fmt.Sprintf("截至%d年底，尚无单位编制%s领域政务公开事项标准目录。", year, d.Name)
	}
	norm := fmt.Sprintf("已编制目录的%d个单位中，%d个已按要求发布目录，%d个尚未发布。", len(rs), published, len(rs)-published)
	if findings > 0 {
		norm += fmt.Sprintf("本年度网上巡查在本领域发现问题%d个，涉及%d个单位，主要为目录事项未挂载信息、信息发布不及时等，已督促相关单位整改。", findings, withFindings)
	} else {
		norm += "本年度网上巡查未在本领域发现问题。"
	}
	var g strings.Builder
	g.WriteString("按照“信息加载率扣除巡查问题（每个问题扣5分）后，90分以上为A级、75分以上为B级、60分以上为C级，其余及未发布目录的为D级”的规则进行等级评价：")
	gf := map[string]any{}
	for i, name := range GradeNames {
		gf["grade_"+strings.ToLower(name)] = len(grades[name])
		fmt.Fprintf(&g, "%s级%d个", name, len(grades[name]))
		if len(grades[name]) > 0 {
			fmt.Fprintf(&g, "（%s）", strings.Join(grades[name], "、"))
		}
		if i < len(GradeNames)-1 {
			g.WriteString("，")
		}
	}
	g.WriteString("。")
	out := []Section{
		{Key: Loading, Figures: map[string]any{"units": len(rs), "catalogs_published": published, "items": items, "items_loaded": loaded,
			"loaded_percent": figures.Percent(loaded, items)}, Draft: load},
		{Key: Normative, Figures: map[string]any{"units": len(rs), "catalogs_published": published, "catalogs_unpublished": len(rs) - published,
			"findings": findings, "units_with_findings": withFindings}, Draft: norm},
		{Key: Grades, Figures: gf, Draft: g.String()},
	}
	for i := range out {
		out[i].Title, out[i].Text = SectionTitle(i18n.Zh, out[i].Key), out[i].Draft
	}
	return out
}

// rootOf is the top of the lead's city: the units reported on are under it.
func rootOf(ctx context.Context, q db.Querier, lead org.Unit) (org.Unit, error) {
	anc, err := org.Ancestors(ctx, q, lead)
	if err != nil || len(anc) == 0 {
		return lead, err
	}
	return anc[0], nil
}
