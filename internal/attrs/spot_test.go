package attrs_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"gongkai/internal/attrs"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

func TestSampleIsReproducible(t *testing.T) {
	ids := []int64{31, 4, 15, 92, 65, 35, 89, 79, 32, 38}
	first := attrs.Sample(ids, 4, 20261001, "440105-001")
	if len(first) != 4 || !slices.IsSorted(first) {
		t.Fatalf("sample %v: want 4 ids in order", first)
	}
	for _, id := range first {
		if !slices.Contains(ids, id) {
			t.Errorf("sample %v holds %d, not a candidate", first, id)
		}
	}
	shuffled := slices.Clone(ids)
	slices.Reverse(shuffled)
	if again := attrs.Sample(shuffled, 4, 20261001, "440105-001"); !slices.Equal(first, again) {
		t.Errorf("the same seed drew %v, then %v from the same documents", first, again)
	}
	if !slices.Equal(ids, []int64{31, 4, 15, 92, 65, 35, 89, 79, 32, 38}) {
		t.Error("Sample changed its argument")
	}
	// Other seeds and other units draw otherwise (not every time, but
	// among ten seeds at least once).
	differs := func(f func(i int) []int64) bool {
		for i := range 10 {
			if !slices.Equal(first, f(i)) {
				return true
			}
		}
		return false
	}
	if !differs(func(i int) []int64 { return attrs.Sample(ids, 4, int64(i), "440105-001") }) {
		t.Error("every seed draws the same documents")
	}
	if !differs(func(i int) []int64 { return attrs.Sample(ids, 4, 20261001, "440105-00"+strconv.Itoa(i+2)) }) {
		t.Error("every unit draws the same documents")
	}
	if got := attrs.Sample(ids[:3], 5, 1, "x"); !slices.Equal(got, []int64{4, 15, 31}) {
		t.Errorf("fewer documents than the sample: %v, want all", got)
	}
}

