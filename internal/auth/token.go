package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// TokenPrefix starts every API token, so that one pasted where it should
// not be (a log, a repository) is recognisable to people and scanners.
const TokenPrefix = "gk_"

// tokenShown is how many characters of a token are kept in the clear (the
// prefix and 8 of the secret): enough to tell tokens apart in lists and to
// revoke one by it, far too few to guess the rest.
const tokenShown = len(TokenPrefix) + 8

// Token is an API token with which a unit's business system writes that
// unit's records (plan item 四, 嵌入部门业务系统). Its scope is its unit
// alone, not the units under it: a district's system does not publish for
// the towns. Only a hash of the token is stored.
type Token struct {
	ID     int64
	Unit   org.Unit
	Name   string
	Prefix string // the first characters of the token, for people
	// CanPublish lets the token publish without a reviewer; without it,
	// what the token publishes is submitted for review.
	CanPublish bool
	CreatedBy  string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
	RevokedAt  time.Time // zero while the token works
	RevokedBy  string
}

// Revoked reports whether the token has been revoked.
func (t Token) Revoked() bool { return !t.RevokedAt.IsZero() }

// Actor is how the audit log names the token: its id and name. Logins
// cannot hold a colon, so it is never taken for an account.
func (t Token) Actor() string { return "token:" + strconv.FormatInt(t.ID, 10) + ":" + t.Name }

// Account is the account a token acts as when it writes records: an editor
// of its unit, or the unit's reviewer (单位负责人) for a token that may
// publish, named by Actor. Callers keep the token to its own unit; the
// account would reach the units under it.
func (t Token) Account() Account {
	role := UnitEditor
	if t.CanPublish {
		role = UnitReviewer
	}
	return Account{Login: t.Actor(), DisplayName: t.Name, Role: role, Unit: t.Unit}
}

// CanManageTokens reports whether a may list, make and revoke unit u's API
// tokens: an administrator with u in scope, or the reviewer (单位负责人)
// of u itself, who answers for what the unit publishes. Editors and the
// offices above a unit may not.
func CanManageTokens(a Account, u org.Unit) bool {
	switch a.Role {
	case Admin:
		return a.InScope(u)
	case UnitReviewer:
		return a.Unit.ID == u.ID
	}
	return false
}

// NewToken is the input for CreateToken.
type NewToken struct {
	UnitCode   string
	Name       string
	CanPublish bool
}

