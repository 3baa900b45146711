package auth_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("正确的密码-123")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Errorf("hash %q is not a PHC argon2id string", h)
	}
	if !auth.CheckPassword(h, "正确的密码-123") {
		t.Error("right password refused")
	}
	for _, bad := range []string{"正确的密码-124", "", "正确的密码-123 "} {
		if auth.CheckPassword(h, bad) {
			t.Errorf("wrong password %q accepted", bad)
		}
	}
	h2, _ := auth.HashPassword("正确的密码-123")
	if h == h2 {
		t.Error("two hashes of one password are equal; salt missing")
	}
	if auth.CheckPassword("$argon2id$garbage", "x") {
		t.Error("malformed hash accepted")
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		pw  string
		key string
	}{
		{"short1", "account.password_short"},
		{"abcdefgh", "account.password_weak"},
		{"12345678", "account.password_weak"},
		{strings.Repeat("a1", 65), "account.password_long"},
		{"!!!!!!!1", "account.password_weak"},
		{"-------1a", ""},
		{"password1", "account.password_common"},
		{"PassWord1", "account.password_common"},
		{"woaini1314", "account.password_common"},
		{"1qaz2wsx", "account.password_common"},
		{"good-pass-1", ""},
		{"密码密码密码12", ""},
	}
	for _, tt := range tests {
		err := auth.ValidatePassword(tt.pw)
		got := ""
		if e := errs.As(err); e != nil {
			got = e.Key
		}
		if got != tt.key {
			t.Errorf("ValidatePassword(%q) = %q, want %q", tt.pw, got, tt.key)
		}
	}
}

// setup creates a city, two districts and a street, and returns a clock
// the test can move.
func setup(t *testing.T, d *db.DB) *clock {
	t.Helper()
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	d.SetClock(c.Now)
	ctx := context.Background()
	for _, n := range []org.NewUnit{
		{Code: "440100", Name: "广州市人民政府", Kind: org.City},
		{Code: "440105", Name: "海珠区人民政府", Kind: org.District, ParentCode: "440100"},
		{Code: "440104", Name: "越秀区人民政府", Kind: org.District, ParentCode: "440100"},
		{Code: "440105-001", Name: "赤岗街道办事处", Kind: org.Street, ParentCode: "440105"},
		{Code: "440100-14", Name: "广州市民政局", Kind: org.CityDepartment, ParentCode: "440100"},
	} {
		if err := d.InTx(ctx, func(tx *db.Tx) error { _, err := org.Create(ctx, tx, "t", nil, n); return err }); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func createAccount(d *db.DB, scope *org.Unit, n auth.NewAccount) (auth.Account, error) {
	var a auth.Account
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		a, err = auth.CreateAccount(context.Background(), tx, "t", scope, n)
		return err
	})
	return a, err
}

func TestCreateAccountRules(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		setup(t, d)
		haizhu, _ := org.ByCode(context.Background(), d, "440105")
		ok := auth.NewAccount{Login: "editor1", Password: "good-pass-1", Role: auth.UnitEditor, UnitCode: "440105-001"}
		if _, err := createAccount(d, &haizhu, ok); err != nil {
			t.Fatalf("valid account: %v", err)
		}
		tests := []struct {
			name  string
			scope *org.Unit
			in    auth.NewAccount
			kind  errs.Kind
			key   string // first key expected
		}{
			{"duplicate login", nil, ok, errs.Invalid, "account.login_taken"},
			{"bad login", nil, auth.NewAccount{Login: "编辑", Password: "good-pass-1", Role: auth.UnitEditor, UnitCode: "440105"}, errs.Invalid, "account.login_invalid"},
			{"weak password", nil, auth.NewAccount{Login: "e29", Password: "abc", Role: auth.UnitEditor, UnitCode: "440105"}, errs.Invalid, "account.password_short"},
			{"bad role", nil, auth.NewAccount{Login: "e22", Password: "good-pass-1", Role: "boss", UnitCode: "440105"}, errs.Invalid, "account.role_invalid"},
			{"district office in a street", nil, auth.NewAccount{Login: "e23", Password: "good-pass-1", Role: auth.PublicOfficeDistrict, UnitCode: "440105-001"}, errs.Invalid, "account.role_unit_kind"},
			{"city office in a district", nil, auth.NewAccount{Login: "e24", Password: "good-pass-1", Role: auth.PublicOfficeCity, UnitCode: "440105"}, errs.Invalid, "account.role_unit_kind"},
			{"supervisor without domain", nil, auth.NewAccount{Login: "e25", Password: "good-pass-1", Role: auth.DomainSupervisor, UnitCode: "440100-14"}, errs.Invalid, "account.domain_required"},
			{"editor with domain", nil, auth.NewAccount{Login: "e26", Password: "good-pass-1", Role: auth.UnitEditor, UnitCode: "440105", Domain: "养老服务"}, errs.Invalid, "account.domain_not_allowed"},
			{"unknown unit", nil, auth.NewAccount{Login: "e27", Password: "good-pass-1", Role: auth.UnitEditor, UnitCode: "999"}, errs.Invalid, "unit.not_found"},
			{"unit outside scope", &haizhu, auth.NewAccount{Login: "e28", Password: "good-pass-1", Role: auth.UnitEditor, UnitCode: "440104"}, errs.Forbidden, "unit.out_of_scope"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := createAccount(d, tt.scope, tt.in)
				if errs.KindOf(err) != tt.kind {
					t.Fatalf("CreateAccount = %v, want kind %s", err, tt.kind)
				}
				e := errs.As(err)
				if e == nil || e.Key != tt.key {
					t.Errorf("CreateAccount = %v, want first error %s", err, tt.key)
				}
			})
		}
		accts, err := auth.InScope(context.Background(), d, haizhu)
		if err != nil || len(accts) != 1 || accts[0].Login != "editor1" {
			t.Errorf("InScope(海珠) = %v, %v; want only editor1", accts, err)
		}
	})
}

