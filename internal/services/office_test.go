package services_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/readertest"
	"gongkai/internal/services"
)

// handbookWorld publishes three guides of 赤岗 and one of 新港 for the
// event 生育, and makes the event.
func handbookWorld(t *testing.T, d *db.DB) (*world, []services.Guide) {
	t.Helper()
	w := newWorld(t, d)
	hukou := services.Content{Name: "新生儿入户", Type: services.Confirmation, Conditions: "新生儿父母一方为本市户籍",
		Materials: []services.Material{{Name: "居民身份证", Form: services.FormPaper, Copies: 2}, {Name: "出生医学证明", Form: services.FormPaper, Copies: 1, Original: true}},
		Steps:     []string{"申请", "办结"}, LegalDays: days(20), PromisedDays: days(3), Fee: "不收费", Place: "派出所", Phone: "020-1", Events: []string{"生育"}}
	insure := services.Content{Name: "城乡居民医保参保登记（新生儿）", Type: services.PublicService, Materials: []services.Material{{Name: "居民身份证", Form: services.FormElectronic, Copies: 1}},
		LegalDays: days(10), Events: []string{"生育", "社保"}}
	var gs []services.Guide
	for _, c := range []services.Content{birth, hukou, insure} {
		gs = append(gs, w.publish(t, w.create(t, w.cgEd, w.cg, c)))
	}
	other := birth
	other.Name = "新港生育登记"
	var xg services.Guide
	w.tx(t, func(tx *db.Tx) error {
		ctx := context.Background()
		g, err := services.Create(ctx, tx, w.xgEd, w.xg, other)
		if err == nil {
			g, err = services.Submit(ctx, tx, w.xgEd, g)
		}
		if err == nil {
			xg, err = services.Publish(ctx, tx, w.hz0, g)
		}
		return err
	})
	gs = append(gs, xg)
	w.tx(t, func(tx *db.Tx) error {
		_, err := services.SaveEvent(context.Background(), tx, w.cityOffice, w.settings,
			services.EventInput{Code: "shengyu", Name: "生育", NameEn: "Having a baby", Kind: "personal", Sort: 1})
		return err
	})
	return w, gs
}

