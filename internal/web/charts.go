package web

import (
	"fmt"
	"html/template"
	"strings"
)

// bar is one bar of a chart.
type bar struct {
	Label string
	Value float64
	Text  string // the value as shown
}

// barChart draws horizontal bars as an SVG image that scales to its
// container, for pages that must work without JavaScript. The same data is
// always in a table beside it; the image carries a text alternative.
func barChart(title string, bars []bar, max float64) template.HTML {
	const width, labelW, rowH, pad = 640.0, 190.0, 26.0, 6.0
	if max <= 0 {
		max = 1
	}
	height := float64(len(bars))*rowH + pad*2
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %.0f %.0f" width="100%%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		template.HTMLEscapeString(title), width, height, template.HTMLEscapeString(title))
	for i, br := range bars {
		y := pad + float64(i)*rowH
		w := (width - labelW - 60) * br.Value / max
		if w < 0 {
			w = 0
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end" font-size="13" fill="#1b1b1b" data-user lang="zh-CN">%s</text>`, labelW-8, y+rowH*0.65, template.HTMLEscapeString(br.Label))
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.1f" height="%.1f" fill="#9e1b1b"></rect>`, labelW, y+4, w, rowH-8)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="13" fill="#1b1b1b">%s</text>`, labelW+w+6, y+rowH*0.65, template.HTMLEscapeString(br.Text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
