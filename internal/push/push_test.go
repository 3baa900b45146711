package push

import (
	"strings"
	"testing"
	"time"

	"gongkai/internal/calendar"
)

func TestPeriod(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.China)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct {
		f, at, want string
	}{
		{Daily, "2026-06-16 08:00", "2026-06-16"},
		{Daily, "2026-06-16 07:59", "2026-06-15"}, // the day's digest goes out at 08:00
		{Daily, "2026-06-16 23:59", "2026-06-16"},
		{Weekly, "2026-06-15 08:00", "2026-W25"}, // Monday
		{Weekly, "2026-06-15 07:00", "2026-W24"},
		{Weekly, "2026-06-21 23:00", "2026-W25"}, // Sunday
		{Weekly, "2027-01-01 09:00", "2026-W53"},
	} {
		if got := Period(tc.f, at(tc.at).UTC()); got != tc.want {
			t.Errorf("%s at %s: %s, want %s", tc.f, tc.at, got, tc.want)
		}
	}
}

func TestDefaultBackoff(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for i, w := range want {
		if got := DefaultBackoff(i + 1); got != w {
			t.Errorf("after %d failures: %s, want %s", i+1, got, w)
		}
	}
	if got := DefaultBackoff(40); got != 6*time.Hour {
		t.Errorf("after 40: %s", got)
	}
}

func TestNormalizeMobile(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000": "13800138000", "+86 138-0013-8000": "13800138000", "0086 13800138000": "13800138000",
		"020-88886666": "", "1380013800": "", "23800138000": "", "138001380001": "", "１３８００１３８０００": "",
	} {
		if got := NormalizeMobile(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestValidEmail(t *testing.T) {
	for in, want := range map[string]bool{
		"liming@example.com": true, "a.b+c@gz.gov.cn": true,
		"liming@example": false, "Li Ming <liming@example.com>": false, "liming": false, "": false, "a@b@c.cn": false,
		strings.Repeat("a", 200) + "@example.com": false,
	} {
		if got := ValidEmail(in); got != want {
			t.Errorf("%q: %v", in, got)
		}
	}
}

// A token is long enough not to be guessed and never repeats.
func TestTokens(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok := newToken()
		if len(tok) != tokenLen || seen[tok] {
			t.Fatalf("token %q", tok)
		}
		seen[tok] = true
		if c := newCode(); len(c) != 6 || strings.Trim(c, "0123456789") != "" {
			t.Fatalf("code %q", c)
		}
	}
}

func TestSignVerify(t *testing.T) {
	body := []byte(`{"id":1,"kind":"push.published"}`)
	now := time.Unix(1781500000, 0)
	h := Sign("s3cret", now, body)
	if !strings.HasPrefix(h, "t=1781500000,v1=") || len(h) != len("t=1781500000,v1=")+64 {
		t.Fatalf("header %q", h)
	}
	if err := Verify("s3cret", h, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Error(err)
	}
	for name, c := range map[string]struct {
		secret, header string
		body           []byte
		at             time.Time
	}{
		"other secret": {"other", h, body, now},
		"changed body": {"s3cret", h, []byte(`{"id":2,"kind":"push.published"}`), now},
		"old":          {"s3cret", h, body, now.Add(10 * time.Minute)},
		"future":       {"s3cret", h, body, now.Add(-10 * time.Minute)},
		"no time":      {"s3cret", strings.Replace(h, "t=", "x=", 1), body, now},
		"bad hex":      {"s3cret", h[:len(h)-2] + "zz", body, now},
		"empty":        {"s3cret", "", body, now},
	} {
		if err := Verify(c.secret, c.header, c.body, c.at, 5*time.Minute); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
}
