package report

import (
	"fmt"
	"testing"

	"gongkai/internal/i18n"
)

// covers checks that a table's cells cover a rectangle of width columns
// exactly once, and returns its height.
func covers(t *testing.T, name string, rows [][]cell, width int) int {
	t.Helper()
	seen := map[[2]int]int{}
	height := 0
	for _, p := range place(rows) {
		for i := 0; i < p.Rows; i++ {
			for j := 0; j < p.Cols; j++ {
				seen[[2]int{p.Row + i, p.Col + j}]++
				height = max(height, p.Row+i+1)
			}
		}
	}
	for r := 0; r < height; r++ {
		for c := 0; c < width; c++ {
			if n := seen[[2]int{r, c}]; n != 1 {
				t.Errorf("%s: slot (%d, %d) covered %d times", name, r, c, n)
			}
		}
	}
	if len(seen) != height*width {
		t.Errorf("%s: %d slots covered, want %d×%d", name, len(seen), height, width)
	}
	return height
}

func TestLayoutsAreRectangles(t *testing.T) {
	for _, lang := range i18n.Langs {
		r := Report{Table3: newTable3(), Table4: newTable4()}
		for i, g := range table2(r.Table2, lang) {
			width := 2 // 信息内容 and one figure
			if i == 0 {
				width = 4 // 规章 and 行政规范性文件: made, repealed, in force
			}
			covers(t, fmt.Sprintf("table 2.%d head", i), g.Head, width)
			covers(t, fmt.Sprintf("table 2.%d body", i), g.Body, width)
		}
		g := table3(r.Table3, lang)
		if h := covers(t, "table 3 head", g.Head, 3+len(Columns)); h != 3 {
			t.Errorf("table 3 head: %d rows", h)
		}
		if h := covers(t, "table 3 body", g.Body, 3+len(Columns)); h != len(Rows) {
			t.Errorf("table 3 body: %d rows, want %d", h, len(Rows))
		}
		g = table4(r.Table4, lang)
		covers(t, "table 4 head", g.Head, 3*len(Table4Columns))
		covers(t, "table 4 body", g.Body, 3*len(Table4Columns))
	}
}

func TestTable3Nesting(t *testing.T) {
	// The groups of 三、本年度办理结果 span exactly their rows.
	g := table3(newTable3(), i18n.Zh)
	spans := map[string]int{}
	for _, row := range g.Body {
		for _, c := range row {
			if c.Scope == "rowgroup" {
				spans[c.Text] = c.Rows
			}
		}
	}
	want := map[string]int{"三、本年度办理结果": 22, "（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}
	for k, n := range want {
		if spans[k] != n {
			t.Errorf("%s spans %d rows, want %d", k, spans[k], n)
		}
	}
	if len(spans) != len(want) {
		t.Errorf("row groups %v", spans)
	}
}
