package foi

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

func TestSimilarity(t *testing.T) {
	for _, c := range []struct {
		a, b    string
		similar bool
	}{
		{"申请公开赤岗街道2025年低保发放名单", "请公开赤岗街道2025年的低保发放名单。", true},
		{"关于赤岗街道2025年低保发放名单的信息公开申请", "赤岗街道2025年低保发放名单", true},
		{"Chigang 2025 低保 名单", "chigang2025低保名单", true},
		{"赤岗街道2025年低保发放名单", "赤岗街道老旧小区改造方案", false},
		{"赤岗街道2025年低保发放名单", "新港街道2019年道路改造计划", false},
		{"申请公开的信息", "请公开相关信息", false}, // nothing but filler
		{"", "", false},
	} {
		sim := jaccard(bigrams(c.a), bigrams(c.b))
		if got := sim >= SimilarAt; got != c.similar {
			t.Errorf("%q ~ %q: %.2f, want similar %v", c.a, c.b, sim, c.similar)
		}
	}
}

// candidateNos returns the tracking numbers of each candidate.
func candidateNos(cs []Candidate) [][]string {
	var out [][]string
	for _, c := range cs {
		var nos []string
		for _, a := range c.Applications {
			nos = append(nos, a.TrackingNo)
		}
		slices.Sort(nos)
		out = append(out, nos)
	}
	return out
}

func nos(apps ...Application) []string {
	var out []string
	for _, a := range apps {
		out = append(out, a.TrackingNo)
	}
	slices.Sort(out)
	return out
}

func TestCandidates(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		today := mustDate("2026-06-15")
		candidates := func(scope org.Unit) []Candidate {
			t.Helper()
			cs, err := Candidates(ctx, d, scope, today)
			if err != nil {
				t.Fatal(err)
			}
			return cs
		}
		// Three applicants ask 赤岗 for the same list in different words.
		p1 := f.register(t, f.cgEd, f.cg, 1, "2026-03-02", "申请公开赤岗街道2025年低保发放名单")
		p2 := f.register(t, f.cgEd, f.cg, 2, "2026-04-01", "请公开赤岗街道2025年的低保发放名单。")
		p3 := f.register(t, f.cgEd, f.cg, 3, "2026-05-06", "关于赤岗街道2025年低保发放名单的信息公开申请")
		// Something else.
		f.register(t, f.cgEd, f.cg, 4, "2026-05-07", "赤岗街道老旧小区改造方案")
		// One applicant three times.
		for _, day := range []string{"2026-02-02", "2026-03-02", "2026-04-01"} {
			f.register(t, f.cgEd, f.cg, 5, day, "赤岗街道垃圾分类考核结果")
		}
		// Three applicants, but the first more than 12 months ago.
		f.register(t, f.cgEd, f.cg, 6, "2025-06-14", "赤岗街道2024年度财政决算")
		f.register(t, f.cgEd, f.cg, 7, "2026-01-05", "赤岗街道2024年度财政决算")
		f.register(t, f.cgEd, f.cg, 8, "2026-02-02", "申请公开赤岗街道2024年度的财政决算")
		// The same list asked of 新港 twice: another unit, not counted with 赤岗.
		f.register(t, f.xgEd, f.xg, 9, "2026-03-02", "申请公开赤岗街道2025年低保发放名单")
		f.register(t, f.xgEd, f.xg, 10, "2026-03-03", "赤岗街道2025年低保发放名单")
		// Three imported applications to 北京 (越秀区): each its own applicant.
		if _, err := f.importFile(t, importHeader+
			"BJ-1,440104-001,2025-09-01,natural_person,post,北京街道文物保护名录,granted,2025-09-20\n"+
			"BJ-2,440104-001,2025-10-08,natural_person,post,北京街道文物保护名录,granted,2025-10-20\n"+
			"BJ-3,440104-001,2025-11-03,natural_person,post,关于北京街道的文物保护名录,,\n"); err != nil {
			t.Fatal(err)
		}

		for _, scope := range []org.Unit{f.hz, f.cg} {
			cs := candidates(scope)
			if got := candidateNos(cs); !cmp.Equal(got, [][]string{nos(p1, p2, p3)}) {
				t.Fatalf("%s: candidates %v, want %v", scope.Name, got, nos(p1, p2, p3))
			}
			c := cs[0]
			if c.Unit.ID != f.cg.ID || c.Count != 3 || c.Applicants != 3 || c.Description != p1.Description {
				t.Errorf("%s: candidate %+v", scope.Name, c)
			}
			if c.Applications[0].ReceivedDate != "2026-03-02" || c.Applications[2].ReceivedDate != "2026-05-06" || c.Applications[2].Description != p3.Description {
				t.Errorf("applications %+v", c.Applications)
			}
		}
		if got := candidateNos(candidates(f.yx)); !cmp.Equal(got, [][]string{{"BJ-1", "BJ-2", "BJ-3"}}) {
			t.Errorf("越秀: %v", got)
		}
		if got := candidates(f.xg); len(got) != 0 {
			t.Errorf("新港: %v", candidateNos(got))
		}

		// Marking one of the three leaves two applicants: no candidate.
		note := "已主动公开，索引号 440105-001/2026-00012"
		if err := f.d.InTx(ctx, func(tx *db.Tx) error {
			return MarkProactive(ctx, tx, f.cgEd, []int64{p1.ID}, Converted, " "+note+"\n")
		}); err != nil {
			t.Fatal(err)
		}
		if got := candidates(f.hz); len(got) != 0 {
			t.Errorf("after marking: %v", candidateNos(got))
		}
		app, err := load(ctx, d, `a.id = ?`, p1.ID)
		if err != nil || app.Proactive != Converted || app.ProactiveNote != note {
			t.Fatalf("marked: %q %q %v", app.Proactive, app.ProactiveNote, err)
		}
		if e := app.Events[len(app.Events)-1]; e.Kind != "proactive" || e.Actor != "cg-editor" {
			t.Errorf("last event %+v", e)
		}
		evs, err := audit.Recent(ctx, d, "foi_application", p1.TrackingNo, 5)
		if err != nil || len(evs) == 0 || evs[0].Action != "foi.proactive" {
			t.Errorf("audit %+v %v", evs, err)
		}
	})
}

