package calendar

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	got, err := ParseDate("2024-02-29")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Date{2024, time.February, 29}); got != want {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, s := range []string{"", "2023-02-29", "2026-2-3", "2026-02-3", " 2026-02-03", "2026-02-03 ", "20260203", "2026/02/03", "2026-13-01", "2026-00-10", "26-02-03", "２０２６-02-03"} {
		_, err := ParseDate(s)
		if err == nil {
			t.Errorf("ParseDate(%q): no error", s)
			continue
		}
		// The message names the input and the form, in words of each
		// language, never Go's layout 2006-01-02.
		e := errs.As(err)
		if e == nil || e.Kind != errs.Invalid {
			t.Errorf("ParseDate(%q) error %v is not an Invalid user error", s, err)
			continue
		}
		zh, en := i18n.T(i18n.Zh, e.Key, e.Args...), i18n.T(i18n.En, e.Key, e.Args...)
		if !strings.Contains(zh, "“"+s+"”") || !strings.Contains(zh, "年-月-日") || !strings.Contains(en, "“"+s+"”") || !strings.Contains(en, "YYYY-MM-DD") {
			t.Errorf("ParseDate(%q) error says %q / %q", s, zh, en)
		}
	}
}

func TestDate(t *testing.T) {
	d := Date{2024, time.December, 31}
	if got, want := d.String(), "2024-12-31"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := d.AddDays(1), (Date{2025, time.January, 1}); got != want {
		t.Errorf("AddDays(1) = %v, want %v", got, want)
	}
	if got, want := (Date{2024, time.March, 1}).AddDays(-1), (Date{2024, time.February, 29}); got != want {
		t.Errorf("AddDays(-1) = %v, want %v", got, want)
	}
	if got, want := d.Weekday(), time.Tuesday; got != want {
		t.Errorf("Weekday() = %v, want %v", got, want)
	}
	if got, want := d.Time(), time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Time() = %v, want %v", got, want)
	}
	e := Date{2025, time.January, 1}
	if !d.Before(e) || d.After(e) || !e.After(d) || e.Before(d) || d.Before(d) || d.After(d) {
		t.Errorf("Before/After wrong for %v and %v", d, e)
	}
	// 01:00 on 1 January in Beijing is still 31 December in UTC.
	beijing := time.FixedZone("CST", 8*3600)
	if got, want := DateOf(time.Date(2026, 1, 1, 1, 0, 0, 0, beijing)), (Date{2026, time.January, 1}); got != want {
		t.Errorf("DateOf(Beijing) = %v, want %v", got, want)
	}
	if got, want := DateOf(time.Date(2026, 1, 1, 1, 0, 0, 0, beijing).UTC()), (Date{2025, time.December, 31}); got != want {
		t.Errorf("DateOf(UTC) = %v, want %v", got, want)
	}
	if !(Date{}).IsZero() || d.IsZero() {
		t.Error("IsZero wrong")
	}
}

// TestNextPrev checks the fast day steps against time.Time, leap years and
// century rules included.
func TestNextPrev(t *testing.T) {
	for _, start := range []Date{{1899, 12, 1}, {2019, 1, 1}, {2099, 12, 1}} {
		d := start
		for range 2000 {
			if got, want := d.next(), d.AddDays(1); got != want {
				t.Fatalf("%v.next() = %v, want %v", d, got, want)
			}
			if got, want := d.prev(), d.AddDays(-1); got != want {
				t.Fatalf("%v.prev() = %v, want %v", d, got, want)
			}
			if got, want := d.yearDay(), d.Time().YearDay()-1; got != want {
				t.Fatalf("%v.yearDay() = %v, want %v", d, got, want)
			}
			d = d.next()
		}
	}
}

// span is a run of days off the notices give for one festival.
type span struct{ name, from, to string }

