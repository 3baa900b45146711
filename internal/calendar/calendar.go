// Package calendar is the Chinese working-day calendar: which days are
// working days (工作日) under the State Council's yearly holiday notices
// (国务院办公厅关于YYYY年部分节假日安排的通知), and deadline arithmetic in
// working days, with pauses, for the statutory clocks.
//
// Weekends alone are not the rule: statutory holidays are days off, and some
// Saturdays and Sundays are adjusted working days (调休上班). Each year's
// arrangement is data (see Year and the files under data/), naming the
// notices it comes from. A Calendar refuses to compute in a year it has no
// data for, returning ErrNoData, unless it was told to assume plain Monday to
// Friday weeks with AssumeWeekends; Assumed then tells callers to say so.
package calendar

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sync"
	"time"

	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// Date is a civil date with no time of day and no time zone. The zero Date
// is not a valid date; it marks "no date" (an open Pause's To). Dates are
// comparable with ==.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses a date written YYYY-MM-DD, with a four-digit year and
// two-digit month and day. Its error is an Invalid errs.Error naming the
// input.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	// time.Parse takes year 0, which no calendar computation accepts.
	if err != nil || len(s) != len(time.DateOnly) || !DateOf(t).valid() {
		return Date{}, errs.New(errs.Invalid, "calendar.bad_date", s)
	}
	return DateOf(t), nil
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String returns the date as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// valid reports whether d names a day that exists, in years 1 to 9999.
func (d Date) valid() bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

func invalidDate(d Date) error {
	return errs.New(errs.Invalid, "calendar.bad_date", d.String())
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns the date n calendar days after d (before d if n < 0).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.compare(o) < 0 }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.compare(o) > 0 }

func (d Date) compare(o Date) int {
	if d.Year != o.Year {
		return cmpInt(d.Year, o.Year)
	}
	if d.Month != o.Month {
		return cmpInt(int(d.Month), int(o.Month))
	}
	return cmpInt(d.Day, o.Day)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// next and prev step one day without going through time.Time: the deadline
// loops call them once per day.
func (d Date) next() Date {
	if d.Day < daysIn(d.Year, d.Month) {
		d.Day++
	} else if d.Month < time.December {
		d.Month, d.Day = d.Month+1, 1
	} else {
		d.Year, d.Month, d.Day = d.Year+1, time.January, 1
	}
	return d
}

func (d Date) prev() Date {
	if d.Day > 1 {
		d.Day--
	} else if d.Month > time.January {
		d.Month--
		d.Day = daysIn(d.Year, d.Month)
	} else {
		d.Year, d.Month, d.Day = d.Year-1, time.December, 31
	}
	return d
}

// daysBefore[m-1] is the number of days before month m in a common year.
var daysBefore = [12]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}

// yearDay returns the 0-based index of d within its year.
func (d Date) yearDay() int {
	n := daysBefore[d.Month-1] + d.Day - 1
	if d.Month > time.February && isLeap(d.Year) {
		n++
	}
	return n
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// ErrNoData is wrapped by the errors a Calendar returns for a date in a year
// it holds no holiday arrangement for.
var ErrNoData = errors.New("calendar: no holiday data")

// NoDataError is the error for a date in a year without data. It matches
// ErrNoData with errors.Is.
type NoDataError struct{ Year int }

// Error says, in Chinese, which year lacks data and what to do about it;
// UserError says it in the user's language.
func (e *NoDataError) Error() string { return i18n.T(i18n.Zh, "calendar.no_data", e.Year) }

// UserError returns e as an Invalid error with a message key.
func (e *NoDataError) UserError() *errs.Error {
	return errs.New(errs.Invalid, "calendar.no_data", e.Year)
}

// Unwrap returns ErrNoData.
func (e *NoDataError) Unwrap() error { return ErrNoData }

// yearTable is a Year with its working days resolved, one bit a day.
type yearTable struct {
	year Year
	work [6]uint64 // bit i set: day i of the year (0-based) is a working day
}

func newYearTable(y Year) *yearTable {
	t := &yearTable{year: y.clone()}
	for d := (Date{y.Year, time.January, 1}); d.Year == y.Year; d = d.next() {
		wd := d.Weekday()
		work := wd != time.Saturday && wd != time.Sunday
		if _, ok := y.Work[d]; ok {
			work = true
		}
		if _, ok := y.Off[d]; ok {
			work = false
		}
		if work {
			i := d.yearDay()
			t.work[i/64] |= 1 << (i % 64)
		}
	}
	return t
}

func (t *yearTable) isWork(d Date) bool {
	i := d.yearDay()
	return t.work[i/64]&(1<<(i%64)) != 0
}

// Calendar answers which days are working days. It is immutable and safe for
// concurrent use; With and AssumeWeekends return modified copies.
type Calendar struct {
	years          map[int]*yearTable
	assumeWeekends bool
}

//go:embed data/*.txt
var dataFS embed.FS

// defaultCalendar is built once, on first use, from the embedded data.
var defaultCalendar = sync.OnceValue(func() *Calendar { return mustLoadFS(dataFS, "data") })

// mustLoadFS is loadFS for data built into the binary, where an error is a
// programming error.
func mustLoadFS(fsys fs.FS, dir string) *Calendar {
	cal, err := loadFS(fsys, dir)
	if err != nil {
		panic(err)
	}
	return cal
}

// Default returns the calendar of the embedded data, 2019 to 2026, from the
// State Council's notices. It panics only if the embedded data is invalid,
// which the package's tests rule out.
func Default() *Calendar { return defaultCalendar() }

// loadFS parses every .txt file in dir of fsys into a Calendar. Its error
// names the file.
func loadFS(fsys fs.FS, dir string) (*Calendar, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	var years []Year
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		y, err := ParseYear(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("calendar: %s: %w", name, err)
		}
		if want := path.Base(name); want != fmt.Sprintf("%d.txt", y.Year) {
			return nil, fmt.Errorf("calendar: %s holds year %d", name, y.Year)
		}
		years = append(years, y)
	}
	return New(years...), nil
}

