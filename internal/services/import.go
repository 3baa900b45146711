package services

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
	"gongkai/internal/tabular"
)

// column is a column of a guide table.
type column string

const (
	colName           column = "name"
	colType           column = "type"
	colBasis          column = "basis"
	colConditions     column = "conditions"
	colMaterials      column = "materials"
	colSteps          column = "steps"
	colLegalDays      column = "legal_days"
	colPromisedDays   column = "promised_days"
	colFee            column = "fee"
	colFeeBasis       column = "fee_basis"
	colPlace          column = "place"
	colHours          column = "hours"
	colPhone          column = "phone"
	colComplaintPhone column = "complaint_phone"
	colOnline         column = "online_url"
	colServed         column = "served"
	colEvents         column = "events"
)

// headers maps the folded header texts of guide tables to columns: the
// ones of the import's layout first (事项名称, 事项类型, 设定依据, 申请条件,
// 申请材料, 办理流程, 法定时限, 承诺时限, 收费标准, 办理地点, 办理时间,
// 咨询电话, 投诉电话, 在线办理, 服务对象, 主题), then the usual variants.
var headers = map[string]column{
	"事项名称": colName, "服务事项名称": colName, "政务服务事项名称": colName, "办事事项": colName,
	"事项类型": colType, "事项类别": colType, "办件类型": colType,
	"设定依据": colBasis, "法律依据": colBasis, "办理依据": colBasis, "实施依据": colBasis, "法定依据": colBasis,
	"申请条件": colConditions, "受理条件": colConditions, "办理条件": colConditions, "受理标准": colConditions,
	"申请材料": colMaterials, "办理材料": colMaterials, "申报材料": colMaterials, "材料清单": colMaterials, "申请材料清单": colMaterials,
	"办理流程": colSteps, "办事流程": colSteps, "办理程序": colSteps, "办理步骤": colSteps,
	"法定时限": colLegalDays, "法定办结时限": colLegalDays, "法定期限": colLegalDays, "法定办理时限": colLegalDays,
	"承诺时限": colPromisedDays, "承诺办结时限": colPromisedDays, "承诺期限": colPromisedDays, "承诺办理时限": colPromisedDays,
	"收费标准": colFee, "收费情况": colFee, "是否收费": colFee, "收费": colFee,
	"收费依据": colFeeBasis,
	"办理地点": colPlace, "办公地址": colPlace, "办理地址": colPlace, "受理地点": colPlace, "办事地点": colPlace, "窗口地址": colPlace,
	"办理时间": colHours, "办公时间": colHours, "受理时间": colHours, "窗口办公时间": colHours,
	"咨询电话": colPhone, "咨询方式": colPhone, "联系电话": colPhone,
	"投诉电话": colComplaintPhone, "监督投诉电话": colComplaintPhone, "监督电话": colComplaintPhone, "投诉方式": colComplaintPhone,
	"在线办理": colOnline, "在线办理地址": colOnline, "网上办理地址": colOnline, "网办地址": colOnline, "网上办理": colOnline,
	"服务对象": colServed, "办理对象": colServed, "适用对象": colServed,
	"主题": colEvents, "所属主题": colEvents, "主题分类": colEvents, "事件": colEvents,
}

// columnHeader is the message naming a column by its header in the
// import's layout, for messages about a row.
func columnHeader(c column) errs.Msg { return errs.Msg("svc.col." + string(c)) }

// row is a data row of a guide table with its line in the file.
type row struct {
	line  int
	sheet string
	cells map[column]string
}

