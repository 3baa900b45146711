package inspect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
)

// effort adds to the world two districts whose units did more or less:
// in 白云区 (440111) the district itself and 无为街道 did nothing and
// 目录街道 published its catalog only; in 天河区 (440106) the district,
// 按时街道 and 迟发街道 published their catalogs, every item's information
// and the four standard columns, 迟发街道 one record a working day late.
func effort(t *testing.T, w *world) {
	t.Helper()
	ctx := context.Background()
	street := guideline[:strings.Index(guideline, "\n3,")+1]                                                // the township items
	county := guideline[:strings.Index(guideline, "\n")+1] + guideline[strings.Index(guideline, "\n3,")+1:] // the county item
	err := w.d.InTx(ctx, func(tx *db.Tx) error {
		for _, n := range []org.NewUnit{
			{Code: "440111", Name: "白云区", Kind: org.District, ParentCode: "440100"},
			{Code: "440111-001", Name: "无为街道", Kind: org.Street, ParentCode: "440111"},
			{Code: "440111-002", Name: "目录街道", Kind: org.Street, ParentCode: "440111"},
			{Code: "440106", Name: "天河区", Kind: org.District, ParentCode: "440100"},
			{Code: "440106-001", Name: "按时街道", Kind: org.Street, ParentCode: "440106"},
			{Code: "440106-002", Name: "迟发街道", Kind: org.Street, ParentCode: "440106"},
		} {
			if _, err := org.Create(ctx, tx, "test", nil, n); err != nil {
				return err
			}
		}
		admin := auth.Account{Login: "cli:test", Role: auth.Admin, Unit: w.city}
		for code, csv := range map[string]string{"440111-002": street, "440106": county, "440106-001": street, "440106-002": street} {
			u, err := org.ByCode(ctx, tx, code)
			if err != nil {
				return err
			}
			tb, err := catalog.ReadTable("c.csv", strings.NewReader(csv))
			if err != nil {
				return err
			}
			if _, err := catalog.ImportCatalog(ctx, tx, admin, catalog.CatalogImport{Unit: u, Domain: "养老服务", Publish: true, Table: tb}); err != nil {
				return err
			}
		}
		// The 20th working day after 2026-02-06 is 2026-03-12, after
		// 2026-09-18 it is 2026-10-22 (see newWorld).
		rec := func(unit, no, item, written, published string) string {
			return fmt.Sprintf(`{"unit":%q,"index_no":%q,"title":"%s %s","written_date":%q,"published_date":%q,"catalog_item":%q,"body_text":"内容"}`,
				unit, no, unit, no, written, published, item)
		}
		var lines []string
		for _, u := range []struct{ code, published string }{{"440106-001", "2026-10-22"}, {"440106-002", "2026-10-23"}} {
			lines = append(lines, rec(u.code, u.code+"-0", "高龄津贴", "2026-02-06", "2026-03-12"),
				rec(u.code, u.code+"-1", "高龄津贴", "2026-09-18", u.published),
				rec(u.code, u.code+"-2", "补贴发放结果", "2026-10-09", "2026-10-10"))
		}
		lines = append(lines, rec("440106", "440106-1", "养老机构名录", "2026-10-09", "2026-10-12"))
		for _, code := range []string{"440106", "440106-001", "440106-002"} {
			for _, col := range []string{info.ColumnGuide, info.ColumnRules, info.ColumnReports} {
				lines = append(lines, rec(code, code+"-"+col, "", "2026-01-05", "2026-01-06"))
			}
		}
		if _, err := info.Import(ctx, tx, "test", nil, strings.NewReader(strings.Join(lines, "\n"))); err != nil {
			return err
		}
		for _, col := range []string{info.ColumnGuide, info.ColumnRules, info.ColumnReports} {
			if _, err := tx.Exec(ctx, `UPDATE info_records SET column_code = ? WHERE index_no LIKE ?`, col, "%-"+col); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// vetoes returns the rules whose single veto (单项否决) a unit's findings carry.
func vetoes(u inspect.UnitResult) []string {
	var out []string
	for _, f := range u.Findings {
		if f.Veto() {
			out = append(out, f.Rule)
		}
	}
	return out
}

// deducted is what the findings of one rule cost a unit.
func deducted(u inspect.UnitResult, rule string) float64 {
	p := 0.0
	for _, f := range u.Findings {
		if f.Rule == rule {
			p += f.Points
		}
	}
	return p
}

func TestScoresFollowEffort(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		effort(t, w)
		run := w.run(t, nil, w.city, "", true)
		nothing, catalogOnly := unitOf(t, run, "440111-001"), unitOf(t, run, "440111-002")
		onTime, late := unitOf(t, run, "440106-001"), unitOf(t, run, "440106-002")
		if !(onTime.Score > late.Score && late.Score > catalogOnly.Score && catalogOnly.Score >= nothing.Score) {
			t.Errorf("scores do not follow effort: on time %.1f, late %.1f, catalog only %.1f, nothing %.1f",
				onTime.Score, late.Score, catalogOnly.Score, nothing.Score)
		}
		for _, u := range []inspect.UnitResult{nothing, catalogOnly} {
			if u.Score >= inspect.PassMark || u.Passed {
				t.Errorf("%s passed with %.1f: %+v", u.Name, u.Score, u.Findings)
			}
		}
		for _, u := range []inspect.UnitResult{onTime, late} {
			if u.Score < inspect.PassMark || !u.Passed {
				t.Errorf("%s failed with %.1f: %+v", u.Name, u.Score, u.Findings)
			}
		}
		if onTime.Score != 100 || len(onTime.Findings) != 0 {
			t.Errorf("按时街道 scored %.1f: %+v", onTime.Score, onTime.Findings)
		}
		// 迟发街道: one of its two records under a limit counted in days
		// (the quarterly one has none) was late, half the timeliness weight.
		if late.Score != 100-7.5 {
			t.Errorf("迟发街道 scored %.1f: %+v", late.Score, late.Findings)
		}
		// Nothing: the whole catalog is missing (15), none of its two items
		// has information (20), all four columns are empty (10): 55, and
		// two vetoes.
		if nothing.Score != 55 || strings.Join(vetoes(nothing), " ") != "catalog_completeness empty_column" {
			t.Errorf("无为街道 scored %.1f with vetoes %v: %+v", nothing.Score, vetoes(nothing), nothing.Findings)
		}
		// Catalog only: no information for its two items (20), the
		// periodic one missing (10), the columns empty (10) would leave
		// 60; the empty columns veto caps it below the pass mark.
		if catalogOnly.Score != inspect.PassMark-1 || strings.Join(vetoes(catalogOnly), " ") != "empty_column" {
			t.Errorf("目录街道 scored %.1f with vetoes %v: %+v", catalogOnly.Score, vetoes(catalogOnly), catalogOnly.Findings)
		}
		// Costs in proportion to what is missing: 新港 lists one of the two
		// township items, half the completeness weight; neither has
		// information, the whole loading weight.
		xg := unitOf(t, run, "440105-002")
		if got := deducted(xg, inspect.CatalogCompleteness); math.Abs(got-7.5) > 1e-9 {
			t.Errorf("新港 completeness cost %v, want 7.5", got)
		}
		if got := deducted(xg, inspect.Loading); math.Abs(got-20) > 1e-9 {
			t.Errorf("新港 loading cost %v, want 20", got)
		}
		// The workbook says the verdict and what failed a unit outright.
		var buf bytes.Buffer
		if err := inspect.WriteXLSX(&buf, run, map[string]string{inspect.CatalogCompleteness: "目录完整性", inspect.EmptyColumn: "空白栏目"}); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("得分")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(rows[0], "|"); got != "单位代码|单位名称|得分|结论|单项否决|问题数" {
			t.Errorf("score sheet header: %s", got)
		}
		sheet := map[string][]string{}
		for _, r := range rows[1:] {
			sheet[r[0]] = r
		}
		for code, want := range map[string]string{
			"440111-001": "55|不合格|目录完整性：没有已发布的标准目录；空白栏目：四个标准栏目均为空白",
			"440111-002": "59|不合格|空白栏目：四个标准栏目均为空白",
			"440106-001": "100|合格|",
			"440106-002": "92.5|合格|",
		} {
			if r := sheet[code]; len(r) < 5 || strings.Join(r[2:5], "|") != want {
				t.Errorf("score sheet row of %s: %q, want %s", code, r, want)
			}
		}
		// A saved run reads back the same verdicts.
		again, err := inspect.LoadRun(context.Background(), d, run.ID, w.cityOffice)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []inspect.UnitResult{nothing, catalogOnly, onTime, late} {
			if got := unitOf(t, again, u.Code); got.Passed != u.Passed || got.Score != u.Score || len(vetoes(got)) != len(vetoes(u)) {
				t.Errorf("%s reloaded: %.1f passed %v vetoes %v; was %.1f %v %v", u.Code, got.Score, got.Passed, vetoes(got), u.Score, u.Passed, vetoes(u))
			}
		}
	})
}

func TestEmptyDistrictDoesNotOutrankWorkingOne(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		effort(t, w)
		run := w.run(t, nil, w.city, "", false)
		empty, working := unitOf(t, run, "440111"), unitOf(t, run, "440106")
		if empty.Score >= working.Score || empty.Passed || !working.Passed {
			t.Errorf("白云区 (nothing) %.1f passed %v, 天河区 (working) %.1f passed %v", empty.Score, empty.Passed, working.Score, working.Passed)
		}
		// The averages the public results page ranks districts by.
		avg := func(code string) float64 {
			sum, n := 0.0, 0
			for _, u := range run.Units {
				if strings.HasPrefix(u.Code, code) {
					sum += u.Score
					n++
				}
			}
			return sum / float64(n)
		}
		if avg("440111") >= avg("440106") {
			t.Errorf("白云区 averages %.1f, 天河区 %.1f", avg("440111"), avg("440106"))
		}
	})
}

