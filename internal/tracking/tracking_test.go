package tracking

import (
	"context"
	"strings"
	"testing"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := NewCode()
		if len(c) != 8 || strings.Trim(c, Alphabet) != "" {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if len(seen) < 999 {
		t.Errorf("%d distinct codes of 1000", len(seen))
	}
	h := HashCode("ABCD2345")
	for _, c := range []string{"ABCD2345", " abcd2345 "} {
		if !CodeMatches(h, c) {
			t.Errorf("%q does not match", c)
		}
	}
	for _, c := range []string{"ABCD2346", "", "ABCD23456"} {
		if CodeMatches(h, c) {
			t.Errorf("%q matches", c)
		}
	}
	if CodeMatches("", "") {
		t.Error("an empty hash matches")
	}
}

func TestPattern(t *testing.T) {
	p := Pattern("LY", "")
	for s, want := range map[string]bool{"LY20260928ABCDEF": true, "LY20260928ABCDE0": false, "LY2026092ABCDEFG": false, "YSQ20260928ABCDEF": false,
		"LY20260928ABCDEFG": false, "ly20260928ABCDEF": false, "LY20260928ABCDE": false} {
		if p.MatchString(s) != want {
			t.Errorf("%s: %v", s, !want)
		}
	}
	old := Pattern("YSQ", `\d{5,10}`)
	if !old.MatchString("YSQ2025010100001") || !old.MatchString("YSQ20250101ABCDEF") || old.MatchString("YSQ202501011234") {
		t.Error("older numbers")
	}
}

func TestNew(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		at := time.Date(2026, 9, 28, 23, 30, 0, 0, time.UTC) // 29 September in China
		err := d.InTx(context.Background(), func(tx *db.Tx) error {
			no, err := New(context.Background(), tx, "LY", "messages", at)
			if err != nil {
				return err
			}
			if !strings.HasPrefix(no, "LY20260929") || !Pattern("LY", "").MatchString(no) {
				t.Errorf("number %q on %s", no, at.In(calendar.China))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
