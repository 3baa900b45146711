package selfreport

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"

	"gongkai/internal/docx"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// MediaTypes are the formats Write writes, with their media types.
var MediaTypes = map[string]string{
	"json": "application/json; charset=utf-8",
	"html": "text/html; charset=utf-8",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// Write writes report r in format — json, html (in lang) or docx — and
// returns an Invalid error for any other format.
func Write(w io.Writer, r Report, format string, lang i18n.Lang) error {
	switch format {
	case "json":
		return WriteJSON(w, r)
	case "html":
		return WriteHTML(w, r, lang)
	case "docx":
		return WriteDOCX(w, r)
	}
	return errs.InvalidField("format", "selfreport.format_invalid", format)
}

// FileName is the name a download of unit code's report of year in
// format goes by.
func FileName(code string, year int, format string) string {
	return fmt.Sprintf("self-report-%s-%d.%s", code, year, format)
}

// jsonSection is a section as the JSON gives it.
type jsonSection struct {
	Key     string         `json:"key"`
	Title   string         `json:"title"`
	Figures map[string]any `json:"figures"`
	Text    string         `json:"text"`
}

// MarshalJSON writes the report as {"unit","year","sections":[{"key",
// "title","figures","text"}]}: the unit's code, the year, and the
// sections in order with their Chinese titles.
func (r Report) MarshalJSON() ([]byte, error) {
	out := struct {
		Unit     string        `json:"unit"`
		Year     int           `json:"year"`
		Sections []jsonSection `json:"sections"`
	}{Unit: r.Unit.Code, Year: r.Year, Sections: []jsonSection{}}
	for _, s := range r.Sections {
		figs := s.Figures
		if figs == nil {
			figs = map[string]any{}
		}
		out.Sections = append(out.Sections, jsonSection{s.Key, s.Title, figs, s.Text})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // Chinese prose, not markup
	err := enc.Encode(out)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// WriteJSON writes report r as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

//go:embed selfreport.html
var pageHTML string

var page = template.Must(template.New("page").Parse(pageHTML))

// htmlSection is a section as the page draws it.
type htmlSection struct {
	Title, Caption string
	Figures        []Figure
	Paras          []string
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

// WriteHTML writes report r as a page laid out for printing on A4, its
// headings and labels in lang and its texts, which are Chinese, marked
// as such.
func WriteHTML(w io.Writer, r Report, lang i18n.Lang) error {
	var ss []htmlSection
	for _, s := range r.Sections {
		ss = append(ss, htmlSection{Title: SectionTitle(lang, s.Key), Caption: i18n.T(lang, "selfreport.figures_of", SectionTitle(lang, s.Key)),
			Figures: FigureList(lang, s), Paras: paragraphs(s.Text)})
	}
	return page.Execute(w, struct {
		Lang                 i18n.Lang
		Title, Unit, Figures string
		Value                string
		Sections             []htmlSection
	}{lang, Title(lang, r.Unit, r.Year), r.Unit.Name, i18n.T(lang, "selfreport.figure"), i18n.T(lang, "selfreport.value"), ss})
}

// WriteDOCX writes report r as an official document: the title, each
// section's heading, its figures in one paragraph and its text, and the
// unit's name at the end.
func WriteDOCX(w io.Writer, r Report) error {
	ps := []docx.Paragraph{{Align: docx.Title, Text: Title(i18n.Zh, r.Unit, r.Year)}}
	for _, s := range r.Sections {
		ps = append(ps, docx.Paragraph{Align: docx.Left, Text: s.Title})
		var figs []string
		for _, f := range FigureList(i18n.Zh, s) {
			figs = append(figs, f.Label+"："+f.Value)
		}
		if len(figs) > 0 {
			ps = append(ps, docx.Paragraph{Align: docx.Body, Text: "主要数据：" + strings.Join(figs, "；") + "。"})
		}
		for _, p := range paragraphs(s.Text) {
			ps = append(ps, docx.Paragraph{Align: docx.Body, Text: p})
		}
	}
	ps = append(ps, docx.Paragraph{Align: docx.Right, Text: r.Unit.Name})
	return docx.Write(w, ps)
}
