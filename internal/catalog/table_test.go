package catalog

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/internal/errs"
	"gongkai/internal/zipguard/bombtest"
)

// A town catalog as published: a title row, a two-row header with tick
// boxes, a blank 一级事项 meaning "same as above", and an extra column.
const townCSV = `养老服务领域基层政务公开标准目录,,,,,,,,,,,,,,
序号,公开事项,,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,,公开方式,,公开层级,,备注
,一级事项,二级事项,,,,,,全社会,特定群体,主动,依申请,县级,乡级,
1,养老服务通用政策,国家和地方层面养老服务相关法律、法规、政策文件,文件名称、文号、发文部门,《中华人民共和国政府信息公开条例》,制定或获取文件之日起10个工作日内,县级人民政府民政部门,■政府网站 ■两微一端 ■政务服务中心,√,,√,,√,√,
2,,养老服务补贴,补贴对象、补贴标准、申请程序,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,镇人民政府,■政府网站 ■公开查阅点,√,√,√,,,√,已公开
`

func TestReadCSVTwoRowHeader(t *testing.T) {
	tb, err := ReadTable("town.csv", strings.NewReader(townCSV))
	if err != nil {
		t.Fatal(err)
	}
	if tb.Encoding != "utf-8" || len(tb.Rows) != 2 {
		t.Fatalf("encoding %s, %d rows", tb.Encoding, len(tb.Rows))
	}
	r := tb.Rows[0].Cells
	if r[ColLevel1] != "养老服务通用政策" || r[ColLevel2] != "国家和地方层面养老服务相关法律、法规、政策文件" {
		t.Errorf("items: %q / %q", r[ColLevel1], r[ColLevel2])
	}
	if r[ColAudience] != "全社会" || r[ColMethod] != "主动" || r[ColLevel] != "县级、乡级" {
		t.Errorf("ticks: audience %q method %q level %q", r[ColAudience], r[ColMethod], r[ColLevel])
	}
	r2 := tb.Rows[1]
	if r2.Line != 5 {
		t.Errorf("second row on line %d, want 5", r2.Line)
	}
	if r2.Cells[ColLevel1] != "养老服务通用政策" {
		t.Errorf("blank 一级事项 not filled from above: %q", r2.Cells[ColLevel1])
	}
	if r2.Cells[ColAudience] != "全社会、特定群体" || r2.Cells[ColLevel] != "乡级" {
		t.Errorf("row 2 ticks: %q %q", r2.Cells[ColAudience], r2.Cells[ColLevel])
	}
	if len(tb.Ignored) != 1 || tb.Ignored[0] != "备注" {
		t.Errorf("ignored columns %v", tb.Ignored)
	}
}

func TestReadCSVGBK(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(townCSV)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := ReadTable("town.csv", strings.NewReader(gbk))
	if err != nil {
		t.Fatal(err)
	}
	if tb.Encoding != "gbk" || len(tb.Rows) != 2 || tb.Rows[1].Cells[ColLevel2] != "养老服务补贴" {
		t.Fatalf("GBK: %s %+v", tb.Encoding, tb.Rows)
	}
	// A UTF-8 byte-order mark is not part of the first header.
	tb, err = ReadTable("town.csv", strings.NewReader("\ufeff"+townCSV))
	if err != nil || len(tb.Rows) != 2 {
		t.Fatalf("BOM: %v", err)
	}
}

func TestReadCSVWithoutLevelColumn(t *testing.T) {
	csv := "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式\n" +
		"1,政策文件,涉农资金文件,文件名称,《政府信息公开条例》,20个工作日,镇级人民政府,■政府网站,全社会,主动\n"
	tb, err := ReadTable("x.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Rows) != 1 || tb.Rows[0].Cells[ColLevel] != "" || tb.Rows[0].Cells[ColAudience] != "全社会" {
		t.Fatalf("%+v", tb.Rows)
	}
	for _, c := range tb.Columns {
		if c == ColLevel {
			t.Error("公开层级 reported as present")
		}
	}
}

