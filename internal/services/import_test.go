package services_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/services"
)

// guideCSV is a table with the usual variants of the headers (办理材料,
// 法定办结时限, 承诺办结时限, 办公地址): one complete guide and one with only
// its name, type and event.
const guideCSV = "事项名称,事项类型,设定依据,申请条件,办理材料,办理流程,法定办结时限,承诺办结时限,收费标准,办公地址,办理时间,咨询电话,投诉电话,在线办理,服务对象,主题\n" +
	"生育登记,公共服务,《广东省人口与计划生育条例》,夫妻双方或一方户籍在本街道,\"1.居民身份证（原件1份）\n2.结婚证（复印件2份）\",申请→受理→审核→办结,5个工作日,即办,不收费,赤岗街道政务服务中心,工作日9:00-18:00,020-89012345,12345,https://www.gdzwfw.gov.cn/,户籍居民,生育、婚姻\n" +
	"高龄老人津贴申领,行政给付,,,,,,,,,,,,,,养老\n"

var wantImport = services.ImportResult{Rows: 2, Created: 2, Incomplete: []services.Incomplete{
	{Name: "高龄老人津贴申领", Missing: []string{"申请条件", "申请材料", "办理流程", "法定时限/承诺时限", "收费标准", "办理地点", "咨询电话"}}}}

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// xlsxOf writes a CSV's rows as a workbook, under a title row as such
// files often have.
func xlsxOf(t *testing.T, csv string) []byte {
	t.Helper()
	f, err := services.ReadFile("t.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	x := excelize.NewFile()
	x.SetCellValue("Sheet1", "A1", "赤岗街道政务服务事项办事指南")
	for i, r := range f.Sheets[0].Rows {
		row := make([]any, len(r))
		for j, c := range r {
			row[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		x.SetSheetRow("Sheet1", cell, &row)
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (w *world) importFile(name string, data []byte, publish bool) (services.ImportResult, error) {
	var res services.ImportResult
	err := w.try(func(ctx context.Context, tx *db.Tx) error {
		f, err := services.ReadFile(name, bytes.NewReader(data))
		if err != nil {
			return err
		}
		res, err = services.ImportGuides(ctx, tx, w.cgRev, services.Import{Unit: w.cg, Publish: publish, FileName: name, File: f})
		return err
	})
	return res, err
}

func TestImportGuides(t *testing.T) {
	for _, c := range []struct {
		name string
		data func(t *testing.T) []byte
	}{
		{"utf8.csv", func(*testing.T) []byte { return []byte(guideCSV) }},
		{"bom.csv", func(*testing.T) []byte { return []byte("\ufeff" + guideCSV) }},
		{"gbk.csv", func(t *testing.T) []byte { return gbk(t, guideCSV) }},
		{"guides.xlsx", func(t *testing.T) []byte { return xlsxOf(t, guideCSV) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := dbtest.SQLite(t)
			w := newWorld(t, d)
			ctx := context.Background()
			res, err := w.importFile(c.name, c.data(t), true)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantImport, res); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			gs, err := services.PublishedOf(ctx, d, w.cg)
			if err != nil || len(gs) != 2 {
				t.Fatalf("published %d guides: %v", len(gs), err)
			}
			g := gs[0] // 生育登记, before 高龄… in byte order
			want := services.Content{Name: "生育登记", Type: services.PublicService, Basis: "《广东省人口与计划生育条例》", Conditions: "夫妻双方或一方户籍在本街道",
				Materials: []services.Material{{Name: "居民身份证", Form: services.FormPaper, Copies: 1, Original: true}, {Name: "结婚证", Form: services.FormPaper, Copies: 2}},
				Steps:     []string{"申请", "受理", "审核", "办结"}, LegalDays: days(5), PromisedDays: days(0), Fee: "不收费", Place: "赤岗街道政务服务中心",
				Hours: "工作日9:00-18:00", Phone: "020-89012345", ComplaintPhone: "12345", OnlineURL: "https://www.gdzwfw.gov.cn/", Served: "户籍居民",
				Events: []string{"生育", "婚姻"}}
			if diff := cmp.Diff(want, g.Content); diff != "" {
				t.Errorf("imported guide (-want +got):\n%s", diff)
			}
			// Importing again updates by name: the next versions, published.
			res, err = w.importFile(c.name, c.data(t), true)
			if err != nil || res.Created != 0 || res.Updated != 2 || res.Rows != 2 {
				t.Fatalf("again: %+v %v", res, err)
			}
			if g, _ := services.PublishedByID(ctx, d, g.ID); g.Version != 2 {
				t.Errorf("re-imported guide is version %d", g.Version)
			}
		})
	}
}

// A bad row fails the whole import with its line, and nothing is written.
func TestImportRefusesBadRows(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		lines := strings.Split(strings.TrimSuffix(guideCSV, "\n"), "\n")
		header := lines[0]
		// Lines count rows as a spreadsheet shows them: the first data row
		// is row 2 though a cell of it breaks a line of the file.
		row := func(s string) string {
			return header + "\n" + lines[1] + "\n" + lines[2] + "\n" + lines[3] + "\n" + s + "\n"
		}
		for _, c := range []struct {
			name, file, want string
		}{
			{"no type", row("居住证签注,,,,,,,,,,,,,,,"), "第4行缺少“事项类型”。"},
			{"no name", row(",行政确认,,,,,,,,,,,,,,"), "第4行缺少“事项名称”。"},
			{"bad type", row("居住证签注,便民服务,,,,,,,,,,,,,,"), "第4行的事项类型“便民服务”无效"},
			{"bad limit", row("居住证签注,行政确认,,,,,一个月,,,,,,,,,"), "第4行的“法定时限”为“一个月”，不是工作日数"},
			{"natural days", row("居住证签注,行政确认,,,,,,30个自然日,,,,,,,,"), "第4行的“承诺时限”为“30个自然日”"},
			{"promise longer", row("居住证签注,行政确认,,,,,5,10,,,,,,,,"), "第4行：承诺时限不能长于法定时限。"},
			{"bad address", row("居住证签注,行政确认,,,,,,,,,,,,javascript:alert(1),,"), "第4行：网址应以http://或https://开头。"},
			{"twice", row(lines[3]), "第4行的事项“高龄老人津贴申领”与第3行重名"},
			{"no header", "甲,乙\n1,2\n", "找不到表头"},
			{"empty", "", "文件是空的"},
		} {
			_, err := w.importFile("bad.csv", []byte(c.file), false)
			if msg := i18n.Error(i18n.Zh, err); errs.KindOf(err) != errs.Invalid || !strings.Contains(msg, c.want) {
				t.Errorf("%s: %q, want %q", c.name, msg, c.want)
			}
			if n := w.count(t, "services") + w.count(t, "service_versions"); n != 0 {
				t.Fatalf("%s: %d rows written", c.name, n)
			}
		}
		// Publishing needs the right to publish.
		err := w.try(func(ctx context.Context, tx *db.Tx) error {
			f, _ := services.ReadFile("t.csv", strings.NewReader(guideCSV))
			_, err := services.ImportGuides(ctx, tx, w.cgEd, services.Import{Unit: w.cg, Publish: true, File: f})
			return err
		})
		if errs.KindOf(err) != errs.Forbidden || w.count(t, "services") != 0 {
			t.Errorf("an editor imports and publishes: %v", err)
		}
	})
}

func TestParseMaterialsAndDays(t *testing.T) {
	got := services.ParseMaterials("1.居民身份证（原件及复印件各1份）；2.户口簿复印件2份\n3、申请表（电子或纸质） 4.委托书原件")
	want := []services.Material{{Name: "居民身份证", Form: services.FormPaper, Copies: 1, Original: true},
		{Name: "户口簿", Form: services.FormPaper, Copies: 2}, {Name: "申请表", Form: services.FormEither, Copies: 1},
		{Name: "委托书", Form: services.FormPaper, Copies: 1, Original: true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("materials (-want +got):\n%s", diff)
	}
	if got := services.ParseSteps("1.申请 2.受理->审查；决定"); !cmp.Equal(got, []string{"申请", "受理", "审查", "决定"}) {
		t.Errorf("steps %v", got)
	}
	for text, want := range map[string]int{"20个工作日": 20, "二十个工作日": 20, "15日": 15, "即办": 0, "当场办结": 0, "3": 3} {
		if n, ok := services.ParseDays(text); !ok || n == nil || *n != want {
			t.Errorf("%q: %v %v, want %d", text, n, ok, want)
		}
	}
	for _, text := range []string{"", "无", "—"} {
		if n, ok := services.ParseDays(text); !ok || n != nil {
			t.Errorf("%q: %v %v, want no limit", text, n, ok)
		}
	}
	for _, text := range []string{"一个月", "30个自然日", "-5", "1001"} {
		if _, ok := services.ParseDays(text); ok {
			t.Errorf("%q read as days", text)
		}
	}
}

func FuzzParseMaterials(f *testing.F) {
	f.Add("1.居民身份证（原件1份）\n2.结婚证（复印件2份）")
	f.Add("（1）申请表；（2）委托书原件")
	f.Add("①②③")
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range services.ParseMaterials(s) {
			if strings.TrimSpace(m.Name) == "" || m.Copies < 0 {
				t.Errorf("%q: material %+v", s, m)
			}
		}
		services.ParseSteps(s)
		if n, ok := services.ParseDays(s); ok && n != nil && (*n < 0 || *n > 1000) {
			t.Errorf("%q: days %d", s, *n)
		}
	})
}
