package inspect

import (
	"fmt"
	"io"
	"math"
	"strings"

	"gongkai/internal/i18n"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes a run as a workbook: scores by unit with the verdict
// (合格 or 不合格, and what failed a unit outright), then every finding.
func WriteXLSX(w io.Writer, run *Run, names map[string]string) error {
	f := excelize.NewFile()
	defer f.Close()
	scores, details := "得分", "问题清单"
	f.SetSheetName("Sheet1", scores)
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
	zh := func(key string) string { return i18n.T(i18n.Zh, key) }
	if err := set(scores, 1, "单位代码", "单位名称", "得分", zh("inspect.verdict"), zh("inspect.veto"), "问题数"); err != nil {
		return err
	}
	if err := set(details, 1, "单位代码", "单位名称", "规则", "对象", "应当", "实际", "扣分", "状态", "单位答复"); err != nil {
		return err
	}
	row := 2
	for i, u := range run.Units {
		var vetoes []string
		for _, v := range u.Vetoes() {
			vetoes = append(vetoes, names[v.Rule]+"："+v.Actual)
		}
		if err := set(scores, i+2, u.Code, u.Name, u.Score, zh(u.VerdictKey()), strings.Join(vetoes, "；"), len(u.Findings)); err != nil {
			return err
		}
		for _, fd := range u.Findings {
			// Proportional rules cost fractions; two decimals are enough
			// to read, the score is worked out from the exact points.
			points := math.Round(fd.Points*100) / 100
			if err := set(details, row, u.Code, u.Name, names[fd.Rule], fd.Target, fd.Expected, fd.Actual, points, fd.State, fd.Answer+" "+fd.AnswerNote); err != nil {
				return err
			}
			row++
		}
	}
	for sheet, widths := range map[string][]float64{scores: {14, 36, 8, 8, 36, 8}, details: {14, 30, 14, 30, 40, 30, 6, 8, 24}} {
		for i, wd := range widths {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(sheet, col, col, wd); err != nil {
				return err
			}
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: fmt.Sprintf("网上巡查 #%d（%s，截至%s）", run.ID, run.Scope.Name, run.AsOf)}); err != nil {
		return err
	}
	return f.Write(w)
}
