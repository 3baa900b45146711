package village

import (
	"context"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/workbook"
)

// TownRow is one town's line of the year-end report: its villages and
// communities, how many were visited, and those not yet.
type TownRow struct {
	Town              org.Unit
	Villages, Visited int
	Visits            int
	NotVisited        []org.Unit
}

// Covered reports whether every village and community was visited (全覆盖).
func (t TownRow) Covered() bool { return t.Visited == t.Villages }

// Report is a district's year-end report of the towns' guidance visits,
// which the plan has it send by 31 December (各区政府要于12月31日前将本项
// 工作开展情况报市政务公开办).
type Report struct {
	Scope             org.Unit
	Year              int
	Towns             []TownRow
	Visits            []Visit
	Villages, Visited int
}

// YearReport works out scope's report for year from the visits recorded.
func YearReport(ctx context.Context, q db.Querier, scope org.Unit, year int) (Report, error) {
	r := Report{Scope: scope, Year: year}
	var err error
	if r.Visits, err = Visits(ctx, q, scope, year); err != nil {
		return r, err
	}
	visited := map[int64]bool{}
	visits := map[int64]int{}
	for _, v := range r.Visits {
		visited[v.Village.ID] = true
		visits[v.Town.ID]++
	}
	units, err := org.Subtree(ctx, q, scope)
	if err != nil {
		return r, err
	}
	idx := map[int64]int{}
	for _, u := range units {
		if IsTown(u.Kind) {
			idx[u.ID] = len(r.Towns)
			r.Towns = append(r.Towns, TownRow{Town: u, Visits: visits[u.ID]})
		}
	}
	for _, u := range units {
		i, ok := idx[u.ParentID]
		if !ok || !Keeps(u.Kind) {
			continue
		}
		t := &r.Towns[i]
		t.Villages++
		r.Villages++
		if visited[u.ID] {
			t.Visited++
			r.Visited++
		} else {
			t.NotVisited = append(t.NotVisited, u)
		}
	}
	return r, nil
}

// XLSX writes the report as a workbook in lang: a summary sheet by town
// and a sheet of the visits.
func (r Report) XLSX(w io.Writer, lang i18n.Lang) error {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	title := t("village.report_title", r.Scope.Name, r.Year)
	sum, list := t("village.sheet_summary"), t("village.sheet_visits")
	f, err := workbook.New(title, sum)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.NewSheet(list); err != nil {
		return err
	}
	rows := [][]any{{title}, {t("village.town"), t("village.n_villages"), t("village.visited"), t("village.visits"), t("village.not_visited")}}
	for _, tr := range r.Towns {
		names := ""
		for i, u := range tr.NotVisited {
			if i > 0 {
				names += "、"
			}
			names += u.Name
		}
		rows = append(rows, []any{tr.Town.Name, tr.Villages, tr.Visited, tr.Visits, names})
	}
	rows = append(rows, []any{t("village.total"), r.Villages, r.Visited, len(r.Visits)})
	if err := setRows(f, sum, rows); err != nil {
		return err
	}
	rows = [][]any{{t("village.field.date"), t("village.town"), t("village.field.village"), t("village.field.people"), t("village.field.findings"), t("village.field.advice")}}
	for _, v := range r.Visits {
		rows = append(rows, []any{v.Date, v.Town.Name, v.Village.Name, v.People, v.Findings, v.Advice})
	}
	if err := setRows(f, list, rows); err != nil {
		return err
	}
	for _, s := range []struct {
		sheet  string
		head   int
		widths []float64
	}{{sum, 2, []float64{24, 10, 10, 10, 40}}, {list, 1, []float64{12, 24, 24, 24, 40, 40}}} {
		if err := workbook.Widths(f, s.sheet, s.widths...); err != nil {
			return err
		}
		if err := workbook.PrintTable(f, s.sheet, s.head, s.head); err != nil {
			return err
		}
	}
	return workbook.Write(f, w)
}

func setRows(f *excelize.File, sheet string, rows [][]any) error {
	for i, row := range rows {
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &row); err != nil {
			return err
		}
	}
	return nil
}
