package task

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/calendar"
)

func once(d string) Rule     { return Rule{Kind: Once, Date: d} }
func yearly(m, d int) Rule   { return Rule{Kind: Yearly, Month: m, Day: d} }
func steps(rs ...Rule) *Rule { return &Rule{Kind: Steps, Steps: rs} }
func one(r Rule) *Rule       { return &r }
func from(d string) *Rule    { return &Rule{Kind: From, Date: d} }
func onceExcept(d, unit, ud string) Rule {
	return Rule{Kind: Once, Date: d, Exceptions: []Exception{{unit, ud}}}
}

// wantRules is the rule expected from the due text of each of the forty
// tasks, by number.
var wantRules = map[int]*Rule{
	1:  one(onceExcept("2020-10-31", "海珠区", "2020-09-30")),
	2:  one(once("2020-12-31")),
	3:  one(once("2021-01-31")),
	4:  one(once("2021-07-31")),
	5:  one(once("2020-09-30")),
	6:  one(once("2020-09-30")),
	7:  one(yearly(1, 5)),
	8:  one(once("2021-02-28")),
	9:  {Kind: Ongoing},
	10: one(yearly(1, 5)),
	11: one(once("2020-12-31")),
	12: one(once("2020-11-30")),
	13: one(once("2020-12-31")),
	14: one(once("2020-09-30")),
	15: one(once("2020-12-31")),
	16: one(yearly(1, 5)),
	17: one(once("2021-01-15")),
	18: one(once("2021-01-05")),
	19: one(once("2020-09-30")),
	20: one(yearly(1, 5)),
	21: {Kind: Ongoing},
	22: one(yearly(1, 5)),
	23: steps(once("2020-11-30"), once("2020-12-31")),
	24: one(once("2020-12-31")),
	25: one(once("2021-01-15")),
	26: steps(Rule{Kind: Quarterly}, yearly(1, 15)),
	27: one(once("2021-01-15")),
	28: steps(once("2020-08-31"), once("2020-10-31")),
	29: one(once("2020-09-30")),
	30: steps(once("2020-09-30"), once("2021-01-05")),
	31: one(once("2020-11-30")),
	32: one(once("2020-12-31")),
	33: from("2020-11-01"),
	34: from("2021-02-01"),
	35: from("2021-08-01"),
	36: from("2020-10-01"),
	37: one(yearly(7, 0)),
	38: steps(yearly(7, 0), yearly(1, 0)),
	39: {Kind: HalfYearly, Half: 2},
	40: from("2021-01-01"),
}

func TestParseDueAttachment(t *testing.T) {
	if len(All()) != 40 {
		t.Fatalf("got %d tasks, want 40", len(All()))
	}
	for _, tk := range All() {
		want, ok := wantRules[tk.No]
		if !ok {
			t.Errorf("task %d: no expected rule", tk.No)
			continue
		}
		if diff := cmp.Diff(want, ParseDue(tk.DueText)); diff != "" {
			t.Errorf("task %d %q: mismatch (-want +got):\n%s", tk.No, tk.DueText, diff)
		}
		if diff := cmp.Diff(want, tk.Recurrence); diff != "" {
			t.Errorf("task %d: All() recurrence mismatch (-want +got):\n%s", tk.No, diff)
		}
	}
	if u := Unreadable(); len(u) != 0 {
		t.Errorf("unreadable tasks %v, want none", u)
	}
}

// TestParseDueUnreadable: texts a person must read come back nil, never a
// guess.
func TestParseDueUnreadable(t *testing.T) {
	for _, in := range []string{
		"", "另行通知", "尽快完成", "按上级要求",
		"10月前",     // the start of October or its end?
		"2月30日前",   // no such day
		"13月1日前",   // no such month
		"每年2月30日前", // no such day in any year
		"9月30日前（海珠区9月31日前）", // an exception on no day
		"10月31日前，11月",       // the second date is unreadable: the whole text is
	} {
		if got := ParseDue(in); got != nil {
			t.Errorf("ParseDue(%q) = %+v, want nil (unreadable)", in, got)
		}
	}
}

func TestParseDueMore(t *testing.T) {
	for _, c := range []struct {
		in   string
		want *Rule
	}{
		{"2021年7月底前", one(once("2021-07-31"))},
		{"2月底前", one(once("2020-02-29"))}, // 2020 is a leap year
		{"每年上半年", &Rule{Kind: HalfYearly, Half: 1}},
		{"10月31日前（海珠区9月30日前）（天河区10月15日前）", &Rule{Kind: Once, Date: "2020-10-31",
			Exceptions: []Exception{{"海珠区", "2020-09-30"}, {"天河区", "2020-10-15"}}}},
		{"每季度", &Rule{Kind: Quarterly}},
	} {
		if diff := cmp.Diff(c.want, ParseDue(c.in)); diff != "" {
			t.Errorf("ParseDue(%q) mismatch (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestRuleNext(t *testing.T) {
	d := func(s string) calendar.Date {
		t.Helper()
		x, err := calendar.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, c := range []struct {
		task int
		from string
		unit string
		want string // "" for none
	}{
		{1, "2020-08-01", "天河区人民政府", "2020-10-31"},
		{1, "2020-08-01", "海珠区人民政府", "2020-09-30"},
		{1, "2020-11-01", "天河区人民政府", ""},
		{7, "2026-01-06", "", "2027-01-05"},
		{7, "2026-01-05", "", "2026-01-05"},
		{37, "2026-03-01", "", "2026-07-31"},
		{38, "2026-03-01", "", "2026-07-31"},
		{38, "2026-08-01", "", "2027-01-31"},
		{26, "2026-02-10", "", "2026-03-31"},
		{39, "2026-07-01", "", "2026-12-31"},
		{33, "2026-01-01", "", ""},
		{9, "2026-01-01", "", ""},
		{28, "2020-09-01", "", "2020-10-31"},
	} {
		tk, _ := ByNo(c.task)
		got, ok := tk.Recurrence.Next(d(c.from), c.unit)
		if c.want == "" {
			if ok {
				t.Errorf("task %d from %s: got %s, want none", c.task, c.from, got)
			}
			continue
		}
		if !ok || got.String() != c.want {
			t.Errorf("task %d from %s for %s: got %s %v, want %s", c.task, c.from, c.unit, got, ok, c.want)
		}
	}
}
