package calendar

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// Year is one year's holiday arrangement as the State Council's notices give
// it. Off maps each day off the notices list to its festival's name; Work
// maps each adjusted working day (调休上班, a Saturday or Sunday worked) to the
// festival it is worked for. Every other Saturday and Sunday is a day off and
// every other weekday a working day.
//
// A holiday that spans two years (元旦 from 30 December) appears in both
// years' data, each with its own days, and the later year's notice is then a
// source of the earlier year too.
type Year struct {
	Year    int
	Sources []string // the notices, each "title（document number）"
	Off     map[Date]string
	Work    map[Date]string
}

func (y Year) clone() Year {
	y.Sources = slices.Clone(y.Sources)
	y.Off = maps.Clone(y.Off)
	y.Work = maps.Clone(y.Work)
	return y
}

// ParseError is the error ParseYear returns for a file that breaks the
// format. Line is the 1-based line at fault, or 0 when the fault is the
// whole file (an empty file). Key and Args are the message that says what
// to fix.
type ParseError struct {
	Line int
	Key  string
	Args []any
}

// Error returns the message in Chinese, prefixed with its line:
// "第12行：日期“2027-02-30”无效…".
func (e *ParseError) Error() string {
	ue := e.UserError()
	return i18n.T(i18n.Zh, ue.Key, ue.Args...)
}

// UserError returns e as an Invalid error with a message key, for the
// user's language.
func (e *ParseError) UserError() *errs.Error {
	msg := errs.New(errs.Invalid, e.Key, e.Args...)
	if e.Line == 0 {
		return msg
	}
	return errs.New(errs.Invalid, "calendar.parse.line", e.Line, msg)
}

// maxLines bounds a year file; a real one has about twenty lines.
const maxLines = 1000

