// Package org holds gongkai's units — the city government, its departments,
// districts, towns, streets, villages and communities — and their hierarchy.
package org

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/errs"
)

// Kind is what sort of unit a unit is.
type Kind string

// The unit kinds.
const (
	City               Kind = "city"                // 市人民政府
	CityDepartment     Kind = "city_department"     // 市直部门
	District           Kind = "district"            // 区人民政府
	DistrictDepartment Kind = "district_department" // 区直部门
	Town               Kind = "town"                // 镇
	Street             Kind = "street"              // 街道
	Village            Kind = "village"             // 村
	Community          Kind = "community"           // 社区（居）
	PublicInstitution  Kind = "public_institution"  // 公共企事业单位
)

// Kinds lists every kind in hierarchy order.
var Kinds = []Kind{City, CityDepartment, District, DistrictDepartment, Town, Street, Village, Community, PublicInstitution}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Level is the administrative level of a unit, as catalog items name it
// (公开层级).
type Level string

// The levels.
const (
	LevelCity     Level = "city"     // 市级
	LevelCounty   Level = "county"   // 县级
	LevelTownship Level = "township" // 乡级
	LevelVillage  Level = "village"  // 村级
)

// Levels lists the levels from the top.
var Levels = []Level{LevelCity, LevelCounty, LevelTownship, LevelVillage}

// parentKinds says which kinds a unit of each kind may sit under; an empty
// list means it has no parent.
var parentKinds = map[Kind][]Kind{
	City:               nil,
	CityDepartment:     {City},
	District:           {City},
	DistrictDepartment: {District},
	Town:               {District},
	Street:             {District},
	Village:            {Town, Street},
	Community:          {Town, Street},
	PublicInstitution:  {City, CityDepartment, District, DistrictDepartment, Town, Street},
}

// levelOf gives the level of a unit of kind k under parent (nil for none).
func levelOf(k Kind, parent *Unit) Level {
	switch k {
	case City, CityDepartment:
		return LevelCity
	case District, DistrictDepartment:
		return LevelCounty
	case Town, Street:
		return LevelTownship
	case Village, Community:
		return LevelVillage
	}
	if parent != nil {
		return parent.Level
	}
	return LevelCity
}

// Unit is an organization that keeps a catalog, publishes information or
// oversees others.
type Unit struct {
	ID         int64
	Code       string
	Name       string
	NameEn     string
	Kind       Kind
	Level      Level
	ParentID   int64 // 0 for a root
	ParentCode string
	// Path lists the IDs from the root to this unit as "/1/5/23/", so that a
	// subtree is a prefix match.
	Path      string
	Sort      int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Contains reports whether o is u or lies under u.
func (u Unit) Contains(o Unit) bool {
	return u.Path != "" && strings.HasPrefix(o.Path, u.Path)
}

// NewUnit is the input for Create.
type NewUnit struct {
	Code       string
	Name       string
	NameEn     string
	Kind       Kind
	ParentCode string
	Sort       int
}

var codeRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_.-]{1,39}$`)

// ValidateCode checks a unit code: 2–40 letters, digits, '_', '.' or '-'.
func ValidateCode(code string) error {
	if !codeRE.MatchString(code) {
		return errs.InvalidField("code", "unit.code_invalid", code)
	}
	return nil
}

// validate checks everything about n that needs no database.
func (n *NewUnit) validate() error {
	n.Code = strings.TrimSpace(n.Code)
	n.Name = strings.TrimSpace(n.Name)
	n.NameEn = strings.TrimSpace(n.NameEn)
	n.ParentCode = strings.TrimSpace(n.ParentCode)
	var m errs.Multi
	if err := ValidateCode(n.Code); err != nil {
		m = append(m, err.(*errs.Error))
	}
	if err := validateName(n.Name, n.NameEn); err != nil {
		m = append(m, err.(*errs.Error))
	}
	if !n.Kind.Valid() {
		m = append(m, errs.InvalidField("kind", "unit.kind_invalid", string(n.Kind)))
	} else if len(parentKinds[n.Kind]) == 0 && n.ParentCode != "" {
		m = append(m, errs.InvalidField("parent", "unit.parent_not_allowed", string(n.Kind)))
	} else if len(parentKinds[n.Kind]) > 0 && n.ParentCode == "" {
		m = append(m, errs.InvalidField("parent", "unit.parent_required", string(n.Kind)))
	}
	return m.Err()
}

func validateName(name, nameEn string) error {
	if name == "" {
		return errs.InvalidField("name", "unit.name_required")
	}
	if utf8.RuneCountInString(name) > 100 || utf8.RuneCountInString(nameEn) > 200 {
		return errs.InvalidField("name", "unit.name_too_long")
	}
	return nil
}

// parentAllowed reports whether a unit of kind k may sit under parent.
func parentAllowed(k Kind, parent Kind) bool {
	for _, p := range parentKinds[k] {
		if p == parent {
			return true
		}
	}
	return false
}

// ParentKinds returns the kinds a unit of kind k may sit under.
func ParentKinds(k Kind) []Kind { return parentKinds[k] }
