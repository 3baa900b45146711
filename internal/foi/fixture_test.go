package foi

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
)

// fixture is a small city for the tests of import, reminders and
// proactive candidates: 海珠区 with 赤岗 and 新港 streets, 越秀区 with 北京
// street, 赤岗社区 under 赤岗, and their staff.
type fixture struct {
	d                  *db.DB
	cal                *calendar.Calendar
	hz, cg, xg, yx, bj org.Unit
	// 赤岗's handler, editor and reviewer have e-mail addresses, its
	// second editor has none; 新港's and 赤岗社区's editors have one, 北京's
	// none.
	cgHandler, cgEd, cgRev, cgBare, xgEd, sqEd, bjEd, hzOffice auth.Account
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, cal: calendar.Default()}
	f.at("2026-06-15")
	f.tx(t, func(tx *db.Tx) error {
		c := orgtest.Build(t, ctx, tx)
		f.hz, f.yx, f.cg, f.xg, f.bj = c.Haizhu, c.Yuexiu, c.Chigang, c.Xingang, c.Beijing
		sq := c.Community
		acct := func(login, email string, role auth.Role, u org.Unit) auth.Account {
			return orgtest.Account(t, ctx, tx, login, email, role, u)
		}
		f.cgHandler = acct("cg-handler", "handler@chigang.gov.cn", auth.UnitEditor, f.cg)
		f.cgEd = acct("cg-editor", "editor@chigang.gov.cn", auth.UnitEditor, f.cg)
		f.cgRev = acct("cg-reviewer", "Reviewer@Chigang.gov.cn", auth.UnitReviewer, f.cg)
		f.cgBare = acct("cg-bare", "", auth.UnitEditor, f.cg)
		f.xgEd = acct("xg-editor", "editor@xingang.gov.cn", auth.UnitEditor, f.xg)
		f.sqEd = acct("sq-editor", "editor@chigangshequ.gov.cn", auth.UnitEditor, sq)
		f.bjEd = acct("bj-editor", "", auth.UnitEditor, f.bj)
		f.hzOffice = acct("hz-office", "office@haizhu.gov.cn", auth.PublicOfficeDistrict, f.hz)
		return nil
	})
	return f
}

// at sets the database clock to 09:00 China time on day.
func (f *fixture) at(day string) {
	d := mustDate(day)
	t := time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, calendar.China)
	f.d.SetClock(func() time.Time { return t })
}

// tx runs fn in a transaction and fails the test on error.
func (f *fixture) tx(t *testing.T, fn func(tx *db.Tx) error) {
	t.Helper()
	if err := f.d.InTx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// count runs a query that counts.
func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// residentID returns a valid 居民身份证号码 numbered n (0–999).
func residentID(n int) string {
	s := fmt.Sprintf("11010519491231%03d", n)
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(s[i]-'0') * weights[i]
	}
	return s + string("10X98765432"[sum%11])
}

// register records an application to unit u from applicant n, received at
// the counter on day, by a.
func (f *fixture) register(t *testing.T, a auth.Account, u org.Unit, applicant int, day, description string) Application {
	t.Helper()
	in := Input{UnitCode: u.Code, Description: description, Medium: "electronic", Delivery: "email",
		Applicant: Applicant{Type: NaturalPerson, Name: "申请人", IDType: "resident_id", IDNumber: residentID(applicant), Phone: "020-8888 6666", Email: "a@example.com"}}
	var app Application
	f.tx(t, func(tx *db.Tx) error {
		var err error
		app, _, err = Register(context.Background(), tx, a, in, InPerson, day, "")
		return err
	})
	return app
}

// problem reports whether err holds an error of key whose first argument
// is arg (a line number, for import problems).
func problem(err error, key string, arg any) bool {
	for _, e := range asMulti(err) {
		if e.Key == key && (arg == nil || len(e.Args) > 0 && e.Args[0] == arg) {
			return true
		}
	}
	return false
}

// asMulti returns the user errors in err.
func asMulti(err error) errs.Multi {
	if m, ok := err.(errs.Multi); ok {
		return m
	}
	if e := errs.As(err); e != nil {
		return errs.Multi{e}
	}
	return nil
}
