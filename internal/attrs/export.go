package attrs

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/i18n"
	"gongkai/internal/workbook"
)

// WriteSpotXLSX writes check c as a workbook: the results by unit, then
// every document drawn with the checker's answers and notes.
func WriteSpotXLSX(w io.Writer, c SpotCheck, items []SpotItem) error {
	zh := func(key string, args ...any) string { return i18n.T(i18n.Zh, key, args...) }
	byUnit, details := "按单位", "抽查明细"
	f, err := workbook.New(fmt.Sprintf("%s%d年文件公开属性抽查（随机种子%d）", c.Office.Name, c.Year, c.Seed), byUnit)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.NewSheet(details); err != nil {
		return err
	}
	set := func(sheet string, row int, vals ...any) error {
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return f.SetSheetRow(sheet, cell, &vals)
	}
	if err := set(byUnit, 1, "单位代码", "单位名称", zh("attrs.sampled"), zh("attrs.checked"), zh("attrs.field.proposed"), "%",
		zh("attrs.field.marked"), "%", zh("attrs.field.correct"), "%", zh("attrs.problems")); err != nil {
		return err
	}
	for i, r := range Results(items) {
		if err := set(byUnit, i+2, r.Unit.Code, r.Unit.Name, r.Sampled, r.Checked, r.Proposed, r.ProposedPct(), r.Marked, r.MarkedPct(),
			r.Correct, r.CorrectPct(), r.Problems); err != nil {
			return err
		}
	}
	if err := set(details, 1, "单位代码", "单位名称", "索引号", "标题", "文号", "成文日期", zh("info.attribute"), zh("attrs.field.proposed"),
		zh("attrs.field.marked"), zh("attrs.field.correct"), zh("attrs.field.note"), zh("attrs.checked_by")); err != nil {
		return err
	}
	answer := func(s string) any {
		if s == "" {
			return nil
		}
		return zh("attrs.answer." + s)
	}
	for i, it := range items {
		note := any(nil)
		if it.Note != "" {
			note = it.Note
		}
		if err := set(details, i+2, it.Unit.Code, it.Unit.Name, it.Doc.IndexNo, it.Doc.Title, it.Doc.DocNumber, it.Doc.WrittenDate,
			zh("info.attribute."+it.Doc.Attribute), answer(it.Proposed), answer(it.Marked), answer(it.Correct), note, it.CheckedBy); err != nil {
			return err
		}
	}
	for sheet, widths := range map[string][]float64{byUnit: {14, 30, 8, 8, 10, 6, 10, 6, 10, 6, 8}, details: {14, 24, 22, 40, 18, 12, 10, 10, 10, 10, 30, 14}} {
		if err := workbook.Widths(f, sheet, widths...); err != nil {
			return err
		}
		if err := workbook.PrintTable(f, sheet, 1, 1); err != nil {
			return err
		}
	}
	return workbook.Write(f, w)
}
