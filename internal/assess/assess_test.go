package assess_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/assess"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/figures"
	"gongkai/internal/figures/figurestest"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/readertest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

func fields(err error) []string {
	var m errs.Multi
	if errors.As(err, &m) {
		var out []string
		for _, e := range m {
			out = append(out, e.Field)
		}
		return out
	}
	if e := errs.As(err); e != nil {
		return []string{e.Field}
	}
	return nil
}

func weights(ws ...string) map[string]string {
	out := map[string]string{}
	for i, k := range assess.Keys {
		out[k] = ws[i]
	}
	return out
}

// TestSchemeVersions: a year starts from the default weights; the city
// office saves versions, each checked whole; others may not.
func TestSchemeVersions(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := figurestest.New(t, d)
		w.At("2026-03-02")
		ctx := context.Background()
		s, err := assess.SchemeFor(ctx, d, 2026)
		if err != nil || s.Version != 0 || !cmp.Equal(s.Components, assess.DefaultComponents()) {
			t.Fatalf("default scheme %+v %v", s, err)
		}
		sum := 0
		for _, c := range assess.DefaultComponents() {
			sum += c.Weight
		}
		if sum != 100 {
			t.Errorf("the default weights add up to %d", sum)
		}
		save := func(a string, year int, ws map[string]string, comment string) (assess.Scheme, error) {
			var s assess.Scheme
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				s, err = assess.SaveScheme(ctx, tx, w.Account(a), year, ws, comment)
				return err
			})
			return s, err
		}
		for _, c := range []struct {
			who     string
			year    int
			ws      map[string]string
			comment string
			want    []string
			kind    errs.Kind
		}{
			{"hz-office", 2026, weights("30", "20", "20", "10", "10", "10"), "区里改", nil, errs.Forbidden},
			{"cg-editor", 2026, weights("30", "20", "20", "10", "10", "10"), "单位改", nil, errs.Forbidden},
			{"gz-office", 2026, weights("30", "20", "20", "10", "10", "5"), "和不足100", []string{"weights"}, errs.Invalid},
			{"gz-office", 2026, weights("30.5", "二十", "-1", "101", "", "10"), "", []string{"weight_inspection", "weight_tasks", "weight_applications",
				"weight_interpretation", "weight_messages", "comment"}, errs.Invalid},
			{"gz-office", 2019, weights("30", "20", "20", "10", "10", "10"), "太早", []string{"year"}, errs.Invalid},
			{"gz-office", 2028, weights("30", "20", "20", "10", "10", "10"), "太晚", []string{"year"}, errs.Invalid},
		} {
			_, err := save(c.who, c.year, c.ws, c.comment)
			if errs.KindOf(err) != c.kind || (c.want != nil && !slices.Equal(fields(err), c.want)) {
				t.Errorf("%s %d %v: %v (fields %v), want %v %v", c.who, c.year, c.ws, err, fields(err), c.kind, c.want)
			}
		}
		var n int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM assess_schemes`).Scan(&n)
		if n != 0 {
			t.Fatalf("refused saves wrote %d schemes", n)
		}
		v1, err := save("gz-office", 2026, weights("40", "20", "20", "0", "10", "10"), "政策解读数据暂未接入，权重并入网上巡查")
		if err != nil || v1.Version != 1 {
			t.Fatalf("v1 %+v %v", v1, err)
		}
		v2, err := save("admin", 2026, weights(" 30", "20", "20", "10", "10", "10 "), "恢复政策解读权重")
		if err != nil || v2.Version != 2 {
			t.Fatalf("v2 %+v %v", v2, err)
		}
		if _, err := save("gz-office", 2027, weights("30", "20", "20", "10", "10", "10"), "下一年度"); err != nil {
			t.Errorf("next year's scheme: %v", err)
		}
		cur, err := assess.SchemeFor(ctx, d, 2026)
		if err != nil || cur.Version != 2 || cur.Weight(assess.Interpretation) != 10 || cur.CreatedBy != "admin" {
			t.Errorf("current %+v %v", cur, err)
		}
		vs, err := assess.Versions(ctx, d, 2026)
		if err != nil || len(vs) != 2 || vs[1].Weight(assess.Inspection) != 40 || vs[1].Comment != "政策解读数据暂未接入，权重并入网上巡查" {
			t.Errorf("versions %+v %v", vs, err)
		}
		d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'assess.scheme'`).Scan(&n)
		if n != 3 {
			t.Errorf("%d audit events for 3 versions", n)
		}
	})
}

