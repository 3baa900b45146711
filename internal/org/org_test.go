package org_test

import (
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/audit"
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

// mustCreate creates units in one transaction each, failing the test on error.
func mustCreate(t *testing.T, d *db.DB, units ...org.NewUnit) {
	t.Helper()
	for _, n := range units {
		if err := d.InTx(context.Background(), func(tx *db.Tx) error {
			_, err := org.Create(context.Background(), tx, "tester", nil, n)
			return err
		}); err != nil {
			t.Fatalf("create %s: %v", n.Code, err)
		}
	}
}

func create(d *db.DB, scope *org.Unit, n org.NewUnit) error {
	return d.InTx(context.Background(), func(tx *db.Tx) error {
		_, err := org.Create(context.Background(), tx, "tester", scope, n)
		return err
	})
}

var fixture = []org.NewUnit{
	{Code: "440100", Name: "广州市人民政府", Kind: org.City},
	{Code: "440100-14", Name: "广州市民政局", Kind: org.CityDepartment, ParentCode: "440100"},
	{Code: "440105", Name: "海珠区人民政府", Kind: org.District, ParentCode: "440100"},
	{Code: "440104", Name: "越秀区人民政府", Kind: org.District, ParentCode: "440100"},
	{Code: "440105-001", Name: "赤岗街道办事处", Kind: org.Street, ParentCode: "440105"},
	{Code: "440105-001-01", Name: "赤岗社区", Kind: org.Community, ParentCode: "440105-001"},
	{Code: "440105-d01", Name: "海珠区民政局", Kind: org.DistrictDepartment, ParentCode: "440105"},
	{Code: "440105-p01", Name: "海珠区某医院", Kind: org.PublicInstitution, ParentCode: "440105"},
	{Code: "440104-001", Name: "洪桥街道办事处", Kind: org.Street, ParentCode: "440104"},
}

func TestHierarchyAndLevels(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mustCreate(t, d, fixture...)
		wantLevel := map[string]org.Level{
			"440100": org.LevelCity, "440100-14": org.LevelCity, "440105": org.LevelCounty,
			"440105-001": org.LevelTownship, "440105-001-01": org.LevelVillage, "440105-d01": org.LevelCounty,
			"440105-p01": org.LevelCounty,
		}
		for code, want := range wantLevel {
			u, err := org.ByCode(ctx, d, code)
			if err != nil {
				t.Fatal(err)
			}
			if u.Level != want {
				t.Errorf("%s level = %s, want %s", code, u.Level, want)
			}
		}
		haizhu, _ := org.ByCode(ctx, d, "440105")
		sub, err := org.Subtree(ctx, d, haizhu)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, u := range sub {
			codes = append(codes, u.Code)
		}
		want := []string{"440105", "440105-001", "440105-001-01", "440105-d01", "440105-p01"}
		if diff := cmp.Diff(want, codes); diff != "" {
			t.Errorf("Subtree(海珠) mismatch (-want +got):\n%s", diff)
		}
		yuexiu, _ := org.ByCode(ctx, d, "440104-001")
		community, _ := org.ByCode(ctx, d, "440105-001-01")
		if haizhu.Contains(yuexiu) {
			t.Error("海珠区 contains a 越秀区 street")
		}
		if !haizhu.Contains(community) || !haizhu.Contains(haizhu) {
			t.Error("海珠区 does not contain its own community or itself")
		}
		anc, err := org.Ancestors(ctx, d, community)
		if err != nil {
			t.Fatal(err)
		}
		var ancCodes []string
		for _, u := range anc {
			ancCodes = append(ancCodes, u.Code)
		}
		if diff := cmp.Diff([]string{"440100", "440105", "440105-001"}, ancCodes); diff != "" {
			t.Errorf("Ancestors mismatch (-want +got):\n%s", diff)
		}
		counts, err := org.CountByKind(ctx, d, haizhu)
		if err != nil {
			t.Fatal(err)
		}
		if counts[org.Street] != 1 || counts[org.District] != 1 || counts[org.Community] != 1 {
			t.Errorf("CountByKind = %v", counts)
		}
		// Every creation is in the audit log, and the chain holds.
		res, err := audit.Verify(ctx, d)
		if err != nil || !res.OK() || res.Events != len(fixture) {
			t.Errorf("audit after creating %d units: %+v, %v", len(fixture), res, err)
		}
	})
}