func TestLoginThrottleAndSessions(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := setup(t, d)
		if _, err := createAccount(d, nil, auth.NewAccount{Login: "editor1", Password: "good-pass-1", Role: auth.UnitEditor, UnitCode: "440105-001"}); err != nil {
			t.Fatal(err)
		}
		// Wrong password and unknown login look the same.
		_, _, err1 := auth.Login(ctx, d, "editor1", "wrong-pass-1", "10.0.0.1", "ua")
		_, _, err2 := auth.Login(ctx, d, "nobody", "wrong-pass-1", "10.0.0.1", "ua")
		for _, err := range []error{err1, err2} {
			if e := errs.As(err); e == nil || e.Kind != errs.Unauthorized || e.Key != "auth.bad_credentials" {
				t.Fatalf("bad login = %v, want auth.bad_credentials", err)
			}
		}
		// A success clears the failures of its login.
		token, a, err := auth.Login(ctx, d, "  Editor1 ", "good-pass-1", "10.0.0.1", "ua")
		if err != nil || a.Login != "editor1" || token == "" {
			t.Fatalf("Login = %q, %v, %v", token, a.Login, err)
		}
		for i := 0; i < auth.MaxFailuresPerLogin; i++ {
			if _, _, err := auth.Login(ctx, d, "editor1", "wrong-pass-1", "10.0.0.2", "ua"); errs.KindOf(err) != errs.Unauthorized {
				t.Fatalf("failure %d = %v", i, err)
			}
		}
		if _, _, err := auth.Login(ctx, d, "editor1", "good-pass-1", "10.0.0.2", "ua"); errs.KindOf(err) != errs.TooMany {
			t.Fatalf("login after %d failures = %v, want TooMany", auth.MaxFailuresPerLogin, err)
		}
		clk.Add(auth.ThrottleWindow + time.Second)
		if _, _, err := auth.Login(ctx, d, "editor1", "good-pass-1", "10.0.0.2", "ua"); err != nil {
			t.Fatalf("login after the throttle window = %v", err)
		}

		// Sessions: live, refreshed, idle-expired, absolute-expired.
		got, err := auth.Authenticate(ctx, d, token)
		if err != nil || got.Login != "editor1" || got.Unit.Code != "440105-001" {
			t.Fatalf("Authenticate = %+v, %v", got, err)
		}
		clk.Add(auth.IdleTimeout - time.Minute)
		if _, err := auth.Authenticate(ctx, d, token); err != nil {
			t.Fatalf("session used just before idle timeout: %v", err)
		}
		clk.Add(auth.IdleTimeout - time.Minute) // refreshed above, so still live
		if _, err := auth.Authenticate(ctx, d, token); err != nil {
			t.Fatalf("refreshed session: %v", err)
		}
		clk.Add(auth.IdleTimeout)
		if _, err := auth.Authenticate(ctx, d, token); errs.As(err) == nil || errs.As(err).Key != "auth.session_expired" {
			t.Fatalf("idle session = %v, want auth.session_expired", err)
		}
		if _, err := auth.Authenticate(ctx, d, token); errs.KindOf(err) != errs.Unauthorized {
			t.Fatalf("expired session reused = %v", err)
		}
		token2, _, err := auth.Login(ctx, d, "editor1", "good-pass-1", "10.0.0.2", "ua")
		if err != nil {
			t.Fatal(err)
		}
		// Kept busy, it lives until AbsoluteTimeout after login and no
		// longer: used every 1h59m, the 6th use (11h54m) passes, the 7th
		// (13h53m) is refused.
		for i := 1; i <= 7; i++ {
			clk.Add(auth.IdleTimeout - time.Minute)
			_, err := auth.Authenticate(ctx, d, token2)
			if live := i <= 6; live && err != nil {
				t.Fatalf("busy session, use %d: %v", i, err)
			} else if !live && errs.KindOf(err) != errs.Unauthorized {
				t.Fatalf("busy session, use %d = %v, want Unauthorized", i, err)
			}
		}
		if _, err := auth.Authenticate(ctx, d, token2); errs.KindOf(err) != errs.Unauthorized {
			t.Fatalf("session past AbsoluteTimeout = %v, want Unauthorized", err)
		}
		if _, err := auth.Authenticate(ctx, d, "forged-token"); errs.KindOf(err) != errs.Unauthorized {
			t.Fatalf("forged token = %v", err)
		}

		// Logout ends the session; disabling an account ends all of them.
		token3, _, err := auth.Login(ctx, d, "editor1", "good-pass-1", "10.0.0.2", "ua")
		if err != nil {
			t.Fatal(err)
		}
		token4, _, err := auth.Login(ctx, d, "editor1", "good-pass-1", "10.0.0.2", "ua")
		if err != nil {
			t.Fatal(err)
		}
		if err := auth.Logout(ctx, d, token3); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Authenticate(ctx, d, token3); err == nil {
			t.Error("session alive after logout")
		}
		err = d.InTx(ctx, func(tx *db.Tx) error {
			_, err := auth.UpdateAccount(ctx, tx, "t", nil, "editor1", auth.AccountChange{Role: auth.UnitEditor, UnitCode: "440105-001", Disabled: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Authenticate(ctx, d, token4); err == nil {
			t.Error("session alive after the account was disabled")
		}
		if _, _, err := auth.Login(ctx, d, "editor1", "good-pass-1", "10.0.0.3", "ua"); errs.KindOf(err) != errs.Unauthorized {
			t.Errorf("disabled account login = %v, want Unauthorized", err)
		}
	})
}

func TestSetPasswordEndsOtherSessions(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		setup(t, d)
		createAccount(d, nil, auth.NewAccount{Login: "editor1", Password: "good-pass-1", Role: auth.UnitEditor, UnitCode: "440105-001"})
		keep, _, _ := auth.Login(ctx, d, "editor1", "good-pass-1", "ip", "ua")
		other, _, _ := auth.Login(ctx, d, "editor1", "good-pass-1", "ip", "ua")
		yuexiu, _ := org.ByCode(ctx, d, "440104")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			return auth.SetPassword(ctx, tx, "t", &yuexiu, "editor1", "new-pass-22", "")
		})
		if errs.KindOf(err) != errs.NotFound {
			t.Fatalf("SetPassword from another district = %v, want NotFound", err)
		}
		err = d.InTx(ctx, func(tx *db.Tx) error {
			return auth.SetPassword(ctx, tx, "editor1", nil, "editor1", "new-pass-22", keep)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Authenticate(ctx, d, keep); err != nil {
			t.Errorf("own session ended by password change: %v", err)
		}
		if _, err := auth.Authenticate(ctx, d, other); err == nil {
			t.Error("other session survived the password change")
		}
		if _, _, err := auth.Login(ctx, d, "editor1", "good-pass-1", "ip2", "ua"); err == nil {
			t.Error("old password still works")
		}
		if _, _, err := auth.Login(ctx, d, "editor1", "new-pass-22", "ip2", "ua"); err != nil {
			t.Errorf("new password refused: %v", err)
		}
	})
}

