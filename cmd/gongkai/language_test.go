package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// TestErrorsWhollyInTheChosenLanguage: an English user reads no Chinese in
// an error, a Chinese user no English sentence, and no error shows Go's
// date layout 2006-01-02.
func TestErrorsWhollyInTheChosenLanguage(t *testing.T) {
	dir := t.TempDir()
	badYear := filepath.Join(dir, "2027.txt")
	if err := os.WriteFile(badYear, []byte("year 2027\nsource 国务院办公厅关于2027年部分节假日安排的通知\nwork 2027-01-06 元旦\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	for _, c := range []struct {
		args   []string
		zh, en string // in the error
	}{
		{[]string{"calendar", "add", "2030-01-02", "3"}, "没有2030年的节假日安排数据", "There is no holiday data for 2030"},
		{[]string{"calendar", "days", "2030-01-01", "2030-01-02"}, "--assume-weekends", "--assume-weekends"},
		{[]string{"calendar", "add", "2025-13-01", "1"}, "应按“年-月-日”填写", "write it as YYYY-MM-DD"},
		{[]string{"calendar", "days", "2025-01-01", "2025-1-5"}, "“2025-1-5”", "“2025-1-5”"},
		{[]string{"inspect", "run", "--as-of", "2026-02-30", "--data", data}, "应按“年-月-日”填写", "write it as YYYY-MM-DD"},
		{[]string{"calendar", "load", badYear, "--data", data}, "第3行", "Line 3: The adjusted working day “2027-01-06” is a Wednesday"},
		{[]string{"seed", "synthetic", "--units", "many", "--data", data}, "不是选项 --units 的有效值", "is not a valid value for --units"},
	} {
		zh := gongkai(t, []string{"GONGKAI_LANG=zh"}, "", c.args...)
		en := gongkai(t, []string{"GONGKAI_LANG=en"}, "", c.args...)
		if zh.code != 2 || !strings.Contains(zh.stderr, c.zh) || strings.Contains(zh.stderr, "2006-01-02") {
			t.Errorf("zh %v: exit %d, %q", c.args, zh.code, zh.stderr)
		}
		// The Chinese message: Chinese words, no English sentence (flags,
		// keywords and values aside).
		if strings.Contains(zh.stderr, " the ") || strings.Contains(zh.stderr, "invalid") || strings.Contains(zh.stderr, "flag") {
			t.Errorf("zh %v: English in %q", c.args, zh.stderr)
		}
		firstLine, _, _ := strings.Cut(en.stderr, "\n")
		if en.code != 2 || !strings.Contains(en.stderr, c.en) || strings.Contains(en.stderr, "2006-01-02") {
			t.Errorf("en %v: exit %d, %q", c.args, en.code, en.stderr)
		}
		// The year file's own words (its source line) may be Chinese;
		// nothing else may.
		if c.args[1] != "load" && hasHan(firstLine) {
			t.Errorf("en %v: Chinese in %q", c.args, en.stderr)
		}
	}
}

// TestReadmeCalendarExampleLoads takes the year file shown in README.md and
// loads it, then counts on it.
func TestReadmeCalendarExampleLoads(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## The working-day calendar")
	if !ok {
		t.Fatal("README.md has no section “The working-day calendar”")
	}
	_, block, ok := strings.Cut(section, "```\n")
	if !ok {
		t.Fatal("the calendar section shows no example")
	}
	example, _, ok := strings.Cut(block, "```")
	if !ok || !strings.HasPrefix(example, "year ") {
		t.Fatalf("the calendar section's first example is not a year file: %q", example)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "example.txt")
	if err := os.WriteFile(file, []byte(example), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	r := gongkai(t, []string{"GONGKAI_LANG=en"}, "", "calendar", "load", file, "--data", data)
	if r.code != 0 {
		t.Fatalf("the README's example does not load: exit %d, %s", r.code, r.stderr)
	}
	// Every off and work line of the example is what the calendar says.
	for _, line := range strings.Split(example, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || (f[0] != "off" && f[0] != "work") {
			continue
		}
		r := gongkai(t, nil, "", "calendar", "days", f[1], f[1], "--data", data)
		if want := f[1] + " " + f[0] + "\n"; r.code != 0 || r.stdout != want {
			t.Errorf("%s: calendar says %q %s, want %q", line, r.stdout, r.stderr, want)
		}
	}
}