// ParseYear reads one year's arrangement in the text format of the files
// under data/. The format is line-based; blank lines and lines starting with
// "#" are ignored, and every other line is a keyword and its fields,
// separated by spaces:
//
//	year 2026                                   first, exactly once
//	source 国务院办公厅关于…的通知（国办发明电〔2025〕7号）   at least once
//	off 2026-01-01 2026-01-03 元旦                days off, range inclusive
//	off 2026-06-19 端午节                          a single day off
//	work 2026-01-04 元旦                           an adjusted working day
//
// Every date must fall in the year; off ranges run forwards; work days must
// be Saturdays or Sundays; no date may be listed twice. ParseYear stops at
// the first fault and returns a *ParseError naming its line.
func ParseYear(r io.Reader) (Year, error) {
	p := parser{seen: map[Date]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for sc.Scan() {
		p.line++
		if p.line > maxLines {
			return Year{}, p.errorf("calendar.parse.too_many_lines", maxLines)
		}
		text := sc.Text()
		if p.line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		if err := p.parseLine(text); err != nil {
			return Year{}, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Year{}, &ParseError{Line: p.line + 1, Key: "calendar.parse.line_too_long"}
		}
		return Year{}, fmt.Errorf("calendar: reading year file: %w", err)
	}
	if p.yearLine == 0 {
		return Year{}, &ParseError{Key: "calendar.parse.empty"}
	}
	if len(p.y.Sources) == 0 {
		return Year{}, &ParseError{Line: p.yearLine, Key: "calendar.parse.no_source", Args: []any{p.y.Year}}
	}
	return p.y, nil
}

type parser struct {
	line     int
	yearLine int
	y        Year
	seen     map[Date]int // date → the line that listed it
}

func (p *parser) errorf(key string, args ...any) error {
	return &ParseError{Line: p.line, Key: key, Args: args}
}

func (p *parser) parseLine(text string) error {
	if !utf8.ValidString(text) {
		return p.errorf("calendar.parse.not_utf8")
	}
	text = strings.TrimSpace(text)
	if text == "" || strings.HasPrefix(text, "#") {
		return nil
	}
	f := strings.Fields(text)
	key, args := f[0], f[1:]
	if p.yearLine == 0 && key != "year" {
		return p.errorf("calendar.parse.year_first", key)
	}
	switch key {
	case "year":
		return p.parseYear(args)
	case "source":
		src := strings.TrimSpace(strings.TrimPrefix(text, "source"))
		if src == "" {
			return p.errorf("calendar.parse.source_empty")
		}
		p.y.Sources = append(p.y.Sources, src)
		return nil
	case "off":
		return p.parseOff(args)
	case "work":
		return p.parseWork(args)
	}
	return p.errorf("calendar.parse.keyword", key)
}

func (p *parser) parseYear(args []string) error {
	if p.yearLine != 0 {
		return p.errorf("calendar.parse.year_again", p.yearLine)
	}
	if len(args) != 1 {
		return p.errorf("calendar.parse.year_one")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || len(args[0]) != 4 || n < 1000 {
		return p.errorf("calendar.parse.bad_year", args[0])
	}
	p.yearLine = p.line
	p.y = Year{Year: n, Off: map[Date]string{}, Work: map[Date]string{}}
	return nil
}

func (p *parser) date(s string) (Date, error) {
	d, err := ParseDate(s)
	if err != nil {
		return Date{}, p.errorf("calendar.bad_date", s)
	}
	if d.Year != p.y.Year {
		return Date{}, p.errorf("calendar.parse.other_year", s, p.y.Year)
	}
	return d, nil
}

// looksLikeDate tells a range's end date from a festival name.
func looksLikeDate(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

func (p *parser) claim(d Date) error {
	if prev, ok := p.seen[d]; ok {
		return p.errorf("calendar.parse.listed", d.String(), prev)
	}
	p.seen[d] = p.line
	return nil
}

func (p *parser) parseOff(args []string) error {
	if len(args) == 0 {
		return p.errorf("calendar.parse.off_no_date")
	}
	from, err := p.date(args[0])
	if err != nil {
		return err
	}
	to, rest := from, args[1:]
	if len(rest) > 0 && looksLikeDate(rest[0]) {
		if to, err = p.date(rest[0]); err != nil {
			return err
		}
		rest = rest[1:]
		if to.Before(from) {
			return p.errorf("calendar.parse.reversed", from.String(), to.String())
		}
	}
	if len(rest) == 0 {
		return p.errorf("calendar.parse.off_no_name")
	}
	name := strings.Join(rest, " ")
	for d := from; !d.After(to); d = d.next() {
		if err := p.claim(d); err != nil {
			return err
		}
		p.y.Off[d] = name
	}
	return nil
}

func (p *parser) parseWork(args []string) error {
	if len(args) == 0 {
		return p.errorf("calendar.parse.work_no_date")
	}
	d, err := p.date(args[0])
	if err != nil {
		return err
	}
	rest := args[1:]
	if len(rest) > 0 && looksLikeDate(rest[0]) {
		return p.errorf("calendar.parse.work_one_date")
	}
	if len(rest) == 0 {
		return p.errorf("calendar.parse.work_no_name")
	}
	if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
		return p.errorf("calendar.parse.work_weekday", d.String(), errs.Msg("weekday."+strconv.Itoa(int(wd))))
	}
	if err := p.claim(d); err != nil {
		return err
	}
	p.y.Work[d] = strings.Join(rest, " ")
	return nil
}

// Format returns y in the canonical text form ParseYear reads: the year, the
// sources, then the days off and adjusted working days in date order, with
// consecutive days off for the same festival written as one range.
// ParseYear(bytes.NewReader(y.Format())) returns y again if y is valid.
func (y Year) Format() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "year %d\n", y.Year)
	for _, s := range y.Sources {
		fmt.Fprintf(&b, "source %s\n", s)
	}
	dates := slices.Collect(maps.Keys(y.Off))
	dates = slices.AppendSeq(dates, maps.Keys(y.Work))
	slices.SortFunc(dates, Date.compare)
	dates = slices.Compact(dates) // a day in both maps (invalid) is written once, as off
	for i := 0; i < len(dates); i++ {
		d := dates[i]
		if name, ok := y.Work[d]; ok {
			if _, off := y.Off[d]; !off {
				fmt.Fprintf(&b, "work %s %s\n", d, name)
				continue
			}
		}
		name := y.Off[d]
		end := d
		for i+1 < len(dates) && dates[i+1] == end.next() && y.Off[dates[i+1]] == name {
			if _, work := y.Work[dates[i+1]]; work {
				break
			}
			i++
			end = dates[i]
		}
		if end == d {
			fmt.Fprintf(&b, "off %s %s\n", d, name)
		} else {
			fmt.Fprintf(&b, "off %s %s %s\n", d, end, name)
		}
	}
	return b.Bytes()
}