// TestParallelGuessesAreCounted sends many wrong passwords at once: each is
// counted before its password is checked, so no more than the limit are
// tried, whatever the interleaving.
func TestParallelGuessesAreCounted(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		setup(t, d)
		if _, err := createAccount(d, nil, auth.NewAccount{Login: "editor1", Password: "good-pass-1", Role: auth.UnitEditor, UnitCode: "440105-001"}); err != nil {
			t.Fatal(err)
		}
		const n = 30
		var wg sync.WaitGroup
		var mu sync.Mutex
		kinds := map[errs.Kind]int{}
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, _, err := auth.Login(ctx, d, "editor1", "wrong-pass-1", "10.0.0.9", "ua")
				mu.Lock()
				kinds[errs.KindOf(err)]++
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		if kinds[errs.Unauthorized] != auth.MaxFailuresPerLogin || kinds[errs.TooMany] != n-auth.MaxFailuresPerLogin {
			t.Errorf("%d parallel guesses: %d tried (Unauthorized), %d refused (TooMany), %v; want %d tried", n,
				kinds[errs.Unauthorized], kinds[errs.TooMany], kinds, auth.MaxFailuresPerLogin)
		}
		// The same from many logins at one address stops at the address's limit.
		kinds = map[errs.Kind]int{}
		start = make(chan struct{})
		for i := 0; i < auth.MaxFailuresPerIP+10; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				_, _, err := auth.Login(ctx, d, "nobody"+strconv.Itoa(i), "wrong-pass-1", "10.0.0.10", "ua")
				mu.Lock()
				kinds[errs.KindOf(err)]++
				mu.Unlock()
			}(i)
		}
		close(start)
		wg.Wait()
		if kinds[errs.Unauthorized] != auth.MaxFailuresPerIP {
			t.Errorf("guesses from one address: %d tried, want %d (%v)", kinds[errs.Unauthorized], auth.MaxFailuresPerIP, kinds)
		}
	})
}
