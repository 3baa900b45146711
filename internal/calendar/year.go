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
// whole file (an empty file). Msg, in Chinese, says what to fix.
type ParseError struct {
	Line int
	Msg  string
}

// Error returns the message prefixed with its line: "第12行：日期“2027-02-30”无效…".
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("第%d行：%s", e.Line, e.Msg)
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
			return Year{}, p.errorf("文件过长：最多%d行", maxLines)
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
			return Year{}, &ParseError{Line: p.line + 1, Msg: "这一行过长"}
		}
		return Year{}, fmt.Errorf("calendar: reading year file: %w", err)
	}
	if p.yearLine == 0 {
		return Year{}, &ParseError{Msg: "文件为空：应以“year 年份”开头，列出通知的来源、放假日期和调休上班日期"}
	}
	if len(p.y.Sources) == 0 {
		return Year{}, &ParseError{Line: p.yearLine, Msg: fmt.Sprintf("缺少 source 行：请写明%d年放假安排所依据通知的标题和文号", p.y.Year)}
	}
	return p.y, nil
}

type parser struct {
	line     int
	yearLine int
	y        Year
	seen     map[Date]int // date → the line that listed it
}

func (p *parser) errorf(format string, args ...any) error {
	return &ParseError{Line: p.line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) parseLine(text string) error {
	if !utf8.ValidString(text) {
		return p.errorf("不是有效的UTF-8文本")
	}
	text = strings.TrimSpace(text)
	if text == "" || strings.HasPrefix(text, "#") {
		return nil
	}
	f := strings.Fields(text)
	key, args := f[0], f[1:]
	if p.yearLine == 0 && key != "year" {
		return p.errorf("第一项必须是“year 年份”，而不是“%s”", key)
	}
	switch key {
	case "year":
		return p.parseYear(args)
	case "source":
		src := strings.TrimSpace(strings.TrimPrefix(text, "source"))
		if src == "" {
			return p.errorf("source 行缺少通知的标题和文号")
		}
		p.y.Sources = append(p.y.Sources, src)
		return nil
	case "off":
		return p.parseOff(args)
	case "work":
		return p.parseWork(args)
	}
	return p.errorf("无法识别的关键字“%s”：只能是 year、source、off 或 work", key)
}

func (p *parser) parseYear(args []string) error {
	if p.yearLine != 0 {
		return p.errorf("year 行重复：第%d行已写明年份", p.yearLine)
	}
	if len(args) != 1 {
		return p.errorf("year 行应只写一个年份，例如“year 2026”")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || len(args[0]) != 4 || n < 1000 {
		return p.errorf("年份“%s”无效：应为四位数字", args[0])
	}
	p.yearLine = p.line
	p.y = Year{Year: n, Off: map[Date]string{}, Work: map[Date]string{}}
	return nil
}

func (p *parser) date(s string) (Date, error) {
	d, err := ParseDate(s)
	if err != nil {
		return Date{}, p.errorf("日期“%s”无效：应为“2006-01-02”格式的有效日期", s)
	}
	if d.Year != p.y.Year {
		return Date{}, p.errorf("日期“%s”不在%d年内：每个文件只列本年的日期", s, p.y.Year)
	}
	return d, nil
}

// looksLikeDate tells a range's end date from a festival name.
func looksLikeDate(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

func (p *parser) claim(d Date) error {
	if prev, ok := p.seen[d]; ok {
		return p.errorf("日期“%s”已在第%d行列出，同一天不能重复列出", d, prev)
	}
	p.seen[d] = p.line
	return nil
}

func (p *parser) parseOff(args []string) error {
	if len(args) == 0 {
		return p.errorf("off 行缺少日期，例如“off 2026-10-01 2026-10-07 国庆节”")
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
			return p.errorf("起始日期“%s”晚于结束日期“%s”", from, to)
		}
	}
	if len(rest) == 0 {
		return p.errorf("off 行缺少节日名称，例如“off 2026-10-01 2026-10-07 国庆节”")
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
		return p.errorf("work 行缺少日期，例如“work 2026-10-10 国庆节”")
	}
	d, err := p.date(args[0])
	if err != nil {
		return err
	}
	rest := args[1:]
	if len(rest) > 0 && looksLikeDate(rest[0]) {
		return p.errorf("work 行只能写一个日期：每个调休上班日单独一行")
	}
	if len(rest) == 0 {
		return p.errorf("work 行缺少节日名称，例如“work 2026-10-10 国庆节”")
	}
	if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
		return p.errorf("调休上班日“%s”是%s：调休上班日必须是星期六或星期日", d, weekdayNames[wd])
	}
	if err := p.claim(d); err != nil {
		return err
	}
	p.y.Work[d] = strings.Join(rest, " ")
	return nil
}

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

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
