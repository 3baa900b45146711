package calendar

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// TestEmbeddedRoundTrip parses each data file, formats it and parses it
// again, and checks that the file's lines, comments aside, are the canonical
// form, so an administrator reading one file reads them all the same way.
func TestEmbeddedRoundTrip(t *testing.T) {
	names, err := fs.Glob(dataFS, "data/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 8 {
		t.Errorf("%d data files, want 8 (2019 to 2026)", len(names))
	}
	for _, name := range names {
		raw, err := dataFS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		y, err := ParseYear(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := y.Format()
		y2, err := ParseYear(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%s: parsing Format(): %v\n%s", name, err, out)
		}
		if diff := cmp.Diff(y, y2); diff != "" {
			t.Errorf("%s: round trip mismatch (-want +got):\n%s", name, diff)
		}
		if !bytes.Equal(out, y2.Format()) {
			t.Errorf("%s: Format is not stable", name)
		}
		var content []string
		for _, line := range strings.Split(string(raw), "\n") {
			if line != "" && !strings.HasPrefix(line, "#") {
				content = append(content, line)
			}
		}
		if diff := cmp.Diff(strings.Join(content, "\n")+"\n", string(out)); diff != "" {
			t.Errorf("%s is not in canonical form (-file +Format):\n%s", name, diff)
		}
	}
}

func TestParseYear(t *testing.T) {
	in := "\uFEFF# 注释\n\n  year 2030  \nsource 国务院办公厅关于2030年部分节假日安排的通知（国办发明电〔2029〕1号）\n" +
		"off 2030-01-01 元旦\nwork 2030-02-02 春节\noff 2030-02-03 2030-02-05 春节 假期\n# 结束\n"
	got, err := ParseYear(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := Year{
		Year:    2030,
		Sources: []string{"国务院办公厅关于2030年部分节假日安排的通知（国办发明电〔2029〕1号）"},
		Off: map[Date]string{{2030, 1, 1}: "元旦", {2030, 2, 3}: "春节 假期",
			{2030, 2, 4}: "春节 假期", {2030, 2, 5}: "春节 假期"},
		Work: map[Date]string{{2030, 2, 2}: "春节"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	wantText := "year 2030\nsource 国务院办公厅关于2030年部分节假日安排的通知（国办发明电〔2029〕1号）\n" +
		"off 2030-01-01 元旦\nwork 2030-02-02 春节\noff 2030-02-03 2030-02-05 春节 假期\n"
	if diff := cmp.Diff(wantText, string(got.Format())); diff != "" {
		t.Errorf("Format mismatch (-want +got):\n%s", diff)
	}
}

// TestFormatRanges checks that Format splits ranges where the festival
// changes or a day is missing.
func TestFormatRanges(t *testing.T) {
	y := Year{Year: 2030, Sources: []string{"s"},
		Off: map[Date]string{{2030, 9, 29}: "中秋节", {2030, 9, 30}: "国庆节", {2030, 10, 1}: "国庆节",
			{2030, 10, 2}: "国庆节", {2030, 10, 4}: "国庆节"},
		Work: map[Date]string{{2030, 10, 12}: "国庆节"}}
	want := "year 2030\nsource s\noff 2030-09-29 中秋节\noff 2030-09-30 2030-10-02 国庆节\noff 2030-10-04 国庆节\nwork 2030-10-12 国庆节\n"
	if diff := cmp.Diff(want, string(y.Format())); diff != "" {
		t.Errorf("Format mismatch (-want +got):\n%s", diff)
	}
}

func TestParseYearErrors(t *testing.T) {
	const head = "year 2027\nsource 国务院办公厅关于2027年部分节假日安排的通知\n" // lines 1–2
	tests := []struct {
		name string
		in   string
		line int
		msg  string // part of the message
	}{
		{"empty", "", 0, "文件为空"},
		{"only comments", "# 2027\n\n", 0, "文件为空"},
		{"missing year", "source x\nyear 2027\n", 1, "第一项必须是“year 年份”"},
		{"year not first", "# x\noff 2027-01-01 元旦\nyear 2027\n", 2, "第一项必须是“year 年份”"},
		{"duplicate year", head + "year 2027\n", 3, "year 行重复"},
		{"bad year", "year 27\n", 1, "年份“27”无效"},
		{"year with extra", "year 2027 2028\n", 1, "只写一个年份"},
		{"missing source", "# x\nyear 2027\noff 2027-01-01 元旦\n", 2, "缺少 source 行"},
		{"empty source", "year 2027\nsource   \n", 2, "source 行缺少"},
		{"unknown keyword", head + "holiday 2027-01-01 元旦\n", 3, "无法识别的关键字“holiday”"},
		{"keyword case", head + "Off 2027-01-01 元旦\n", 3, "无法识别的关键字“Off”"},
		{"bad date", head + "off 2027-02-30 春节\n", 3, "日期“2027-02-30”无效"},
		{"bad end date", head + "off 2027-02-05 2027-02-30 春节\n", 3, "日期“2027-02-30”无效"},
		{"short date", head + "off 2027-2-5 春节\n", 3, "日期“2027-2-5”无效"},
		{"bad work date", head + "work 2027-13-01 春节\n", 3, "日期“2027-13-01”无效"},
		{"date before year", head + "off 2026-12-31 元旦\n", 3, "日期“2026-12-31”不在2027年内"},
		{"range beyond year", head + "off 2027-12-31 2028-01-01 元旦\n", 3, "日期“2028-01-01”不在2027年内"},
		{"work outside year", head + "work 2028-01-08 春节\n", 3, "不在2027年内"},
		{"reversed range", head + "off 2027-02-10 2027-02-05 春节\n", 3, "起始日期“2027-02-10”晚于结束日期“2027-02-05”"},
		{"off without name", head + "off 2027-02-05 2027-02-10\n", 3, "缺少节日名称"},
		{"off without date", head + "off\n", 3, "off 行缺少日期"},
		{"work without name", head + "work 2027-02-06\n", 3, "缺少节日名称"},
		{"work without date", head + "work\n", 3, "work 行缺少日期"},
		{"work two dates", head + "work 2027-02-06 2027-02-07 春节\n", 3, "只能写一个日期"},
		{"weekday work", head + "off 2027-01-01 元旦\nwork 2027-01-04 元旦\n", 4, "调休上班日“2027-01-04”是星期一"},
		{"off overlaps off", head + "off 2027-02-05 2027-02-11 春节\n\noff 2027-02-11 元宵\n", 5, "日期“2027-02-11”已在第3行列出"},
		{"off repeats", head + "off 2027-01-01 元旦\noff 2027-01-01 元旦\n", 4, "已在第3行列出"},
		{"work inside off", head + "off 2027-02-05 2027-02-11 春节\nwork 2027-02-06 春节\n", 4, "日期“2027-02-06”已在第3行列出"},
		{"off over work", head + "work 2027-02-06 春节\noff 2027-02-05 2027-02-11 春节\n", 4, "日期“2027-02-06”已在第3行列出"},
		{"work repeats", head + "work 2027-02-06 春节\nwork 2027-02-06 春节\n", 4, "已在第3行列出"},
		{"invalid utf-8", head + "off 2027-01-01 \xff\n", 3, "UTF-8"},
		{"line too long", head + "source " + strings.Repeat("长", 30000) + "\n", 3, "过长"},
		{"too many lines", head + strings.Repeat("# x\n", maxLines), maxLines + 1, "文件过长"},
	}
	for _, tt := range tests {
		_, err := ParseYear(strings.NewReader(tt.in))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: error %v, want a *ParseError", tt.name, err)
			continue
		}
		if pe.Line != tt.line {
			t.Errorf("%s: line %d, want %d (%v)", tt.name, pe.Line, tt.line, err)
		}
		if !strings.Contains(pe.Error(), tt.msg) {
			t.Errorf("%s: message %q, want it to contain %q", tt.name, pe.Error(), tt.msg)
		}
	}
}

func TestParseErrorMessage(t *testing.T) {
	for _, c := range []struct {
		err    *ParseError
		lang   i18n.Lang
		want   string
		inText string // Error(), always Chinese
	}{
		{&ParseError{Line: 12, Key: "calendar.bad_date", Args: []any{"2027-02-30"}}, i18n.Zh, "第12行：日期“2027-02-30”无效，应按“年-月-日”填写，例如2026-01-31。", ""},
		{&ParseError{Line: 12, Key: "calendar.bad_date", Args: []any{"2027-02-30"}}, i18n.En, "Line 12: The date “2027-02-30” is not valid: write it as YYYY-MM-DD, e.g. 2026-01-31.", "第12行"},
		{&ParseError{Line: 4, Key: "calendar.parse.work_weekday", Args: []any{"2027-01-06", errs.Msg("weekday.3")}}, i18n.En, "Line 4: The adjusted working day “2027-01-06” is a Wednesday: adjusted working days fall on a Saturday or Sunday.", "星期三"},
		{&ParseError{Key: "calendar.parse.empty"}, i18n.Zh, "文件为空：应以“year 年份”开头，列出通知的来源、放假日期和调休上班日期。", ""},
	} {
		ue := c.err.UserError()
		if got := i18n.T(c.lang, ue.Key, ue.Args...); got != c.want {
			t.Errorf("%s: got %q, want %q", c.lang, got, c.want)
		}
		if c.lang == i18n.Zh && c.err.Error() != c.want {
			t.Errorf("Error() = %q, want %q", c.err.Error(), c.want)
		}
		if !strings.Contains(c.err.Error(), c.inText) {
			t.Errorf("Error() = %q, want it in Chinese", c.err.Error())
		}
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseYearReadError(t *testing.T) {
	_, err := ParseYear(failingReader{})
	var pe *ParseError
	if err == nil || errors.As(err, &pe) || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("error %v, want the reader's error, not a *ParseError", err)
	}
}
