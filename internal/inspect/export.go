package inspect

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/i18n"
	"gongkai/internal/workbook"
)

// WriteXLSX writes a run as a workbook: scores by unit with the verdict
// (合格 or 不合格, and what failed a unit outright), then every finding with
// its rectification state and the unit's answer in words.
func WriteXLSX(w io.Writer, run *Run, names map[string]string) error {
	scores, details := "得分", "问题清单"
	f, err := workbook.New(fmt.Sprintf("网上巡查 #%d（%s，截至%s）", run.ID, run.Scope.Name, run.AsOf), scores)
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
		if err := set(scores, i+2, u.Code, u.Name, u.Score, zh(u.VerdictKey()), cellText(strings.Join(vetoes, "；")), len(u.Findings)); err != nil {
			return err
		}
		for _, fd := range u.Findings {
			// Proportional rules cost fractions; two decimals are enough
			// to read, the score is worked out from the exact points.
			points := math.Round(fd.Points*100) / 100
			if err := set(details, row, u.Code, u.Name, names[fd.Rule], fd.Target, fd.Expected, fd.Actual, points, cellText(stateName(fd.State)), cellText(answerText(fd))); err != nil {
				return err
			}
			row++
		}
	}
	for sheet, widths := range map[string][]float64{scores: {14, 36, 8, 8, 36, 8}, details: {14, 30, 14, 30, 40, 30, 6, 10, 30}} {
		if err := workbook.Widths(f, sheet, widths...); err != nil {
			return err
		}
		if err := workbook.PrintTable(f, sheet, 1, 1); err != nil {
			return err
		}
	}
	return workbook.Write(f, w)
}

// stateName is a finding's rectification state in words, "" outside a
// notice.
func stateName(state string) string {
	if state == "" {
		return ""
	}
	return i18n.T(i18n.Zh, "inspect.state_"+state)
}

// answerText is the unit's answer in words with its note: 有异议（说明）.
func answerText(fd Finding) string {
	note := strings.TrimSpace(fd.AnswerNote)
	switch {
	case fd.Answer == "":
		return note
	case note == "":
		return i18n.T(i18n.Zh, "inspect.answer_"+fd.Answer)
	}
	return i18n.T(i18n.Zh, "inspect.answer_"+fd.Answer) + "（" + note + "）"
}

// cellText leaves an empty text out, so that the cell stays empty.
func cellText(s string) any {
	if s == "" {
		return nil
	}
	return s
}
