package selfreport

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/i18n"
	"gongkai/internal/inspect"
)

// figureOrder is the order figures are shown in, section by section; a
// figure not listed (one a source added later) follows, by key.
var figureOrder = []string{
	"units", "catalogs_kept", "catalogs_published", "domains", "items", "items_loaded", "items_unloaded", "loaded_percent", "catalogs_unpublished", "limits_unparsed",
	"published", "column_fdzdgknr", "column_zn", "column_zd", "column_nb", "loaded", "withdrawn",
	"consultations", "comments", "consultations_closed", "feedback_published", "feedback_missing",
	"messages_received", "messages_invalid", "messages_answered", "messages_on_time", "messages_late", "messages_overdue", "messages_pending",
	"messages_satisfied", "messages_unsatisfied",
	"notices", "recipients", "messages_sent", "messages_failed", "messages_queued", "subscribers",
	"received", "carried_over", "replied", "replied_on_time", "replied_late", "overdue", "carried_forward", "reviews", "suits", "lost",
	"runs", "mean_score", "last_score", "passed", "findings", "failing_rules", "rectification_notices", "notice_findings", "rectified", "overdue_notices",
	"tasks_assigned", "tasks_accepted", "tasks_on_time", "tasks_late", "tasks_reported", "tasks_overdue", "tasks_open",
	"units_with_findings", "grade_a", "grade_b", "grade_c", "grade_d",
	"problems", "kinds",
}

// Figure is a figure as a page shows it.
type Figure struct {
	Key, Label, Value string
	// Data says the value is data as written (names of domains), not
	// words of the program.
	Data bool
}

// FigureList returns the figures of s in lang, in figureOrder.
func FigureList(lang i18n.Lang, s Section) []Figure {
	keys := make([]string, 0, len(s.Figures))
	for k := range s.Figures {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		if i := slices.Index(figureOrder, k); i >= 0 {
			return i
		}
		return len(figureOrder)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	out := make([]Figure, len(keys))
	for i, k := range keys {
		label := k
		if i18n.Has("selfreport.fig." + k) {
			label = i18n.T(lang, "selfreport.fig."+k)
		}
		value, data := FigureValue(lang, k, s.Figures[k])
		out[i] = Figure{Key: k, Label: label, Value: value, Data: data}
	}
	return out
}

// FigureValue writes a figure's value in lang: numbers plainly (two
// decimals at most, a percentage with its sign), yes or no, and lists
// joined — rule ids and problem kinds by their names. It reports whether
// the value is data as written.
func FigureValue(lang i18n.Lang, key string, v any) (string, bool) {
	sep := "、"
	if lang == i18n.En {
		sep = ", "
	}
	switch x := v.(type) {
	case bool:
		if x {
			return i18n.T(lang, "selfreport.yes"), false
		}
		return i18n.T(lang, "selfreport.no"), false
	case int:
		return strconv.Itoa(x), false
	case int64:
		return strconv.FormatInt(x, 10), false
	case float64:
		s := strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
		if strings.HasSuffix(key, "_percent") {
			s += "%"
		}
		return s, false
	case []string, []any:
		items := Strings(map[string]any{key: v}, key)
		switch key {
		case "failing_rules":
			for i, id := range items {
				items[i] = ruleName(lang, id)
			}
			return strings.Join(items, sep), false
		case "kinds":
			for i, k := range items {
				if i18n.Has("selfreport.kind." + k) {
					items[i] = i18n.T(lang, "selfreport.kind."+k)
				}
			}
			return strings.Join(items, sep), false
		}
		return strings.Join(items, sep), true
	case nil:
		return "", false
	}
	return fmt.Sprint(v), true
}

// ruleName is the name of inspection rule id in lang; the id for a rule
// the program no longer has.
func ruleName(lang i18n.Lang, id string) string {
	for _, r := range inspect.DefaultRules() {
		if r.ID == id {
			if lang == i18n.En {
				return r.NameEn
			}
			return r.Name
		}
	}
	return id
}
