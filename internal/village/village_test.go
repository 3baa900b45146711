package village_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
	"gongkai/internal/village"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// 赤岗's 养老服务 catalog: two items of 乡、村级, one 乡级 only.
const chigangCatalog = `序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级
1,养老服务补贴,高龄老年人津贴,补贴对象、标准,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,赤岗街道,■政府网站,全社会,主动,乡、村级
2,养老服务补贴,补贴发放结果,发放对象、金额,《广东省养老服务条例》,每季度结束后15日内,赤岗街道,■政府网站,全社会,主动,乡、村级
3,社区居家养老服务,长者饭堂,服务地点、开放时间,《广州市社区居家养老服务管理办法》,信息形成或者变更之日起20个工作日内,赤岗街道,■政府网站,全社会,主动,乡级
`

const townText = "2026年第三季度高龄老年人津贴发放1286人，金额38.6万元。"

type world struct {
	d                      *db.DB
	c                      orgtest.City
	village                org.Unit // 赤岗村 beside orgtest's 赤岗社区
	cgEd, comEd, xgEd, hz0 auth.Account
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{d: d}
	ctx := context.Background()
	d.SetClock(func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, calendar.China) })
	err := d.InTx(ctx, func(tx *db.Tx) error {
		w.c = orgtest.Build(t, ctx, tx)
		var err error
		if w.village, err = org.Create(ctx, tx, "test", nil, org.NewUnit{Code: "440105-001-02", Name: "赤岗北社区", Kind: org.Community, ParentCode: "440105-001"}); err != nil {
			return err
		}
		w.cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, w.c.Chigang)
		w.comEd = orgtest.Account(t, ctx, tx, "com-editor", "", auth.UnitEditor, w.c.Community)
		w.xgEd = orgtest.Account(t, ctx, tx, "xg-editor", "", auth.UnitEditor, w.c.Xingang)
		w.hz0 = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, w.c.Haizhu)
		if err := catalog.SyncDomains(ctx, tx); err != nil {
			return err
		}
		tb, err := catalog.ReadTable("c.csv", strings.NewReader(chigangCatalog))
		if err != nil {
			return err
		}
		admin := auth.Account{Login: "cli:test", Role: auth.Admin, Unit: w.c.City}
		if _, err := catalog.ImportCatalog(ctx, tx, admin, catalog.CatalogImport{Unit: w.c.Chigang, Domain: "养老服务", Publish: true, Table: tb}); err != nil {
			return err
		}
		_, err = info.Import(ctx, tx, "test", nil, strings.NewReader(
			`{"unit":"440105-001","index_no":"cg-1","title":"赤岗街道2026年第三季度高龄老年人津贴发放情况公示","written_date":"2026-10-09","published_date":"2026-10-10","catalog_item":"高龄老年人津贴","body_text":"`+townText+`"}`))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) try(fn func(ctx context.Context, tx *db.Tx) error) error {
	ctx := context.Background()
	return w.d.InTx(ctx, func(tx *db.Tx) error { return fn(ctx, tx) })
}

func (w *world) save(a auth.Account, v org.Unit, key, content, link string) error {
	return w.try(func(ctx context.Context, tx *db.Tx) error {
		_, err := village.SaveEntry(ctx, tx, a, v, key, content, link)
		return err
	})
}

func (w *world) list(t *testing.T, v org.Unit) village.List {
	t.Helper()
	l, err := village.ListOf(context.Background(), w.d, v)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func fields(err error) []string { return errs.Fields(err) }

func TestList(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		l := w.list(t, w.c.Community)
		if len(l.Entries) != len(village.Standards())+2 || len(village.Standards()) != 10 {
			t.Fatalf("%d entries, want the 10 standard items and the town's two 村级 ones", len(l.Entries))
		}
		var shared []village.Entry
		for _, e := range l.Entries {
			if e.Shared() {
				shared = append(shared, e)
			}
		}
		if shared[0].Name != "高龄老年人津贴" || shared[1].Name != "补贴发放结果" {
			t.Fatalf("shared items %q, %q", shared[0].Name, shared[1].Name)
		}
		// The shared item shows the town's record; the other has none yet.
		if !shared[0].FromTown() || shared[0].TownRecord.IndexNo != "cg-1" || shared[0].TownRecord.BodyText != townText || shared[1].Published() {
			t.Fatalf("shared entries %+v", shared)
		}
		key := shared[0].Key
		if _, err := village.ListOf(context.Background(), d, w.c.Chigang); !slices.Equal(fields(err), []string{"unit"}) {
			t.Errorf("a street's list: %v", err)
		}
		// Bad input, each naming its field; 新港's editor is out of scope.
		for _, c := range []struct {
			key, content, link string
			want               []string
		}{
			{"std:dw-1", "", "", []string{"content"}},
			{"std:dw-1", "党员名册", "javascript:alert(1)", []string{"link_url"}},
			{"std:dw-1", strings.Repeat("长", 5001), "", []string{"content"}},
			{"std:nope", "内容", "", []string{"item"}},
		} {
			if err := w.save(w.comEd, w.c.Community, c.key, c.content, c.link); !slices.Equal(fields(err), c.want) {
				t.Errorf("%q %q: %v, want %v", c.key, c.link, fields(err), c.want)
			}
		}
		if err := w.save(w.xgEd, w.c.Community, "std:dw-1", "内容", ""); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("新港 wrote: %v", err)
		}
		if err := w.save(w.comEd, w.c.Community, "std:dw-1", "社区党委书记：李某；党员86名。", "https://example.org/dangwu"); err != nil {
			t.Fatal(err)
		}
		// The same text with other line breaks says the same; other text
		// differs.
		if err := w.save(w.comEd, w.c.Community, key, "2026年第三季度高龄老年人津贴发放1286人，\n金额38.6万元。", ""); err != nil {
			t.Fatal(err)
		}
		if l := w.list(t, w.c.Community); len(l.Differences()) != 0 {
			t.Errorf("differences %v", l.Differences())
		}
		if err := w.save(w.cgEd, w.c.Community, key, "2026年第三季度高龄老年人津贴发放1200人，金额36万元。", ""); err != nil {
			t.Fatal(err)
		}
		if err := w.save(w.comEd, w.c.Community, shared[1].Key, "补贴已发放。", ""); err != nil {
			t.Fatal(err)
		}
		l = w.list(t, w.c.Community)
		if diff := l.Differences(); len(diff) != 2 || diff[0].Key != key || diff[1].TownRecord != nil {
			t.Fatalf("differences %+v", diff)
		}
		e, _ := l.Entry("std:dw-1")
		if e.Content != "社区党委书记：李某；党员86名。" || e.UpdatedBy != "com-editor" || e.Updated().IsZero() {
			t.Errorf("entry %+v", e)
		}
		// The village rule finds both, against the community; the other
		// community keeps no list and stays out; streets keep no village
		// findings.
		run, err := inspect.Inspect(context.Background(), d, calendar.Default(), nil, inspect.Options{Scope: w.c.Haizhu})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range run.Units {
			if u.Code == w.village.Code {
				t.Error("a community without a list was inspected")
			}
			for _, f := range u.Findings {
				if f.Rule == inspect.VillageConsistency || u.Code == w.c.Community.Code {
					got = append(got, u.Code+" "+f.Rule+" "+f.Target+" "+f.Actual)
				}
			}
		}
		// Findings come by target.
		want := []string{
			"440105-001-01 village_consistency 养老服务：补贴发放结果 赤岗街道办事处尚未公开该事项的信息",
			"440105-001-01 village_consistency 养老服务：高龄老年人津贴 村（居）公开的内容与之不一致",
		}
		if !slices.Equal(got, want) {
			t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// Emptied, the shared item shows the town's record again.
		if err := w.save(w.comEd, w.c.Community, key, "", ""); err != nil {
			t.Fatal(err)
		}
		if e, _ := w.list(t, w.c.Community).Entry(key); !e.FromTown() {
			t.Errorf("emptied entry %+v", e)
		}
	})
}

