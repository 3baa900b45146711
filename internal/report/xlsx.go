package report

import (
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/i18n"
	"gongkai/internal/workbook"
)

// WriteXLSX writes report r as a workbook in Simplified Chinese: a sheet
// with the title and the texts, then a sheet for each section's tables,
// merged as the format draws them.
func WriteXLSX(w io.Writer, r Report) error {
	title := Title(i18n.Zh, r.Unit, r.Year)
	text := i18n.T(i18n.Zh, "report.sheet.text")
	f, err := workbook.New(title, text)
	if err != nil {
		return err
	}
	defer f.Close()
	x, err := newWorkbook(f)
	if err != nil {
		return err
	}
	secs := sections(r, i18n.Zh)
	if err := x.texts(text, title, secs); err != nil {
		return err
	}
	for _, s := range secs {
		if len(s.Tables) == 0 {
			continue
		}
		if err := x.tables(i18n.T(i18n.Zh, "report.sheet."+s.Key), s, sheetWidths[s.Key]); err != nil {
			return err
		}
	}
	return workbook.Write(f, w)
}

// sheetWidths are the column widths of each table sheet.
var sheetWidths = map[string][]float64{
	"proactive": {22, 18, 18, 18},
	"requests":  {14, 14, 44, 10, 10, 10, 12, 12, 10, 10},
	"appeals":   {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9},
}

// textWidth is how many columns the texts span, and textChars about how
// many Chinese characters a line of them holds.
const (
	textWidth = 8
	textChars = 48
)

// book is a file with the styles the report uses.
type book struct {
	f                                  *excelize.File
	title, heading, head, label, value int
	para                               int
}

func newWorkbook(f *excelize.File) (*book, error) {
	// Without a colour excelize writes rgb="FF", which openpyxl refuses and
	// LibreOffice draws blue.
	const black = "000000"
	border := []excelize.Border{{Type: "left", Style: 1, Color: black}, {Type: "right", Style: 1, Color: black},
		{Type: "top", Style: 1, Color: black}, {Type: "bottom", Style: 1, Color: black}}
	styles := []*excelize.Style{
		{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}},
		{Font: &excelize.Font{Bold: true, Size: 12}},
		{Font: &excelize.Font{Bold: true}, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}},
		{Border: border, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}},
		{Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}},
		{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true, Indent: 2}},
	}
	ids := make([]int, len(styles))
	for i, s := range styles {
		id, err := f.NewStyle(s)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return &book{f: f, title: ids[0], heading: ids[1], head: ids[2], label: ids[3], value: ids[4], para: ids[5]}, nil
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// wide writes text in row across width columns, merged, in style.
func (x *book) wide(sheet string, row, width int, text string, style int) error {
	from, to := cellName(1, row), cellName(width, row)
	if err := x.f.SetCellStr(sheet, from, text); err != nil {
		return err
	}
	if width > 1 {
		if err := x.f.MergeCell(sheet, from, to); err != nil {
			return err
		}
	}
	return x.f.SetCellStyle(sheet, from, to, style)
}

// texts writes the title and each section's heading and paragraphs, with
// a pointer to the sheet of its tables.
func (x *book) texts(sheet, title string, secs []section) error {
	last, _ := excelize.ColumnNumberToName(textWidth)
	if err := x.f.SetColWidth(sheet, "A", last, 12); err != nil {
		return err
	}
	if err := x.wide(sheet, 1, textWidth, title, x.title); err != nil {
		return err
	}
	if err := x.f.SetRowHeight(sheet, 1, 42); err != nil {
		return err
	}
	row := 3
	for _, s := range secs {
		if err := x.wide(sheet, row, textWidth, s.Title, x.heading); err != nil {
			return err
		}
		row++
		paras := s.Paras
		if len(s.Tables) > 0 {
			paras = append(paras, i18n.T(i18n.Zh, "report.see_sheet", i18n.T(i18n.Zh, "report.sheet."+s.Key)))
		}
		for _, p := range paras {
			if err := x.wide(sheet, row, textWidth, p, x.para); err != nil {
				return err
			}
			lines := (utf8.RuneCountInString(p)+2)/textChars + 1
			if err := x.f.SetRowHeight(sheet, row, float64(18*lines)); err != nil {
				return err
			}
			row++
		}
		row++
	}
	return nil
}

// tables writes a section's tables on a sheet of their own, under the
// section's title.
func (x *book) tables(sheet string, s section, widths []float64) error {
	if _, err := x.f.NewSheet(sheet); err != nil {
		return err
	}
	if err := workbook.Widths(x.f, sheet, widths...); err != nil {
		return err
	}
	if err := x.wide(sheet, 1, len(widths), s.Title, x.title); err != nil {
		return err
	}
	row := 3
	for _, g := range s.Tables {
		if err := x.wide(sheet, row, len(widths), g.Caption, x.heading); err != nil {
			return err
		}
		row++
		rows := append(append([][]cell{}, g.Head...), g.Body...)
		for _, p := range place(rows) {
			if err := x.cell(sheet, row+p.Row, p); err != nil {
				return err
			}
		}
		row += len(rows) + 1
	}
	return nil
}

// cell writes a placed cell at the sheet's row, merging its span.
func (x *book) cell(sheet string, row int, p placed) error {
	from := cellName(p.Col+1, row)
	to := cellName(p.Col+max(p.Cols, 1), row+max(p.Rows, 1)-1)
	var err error
	style := x.label
	switch {
	case p.Num:
		style = x.value
		if n, perr := strconv.Atoi(p.Text); perr == nil {
			err = x.f.SetCellInt(sheet, from, int64(n))
		} else {
			v, _ := strconv.ParseFloat(p.Text, 64)
			err = x.f.SetCellFloat(sheet, from, v, -1, 64)
		}
	case p.Head && (p.Scope == "col" || p.Scope == "colgroup"):
		style = x.head
		err = x.f.SetCellStr(sheet, from, p.Text)
	default:
		err = x.f.SetCellStr(sheet, from, p.Text)
	}
	if err != nil {
		return err
	}
	if from != to {
		if err := x.f.MergeCell(sheet, from, to); err != nil {
			return err
		}
	}
	return x.f.SetCellStyle(sheet, from, to, style)
}
