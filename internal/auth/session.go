package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/throttle"
)

// Session lifetimes: a session ends after IdleTimeout without a request, and
// in any case AbsoluteTimeout after login.
const (
	IdleTimeout     = 2 * time.Hour
	AbsoluteTimeout = 12 * time.Hour
)

// Login throttling: within ThrottleWindow, at most MaxFailuresPerLogin failed
// attempts for one login and MaxFailuresPerIP from one address; further
// attempts are refused, even with the right password, until the window
// passes. Counts live in the database so that restarts and several
// instances share them.
const (
	ThrottleWindow      = 15 * time.Minute
	MaxFailuresPerLogin = 5
	MaxFailuresPerIP    = 30
)

// dummyHash is checked against when a login does not exist, so that a wrong
// login takes as long as a wrong password.
var dummyHash, _ = HashPassword("dummy-password-0")

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Login checks a login and password with CheckCredentials and starts a
// session. It returns the session token for the cookie.
func Login(ctx context.Context, d *db.DB, login, password, ip, userAgent string) (string, Account, error) {
	a, err := CheckCredentials(ctx, d, login, password, ip)
	if err != nil {
		return "", Account{}, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", Account{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE account_id = ? AND expires_at < ?", a.ID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, account_id, created_at, expires_at, last_seen_at, user_agent, ip)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, hashToken(token), a.ID, now, now.Add(AbsoluteTimeout), now, userAgent, ip); err != nil {
			return err
		}
		return audit.Append(ctx, tx, a.Login, "auth.login", "account", a.Login, map[string]string{"ip": ip})
	})
	if err != nil {
		return "", Account{}, fmt.Errorf("start session: %w", err)
	}
	return token, a, nil
}

// CheckCredentials checks a login and password, counting the attempt
// against the login and the address before the password is checked, so
// that parallel guesses cannot all be tried. Wrong logins, wrong passwords
// and disabled accounts give the same Unauthorized error; too many recent
// attempts give a TooMany error, even for the right password.
func CheckCredentials(ctx context.Context, d *db.DB, login, password, ip string) (Account, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	loginKey, ipKey := "login:"+login, "login-ip:"+ip
	okLogin, err := throttle.Hit(ctx, d, loginKey, throttle.Rule{Max: MaxFailuresPerLogin, Window: ThrottleWindow})
	if err != nil {
		return Account{}, err
	}
	okIP, err := throttle.Hit(ctx, d, ipKey, throttle.Rule{Max: MaxFailuresPerIP, Window: ThrottleWindow})
	if err != nil {
		return Account{}, err
	}
	if !okLogin || !okIP {
		return Account{}, errs.New(errs.TooMany, "auth.throttled", int(ThrottleWindow.Minutes()))
	}
	a, hash, err := getAccount(ctx, d, "a.login = ?", login, login)
	if err != nil && errs.KindOf(err) != errs.NotFound {
		return Account{}, err
	}
	ok := false
	if err == nil {
		ok = CheckPassword(hash, password) && !a.Disabled
	} else {
		CheckPassword(dummyHash, password)
	}
	if !ok {
		return Account{}, errs.New(errs.Unauthorized, "auth.bad_credentials")
	}
	// A success clears its login's failures and is not held against the
	// address (an office behind one address signs many people in).
	if err := throttle.Reset(ctx, d, loginKey); err != nil {
		return Account{}, err
	}
	if err := throttle.Undo(ctx, d, ipKey); err != nil {
		return Account{}, err
	}
	return a, nil
}

// Authenticate returns the account of a live session. It returns an
// Unauthorized error for an unknown, expired or idle session, or a disabled
// account. A request refreshes the session's idle timer at most once a
// minute, to keep reads from writing.
func Authenticate(ctx context.Context, d *db.DB, token string) (Account, error) {
	if token == "" {
		return Account{}, errs.New(errs.Unauthorized, "auth.login_required")
	}
	var accountID int64
	var expires, lastSeen time.Time
	err := d.QueryRow(ctx, "SELECT account_id, expires_at, last_seen_at FROM sessions WHERE token_hash = ?", hashToken(token)).
		Scan(&accountID, &expires, &lastSeen)
	if err != nil {
		return Account{}, errs.New(errs.Unauthorized, "auth.login_required")
	}
	now := d.Now()
	if !now.Before(expires) || now.Sub(lastSeen) >= IdleTimeout {
		d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hashToken(token))
			return err
		})
		return Account{}, errs.New(errs.Unauthorized, "auth.session_expired")
	}
	a, err := ByID(ctx, d, accountID)
	if err != nil || a.Disabled {
		return Account{}, errs.New(errs.Unauthorized, "auth.login_required")
	}
	if now.Sub(lastSeen) > time.Minute {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", tx.Now(), hashToken(token))
			return err
		})
		if err != nil {
			return Account{}, fmt.Errorf("touch session: %w", err)
		}
	}
	return a, nil
}

// Logout ends the session with the given token. Ending a session that does
// not exist is not an error.
func Logout(ctx context.Context, d *db.DB, token string) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		var login string
		err := tx.QueryRow(ctx, "SELECT a.login FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?", hashToken(token)).Scan(&login)
		if err != nil {
			return nil
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hashToken(token)); err != nil {
			return err
		}
		return audit.Append(ctx, tx, login, "auth.logout", "account", login, nil)
	})
}
