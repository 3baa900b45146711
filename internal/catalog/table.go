package catalog

import (
	"io"
	"slices"
	"strings"

	"gongkai/internal/errs"
	"gongkai/internal/tabular"
)

// Column is a standard column of the catalog table (国办发〔2019〕54号 layout).
type Column string

const (
	ColSeq      Column = "seq"      // 序号
	ColDomain   Column = "domain"   // 领域 (files with several domains)
	ColLevel1   Column = "level1"   // 一级事项
	ColLevel2   Column = "level2"   // 二级事项
	ColContent  Column = "content"  // 公开内容（要素）
	ColBasis    Column = "basis"    // 公开依据
	ColLimit    Column = "limit"    // 公开时限
	ColSubject  Column = "subject"  // 公开主体
	ColChannels Column = "channels" // 公开渠道和载体
	ColAudience Column = "audience" // 公开对象
	ColMethod   Column = "method"   // 公开方式
	ColLevel    Column = "level"    // 公开层级
)

// columnNames maps normalized header texts to columns.
var columnNames = map[string]Column{
	"序号": ColSeq, "编号": ColSeq,
	"领域": ColDomain, "所属领域": ColDomain, "试点领域": ColDomain, "公开领域": ColDomain,
	"一级事项": ColLevel1, "一级": ColLevel1, "事项类别": ColLevel1, "公开事项": ColLevel1,
	"二级事项": ColLevel2, "二级": ColLevel2, "事项名称": ColLevel2,
	"公开内容": ColContent, "公开内容要素": ColContent, "公开要素": ColContent, "公开内容要素及要求": ColContent, "公开内容及要求": ColContent,
	"公开依据": ColBasis,
	"公开时限": ColLimit, "公开时间": ColLimit,
	"公开主体": ColSubject, "公开责任主体": ColSubject,
	"公开渠道和载体": ColChannels, "公开渠道": ColChannels, "公开载体": ColChannels, "公开渠道及载体": ColChannels,
	"公开对象": ColAudience,
	"公开方式": ColMethod,
	"公开层级": ColLevel,
}

// subColumns are the tick-box columns under a group header: a row marks
// them with √ (or ■, ✓, 是).
var subColumns = map[string]struct {
	group Column
	value string
}{
	"全社会": {ColAudience, "全社会"}, "特定群体": {ColAudience, "特定群体"},
	"主动": {ColMethod, "主动"}, "依申请": {ColMethod, "依申请"},
	"市级": {ColLevel, "市级"}, "县级": {ColLevel, "县级"}, "区级": {ColLevel, "县级"}, "乡级": {ColLevel, "乡级"}, "镇级": {ColLevel, "乡级"},
	"村级": {ColLevel, "村级"}, "乡村级": {ColLevel, "乡级、村级"},
}

// Row is one data row of an imported table.
type Row struct {
	// Line is the row's line in the file (1-based), or its row in the sheet.
	Line  int
	Sheet string
	Cells map[Column]string
}

// Table is a catalog or guideline table read from a CSV or XLSX file.
type Table struct {
	Rows []Row
	// Columns are the standard columns found, in file order.
	Columns []Column
	// Ignored are header texts of columns that are not standard.
	Ignored []string
	// Sheets names the XLSX sheets that held rows.
	Sheets []string
	// Encoding is "utf-8" or "gbk" for CSV, "xlsx" otherwise.
	Encoding string
	// Titles holds, per sheet, the title row above the header, if any
	// ("养老服务领域基层政务公开标准目录").
	Titles map[string]string
}

// MaxTableBytes bounds an uploaded table.
const MaxTableBytes = tabular.MaxBytes

