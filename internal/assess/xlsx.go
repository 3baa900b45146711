package assess

import (
	"fmt"
	"io"

	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/workbook"
)

// Title is the title of the assessment of scope's units in year, in lang.
func Title(lang i18n.Lang, scope org.Unit, year int) string {
	return i18n.T(lang, "assess.title", scope.Name, year)
}

// ComponentTitle is the name of component key in lang.
func ComponentTitle(lang i18n.Lang, key string) string { return i18n.T(lang, "assess.component."+key) }

// WriteXLSX writes the results of scope's units under scheme s as a
// workbook in lang: a title row, then per unit its name, code, each
// component's score (empty where left out), the score and the points.
func WriteXLSX(w io.Writer, lang i18n.Lang, scope org.Unit, s Scheme, results []UnitResult) error {
	title := Title(lang, scope, s.Year)
	sheet := i18n.T(lang, "assess.sheet")
	f, err := workbook.New(title, sheet)
	if err != nil {
		return err
	}
	defer f.Close()
	header := []any{i18n.T(lang, "unit.name"), i18n.T(lang, "unit.code")}
	for _, c := range s.Components {
		header = append(header, i18n.T(lang, "assess.column", ComponentTitle(lang, c.Key), c.Weight))
	}
	header = append(header, i18n.T(lang, "assess.score"), i18n.T(lang, "assess.points", PerformancePoints))
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	if err := f.SetSheetRow(sheet, "A2", &header); err != nil {
		return err
	}
	for i, r := range results {
		row := []any{r.Unit.Name, r.Unit.Code}
		for _, c := range r.Components {
			var v any // a component left out stays empty: the column holds numbers only
			if c.Available {
				v = c.Score
			}
			row = append(row, v)
		}
		row = append(row, r.Score, r.Points)
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+3), &row); err != nil {
			return err
		}
	}
	widths := []float64{28, 14}
	for range s.Components {
		widths = append(widths, 14)
	}
	if err := workbook.Widths(f, sheet, append(widths, 10, 14)...); err != nil {
		return err
	}
	if err := workbook.PrintTable(f, sheet, 2, 2); err != nil {
		return err
	}
	return workbook.Write(f, w)
}
