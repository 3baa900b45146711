package web

import (
	"fmt"
	"html/template"
	"math"

	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/inspect"
)

// userText marks s as text people typed (names, titles): Chinese whatever
// the page's language, and left out of the check that English pages say
// every other word in English.
func userText(s string) string {
	return `<span data-user lang="zh-CN">` + template.HTMLEscapeString(s) + `</span>`
}

// sayHTML says t in the page's language with its text arguments marked as
// user text; message arguments are said in the page's language too.
func (p *page) sayHTML(t i18n.Text) template.HTML {
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch a := a.(type) {
		case string:
			args[i] = userText(a)
		case errs.Msg:
			args[i] = template.HTMLEscapeString(i18n.T(p.Lang, string(a)))
		case i18n.Text:
			args[i] = template.HTMLEscapeString(a.In(p.Lang))
		case i18n.List:
			args[i] = template.HTMLEscapeString(a.In(p.Lang))
		default:
			args[i] = a
		}
	}
	return template.HTML(fmt.Sprintf(template.HTMLEscapeString(i18n.T(p.Lang, t.Key)), args...))
}

// FindingText says one of a finding's texts: from its message when
// inspect.Say finds one, else as written, marked as user text.
func (p *page) FindingText(s string) template.HTML {
	if t, ok := inspect.Say(s); ok && p.Lang != i18n.Zh {
		return p.sayHTML(t)
	}
	if p.Lang == i18n.Zh {
		return template.HTML(template.HTMLEscapeString(s))
	}
	return template.HTML(userText(s))
}

// Finding says a finding in the page's language: what it costs, its target,
// what was expected and what was found.
func (p *page) Finding(f inspect.Finding) template.HTML {
	cost := template.HTMLEscapeString(p.T("inspect.veto"))
	if !f.Veto() {
		cost = "−" + fmtPoints(math.Round(f.Points*100)/100)
	}
	return template.HTML(fmt.Sprintf(template.HTMLEscapeString(p.T("inspect.finding")), cost,
		p.FindingText(f.Target), p.FindingText(f.Expected), p.FindingText(f.Actual)))
}

// TU translates key in the page's language with its text arguments marked
// as user text (a unit's name, a title).
func (p *page) TU(key string, args ...any) template.HTML {
	return p.sayHTML(i18n.Text{Key: key, Args: args})
}