// ReadTable reads a catalog table from a CSV or XLSX file, chosen by the
// content (a ZIP signature is XLSX) and, failing that, by the name
// (tabular.Read). Merged cells (XLSX) and blank cells (CSV) meaning "same
// as above" are filled in. Errors name the line and the column.
func ReadTable(name string, r io.Reader) (*Table, error) {
	f, err := tabular.Read(name, r)
	if err != nil {
		return nil, err
	}
	t := &Table{Encoding: f.Encoding}
	if f.Encoding != tabular.XLSX {
		if err := t.addSheet("", f.Sheets[0].Rows, true); err != nil {
			return nil, err
		}
		return t, nil
	}
	var firstErr error
	for _, s := range f.Sheets {
		if tabular.Blank(s.Rows) {
			continue
		}
		if err := t.addSheet(s.Name, s.Rows, false); err != nil {
			// A workbook may hold notes or a cover sheet: skip sheets
			// without a catalog header as long as one sheet has one.
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
	}
	if len(t.Rows) == 0 && len(t.Sheets) == 0 {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, errs.New(errs.Invalid, "table.empty")
	}
	return t, nil
}

// normHeader folds a header cell to the form columnNames uses.
func normHeader(s string) string { return tabular.Fold(s) }

// colSpec says what one column of a sheet holds.
type colSpec struct {
	col   Column // standard column, or "" if ignored
	value string // for a tick-box column, the value a tick means
	title string // header text, for ignored columns
}

// addSheet finds the header in records (one or two rows, within the first
// ten) and appends the data rows to t.
func (t *Table) addSheet(sheet string, records [][]string, fillDown bool) error {
	hi := -1
	for i := 0; i < len(records) && i < 10; i++ {
		n := 0
		for _, c := range records[i] {
			if col, ok := columnNames[normHeader(c)]; ok && col != ColSeq {
				n++
			}
		}
		if n >= 3 {
			hi = i
			break
		}
	}
	if hi < 0 {
		return errs.New(errs.Invalid, "table.no_header")
	}
	header := records[hi]
	width := len(header)
	for _, r := range records[hi:] {
		width = max(width, len(r))
	}
	specs := make([]colSpec, width)
	for i := range specs {
		h := cell(header, i)
		if col, ok := columnNames[normHeader(h)]; ok {
			specs[i] = colSpec{col: col}
		} else if h != "" {
			specs[i] = colSpec{title: strings.TrimSpace(h)}
		}
	}
	// A second header row names the parts of a grouped column: 一级事项 and
	// 二级事项 under 公开事项, tick boxes under 公开对象, 公开方式, 公开层级.
	start := hi + 1
	if start < len(records) && isSubHeader(records[start]) {
		sub := records[start]
		for i := range specs {
			h := normHeader(cell(sub, i))
			if h == "" {
				continue
			}
			if col, ok := columnNames[h]; ok && (col == ColLevel1 || col == ColLevel2) {
				specs[i] = colSpec{col: col}
			} else if sc, ok := subColumns[h]; ok {
				specs[i] = colSpec{col: sc.group, value: sc.value}
			}
		}
		start++
	}
	// Some sheets put the sub-header in a third row (一级 事项 | 二级 事项 on
	// one row, tick boxes on the next).
	if start < len(records) && isSubHeader(records[start]) {
		sub := records[start]
		for i := range specs {
			if sc, ok := subColumns[normHeader(cell(sub, i))]; ok {
				specs[i] = colSpec{col: sc.group, value: sc.value}
			}
		}
		start++
	}
	seen := map[Column]bool{}
	for _, s := range specs {
		if s.col != "" && !seen[s.col] {
			seen[s.col] = true
			if !slices.Contains(t.Columns, s.col) {
				t.Columns = append(t.Columns, s.col)
			}
		}
		if s.col == "" && s.title != "" && !slices.Contains(t.Ignored, s.title) {
			t.Ignored = append(t.Ignored, s.title)
		}
	}
	if !seen[ColLevel1] && !seen[ColLevel2] {
		return errs.New(errs.Invalid, "table.no_item_column")
	}
	t.Sheets = append(t.Sheets, sheet)
	for i := 0; i < hi; i++ {
		var filled []string
		for _, c := range records[i] {
			if c = strings.TrimSpace(c); c != "" && !slices.Contains(filled, c) {
				filled = append(filled, c)
			}
		}
		if len(filled) == 1 {
			if t.Titles == nil {
				t.Titles = map[string]string{}
			}
			t.Titles[sheet] = filled[0]
			break
		}
	}
	var prev map[Column]string
	for i := start; i < len(records); i++ {
		rec := records[i]
		if blankRow(rec) {
			continue
		}
		cells := map[Column]string{}
		ticks := map[Column][]string{}
		tickCols := map[Column]bool{}
		for j, s := range specs {
			v := strings.TrimSpace(cell(rec, j))
			switch {
			case s.col == "":
			case s.value != "":
				tickCols[s.col] = true
				if ticked(v) {
					ticks[s.col] = append(ticks[s.col], s.value)
				}
			case v != "":
				if cells[s.col] == "" {
					cells[s.col] = v
				}
			}
		}
		for col := range tickCols {
			if len(ticks[col]) > 0 {
				cells[col] = strings.Join(ticks[col], "、")
			}
		}
		if isTitleRow(cells) {
			continue
		}
		if fillDown && prev != nil {
			for _, col := range t.Columns {
				if sharedColumns[col] && cells[col] == "" {
					cells[col] = prev[col]
				}
			}
		}
		prev = cells
		t.Rows = append(t.Rows, Row{Line: i + 1, Sheet: sheet, Cells: cells})
	}
	return nil
}

// sharedColumns are the columns a blank CSV cell takes from the row above,
// as merged cells do in the sheets such files are saved from. 二级事项 and
// 公开内容 belong to each row: a blank one there is missing, not shared.
var sharedColumns = map[Column]bool{
	ColDomain: true, ColLevel1: true, ColBasis: true, ColLimit: true, ColSubject: true,
	ColChannels: true, ColAudience: true, ColMethod: true, ColLevel: true,
}

// isSubHeader reports whether a row holds the second level of a header:
// at least two part names and nothing else.
func isSubHeader(rec []string) bool {
	n := 0
	for _, c := range rec {
		h := normHeader(c)
		if _, ok := subColumns[h]; ok {
			n++
		} else if col, ok := columnNames[h]; ok && (col == ColLevel1 || col == ColLevel2) {
			n++
		} else if h != "" {
			return false
		}
	}
	return n >= 2
}

// isTitleRow reports rows such as a repeated section title that fill only
// the item columns.
func isTitleRow(cells map[Column]string) bool {
	return len(cells) == 0
}

func ticked(v string) bool {
	switch strings.TrimSpace(v) {
	case "√", "✓", "✔", "■", "☑", "是", "●", "○", "v", "V", "y", "Y", "1":
		return true
	}
	return false
}

func cell(rec []string, i int) string { return tabular.Cell(rec, i) }

func blankRow(rec []string) bool { return tabular.BlankRow(rec) }

// fold is tabular.Fold: headers, domain names and time limits compare
// folded.
func fold(s string) string { return tabular.Fold(s) }
