package catalog

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/i18n"
)

// LimitKind says how a catalog item's 公开时限 is counted.
type LimitKind string

const (
	// WorkingDays: N working days from a basis event (形成或变更, 制定或获取…).
	WorkingDays LimitKind = "working_days"
	// CalendarDays: N calendar days from a basis event.
	CalendarDays LimitKind = "calendar_days"
	// Periodic: once per period, by a day in or after it (每年3月底前, 每季度…).
	Periodic LimitKind = "periodic"
	// Prompt: without a fixed number of days (及时公开, 实时公开).
	Prompt LimitKind = "prompt"
	// Unparsed: text no rule was found in; a person must read it.
	Unparsed LimitKind = "unparsed"
)

// Periods of periodic limits.
const (
	PeriodYear     = "year"
	PeriodHalfYear = "half_year"
	PeriodQuarter  = "quarter"
	PeriodMonth    = "month"
)

// Limit is the rule read from the free text of a 公开时限 cell.
//
// For periodic limits, Month and Day name the date within the period by
// which the information is due (Day 0: the end of Month), or Days the number
// of days after the period ends; a period alone means "within the period".
type Limit struct {
	Kind   LimitKind `json:"kind"`
	Days   int       `json:"days,omitempty"`
	Basis  string    `json:"basis,omitempty"`
	Period string    `json:"period,omitempty"`
	Month  int       `json:"month,omitempty"`
	Day    int       `json:"day,omitempty"`
	// Text is the original text, kept for unparsed limits.
	Text string `json:"text,omitempty"`
}

var (
	// N个工作日 / N日 / N天 / N个自然日, with an optional basis before it.
	reDays = regexp.MustCompile(`^(.*?)(?:之日起|之日后|之日|起|后|以后|以内|内)?(?:在|的|于|)?(\d+)(个)?(工作日|自然日|日|天)`)
	// 每年3月底前, 每年1月31日前, 每年6月30日之前, 次年3月底前.
	reYearly = regexp.MustCompile(`(?:每年|每一年|年度|次年|每年度)(?:的)?(\d{1,2})月(?:(\d{1,2})日|底|末|份)`)
	// 每季度结束后15日内, 每季度首月10日前.
	reAfterPeriod = regexp.MustCompile(`(?:每|按)?(年度|半年|季度|月度|月)(?:结束|终了|末)后(\d+)(个)?(工作日|日|天)`)
	// 年度终了后3个月内: by the end of the third month of the next year.
	reMonthsAfterYear = regexp.MustCompile(`(?:年度|每年)(?:结束|终了)后(\d{1,2})个月`)
	// 每月10日前.
	reMonthly = regexp.MustCompile(`每月(\d{1,2})日`)
)

// promptWords mean "publish as it happens, no fixed number of days".
var promptWords = []string{"及时", "实时", "即时", "随时", "常态化", "动态更新", "动态调整", "长期公开", "长期", "适时", "第一时间"}

// periodWords name a period without a due day.
var periodWords = []struct{ word, period string }{
	{"每季度", PeriodQuarter}, {"按季度", PeriodQuarter}, {"季度", PeriodQuarter},
	{"每半年", PeriodHalfYear}, {"半年度", PeriodHalfYear}, {"半年", PeriodHalfYear},
	{"每月", PeriodMonth}, {"按月", PeriodMonth}, {"月度", PeriodMonth},
	{"每年", PeriodYear}, {"按年", PeriodYear}, {"年度", PeriodYear}, {"每一年", PeriodYear},
}

// Words says the limit rule in lang: 20个工作日, 每季度….
func (l Limit) Words(lang i18n.Lang) string {
	switch l.Kind {
	case WorkingDays:
		return i18n.N(lang, "limit.working_days", l.Days)
	case CalendarDays:
		return i18n.N(lang, "limit.calendar_days", l.Days)
	}
	return i18n.T(lang, "limit."+string(l.Kind))
}

// Due is the last day information formed or changed on formed (a date
// written 2006-01-02) may be published under a limit counted in days, on
// the working-day calendar cal. It is false for other limits and dates the
// calendar cannot count.
func (l Limit) Due(cal *calendar.Calendar, formed string) (calendar.Date, bool) {
	d, err := calendar.ParseDate(formed)
	if err != nil {
		return calendar.Date{}, false
	}
	switch l.Kind {
	case WorkingDays:
		due, err := cal.AddWorkdays(d, l.Days)
		return due, err == nil
	case CalendarDays:
		return d.AddDays(l.Days), true
	}
	return calendar.Date{}, false
}