// TestScoresFromTheYear scores 赤岗街道's 2026 from the known year: each
// component by its formula from the hand-counted figures, interpretation
// left out while no source is registered and its weight spread over the
// others, and in once one is.
func TestScoresFromTheYear(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := figurestest.New(t, d)
		w.Year2026()
		ctx := context.Background()
		srcs := assess.Builtin(func() *calendar.Calendar { return w.Cal })
		s, err := assess.SchemeFor(ctx, d, 2026)
		if err != nil {
			t.Fatal(err)
		}
		insp, err := figures.InspectionOf(ctx, d, w.Chigang, figures.PeriodOf(d, 2026))
		if err != nil {
			t.Fatal(err)
		}
		r, err := assess.Score(ctx, d, srcs, s, w.Chigang)
		if err != nil {
			t.Fatal(err)
		}
		r2 := func(x float64) float64 { return math.Round(x*100) / 100 }
		// Tasks: 1 on time of 2 accepted and 1 overdue. Applications: 2 on
		// time of 3 replies and 1 overdue, less 20 for the review lost.
		// Messages: 1 on time of 2 answered and 1 overdue. Catalogs: 4 of 5
		// items loaded.
		want := map[string]float64{"inspection": insp.Mean, "tasks": 33.33, "applications": 30, "messages": 33.33, "catalogs": 80}
		got := map[string]float64{}
		for _, c := range r.Components {
			if c.Available {
				got[c.Key] = c.Score
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("component scores (-want +got):\n%s", diff)
		}
		if c, _ := r.Component(assess.Interpretation); c.Connected || c.Available || c.Weight != 10 {
			t.Errorf("interpretation without a source: %+v", c)
		}
		total := r2((30*insp.Mean + 20*100.0/3 + 20*30 + 10*100.0/3 + 10*80) / 90)
		if math.Abs(r.Score-total) > 0.011 || r.Points != r2(r.Score/100*4) {
			t.Errorf("score %v points %v, want %v and %v", r.Score, r.Points, total, r2(total/100*4))
		}

		// Registered, interpretation counts with its weight.
		srcs[assess.Interpretation] = func(context.Context, db.Querier, org.Unit, int) (assess.Measure, error) {
			return assess.Measure{Score: 100, Available: true}, nil
		}
		with, err := assess.Score(ctx, d, srcs, s, w.Chigang)
		if err != nil {
			t.Fatal(err)
		}
		if want := r2((r.Score*90 + 1000) / 100); math.Abs(with.Score-want) > 0.011 {
			t.Errorf("with interpretation %v, want %v", with.Score, want)
		}

		// 新港: inspected, no catalog published (a street: 0), nothing else.
		xg, err := assess.Score(ctx, d, assess.Builtin(func() *calendar.Calendar { return w.Cal }), s, w.Xingang)
		if err != nil {
			t.Fatal(err)
		}
		xi, _ := figures.InspectionOf(ctx, d, w.Xingang, figures.PeriodOf(d, 2026))
		if want := r2(30 * xi.Mean / 40); math.Abs(xg.Score-want) > 0.011 {
			t.Errorf("新港 %v, want %v (%+v)", xg.Score, want, xg.Components)
		}

		// The JSON of a result has exactly its keys, null for a component
		// left out.
		js, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back struct {
			Code       string           `json:"code"`
			Score      float64          `json:"score"`
			Points     float64          `json:"points"`
			Components []map[string]any `json:"components"`
		}
		dec := json.NewDecoder(bytes.NewReader(js))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&back); err != nil {
			t.Fatalf("%v: %s", err, js)
		}
		if back.Code != "440105-001" || back.Score != r.Score || back.Points != r.Points || len(back.Components) != 6 {
			t.Errorf("JSON %s", js)
		}
		for _, c := range back.Components {
			if len(c) != 3 || (c["key"] == "interpretation") != (c["score"] == nil) {
				t.Errorf("component %v", c)
			}
		}

		// The units of 海珠区 that are assessed.
		units, err := assess.Units(ctx, d, w.Haizhu)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, u := range units {
			codes = append(codes, u.Code)
		}
		if !slices.Equal(codes, []string{"440105", "440105-001", "440105-002"}) {
			t.Errorf("units %v", codes)
		}
	})
}

// The workbook opens in openpyxl with the title, a header naming each
// component with its weight and a row per unit.
func TestXLSXReadBack(t *testing.T) {
	d := dbtest.SQLite(t)
	w := figurestest.New(t, d)
	w.Year2026()
	ctx := context.Background()
	s, _ := assess.SchemeFor(ctx, d, 2026)
	units, _ := assess.Units(ctx, d, w.Haizhu)
	results, err := assess.Assess(ctx, d, assess.Builtin(func() *calendar.Calendar { return w.Cal }), s, units)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	since := time.Now()
	if err := assess.WriteXLSX(&b, i18n.Zh, w.Haizhu, s, results); err != nil {
		t.Fatal(err)
	}
	wb := readertest.MustOpenXLSX(t, b.Bytes())
	readertest.CheckWorkbook(t, wb, since)
	sh := wb.Sheet(t, "考核结果")
	if sh.Cell(1, 1) != "海珠区人民政府2026年度政务公开考核结果" || sh.Cell(2, 3) != "网上巡查得分（权重30）" || sh.Cell(2, 9) != "总分" {
		t.Errorf("head: %v / %v", sh.Rows[0], sh.Rows[1])
	}
	if len(sh.Rows) != 5 || sh.Cell(4, 1) != "赤岗街道办事处" || sh.Cell(4, 5) != 30.0 || sh.Cell(4, 6) != nil ||
		sh.Cell(4, 9) != results[1].Score || sh.Cell(4, 10) != results[1].Points {
		t.Errorf("rows: %v", sh.Rows)
	}
}
