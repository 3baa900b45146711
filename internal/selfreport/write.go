package selfreport

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
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

// printCSS lays the page out for A4; PrintCSP allows it by its hash, the
// site's policy allowing no inline style.
const printCSS = `body { margin: 0 auto; max-width: 60rem; padding: 1rem; color: #111; background: #fff; line-height: 1.75; font-family: "FangSong", "STFangsong", "Songti SC", "SimSun", "Noto Serif CJK SC", serif; }
h1 { font-size: 1.6rem; text-align: center; margin: 1rem 0 2rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; }
p { margin: .5rem 0; text-indent: 2em; }
table { width: 100%; margin: 1rem 0; border-collapse: collapse; font-size: .95rem; }
caption { padding: .25rem 0; font-weight: 700; text-align: left; }
th, td { border: 1px solid #000; padding: .3rem .4rem; text-align: left; vertical-align: top; }
td { width: 40%; }
.signature { text-align: right; text-indent: 0; margin-top: 2rem; }
:focus { outline: 3px solid #f0a500; }
@page { size: A4; margin: 2cm 1.8cm; }
@media print { body { max-width: none; padding: 0; font-size: 12pt; } table, tr, caption { break-inside: avoid; } h2 { break-after: avoid; } }
`

// PrintCSP is the Content-Security-Policy of the page WriteHTML writes:
// nothing but its own style.
func PrintCSP() string {
	sum := sha256.Sum256([]byte(printCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; frame-ancestors 'none'; form-action 'none'"
}

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
		CSS                  template.CSS
		Title, Unit, Figures string
		Value                string
		Sections             []htmlSection
	}{lang, template.CSS(printCSS), Title(lang, r.Unit, r.Year), r.Unit.Name, i18n.T(lang, "selfreport.figure"), i18n.T(lang, "selfreport.value"), ss})
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
