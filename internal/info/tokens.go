package info

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Tokens splits text into the search tokens both databases index: every
// pair of adjacent Han characters (bigrams) plus the last character of each
// Han run, and lower-cased runs of Latin letters and digits. The same
// function makes query tokens, so index and query always agree.
func Tokens(text string) []string {
	text = strings.ToLower(width.Narrow.String(text))
	var out []string
	var han []rune
	var word strings.Builder
	flushHan := func() {
		for i := 0; i+1 < len(han); i++ {
			out = append(out, string(han[i:i+2]))
		}
		if len(han) > 0 {
			out = append(out, string(han[len(han)-1]))
		}
		han = han[:0]
	}
	flushWord := func() {
		if word.Len() > 0 {
			w := word.String()
			if len(w) > 40 {
				w = w[:40]
			}
			out = append(out, w)
			word.Reset()
		}
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			han = append(han, r)
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			flushHan()
			word.WriteRune(r)
		default:
			flushHan()
			flushWord()
		}
	}
	flushHan()
	flushWord()
	return out
}

// queryTerm is one term of a parsed query: a token to match exactly, or a
// single Han character, matched as the prefix of a bigram or alone.
type queryTerm struct {
	token  string
	prefix bool
}

// queryTerms turns a user's query into terms: the bigrams of each Han run
// (a one-character run becomes a prefix term) and the Latin/digit words.
// Quotes, operators and other punctuation only separate terms.
func queryTerms(q string) []queryTerm {
	var out []queryTerm
	seen := map[queryTerm]bool{}
	add := func(t queryTerm) {
		if !seen[t] && len(out) < 32 {
			seen[t] = true
			out = append(out, t)
		}
	}
	q = strings.ToLower(width.Narrow.String(q))
	var han []rune
	var word strings.Builder
	flush := func() {
		switch len(han) {
		case 0:
		case 1:
			add(queryTerm{token: string(han), prefix: true})
		default:
			for i := 0; i+1 < len(han); i++ {
				add(queryTerm{token: string(han[i : i+2])})
			}
		}
		han = han[:0]
		if word.Len() > 0 {
			w := word.String()
			if len(w) > 40 {
				w = w[:40]
			}
			add(queryTerm{token: w})
			word.Reset()
		}
	}
	for _, r := range q {
		switch {
		case unicode.Is(unicode.Han, r):
			if word.Len() > 0 {
				flush()
			}
			han = append(han, r)
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if len(han) > 0 {
				flush()
			}
			word.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	// A lone Han character (the 号 of a 文号) next to fuller terms adds
	// little and costs a prefix match over every bigram it starts: drop it
	// then. A query of lone characters keeps them.
	var full []queryTerm
	for _, t := range out {
		if !t.prefix {
			full = append(full, t)
		}
	}
	if len(full) > 0 {
		return full
	}
	return out
}