// ParseLimit reads the free text of a 公开时限 cell. It never fails: what it
// cannot read comes back as Unparsed with the text kept.
func ParseLimit(text string) Limit {
	s := normalizeLimit(text)
	if s == "" {
		return Limit{Kind: Unparsed, Text: strings.TrimSpace(text)}
	}
	// Periodic rules first: "每季度结束后15日内" also holds "15日内".
	if m := reAfterPeriod.FindStringSubmatch(s); m != nil {
		days, _ := strconv.Atoi(m[2])
		return Limit{Kind: Periodic, Period: periodOf(m[1]), Days: days}
	}
	if m := reMonthsAfterYear.FindStringSubmatch(s); m != nil {
		if n, _ := strconv.Atoi(m[1]); n >= 1 && n <= 12 {
			return Limit{Kind: Periodic, Period: PeriodYear, Month: n}
		}
	}
	if m := reYearly.FindStringSubmatch(s); m != nil {
		month, _ := strconv.Atoi(m[1])
		day, _ := strconv.Atoi(m[2])
		if month >= 1 && month <= 12 && day <= 31 {
			return Limit{Kind: Periodic, Period: PeriodYear, Month: month, Day: day}
		}
	}
	if m := reMonthly.FindStringSubmatch(s); m != nil {
		day, _ := strconv.Atoi(m[1])
		if day >= 1 && day <= 31 {
			return Limit{Kind: Periodic, Period: PeriodMonth, Day: day}
		}
	}
	if m := reDays.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[2])
		if n > 0 && n <= 366 {
			kind := CalendarDays
			if m[4] == "工作日" {
				kind = WorkingDays
			}
			return Limit{Kind: kind, Days: n, Basis: basisOf(m[1])}
		}
	}
	for _, w := range promptWords {
		if strings.Contains(s, w) {
			return Limit{Kind: Prompt}
		}
	}
	for _, p := range periodWords {
		if strings.HasPrefix(s, p.word) || strings.HasPrefix(s, "按"+p.word) {
			return Limit{Kind: Periodic, Period: p.period}
		}
	}
	return Limit{Kind: Unparsed, Text: strings.TrimSpace(text)}
}

func periodOf(word string) string {
	switch word {
	case "年度":
		return PeriodYear
	case "半年":
		return PeriodHalfYear
	case "季度":
		return PeriodQuarter
	}
	return PeriodMonth
}

// normalizeLimit folds full-width characters, removes spaces and
// punctuation, turns Chinese numerals into digits and evens out synonyms.
func normalizeLimit(text string) string {
	s := replaceChineseNumbers(fold(text))
	return strings.NewReplacer("或者", "或", "个日历日", "个自然日", "日历日", "自然日").Replace(s)
}

var chineseDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// replaceChineseNumbers turns numbers such as 二十, 十五 and 三十 followed by
// 个, 日, 天, 工作日 or 月 into digits, leaving other uses of the characters
// (一级事项, 统一) alone.
func replaceChineseNumbers(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		j, n := i, 0
		cur, seen := 0, false
		for j < len(rs) {
			r := rs[j]
			if d, ok := chineseDigits[r]; ok {
				cur, seen = d, true
			} else if r == '十' {
				if !seen {
					cur = 1
				}
				n += cur * 10
				cur, seen = 0, true
			} else if r == '百' {
				n += cur * 100
				cur, seen = 0, true
			} else {
				break
			}
			j++
		}
		if j > i && j < len(rs) && strings.ContainsRune("个日天工月周", rs[j]) && !(rs[j] == '个' && j+1 < len(rs) && rs[j+1] == '人') {
			b.WriteString(strconv.Itoa(n + cur))
			i = j
			continue
		}
		if j == i {
			j = i + 1
		}
		b.WriteString(string(rs[i:j]))
		i = j
	}
	return b.String()
}

// basisOf returns the event a day count runs from, as a short phrase:
// "信息形成或者变更之日起" → "形成或变更", "制定或获取文件之日起" → "制定或获取".
func basisOf(s string) string {
	for _, p := range []string{"自", "从", "在", "于"} {
		s = strings.TrimPrefix(s, p)
	}
	for _, sfx := range []string{"之日起", "之日后", "之日", "以后", "起", "后", "的"} {
		s = strings.TrimSuffix(s, sfx)
	}
	switch {
	case s == "":
		return ""
	case strings.Contains(s, "形成") && strings.Contains(s, "变更"), strings.Contains(s, "形成变更"):
		return "形成或变更"
	case strings.Contains(s, "制定") && strings.Contains(s, "获取"):
		return "制定或获取"
	}
	s = strings.TrimPrefix(s, "信息")
	s = strings.TrimPrefix(s, "政府信息")
	s = strings.TrimSuffix(s, "文件")
	s = strings.TrimSuffix(s, "信息")
	if r := []rune(s); len(r) > 24 {
		s = string(r[len(r)-24:])
	}
	return s
}

// periodMonths is the length of each period, in months.
var periodMonths = map[string]int{PeriodYear: 12, PeriodHalfYear: 6, PeriodQuarter: 3, PeriodMonth: 1}

// LastDue is, for a periodic limit, the latest due date on or before asOf
// and the first day of the window the information for it may be published
// in (one period before the due date). It is false for other limits.
func (l Limit) LastDue(asOf calendar.Date) (due, from calendar.Date, ok bool) {
	months := periodMonths[l.Period]
	if l.Kind != Periodic || months == 0 {
		return due, from, false
	}
	// The period holding asOf, then those before it, until a due date
	// falls on or before asOf.
	t := asOf.Time()
	start := time.Date(t.Year(), time.Month((int(t.Month())-1)/months*months+1), 1, 0, 0, 0, 0, time.UTC)
	for range 4 {
		end := start.AddDate(0, months, -1)
		var d time.Time
		switch {
		case l.Days > 0:
			d = end.AddDate(0, 0, l.Days)
		case l.Month > 0:
			d = dayOrLast(start.Year(), time.Month(l.Month), l.Day)
		case l.Day > 0:
			d = dayOrLast(start.Year(), start.Month(), l.Day)
		default:
			d = end
		}
		if due = calendar.DateOf(d); !due.After(asOf) {
			return due, calendar.DateOf(d.AddDate(0, -months, 1)), true
		}
		start = start.AddDate(0, -months, 0)
	}
	return due, from, false
}

// dayOrLast is day d of the month, or its last day when d is 0 or past it.
func dayOrLast(y int, m time.Month, d int) time.Time {
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
	if d <= 0 || d > last.Day() {
		return last
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
