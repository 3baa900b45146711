package report

import (
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/foi"
	"gongkai/internal/i18n"
)

// The tables are laid out once, as the format of 国办公开办函〔2021〕30号
// draws them, and the HTML and XLSX writers both draw from that layout.

// cell is a cell of a table.
type cell struct {
	Text  string
	Head  bool   // a header (th)
	Scope string // of a header: col, colgroup, row or rowgroup
	Rows  int    // rows spanned, at least 1
	Cols  int    // columns spanned, at least 1
	Num   bool   // a figure
}

// grid is a table: its caption, header rows and body rows. As in HTML, a
// row leaves out the slots that spans from earlier rows cover.
type grid struct {
	Caption string
	Head    [][]cell
	Body    [][]cell
	// Hint says, on a narrow screen, that the table scrolls sideways.
	Hint string
}

func header(text, scope string, rows, cols int) cell {
	return cell{Text: text, Head: true, Scope: scope, Rows: rows, Cols: cols}
}

func number(s string) cell { return cell{Text: s, Num: true, Rows: 1, Cols: 1} }

func numbers(vs []int) []cell {
	out := make([]cell, len(vs))
	for i, v := range vs {
		out[i] = number(strconv.Itoa(v))
	}
	return out
}

// table2 lays out table 2 as four tables, one for each item of 条例第二十条.
func table2(t Table2, lang i18n.Lang) []grid {
	T := func(k string) string { return i18n.T(lang, k) }
	content := header(T("report.t2.content"), "col", 1, 1)
	single := func(caption, valueHead string, rows ...[]cell) grid {
		return grid{Caption: T(caption), Head: [][]cell{{content, header(T(valueHead), "col", 1, 1)}}, Body: rows}
	}
	row := func(label string, values ...cell) []cell {
		return append([]cell{header(T(label), "row", 1, 1)}, values...)
	}
	docs := func(d Documents) []cell { return numbers([]int{d.Made, d.Repealed, d.InForce}) }
	return []grid{
		{Caption: T("report.t2.art20_1"),
			Head: [][]cell{{content, header(T("report.t2.made"), "col", 1, 1), header(T("report.t2.repealed"), "col", 1, 1), header(T("report.t2.in_force"), "col", 1, 1)}},
			Body: [][]cell{row("report.t2.regulations", docs(t.Regulations)...), row("report.t2.normative", docs(t.Normative)...)}},
		single("report.t2.art20_5", "report.t2.decisions", row("report.t2.licensing", numbers([]int{t.Licensing})...)),
		single("report.t2.art20_6", "report.t2.decisions", row("report.t2.penalty", numbers([]int{t.Penalty})...), row("report.t2.enforcement", numbers([]int{t.Enforcement})...)),
		single("report.t2.art20_8", "report.t2.fees_amount", row("report.t2.fees", number(t.Fees.String()))),
	}
}

// resultGroup returns the group (（三）to（六）) a result row belongs to, or
// "" for a row on its own.
func resultGroup(row string) string {
	for _, g := range []string{"denied", "unable", "not_processed", "other"} {
		if strings.HasPrefix(row, g+"_") {
			return g
		}
	}
	return ""
}

// table3 lays out table 3: three columns of row labels, nested as the
// format nests them, then a column for each applicant type and the total.
func table3(t Table3, lang i18n.Lang) grid {
	T := func(k string) string { return i18n.T(lang, k) }
	col := func(c string, rows int) cell { return header(T(ColumnKey(c)), "col", rows, 1) }
	g := grid{Caption: T("report.t3.caption"), Head: [][]cell{
		{{Text: T("report.t3.corner"), Rows: 3, Cols: 3}, header(T("report.t3.applicants"), "colgroup", 1, len(Columns))},
		{col(Columns[0], 2), header(T("report.t3.legal_persons"), "colgroup", 1, len(Columns)-2), col(Columns[len(Columns)-1], 2)},
	}}
	var orgs []cell
	for _, c := range Columns[1 : len(Columns)-1] {
		orgs = append(orgs, col(c, 1))
	}
	g.Head = append(g.Head, orgs)
	size := map[string]int{}
	for _, k := range foi.Results {
		size[resultGroup(k)]++
	}
	prev := ""
	for _, r := range t.Rows {
		var labels []cell
		switch r.Key {
		case NewReceived, CarriedOver, CarriedForward:
			labels = append(labels, header(T(RowKey(r.Key)), "row", 1, 3))
		default:
			if r.Key == foi.Results[0] {
				labels = append(labels, header(T("report.t3.group.results"), "rowgroup", len(foi.Results)+1, 1))
			}
			grp := resultGroup(r.Key)
			switch {
			case grp == "":
				labels = append(labels, header(T(RowKey(r.Key)), "row", 1, 2))
			case grp != prev:
				labels = append(labels, header(T("report.t3.group."+grp), "rowgroup", size[grp], 1), header(T(RowKey(r.Key)), "row", 1, 1))
			default:
				labels = append(labels, header(T(RowKey(r.Key)), "row", 1, 1))
			}
			prev = grp
		}
		g.Body = append(g.Body, append(labels, numbers(r.Values)...))
	}
	return g
}

// table4 lays out table 4: 行政复议, then 行政诉讼 in its two groups, each
// with the outcome columns.
func table4(t Table4, lang i18n.Lang) grid {
	T := func(k string) string { return i18n.T(lang, k) }
	n := len(Table4Columns)
	outcomes := func(rows int) []cell {
		out := make([]cell, n)
		for i, c := range Table4Columns {
			out[i] = header(T("report.t4."+c), "col", rows, 1)
		}
		return out
	}
	return grid{Caption: T("report.t4.caption"),
		Head: [][]cell{
			{header(T("report.t4.review"), "colgroup", 1, n), header(T("report.t4.suit"), "colgroup", 1, 2*n)},
			append(outcomes(2), header(T("report.t4.suit_direct"), "colgroup", 1, n), header(T("report.t4.suit_after_review"), "colgroup", 1, n)),
			append(outcomes(1), outcomes(1)...),
		},
		Body: [][]cell{numbers(slices.Concat(t.Review, t.SuitDirect, t.SuitAfterReview))}}
}

// placed is a cell with its position, counted from 0.
type placed struct {
	cell
	Row, Col int
}

// place gives every cell of rows its position, skipping the slots that
// spans from earlier rows cover, as a browser lays out a table.
func place(rows [][]cell) []placed {
	taken := map[[2]int]bool{}
	var out []placed
	for r, row := range rows {
		c := 0
		for _, x := range row {
			for taken[[2]int{r, c}] {
				c++
			}
			for i := 0; i < max(x.Rows, 1); i++ {
				for j := 0; j < max(x.Cols, 1); j++ {
					taken[[2]int{r + i, c + j}] = true
				}
			}
			out = append(out, placed{cell: x, Row: r, Col: c})
			c += max(x.Cols, 1)
		}
	}
	return out
}