// notices holds, for every year of the embedded data, the days off and the
// adjusted working days (调休上班) as the State Council's notices give them,
// written out here from the notices, not read from the data files. total is
// the year's working days, worked out by hand: weekdays in the year, minus
// the weekdays off, plus the weekend days worked.
var notices = []struct {
	year  int
	off   []span
	work  []string
	total int
}{
	{2019, // 国办发明电〔2018〕15号; Labour Day by 国办发明电〔2019〕3号.
		[]span{{"元旦", "2019-01-01", "2019-01-01"}, {"春节", "2019-02-04", "2019-02-10"},
			{"清明节", "2019-04-05", "2019-04-05"}, {"劳动节", "2019-05-01", "2019-05-04"},
			{"端午节", "2019-06-07", "2019-06-07"}, {"中秋节", "2019-09-13", "2019-09-13"},
			{"国庆节", "2019-10-01", "2019-10-07"}},
		[]string{"2019-02-02", "2019-02-03", "2019-04-28", "2019-05-05", "2019-09-29", "2019-10-12"},
		// Starts on a Tuesday: 261 weekdays. Off on weekdays: 1+5+1+3+1+1+5 = 17. Worked: 6.
		261 - 17 + 6},
	{2020, // 国办发明电〔2019〕16号; Spring Festival to 2 February by 国办发明电〔2020〕1号.
		[]span{{"元旦", "2020-01-01", "2020-01-01"}, {"春节", "2020-01-24", "2020-02-02"},
			{"清明节", "2020-04-04", "2020-04-06"}, {"劳动节", "2020-05-01", "2020-05-05"},
			{"端午节", "2020-06-25", "2020-06-27"}, {"国庆节、中秋节", "2020-10-01", "2020-10-08"}},
		// 2020-02-01 was to be worked; the extension made it a day off.
		[]string{"2020-01-19", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10"},
		// Leap year from a Wednesday: 262 weekdays. Off: 1+6+1+3+2+6 = 19. Worked: 6.
		262 - 19 + 6},
	{2021, // 国办发明电〔2020〕27号.
		[]span{{"元旦", "2021-01-01", "2021-01-03"}, {"春节", "2021-02-11", "2021-02-17"},
			{"清明节", "2021-04-03", "2021-04-05"}, {"劳动节", "2021-05-01", "2021-05-05"},
			{"端午节", "2021-06-12", "2021-06-14"}, {"中秋节", "2021-09-19", "2021-09-21"},
			{"国庆节", "2021-10-01", "2021-10-07"}},
		[]string{"2021-02-07", "2021-02-20", "2021-04-25", "2021-05-08", "2021-09-18", "2021-09-26", "2021-10-09"},
		// From a Friday: 261 weekdays. Off: 1+5+1+3+1+2+5 = 18. Worked: 7.
		261 - 18 + 7},
	{2022, // 国办发明电〔2021〕11号; 31 December from 国办发明电〔2022〕16号.
		[]span{{"元旦", "2022-01-01", "2022-01-03"}, {"春节", "2022-01-31", "2022-02-06"},
			{"清明节", "2022-04-03", "2022-04-05"}, {"劳动节", "2022-04-30", "2022-05-04"},
			{"端午节", "2022-06-03", "2022-06-05"}, {"中秋节", "2022-09-10", "2022-09-12"},
			{"国庆节", "2022-10-01", "2022-10-07"}, {"元旦", "2022-12-31", "2022-12-31"}},
		[]string{"2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08", "2022-10-09"},
		// From a Saturday: 260 weekdays. Off: 1+5+2+3+1+1+5 = 18. Worked: 7.
		260 - 18 + 7},
	{2023, // 国办发明电〔2022〕16号.
		[]span{{"元旦", "2023-01-01", "2023-01-02"}, {"春节", "2023-01-21", "2023-01-27"},
			{"清明节", "2023-04-05", "2023-04-05"}, {"劳动节", "2023-04-29", "2023-05-03"},
			{"端午节", "2023-06-22", "2023-06-24"}, {"中秋节、国庆节", "2023-09-29", "2023-10-06"}},
		[]string{"2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08"},
		// From a Sunday: 260 weekdays. Off: 1+5+1+3+2+6 = 18. Worked: 7.
		260 - 18 + 7},
	{2024, // 国办发明电〔2023〕7号. The eve, 9 February, was only encouraged as leave.
		[]span{{"元旦", "2024-01-01", "2024-01-01"}, {"春节", "2024-02-10", "2024-02-17"},
			{"清明节", "2024-04-04", "2024-04-06"}, {"劳动节", "2024-05-01", "2024-05-05"},
			{"端午节", "2024-06-10", "2024-06-10"}, {"中秋节", "2024-09-15", "2024-09-17"},
			{"国庆节", "2024-10-01", "2024-10-07"}},
		[]string{"2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12"},
		// Leap year from a Monday: 262 weekdays. Off: 1+5+2+3+1+2+5 = 19. Worked: 8.
		262 - 19 + 8},
	{2025, // 国办发明电〔2024〕12号, the first year with the eve and 2 May.
		[]span{{"元旦", "2025-01-01", "2025-01-01"}, {"春节", "2025-01-28", "2025-02-04"},
			{"清明节", "2025-04-04", "2025-04-06"}, {"劳动节", "2025-05-01", "2025-05-05"},
			{"端午节", "2025-05-31", "2025-06-02"}, {"国庆节、中秋节", "2025-10-01", "2025-10-08"}},
		[]string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"},
		// From a Wednesday: 261 weekdays. Off: 1+6+1+3+1+6 = 18. Worked: 5.
		261 - 18 + 5},
	{2026, // 国办发明电〔2025〕7号.
		[]span{{"元旦", "2026-01-01", "2026-01-03"}, {"春节", "2026-02-15", "2026-02-23"},
			{"清明节", "2026-04-04", "2026-04-06"}, {"劳动节", "2026-05-01", "2026-05-05"},
			{"端午节", "2026-06-19", "2026-06-21"}, {"中秋节", "2026-09-25", "2026-09-27"},
			{"国庆节", "2026-10-01", "2026-10-07"}},
		[]string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"},
		// From a Thursday: 261 weekdays. Off: 2+6+1+3+1+1+5 = 19. Worked: 6.
		261 - 19 + 6},
}

// TestNotices checks every day of 2019 to 2026 against the notices: the days
// off are off and named, the adjusted working days are worked, and every
// other day is a working day exactly when it is Monday to Friday.
func TestNotices(t *testing.T) {
	cal := Default()
	var years []int
	for _, n := range notices {
		years = append(years, n.year)
		want := map[Date]bool{}
		names := map[Date]string{}
		for _, s := range n.off {
			for d := mustDate(t, s.from); !d.After(mustDate(t, s.to)); d = d.AddDays(1) {
				want[d], names[d] = false, s.name
			}
		}
		for _, s := range n.work {
			d := mustDate(t, s)
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				t.Fatalf("test table: %v is a %v", d, wd)
			}
			want[d] = true
		}
		total := 0
		for d := (Date{n.year, time.January, 1}); d.Year == n.year; d = d.AddDays(1) {
			w, listed := want[d]
			if !listed {
				w = d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
			}
			got, err := cal.IsWorkday(d)
			if err != nil {
				t.Fatalf("IsWorkday(%v): %v", d, err)
			}
			if got != w {
				t.Errorf("IsWorkday(%v, %v) = %v, want %v", d, d.Weekday(), got, w)
			}
			if got {
				total++
			}
			if got, want := cal.Holiday(d), names[d]; got != want {
				t.Errorf("Holiday(%v) = %q, want %q", d, got, want)
			}
			if adj := cal.AdjustedWorkday(d); (adj != "") != (listed && w) {
				t.Errorf("AdjustedWorkday(%v) = %q", d, adj)
			}
			if cal.Assumed(d) {
				t.Errorf("Assumed(%v) = true for a year with data", d)
			}
		}
		if total != n.total {
			t.Errorf("%d: %d working days, want %d", n.year, total, n.total)
		}
	}
	if diff := cmp.Diff(years, cal.Years()); diff != "" {
		t.Errorf("Years() mismatch (-want +got):\n%s", diff)
	}
}

