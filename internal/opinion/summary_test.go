package opinion_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/opinion"
	"gongkai/internal/readertest"
)

// summaryWorld registers, in October 2026, a major item 赤岗 answers in
// time and 新港 late, and a general item given to 赤岗 not yet due; in
// September an item of 越秀 and one of 海珠 that count elsewhere.
func summaryWorld(t *testing.T, d *db.DB) *world {
	w := newWorld(t, d)
	w.register(w.hz, opinion.General) // found 30 September
	w.register(w.yx, opinion.Major)
	w.on("2026-10-09")
	major := opinion.Input{Title: "网传某路段封闭施工无公告", Source: opinion.Hotline, Level: opinion.Major, Summary: "市民来电反映施工封路无公告。", Found: "2026-10-09T07:40"}
	it := w.must(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
		return opinion.Register(ctx, tx, w.hz, major)
	})
	it, err := w.assign(w.hz, it.ID, "", "440105-001", "440105-002") // due 2026-10-10
	if err != nil {
		t.Fatal(err)
	}
	w.on("2026-10-10")
	if _, err := w.respond(w.cgEd, it.ID, partFor(t, it, "440105-001").ID); err != nil {
		t.Fatal(err)
	}
	w.on("2026-10-12")
	if _, err := w.respond(w.xgEd, it.ID, partFor(t, it, "440105-002").ID); err != nil {
		t.Fatal(err)
	}
	w.must(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
		return opinion.Close(ctx, tx, w.hz, it.ID, "已办结。")
	})
	general := major
	general.Title, general.Source, general.Level, general.Found = "小区垃圾清运不及时", opinion.Netizen, opinion.General, "2026-10-12T08:15"
	it = w.must(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
		return opinion.Register(ctx, tx, w.hz, general)
	})
	if _, err := w.assign(w.hz, it.ID, "2026-10-30", "440105-001"); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestMonthSummary(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := summaryWorld(t, d)
		ctx := context.Background()
		asOf, _ := calendar.ParseDate("2026-10-20")
		s, err := opinion.MonthSummary(ctx, d, w.c.Haizhu, "2026-10", asOf)
		if err != nil {
			t.Fatal(err)
		}
		yes, no := true, false
		rate := 0.5
		want := opinion.Summary{Scope: s.Scope, ScopeCode: "440105", ScopeName: "海珠区人民政府", Month: "2026-10", AsOf: "2026-10-20", Total: 2,
			ByLevel:  []opinion.Count{{"general", 1}, {"significant", 0}, {"major", 1}},
			BySource: []opinion.Count{{"online", 0}, {"press", 0}, {"broadcast", 0}, {"hotline", 1}, {"netizen", 1}, {"other", 0}},
			ByState:  []opinion.Count{{"registered", 0}, {"assigned", 1}, {"responded", 0}, {"closed", 1}},
			Parts:    3, Responded: 2, OnTime: 1, Late: 1, Waiting: 1, OnTimeRate: &rate,
			Items: []opinion.Line{
				{ID: s.Items[0].ID, Found: "2026-10-09", Title: "网传某路段封闭施工无公告", Source: "hotline", Level: "major", State: "closed", Office: "海珠区人民政府",
					Closed: "2026-10-12", Parts: []opinion.LinePart{
						{Unit: "赤岗街道办事处", Code: "440105-001", Due: "2026-10-10", Responded: "2026-10-10", OnTime: &yes},
						{Unit: "新港街道办事处", Code: "440105-002", Due: "2026-10-10", Responded: "2026-10-12", OnTime: &no}}},
				{ID: s.Items[1].ID, Found: "2026-10-12", Title: "小区垃圾清运不及时", Source: "netizen", Level: "general", State: "assigned", Office: "海珠区人民政府",
					Parts: []opinion.LinePart{{Unit: "赤岗街道办事处", Code: "440105-001", Due: "2026-10-30"}}},
			}}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
		if r, ok := s.Rate(); !ok || r != "50.0%" {
			t.Errorf("rate %q", r)
		}
		// The city's month holds 海珠's items; 越秀's September is its own.
		city, err := opinion.MonthSummary(ctx, d, w.c.City, "2026-10", asOf)
		if err != nil || city.Total != 2 {
			t.Errorf("city: %d %v", city.Total, err)
		}
		sep, err := opinion.MonthSummary(ctx, d, w.c.Yuexiu, "2026-09", asOf)
		if err != nil || sep.Total != 1 || sep.OnTimeRate != nil || sep.Items[0].Level != "major" {
			t.Errorf("越秀 September: %+v %v", sep, err)
		}
		for _, m := range []string{"2026-1", "2026-13", "202610", "1999-12", "2026-11", "十月", "2026-10-01"} {
			if _, err := opinion.MonthSummary(ctx, d, w.c.Haizhu, m, asOf); errs.KindOf(err) != errs.Invalid || errs.As(err).Field != "month" {
				t.Errorf("month %q: %v", m, err)
			}
		}
	})
}

// The workbook opens in openpyxl with its counts and one line per item,
// and prints landscape with its header on every page.
func TestSummaryXLSX(t *testing.T) {
	d := dbtest.SQLite(t)
	w := summaryWorld(t, d)
	asOf, _ := calendar.ParseDate("2026-10-20")
	s, err := opinion.MonthSummary(context.Background(), d, w.c.Haizhu, "2026-10", asOf)
	if err != nil {
		t.Fatal(err)
	}
	since := time.Now()
	var b bytes.Buffer
	if err := opinion.WriteXLSX(&b, s, i18n.Zh); err != nil {
		t.Fatal(err)
	}
	wb := readertest.MustOpenXLSX(t, b.Bytes())
	readertest.CheckWorkbook(t, wb, since)
	if wb.Title != "海珠区人民政府舆情事项办理情况月报（2026-10）" {
		t.Errorf("title %q", wb.Title)
	}
	c := wb.Sheet(t, "汇总")
	byWhat := map[string]any{}
	for _, r := range c.Rows[4:] {
		byWhat[r[0].(string)+"/"+r[1].(string)] = r[2]
	}
	for k, v := range map[string]any{"舆情事项/合计": 2.0, "级别/重大": 1.0, "来源/12345热线": 1.0, "状态/已办结": 1.0,
		"交办回应/按时回应": 1.0, "交办回应/超期（含超期未回应）": 1.0, "交办回应/按时回应率": 0.5} {
		if byWhat[k] != v {
			t.Errorf("%s = %v, want %v", k, byWhat[k], v)
		}
	}
	l := wb.Sheet(t, "事项明细")
	if len(l.Rows) != 4 || l.Cell(2, 3) != "标题" || l.Cell(3, 3) != "网传某路段封闭施工无公告" || l.Cell(3, 7) != "赤岗街道办事处\n新港街道办事处" ||
		l.Cell(3, 10) != "是\n否" || l.Cell(4, 10) != "未到期" || l.Cell(3, 1) != float64(s.Items[0].ID) {
		t.Errorf("items: %v", l.Rows)
	}
	if l.Orientation != "landscape" || l.PrintTitleRows != "$2:$2" || c.PrintTitleRows != "$4:$4" {
		t.Errorf("print set-up: %s %q %q", l.Orientation, l.PrintTitleRows, c.PrintTitleRows)
	}
}
