package task

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/calendar"
)

// Kind says how a task's 完成时间 is counted.
type Kind string

const (
	// Once: by one date (10月31日前).
	Once Kind = "once"
	// Yearly: every year by a day of a month (每年1月5日前), or within the
	// month when Day is 0 (每年7月开展).
	Yearly Kind = "yearly"
	// Quarterly: within every quarter (每季度).
	Quarterly Kind = "quarterly"
	// HalfYearly: within one half of every year (每年下半年).
	HalfYearly Kind = "half_yearly"
	// From: continuing from a day on, without an end (11月1日起, 10月起).
	From Kind = "from"
	// Ongoing: without a date at all (长期).
	Ongoing Kind = "ongoing"
	// Steps: several deadlines of one task, in the order written (8月31日前
	// 将方案报…，10月31日完成编制…).
	Steps Kind = "steps"
)

// PlanYear is the year of the plan (2020): a date written without a year in
// Attachment 1 falls in it.
const PlanYear = 2020

// Rule is what a due text (完成时间及方式) says about when a task is due.
type Rule struct {
	Kind Kind `json:"kind"`
	// Date is the day due (Once) or the first day (From), YYYY-MM-DD.
	Date string `json:"date,omitempty"`
	// Month and Day: the day due each year (Yearly); Day 0 is the whole month.
	Month int `json:"month,omitempty"`
	Day   int `json:"day,omitempty"`
	// Half is the half of the year (HalfYearly): 1 or 2.
	Half int `json:"half,omitempty"`
	// Exceptions are other dates for named units: （海珠区9月30日前）.
	Exceptions []Exception `json:"exceptions,omitempty"`
	// Steps are the deadlines of a Steps rule.
	Steps []Rule `json:"steps,omitempty"`
}

// Exception is a date that holds for one unit instead of the rule's own.
type Exception struct {
	Unit string `json:"unit"` // the unit as the plan names it: 海珠区
	Date string `json:"date"`
}

// The patterns are tried at each position of the text in this order; the
// first that matches there is taken and the scan goes on after it.
var (
	reQuarterly = regexp.MustCompile(`^每季度`)
	reHalf      = regexp.MustCompile(`^每年(上|下)半年`)
	// 每年1月5日前, 每年7月开展, 每年7月、1月各评选一次.
	reYearly = regexp.MustCompile(`^每年((?:\d{1,2}月(?:\d{1,2}日)?、?)+)`)
	reMonth  = regexp.MustCompile(`(\d{1,2})月(?:(\d{1,2})日)?`)
	// 2021年1月31日前, 10月31日完成, 2021年7月底前, 11月1日起, 10月起.
	reDate = regexp.MustCompile(`^(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})日|(底))?(前|起)?`)
	// （海珠区9月30日前）
	reException = regexp.MustCompile(`^（([^（）\d]{1,20}?[区县市])(\d{1,2})月(\d{1,2})日前?）`)
	reOngoing   = regexp.MustCompile(`^长期`)
)

// ParseDue reads a due text of Attachment 1. What it cannot read comes back
// as nil, for a person to read: a month without a day that is neither a
// start (起) nor a month's end (底), a day that does not exist, or a text
// with no date at all.
func ParseDue(text string) *Rule {
	s := strings.TrimSpace(text)
	var rules []Rule
	for i := 0; i < len(s); {
		r, n, ok := ruleAt(s[i:])
		if n < 0 {
			return nil // a date-like phrase that cannot be read: guess nothing
		}
		if ok {
			rules = append(rules, r)
			i += n
			continue
		}
		i += len(string([]rune(s[i:])[:1]))
	}
	switch len(rules) {
	case 0:
		return nil
	case 1:
		return &rules[0]
	}
	return &Rule{Kind: Steps, Steps: rules}
}