func TestHandbookBundlesGuides(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w, gs := handbookWorld(t, d)
		ctx := context.Background()
		// A street's editor may not keep the events; bad codes are refused.
		err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := services.SaveEvent(ctx, tx, w.cgEd, w.settings, services.EventInput{Code: "ruxue", Name: "入学", Kind: "personal"})
			return err
		})
		if errs.KindOf(err) != errs.Forbidden {
			t.Errorf("street editor keeps events: %v", err)
		}
		err = w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := services.SaveEvent(ctx, tx, w.zwfw, w.settings, services.EventInput{Code: "Ru Xue", Name: "入学、就业", Kind: "family", Sort: -1})
			return err
		})
		if got := fields(err); !slices.Equal(got, []string{"code", "kind", "name", "sort"}) {
			t.Errorf("bad event: %v (%v)", got, err)
		}
		ev, err := services.EventByCode(ctx, d, "shengyu")
		if err != nil {
			t.Fatal(err)
		}
		// The office puts 新生儿入户 first.
		w.tx(t, func(tx *db.Tx) error {
			ev, err = services.SetOrder(ctx, tx, w.zwfw, w.settings, ev, []int64{gs[1].ID, gs[1].ID, gs[0].ID})
			return err
		})
		h, err := services.CompileHandbook(ctx, d, w.hz)
		if err != nil {
			t.Fatal(err)
		}
		b, err := h.Bundle("shengyu")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, g := range b.Guides {
			names = append(names, g.Name)
		}
		// Ordered first, then the others by unit and name.
		want := []string{"新生儿入户", "生育登记", "城乡居民医保参保登记（新生儿）", "新港生育登记"}
		if !slices.Equal(names, want) {
			t.Errorf("guides %v, want %v", names, want)
		}
		// 居民身份证 is asked four times and listed once: an original for
		// one, two copies at most, paper for some and electronic for one.
		var mats []string
		for _, m := range b.Materials {
			mats = append(mats, m.Name)
		}
		if !slices.Equal(mats, []string{"居民身份证", "出生医学证明", "结婚证"}) {
			t.Errorf("materials %v", mats)
		}
		id := b.Materials[0]
		if !id.Original || id.Copies != 2 || id.Form != services.FormEither || len(id.Guides) != 4 {
			t.Errorf("居民身份证 combined as %+v", id)
		}
		// 3 + 1 + 10 (no promise: the statutory limit) + 1 promised;
		// 20 + 5 + 10 + 5 statutory.
		if b.PromisedDays != 15 || b.LegalDays != 40 || b.NoLimit != 0 {
			t.Errorf("total %d promised, %d statutory, %d without", b.PromisedDays, b.LegalDays, b.NoLimit)
		}
		// The city's handbook holds the city level's guides only; a street
		// compiles none.
		if h, err := services.CompileHandbook(ctx, d, w.city); err != nil || len(h.Guides) != 0 || len(h.Bundles) != 0 {
			t.Errorf("city handbook: %d guides, %v", len(h.Guides), err)
		}
		if _, err := services.CompileHandbook(ctx, d, w.cg); errs.KindOf(err) != errs.NotFound {
			t.Errorf("a street's handbook: %v", err)
		}
		// The workbook, read back by openpyxl.
		var buf bytes.Buffer
		if err := services.WriteHandbook(&buf, "海珠区办事一本通", h); err != nil {
			t.Fatal(err)
		}
		wb := readertest.MustOpenXLSX(t, buf.Bytes())
		sh := wb.Sheet(t, "办事一本通")
		if sh.Cell(1, 1) != "海珠区办事一本通" || sh.Cell(2, 3) != "事项名称" || sh.Cell(3, 1) != "生育" || sh.Cell(3, 3) != "新生儿入户" ||
			sh.Cell(3, 9) != 20.0 || sh.Cell(6, 3) != "新港生育登记" || sh.PrintTitleRows == "" {
			t.Errorf("handbook sheet: %v (print titles %q)", sh.Rows, sh.PrintTitleRows)
		}
		ms := wb.Sheet(t, "材料清单")
		if ms.Cell(3, 3) != "居民身份证" || ms.Cell(3, 4) != "原件" || ms.Cell(3, 5) != 2.0 || ms.Cell(6, 3) != "合计承诺时限15个工作日，法定时限40个工作日" {
			t.Errorf("materials sheet: %v", ms.Rows)
		}
	})
}

func TestDrawIsReproducible(t *testing.T) {
	var guides []services.PublishedGuide
	for i := int64(1); i <= 30; i++ {
		g := services.PublishedGuide{ID: i}
		g.Unit.ID = 1 + i%3
		guides = append(guides, g)
	}
	ids := func(gs []services.PublishedGuide) []int64 {
		var out []int64
		for _, g := range gs {
			out = append(out, g.ID)
		}
		return out
	}
	a, b := services.Draw(guides, 4, 20261001), services.Draw(slices.Clone(guides), 4, 20261001)
	if len(a) != 12 || !slices.Equal(ids(a), ids(b)) {
		t.Fatalf("draws %v and %v", ids(a), ids(b))
	}
	if c := services.Draw(guides, 4, 7); slices.Equal(ids(a), ids(c)) {
		t.Errorf("another seed draws the same: %v", ids(c))
	}
	if all := services.Draw(guides, 50, 1); len(all) != 30 {
		t.Errorf("drawing more than there are: %d", len(all))
	}
}