// readRows finds the header of each sheet (within its first ten rows, at
// least three known headers, 事项名称 among them) and returns the data rows
// of every sheet that has one; sheets without one (notes, a cover) are
// skipped as long as one has.
func readRows(f *tabular.File) ([]row, error) {
	var out []row
	found := false
	for _, s := range f.Sheets {
		hi := -1
		for i := 0; i < len(s.Rows) && i < 10; i++ {
			n, name := 0, false
			for _, c := range s.Rows[i] {
				if col, ok := headers[tabular.Fold(c)]; ok {
					n++
					name = name || col == colName
				}
			}
			if n >= 3 && name {
				hi = i
				break
			}
		}
		if hi < 0 {
			continue
		}
		found = true
		cols := make([]column, len(s.Rows[hi]))
		for i, c := range s.Rows[hi] {
			cols[i] = headers[tabular.Fold(c)]
		}
		for i := hi + 1; i < len(s.Rows); i++ {
			rec := s.Rows[i]
			if tabular.BlankRow(rec) {
				continue
			}
			cells := map[column]string{}
			for j, col := range cols {
				if v := strings.TrimSpace(tabular.Cell(rec, j)); col != "" && v != "" && cells[col] == "" {
					cells[col] = v
				}
			}
			out = append(out, row{line: i + 1, sheet: s.Name, cells: cells})
		}
	}
	if !found {
		return nil, errs.New(errs.Invalid, "svc.import_no_header")
	}
	if len(out) == 0 {
		return nil, errs.New(errs.Invalid, "table.no_rows")
	}
	return out, nil
}

// content reads a row as a guide's content. It fails, naming the row's
// line, on a row without a name or a type, with a type that is not one of
// the six, or with a time limit that is not a number of working days.
func (r row) content() (Content, error) {
	c := Content{Name: r.cells[colName], Basis: r.cells[colBasis], Conditions: r.cells[colConditions], Fee: r.cells[colFee],
		FeeBasis: r.cells[colFeeBasis], Place: r.cells[colPlace], Hours: r.cells[colHours], Phone: r.cells[colPhone],
		ComplaintPhone: r.cells[colComplaintPhone], OnlineURL: r.cells[colOnline], Served: r.cells[colServed],
		Materials: ParseMaterials(r.cells[colMaterials]), Steps: ParseSteps(r.cells[colSteps]), Events: SplitEvents(r.cells[colEvents])}
	if strings.TrimSpace(c.Name) == "" {
		return c, errs.New(errs.Invalid, "svc.import_row_missing", r.line, columnHeader(colName))
	}
	t := r.cells[colType]
	if strings.TrimSpace(t) == "" {
		return c, errs.New(errs.Invalid, "svc.import_row_missing", r.line, columnHeader(colType))
	}
	var ok bool
	if c.Type, ok = ParseType(t); !ok {
		return c, errs.New(errs.Invalid, "svc.import_bad_type", r.line, t)
	}
	for _, d := range []struct {
		col column
		to  **int
	}{{colLegalDays, &c.LegalDays}, {colPromisedDays, &c.PromisedDays}} {
		text := r.cells[d.col]
		n, ok := ParseDays(text)
		if !ok {
			return c, errs.New(errs.Invalid, "svc.import_bad_days", r.line, columnHeader(d.col), text)
		}
		*d.to = n
	}
	c, err := c.validate()
	var m errs.Multi
	if errors.As(err, &m) && len(m) > 0 {
		return c, errs.New(errs.Invalid, "svc.import_row_invalid", r.line, m[0])
	}
	return c, err
}

// Incomplete is an imported guide that lacks key elements, named by the
// import's headers.
type Incomplete struct {
	Name    string   `json:"name"`
	Missing []string `json:"missing"`
}

// ImportResult is what an import did.
type ImportResult struct {
	Rows       int          `json:"rows"`
	Created    int          `json:"created"`
	Updated    int          `json:"updated"`
	Incomplete []Incomplete `json:"incomplete"`
}

// Import is a table of guides to bring into a unit.
type Import struct {
	Unit org.Unit
	// Publish publishes every imported guide, for guides already public
	// elsewhere; it needs the right to publish.
	Publish  bool
	FileName string
	File     *tabular.File
}

// ReadFile reads a guide table: CSV in UTF-8 or GBK, or XLSX
// (tabular.Read).
func ReadFile(name string, r io.Reader) (*tabular.File, error) { return tabular.Read(name, r) }

