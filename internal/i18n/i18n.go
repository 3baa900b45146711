// Package i18n holds gongkai's message catalogs: Simplified Chinese, the
// default, and English. Every user-facing string — page labels, error
// messages, CLI messages — is looked up here by key.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"gongkai/internal/errs"
)

// Lang is a supported language.
type Lang string

// The supported languages; Zh is the default.
const (
	Zh Lang = "zh"
	En Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{Zh, En}

// Parse returns the language named by s ("zh", "zh-CN", "en", "en-US"…),
// and false if it is not supported.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "zh" || strings.HasPrefix(s, "zh-") || strings.HasPrefix(s, "zh_"):
		return Zh, true
	case s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_"):
		return En, true
	}
	return Zh, false
}

// Tag returns the BCP 47 tag for the html lang attribute.
func (l Lang) Tag() string {
	if l == En {
		return "en"
	}
	return "zh-CN"
}

//go:embed messages/*.json
var files embed.FS

var catalogs = map[Lang]map[string]string{}

func init() {
	for _, l := range Langs {
		b, err := files.ReadFile("messages/" + string(l) + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: messages/%s.json: %v", l, err))
		}
		catalogs[l] = m
	}
}

// Text is a message kept to be said later in the reader's language: a key
// and its arguments. Texts built in Chinese for the record (a clock's steps)
// carry one so that pages can say them in English.
type Text struct {
	Key  string
	Args []any
}

// In says t in lang.
func (t Text) In(lang Lang) string { return T(lang, t.Key, t.Args...) }

// List is texts said one after another, joined as clauses ("，" or ", ").
type List []Text

// In says l in lang.
func (l List) In(lang Lang) string {
	parts := make([]string, len(l))
	for i, t := range l {
		parts[i] = t.In(lang)
	}
	return strings.Join(parts, T(lang, "sep.clause"))
}

// T returns the message for key in lang, formatted with args; an argument
// that is an errs.Msg, a Text, a List or an *errs.Error is itself rendered in lang. A key
// missing from the catalog comes back as "!!key" so that tests can catch it.
func T(lang Lang, key string, args ...any) string {
	m, ok := catalogs[lang][key]
	if !ok {
		if m, ok = catalogs[Zh][key]; !ok {
			return "!!" + key
		}
	}
	if len(args) == 0 {
		return m
	}
	cloned := false
	for i, a := range args {
		var sub string
		switch k := a.(type) {
		case errs.Msg:
			sub = T(lang, string(k))
		case Text:
			sub = k.In(lang)
		case List:
			sub = k.In(lang)
		case *errs.Error:
			// An error quoted inside another message ("file x: <why>").
			sub = T(lang, k.Key, k.Args...)
		default:
			continue
		}
		if !cloned {
			args, cloned = slices.Clone(args), true
		}
		args[i] = sub
	}
	return fmt.Sprintf(m, args...)
}

// N returns the message for a count n: key+".one" or key+".other" in lang,
// formatted with args, or with n alone when no args are given. English says
// "1 working day" and "2 working days"; Chinese has one form, so its catalog
// holds the same text under both keys.
func N(lang Lang, key string, n int, args ...any) string {
	form := ".other"
	if lang == En && n == 1 {
		form = ".one"
	}
	if len(args) == 0 {
		args = []any{n}
	}
	return T(lang, key+form, args...)
}

// Has reports whether key exists in every catalog.
func Has(key string) bool {
	for _, l := range Langs {
		if _, ok := catalogs[l][key]; !ok {
			return false
		}
	}
	return true
}

// Keys returns the sorted keys of lang's catalog.
func Keys(lang Lang) []string {
	var ks []string
	for k := range catalogs[lang] {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Error renders err for a user in lang: the catalog message of each user
// error in its chain, or a generic message for anything else, so that no
// internal detail reaches a page or a terminal.
func Error(lang Lang, err error) string {
	if err == nil {
		return ""
	}
	var m errs.Multi
	if e, ok := err.(errs.Multi); ok {
		m = e
	}
	if len(m) > 0 {
		parts := make([]string, len(m))
		for i, e := range m {
			parts[i] = T(lang, e.Key, e.Args...)
			if i < len(m)-1 {
				// Sentences joined into one: only the last keeps its stop.
				parts[i] = strings.TrimRight(parts[i], "。.")
			}
		}
		return strings.Join(parts, T(lang, "sep.list"))
	}
	if e := errs.As(err); e != nil {
		return T(lang, e.Key, e.Args...)
	}
	return T(lang, "error.internal")
}
