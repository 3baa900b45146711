package opinion

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Summary is the month's items of an office's scope for the leaders
// (每月汇总各单位的办理情况呈市领导): counts by level, source and state, how
// many units responded on time, and a line for each item. It is counted on
// day AsOf: a part still open past its due date then counts as late.
type Summary struct {
	Scope     org.Unit `json:"-"`
	ScopeCode string   `json:"scope"`
	ScopeName string   `json:"scope_name"`
	Month     string   `json:"month"` // YYYY-MM
	AsOf      string   `json:"as_of"`
	Total     int      `json:"total"`
	ByLevel   []Count  `json:"by_level"`
	BySource  []Count  `json:"by_source"`
	ByState   []Count  `json:"by_state"`
	// Parts are the units' parts of the month's items; Responded of them
	// answered, OnTime by their due dates; Late answered after it or still
	// open past it; Waiting still open and not yet due.
	Parts     int `json:"parts"`
	Responded int `json:"responded"`
	OnTime    int `json:"on_time"`
	Late      int `json:"late"`
	Waiting   int `json:"waiting"`
	// OnTimeRate is OnTime over the parts decided (OnTime + Late), 0 to 1;
	// null when none is.
	OnTimeRate *float64 `json:"on_time_rate"`
	Items      []Line   `json:"items"`
}

// Count is how many items have one value of a field.
type Count struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// Line is an item of the summary.
type Line struct {
	ID        int64      `json:"id"`
	Found     string     `json:"found"`
	Title     string     `json:"title"`
	Source    string     `json:"source"`
	Level     string     `json:"level"`
	State     string     `json:"state"`
	Office    string     `json:"office"`
	Closed    string     `json:"closed"`
	Published bool       `json:"published"`
	Parts     []LinePart `json:"units"`
}

// LinePart is a unit's part of an item in the summary.
type LinePart struct {
	Unit      string `json:"unit"`
	Code      string `json:"code"`
	Due       string `json:"due"`
	Responded string `json:"responded"` // the day; empty while open
	// OnTime is null while the part is open and not yet due.
	OnTime *bool `json:"on_time"`
}

// Verdict is "on_time" or "late" for a part responded or past its due
// date, and "" for one open and not yet due.
func (p LinePart) Verdict() string {
	switch {
	case p.OnTime == nil:
		return ""
	case *p.OnTime:
		return "on_time"
	}
	return "late"
}

// Rate is OnTimeRate as a percentage to one decimal, and false when there
// is none.
func (s Summary) Rate() (string, bool) {
	if s.OnTimeRate == nil {
		return "", false
	}
	return fmt.Sprintf("%.1f%%", *s.OnTimeRate*100), true
}

// ParseMonth reads a month as YYYY-MM, from 2000 to the month of day t,
// and returns its first day. Anything else is an Invalid error naming
// field month.
func ParseMonth(s string, t calendar.Date) (calendar.Date, error) {
	s = strings.TrimSpace(s)
	m, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 {
		return calendar.Date{}, errs.InvalidField("month", "opinion.month_invalid", s)
	}
	first := calendar.Date{Year: m.Year(), Month: m.Month(), Day: 1}
	if m.Year() < earliest || first.After(t) {
		return calendar.Date{}, errs.InvalidField("month", "opinion.month_range", s, earliest)
	}
	return first, nil
}

// MonthSummary summarizes the items found in month (YYYY-MM) that offices
// in scope's subtree registered, counted on day asOf. A month that cannot
// be read, or is after asOf's, is an Invalid error naming field month.
func MonthSummary(ctx context.Context, q db.Querier, scope org.Unit, month string, asOf calendar.Date) (Summary, error) {
	first, err := ParseMonth(month, asOf)
	if err != nil {
		return Summary{}, err
	}
	next := calendar.DateOf(first.Time().AddDate(0, 1, 0))
	items, err := queryItems(ctx, q, `SELECT `+itemCols+` FROM opinion_items i JOIN units o ON o.id = i.office_id
		WHERE o.path LIKE ? AND i.found_date >= ? AND i.found_date < ? ORDER BY i.found_at, i.id`, scope.Path+"%", first.String(), next.String())
	if err != nil {
		return Summary{}, err
	}
	s := Summary{Scope: scope, ScopeCode: scope.Code, ScopeName: scope.Name, Month: first.String()[:7], AsOf: asOf.String(), Total: len(items),
		Items: []Line{}}
	level, source, state := map[string]int{}, map[string]int{}, map[string]int{}
	for _, it := range items {
		level[it.Level]++
		source[it.Source]++
		state[it.State]++
		l := Line{ID: it.ID, Found: it.FoundDate, Title: it.Title, Source: it.Source, Level: it.Level, State: it.State, Office: it.Office.Name,
			Closed: it.ClosedDate, Published: it.Published, Parts: []LinePart{}}
		for _, p := range it.Parts {
			lp := LinePart{Unit: p.Unit.Name, Code: p.Unit.Code, Due: p.Due.String(), Responded: p.RespondedOn}
			s.Parts++
			switch {
			case p.Responded:
				s.Responded++
				ok := p.OnTime()
				lp.OnTime = &ok
				if ok {
					s.OnTime++
				} else {
					s.Late++
				}
			case p.Due.Before(asOf):
				late := false
				lp.OnTime = &late
				s.Late++
			default:
				s.Waiting++
			}
			l.Parts = append(l.Parts, lp)
		}
		s.Items = append(s.Items, l)
	}
	if n := s.OnTime + s.Late; n > 0 {
		r := float64(s.OnTime) / float64(n)
		s.OnTimeRate = &r
	}
	s.ByLevel, s.BySource, s.ByState = counts(Levels, level), counts(Sources, source), counts(States, state)
	return s, nil
}

// counts lists the count of each of keys, in their order.
func counts(keys []string, n map[string]int) []Count {
	out := make([]Count, len(keys))
	for i, k := range keys {
		out[i] = Count{k, n[k]}
	}
	return out
}