// ruleAt reads a rule at the start of s and returns it with the bytes it
// took; n is -1 when a date starts there that cannot be read.
func ruleAt(s string) (r Rule, n int, ok bool) {
	if m := reQuarterly.FindString(s); m != "" {
		return Rule{Kind: Quarterly}, len(m), true
	}
	if m := reHalf.FindStringSubmatch(s); m != nil {
		half := 1
		if m[1] == "下" {
			half = 2
		}
		return Rule{Kind: HalfYearly, Half: half}, len(m[0]), true
	}
	if m := reYearly.FindStringSubmatch(s); m != nil {
		var steps []Rule
		for _, mm := range reMonth.FindAllStringSubmatch(m[1], -1) {
			month, _ := strconv.Atoi(mm[1])
			day, _ := strconv.Atoi(mm[2])
			if !validDay(2021, month, max(day, 1)) { // 2021: no 29 February
				return Rule{}, -1, false
			}
			steps = append(steps, Rule{Kind: Yearly, Month: month, Day: day})
		}
		if len(steps) == 1 {
			return steps[0], len(m[0]), true
		}
		return Rule{Kind: Steps, Steps: steps}, len(m[0]), true
	}
	if m := reOngoing.FindString(s); m != "" {
		return Rule{Kind: Ongoing}, len(m), true
	}
	m := reDate.FindStringSubmatch(s)
	if m == nil {
		return Rule{}, 0, false
	}
	year := PlanYear
	if m[1] != "" {
		year, _ = strconv.Atoi(m[1])
	}
	month, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	switch {
	case m[4] == "底":
		day = daysIn(year, month)
	case day == 0 && m[5] == "起":
		day = 1
	case day == 0:
		return Rule{}, -1, false // 10月 alone: by its start or its end?
	}
	if !validDay(year, month, day) {
		return Rule{}, -1, false
	}
	n = len(m[0])
	if m[5] == "起" {
		return Rule{Kind: From, Date: dateString(year, month, day)}, n, true
	}
	r = Rule{Kind: Once, Date: dateString(year, month, day)}
	for {
		e := reException.FindStringSubmatch(s[n:])
		if e == nil {
			break
		}
		em, _ := strconv.Atoi(e[2])
		ed, _ := strconv.Atoi(e[3])
		if !validDay(year, em, ed) {
			return Rule{}, -1, false
		}
		r.Exceptions = append(r.Exceptions, Exception{Unit: e[1], Date: dateString(year, em, ed)})
		n += len(e[0])
	}
	return r, n, true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func validDay(year, month, day int) bool {
	return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)
}

func dateString(year, month, day int) string {
	return calendar.Date{Year: year, Month: time.Month(month), Day: day}.String()
}

// Next returns the first day on or after from by which the rule is due for
// the unit named unitName (which an exception may name: 海珠区), and false
// when it has none: a From or Ongoing rule, or a Once rule already past.
func (r Rule) Next(from calendar.Date, unitName string) (calendar.Date, bool) {
	switch r.Kind {
	case Once:
		date := r.Date
		for _, e := range r.Exceptions {
			if unitName != "" && strings.Contains(unitName, e.Unit) {
				date = e.Date
			}
		}
		d, err := calendar.ParseDate(date)
		if err != nil || d.Before(from) {
			return calendar.Date{}, false
		}
		return d, true
	case Yearly:
		for y := from.Year; y <= from.Year+1; y++ {
			day := r.Day
			if day == 0 {
				day = daysIn(y, r.Month)
			}
			d := calendar.Date{Year: y, Month: time.Month(r.Month), Day: min(day, daysIn(y, r.Month))}
			if !d.Before(from) {
				return d, true
			}
		}
	case Quarterly:
		end := (int(from.Month)-1)/3*3 + 3
		return calendar.Date{Year: from.Year, Month: time.Month(end), Day: daysIn(from.Year, end)}, true
	case HalfYearly:
		for y := from.Year; y <= from.Year+1; y++ {
			d := calendar.Date{Year: y, Month: time.Month(6 * r.Half), Day: daysIn(y, 6*r.Half)}
			if !d.Before(from) {
				return d, true
			}
		}
	case Steps:
		var best calendar.Date
		for _, s := range r.Steps {
			if d, ok := s.Next(from, unitName); ok && (best.IsZero() || d.Before(best)) {
				best = d
			}
		}
		return best, !best.IsZero()
	}
	return calendar.Date{}, false
}