func TestSpotCheck(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		w.load(t,
			doc{"440105-001", "cg-1", "2026-01-10", "", ""}, doc{"440105-001", "cg-2", "2026-02-10", "依申请公开", ""},
			doc{"440105-001", "cg-3", "2026-03-10", "", ""}, doc{"440105-001", "cg-4", "2026-04-10", "不予公开", ""},
			doc{"440105-001", "cg-5", "2026-05-10", "", ""}, doc{"440105-001", "cg-6", "2026-06-10", "", ""},
			doc{"440105-001", "cg-old", "2025-12-31", "", ""},
			doc{"440105-002", "xg-1", "2026-03-01", "", ""}, doc{"440105-002", "xg-2", "2026-08-01", "", ""},
			doc{"440104-001", "bj-1", "2026-03-01", "", ""})
		// A draft was not issued: never drawn.
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := info.Create(ctx, tx, w.cgEd, w.cg, info.Input{Title: "草稿", WrittenDate: "2026-05-01"})
			return err
		})
		w.at("2026-10-12")
		open := func(a auth.Account, in attrs.SpotInput) (attrs.SpotCheck, error) {
			var c attrs.SpotCheck
			err := w.try(func(ctx context.Context, tx *db.Tx) (err error) {
				c, err = attrs.OpenSpotCheck(ctx, tx, a, in)
				return err
			})
			return c, err
		}
		// Bad input, each naming its field; nothing written.
		for _, c := range []struct {
			in   attrs.SpotInput
			want []string
		}{
			{attrs.SpotInput{Year: "2027", SampleSize: "3"}, []string{"year"}},
			{attrs.SpotInput{Year: "二〇二六", SampleSize: "0", Seed: "-1"}, []string{"year", "sample_size", "seed"}},
			{attrs.SpotInput{Year: "1999", SampleSize: "51", Seed: "1234567890123456"}, []string{"year", "sample_size", "seed"}},
			{attrs.SpotInput{Year: "2024", SampleSize: "3"}, []string{"year"}}, // nothing issued in 2024
		} {
			_, err := open(w.hzOffice, c.in)
			wantFields(t, c.in.Year+"/"+c.in.SampleSize, err, c.want...)
		}
		_, err := open(w.cgRev, attrs.SpotInput{Year: "2026", SampleSize: "3"})
		wantKind(t, "a unit's reviewer opens a check", err, errs.Forbidden)
		if n := w.count(t, "attr_spot_checks"); n != 0 {
			t.Fatalf("%d checks after refusals", n)
		}

		c, err := open(w.hzOffice, attrs.SpotInput{Year: "2026", SampleSize: "3", Seed: "20261001"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Seed != 20261001 || c.SampleSize != 3 || c.Status != attrs.SpotOpen || c.Office.Code != "440105" {
			t.Errorf("check %+v", c)
		}
		_, err = open(w.hzOffice, attrs.SpotInput{Year: "2026", SampleSize: "3"})
		wantKind(t, "a second check of 2026", err, errs.Conflict)

		items, err := attrs.SpotItems(ctx, d, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		// 赤岗 issued six documents in 2026: three are drawn, the ones
		// Sample draws with the seed; 新港's two are both drawn; 北京 is
		// another district's.
		var cgIDs, drawn []int64
		var units []string
		for _, idx := range []string{"cg-1", "cg-2", "cg-3", "cg-4", "cg-5", "cg-6"} {
			cgIDs = append(cgIDs, w.record(t, idx).ID)
		}
		for _, it := range items {
			units = append(units, it.Unit.Code)
			if it.Unit.Code == "440105-001" {
				drawn = append(drawn, it.Doc.ID)
			}
		}
		if diff := cmp.Diff([]string{"440105-001", "440105-001", "440105-001", "440105-002", "440105-002"}, units); diff != "" {
			t.Errorf("units drawn (-want +got):\n%s", diff)
		}
		slices.Sort(drawn)
		if want := attrs.Sample(cgIDs, 3, 20261001, "440105-001"); !slices.Equal(drawn, want) {
			t.Errorf("赤岗 drew %v, Sample with the stored seed draws %v", drawn, want)
		}

		// The seed given empty is drawn and kept.
		var other attrs.SpotCheck
		w.tx(t, func(ctx context.Context, tx *db.Tx) (err error) {
			other, err = attrs.OpenSpotCheck(ctx, tx, w.cityOffice, attrs.SpotInput{Year: "2026", SampleSize: "1"})
			return err
		})
		if cs, err := attrs.SpotChecks(ctx, d, w.cityOffice); err != nil || len(cs) != 2 || cs[0].Seed != other.Seed && cs[1].Seed != other.Seed {
			t.Errorf("the city's checks: %+v %v", cs, err)
		}

		record := func(a auth.Account, it attrs.SpotItem, in attrs.Answers) error {
			return w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := attrs.Record(ctx, tx, a, c, it, in)
				return err
			})
		}
		wantFields(t, "no answers", record(w.hzOffice, items[0], attrs.Answers{}), "proposed", "marked", "correct")
		wantFields(t, "a maybe", record(w.hzOffice, items[0], attrs.Answers{Proposed: "maybe", Marked: "yes", Correct: "yes"}), "proposed")
		wantFields(t, "a problem without a note", record(w.hzOffice, items[0], attrs.Answers{Proposed: "yes", Marked: "no", Correct: "yes"}), "note")
		long := string(make([]rune, 1001))
		wantFields(t, "a long note", record(w.hzOffice, items[0], attrs.Answers{Proposed: "yes", Marked: "no", Correct: "yes", Note: long}), "note")
		wantKind(t, "another district's office records", record(w.yxOffice, items[0], attrs.Answers{Proposed: "yes", Marked: "yes", Correct: "yes"}), errs.Forbidden)
		wantKind(t, "赤岗's editor records", record(w.cgEd, items[0], attrs.Answers{Proposed: "yes", Marked: "yes", Correct: "yes"}), errs.Forbidden)

		answers := []attrs.Answers{
			{Proposed: "yes", Marked: "no", Correct: "yes", Note: "文件版头未标注公开属性"},
			{Proposed: "yes", Marked: "yes", Correct: "yes"},
			{Proposed: "no", Marked: "no", Correct: "no", Note: "应为主动公开"},
			{Proposed: "yes", Marked: "yes", Correct: "yes"},
		}
		for i, a := range answers {
			if err := record(w.hzOffice, items[i], a); err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
		}
		var closeErr error
		w.try(func(ctx context.Context, tx *db.Tx) error {
			_, closeErr = attrs.CloseSpotCheck(ctx, tx, w.hzOffice, c)
			return closeErr
		})
		if e := errs.As(closeErr); e == nil || e.Key != "attrs.spot_unchecked" || e.Args[0] != 1 {
			t.Errorf("closing with one unchecked: %v", closeErr)
		}

		items, _ = attrs.SpotItems(ctx, d, c, nil)
		want := []attrs.UnitResult{{Unit: w.cg, Sampled: 3, Checked: 3, Proposed: 2, Marked: 1, Correct: 2, Problems: 2},
			{Unit: w.xg, Sampled: 2, Checked: 1, Proposed: 1, Marked: 1, Correct: 1}}
		got := attrs.Results(items)
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b org.Unit) bool { return a.Code == b.Code })); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
		if got[0].ProposedPct() != 66 || got[0].MarkedPct() != 33 || got[1].CorrectPct() != 100 {
			t.Errorf("percents: %d %d %d", got[0].ProposedPct(), got[0].MarkedPct(), got[1].CorrectPct())
		}
		if fs := attrs.Findings(items); len(fs) != 2 || fs[0].Note != "文件版头未标注公开属性" || fs[1].Note != "应为主动公开" {
			t.Errorf("findings %+v", fs)
		}

		// 赤岗's editor sees its own documents of the check, 北京's and
		// 越秀's office nothing of it.
		if _, scope, err := attrs.SpotCheckFor(ctx, d, w.cgEd, c.ID); err != nil || scope == nil || scope.Code != "440105-001" {
			t.Errorf("赤岗's editor: scope %v, %v", scope, err)
		} else if mine, _ := attrs.SpotItems(ctx, d, c, scope); len(mine) != 3 {
			t.Errorf("赤岗's editor sees %d documents", len(mine))
		}
		for _, a := range []auth.Account{w.bjEd, w.yxOffice} {
			if _, _, err := attrs.SpotCheckFor(ctx, d, a, c.ID); errs.KindOf(err) != errs.NotFound {
				t.Errorf("%s sees the check: %v", a.Login, err)
			}
			// They see the city's check, which drew 北京's document, but
			// not 海珠区's.
			if cs, _ := attrs.SpotChecks(ctx, d, a); len(cs) != 1 || cs[0].ID != other.ID {
				t.Errorf("%s lists %+v", a.Login, cs)
			}
		}
		if _, err := attrs.SpotItemOf(ctx, d, c, &w.xg, items[0].ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("新港 reaches 赤岗's item: %v", err)
		}

		f, err := attrs.SpotFiguresOf(ctx, d, w.hz, 2026)
		if want := (attrs.SpotFigures{Checks: 2, Sampled: 7, Checked: 4, Proposed: 3, Marked: 2, Correct: 3, Problems: 2}); err != nil || f != want {
			t.Errorf("海珠区's figures %+v, want %+v (%v)", f, want, err)
		}
		if f, _ := attrs.SpotFiguresOf(ctx, d, w.bj, 2026); f.Sampled != 1 || f.Checks != 1 {
			t.Errorf("北京's figures %+v: the city's check draws one", f)
		}

		// The workbook: a row per unit, a row per document.
		var buf bytes.Buffer
		if err := attrs.WriteSpotXLSX(&buf, c, items); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("按单位")
		if len(rows) != 3 || rows[1][1] != "赤岗街道办事处" || rows[1][2] != "3" || rows[1][5] != "66" || rows[1][10] != "2" {
			t.Errorf("rows by unit: %q", rows)
		}
		rows, _ = x.GetRows("抽查明细")
		if len(rows) != 6 || rows[1][8] != "否" || rows[1][10] != "文件版头未标注公开属性" {
			t.Errorf("detail rows: %q", rows)
		}

		if err := record(w.hzOffice, items[4], attrs.Answers{Proposed: "yes", Marked: "yes", Correct: "yes"}); err != nil {
			t.Fatal(err)
		}
		w.tx(t, func(ctx context.Context, tx *db.Tx) (err error) {
			c, err = attrs.CloseSpotCheck(ctx, tx, w.hzOffice, c)
			return err
		})
		if c.Status != attrs.SpotClosed || c.ClosedBy != "hz-office" {
			t.Errorf("closed %+v", c)
		}
		wantKind(t, "recording after closing", record(w.hzOffice, items[0], answers[1]), errs.Conflict)
	})
}