func TestVisits(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		add := func(a auth.Account, town org.Unit, in village.VisitInput) error {
			return w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := village.AddVisit(ctx, tx, a, town, in)
				return err
			})
		}
		ok := village.VisitInput{Village: "440105-001-01", Date: "2026-11-12", People: "赤岗街道党政办 王某、陈某", Findings: "公开栏内容齐全，财务公开未按月更新。", Advice: "每月10日前更新财务公开栏。"}
		for _, c := range []struct {
			edit func(*village.VisitInput)
			want []string
		}{
			{func(in *village.VisitInput) { in.Date = "2026-13-01" }, []string{"date"}},
			{func(in *village.VisitInput) { in.Date = "2026-11-21" }, []string{"date"}},
			{func(in *village.VisitInput) { in.Date = "2020-10-31" }, []string{"date"}},
			{func(in *village.VisitInput) { in.Village = "440104-001" }, []string{"village"}},
			{func(in *village.VisitInput) { in.Village = "440105-001" }, []string{"village"}},
			{func(in *village.VisitInput) { in.People, in.Findings, in.Advice = " ", "", "" }, []string{"advice", "findings", "people"}},
			{func(in *village.VisitInput) { in.Advice = strings.Repeat("改", 5001) }, []string{"advice"}},
		} {
			in := ok
			c.edit(&in)
			if err := add(w.cgEd, w.c.Chigang, in); !slices.Equal(fields(err), c.want) {
				t.Errorf("%+v: %v, want %v", in, fields(err), c.want)
			}
		}
		if err := add(w.xgEd, w.c.Chigang, ok); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("新港 recorded 赤岗's visit: %v", err)
		}
		if err := add(w.comEd, w.c.Community, ok); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a community recorded a visit: %v", err)
		}
		if err := add(w.cgEd, w.c.Chigang, ok); err != nil {
			t.Fatal(err)
		}
		r, err := village.YearReport(context.Background(), d, w.c.Haizhu, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if r.Villages != 2 || r.Visited != 1 || len(r.Visits) != 1 || len(r.Towns) != 2 {
			t.Fatalf("report %+v", r)
		}
		cg := r.Towns[0]
		if cg.Town.Code != "440105-001" || cg.Villages != 2 || cg.Visited != 1 || cg.Covered() || len(cg.NotVisited) != 1 || cg.NotVisited[0].Code != w.village.Code {
			t.Errorf("赤岗's row %+v", cg)
		}
		if r2, _ := village.YearReport(context.Background(), d, w.c.Haizhu, 2025); len(r2.Visits) != 0 || r2.Visited != 0 {
			t.Errorf("2025 report %+v", r2)
		}
		var buf bytes.Buffer
		if err := r.XLSX(&buf, i18n.Zh); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetList()[1])
		if len(rows) != 2 || rows[1][0] != "2026-11-12" || rows[1][2] != "赤岗社区" || rows[1][5] != ok.Advice {
			t.Errorf("visit sheet %q", rows)
		}
		sum, _ := f.GetRows(f.GetSheetList()[0])
		if len(sum) != 5 || sum[2][0] != "赤岗街道办事处" || sum[2][1] != "2" || sum[2][2] != "1" || sum[2][4] != "赤岗北社区" {
			t.Errorf("summary sheet %q", sum)
		}
	})
}
