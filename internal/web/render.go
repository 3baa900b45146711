package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
)

//go:embed all:templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

type pageTemplate struct{ t *template.Template }

var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	},
	"query": url.QueryEscape,
	"list":  func(xs ...string) []string { return xs },
	"kb":    func(n int64) int64 { return (n + 1023) / 1024 },
	// points shows points deducted to two decimals at most: proportional
	// inspection rules cost fractions such as 15/7.
	"points": func(p float64) string { return fmtPoints(math.Round(p*100) / 100) },
	// safeBody marks a record body as HTML: bodies are sanitized by
	// info.SanitizeBody whenever they are written.
	"safeBody": func(s string) template.HTML { return template.HTML(info.SanitizeBody(s)) },
	// field returns an item's element by column name, for diffs.
	"field": func(it *catalog.Item, col string) string {
		if it == nil {
			return ""
		}
		return it.Field(catalog.Column(col))
	},
	"eq2": func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
	// lines splits plain text people wrote into its non-empty lines, for
	// paragraphs.
	"lines": func(s string) []string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	},
	// user marks what people typed (a unit's name, a title) as Chinese
	// user text, which English pages show as typed.
	"user": func(s string) template.HTML { return template.HTML(userText(s)) },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

// parseTemplates builds one template set per page: the layout and partials
// from templates/_*.html, plus the page's own file.
func parseTemplates() (map[string]*pageTemplate, error) {
	base, err := template.New("").Funcs(funcs).Funcs(timeFuncs).ParseFS(templateFS, "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	pages := map[string]*pageTemplate{}
	err = fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(path.Base(p), "_") {
			return err
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
		if err != nil {
			return fmt.Errorf("parse %s: %w", p, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		pages[name] = &pageTemplate{t: t}
		return nil
	})
	return pages, err
}

// page is what every template receives.
type page struct {
	Lang    i18n.Lang
	Title   string
	Account *auth.Account
	// Path is the request path, for the language switch and navigation.
	Path     string
	Query    url.Values
	SiteName string
	// Section marks the navigation entry to highlight.
	Section string
	Flash   string
	Data    any
	// Form holds submitted values and Errors per-field messages, so that a
	// form shown again keeps what the user typed.
	Form   url.Values
	Errors map[string]string
	Error  string
	Admin  bool
	// Zone marks a page shown on a disclosure zone's screen (政务公开专区):
	// large type, touch-sized targets, no log-in, and back to the zone's
	// start page after two idle minutes. Console pages never are.
	Zone *zoneMark
	// Feed is the path of the Atom feed of what the page lists, if it has
	// one; the page's head points feed readers at it.
	Feed string
}

// T translates key in the page's language.
func (p *page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// N is i18n.N in the page's language: the message for a count n.
func (p *page) N(key string, n int, args ...any) string { return i18n.N(p.Lang, key, n, args...) }

// Say says a message kept for later (a clock's step) in the page's language.
func (p *page) Say(t i18n.Text) string { return t.In(p.Lang) }

// Cell shows a catalog cell in the page's language (catalog.CellWords); a
// cell that stays as typed is marked as Chinese user text.
func (p *page) Cell(col, text string) template.HTML {
	s, ok := catalog.CellWords(p.Lang, catalog.Column(col), text)
	if ok {
		return template.HTML(template.HTMLEscapeString(s))
	}
	return template.HTML(userText(s))
}

// OtherLang is the language the switch offers.
func (p *page) OtherLang() i18n.Lang {
	if p.Lang == i18n.En {
		return i18n.Zh
	}
	return i18n.En
}

// LangURL returns the current page in language l.
func (p *page) LangURL(l i18n.Lang) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set("lang", string(l))
	return p.Path + "?" + q.Encode()
}

// V returns the submitted value of a form field.
func (p *page) V(field string) string { return p.Form.Get(field) }

func (s *Server) newPage(r *http.Request, titleKey string) *page {
	lang := langOf(r)
	name := s.cfg.SiteName
	if name == "" {
		name = i18n.T(lang, "site.name")
	}
	return &page{Lang: lang, Title: i18n.T(lang, titleKey), Account: accountOf(r), Path: r.URL.Path,
		Query: r.URL.Query(), SiteName: name, Form: url.Values{}, Errors: map[string]string{}, Zone: zoneOf(r)}
}

// render executes the named page into a buffer first, so that a template
// error becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("no such template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", "template", name, "err", err)
		http.Error(w, i18n.T(p.Lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.Lang.Tag())
	h.Add("Vary", "Cookie")
	if p.Account != nil {
		h.Set("Cache-Control", "no-store")
	}
	if p.Zone != nil && !p.Admin {
		h.Set("Refresh", p.Zone.Refresh())
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
