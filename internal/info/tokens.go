package info

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Tokens splits text into the search tokens both databases index: every
// pair of adjacent Han characters (bigrams) plus the last character of each
// Han run, lower-cased runs of Latin letters and digits, and each 文号 as a
// whole (see docNumberTokens). The same function makes query tokens, so
// index and query always agree. Tokens are slices of the normalized text,
// not copies.
func Tokens(text string) []string {
	text = strings.ToLower(width.Narrow.String(text))
	out := make([]string, 0, len(text)/3)
	han, hanEnd := -1, -1 // the last Han character seen, while in a run
	word := -1            // where the current Latin/digit word began
	flushWord := func(end int) {
		if word >= 0 {
			out = append(out, text[word:min(end, word+40)])
			word = -1
		}
	}
	flushHan := func() {
		if han >= 0 {
			out = append(out, text[han:hanEnd])
			han = -1
		}
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord(i)
			if han >= 0 {
				out = append(out, text[han:i+n])
			}
			han, hanEnd = i, i+n
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			flushHan()
			if word < 0 {
				word = i
			}
		default:
			flushHan()
			flushWord(i)
		}
		i += n
	}
	flushHan()
	flushWord(len(text))
	return append(out, docNumberTokens(text)...)
}

// maxDocPrefix is the longest issuer abbreviation a 文号 token keeps.
const maxDocPrefix = 8

// docNumber is a 文号 such as 穗府办〔2020〕12号 found in normalized text:
// the run of Han characters before the bracket, the year and the number.
type docNumber struct {
	start, end   int // bytes of the whole match, from the start of the run
	run          []rune
	year, number string
}

// token is the 文号's token with the last n characters of its run. Its
// letters keep year and number apart, and no other token mixes Han and
// Latin.
func (m docNumber) token(n int) string {
	return string(m.run[len(m.run)-n:]) + "y" + m.year + "n" + m.number + "号"
}

// findDocNumbers finds the 文号 in narrowed, lower-cased text: a run of Han
// characters, a year of four digits in 〔〕, [], () or 【】, a number of up
// to six digits (leading zeros dropped) and 号, with spaces allowed
// between the parts.
func findDocNumbers(text string) []docNumber {
	var out []docNumber
	last := 0 // where the previous 文号 ended: a run does not reach back into it
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		if !strings.ContainsRune("〔[(【", r) {
			continue
		}
		m, ok := docTail(text[i:])
		if !ok {
			continue
		}
		// The run of Han characters before the bracket.
		j := i - n
		for j > last && isSpace(text[j-1]) {
			j--
		}
		var run []rune
		for j > last {
			c, size := utf8.DecodeLastRuneInString(text[:j])
			if !unicode.Is(unicode.Han, c) {
				break
			}
			run = append(run, c)
			j -= size
		}
		if len(run) == 0 {
			continue
		}
		slices.Reverse(run)
		m.start, m.end, m.run = j, i+m.end, run
		out = append(out, m)
		i, last = m.end, m.end
	}
	return out
}

// docTail reads the year, closing bracket, number and 号 after a 文号's
// opening bracket; end is where it stops in s.
func docTail(s string) (m docNumber, ok bool) {
	i := skipSpace(s, 0)
	if i+4 > len(s) || !allDigits(s[i:i+4]) {
		return m, false
	}
	m.year = s[i : i+4]
	i = skipSpace(s, i+4)
	r, n := utf8.DecodeRuneInString(s[i:])
	if !strings.ContainsRune("〕])】", r) {
		return m, false
	}
	i = skipSpace(s, i+n)
	d := i
	for d < len(s) && s[d] >= '0' && s[d] <= '9' {
		d++
	}
	m.number = strings.TrimLeft(s[i:d], "0")
	if d == i || len(m.number) > 6 {
		return m, false
	}
	if m.number == "" {
		m.number = "0"
	}
	i = skipSpace(s, d)
	if !strings.HasPrefix(s[i:], "号") {
		return m, false
	}
	m.end = i + len("号")
	return m, true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// docNumberTokens returns, for each 文号 in text, whole-number tokens: one
// for each ending of the run before the bracket (up to maxDocPrefix
// characters), since the run may carry words before the abbreviation
// (根据穗府办〔2020〕12号). A search for a 文号 then costs one lookup, however
// common its characters and digits are.
func docNumberTokens(text string) []string {
	var out []string
	for _, m := range findDocNumbers(text) {
		for n := 1; n <= min(len(m.run), maxDocPrefix); n++ {
			out = append(out, m.token(n))
		}
	}
	return out
}

// queryTerm is one term of a parsed query: a token to match exactly, or a
// single Han character, matched as the prefix of a bigram or alone.
type queryTerm struct {
	token  string
	prefix bool
	text   string // what the term matches in text, when not the token
}

// shown is what the term highlights in a snippet.
func (t queryTerm) shown() string {
	if t.text != "" {
		return t.text
	}
	return t.token
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
	// A 文号 is one term: its own token, found in one lookup.
	if ms := findDocNumbers(q); len(ms) > 0 {
		var rest strings.Builder
		at := 0
		for _, m := range ms {
			add(queryTerm{token: m.token(min(len(m.run), maxDocPrefix)), text: q[m.start:m.end]})
			rest.WriteString(q[at:m.start] + " ")
			at = m.end
		}
		rest.WriteString(q[at:])
		q = rest.String()
	}
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
