package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/orgtest"
)

// TestTokenLifecycle: a token is stored as its hash only, found by its
// hash, its use recorded, and refused once revoked — by id or by prefix.
func TestTokenLifecycle(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		d.SetClock(func() time.Time { return now })
		var city orgtest.City
		var tok auth.Token
		var secret string
		err := d.InTx(ctx, func(tx *db.Tx) error {
			city = orgtest.Build(t, ctx, tx)
			var err error
			tok, secret, err = auth.CreateToken(ctx, tx, "cli", nil, auth.NewToken{UnitCode: city.Chigang.Code, Name: "民政业务系统", CanPublish: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, auth.TokenPrefix) || len(secret) != len(auth.TokenPrefix)+43 {
			t.Fatalf("token %q: want gk_ and 43 characters of base64url", secret)
		}
		if !strings.HasPrefix(secret, tok.Prefix) || len(tok.Prefix) != 11 {
			t.Errorf("prefix %q of %q", tok.Prefix, secret)
		}
		// Nothing in the table holds the secret; the hash column holds its SHA-256.
		var hash string
		var n int
		d.QueryRow(ctx, `SELECT hash FROM api_tokens WHERE id = ?`, tok.ID).Scan(&hash)
		sum := sha256.Sum256([]byte(secret))
		if hash != hex.EncodeToString(sum[:]) {
			t.Errorf("stored hash %q is not the token's SHA-256", hash)
		}
		d.QueryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE hash = ? OR name = ? OR prefix = ?`, secret, secret, secret).Scan(&n)
		if n != 0 {
			t.Error("the token is stored in the clear")
		}

		got, err := auth.AuthenticateToken(ctx, d, secret)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tok.ID || got.Unit.Code != city.Chigang.Code || !got.CanPublish || !got.LastUsedAt.Equal(now) {
			t.Errorf("authenticated %+v", got)
		}
		if a := got.Account(); a.Role != auth.UnitReviewer || a.Login != got.Actor() || !strings.Contains(a.Login, "民政业务系统") {
			t.Errorf("token acts as %+v", a)
		}
		for _, bad := range []string{"", secret[:len(secret)-1], secret + "x", strings.ToUpper(secret), "Bearer " + secret, tok.Prefix} {
			if _, err := auth.AuthenticateToken(ctx, d, bad); errs.KindOf(err) != errs.Unauthorized {
				t.Errorf("token %q: %v, want Unauthorized", bad, err)
			}
		}
		// Use is recorded at most once a minute.
		now = now.Add(30 * time.Second)
		auth.AuthenticateToken(ctx, d, secret)
		if ts, _ := auth.Tokens(ctx, d, city.Chigang, false); len(ts) != 1 || !ts[0].LastUsedAt.Equal(now.Add(-30*time.Second)) {
			t.Errorf("last used after 30 s: %+v", ts)
		}
		now = now.Add(time.Minute)
		auth.AuthenticateToken(ctx, d, secret)
		if ts, _ := auth.Tokens(ctx, d, city.Chigang, false); len(ts) != 1 || !ts[0].LastUsedAt.Equal(now) {
			t.Errorf("last used after 90 s: %+v", ts)
		}

		// A second token; the district lists both with its subtree, the
		// street its own.
		var other auth.Token
		d.InTx(ctx, func(tx *db.Tx) error {
			other, _, err = auth.CreateToken(ctx, tx, "cli", nil, auth.NewToken{UnitCode: city.Xingang.Code, Name: "新港系统"})
			return err
		})
		if ts, _ := auth.Tokens(ctx, d, city.Haizhu, true); len(ts) != 2 {
			t.Errorf("district lists %d tokens, want 2", len(ts))
		}
		if ts, _ := auth.Tokens(ctx, d, city.Haizhu, false); len(ts) != 0 {
			t.Errorf("district's own tokens: %d, want 0", len(ts))
		}

		// Revoking by prefix stops the token; the other works on.
		err = d.InTx(ctx, func(tx *db.Tx) error {
			_, err := auth.RevokeToken(ctx, tx, "cli", nil, tok.Prefix)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := auth.AuthenticateToken(ctx, d, secret); errs.KindOf(err) != errs.Unauthorized {
			t.Errorf("revoked token: %v, want Unauthorized", err)
		}
		if ts, _ := auth.Tokens(ctx, d, city.Chigang, false); len(ts) != 1 || !ts[0].Revoked() || ts[0].RevokedBy != "cli" {
			t.Errorf("revoked token listed as %+v", ts)
		}
		if f, err := auth.FindToken(ctx, d, "  "+itoa(other.ID)); err != nil || f.ID != other.ID {
			t.Errorf("find by id: %+v %v", f, err)
		}
		for _, ref := range []string{"gk_", "nothing", "999999", "GK" + tok.Prefix[2:]} {
			if _, err := auth.FindToken(ctx, d, ref); errs.KindOf(err) != errs.NotFound {
				t.Errorf("find %q: %v, want NotFound", ref, err)
			}
		}
		// "gk_" plus one letter may match both tokens, or one; never a wrong one.
		if f, err := auth.FindToken(ctx, d, other.Prefix[:4]); err == nil && f.ID != other.ID {
			t.Errorf("prefix %q found token %d", other.Prefix[:4], f.ID)
		}
	})
}

// TestTokenPermissions: an administrator manages the tokens of units in
// scope, a unit's reviewer those of the unit itself, nobody else any.
func TestTokenPermissions(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			c := orgtest.Build(t, ctx, tx)
			haizhuAdmin := orgtest.Account(t, ctx, tx, "hz-admin", "", auth.Admin, c.Haizhu)
			reviewer := orgtest.Account(t, ctx, tx, "cg-reviewer", "", auth.UnitReviewer, c.Chigang)
			editor := orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, c.Chigang)
			office := orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, c.Haizhu)
			cases := []struct {
				who  auth.Account
				unit string
				want errs.Kind // Internal: allowed
			}{
				{haizhuAdmin, c.Chigang.Code, errs.Internal},
				{haizhuAdmin, c.Beijing.Code, errs.Invalid}, // outside scope: no such unit
				{reviewer, c.Chigang.Code, errs.Internal},
				{reviewer, c.Community.Code, errs.Forbidden}, // under it, not its own
				{reviewer, c.Xingang.Code, errs.Invalid},
				{editor, c.Chigang.Code, errs.Forbidden},
				{office, c.Chigang.Code, errs.Forbidden},
			}
			var made auth.Token
			for _, tc := range cases {
				tok, _, err := auth.CreateToken(ctx, tx, tc.who.Login, &tc.who, auth.NewToken{UnitCode: tc.unit, Name: "系统"})
				if got := errs.KindOf(err); err != nil && got != tc.want || err == nil && tc.want != errs.Internal {
					t.Errorf("%s makes a token for %s: %v, want %v", tc.who.Login, tc.unit, err, tc.want)
				}
				if err == nil {
					made = tok
				}
			}
			for _, bad := range []string{"", "  ", strings.Repeat("长", 61), "a\nb"} {
				if _, _, err := auth.CreateToken(ctx, tx, "cli", nil, auth.NewToken{UnitCode: c.Chigang.Code, Name: bad}); errs.As(err) == nil || errs.As(err).Field != "name" {
					t.Errorf("name %q: %v, want an error on name", bad, err)
				}
			}
			for _, who := range []auth.Account{editor, office} {
				if _, err := auth.RevokeToken(ctx, tx, who.Login, &who, itoa(made.ID)); errs.KindOf(err) != errs.NotFound {
					t.Errorf("%s revokes: %v, want NotFound", who.Login, err)
				}
			}
			_, err := auth.RevokeToken(ctx, tx, reviewer.Login, &reviewer, itoa(made.ID))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
