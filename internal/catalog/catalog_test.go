package catalog_test

import (
	"context"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// world is a city with two districts, a street in each, and people.
type world struct {
	d                      *db.DB
	city, hz, yx, cg, bj   org.Unit
	editor, reviewer       auth.Account // 赤岗街道
	hzOffice, yxOffice     auth.Account
	hzEditor               auth.Account // an editor of the district government itself
	supervisor, otherSuper auth.Account
	dom                    catalog.Domain
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	syncDomains(t, d)
	w := &world{d: d}
	w.city = mustUnit(t, d, org.NewUnit{Code: "440100", Name: "广州市", Kind: org.City})
	w.hz = mustUnit(t, d, org.NewUnit{Code: "440105", Name: "海珠区", Kind: org.District, ParentCode: "440100"})
	w.yx = mustUnit(t, d, org.NewUnit{Code: "440104", Name: "越秀区", Kind: org.District, ParentCode: "440100"})
	w.cg = mustUnit(t, d, org.NewUnit{Code: "440105-001", Name: "赤岗街道", Kind: org.Street, ParentCode: "440105"})
	w.bj = mustUnit(t, d, org.NewUnit{Code: "440104-001", Name: "北京街道", Kind: org.Street, ParentCode: "440104"})
	mz := mustUnit(t, d, org.NewUnit{Code: "440100-14", Name: "广州市民政局", Kind: org.CityDepartment, ParentCode: "440100"})
	acct := func(login string, role auth.Role, u org.Unit, domain string) auth.Account {
		var a auth.Account
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			a, err = auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: login, DisplayName: login, Password: "password-2026", Role: role, UnitCode: u.Code, Domain: domain})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	w.editor = acct("cg-editor", auth.UnitEditor, w.cg, "")
	w.reviewer = acct("cg-reviewer", auth.UnitReviewer, w.cg, "")
	w.hzOffice = acct("hz-office", auth.PublicOfficeDistrict, w.hz, "")
	w.hzEditor = acct("hz-editor", auth.UnitEditor, w.hz, "")
	w.yxOffice = acct("yx-office", auth.PublicOfficeDistrict, w.yx, "")
	w.supervisor = acct("mz-super", auth.DomainSupervisor, mz, "养老服务")
	w.otherSuper = acct("mz-super2", auth.DomainSupervisor, mz, "社会救助")
	w.dom, _, _ = catalog.ResolveDomain(ctx, d, nil, "养老服务")
	if _, _, err := importGuideline(t, d, w.dom, guidelineV1); err != nil {
		t.Fatal(err)
	}
	return w
}

// tx runs fn in a transaction and returns its error.
func (w *world) tx(fn func(ctx context.Context, tx *db.Tx) error) error {
	ctx := context.Background()
	return w.d.InTx(ctx, func(tx *db.Tx) error { return fn(ctx, tx) })
}

func (w *world) load(t *testing.T, u org.Unit) catalog.Catalog {
	t.Helper()
	c, err := catalog.Load(context.Background(), w.d, u, w.dom)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCompileForAStreet(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		err := w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Compile(ctx, tx, w.editor, w.cg, w.dom)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c := w.load(t, w.cg)
		// The 县级-only policy item does not apply to a street; the 乡级 and
		// 乡、村级 items do, and are mandatory.
		if len(c.Items) != 2 || c.Items[0].Name() != "高龄津贴" || !c.Items[0].Mandatory || !c.Items[1].Mandatory {
			t.Fatalf("street catalog items: %+v", c.Items)
		}
		if c.Status != catalog.Draft || c.Version != 1 || c.GuidelineVersion != 1 {
			t.Errorf("new catalog: %s v%d from guideline v%d", c.Status, c.Version, c.GuidelineVersion)
		}
		// Compiling twice is a conflict; another district's office cannot
		// compile here.
		err = w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Compile(ctx, tx, w.editor, w.cg, w.dom)
			return err
		})
		if errs.KindOf(err) != errs.Conflict {
			t.Errorf("second compile: %v", err)
		}
		err = w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Compile(ctx, tx, w.yxOffice, w.cg, w.dom)
			return err
		})
		if errs.KindOf(err) != errs.Forbidden {
			t.Errorf("越秀区 office compiles for 赤岗街道: %v", err)
		}
		// A mandatory item cannot be removed.
		err = w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.SetItems(ctx, tx, w.editor, c, c.Items[:1])
			return err
		})
		if e := errs.As(err); e == nil || e.Key != "catalog.mandatory_removed" {
			t.Errorf("removing a mandatory item: %v", err)
		}
	})
}