func TestReadXLSXMergedCells(t *testing.T) {
	f := excelize.NewFile()
	s := "Sheet1"
	rows := [][]any{
		{"社会救助领域基层政务公开标准目录"},
		{"序号", "公开事项", "", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象", "", "公开方式", "", "公开层级", "", "五公开"},
		{"", "一级事项", "二级事项", "", "", "", "", "", "全社会", "特定群体", "主动", "依申请", "县级", "乡级", ""},
		{1, "最低生活保障", "办事指南", "申请条件、申请材料", "《社会救助暂行办法》", "信息形成或者变更之日起20个工作日内", "县级民政部门、乡镇人民政府", "■政府网站", "√", "", "√", "", "√", "√", "决策"},
		{2, "", "审批结果", "救助对象、救助金额", "《社会救助暂行办法》", "每月10日前", "县级民政部门", "■公示栏", "", "√", "√", "", "√", "", "结果"},
		{3, "", "资金使用", "资金总额", "《社会救助暂行办法》", "每季度", "县级民政部门", "■政府网站", "√", "", "√", "", "√", "", ""},
	}
	for i, r := range rows {
		cellName, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(s, cellName, &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"A1", "O1"}, {"B2", "C2"}, {"I2", "J2"}, {"K2", "L2"}, {"M2", "N2"}, {"B4", "B6"}, {"E4", "E6"}} {
		if err := f.MergeCell(s, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tb, err := ReadTable("社会救助.xlsx", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Encoding != "xlsx" || len(tb.Rows) != 3 {
		t.Fatalf("%s, %d rows: %+v", tb.Encoding, len(tb.Rows), tb.Rows)
	}
	for i, r := range tb.Rows {
		if r.Cells[ColLevel1] != "最低生活保障" || r.Cells[ColBasis] != "《社会救助暂行办法》" {
			t.Errorf("row %d: merged cells not filled: %q %q", i, r.Cells[ColLevel1], r.Cells[ColBasis])
		}
		if r.Line != i+4 || r.Sheet != s {
			t.Errorf("row %d at %s line %d", i, r.Sheet, r.Line)
		}
	}
	if got := tb.Rows[1].Cells[ColAudience]; got != "特定群体" {
		t.Errorf("audience %q", got)
	}
	if len(tb.Ignored) != 1 || tb.Ignored[0] != "五公开" {
		t.Errorf("ignored %v", tb.Ignored)
	}
}

// junkReader yields n bytes without holding them.
type junkReader struct{ n int64 }

func (r *junkReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := int64(len(p))
	if k > r.n {
		k = r.n
	}
	for i := range p[:k] {
		p[i] = 'a'
	}
	r.n -= k
	return int(k), nil
}

func TestReadTableRefusesBrokenFiles(t *testing.T) {
	for name, c := range map[string]struct {
		file string
		r    io.Reader
		key  string
	}{
		"empty":        {"a.csv", strings.NewReader(""), "table.empty"},
		"blank":        {"a.csv", strings.NewReader(" \n\n"), "table.empty"},
		"wrong header": {"a.csv", strings.NewReader("姓名,电话,地址\n张三,1,2\n"), "table.no_header"},
		"binary junk":  {"a.csv", bytes.NewReader([]byte{0x00, 0x01, 0x7f, 0x00, 0x02}), "table.binary"},
		"not GBK":      {"a.csv", bytes.NewReader([]byte{0x81, 0x20, 0xff, 0xfe, 0x80, 0x81}), "table.bad_encoding"},
		"fake xlsx":    {"a.xlsx", strings.NewReader("not a workbook"), "table.bad_xlsx"},
		"broken zip":   {"a.xlsx", strings.NewReader("PK\x03\x04garbage"), "table.bad_xlsx"},
		"100 MB":       {"a.csv", &junkReader{n: 100 << 20}, "table.too_large"},
		// Zip bombs are refused before excelize opens them.
		"1 GiB bomb":   {"a.xlsx", bytes.NewReader(bombtest.Zeros("xl/worksheets/sheet1.xml", 1024, 1<<30)), "zip.too_large"},
		"forged bomb":  {"a.xlsx", bytes.NewReader(bombtest.Zeros("xl/sharedStrings.xml", 1024, 1000)), "zip.size_mismatch"},
		"5,000 parts":  {"a.xlsx", bytes.NewReader(bombtest.Many(5000)), "zip.too_many_entries"},
		"bomb as .csv": {"a.csv", bytes.NewReader(bombtest.Zeros("xl/worksheets/sheet1.xml", 1024, 1<<30)), "zip.too_large"},
	} {
		_, err := ReadTable(c.file, c.r)
		e := errs.As(err)
		if e == nil || e.Key != c.key || e.Kind != errs.Invalid {
			t.Errorf("%s: %v, want %s", name, err, c.key)
		}
	}
}

// BenchmarkReadTableCSV reads a 2,000-row catalog in GBK, the size of a
// district's compilation.
func BenchmarkReadTableCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&sb, "%d,养老服务补贴,高龄津贴%d,补贴对象、补贴标准、申领条件,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,街道办事处,■政府网站 □政府公报,全社会,主动,乡级\n", i+1, i)
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(sb.String())
	b.SetBytes(int64(len(gbk)))
	for b.Loop() {
		if _, err := ReadTable("big.csv", strings.NewReader(gbk)); err != nil {
			b.Fatal(err)
		}
	}
}