// TestSources checks that each year names the notices it rests on.
func TestSources(t *testing.T) {
	want := map[int][]string{
		2019: {"国办发明电〔2018〕15号", "国办发明电〔2019〕3号"},
		2020: {"国办发明电〔2019〕16号", "国办发明电〔2020〕1号"},
		2021: {"国办发明电〔2020〕27号"},
		2022: {"国办发明电〔2021〕11号", "国办发明电〔2022〕16号"},
		2023: {"国办发明电〔2022〕16号"},
		2024: {"国办发明电〔2023〕7号"},
		2025: {"国办发明电〔2024〕12号"},
		2026: {"国办发明电〔2025〕7号"},
	}
	for year, docs := range want {
		y, ok := Default().Year(year)
		if !ok {
			t.Fatalf("Year(%d): no data", year)
		}
		if len(y.Sources) != len(docs) {
			t.Errorf("%d: sources %q, want %d", year, y.Sources, len(docs))
			continue
		}
		for i, doc := range docs {
			if !strings.Contains(y.Sources[i], doc) || !strings.HasPrefix(y.Sources[i], "国务院办公厅关于") {
				t.Errorf("%d: source %q, want the notice %s", year, y.Sources[i], doc)
			}
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		// 9/23–27 (5), Sun 9/29 worked (6), 9/30 (7), 10/1–7 off, 10/8–11 (11),
		// Sat 10/12 worked (12), 10/14–18 (17), 10/21–23 (20).
		{"2024-09-20", 20, "2024-10-23"},
		// 1/21–24 (4), Sun 1/26 worked (5), 1/27 (6), 1/28–2/4 off, 2/5–7 (9),
		// Sat 2/8 worked (10), 2/10–14 (15), 2/17–21 (20).
		{"2025-01-20", 20, "2025-02-21"},
		// 1/21–23 (3), 1/24–2/2 off as extended, Sat 2/1 no longer worked,
		// 2/3–7 (8), 2/10–14 (13), 2/17–21 (18), 2/24–25 (20).
		{"2020-01-20", 20, "2020-02-25"},
		// Across the year: 12/22–26 (5), 12/29–31 (8), 1/1–3 off, Sun 1/4
		// worked (9), 1/5–9 (14), 1/12–16 (19), 1/19 (20).
		{"2025-12-20", 20, "2026-01-19"},
		// 2/11–13 (3), Sat 2/14 worked (4), 2/15–23 off, 2/24–27 (8),
		// Sat 2/28 worked (9), 3/2–6 (14), 3/9 (15).
		{"2026-02-10", 15, "2026-03-09"},
		// The changed Labour Day of 2019: Fri 4/26 (1), Sun 4/28 worked (2),
		// 4/29–30 (4), 5/1–4 off, Sun 5/5 worked (5).
		{"2019-04-25", 5, "2019-05-05"},
		// 2024's eve, Friday 9 February, was a working day.
		{"2024-02-08", 1, "2024-02-09"},
		{"2024-10-08", 0, "2024-10-08"},
		{"2024-10-01", 0, "2024-10-01"},
		// Backwards: 10/1–7 off, Mon 9/30, Sun 9/29 worked.
		{"2024-10-08", -1, "2024-09-30"},
		{"2024-10-08", -2, "2024-09-29"},
		{"2024-10-08", -3, "2024-09-27"},
	}
	cal := Default()
	for _, tt := range tests {
		got, err := cal.AddWorkdays(mustDate(t, tt.from), tt.n)
		if err != nil {
			t.Errorf("AddWorkdays(%s, %d): %v", tt.from, tt.n, err)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("AddWorkdays(%s, %d) = %v, want %s", tt.from, tt.n, got, tt.want)
		}
		if tt.n > 0 {
			n, err := cal.WorkdaysBetween(mustDate(t, tt.from), got)
			if err != nil || n != tt.n {
				t.Errorf("WorkdaysBetween(%s, %v) = %d, %v; want %d", tt.from, got, n, err, tt.n)
			}
			n, err = cal.WorkdaysBetween(got, mustDate(t, tt.from))
			if err != nil || n != -tt.n {
				t.Errorf("WorkdaysBetween(%v, %s) = %d, %v; want %d", got, tt.from, n, err, -tt.n)
			}
		}
	}
	if n, err := cal.WorkdaysBetween(mustDate(t, "2024-10-01"), mustDate(t, "2024-10-01")); n != 0 || err != nil {
		t.Errorf("WorkdaysBetween(same day) = %d, %v", n, err)
	}
}

func TestNoData(t *testing.T) {
	cal := Default()
	for _, s := range []string{"2018-12-28", "2027-01-04"} {
		d := mustDate(t, s)
		_, err := cal.IsWorkday(d)
		if !errors.Is(err, ErrNoData) {
			t.Fatalf("IsWorkday(%s) error %v, want ErrNoData", s, err)
		}
		if want := "没有" + s[:4] + "年的节假日安排数据"; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("IsWorkday(%s) error %q, want it to start %q", s, err, want)
		}
		if cal.Assumed(d) {
			t.Errorf("Assumed(%s) without AssumeWeekends", s)
		}
	}
	_, err := cal.AddWorkdays(mustDate(t, "2026-12-20"), 20)
	var nd *NoDataError
	if !errors.As(err, &nd) || nd.Year != 2027 {
		t.Errorf("AddWorkdays into 2027: error %v, want NoDataError for 2027", err)
	}
	if _, err := cal.AddWorkdays(mustDate(t, "2019-01-03"), -5); !errors.Is(err, ErrNoData) {
		t.Errorf("AddWorkdays back into 2018: error %v, want ErrNoData", err)
	}
	if _, err := cal.WorkdaysBetween(mustDate(t, "2026-12-01"), mustDate(t, "2027-01-10")); !errors.Is(err, ErrNoData) {
		t.Errorf("WorkdaysBetween into 2027: error %v, want ErrNoData", err)
	}
	// Up to the last day with data is fine.
	if _, err := cal.AddWorkdays(mustDate(t, "2026-12-20"), 9); err != nil {
		t.Errorf("AddWorkdays within 2026: %v", err)
	}
}

