package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"gongkai/internal/audit"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

const accountCols = `a.id, a.login, a.display_name, a.email, a.role, a.domain, a.disabled, a.created_at, a.updated_at, a.unit_id`

func scanAccount(ctx context.Context, q db.Querier, s interface{ Scan(...any) error }) (Account, string, error) {
	var a Account
	var unitID int64
	var hash string
	err := s.Scan(&a.ID, &a.Login, &a.DisplayName, &a.Email, &a.Role, &a.Domain, &a.Disabled, &a.CreatedAt, &a.UpdatedAt, &unitID, &hash)
	if err != nil {
		return a, "", err
	}
	a.Unit, err = org.ByID(ctx, q, unitID)
	return a, hash, err
}

func getAccount(ctx context.Context, q db.Querier, where string, arg any, label string) (Account, string, error) {
	row := q.QueryRow(ctx, "SELECT "+accountCols+", a.password_hash FROM accounts a WHERE "+where, arg)
	a, hash, err := scanAccount(ctx, q, row)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, "", errs.New(errs.NotFound, "account.not_found", label)
	}
	if err != nil {
		return Account{}, "", fmt.Errorf("get account %s: %w", label, err)
	}
	return a, hash, nil
}

// ByLogin returns the account with the given login. It returns a NotFound
// error if there is none.
func ByLogin(ctx context.Context, q db.Querier, login string) (Account, error) {
	a, _, err := getAccount(ctx, q, "a.login = ?", login, login)
	return a, err
}

// ByID returns the account with the given ID. It returns a NotFound error if
// there is none.
func ByID(ctx context.Context, q db.Querier, id int64) (Account, error) {
	a, _, err := getAccount(ctx, q, "a.id = ?", id, strconv.FormatInt(id, 10))
	return a, err
}