// ImportGuides brings a table of guides into unit in.Unit: each row is a
// guide, matched by name, created or made the next version of the one
// there. Every row is read and checked first: the first bad one fails the
// whole import with its line, and nothing is written. Guides that lack key
// elements are imported and listed in the result.
func ImportGuides(ctx context.Context, tx *db.Tx, a auth.Account, in Import) (ImportResult, error) {
	res := ImportResult{Incomplete: []Incomplete{}}
	if !CanEdit(a, in.Unit) || in.Publish && !CanPublish(a, in.Unit) {
		return res, forbidden()
	}
	rows, err := readRows(in.File)
	if err != nil {
		return res, err
	}
	contents := make([]Content, len(rows))
	seen := map[string]int{}
	for i, r := range rows {
		if contents[i], err = r.content(); err != nil {
			return res, err
		}
		if prev, ok := seen[contents[i].Name]; ok {
			return res, errs.New(errs.Invalid, "svc.import_duplicate", r.line, contents[i].Name, prev)
		}
		seen[contents[i].Name] = r.line
	}
	for _, c := range contents {
		g, err := byName(ctx, tx, in.Unit, c.Name)
		switch {
		case errs.KindOf(err) == errs.NotFound:
			now := tx.Now()
			g = Guide{Unit: in.Unit, Content: c, Status: Draft, Version: 1, CreatedBy: a.Login, CreatedAt: now, UpdatedAt: now}
			if err := insert(ctx, tx, &g); err != nil {
				return res, err
			}
			res.Created++
		case err != nil:
			return res, err
		case g.Status == Submitted:
			return res, errs.New(errs.Conflict, "svc.import_in_review", c.Name)
		default:
			if g, err = g.change(ctx, tx, a, keepSamples(c, g.Content), "service.edit"); err != nil {
				return res, err
			}
			res.Updated++
		}
		if in.Publish {
			if g, err = g.transition(ctx, tx, a, Submitted, ""); err != nil {
				return res, err
			}
			if _, err = g.transition(ctx, tx, a, Published, ""); err != nil {
				return res, err
			}
		}
		if miss := c.Missing(); len(miss) > 0 {
			hs := make([]string, len(miss))
			for i, e := range miss {
				hs[i] = e.Header()
			}
			res.Incomplete = append(res.Incomplete, Incomplete{Name: c.Name, Missing: hs})
		}
	}
	res.Rows = len(rows)
	return res, audit.Append(ctx, tx, a.Login, "service.import", "unit", in.Unit.Code,
		map[string]any{"file": in.FileName, "rows": res.Rows, "created": res.Created, "updated": res.Updated, "published": in.Publish})
}

// keepSamples gives the materials of c the samples that materials of the
// same name had in old: a table carries no files.
func keepSamples(c Content, old Content) Content {
	samples := map[string]*File{}
	for _, m := range old.Materials {
		if m.Sample != nil {
			samples[tabular.Fold(m.Name)] = m.Sample
		}
	}
	for i := range c.Materials {
		if c.Materials[i].Sample == nil {
			c.Materials[i].Sample = samples[tabular.Fold(c.Materials[i].Name)]
		}
	}
	return c
}

var (
	// reItemNo is the number before an item of a list: 1. 2、 (3) ①.
	reItemNo = regexp.MustCompile(`^\s*(?:[(（]\s*\d+\s*[)）]|\d+\s*[.、．):：）]|[一二三四五六七八九十]+\s*[、.．]|[①②③④⑤⑥⑦⑧⑨⑩])\s*`)
	// reInlineNo finds the numbers of items written on one line: "1.身份证 2.户口簿".
	reInlineNo = regexp.MustCompile(`\s+(?:\d+\s*[.、．]|[(（]\d+[)）])`)
	reCopies   = regexp.MustCompile(`(\d+|[一二两三四五六七八九十])\s*份`)
	// reDetails is a material's details in brackets at its end.
	reDetails = regexp.MustCompile(`[(（]([^()（）]*)[)）]\s*$`)
	// reTrailing is details written after the name: 原件1份, 复印件2份.
	reTrailing = regexp.MustCompile(`\s*(?:原件|复印件|原件及复印件|原件和复印件)?\s*(?:各)?\s*(?:\d+|[一二两三四五六七八九十])\s*份\s*$|\s*(?:原件|复印件|原件及复印件|原件和复印件)\s*$`)
)