func TestAssumeWeekends(t *testing.T) {
	cal := Default().AssumeWeekends()
	tests := []struct {
		date    string
		work    bool
		assumed bool
	}{
		{"2027-01-04", true, true},  // Monday
		{"2027-01-02", false, true}, // Saturday
		{"2027-01-01", true, true},  // 元旦, but there is no data: the assumption is wrong here, and says so
		{"2018-12-28", true, true},  // Friday
		{"2026-10-01", false, false},
		{"2026-10-10", true, false},
	}
	for _, tt := range tests {
		d := mustDate(t, tt.date)
		got, err := cal.IsWorkday(d)
		if err != nil || got != tt.work {
			t.Errorf("IsWorkday(%s) = %v, %v; want %v", tt.date, got, err, tt.work)
		}
		if got := cal.Assumed(d); got != tt.assumed {
			t.Errorf("Assumed(%s) = %v, want %v", tt.date, got, tt.assumed)
		}
	}
	// 12/21–25 (5), 12/28–31 (9), Fri 1/1 assumed worked (10), 1/4–8 (15), 1/11–15 (20).
	got, err := cal.AddWorkdays(mustDate(t, "2026-12-20"), 20)
	if err != nil || got.String() != "2027-01-15" {
		t.Errorf("AddWorkdays across 2027 = %v, %v; want 2027-01-15", got, err)
	}
	// The default calendar is not changed.
	if _, err := Default().IsWorkday(mustDate(t, "2027-01-04")); !errors.Is(err, ErrNoData) {
		t.Errorf("Default() changed by AssumeWeekends: %v", err)
	}
}

