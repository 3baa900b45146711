package catalog_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

const header = "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级\n"

func row(level1, level2 string) string {
	return "1," + level1 + "," + level2 + ",对象、标准,《条例》,信息形成或者变更之日起20个工作日内,赤岗街道,■政府网站,全社会,主动,乡级\n"
}

func runImport(t *testing.T, w *world, name string, file []byte, domain string, publish bool) (catalog.ImportSummary, error) {
	t.Helper()
	tb, err := catalog.ReadTable(name, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var sum catalog.ImportSummary
	err = w.tx(func(ctx context.Context, tx *db.Tx) error {
		a := auth.Account{Login: "cli:test", Role: auth.Admin, Unit: w.cg}
		sum, err = catalog.ImportCatalog(ctx, tx, a, catalog.CatalogImport{Unit: w.cg, Domain: domain, Publish: publish, FileName: name, Table: tb})
		return err
	})
	return sum, err
}

func TestImportCatalogLayouts(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()

		// One domain named on the command line.
		sum, err := runImport(t, w, "a.csv", []byte(header+row("养老服务补贴", "高龄津贴")+row("养老服务补贴", "护理补贴")), "养老服务领域", true)
		if err != nil || sum.Layout != catalog.LayoutOneDomain || sum.ItemsByDomain["养老服务"] != 2 || !sum.Published {
			t.Fatalf("one domain: %+v %v", sum, err)
		}
		c := w.load(t, w.cg)
		if c.Status != catalog.Published || len(c.Items) != 2 {
			t.Errorf("imported catalog %s with %d items", c.Status, len(c.Items))
		}

		// A 领域 column with an old and an unknown name.
		file := "领域," + header
		file += "医疗卫生," + row("基本公共卫生服务", "服务项目")[0:] + "城市绿化," + row("古树名木", "名录")
		sum, err = runImport(t, w, "b.csv", []byte(file), "", false)
		if err != nil || sum.Layout != catalog.LayoutDomainColumn || sum.ItemsByDomain["卫生健康"] != 1 || sum.ItemsByDomain["城市绿化"] != 1 ||
			len(sum.UnknownDomains) != 1 || sum.UnknownDomains[0] != "城市绿化" {
			t.Fatalf("domain column: %+v %v", sum, err)
		}

		// 一级事项 holding the domain, as many town catalogs do.
		sum, err = runImport(t, w, "c.csv", []byte(header+row("社会救助", "低保对象")+row("社会救助", "特困供养")+row("就业", "招聘信息")), "", false)
		if err != nil || sum.Layout != catalog.LayoutDomainInLevel1 || sum.ItemsByDomain["社会救助"] != 2 || sum.ItemsByDomain["就业"] != 1 {
			t.Fatalf("domain in 一级事项: %+v %v", sum, err)
		}
		dom, _, _ := catalog.ResolveDomain(ctx, d, nil, "社会救助")
		if c, err := catalog.Load(ctx, d, w.cg, dom); err != nil || c.Items[0].Level1 != "低保对象" {
			t.Errorf("items of 社会救助: %+v %v", c.Items, err)
		}

		// One sheet per domain.
		f := excelize.NewFile()
		for i, sheet := range []string{"公共法律服务", "户籍管理"} {
			if i == 0 {
				f.SetSheetName("Sheet1", sheet)
			} else {
				f.NewSheet(sheet)
			}
			for r, line := range strings.Split(strings.TrimSpace(header+row("法律援助", "援助条件")), "\n") {
				cells := strings.Split(line, ",")
				vals := make([]any, len(cells))
				for i, c := range cells {
					vals[i] = c
				}
				cell, _ := excelize.CoordinatesToCellName(1, r+1)
				f.SetSheetRow(sheet, cell, &vals)
			}
		}
		var buf bytes.Buffer
		f.Write(&buf)
		sum, err = runImport(t, w, "d.xlsx", buf.Bytes(), "", false)
		if err != nil || sum.Layout != catalog.LayoutSheetPerDomain || sum.ItemsByDomain["公共法律服务"] != 1 || sum.ItemsByDomain["户籍管理"] != 1 {
			t.Fatalf("sheet per domain: %+v %v", sum, err)
		}

		// A title row naming the domain.
		sum, err = runImport(t, w, "e.csv", []byte("涉农补贴领域基层政务公开标准目录,,,\n"+header+row("补贴政策", "耕地地力保护补贴")), "", false)
		if err != nil || sum.Layout != catalog.LayoutTitle || sum.ItemsByDomain["涉农补贴"] != 1 {
			t.Fatalf("title: %+v %v", sum, err)
		}
	})
}

func TestImportCatalogAllOrNothing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		// A blank shared cell takes the value above it, so a missing 公开依据
		// shows on the first row; 公开内容 belongs to each row.
		bad := strings.Replace(row("养老服务补贴", "高龄津贴"), "《条例》", "", 1) + strings.Replace(row("养老服务补贴", "护理补贴"), "对象、标准", "", 1)
		_, err := runImport(t, w, "bad.csv", []byte(header+bad), "养老服务", true)
		if errs.KindOf(err) != errs.Invalid {
			t.Fatalf("rows without 公开依据 and 公开内容: %v", err)
		}
		if msg := i18n.Error(i18n.Zh, err); msg != "第2行缺少“公开依据”；第3行缺少“公开内容（要素）”。" {
			t.Errorf("message %q", msg)
		}
		if _, err := catalog.Load(ctx, d, w.cg, w.dom); errs.KindOf(err) != errs.NotFound {
			t.Errorf("a failed import left a catalog: %v", err)
		}
		// A file whose domain cannot be told.
		_, err = runImport(t, w, "x.csv", []byte(header+row("高龄津贴", "")), "", false)
		if e := errs.As(err); e == nil || e.Key != "import.no_domain" {
			t.Errorf("no domain: %v", err)
		}
	})
}
