package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"

	"gongkai/internal/i18n"
	"gongkai/internal/training"
	"gongkai/internal/workbook"
)

// trainingExport downloads a year's training per unit of the account's
// subtree — sessions organised and attended, people trained, and whether
// the unit attended the city's session on handling applications — as CSV
// (UTF-8 with a byte-order mark, which Excel needs to read Chinese) or as
// a workbook.
func (s *Server) trainingExport(xlsx bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := rulesAccount(r)
		if err != nil {
			return err
		}
		year, err := s.trainingYear(r)
		if err != nil {
			return err
		}
		figs, err := training.FiguresOf(r.Context(), s.db, a.Unit, year)
		if err != nil {
			return err
		}
		lang := langOf(r)
		header := []string{i18n.T(lang, "unit.code"), i18n.T(lang, "unit.name"), i18n.T(lang, "training.organised"), i18n.T(lang, "training.attended"),
			i18n.T(lang, "training.people"), i18n.T(lang, "training.city_session")}
		yesNo := func(b bool) string {
			if b {
				return i18n.T(lang, "training.yes")
			}
			return i18n.T(lang, "training.no")
		}
		name := fmt.Sprintf("training-%s-%d", a.Unit.Code, year)
		w.Header().Set("Cache-Control", "no-store")
		if !xlsx {
			var b bytes.Buffer
			b.WriteString("\ufeff")
			cw := csv.NewWriter(&b)
			cw.Write(header)
			for _, f := range figs {
				cw.Write([]string{f.Unit.Code, csvCell(f.Unit.Name), fmt.Sprint(f.Organised), fmt.Sprint(f.Attended), fmt.Sprint(f.People), yesNo(f.CitySession)})
			}
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
			w.Write(b.Bytes())
			return nil
		}
		title := i18n.T(lang, "training.export_title", year)
		sheet := i18n.T(lang, "training.sheet")
		f, err := workbook.New(title, sheet)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := f.SetCellValue(sheet, "A1", title); err != nil {
			return err
		}
		row := make([]any, len(header))
		for i, h := range header {
			row[i] = h
		}
		if err := f.SetSheetRow(sheet, "A2", &row); err != nil {
			return err
		}
		for i, x := range figs {
			vals := []any{x.Unit.Code, x.Unit.Name, x.Organised, x.Attended, x.People, yesNo(x.CitySession)}
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+3), &vals); err != nil {
				return err
			}
		}
		if err := workbook.Widths(f, sheet, 14, 30, 10, 10, 10, 16); err != nil {
			return err
		}
		if err := workbook.PrintTable(f, sheet, 2, 2); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := workbook.Write(f, &buf); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		w.Write(buf.Bytes())
		return nil
	}
}

// csvCell keeps a spreadsheet from reading a cell as a formula (CSV
// injection): text that starts with =, +, - or @ gets a leading quote.
func csvCell(s string) string {
	if strings.IndexAny(s, "=+-@") == 0 {
		return "'" + s
	}
	return s
}