func TestValidateNamesEveryMissingElement(t *testing.T) {
	c := catalog.Catalog{Items: []catalog.CatalogItem{
		{Item: catalog.Item{Seq: 1, Level1: "政策文件", Content: "文件", Basis: "", TimeLimit: "20个工作日", Subject: "", Channels: "■政府网站", Audience: "全社会", Method: "主动"}},
		{Item: catalog.Item{Seq: 2, Level1: "补贴", Level2: "高龄津贴", Content: "对象", Basis: "条例", TimeLimit: "", Subject: "镇政府", Channels: "■政府网站", Audience: "所有人", Method: "公开"}},
	}}
	err := c.Validate()
	msg := i18n.Error(i18n.Zh, err)
	for _, want := range []string{"第1项“政策文件”缺少“公开依据”", "第1项“政策文件”缺少“公开主体”", "第2项“高龄津贴”缺少“公开时限”", "公开方式“公开”无效", "公开对象“所有人”无效"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if m, ok := err.(errs.Multi); !ok || len(m) != 5 {
		t.Errorf("%d problems, want 5: %v", len(m), err)
	}
}

func TestReviewWorkflow(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Compile(ctx, tx, w.editor, w.cg, w.dom)
			return err
		}))
		// The guideline's 护理补贴 has an unparsed but present limit; blank
		// one element so the catalog cannot be submitted yet.
		c := w.load(t, w.cg)
		c.Items[1].Subject = ""
		must(w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.SetItems(ctx, tx, w.editor, c, c.Items)
			return err
		}))
		err := w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Submit(ctx, tx, w.editor, w.load(t, w.cg))
			return err
		})
		if errs.KindOf(err) != errs.Invalid {
			t.Fatalf("submitting an incomplete catalog: %v", err)
		}
		c = w.load(t, w.cg)
		c.Items[1].Subject = "赤岗街道办事处"
		c.Items = append(c.Items, catalog.CatalogItem{Local: true, Item: catalog.Item{Level1: "长者饭堂", Content: "地址、开放时间、收费标准", Basis: "《广州市社区居家养老服务管理办法》",
			TimeLimit: "信息形成或者变更之日起20个工作日内", Subject: "赤岗街道办事处", Channels: "■政府网站 ■社区公示栏", Audience: "全社会", Method: "主动", Levels: "乡级"}})
		must(w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.SetItems(ctx, tx, w.editor, c, c.Items)
			return err
		}))
		must(w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Submit(ctx, tx, w.editor, w.load(t, w.cg))
			return err
		}))

		// Neither the unit's editor nor its own reviewer, nor another
		// district's office, may approve or return it.
		for _, a := range []auth.Account{w.editor, w.reviewer, w.hzEditor, w.yxOffice, w.supervisor} {
			err := w.tx(func(ctx context.Context, tx *db.Tx) error {
				_, err := catalog.Approve(ctx, tx, a, w.load(t, w.cg), "")
				return err
			})
			if errs.KindOf(err) != errs.Forbidden {
				t.Errorf("%s approves: %v", a.Login, err)
			}
			err = w.tx(func(ctx context.Context, tx *db.Tx) error {
				_, err := catalog.Return(ctx, tx, a, w.load(t, w.cg), "不行", nil)
				return err
			})
			if errs.KindOf(err) != errs.Forbidden {
				t.Errorf("%s returns: %v", a.Login, err)
			}
		}
		// The district office returns it with a remark on item 3; a return
		// needs some comment.
		err = w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Return(ctx, tx, w.hzOffice, w.load(t, w.cg), " ", nil)
			return err
		})
		if errs.KindOf(err) != errs.Invalid {
			t.Errorf("return without comment: %v", err)
		}
		must(w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Return(ctx, tx, w.hzOffice, w.load(t, w.cg), "请补充", map[int]string{3: "请写明收费标准的依据"})
			return err
		}))
		c = w.load(t, w.cg)
		if c.Status != catalog.Returned || c.Comment != "请补充" || c.Items[2].Comment != "请写明收费标准的依据" || c.Items[0].Comment != "" {
			t.Fatalf("returned catalog: %s %q %+v", c.Status, c.Comment, c.Items)
		}
		c.Items[2].Basis = "《广州市社区居家养老服务管理办法》第十条"
		must(w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.SetItems(ctx, tx, w.editor, c, c.Items)
			return err
		}))
		must(w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Submit(ctx, tx, w.editor, w.load(t, w.cg))
			return err
		}))
		// Publishing before approval is refused.
		err = w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Publish(ctx, tx, w.hzOffice, w.load(t, w.cg))
			return err
		})
		if errs.KindOf(err) != errs.Conflict {
			t.Errorf("publish before approval: %v", err)
		}
		must(w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Approve(ctx, tx, w.hzOffice, w.load(t, w.cg), "同意")
			return err
		}))
		must(w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.Publish(ctx, tx, w.hzOffice, w.load(t, w.cg))
			return err
		}))
		c = w.load(t, w.cg)
		if c.Status != catalog.Published || c.PublishedVersion != 2 {
			t.Fatalf("published: %s v%d", c.Status, c.PublishedVersion)
		}
		// Editing a published catalog opens the next version; the published
		// one stays on the portal.
		c.Items[2].Content = "地址、开放时间、收费标准、服务对象"
		must(w.tx(func(ctx context.Context, tx *db.Tx) error {
			_, err := catalog.SetItems(ctx, tx, w.editor, c, c.Items)
			return err
		}))
		c = w.load(t, w.cg)
		pub, err := catalog.PublishedItems(ctx, d, c)
		if err != nil || c.Status != catalog.Draft || c.Version != 3 || c.PublishedVersion != 2 || pub[2].Content != "地址、开放时间、收费标准" {
			t.Fatalf("after editing: %s v%d (published v%d) %v", c.Status, c.Version, c.PublishedVersion, err)
		}
		// Every version is kept, and two versions can be compared.
		vs, err := catalog.Versions(ctx, d, c)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, v := range vs {
			trail = append(trail, string(v.Status)+"@"+string(rune('0'+v.Version)))
		}
		if strings.Join(trail, " ") != "submitted@1 submitted@2 approved@2 published@2" {
			t.Errorf("versions: %v", trail)
		}
		diff := catalog.DiffItems(catalog.Items(vs[0].Items), catalog.Items(vs[1].Items))
		if len(diff.Changed) != 1 || diff.Changed[0].Name != "长者饭堂" || diff.Changed[0].Fields[0] != "basis" {
			t.Errorf("diff v1→v2: %+v", diff)
		}
		// The domain supervisor reads any unit's catalog of its domain, not
		// of another.
		if !catalog.CanRead(w.supervisor, w.bj, w.dom) || catalog.CanRead(w.otherSuper, w.cg, w.dom) {
			t.Error("supervisor read scope")
		}
		if catalog.CanRead(w.yxOffice, w.cg, w.dom) {
			t.Error("越秀区 office reads 赤岗街道's catalog")
		}
	})
}