// InScope returns the accounts whose unit lies in scope's subtree, by unit
// and login.
func InScope(ctx context.Context, q db.Querier, scope org.Unit) ([]Account, error) {
	rows, err := q.Query(ctx, "SELECT "+accountCols+", '' FROM accounts a JOIN units u ON u.id = a.unit_id WHERE u.path LIKE ? ORDER BY u.path, a.login", scope.Path+"%")
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	var ids []Account
	var unitIDs []int64
	for rows.Next() {
		var a Account
		var unitID int64
		var hash string
		if err := rows.Scan(&a.ID, &a.Login, &a.DisplayName, &a.Email, &a.Role, &a.Domain, &a.Disabled, &a.CreatedAt, &a.UpdatedAt, &unitID, &hash); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, a)
		unitIDs = append(unitIDs, unitID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	units := org.NewMemo(q)
	for i := range ids {
		if ids[i].Unit, err = units.ByID(ctx, unitIDs[i]); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// CreateAccount adds an account and records it in the audit log. scope,
// when not nil, is the acting administrator's subtree: the new account's unit
// must lie in it.
func CreateAccount(ctx context.Context, tx *db.Tx, actor string, scope *org.Unit, n NewAccount) (Account, error) {
	if m := n.validate(); len(m) > 0 {
		return Account{}, m
	}
	u, err := org.ByCode(ctx, tx, n.UnitCode)
	if errs.KindOf(err) == errs.NotFound {
		return Account{}, errs.InvalidField("unit", "unit.not_found", n.UnitCode)
	}
	if err != nil {
		return Account{}, err
	}
	if scope != nil && !scope.Contains(u) {
		return Account{}, errs.New(errs.Forbidden, "unit.out_of_scope")
	}
	if err := checkUnitKind(n.Role, u); err != nil {
		return Account{}, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return Account{}, err
	}
	now := tx.Now()
	a := Account{Login: n.Login, DisplayName: n.DisplayName, Email: n.Email, Role: n.Role, Unit: u, Domain: n.Domain, CreatedAt: now, UpdatedAt: now}
	err = tx.QueryRow(ctx, `INSERT INTO accounts (login, display_name, email, password_hash, role, unit_id, domain, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Login, a.DisplayName, a.Email, hash, string(a.Role), u.ID, a.Domain, false, now, now).Scan(&a.ID)
	if db.IsUniqueViolation(err) {
		return Account{}, errs.InvalidField("login", "account.login_taken", n.Login)
	}
	if err != nil {
		return Account{}, fmt.Errorf("insert account: %w", err)
	}
	if err := audit.Append(ctx, tx, actor, "account.create", "account", a.Login, map[string]any{
		"role": a.Role, "unit": u.Code, "domain": a.Domain}); err != nil {
		return Account{}, err
	}
	return a, nil
}

// AccountChange is the input for UpdateAccount.
type AccountChange struct {
	DisplayName string
	Email       string
	Role        Role
	UnitCode    string
	Domain      string
	Disabled    bool
}

// UpdateAccount changes an account's name, role, unit, domain and status.
// Both the account and its new unit must lie in scope (when not nil).
// Disabling an account ends its sessions.
func UpdateAccount(ctx context.Context, tx *db.Tx, actor string, scope *org.Unit, login string, c AccountChange) (Account, error) {
	a, err := ByLogin(ctx, tx, login)
	if err != nil {
		return Account{}, err
	}
	if scope != nil && !scope.Contains(a.Unit) {
		return Account{}, errs.New(errs.NotFound, "account.not_found", login)
	}
	// Reuse NewAccount's field checks with a placeholder password.
	n := NewAccount{Login: a.Login, DisplayName: c.DisplayName, Email: c.Email, Password: "unchanged-1", Role: c.Role, UnitCode: c.UnitCode, Domain: c.Domain}
	if m := n.validate(); len(m) > 0 {
		return Account{}, m
	}
	u, err := org.ByCode(ctx, tx, n.UnitCode)
	if errs.KindOf(err) == errs.NotFound {
		return Account{}, errs.InvalidField("unit", "unit.not_found", n.UnitCode)
	}
	if err != nil {
		return Account{}, err
	}
	if scope != nil && !scope.Contains(u) {
		return Account{}, errs.New(errs.Forbidden, "unit.out_of_scope")
	}
	if err := checkUnitKind(n.Role, u); err != nil {
		return Account{}, err
	}
	_, err = tx.Exec(ctx, `UPDATE accounts SET display_name = ?, email = ?, role = ?, unit_id = ?, domain = ?, disabled = ?, updated_at = ? WHERE id = ?`,
		n.DisplayName, n.Email, string(n.Role), u.ID, n.Domain, c.Disabled, tx.Now(), a.ID)
	if err != nil {
		return Account{}, fmt.Errorf("update account: %w", err)
	}
	if c.Disabled {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE account_id = ?", a.ID); err != nil {
			return Account{}, err
		}
	}
	if err := audit.Append(ctx, tx, actor, "account.update", "account", a.Login, map[string]any{
		"role": [2]Role{a.Role, n.Role}, "unit": [2]string{a.Unit.Code, u.Code}, "domain": [2]string{a.Domain, n.Domain},
		"disabled": [2]bool{a.Disabled, c.Disabled}}); err != nil {
		return Account{}, err
	}
	a.DisplayName, a.Email, a.Role, a.Unit, a.Domain, a.Disabled, a.UpdatedAt = n.DisplayName, n.Email, n.Role, u, n.Domain, c.Disabled, tx.Now()
	return a, nil
}

// SetPassword replaces an account's password and ends its other sessions.
// scope (when not nil) must contain the account. keepToken, when not empty,
// is a session token of the account's own that survives.
func SetPassword(ctx context.Context, tx *db.Tx, actor string, scope *org.Unit, login, password, keepToken string) error {
	a, err := ByLogin(ctx, tx, login)
	if err != nil {
		return err
	}
	if scope != nil && !scope.Contains(a.Unit) {
		return errs.New(errs.NotFound, "account.not_found", login)
	}
	if err := ValidatePassword(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?", hash, tx.Now(), a.ID); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE account_id = ? AND token_hash <> ?", a.ID, hashToken(keepToken)); err != nil {
		return err
	}
	return audit.Append(ctx, tx, actor, "account.password", "account", a.Login, nil)
}