func TestWithAndYear(t *testing.T) {
	y2027 := Year{Year: 2027, Sources: []string{"测试"},
		Off:  map[Date]string{{2027, 1, 1}: "元旦"},
		Work: map[Date]string{{2027, 1, 9}: "测试"}}
	cal := Default().With(y2027)
	if diff := cmp.Diff([]int{2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027}, cal.Years()); diff != "" {
		t.Errorf("Years() mismatch (-want +got):\n%s", diff)
	}
	for d, want := range map[Date]bool{{2027, 1, 1}: false, {2027, 1, 4}: true, {2027, 1, 9}: true, {2027, 1, 10}: false} {
		if got, err := cal.IsWorkday(d); err != nil || got != want {
			t.Errorf("IsWorkday(%v) = %v, %v; want %v", d, got, err, want)
		}
	}
	if _, ok := Default().Year(2027); ok {
		t.Error("With changed Default()")
	}
	// Replacing a year.
	cal = cal.With(Year{Year: 2026, Sources: []string{"替换"}})
	if got, _ := cal.IsWorkday(Date{2026, 10, 1}); !got {
		t.Error("With did not replace 2026")
	}
	// Year returns a copy.
	y, _ := Default().Year(2026)
	y.Off[Date{2026, 3, 2}] = "篡改"
	y.Sources[0] = "篡改"
	if got, _ := Default().IsWorkday(Date{2026, 3, 2}); !got || Default().Holiday(Date{2026, 3, 2}) != "" {
		t.Error("changing Year's result changed the calendar")
	}
	if y, _ := Default().Year(2026); y.Sources[0] == "篡改" {
		t.Error("changing Year's sources changed the calendar")
	}
	if _, ok := Default().Year(2018); ok {
		t.Error("Year(2018) found")
	}
	// New ignores days outside the year and lets the last Year win.
	cal = New(Year{Year: 2030, Off: map[Date]string{{2031, 1, 6}: "错年"}}, Year{Year: 2030, Off: map[Date]string{{2030, 1, 7}: "后者"}})
	if got, _ := cal.IsWorkday(Date{2030, 1, 7}); got {
		t.Error("New: later Year did not win")
	}
	if _, err := cal.IsWorkday(Date{2031, 1, 6}); !errors.Is(err, ErrNoData) {
		t.Errorf("New: entry outside its year leaked: %v", err)
	}
}