func TestGuidelineChangeNotifiesCatalogs(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		for _, u := range []struct {
			a auth.Account
			u org.Unit
		}{{w.editor, w.cg}, {w.yxOffice, w.bj}} {
			err := w.tx(func(ctx context.Context, tx *db.Tx) error {
				_, err := catalog.Compile(ctx, tx, u.a, u.u, w.dom)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := importGuideline(t, d, w.dom, guidelineV2); err != nil {
			t.Fatal(err)
		}
		ns, err := catalog.Notices(ctx, d, w.hz)
		if err != nil || len(ns) != 1 {
			t.Fatalf("海珠区 notices: %d %v", len(ns), err)
		}
		n := ns[0]
		// For a street: 护理补贴 (乡级) removed, 养老机构名录 (县级、乡级) added;
		// the 县级 policy item's change does not concern it.
		if n.UnitCode != "440105-001" || n.GuidelineVersion != 2 || len(n.Diff.Added) != 1 || len(n.Diff.Removed) != 1 || len(n.Diff.Changed) != 0 {
			t.Errorf("notice %+v", n)
		}
		if all, _ := catalog.Notices(ctx, d, w.city); len(all) != 2 {
			t.Errorf("city sees %d notices", len(all))
		}
		// Only someone in scope can close it; then the catalog follows v2.
		err = w.tx(func(ctx context.Context, tx *db.Tx) error { return catalog.CloseNotice(ctx, tx, w.yxOffice, n.ID) })
		if errs.KindOf(err) != errs.NotFound {
			t.Errorf("越秀区 closes 海珠区's notice: %v", err)
		}
		if err := w.tx(func(ctx context.Context, tx *db.Tx) error { return catalog.CloseNotice(ctx, tx, w.editor, n.ID) }); err != nil {
			t.Fatal(err)
		}
		if ns, _ := catalog.Notices(ctx, d, w.hz); len(ns) != 0 {
			t.Errorf("notice still open")
		}
		if c := w.load(t, w.cg); c.GuidelineVersion != 2 {
			t.Errorf("catalog follows guideline v%d", c.GuidelineVersion)
		}
	})
}