func TestCreateRefusesBadInput(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mustCreate(t, d, fixture[:5]...)
		haizhu, _ := org.ByCode(ctx, d, "440105")
		tests := []struct {
			name  string
			scope *org.Unit
			in    org.NewUnit
			kind  errs.Kind
			key   string
		}{
			{"bad code", nil, org.NewUnit{Code: "海珠!", Name: "x", Kind: org.Street, ParentCode: "440105"}, errs.Invalid, "unit.code_invalid"},
			{"one-char code", nil, org.NewUnit{Code: "a", Name: "x", Kind: org.Street, ParentCode: "440105"}, errs.Invalid, "unit.code_invalid"},
			{"no name", nil, org.NewUnit{Code: "x-1", Name: "  ", Kind: org.Street, ParentCode: "440105"}, errs.Invalid, "unit.name_required"},
			{"bad kind", nil, org.NewUnit{Code: "x-1", Name: "x", Kind: "province", ParentCode: "440105"}, errs.Invalid, "unit.kind_invalid"},
			{"street without parent", nil, org.NewUnit{Code: "x-1", Name: "x", Kind: org.Street}, errs.Invalid, "unit.parent_required"},
			{"city with parent", nil, org.NewUnit{Code: "x-1", Name: "x", Kind: org.City, ParentCode: "440100"}, errs.Invalid, "unit.parent_not_allowed"},
			{"street under city", nil, org.NewUnit{Code: "x-1", Name: "x", Kind: org.Street, ParentCode: "440100"}, errs.Invalid, "unit.parent_kind"},
			{"missing parent", nil, org.NewUnit{Code: "x-1", Name: "x", Kind: org.Street, ParentCode: "999999"}, errs.Invalid, "unit.parent_not_found"},
			{"duplicate code", nil, org.NewUnit{Code: "440105-001", Name: "x", Kind: org.Street, ParentCode: "440105"}, errs.Invalid, "unit.code_taken"},
			{"outside scope", &haizhu, org.NewUnit{Code: "x-1", Name: "x", Kind: org.Street, ParentCode: "440104"}, errs.Forbidden, "unit.out_of_scope"},
			{"root from scope", &haizhu, org.NewUnit{Code: "x-1", Name: "x", Kind: org.City}, errs.Forbidden, "unit.out_of_scope"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := create(d, tt.scope, tt.in)
				e := errs.As(err)
				if e == nil || e.Kind != tt.kind || e.Key != tt.key {
					t.Fatalf("Create = %v, want %s %s", err, tt.kind, tt.key)
				}
			})
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM units").Scan(&n); err != nil || n != 5 {
			t.Errorf("units after refused creations = %d, want 5 (%v)", n, err)
		}
		// A unit in scope is fine.
		if err := create(d, &haizhu, org.NewUnit{Code: "440105-002", Name: "新港街道办事处", Kind: org.Street, ParentCode: "440105"}); err != nil {
			t.Errorf("create in scope: %v", err)
		}
	})
}