// New returns a calendar holding years; a later Year replaces an earlier one
// for the same year. Years should come from ParseYear, which validates them:
// New does not, and ignores Off and Work entries outside a Year's own year.
func New(years ...Year) *Calendar {
	c := &Calendar{years: make(map[int]*yearTable, len(years))}
	for _, y := range years {
		c.years[y.Year] = newYearTable(y)
	}
	return c
}

// With returns a copy of c with y added, or replacing c's data for y.Year.
func (c *Calendar) With(y Year) *Calendar {
	n := c.clone()
	n.years[y.Year] = newYearTable(y)
	return n
}

func (c *Calendar) clone() *Calendar {
	n := &Calendar{years: make(map[int]*yearTable, len(c.years)+1), assumeWeekends: c.assumeWeekends}
	for k, v := range c.years {
		n.years[k] = v
	}
	return n
}

// Years returns the years c holds data for, in ascending order.
func (c *Calendar) Years() []int {
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// Year returns a copy of c's data for year y, and false if c has none.
func (c *Calendar) Year(y int) (Year, bool) {
	t, ok := c.years[y]
	if !ok {
		return Year{}, false
	}
	return t.year.clone(), true
}

// AssumeWeekends returns a copy of c that treats a year without data as
// plain weeks, Monday to Friday working days. Callers must tell their users
// when a result rests on that assumption: see Assumed.
func (c *Calendar) AssumeWeekends() *Calendar {
	n := c.clone()
	n.assumeWeekends = true
	return n
}

// Assumed reports whether c answers for d only by assuming plain weekends:
// d's year has no data and c was made by AssumeWeekends.
func (c *Calendar) Assumed(d Date) bool {
	_, ok := c.years[d.Year]
	return !ok && c.assumeWeekends
}

// IsWorkday reports whether d is a working day. It returns a *NoDataError,
// matching ErrNoData, if c has no data for d's year and does not assume
// weekends, and an error if d is not a real date.
func (c *Calendar) IsWorkday(d Date) (bool, error) {
	if !d.valid() {
		return false, invalidDate(d)
	}
	if t, ok := c.years[d.Year]; ok {
		return t.isWork(d), nil
	}
	if c.assumeWeekends {
		wd := d.Weekday()
		return wd != time.Saturday && wd != time.Sunday, nil
	}
	return false, &NoDataError{Year: d.Year}
}

// Holiday returns the name of the festival d is a day off for, as the notice
// names it ("春节", "国庆节、中秋节"), or "" if the notice does not list d as a
// day off. Where a notice gives a single day "与周末连休" (joined to the
// weekend), only that day is listed; its weekend returns "".
func (c *Calendar) Holiday(d Date) string {
	if t, ok := c.years[d.Year]; ok {
		return t.year.Off[d]
	}
	return ""
}

// AdjustedWorkday returns the name of the festival whose holiday the weekend
// day d is worked for (调休上班), or "" if d is not an adjusted working day.
func (c *Calendar) AdjustedWorkday(d Date) string {
	if t, ok := c.years[d.Year]; ok {
		return t.year.Work[d]
	}
	return ""
}

// AddWorkdays returns the n-th working day after from; from itself is not
// counted (开始的当日不计入), so AddWorkdays(d, 1) is the first working day
// after d. n == 0 returns from, and n < 0 counts back: the |n|-th working day
// before from. It returns an error matching ErrNoData if the count runs into
// a year c has no data for.
func (c *Calendar) AddWorkdays(from Date, n int) (Date, error) {
	if !from.valid() {
		return Date{}, invalidDate(from)
	}
	step := Date.next
	if n < 0 {
		step, n = Date.prev, -n
	}
	d := from
	var t *yearTable
	for n > 0 {
		d = step(d)
		if t == nil || t.year.Year != d.Year {
			t = c.years[d.Year]
		}
		var work bool
		if t != nil {
			work = t.isWork(d)
		} else {
			var err error
			if work, err = c.IsWorkday(d); err != nil {
				return Date{}, err
			}
		}
		if work {
			n--
		}
	}
	return d, nil
}

// WorkdaysBetween returns the number of working days in (from, to]: after
// from, up to and including to. If to is before from it returns minus the
// number in (to, from]. It returns an error matching ErrNoData if the range
// reaches a year c has no data for.
func (c *Calendar) WorkdaysBetween(from, to Date) (int, error) {
	for _, d := range []Date{from, to} {
		if !d.valid() {
			return 0, invalidDate(d)
		}
	}
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from; d.Before(to); {
		d = d.next()
		work, err := c.IsWorkday(d)
		if err != nil {
			return 0, err
		}
		if work {
			n++
		}
	}
	return sign * n, nil
}

// China is China Standard Time (UTC+8, no daylight saving); statutory days
// are counted in it.
var China = time.FixedZone("CST", 8*3600)

// Timestamp writes a moment as gongkai gives moments to machines (the JSON
// API, feeds): RFC 3339 to the second in China time,
// 2026-11-23T09:30:00+08:00.
func Timestamp(t time.Time) string { return t.In(China).Format(time.RFC3339) }
