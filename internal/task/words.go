package task

import (
	"strings"

	"gongkai/internal/i18n"
)

// Words says the rule in lang: 2020-10-31前（海珠区：2020-09-30）, 每年1月5日前….
// A nil rule says it could not be read.
func (r *Rule) Words(lang i18n.Lang) string {
	if r == nil {
		return i18n.T(lang, "task.rule.unreadable")
	}
	switch r.Kind {
	case Once:
		s := i18n.T(lang, "task.rule.once", r.Date)
		for _, e := range r.Exceptions {
			s += i18n.T(lang, "task.rule.exception", e.Unit, e.Date)
		}
		return s
	case Yearly:
		if r.Day == 0 {
			return i18n.T(lang, "task.rule.yearly_month", r.Month)
		}
		return i18n.T(lang, "task.rule.yearly", r.Month, r.Day)
	case HalfYearly:
		return i18n.T(lang, "task.rule.half_yearly", r.Half)
	case From:
		return i18n.T(lang, "task.rule.from", r.Date)
	case Steps:
		var parts []string
		for _, s := range r.Steps {
			parts = append(parts, s.Words(lang))
		}
		return strings.Join(parts, i18n.T(lang, "task.rule.then"))
	}
	return i18n.T(lang, "task.rule."+string(r.Kind))
}
