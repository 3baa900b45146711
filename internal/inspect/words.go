package inspect

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/screen"
)

// findingKeys are the messages a finding's target, expected and actual texts
// are written from, in Chinese, most specific first. Findings are stored as
// the Chinese text (the record of the run, its XLSX and its API); Say finds
// the message back so that an English page says it in English, for runs made
// before this list existed too.
var findingKeys = []string{
	"inspect.f.veto", "inspect.f.catalog_published", "inspect.f.no_catalog", "inspect.f.columns_filled",
	"inspect.f.columns_empty", "inspect.f.domain_catalog", "inspect.f.unpublished", "inspect.f.listed",
	"inspect.f.not_listed", "inspect.f.has_info", "inspect.f.no_info", "inspect.f.no_catalog_no_info",
	"inspect.f.not_listed_no_info", "inspect.f.column_filled", "inspect.f.column_empty",
	"inspect.f.elements_valid", "inspect.f.limit_readable", "inspect.f.limit_unreadable",
	"inspect.f.reply_by", "inspect.f.publish_by_workdays.other", "inspect.f.publish_by_days.other",
	"inspect.f.published_on", "inspect.f.period_due", "inspect.f.last_published",
	"inspect.f.mark_expired_date", "inspect.f.expired_undated", "inspect.f.mark_repealed_date",
	"inspect.f.repealed_undated", "inspect.f.link_replacement", "inspect.f.no_replacement",
	"inspect.f.updated_within.other", "inspect.f.last_updated", "inspect.f.masked", "inspect.f.unmasked",
	"inspect.f.link_opens", "inspect.f.link_invalid", "inspect.f.link_cancelled",
	"inspect.f.link_timeout.other", "inspect.f.link_redirects", "inspect.f.link_unreachable",
	"inspect.f.link_status", "inspect.f.unanswered", "inspect.f.replied_on",
	"inspect.f.domain", "inspect.f.column", "inspect.f.application",
	"inspect.f.consultation", "inspect.f.feedback_by", "inspect.f.feedback_missing",
	"inspect.f.message", "inspect.f.messages_within.other", "inspect.f.messages_overdue.other",
	"inspect.f.policy", "inspect.f.interpret_by", "inspect.f.interpret_missing", "inspect.f.interpret_late",
	"inspect.f.village_same_as", "inspect.f.village_same", "inspect.f.village_differs", "inspect.f.town_unpublished",
	"inspect.f.service_guide", "inspect.f.guide_elements", "inspect.f.guide_missing",
	// Last: its pattern, two texts around a colon, takes any text with one.
	"inspect.f.item",
}

// dateKeys are the messages whose text arguments are all dates: "%s发布"
// and "%s答复" must not read any text ending in those words.
var dateKeys = map[string]bool{"inspect.f.published_on": true, "inspect.f.replied_on": true,
	"inspect.f.last_published": true, "inspect.f.last_updated": true, "inspect.f.unanswered": true,
	"inspect.f.interpret_by": true, "inspect.f.interpret_missing": true, "inspect.f.interpret_late": true}

// date is how a date argument is written.
const date = `(\d{4}-\d{2}-\d{2})`

type findingPattern struct {
	key string
	re  *regexp.Regexp
	num []bool // which arguments are numbers
}

var findingPatterns = sync.OnceValue(func() []findingPattern {
	var ps []findingPattern
	for _, k := range findingKeys {
		zh := i18n.T(i18n.Zh, k)
		var num []bool
		expr, rest := "^", zh
		for {
			i := strings.IndexAny(rest, "%")
			if i < 0 || i+1 >= len(rest) {
				break
			}
			expr += regexp.QuoteMeta(rest[:i])
			switch rest[i+1] {
			case 'd':
				expr += `(-?\d+)`
				num = append(num, true)
			default:
				if dateKeys[k] {
					expr += date
				} else {
					expr += `(.+?)`
				}
				num = append(num, false)
			}
			rest = rest[i+2:]
		}
		expr += regexp.QuoteMeta(rest) + "$"
		ps = append(ps, findingPattern{k, regexp.MustCompile(expr), num})
	}
	return ps
})

// columnKeys maps a standard column's Chinese name back to its message.
var columnKeys = sync.OnceValue(func() map[string]errs.Msg {
	m := map[string]errs.Msg{}
	for _, k := range i18n.Keys(i18n.Zh) {
		if strings.HasPrefix(k, "col.") && !strings.HasSuffix(k, ".intro") {
			m[i18n.T(i18n.Zh, k)] = errs.Msg(k)
		}
	}
	return m
})

// Say returns the message a finding's text was written from, and false for
// a text written otherwise (an error's message, a server's answer), which
// stays as written. Arguments that are standard column names come back as
// their messages; the others (domain and item names, dates) as written.
func Say(text string) (i18n.Text, bool) {
	for _, p := range findingPatterns() {
		m := p.re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		key := p.key
		for i, s := range m[1:] {
			args[i] = s
			if p.num[i] {
				n, _ := strconv.Atoi(s)
				args[i] = n
				if base, ok := strings.CutSuffix(key, ".other"); ok && n == 1 {
					// The Chinese forms are the same; the first count
					// picks the form.
					key = base + ".one"
				}
			} else if k, ok := columnKeys()[s]; ok {
				args[i] = k
			} else if l, ok := screen.SummaryText(s); ok {
				args[i] = l
			} else if l, ok := elementList(s); ok {
				args[i] = l
			}
		}
		return i18n.Text{Key: key, Args: args}, true
	}
	return i18n.Text{}, false
}

// say writes a finding's text from a message, in Chinese.
func say(key string, args ...any) string { return i18n.T(i18n.Zh, key, args...) }

// sayN writes a finding's text from a counted message (key.one or
// key.other), in Chinese.
func sayN(key string, n int, args ...any) string { return i18n.N(i18n.Zh, key, n, args...) }