// splitList splits the text of a cell into the items of a list: one a
// line, or separated by semicolons, or numbered on one line.
func splitList(text string, extra string) []string {
	text = reInlineNo.ReplaceAllStringFunc(text, func(s string) string { return "\n" + strings.TrimSpace(s) })
	var out []string
	for _, part := range strings.FieldsFunc(text, func(r rune) bool {
		return r == '\n' || r == '\r' || r == ';' || r == '；' || strings.ContainsRune(extra, r)
	}) {
		part = strings.TrimSpace(reItemNo.ReplaceAllString(part, ""))
		part = strings.TrimRight(part, "。.，,")
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

var chineseCount = map[string]int{"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

// ParseMaterials reads the 申请材料 cell of a table as materials: one a
// line (or separated by semicolons, or numbered), each with what it says of
// itself — 原件 or 复印件, the number of copies (N份), electronic (电子) —
// and the rest as its name. What cannot be read stays in the name for a
// person to correct; nothing is guessed.
func ParseMaterials(text string) []Material {
	var out []Material
	for _, item := range splitList(text, "") {
		m := Material{Name: item, Form: FormPaper, Copies: 1}
		details := ""
		if d := reDetails.FindStringSubmatch(item); d != nil && strings.ContainsAny(d[1], "原复份纸电") {
			details, m.Name = d[1], strings.TrimSpace(item[:len(item)-len(d[0])])
		} else if t := reTrailing.FindString(item); t != "" && len(t) < len(item) {
			details, m.Name = t, strings.TrimSpace(item[:len(item)-len(t)])
		}
		all := details + " " + m.Name
		m.Original = strings.Contains(details, "原件")
		if c := reCopies.FindStringSubmatch(details); c != nil {
			if n, err := strconv.Atoi(c[1]); err == nil {
				m.Copies = n
			} else {
				m.Copies = chineseCount[c[1]]
			}
		}
		switch {
		case strings.Contains(all, "纸质或电子"), strings.Contains(all, "电子或纸质"):
			m.Form = FormEither
		case strings.Contains(details, "电子"):
			m.Form = FormElectronic
		}
		if m.Name == "" {
			m.Name = item
		}
		out = append(out, m)
	}
	return out
}

// ParseSteps reads the 办理流程 cell of a table as steps: one a line, or
// separated by semicolons or arrows (申请→受理→审查→决定), or numbered.
func ParseSteps(text string) []string {
	text = strings.NewReplacer("->", "→", "—>", "→", "=>", "→").Replace(text)
	return splitList(text, "→➝➔")
}

// immediately are the ways guides write that an item is done on the spot.
var immediately = []string{"即办", "即时办结", "即时办理", "当场办结", "当场办理", "立即办理", "即来即办", "当即办结", "现场办结"}

// ParseDays reads a time limit as tables write it: 20个工作日, 20日, 二十个工作日,
// 20, 即办 (0). Under 行政许可法第八十二条 the days of administrative limits
// are working days, so 日 and 天 count as such; a limit in 自然日 is not read.
// Empty text, 无 and — are no limit (nil). It reports false for text it
// cannot read.
func ParseDays(text string) (*int, bool) {
	if strings.HasPrefix(strings.TrimSpace(text), "-") {
		return nil, false
	}
	t := tabular.Fold(text)
	switch t {
	case "", "无", "不适用":
		return nil, true
	}
	for _, w := range immediately {
		if strings.Contains(t, w) {
			zero := 0
			return &zero, true
		}
	}
	if n, err := strconv.Atoi(t); err == nil && n >= 0 && n <= maxDays {
		return &n, true
	}
	l := catalog.ParseLimit(text)
	if (l.Kind == catalog.WorkingDays || l.Kind == catalog.CalendarDays) && !strings.Contains(t, "自然日") && l.Days <= maxDays {
		n := l.Days
		return &n, true
	}
	return nil, false
}
