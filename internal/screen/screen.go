// Package screen finds personal data in text before it is published:
// resident ID numbers (GB 11643, with the check digit and birth date
// verified), mainland mobile numbers, bank card numbers (Luhn, next to words
// that name a card or account) and e-mail addresses, and masks them the way
// official notices do. Numbers that are not personal data — 文号, 索引号,
// dates, amounts, statistics, postcodes, office lines — are left alone.
package screen

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/i18n"
)

// Kind is the kind of personal data found.
type Kind string

const (
	ResidentID Kind = "resident_id"
	Mobile     Kind = "mobile"
	BankCard   Kind = "bank_card"
	Email      Kind = "email"
)

// Finding is one piece of personal data. Start and End count characters
// (runes) from the start of the text, End exclusive.
type Finding struct {
	Kind   Kind   `json:"kind"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Text   string `json:"text"`
	Masked string `json:"masked"`

	byteStart, byteEnd int
}

var (
	reID18 = regexp.MustCompile(`[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]`)
	reID15 = regexp.MustCompile(`[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}`)
	// 13800138000, 138 0013 8000, 138-0013-8000, +86 138…, 0086-138…
	reMobile = regexp.MustCompile(`(?:(?:\+|00)?86[ \-]?)?1[3-9]\d(?:[ \-]?\d{4}){2}`)
	reCard   = regexp.MustCompile(`\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?`)
	reEmail  = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
)

// provinces are the first two digits of valid administrative division codes.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true, "21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true, "50": true, "51": true,
	"52": true, "53": true, "54": true, "61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true, "91": true,
}

// cardWords are words that, shortly before a long number, make it a card or
// account number rather than some other figure.
var cardWords = []string{"卡号", "银行卡", "账号", "帐号", "账户", "帐户", "储蓄卡", "借记卡", "信用卡", "存折", "开户"}

// findIn runs re over the spans of s, giving indexes into s.
func findIn(re *regexp.Regexp, s string, spans [][2]int) [][]int {
	var out [][]int
	for _, sp := range spans {
		for _, m := range re.FindAllStringIndex(s[sp[0]:sp[1]], -1) {
			out = append(out, []int{sp[0] + m[0], sp[0] + m[1]})
		}
	}
	return out
}

// digitRuns returns the spans of s holding 11 or more digits in a row,
// counted across single spaces and hyphens, with a + before and an X after:
// the fewest an ID, mobile or card number has, and all any of them can
// hold. Most government text has none and is not searched further.
func digitRuns(s string) [][2]int {
	var out [][2]int
	start, n, sep := -1, 0, false
	end := func(i int) {
		if n >= 11 {
			a, b := start, i
			if a > 0 && s[a-1] == '+' {
				a--
			}
			for b > a && (s[b-1] == ' ' || s[b-1] == '-') {
				b--
			}
			if b < len(s) && (s[b] == 'X' || s[b] == 'x') {
				b++
			}
			out = append(out, [2]int{a, b})
		}
		start, n, sep = -1, 0, false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if start < 0 {
				start = i
			}
			n++
			sep = false
		case (c == ' ' || c == '-') && n > 0 && !sep:
			sep = true
		default:
			end(i)
		}
	}
	end(len(s))
	return out
}

// Text returns the personal data found in s, in order.
func Text(s string) []Finding {
	var fs []Finding
	add := func(k Kind, a, b int) {
		fs = append(fs, Finding{Kind: k, byteStart: a, byteEnd: b, Text: s[a:b]})
	}
	runs := digitRuns(s)
	mail := strings.IndexByte(s, '@') >= 0
	if len(runs) == 0 && !mail {
		return nil
	}
	for _, m := range findIn(reID18, s, runs) {
		if isolated(s, m[0], m[1]) && !followedBy(s, m[1], "/") && validID18(s[m[0]:m[1]]) {
			add(ResidentID, m[0], m[1])
		}
	}
	for _, m := range findIn(reID15, s, runs) {
		if isolated(s, m[0], m[1]) && !followedBy(s, m[1], "/") && validID15(s[m[0]:m[1]]) {
			add(ResidentID, m[0], m[1])
		}
	}
	for _, m := range findIn(reCard, s, runs) {
		digits := onlyDigits(s[m[0]:m[1]])
		if isolated(s, m[0], m[1]) && len(digits) >= 16 && len(digits) <= 19 && luhn(digits) && nearWord(s, m[0], cardWords, 24) {
			add(BankCard, m[0], m[1])
		}
	}
	for _, m := range findIn(reMobile, s, runs) {
		if isolated(s, m[0], m[1]) && !amount(s, m[1]) {
			add(Mobile, m[0], m[1])
		}
	}
	var whole [][2]int
	if mail {
		whole = [][2]int{{0, len(s)}}
	}
	for _, m := range findIn(reEmail, s, whole) {
		addr := strings.ToLower(s[m[0]:m[1]])
		if strings.HasSuffix(addr, ".gov.cn") {
			continue // an office mailbox, published on purpose
		}
		add(Email, m[0], m[1])
	}
	// Keep the first of overlapping findings, in the order of kinds above.
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].byteStart < fs[j].byteStart })
	out := fs[:0]
	end := -1
	for _, f := range fs {
		if f.byteStart < end {
			continue
		}
		out = append(out, f)
		end = f.byteEnd
	}
	for i := range out {
		f := &out[i]
		f.Start = utf8.RuneCountInString(s[:f.byteStart])
		f.End = f.Start + utf8.RuneCountInString(f.Text)
		f.Masked = mask(f.Kind, f.Text)
	}
	return out
}

// isolated reports whether s[a:b] is not part of a longer run of letters or
// digits.
func isolated(s string, a, b int) bool {
	if a > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:a])
		if isASCIIAlnum(r) {
			return false
		}
	}
	if b < len(s) {
		r, _ := utf8.DecodeRuneInString(s[b:])
		if isASCIIAlnum(r) {
			return false
		}
	}
	return true
}

func isASCIIAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

func followedBy(s string, b int, prefix string) bool { return strings.HasPrefix(s[b:], prefix) }

// amount reports whether the number ending at b is money or a decimal:
// followed by 元, 万, 亿, a decimal point and digits, or a percent sign.
func amount(s string, b int) bool {
	rest := s[b:]
	for _, sfx := range []string{"元", "万", "亿", "%", "％", "人", "户", "吨", "平方米", "亩"} {
		if strings.HasPrefix(rest, sfx) {
			return true
		}
	}
	return len(rest) > 1 && rest[0] == '.' && rest[1] >= '0' && rest[1] <= '9'
}

// nearWord reports whether one of words ends within n runes before a.
func nearWord(s string, a int, words []string, n int) bool {
	start := a
	for i := 0; i < n && start > 0; i++ {
		_, size := utf8.DecodeLastRuneInString(s[:start])
		start -= size
	}
	window := s[start:a]
	for _, w := range words {
		if strings.Contains(window, w) {
			return true
		}
	}
	return false
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// validID18 checks the division code, the birth date and the ISO 7064
// MOD 11-2 check digit of an 18-digit resident ID number.
func validID18(id string) bool {
	if !provinces[id[:2]] || !validBirth(id[6:14]) {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(id[i]-'0') * w
	}
	check := "10X98765432"[sum%11]
	last := id[17]
	if last == 'x' {
		last = 'X'
	}
	return last == check
}

// validID15 checks a 15-digit resident ID number of the old format, whose
// birth year has two digits (19yy).
func validID15(id string) bool {
	return provinces[id[:2]] && validBirth("19"+id[6:12])
}

// now is replaced in tests.
var now = time.Now

func validBirth(yyyymmdd string) bool {
	t, err := time.Parse("20060102", yyyymmdd)
	return err == nil && t.Year() >= 1900 && !t.After(now())
}

func luhn(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// mask applies the official masks: ID numbers keep their first two and last
// three characters, mobiles their first three and last four digits, cards
// their first and last four, e-mail addresses their first character and
// domain.
func mask(k Kind, text string) string {
	switch k {
	case ResidentID:
		return keep(text, 2, 3)
	case BankCard:
		return keepDigits(text, 4, 4)
	case Mobile:
		// The number is the last 11 digits; a +86 prefix stays as written.
		i, n := len(text), 0
		for i > 0 && n < 11 {
			i--
			if text[i] >= '0' && text[i] <= '9' {
				n++
			}
		}
		return text[:i] + keepDigits(text[i:], 3, 4)
	case Email:
		at := strings.IndexByte(text, '@')
		return text[:1] + "***" + text[at:]
	}
	return text
}

// keep masks all but the first a and last b characters of s.
func keep(s string, a, b int) string {
	rs := []rune(s)
	for i := a; i < len(rs)-b; i++ {
		rs[i] = '*'
	}
	return string(rs)
}

// keepDigits masks all digits but the first a and last b, leaving
// separators as written.
func keepDigits(s string, a, b int) string {
	n := len(onlyDigits(s))
	rs := []rune(s)
	seen := 0
	for i, r := range rs {
		if r < '0' || r > '9' {
			continue
		}
		if seen >= a && seen < n-b {
			rs[i] = '*'
		}
		seen++
	}
	return string(rs)
}

// Mask returns s with every finding replaced by its mask.
func Mask(s string, fs []Finding) string {
	var b strings.Builder
	last := 0
	for _, f := range fs {
		b.WriteString(s[last:f.byteStart])
		b.WriteString(f.Masked)
		last = f.byteEnd
	}
	b.WriteString(s[last:])
	return b.String()
}

// Summary says what was found, in Chinese, by kind in order of first
// appearance: 手机号2处，电子邮箱1处. It is empty when nothing was. The
// summary is stored with a record; SummaryText reads it back.
func Summary(fs []Finding) string {
	count := map[Kind]int{}
	var order []Kind
	for _, f := range fs {
		if count[f.Kind] == 0 {
			order = append(order, f.Kind)
		}
		count[f.Kind]++
	}
	parts := make(i18n.List, len(order))
	for i, k := range order {
		parts[i] = countText(k, count[k])
	}
	return parts.In(i18n.Zh)
}

// countText is a count of one kind as a message: "screen.count.mobile.one"
// or ".other" (the Chinese forms are the same).
func countText(k Kind, n int) i18n.Text {
	form := ".other"
	if n == 1 {
		form = ".one"
	}
	return i18n.Text{Key: "screen.count." + string(k) + form, Args: []any{n}}
}

var summaryPart = regexp.MustCompile(`^(.+?)(\d+)处$`)

// SummaryText reads back a summary Summary wrote, so that it can be said in
// another language, and false for any other text.
func SummaryText(s string) (i18n.List, bool) {
	var out i18n.List
	for _, part := range strings.Split(s, i18n.T(i18n.Zh, "sep.clause")) {
		m := summaryPart.FindStringSubmatch(part)
		if m == nil {
			return nil, false
		}
		n, _ := strconv.Atoi(m[2])
		found := false
		for _, k := range []Kind{ResidentID, Mobile, BankCard, Email} {
			if t := countText(k, n); t.In(i18n.Zh) == part {
				out, found = append(out, t), true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return out, len(out) > 0
}
