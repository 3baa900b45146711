package foi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/orgtest"
)

// checked asserts the properties of a check character: a valid number has
// 18 characters of the alphabet (the check one of check), no change of one
// character keeps it valid, and each prefix has at most one check
// character that makes it valid.
func checked(t *testing.T, s, alphabet, check string, valid func(string) bool) {
	t.Helper()
	if valid(s) {
		if len(s) != 18 || !strings.ContainsRune(check, rune(s[17])) {
			t.Fatalf("%q accepted", s)
		}
		for i := 0; i < 18; i++ {
			chars := alphabet
			if i == 17 {
				chars = check
			}
			for _, c := range []byte(chars) {
				if c == s[i] {
					continue
				}
				if v := s[:i] + string(c) + s[i+1:]; valid(v) {
					t.Fatalf("%q and %q both accepted: one character apart", s, v)
				}
			}
		}
	}
	// A prefix made of s: at most one check character completes it.
	prefix := []byte(strings.Repeat("0", 17))
	for i := 0; i < len(s) && i < 17; i++ {
		prefix[i] = alphabet[int(s[i])%len(alphabet)]
	}
	n := 0
	for _, c := range []byte(check) {
		if valid(string(prefix) + string(c)) {
			n++
		}
	}
	if n > 1 {
		t.Fatalf("%d check characters complete %q", n, prefix)
	}
}

// FuzzValidResidentID checks the 居民身份证号码 check (GB 11643-1999).
func FuzzValidResidentID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105194912310021", "440105199003078517", "11010520000229001X", "110105190002290010", "1101051949123100", "１１０１０５19491231002X", "11010519491231002x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checked(t, s, "0123456789", "0123456789X", ValidResidentID)
	})
}

// FuzzValidUSCC checks the 统一社会信用代码 check (GB 32100-2015).
func FuzzValidUSCC(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91350100M000100Y44", "91440101MA5CXXXX0Y", "9135010OM000100Y43", "91350100m000100y43", ""} {
		f.Add(s)
	}
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	f.Fuzz(func(t *testing.T, s string) {
		checked(t, s, alphabet, alphabet, ValidUSCC)
	})
}

var errRollback = errors.New("rollback")

// FuzzImport checks the import of old applications on any file: it fails
// only with bad input, and a file it accepts cannot be imported twice.
func FuzzImport(f *testing.F) {
	d := dbtest.SQLite(f)
	d.SetClock(func() time.Time { return time.Date(2026, 6, 15, 9, 0, 0, 0, calendar.China) })
	ctx := context.Background()
	if err := d.InTx(ctx, func(tx *db.Tx) error { orgtest.Build(f, ctx, tx); return nil }); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("\ufeff" + strings.ReplaceAll(importHeader, "\n", "\r\n") +
		"HZ-2024-001,440105-001,2024-03-04,natural_person,in_person,\"关于2023年\"\"低保\"\"发放名单，含金额\",granted,2024-03-20\r\n" +
		"HZ-2026-017 , 440105-001 ,2026-01-01,commercial_enterprise,post,\"某小区旧改补偿方案\n（第二期）\",,\r\n"))
	f.Add([]byte(importHeader + "A,440105-002,2025-12-01,other,online,征地\x00补偿\x1b标准,other_other,2025-12-01\n"))
	f.Add([]byte(importHeader + "A,440105-002,2025-12-01,other,online,x,granted,2025-11-30\nA,nowhere,2099-01-01,x,y,,z,\n"))
	f.Add([]byte(importHeader + "YSQ20260101000001,440105-001,2025-12-01,other,online,x,,\n"))
	f.Add([]byte(importHeader + "\"A,440105-001\n"))
	f.Add([]byte("id,unit\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			n, err := Import(ctx, tx, "fuzz", strings.NewReader(string(data)))
			if err != nil {
				if k := errs.KindOf(err); k != errs.Invalid {
					return fmt.Errorf("error of kind %v: %v", k, err)
				}
				return errRollback
			}
			var stored int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM foi_applications WHERE imported`).Scan(&stored); err != nil || stored != n || n == 0 {
				return fmt.Errorf("imported %d, stored %d: %v", n, stored, err)
			}
			if _, err := Import(ctx, tx, "fuzz", strings.NewReader(string(data))); errs.KindOf(err) != errs.Invalid {
				return fmt.Errorf("the same file imported twice: %v", err)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
	})
}
