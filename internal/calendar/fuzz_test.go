package calendar

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"
)

// FuzzParseYear checks that ParseYear never panics, fails only with a
// *ParseError naming a line in the file, and that what it accepts is a
// valid year that Format writes back to the same Year and the same text.
func FuzzParseYear(f *testing.F) {
	for _, y := range []string{"2024", "2025", "2026"} {
		b, err := os.ReadFile("data/" + y + ".txt")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("\ufeffyear 2027\nsource 通知（国办发明电〔2026〕1号）\noff 2027-01-01 2027-01-03 元旦\nwork 2027-01-09 元旦\n"))
	f.Add([]byte("year 2027\r\nsource  a \r\n# note\r\n\r\noff 2027-12-31 元旦 假期\r\n"))
	f.Add([]byte("year 2027\nsource x\noff 2027-02-01 2027-01-01 x\n"))
	f.Add([]byte("year 0999\nsource x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := ParseYear(bytes.NewReader(data))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v, want a *ParseError", err, err)
			}
			if lines := bytes.Count(data, []byte("\n")) + 1; pe.Line < 0 || pe.Line > lines+1 {
				t.Fatalf("error names line %d of a file of %d lines", pe.Line, lines)
			}
			return
		}
		if len(y.Sources) == 0 {
			t.Fatal("accepted a year without a source")
		}
		for d := range y.Off {
			if !d.valid() || d.Year != y.Year {
				t.Errorf("day off %v outside %d", d, y.Year)
			}
			if _, ok := y.Work[d]; ok {
				t.Errorf("%v is both off and worked", d)
			}
		}
		for d := range y.Work {
			if !d.valid() || d.Year != y.Year {
				t.Errorf("working day %v outside %d", d, y.Year)
			}
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				t.Errorf("adjusted working day %v is a %v", d, wd)
			}
		}
		text := y.Format()
		y2, err := ParseYear(bytes.NewReader(text))
		if err != nil {
			t.Fatalf("Format's output does not parse: %v\n%s", err, text)
		}
		if !reflect.DeepEqual(y, y2) {
			t.Fatalf("round trip changed the year:\n%+v\n%+v", y, y2)
		}
		if again := y2.Format(); !bytes.Equal(again, text) {
			t.Fatalf("Format is not stable:\n%s\n%s", text, again)
		}
	})
}

// FuzzParseDate checks that an accepted date is a real day that prints
// back as the input, and that a date printed by String parses back.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-01-01", "2024-02-29", "2025-02-29", "0001-01-01", "9999-12-31", "0000-01-01", "2026-1-01", "2026-01-01 ", "+2026-01-01", "２０２６-01-01", "2026-13-01", "2026-00-10", "2026-04-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if !d.valid() {
			t.Fatalf("ParseDate(%q) = %v, not a real day", s, d)
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q) prints as %q", s, d.String())
		}
		if d2, err := ParseDate(d.String()); err != nil || d2 != d {
			t.Fatalf("%v does not parse back: %v %v", d, d2, err)
		}
	})
}
