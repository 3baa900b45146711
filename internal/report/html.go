package report

import (
	"bytes"
	_ "embed"
	"html/template"
	"io"
	"strings"

	"gongkai/internal/i18n"
)

//go:embed annual.html
var annualHTML string

var pages = template.Must(template.New("annual").Parse(annualHTML))

// section is a section of the report as the writers draw it.
type section struct {
	Key    string
	Title  string
	Paras  []string
	Tables []grid
}

// sections lays out report r in lang: the six sections, each with its
// text and tables.
func sections(r Report, lang i18n.Lang) []section {
	tables := map[string][]grid{
		"proactive": table2(r.Table2, lang),
		"requests":  {table3(r.Table3, lang)},
		"appeals":   {table4(r.Table4, lang)},
	}
	for _, ts := range tables {
		for i := range ts {
			ts[i].Hint = i18n.T(lang, "table.scroll_hint")
		}
	}
	out := make([]section, len(Sections))
	for i, k := range Sections {
		out[i] = section{Key: k, Title: i18n.T(lang, SectionKey(k)), Paras: paragraphs(r.Texts.Text(k)), Tables: tables[k]}
	}
	return out
}

// paragraphs splits a text into its non-empty lines.
func paragraphs(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// Fragment returns the six sections of report r with their tables as HTML
// in lang, made only of what an information record's body keeps
// (info.SanitizeBody), for the 年报 column and the console's preview.
func Fragment(r Report, lang i18n.Lang) (template.HTML, error) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, "body", sections(r, lang)); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // escaped by the template
}

// WriteHTML writes report r as a standalone page in Simplified Chinese,
// laid out for printing on A4.
func WriteHTML(w io.Writer, r Report) error {
	body, err := Fragment(r, i18n.Zh)
	if err != nil {
		return err
	}
	return pages.ExecuteTemplate(w, "page", struct {
		Lang  i18n.Lang
		Title string
		Body  template.HTML
	}{i18n.Zh, Title(i18n.Zh, r.Unit, r.Year), body})
}