// CreateToken makes an API token for a unit and returns it with the token
// itself, which is stored only as a hash and cannot be shown again. by is
// the account making it, or nil for the command line; an account must be
// allowed to manage the unit's tokens (CanManageTokens). A unit that does
// not exist, or lies outside by's scope, is an Invalid error on "unit".
func CreateToken(ctx context.Context, tx *db.Tx, actor string, by *Account, n NewToken) (Token, string, error) {
	name := strings.TrimSpace(n.Name)
	if name == "" || utf8.RuneCountInString(name) > 60 || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return Token{}, "", errs.InvalidField("name", "token.bad_name", 60)
	}
	u, err := org.ByCode(ctx, tx, strings.TrimSpace(n.UnitCode))
	if errs.KindOf(err) == errs.NotFound || err == nil && by != nil && !by.InScope(u) {
		return Token{}, "", errs.InvalidField("unit", "unit.not_found", n.UnitCode)
	}
	if err != nil {
		return Token{}, "", err
	}
	if by != nil && !CanManageTokens(*by, u) {
		return Token{}, "", errs.New(errs.Forbidden, "token.forbidden")
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Token{}, "", err
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := Token{Unit: u, Name: name, Prefix: secret[:tokenShown], CanPublish: n.CanPublish, CreatedBy: actor, CreatedAt: tx.Now()}
	err = tx.QueryRow(ctx, `INSERT INTO api_tokens (unit_id, name, prefix, hash, can_publish, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.ID, t.Name, t.Prefix, hashToken(secret), t.CanPublish, actor, t.CreatedAt).Scan(&t.ID)
	if err != nil {
		return Token{}, "", fmt.Errorf("add token: %w", err)
	}
	err = audit.Append(ctx, tx, actor, "token.create", "token", strconv.FormatInt(t.ID, 10),
		map[string]any{"unit": u.Code, "name": t.Name, "prefix": t.Prefix, "can_publish": t.CanPublish})
	return t, secret, err
}

const tokenCols = `t.id, t.unit_id, t.name, t.prefix, t.can_publish, t.created_by, t.created_at, t.last_used_at, t.revoked_at, t.revoked_by`

// AuthenticateToken returns the live token a request presents. It returns
// an Unauthorized error for a malformed, unknown or revoked token. Use is
// recorded at most once a minute, to keep requests from all writing.
func AuthenticateToken(ctx context.Context, d *db.DB, secret string) (Token, error) {
	unauthorized := errs.New(errs.Unauthorized, "token.invalid")
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 200 {
		return Token{}, unauthorized
	}
	rows, err := d.Query(ctx, `SELECT `+tokenCols+` FROM api_tokens t WHERE t.hash = ?`, hashToken(secret))
	if err != nil {
		return Token{}, fmt.Errorf("look up token: %w", err)
	}
	ts, err := scanTokens(ctx, d, rows)
	if err != nil {
		return Token{}, fmt.Errorf("look up token: %w", err)
	}
	if len(ts) == 0 || ts[0].Revoked() {
		return Token{}, unauthorized
	}
	t := ts[0]
	if now := d.Now(); now.Sub(t.LastUsedAt) > time.Minute {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, tx.Now(), t.ID)
			return err
		})
		if err != nil {
			return Token{}, fmt.Errorf("record token use: %w", err)
		}
		t.LastUsedAt = now
	}
	return t, nil
}

// FindToken returns the token named by ref: its id, or the start of the
// token as lists show it (gk_…), which must name one token. It returns a
// NotFound error if none matches, an Invalid one if a prefix matches more.
func FindToken(ctx context.Context, q db.Querier, ref string) (Token, error) {
	ref = strings.TrimSpace(ref)
	notFound := errs.New(errs.NotFound, "token.not_found", ref)
	var rows *sql.Rows
	var err error
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		rows, err = q.Query(ctx, `SELECT `+tokenCols+` FROM api_tokens t WHERE t.id = ?`, id)
	} else if strings.HasPrefix(ref, TokenPrefix) && len(ref) > len(TokenPrefix) {
		// The stored prefix is a fixed length; a longer ref (a whole
		// token) matches on those characters. substr, not LIKE: LIKE
		// ignores case on SQLite.
		p := ref[:min(len(ref), tokenShown)]
		rows, err = q.Query(ctx, `SELECT `+tokenCols+` FROM api_tokens t WHERE substr(t.prefix, 1, ?) = ? ORDER BY t.id LIMIT 2`, len(p), p)
	} else {
		return Token{}, notFound
	}
	if err != nil {
		return Token{}, fmt.Errorf("find token: %w", err)
	}
	ts, err := scanTokens(ctx, q, rows)
	switch {
	case err != nil:
		return Token{}, err
	case len(ts) == 0:
		return Token{}, notFound
	case len(ts) > 1:
		return Token{}, errs.New(errs.Invalid, "token.ambiguous", ref)
	}
	return ts[0], nil
}

// scanTokens reads the rows of a token query, then loads their units.
func scanTokens(ctx context.Context, q db.Querier, rows *sql.Rows) ([]Token, error) {
	var raw []Token
	for rows.Next() {
		var t Token
		var used, revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.Unit.ID, &t.Name, &t.Prefix, &t.CanPublish, &t.CreatedBy, &t.CreatedAt, &used, &revoked, &t.RevokedBy); err != nil {
			rows.Close()
			return nil, err
		}
		t.LastUsedAt, t.RevokedAt = used.Time, revoked.Time
		raw = append(raw, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Units are loaded once the rows are closed: a transaction on
	// PostgreSQL runs one query at a time.
	for i := range raw {
		var err error
		if raw[i].Unit, err = org.ByID(ctx, q, raw[i].Unit.ID); err != nil {
			return nil, err
		}
	}
	return raw, nil
}

// Tokens returns the tokens of unit u, or of every unit in its subtree,
// revoked ones included, by unit and newest first.
func Tokens(ctx context.Context, q db.Querier, u org.Unit, subtree bool) ([]Token, error) {
	where, arg := `t.unit_id = ?`, any(u.ID)
	if subtree {
		where, arg = `u.path LIKE ?`, u.Path+"%"
	}
	rows, err := q.Query(ctx, `SELECT `+tokenCols+` FROM api_tokens t JOIN units u ON u.id = t.unit_id WHERE `+where+` ORDER BY u.path, t.id DESC`, arg)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return scanTokens(ctx, q, rows)
}

// RevokeToken revokes the token ref names (see FindToken): it answers 401
// from then on. by is the account revoking it, or nil for the command line;
// a token by may not manage is reported as not found. Revoking a revoked
// token changes nothing.
func RevokeToken(ctx context.Context, tx *db.Tx, actor string, by *Account, ref string) (Token, error) {
	t, err := FindToken(ctx, tx, ref)
	if err != nil {
		return Token{}, err
	}
	if by != nil && !CanManageTokens(*by, t.Unit) {
		return Token{}, errs.New(errs.NotFound, "token.not_found", ref)
	}
	if t.Revoked() {
		return t, nil
	}
	t.RevokedAt, t.RevokedBy = tx.Now(), actor
	if _, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ?`, t.RevokedAt, actor, t.ID); err != nil {
		return Token{}, fmt.Errorf("revoke token: %w", err)
	}
	return t, audit.Append(ctx, tx, actor, "token.revoke", "token", strconv.FormatInt(t.ID, 10), map[string]any{"unit": t.Unit.Code, "name": t.Name})
}
