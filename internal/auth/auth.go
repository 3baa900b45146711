// Package auth holds accounts, their roles and scopes, password hashing,
// login with throttling, and database-stored sessions.
//
// An account's scope is the subtree of its unit (plus one domain for a
// domain supervisor); nothing outside that scope is visible or changeable
// through it.
package auth

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Role is what an account may do within its scope.
type Role string

// The roles.
const (
	PublicOfficeCity     Role = "public_office_city"     // 市政务公开办
	PublicOfficeDistrict Role = "public_office_district" // 区政务公开办
	UnitEditor           Role = "unit_editor"            // 单位编辑
	UnitReviewer         Role = "unit_reviewer"          // 单位审核（负责人）
	DomainSupervisor     Role = "domain_supervisor"      // 领域主管部门
	Admin                Role = "admin"                  // 系统管理员
)

// Roles lists every role.
var Roles = []Role{PublicOfficeCity, PublicOfficeDistrict, UnitEditor, UnitReviewer, DomainSupervisor, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// unitKindsFor says which kinds of unit an account of each role may belong
// to; nil means any.
var unitKindsFor = map[Role][]org.Kind{
	PublicOfficeCity:     {org.City},
	PublicOfficeDistrict: {org.District},
	DomainSupervisor:     {org.City, org.CityDepartment, org.District, org.DistrictDepartment},
}

// Account is a person who signs in to the admin console.
type Account struct {
	ID          int64
	Login       string
	DisplayName string
	Email       string
	Role        Role
	Unit        org.Unit // the root of the account's scope
	Domain      string   // for domain supervisors: the domain they follow
	Disabled    bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// InScope reports whether u lies in the account's unit subtree.
func (a Account) InScope(u org.Unit) bool { return a.Unit.Contains(u) }

// Writes reports whether the account may write unit u's content (catalogs,
// information): its editors and reviewers, the offices above it and
// administrators. Domain supervisors read; they do not write.
func (a Account) Writes(u org.Unit) bool {
	if !a.InScope(u) {
		return false
	}
	switch a.Role {
	case UnitEditor, UnitReviewer, PublicOfficeDistrict, PublicOfficeCity, Admin:
		return true
	}
	return false
}

// IsAdmin reports whether the account may manage units, accounts and
// calendars within its scope.
func (a Account) IsAdmin() bool { return a.Role == Admin }

// NewAccount is the input for CreateAccount.
type NewAccount struct {
	Login       string
	DisplayName string
	Email       string
	Password    string
	Role        Role
	UnitCode    string
	Domain      string
}

var loginRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{2,39}$`)
var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func (n *NewAccount) validate() errs.Multi {
	n.Login = strings.ToLower(strings.TrimSpace(n.Login))
	n.DisplayName = strings.TrimSpace(n.DisplayName)
	n.Email = strings.TrimSpace(n.Email)
	n.UnitCode = strings.TrimSpace(n.UnitCode)
	n.Domain = strings.TrimSpace(n.Domain)
	var m errs.Multi
	if !loginRE.MatchString(n.Login) {
		m = append(m, errs.InvalidField("login", "account.login_invalid", n.Login))
	}
	if utf8.RuneCountInString(n.DisplayName) > 50 {
		m = append(m, errs.InvalidField("display_name", "account.name_too_long"))
	}
	if n.Email != "" && !emailRE.MatchString(n.Email) {
		m = append(m, errs.InvalidField("email", "account.email_invalid", n.Email))
	}
	if err := ValidatePassword(n.Password); err != nil {
		m = append(m, err.(*errs.Error))
	}
	if !n.Role.Valid() {
		m = append(m, errs.InvalidField("role", "account.role_invalid", string(n.Role)))
	}
	if n.Role == DomainSupervisor && n.Domain == "" {
		m = append(m, errs.InvalidField("domain", "account.domain_required"))
	}
	if n.Role != DomainSupervisor && n.Domain != "" {
		m = append(m, errs.InvalidField("domain", "account.domain_not_allowed"))
	}
	if n.UnitCode == "" {
		m = append(m, errs.InvalidField("unit", "account.unit_required"))
	}
	return m
}

// checkUnitKind returns an error if role may not be held in unit u.
func checkUnitKind(role Role, u org.Unit) error {
	kinds := unitKindsFor[role]
	if kinds == nil {
		return nil
	}
	for _, k := range kinds {
		if u.Kind == k {
			return nil
		}
	}
	return errs.InvalidField("unit", "account.role_unit_kind", string(role), string(u.Kind))
}
