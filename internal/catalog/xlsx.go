package catalog

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// compilationHeader is the header of the compilation workbook: the standard
// layout with the unit and the domain in front, so that the file can be
// read back by ReadTable.
var compilationHeader = []any{"单位", "领域", "序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象", "公开方式", "公开层级"}

// WriteCompilation writes published catalogs as one XLSX workbook (文件汇编):
// a title row, the header, and one row per item.
func WriteCompilation(w io.Writer, title string, cs []PublishedCatalog) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "目录汇编"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
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
	f.SetCellStyle(sheet, "A1", "M2", bold)
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
		f.SetCellStyle(sheet, "A3", fmt.Sprintf("M%d", r-1), wrap)
	}
	for col, width := range map[string]float64{"A": 16, "B": 12, "C": 6, "D": 16, "E": 18, "F": 30, "G": 24, "H": 18, "I": 14, "J": 20, "K": 10, "L": 8, "M": 10} {
		f.SetColWidth(sheet, col, col, width)
	}
	f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
	_, err = f.WriteTo(w)
	return err
}
