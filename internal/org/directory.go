package org

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/db"
	"gongkai/internal/errs"
)

// Directory is a snapshot of every unit, for the lookups that public pages
// make on each request without a query each. A city has a few thousand
// units; the snapshot is read once and shared until something changes.
// Its answers match the store's functions of the same names.
type Directory struct {
	units    []Unit // in path order
	byID     map[int64]int
	byCode   map[string]int
	children map[int64][]int // by sort, then code; roots under 0
	names    []string        // lower-case name and code, for Search
}

// LoadDirectory reads every unit.
func LoadDirectory(ctx context.Context, q db.Querier) (*Directory, error) {
	us, err := queryUnits(ctx, q, "")
	if err != nil {
		return nil, err
	}
	// Paths compare bytewise, as the store orders them.
	slices.SortFunc(us, func(a, b Unit) int { return strings.Compare(a.Path, b.Path) })
	d := &Directory{
		units:    us,
		byID:     make(map[int64]int, len(us)),
		byCode:   make(map[string]int, len(us)),
		children: map[int64][]int{},
		names:    make([]string, len(us)),
	}
	for i, u := range us {
		d.byID[u.ID] = i
		d.byCode[u.Code] = i
		d.children[u.ParentID] = append(d.children[u.ParentID], i)
		d.names[i] = strings.ToLower(u.Name + "\x00" + u.Code)
	}
	for _, kids := range d.children {
		d.sortSiblings(kids)
	}
	return d, nil
}

func (d *Directory) sortSiblings(is []int) {
	slices.SortFunc(is, func(a, b int) int {
		return cmp.Or(cmp.Compare(d.units[a].Sort, d.units[b].Sort), strings.Compare(d.units[a].Code, d.units[b].Code))
	})
}

func (d *Directory) pick(is []int) []Unit {
	out := make([]Unit, len(is))
	for i, x := range is {
		out[i] = d.units[x]
	}
	return out
}

// Len is the number of units.
func (d *Directory) Len() int { return len(d.units) }

// ByID returns the unit with the given ID, or a NotFound error.
func (d *Directory) ByID(id int64) (Unit, error) {
	if i, ok := d.byID[id]; ok {
		return d.units[i], nil
	}
	return Unit{}, errs.New(errs.NotFound, "unit.not_found", strconv.FormatInt(id, 10))
}

// ByCode returns the unit with the given code, or a NotFound error.
func (d *Directory) ByCode(code string) (Unit, error) {
	if i, ok := d.byCode[code]; ok {
		return d.units[i], nil
	}
	return Unit{}, errs.New(errs.NotFound, "unit.not_found", code)
}

// Roots returns the units without a parent, by sort and code.
func (d *Directory) Roots() []Unit { return d.pick(d.children[0]) }

// Children returns the units directly under the unit with id parentID.
func (d *Directory) Children(parentID int64) []Unit { return d.pick(d.children[parentID]) }

// Ancestors returns the units above u, from the root down, without u.
func (d *Directory) Ancestors(u Unit) []Unit {
	var out []Unit
	for id := u.ParentID; id != 0; {
		i, ok := d.byID[id]
		if !ok {
			break
		}
		out = append(out, d.units[i])
		id = d.units[i].ParentID
	}
	slices.Reverse(out)
	return out
}

// Subtree returns root and every unit under it, in hierarchy order.
func (d *Directory) Subtree(root Unit) []Unit {
	i, _ := slices.BinarySearchFunc(d.units, root.Path, func(u Unit, p string) int { return strings.Compare(u.Path, p) })
	j := i
	for j < len(d.units) && strings.HasPrefix(d.units[j].Path, root.Path) {
		j++
	}
	return slices.Clone(d.units[i:j])
}

// OfKind returns the units of kind k inside root's subtree, by sort and
// code.
func (d *Directory) OfKind(root Unit, k Kind) []Unit {
	var is []int
	for i, u := range d.units {
		if u.Kind == k && strings.HasPrefix(u.Path, root.Path) {
			is = append(is, i)
		}
	}
	d.sortSiblings(is)
	return d.pick(is)
}

// Search returns up to limit units whose name or code contains text,
// ignoring case, in hierarchy order.
func (d *Directory) Search(text string, limit int) []Unit {
	text = strings.ToLower(text)
	var out []Unit
	for i, n := range d.names {
		if len(out) == limit {
			break
		}
		name, code, _ := strings.Cut(n, "\x00")
		if strings.Contains(name, text) || strings.Contains(code, text) {
			out = append(out, d.units[i])
		}
	}
	return out
}
