package report_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"gongkai/internal/foi"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/readertest"
	"gongkai/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sample is a report with a value in every cell, built by hand so that
// the golden files do not depend on a database.
func sample() report.Report {
	r := report.Report{Unit: org.Unit{Code: "440105-001", Name: "赤岗街道办事处", Kind: org.Street}, Year: 2025,
		Texts: report.Texts{
			Overview:  "2025年，赤岗街道认真贯彻《中华人民共和国政府信息公开条例》。\n全年主动公开政府信息128条，其中<规范性文件> 2件 & 政策解读3篇。",
			Proactive: "规章和规范性文件按“谁制定、谁公开”的原则公开。",
			Problems:  "一是公开内容的规范性有待加强。\n二是依申请公开答复文书的格式仍需统一。",
			Other:     "本年度未收取信息处理费。",
		},
		Table2: report.Table2{Regulations: report.Documents{Made: 1, Repealed: 0, InForce: 3}, Normative: report.Documents{Made: 2, Repealed: 1, InForce: 14},
			Figures: report.Figures{Licensing: 1520, Penalty: 37, Enforcement: 4, Fees: "1.2345"}},
		Table3: report.Table3{Columns: report.Columns},
		Table4: report.Table4{Columns: report.Table4Columns, Review: []int{1, 1, 0, 1, 3}, SuitDirect: []int{0, 0, 1, 1, 2}, SuitAfterReview: []int{1, 0, 0, 0, 1}},
	}
	for i, k := range report.Rows {
		v := make(report.Counts, len(report.Columns))
		for j := range v {
			v[j] = (i + j) % 4
		}
		r.Table3.Rows = append(r.Table3.Rows, report.Row{Key: k, Values: v})
	}
	return r
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if diff := gocmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestHTMLGolden(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteHTML(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "annual.html", b.Bytes())
	page := b.String()
	for _, want := range []string{`<html lang="zh-CN">`, "<title>赤岗街道办事处2025年政府信息公开工作年度报告</title>", "@media print",
		"&lt;规范性文件&gt; 2件 &amp; 政策解读3篇", `<th scope="rowgroup" rowspan="22">三、本年度办理结果</th>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

// TestLabelsAsTheFormat checks the Chinese labels of table 3 against the
// format (国办公开办函〔2021〕30号) and that every label has an English one.
func TestLabelsAsTheFormat(t *testing.T) {
	want := []string{"一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
		"1.属于国家秘密", "2.其他法律行政法规禁止公开", `3.危及"三安全一稳定"`, "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
		"1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
		"1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
		"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他",
		"（七）总计", "四、结转下年度继续办理"}
	var got []string
	for _, k := range report.Rows {
		got = append(got, i18n.T(i18n.Zh, report.RowKey(k)))
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("row labels (-want +got):\n%s", diff)
	}
	wantRows := slices.Concat([]string{"new_received", "carried_over"}, foi.Results, []string{"total_processed", "carried_forward"})
	if !slices.Equal(report.Rows, wantRows) || len(report.Rows) != 25 {
		t.Errorf("rows %v", report.Rows)
	}
	keys := []string{}
	for _, k := range report.Rows {
		keys = append(keys, report.RowKey(k))
	}
	for _, c := range report.Columns {
		keys = append(keys, report.ColumnKey(c))
	}
	for _, s := range report.Sections {
		keys = append(keys, report.SectionKey(s))
	}
	for _, k := range keys {
		if !i18n.Has(k) || i18n.T(i18n.En, k) == i18n.T(i18n.Zh, k) {
			t.Errorf("%s: no English label", k)
		}
	}
}

// TestFragmentIsARecordBody: publishing keeps the whole report, since the
// record body's sanitizer changes nothing in it.
func TestFragmentIsARecordBody(t *testing.T) {
	for _, lang := range i18n.Langs {
		body, err := report.Fragment(sample(), lang)
		if err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(strings.TrimSpace(string(body)), info.SanitizeBody(string(body))); diff != "" {
			t.Errorf("%s: sanitizing changes the body (-want +got):\n%s", lang, diff)
		}
	}
}

func TestJSONShape(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteJSON(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "annual.json", b.Bytes())
	var v struct {
		Unit   struct{ Code, Name string }
		Year   int
		Table3 struct {
			Columns []string
			Rows    []struct {
				Key    string
				Values []int
			}
		}
		Table2   map[string]any
		Table4   map[string]any
		Sections []struct{ Key, Title, Text string }
		Check    struct {
			OK      bool
			Failing []string
		}
	}
	if err := json.Unmarshal(b.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if want := []string{"natural_person", "commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other", "total"}; !slices.Equal(v.Table3.Columns, want) {
		t.Errorf("columns %v", v.Table3.Columns)
	}
	if len(v.Table3.Rows) != 25 || v.Table3.Rows[0].Key != "new_received" || len(v.Table3.Rows[24].Values) != 7 {
		t.Errorf("rows %+v", v.Table3.Rows)
	}
	if v.Table2["fees"] != 1.2345 || v.Unit.Code != "440105-001" || v.Year != 2025 || len(v.Sections) != 6 || v.Sections[4].Title != "五、存在的主要问题及改进情况" {
		t.Errorf("report %+v", v)
	}
	// The sample's values do not balance.
	if v.Check.OK || len(v.Check.Failing) == 0 {
		t.Errorf("check %+v", v.Check)
	}
}

// dumpXLSX lists every sheet's cells and merged ranges, in order.
func dumpXLSX(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&b, "== %s\n", sheet)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				if v != "" {
					name, _ := excelize.CoordinatesToCellName(c+1, r+1)
					fmt.Fprintf(&b, "%s\t%s\n", name, v)
				}
			}
		}
		merged, err := f.GetMergeCells(sheet)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(merged, func(x, y excelize.MergeCell) int {
			xc, xr, _ := excelize.CellNameToCoordinates(x.GetStartAxis())
			yc, yr, _ := excelize.CellNameToCoordinates(y.GetStartAxis())
			return cmp.Or(xr-yr, xc-yc)
		})
		for _, m := range merged {
			fmt.Fprintf(&b, "merge %s:%s\n", m.GetStartAxis(), m.GetEndAxis())
		}
	}
	return b.String()
}

func TestXLSXGolden(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteXLSX(&b, sample()); err != nil {
		t.Fatal(err)
	}
	dump := dumpXLSX(t, b.Bytes())
	golden(t, "annual.xlsx.txt", []byte(dump))
	for _, want := range []string{"== 报告正文\nA1\t赤岗街道办事处2025年政府信息公开工作年度报告\n", "== 依申请公开情况\n", "\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\n", "\t1.2345\n"} {
		if !strings.Contains(dump, want) {
			t.Errorf("the workbook lacks %q", want)
		}
	}
}

// openpyxl opens the workbook (it refused border colours without alpha),
// read-only it sees every cell, and the properties are gongkai's.
func TestXLSXOpensInOpenpyxl(t *testing.T) {
	since := time.Now()
	var b bytes.Buffer
	r := sample()
	if err := report.WriteXLSX(&b, r); err != nil {
		t.Fatal(err)
	}
	wb := readertest.MustOpenXLSX(t, b.Bytes())
	readertest.CheckWorkbook(t, wb, since)
	if want := report.Title(i18n.Zh, r.Unit, r.Year); wb.Title != want {
		t.Errorf("title = %q, want %q", wb.Title, want)
	}
	var names []string
	for _, s := range wb.Sheets {
		names = append(names, s.Name)
	}
	if diff := gocmp.Diff([]string{"报告正文", "主动公开情况", "依申请公开情况", "复议诉讼情况"}, names); diff != "" {
		t.Errorf("sheets mismatch (-want +got):\n%s", diff)
	}
	if got := wb.Sheet(t, "报告正文").Cell(1, 1); got != "赤岗街道办事处2025年政府信息公开工作年度报告" {
		t.Errorf("A1 = %v", got)
	}
	// The last row of the appeals table, read-only, as numbers.
	appeals := wb.Sheet(t, "复议诉讼情况").Rows
	want := []any{1.0, 1.0, 0.0, 1.0, 3.0, 0.0, 0.0, 1.0, 1.0, 2.0, 1.0, 0.0, 0.0, 0.0, 1.0}
	if len(appeals) != 7 {
		t.Fatalf("read-only sees %d rows of the appeals sheet, want 7", len(appeals))
	}
	if diff := gocmp.Diff(want, appeals[6]); diff != "" {
		t.Errorf("appeals figures mismatch (-want +got):\n%s", diff)
	}
}
