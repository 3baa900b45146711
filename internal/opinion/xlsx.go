package opinion

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/i18n"
	"gongkai/internal/workbook"
)

// Title is the summary's title in lang: 海珠区人民政府舆情事项办理情况月报（2026-10）.
func (s Summary) Title(lang i18n.Lang) string {
	return i18n.T(lang, "opinion.summary.title_of", s.ScopeName, s.Month)
}

// WriteXLSX writes the summary as a workbook in lang: a sheet of counts
// and a sheet with a line for each item, each laid out to print.
func WriteXLSX(w io.Writer, s Summary, lang i18n.Lang) error {
	tr := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	title := s.Title(lang)
	counts, lines := tr("opinion.summary.sheet_counts"), tr("opinion.summary.sheet_items")
	f, err := workbook.New(title, counts)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.NewSheet(lines); err != nil {
		return err
	}
	rows := [][]any{{title}, {tr("opinion.summary.as_of", s.AsOf)}, {},
		{tr("opinion.summary.group"), tr("opinion.summary.what"), tr("opinion.summary.n")}}
	add := func(group, prefix string, cs []Count) {
		for _, c := range cs {
			rows = append(rows, []any{group, tr(prefix + c.Key), c.N})
		}
	}
	rows = append(rows, []any{tr("opinion.summary.items"), tr("opinion.summary.total"), s.Total})
	add(tr("opinion.field.level"), "opinion.level.", s.ByLevel)
	add(tr("opinion.field.source"), "opinion.source.", s.BySource)
	add(tr("opinion.state"), "opinion.state.", s.ByState)
	parts := tr("opinion.summary.parts")
	for _, r := range []struct {
		key string
		n   int
	}{{"opinion.summary.parts_total", s.Parts}, {"opinion.summary.responded", s.Responded}, {"opinion.summary.on_time", s.OnTime},
		{"opinion.summary.late", s.Late}, {"opinion.summary.waiting", s.Waiting}} {
		rows = append(rows, []any{parts, tr(r.key), r.n})
	}
	rate := []any{parts, tr("opinion.summary.rate"), nil}
	if s.OnTimeRate != nil {
		rate[2] = *s.OnTimeRate
	}
	rows = append(rows, rate)
	if err := setRows(f, counts, rows); err != nil {
		return err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return err
	}
	last := fmt.Sprintf("C%d", len(rows))
	if err := f.SetCellStyle(counts, last, last, pct); err != nil {
		return err
	}
	if err := workbook.Widths(f, counts, 16, 24, 10); err != nil {
		return err
	}
	if err := workbook.PrintTable(f, counts, 4, 4); err != nil {
		return err
	}

	head := []any{tr("opinion.summary.no"), tr("opinion.field.found"), tr("opinion.field.title"), tr("opinion.field.source"), tr("opinion.field.level"),
		tr("opinion.summary.office"), tr("opinion.summary.units"), tr("opinion.due"), tr("opinion.summary.responded_on"), tr("opinion.summary.on_time_col"),
		tr("opinion.state"), tr("opinion.summary.closed"), tr("opinion.summary.published")}
	rows = [][]any{{title}, head}
	for _, l := range s.Items {
		var units, dues, on, ok []string
		for _, p := range l.Parts {
			units, dues, on = append(units, p.Unit), append(dues, p.Due), append(on, p.Responded)
			switch p.Verdict() {
			case "":
				ok = append(ok, tr("opinion.summary.pending"))
			case "on_time":
				ok = append(ok, tr("opinion.yes"))
			default:
				ok = append(ok, tr("opinion.no"))
			}
		}
		pub := tr("opinion.no")
		if l.Published {
			pub = tr("opinion.yes")
		}
		rows = append(rows, []any{l.ID, l.Found, l.Title, tr("opinion.source." + l.Source), tr("opinion.level." + l.Level), l.Office,
			strings.Join(units, "\n"), strings.Join(dues, "\n"), strings.Join(on, "\n"), strings.Join(ok, "\n"),
			tr("opinion.state." + l.State), l.Closed, pub})
	}
	if err := setRows(f, lines, rows); err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(lines, "A2", fmt.Sprintf("M%d", len(rows)), wrap); err != nil {
		return err
	}
	if err := workbook.Widths(f, lines, 8, 12, 30, 10, 8, 18, 22, 12, 12, 10, 10, 12, 8); err != nil {
		return err
	}
	if err := workbook.PrintTable(f, lines, 2, 2); err != nil {
		return err
	}
	return workbook.Write(f, w)
}

// setRows writes rows from A1 down.
func setRows(f *excelize.File, sheet string, rows [][]any) error {
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return err
		}
	}
	return nil
}