func TestInvalidDates(t *testing.T) {
	cal := Default().AssumeWeekends()
	for _, d := range []Date{{}, {2026, 2, 29}, {2026, 13, 1}, {2026, 0, 1}, {2026, 1, 32}} {
		if _, err := cal.IsWorkday(d); err == nil {
			t.Errorf("IsWorkday(%v): no error", d)
		}
		if _, err := cal.AddWorkdays(d, 3); err == nil {
			t.Errorf("AddWorkdays(%v): no error", d)
		}
		if _, err := cal.WorkdaysBetween(Date{2026, 1, 1}, d); err == nil {
			t.Errorf("WorkdaysBetween(%v): no error", d)
		}
	}
}

func TestLoadFS(t *testing.T) {
	good := "year 2030\nsource 测试\n"
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string // in the error
	}{
		{"bad data", fstest.MapFS{"d/2030.txt": {Data: []byte("year 2030\nsource 测试\nwork 2030-01-07 x\n")}}, "d/2030.txt"},
		{"misnamed", fstest.MapFS{"d/2031.txt": {Data: []byte(good)}}, "holds year 2030"},
	}
	for _, tt := range tests {
		_, err := loadFS(tt.fsys, "d")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	cal, err := loadFS(fstest.MapFS{"d/2030.txt": {Data: []byte(good)}}, "d")
	if err != nil || len(cal.Years()) != 1 {
		t.Errorf("loadFS(good) = %v, %v", cal, err)
	}
	if _, err := loadFS(dataFS, "data"); err != nil {
		t.Errorf("embedded data: %v", err)
	}
}

// TestMustLoadFS checks that Default's loader panics on invalid data, and
// only then.
func TestMustLoadFS(t *testing.T) {
	if cal := mustLoadFS(dataFS, "data"); len(cal.Years()) != 8 {
		t.Errorf("embedded years: %v", cal.Years())
	}
	panicked := func() (p bool) {
		defer func() { p = recover() != nil }()
		mustLoadFS(fstest.MapFS{"d/2030.txt": {Data: []byte("year 2030\n")}}, "d")
		return false
	}()
	if !panicked {
		t.Error("mustLoadFS did not panic on invalid data")
	}
}

func TestConcurrentUse(t *testing.T) {
	cal := Default()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			from := Date{2024, time.September, 20}.AddDays(i)
			if _, err := cal.AddWorkdays(from, 20); err != nil {
				t.Error(err)
			}
			_ = cal.With(Year{Year: 2030 + i}).AssumeWeekends().Years()
		})
	}
	wg.Wait()
}

func BenchmarkAddWorkdays(b *testing.B) {
	cal := Default()
	from := Date{2024, time.September, 20}
	for b.Loop() {
		if _, err := cal.AddWorkdays(from, 20); err != nil {
			b.Fatal(err)
		}
	}
}
