package catalog

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/workbook"
)

// compilationHeader is the header of the compilation workbook: the standard
// layout with the unit and the domain in front, so that the file can be
// read back by ReadTable.
var compilationHeader = []any{"单位", "领域", "序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象", "公开方式", "公开层级"}

// compilationWidths are the widths of the compilation's columns.
var compilationWidths = []float64{16, 12, 6, 16, 18, 30, 24, 18, 14, 20, 10, 8, 10}

// WriteCompilation writes published catalogs as one XLSX workbook (文件汇编):
// a title row, the header, and one row per item. It prints on A4 landscape,
// one page wide, with the header on every page.
func WriteCompilation(w io.Writer, title string, cs []PublishedCatalog) error {
	const sheet = "目录汇编"
	f, err := workbook.New(title, sheet)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	if err := f.MergeCell(sheet, "A1", "M1"); err != nil {
		return err
	}
	if err := f.SetSheetRow(sheet, "A2", &compilationHeader); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "M2", bold); err != nil {
		return err
	}
	r := 3
	for _, c := range cs {
		for _, it := range c.Items {
			row := []any{c.Unit.Name, c.Domain.Name, it.Seq, it.Level1, it.Level2, it.Content, it.Basis, it.TimeLimit, it.Subject, it.Channels, it.Audience, it.Method, it.Levels}
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", r), &row); err != nil {
				return err
			}
			r++
		}
	}
	if r > 3 {
		if err := f.SetCellStyle(sheet, "A3", fmt.Sprintf("M%d", r-1), wrap); err != nil {
			return err
		}
	}
	if err := workbook.Widths(f, sheet, compilationWidths...); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := workbook.PrintTable(f, sheet, 2, 2); err != nil {
		return err
	}
	return workbook.Write(f, w)
}