func TestSpotCheckAndComplaints(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w, gs := handbookWorld(t, d)
		ctx := context.Background()
		w.at("2026-09-30")
		start := services.CheckInput{Quarter: "2026q3", Scope: "440105", PerUnit: 2, Seed: 42}
		// Only the office draws; bad input names its fields.
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := services.StartCheck(ctx, tx, w.hz0, w.settings, start)
			return err
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("district office draws: %v", err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := services.StartCheck(ctx, tx, w.zwfw, w.settings, services.CheckInput{Quarter: "2026Q5", Scope: "nowhere", PerUnit: 0, Seed: -1})
			return err
		}); !slices.Equal(fields(err), []string{"per_unit", "quarter", "scope", "seed"}) {
			t.Errorf("bad check: %v", err)
		}
		var c services.Check
		w.tx(t, func(tx *db.Tx) error {
			var err error
			c, err = services.StartCheck(ctx, tx, w.zwfw, w.settings, start)
			return err
		})
		// Two of 赤岗's three and 新港's one, the same as Draw gives.
		pub, _ := services.PublishedIn(ctx, d, w.hz)
		drawn := services.Draw(pub, 2, 42)
		if len(c.Items) != 3 || c.Quarter != "2026Q3" || c.Items[0].ServiceID != drawn[0].ID || c.Items[2].ServiceID != gs[3].ID {
			t.Fatalf("sample %+v", c.Items)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := services.StartCheck(ctx, tx, w.zwfw, w.settings, start)
			return err
		}); !slices.Equal(fields(err), []string{"quarter"}) {
			t.Errorf("the same quarter twice: %v", err)
		}
		w.tx(t, func(tx *db.Tx) error {
			var err error
			if _, err := services.Circulate(ctx, tx, w.zwfw, w.settings, c, ""); errs.KindOf(err) != errs.Invalid {
				t.Errorf("circulated unchecked: %v", err)
			}
			if _, err := services.Record(ctx, tx, w.zwfw, w.settings, c, 1, services.Sheet{Accurate: true}); !slices.Equal(fields(err), []string{"note_1"}) {
				t.Errorf("failing without a note: %v", err)
			}
			for _, it := range c.Items {
				sh := services.Sheet{Accurate: true, Complete: true, Current: true}
				if it.Seq == 2 {
					sh = services.Sheet{Accurate: true, Complete: false, Current: true, Note: "缺少办理地点"}
				}
				if c, err = services.Record(ctx, tx, w.zwfw, w.settings, c, it.Seq, sh); err != nil {
					return err
				}
			}
			c, err = services.Circulate(ctx, tx, w.zwfw, w.settings, c, "请各单位对照整改。")
			return err
		})
		res := c.Results(w.hz)
		want := []services.UnitResult{{Unit: w.cg, Sampled: 2, Checked: 2, Accurate: 2, Complete: 1, Current: 2, Passed: 1}, {Unit: w.xg, Sampled: 1, Checked: 1, Accurate: 1, Complete: 1, Current: 1, Passed: 1}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
		if got := c.Results(w.xg); len(got) != 1 || got[0].Unit.ID != w.xg.ID {
			t.Errorf("新港 sees %+v", got)
		}
		var buf bytes.Buffer
		if err := services.WriteCheck(&buf, "2026Q3办事指南抽查结果", c, w.hz); err != nil {
			t.Fatal(err)
		}
		if sh := readertest.MustOpenXLSX(t, buf.Bytes()).Sheet(t, "抽查结果"); sh.Cell(3, 1) != "赤岗街道办事处" || sh.Cell(3, 7) != 1.0 || sh.Cell(3, 8) != 50.0 {
			t.Errorf("results sheet %v", sh.Rows)
		}

		// A complaint from the portal on Wednesday 30 September: transferred
		// that day, it is due for verification on 13 October, five working
		// days on, past the National Day holiday (1–7 October) and with
		// Saturday 10 October worked (调休).
		var cp services.Complaint
		w.tx(t, func(tx *db.Tx) error {
			g, err := services.PublishedByID(ctx, tx, gs[0].ID)
			if err != nil {
				return err
			}
			if _, err := services.Register(ctx, tx, nil, w.settings, g, services.ComplaintInput{Kind: "wrong", Content: " "}); !slices.Equal(fields(err), []string{"content", "kind"}) {
				t.Errorf("bad complaint: %v", err)
			}
			if _, err := services.Register(ctx, tx, &w.xgEd, w.settings, g, services.ComplaintInput{Kind: "outdated", Content: "x"}); errs.KindOf(err) != errs.Forbidden {
				t.Errorf("新港 registers about 赤岗: %v", err)
			}
			if cp, err = services.Register(ctx, tx, nil, w.settings, g, services.ComplaintInput{Kind: "outdated", Content: "办理时间已调整，指南未更新", Contact: "13800138000"}); err != nil {
				return err
			}
			if _, err := services.Transfer(ctx, tx, w.cgEd, w.settings, w.cal, cp); errs.KindOf(err) != errs.Forbidden {
				t.Errorf("the unit transfers: %v", err)
			}
			cp, err = services.Transfer(ctx, tx, w.zwfw, w.settings, w.cal, cp)
			return err
		})
		if cp.Status != services.Transferred || cp.Transferred != "2026-09-30" || cp.VerifyDue != "2026-10-13" {
			t.Fatalf("transferred: %+v", cp)
		}
		w.at("2026-10-15")
		w.tx(t, func(tx *db.Tx) error {
			var err error
			if _, err := services.Verify(ctx, tx, w.xgEd, w.settings, w.cal, cp, true, "属实"); errs.KindOf(err) != errs.Forbidden {
				t.Errorf("新港 verifies 赤岗's: %v", err)
			}
			if _, err := services.Verify(ctx, tx, w.cgEd, w.settings, w.cal, cp, true, ""); !slices.Equal(fields(err), []string{"verify_note"}) {
				t.Errorf("verify without a note: %v", err)
			}
			if cp, err = services.Verify(ctx, tx, w.cgEd, w.settings, w.cal, cp, true, "经核实，办理时间已于9月调整。"); err != nil {
				return err
			}
			cp, err = services.Rectify(ctx, tx, w.cgEd, w.settings, cp, "已更新办理时间并重新发布。")
			return err
		})
		if cp.Status != services.Rectified || cp.Verified != "2026-10-15" || cp.RectifyDue != "2026-10-29" || cp.Rectified != "2026-10-15" {
			t.Errorf("rectified: %+v", cp)
		}
		sum, err := services.YearSummary(ctx, d, w.city, 2026, calendarDate(t, "2027-01-10"))
		if err != nil {
			t.Fatal(err)
		}
		// Verified two days late (13 October was the last day).
		if sum.Due != "2027-01-15" || sum.Total.Sampled != 3 || sum.Total.Passed != 2 || sum.Total.Complaints != 1 || sum.Total.Rectified != 1 || sum.Total.Overdue != 1 {
			t.Errorf("summary %+v", sum.Total)
		}
		buf.Reset()
		if err := services.WriteSummary(&buf, "2026年办事公开检举投诉处理情况", sum); err != nil {
			t.Fatal(err)
		}
		wb := readertest.MustOpenXLSX(t, buf.Bytes())
		if sh := wb.Sheet(t, "年度汇总"); sh.Cell(3, 1) != "赤岗街道办事处" || sh.Cell(3, 7) != 1.0 || sh.Cell(5, 1) != "合计" || sh.Cell(5, 13) != 1.0 {
			t.Errorf("summary sheet %v", sh.Rows)
		}
		if sh := wb.Sheet(t, "检举投诉明细"); sh.Cell(3, 4) != "不及时更新" || sh.Cell(3, 10) != "属实：经核实，办理时间已于9月调整。" {
			t.Errorf("complaints sheet %v", sh.Rows)
		}
	})
}

func calendarDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