func TestMarkProactive(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		p := f.register(t, f.cgEd, f.cg, 1, "2026-03-02", "赤岗街道2025年低保发放名单")
		x := f.register(t, f.xgEd, f.xg, 2, "2026-03-02", "新港街道2025年低保发放名单")
		mark := func(a auth.Account, ids []int64, state, note string) error {
			return f.d.InTx(ctx, func(tx *db.Tx) error { return MarkProactive(ctx, tx, a, ids, state, note) })
		}
		err := mark(f.cgEd, nil, "published", "  ")
		for _, field := range []string{"state", "note", "ids"} {
			if !slices.ContainsFunc(asMulti(err), func(e *errs.Error) bool { return e.Field == field }) {
				t.Errorf("no error for %s in %v", field, err)
			}
		}
		if err := mark(f.cgEd, []int64{p.ID}, Dismissed, strings.Repeat("长", maxProactiveNote+1)); !problem(err, "foi.too_long", nil) {
			t.Errorf("long note: %v", err)
		}
		// Out of scope: not found, and nothing is marked, not even the
		// application in scope.
		for _, c := range []struct {
			a   auth.Account
			ids []int64
		}{{f.bjEd, []int64{p.ID}}, {f.xgEd, []int64{p.ID}}, {f.cgEd, []int64{p.ID, x.ID}}, {f.cgEd, []int64{p.ID, 999999}}} {
			if err := mark(c.a, c.ids, Dismissed, "不宜公开"); errs.KindOf(err) != errs.NotFound {
				t.Errorf("%s marks %v: %v", c.a.Login, c.ids, err)
			}
		}
		// A domain supervisor reads but does not handle.
		sup := auth.Account{Login: "sup", Role: auth.DomainSupervisor, Unit: f.hz}
		if err := mark(sup, []int64{p.ID}, Dismissed, "不宜公开"); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("supervisor: %v", err)
		}
		if app, _ := load(ctx, d, `a.id = ?`, p.ID); app.Proactive != "" {
			t.Fatalf("marked by a refused request: %q", app.Proactive)
		}
		// The district office may; twice is a conflict.
		if err := mark(f.hzOffice, []int64{p.ID, x.ID, p.ID}, Dismissed, "涉及个人隐私，不宜主动公开"); err != nil {
			t.Fatal(err)
		}
		if err := mark(f.hzOffice, []int64{p.ID}, Converted, "索引号 1"); errs.KindOf(err) != errs.Conflict {
			t.Errorf("marked twice: %v", err)
		}
		for _, id := range []int64{p.ID, x.ID} {
			app, _ := load(ctx, d, `a.id = ?`, id)
			if app.Proactive != Dismissed || app.ProactiveNote != "涉及个人隐私，不宜主动公开" {
				t.Errorf("%s: %q %q", app.TrackingNo, app.Proactive, app.ProactiveNote)
			}
		}
	})
}