// A rule set saved before rules were scored in proportion, with an office's
// own weight, gets a new version that scores them so and keeps the weight.
func TestOldRulesAreRescored(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		old := inspect.DefaultRules()
		for i := range old {
			if old[i].Proportional {
				old[i].Proportional, old[i].Veto, old[i].Deduction = false, false, 1
			}
			if old[i].ID == inspect.CatalogCompleteness {
				old[i].Weight, old[i].Description = 12, "旧说明"
			}
		}
		js, err := json.Marshal(old)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(js), "proportional") {
			t.Fatalf("old rules carry the new fields: %s", js)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO inspect_rulesets (version, rules, comment, created_by, created_at) VALUES (1, ?, '默认规则', 'system', ?)`, string(js), tx.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		run := w.run(t, nil, w.city, "", false)
		if run.RulesVersion != 2 {
			t.Fatalf("run with rules version %d, want 2", run.RulesVersion)
		}
		bj := unitOf(t, run, "440104-001")
		if bj.Passed || strings.Join(vetoes(bj), " ") != "catalog_completeness empty_column" {
			t.Errorf("北京街道 (no catalog) under the rescored rules: %.1f, vetoes %v", bj.Score, vetoes(bj))
		}
		// 北京街道 lacks its one required domain: the whole (office's) weight.
		if got := deducted(bj, inspect.CatalogCompleteness); got != 12 {
			t.Errorf("北京街道 completeness cost %v, want the office's weight 12", got)
		}
		s, err := inspect.RulesVersion(ctx, d, 2)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := s.Rule(inspect.CatalogCompleteness)
		if !r.Proportional || !r.Veto || r.Weight != 12 || r.Description == "旧说明" || !strings.Contains(s.Comment, "catalog_completeness") {
			t.Errorf("rescored rule %+v, comment %q", r, s.Comment)
		}
		if p, _ := s.Rule(inspect.Privacy); p.Proportional || p.Deduction != 5 {
			t.Errorf("privacy changed: %+v", p)
		}
	})
}