func TestUpdate(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mustCreate(t, d, fixture...)
		haizhu, _ := org.ByCode(ctx, d, "440105")
		update := func(scope *org.Unit, code string, c org.UnitChange) error {
			return d.InTx(ctx, func(tx *db.Tx) error {
				_, err := org.Update(ctx, tx, "tester", scope, code, c)
				return err
			})
		}
		if err := update(&haizhu, "440105-001", org.UnitChange{Name: "赤岗街道", NameEn: "Chigang Subdistrict", Sort: 3}); err != nil {
			t.Fatal(err)
		}
		u, _ := org.ByCode(ctx, d, "440105-001")
		if u.Name != "赤岗街道" || u.NameEn != "Chigang Subdistrict" || u.Sort != 3 {
			t.Errorf("after update: %+v", u)
		}
		if err := update(&haizhu, "440104-001", org.UnitChange{Name: "x"}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("update outside scope = %v, want Forbidden", err)
		}
		if err := update(nil, "440105-001", org.UnitChange{Name: ""}); errs.KindOf(err) != errs.Invalid {
			t.Errorf("update with empty name = %v, want Invalid", err)
		}
		if err := update(nil, "nope", org.UnitChange{Name: "x"}); errs.KindOf(err) != errs.NotFound {
			t.Errorf("update of missing unit = %v, want NotFound", err)
		}
	})
}

// The directory answers exactly as the store does, on both engines.
func TestDirectoryMatchesStore(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mustCreate(t, d, fixture...)
		dir, err := org.LoadDirectory(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if dir.Len() != len(fixture) {
			t.Fatalf("directory holds %d units, want %d", dir.Len(), len(fixture))
		}
		codes := func(us []org.Unit) []string {
			var out []string
			for _, u := range us {
				out = append(out, u.Code)
			}
			return out
		}
		roots, err := org.Roots(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(codes(roots), codes(dir.Roots())); diff != "" {
			t.Errorf("Roots (-store +directory):\n%s", diff)
		}
		for _, n := range fixture {
			u, err := org.ByCode(ctx, d, n.Code)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := dir.ByCode(n.Code); err != nil || !cmp.Equal(u, got) {
				t.Errorf("ByCode(%s) = %+v, %v; want %+v", n.Code, got, err, u)
			}
			if got, err := dir.ByID(u.ID); err != nil || got.Code != u.Code {
				t.Errorf("ByID(%d) = %s, %v", u.ID, got.Code, err)
			}
			sub, err := org.Subtree(ctx, d, u)
			if err != nil {
				t.Fatalf("Subtree(%s): %v", n.Code, err)
			}
			if diff := cmp.Diff(codes(sub), codes(dir.Subtree(u))); diff != "" {
				t.Errorf("Subtree(%s) (-store +directory):\n%s", n.Code, diff)
			}
			kids, err := org.Children(ctx, d, u.ID)
			if err != nil {
				t.Fatalf("Children(%s): %v", n.Code, err)
			}
			if diff := cmp.Diff(codes(kids), codes(dir.Children(u.ID))); diff != "" {
				t.Errorf("Children(%s) (-store +directory):\n%s", n.Code, diff)
			}
			anc, err := org.Ancestors(ctx, d, u)
			if err != nil {
				t.Fatalf("Ancestors(%s): %v", n.Code, err)
			}
			if diff := cmp.Diff(codes(anc), codes(dir.Ancestors(u))); diff != "" {
				t.Errorf("Ancestors(%s) (-store +directory):\n%s", n.Code, diff)
			}
			for _, k := range org.Kinds {
				of, err := org.OfKind(ctx, d, u, k)
				if err != nil {
					t.Fatalf("OfKind(%s, %s): %v", n.Code, k, err)
				}
				if diff := cmp.Diff(codes(of), codes(dir.OfKind(u, k))); diff != "" {
					t.Errorf("OfKind(%s, %s) (-store +directory):\n%s", n.Code, k, diff)
				}
			}
		}
		if _, err := dir.ByCode("nope"); err == nil {
			t.Error("ByCode(nope) found a unit")
		}
		if got := codes(dir.Search("赤岗", 10)); !cmp.Equal(got, []string{"440105-001", "440105-001-01"}) {
			t.Errorf("Search(赤岗) = %v", got)
		}
		if got := codes(dir.Search("440105-D", 10)); !cmp.Equal(got, []string{"440105-d01"}) {
			t.Errorf("Search(440105-D) = %v, want the code matched ignoring case", got)
		}
		if got := dir.Search("街道", 1); len(got) != 1 {
			t.Errorf("Search with limit 1 = %d units", len(got))
		}
	})
}
