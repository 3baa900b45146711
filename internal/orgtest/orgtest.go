// Package orgtest builds, for tests, the small city that the stores' tests
// share: 广州市人民政府 with 海珠区 (赤岗 and 新港 streets, 赤岗社区 under
// 赤岗) and 越秀区 (北京 street), and accounts in it.
package orgtest

import (
	"context"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// City holds the units Build creates.
type City struct {
	City, Haizhu, Yuexiu, Chigang, Xingang, Beijing, Community org.Unit
}

// Build creates the city's units in tx, failing the test on error.
func Build(t testing.TB, ctx context.Context, tx *db.Tx) City {
	t.Helper()
	mk := func(code, name string, kind org.Kind, parent string) org.Unit {
		u, err := org.Create(ctx, tx, "test", nil, org.NewUnit{Code: code, Name: name, Kind: kind, ParentCode: parent})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	var c City
	c.City = mk("440100", "广州市人民政府", org.City, "")
	c.Haizhu = mk("440105", "海珠区人民政府", org.District, "440100")
	c.Yuexiu = mk("440104", "越秀区人民政府", org.District, "440100")
	c.Chigang = mk("440105-001", "赤岗街道办事处", org.Street, "440105")
	c.Xingang = mk("440105-002", "新港街道办事处", org.Street, "440105")
	c.Beijing = mk("440104-001", "北京街道办事处", org.Street, "440104")
	c.Community = mk("440105-001-01", "赤岗社区", org.Community, "440105-001")
	return c
}

// Account creates an account with the password "password-2026", failing
// the test on error. Its display name is the login.
func Account(t testing.TB, ctx context.Context, tx *db.Tx, login, email string, role auth.Role, u org.Unit) auth.Account {
	t.Helper()
	a, err := auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: login, DisplayName: login, Email: email, Password: "password-2026", Role: role, UnitCode: u.Code})
	if err != nil {
		t.Fatal(err)
	}
	return a
}
