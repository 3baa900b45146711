package services_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
	"gongkai/internal/services"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// world is the small city of orgtest with 市政务服务数据管理局 as the office
// responsible, its editor, 赤岗's editor and reviewer, 新港's editor, 海珠区's
// office and the city's disclosure office.
type world struct {
	d                                  *db.DB
	city, hz, cg, xg, bj, office       org.Unit
	cgEd, cgRev, xgEd, hz0, cityOffice auth.Account
	zwfw, admin                        auth.Account
	settings                           services.Settings
	cal                                *calendar.Calendar
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{d: d, cal: calendar.Default()}
	w.at("2026-09-28")
	w.tx(t, func(tx *db.Tx) error {
		ctx := context.Background()
		c := orgtest.Build(t, ctx, tx)
		w.city, w.hz, w.cg, w.xg, w.bj = c.City, c.Haizhu, c.Chigang, c.Xingang, c.Beijing
		var err error
		if w.office, err = org.Create(ctx, tx, "test", nil, org.NewUnit{Code: "440100-04", Name: "广州市政务服务数据管理局", Kind: org.CityDepartment, ParentCode: "440100"}); err != nil {
			return err
		}
		w.cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, w.cg)
		w.cgRev = orgtest.Account(t, ctx, tx, "cg-reviewer", "", auth.UnitReviewer, w.cg)
		w.xgEd = orgtest.Account(t, ctx, tx, "xg-editor", "", auth.UnitEditor, w.xg)
		w.hz0 = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, w.hz)
		w.cityOffice = orgtest.Account(t, ctx, tx, "gz-office", "", auth.PublicOfficeCity, w.city)
		w.zwfw = orgtest.Account(t, ctx, tx, "zwfw", "", auth.UnitReviewer, w.office)
		w.admin = orgtest.Account(t, ctx, tx, "root", "", auth.Admin, w.city)
		w.settings, err = services.SaveSettings(ctx, tx, w.admin, "440100-04", "https://www.gdzwfw.gov.cn/")
		return err
	})
	return w
}

// at sets the database clock to 09:00 China time on day.
func (w *world) at(day string) {
	d, err := calendar.ParseDate(day)
	if err != nil {
		panic(err)
	}
	t := time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, calendar.China)
	w.d.SetClock(func() time.Time { return t })
}

func (w *world) tx(t *testing.T, fn func(tx *db.Tx) error) {
	t.Helper()
	if err := w.d.InTx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func (w *world) try(fn func(ctx context.Context, tx *db.Tx) error) error {
	ctx := context.Background()
	return w.d.InTx(ctx, func(tx *db.Tx) error { return fn(ctx, tx) })
}

func (w *world) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func days(n int) *int { return &n }

// birth is a complete guide of 赤岗街道.
var birth = services.Content{Name: "生育登记", Type: services.PublicService, Basis: "《广东省人口与计划生育条例》第十九条",
	Conditions: "夫妻双方或一方户籍在本街道的", Materials: []services.Material{{Name: "居民身份证", Form: services.FormPaper, Copies: 1, Original: true},
		{Name: "结婚证", Form: services.FormPaper, Copies: 1, Original: true}},
	Steps: []string{"申请", "受理", "审核", "办结"}, LegalDays: days(5), PromisedDays: days(1), Fee: "不收费", Place: "赤岗街道政务服务中心",
	Hours: "工作日9:00-12:00，14:00-18:00", Phone: "020-89012345", ComplaintPhone: "12345", OnlineURL: "https://www.gdzwfw.gov.cn/",
	Served: "户籍居民", Events: []string{"生育"}}

// fields returns the fields an error names, sorted.
func fields(err error) []string {
	var out []string
	var m errs.Multi
	if errors.As(err, &m) {
		for _, e := range m {
			out = append(out, e.Field)
		}
	} else if e := errs.As(err); e != nil {
		out = append(out, e.Field)
	}
	slices.Sort(out)
	return out
}

func (w *world) create(t *testing.T, a auth.Account, u org.Unit, c services.Content) services.Guide {
	t.Helper()
	var g services.Guide
	w.tx(t, func(tx *db.Tx) error {
		var err error
		g, err = services.Create(context.Background(), tx, a, u, c)
		return err
	})
	return g
}

// publish submits g as a and publishes it as the unit's reviewer.
func (w *world) publish(t *testing.T, g services.Guide) services.Guide {
	t.Helper()
	w.tx(t, func(tx *db.Tx) error {
		ctx := context.Background()
		var err error
		if g, err = services.Submit(ctx, tx, w.cgEd, g); err == nil {
			g, err = services.Publish(ctx, tx, w.admin, g)
		}
		return err
	})
	return g
}

func TestGuideLifecycle(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()

		// Bad input names every field at fault and writes nothing.
		bad := birth
		bad.Name, bad.Type, bad.OnlineURL = " ", "licence", "javascript:alert(1)"
		bad.PromisedDays, bad.LegalDays = days(10), days(5)
		bad.Materials = []services.Material{{Name: "", Note: "复印件", Form: "fax", Copies: 200}}
		err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := services.Create(ctx, tx, w.cgEd, w.cg, bad)
			return err
		})
		want := []string{"material_copies_0", "material_form_0", "material_name_0", "name", "online_url", "promised_days", "type"}
		if got := fields(err); !slices.Equal(got, want) {
			t.Errorf("bad guide: fields %v, want %v (%v)", got, want, err)
		}
		// Another street's editor may not write 赤岗's guides.
		err = w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := services.Create(ctx, tx, w.xgEd, w.cg, birth)
			return err
		})
		if errs.KindOf(err) != errs.Forbidden || w.count(t, "services") != 0 {
			t.Fatalf("新港 writes 赤岗's guide: %v", err)
		}

		g := w.create(t, w.cgEd, w.cg, birth)
		if g.Status != services.Draft || g.Version != 1 {
			t.Fatalf("created %s v%d", g.Status, g.Version)
		}
		// The same name again in the unit is refused, naming the field.
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := services.Create(ctx, tx, w.cgEd, w.cg, birth)
			return err
		}); !slices.Equal(fields(err), []string{"name"}) {
			t.Errorf("duplicate name: %v", err)
		}
		w.tx(t, func(tx *db.Tx) error {
			var err error
			if g, err = services.Submit(ctx, tx, w.cgEd, g); err != nil {
				return err
			}
			// An editor does not publish; a reviewer returns with a comment.
			if _, err := services.Publish(ctx, tx, w.cgEd, g); errs.KindOf(err) != errs.Forbidden {
				t.Errorf("editor publishes: %v", err)
			}
			if _, err := services.Return(ctx, tx, w.cgRev, g, " "); !slices.Equal(fields(err), []string{"comment"}) {
				t.Errorf("return without comment: %v", err)
			}
			if _, err := services.Update(ctx, tx, w.cgEd, g, birth); errs.KindOf(err) != errs.Conflict {
				t.Errorf("edit in review: %v", err)
			}
			g, err = services.Return(ctx, tx, w.cgRev, g, "请补充办理时间")
			return err
		})
		if g.Status != services.Returned || g.Comment != "请补充办理时间" {
			t.Fatalf("returned: %+v", g)
		}
		w.tx(t, func(tx *db.Tx) error {
			var err error
			if g, err = services.Submit(ctx, tx, w.cgEd, g); err == nil {
				g, err = services.Publish(ctx, tx, w.cgRev, g)
			}
			return err
		})
		if g.Status != services.Published || g.Version != 2 || g.PublishedVersion != 2 {
			t.Fatalf("published: %s v%d (published v%d)", g.Status, g.Version, g.PublishedVersion)
		}
		// Editing the published guide opens version 3 as a draft; the
		// portal keeps version 2 until it is published.
		next := birth
		next.PromisedDays, next.Fee = nil, ""
		w.tx(t, func(tx *db.Tx) error {
			var err error
			g, err = services.Update(ctx, tx, w.cgEd, g, next)
			return err
		})
		if g.Status != services.Draft || g.Version != 3 {
			t.Fatalf("edited: %s v%d", g.Status, g.Version)
		}
		pub, err := services.PublishedByID(ctx, d, g.ID)
		if err != nil || pub.Version != 2 || pub.Fee != "不收费" || pub.Unit.Code != "440105-001" {
			t.Fatalf("published version: %+v %v", pub, err)
		}
		vs, err := services.Versions(ctx, d, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, itoa(v.Version)+string(v.Status))
		}
		if !slices.Equal(got, []string{"1submitted", "2submitted", "2published"}) {
			t.Errorf("versions %v", got)
		}
		diff := services.Diff(pub.Content, g.Content)
		var changed []string
		for _, c := range diff {
			changed = append(changed, c.Field+":"+c.Old+">"+c.New)
		}
		if !slices.Equal(changed, []string{"promised_days:1>", "fee:不收费>"}) {
			t.Errorf("diff %v", changed)
		}
		if miss := g.Missing(); !slices.Equal(miss, []services.Element{services.ElFee}) {
			t.Errorf("missing %v", miss)
		}
		// Withdrawing takes it off the portal and out of search.
		if hits, _ := services.Search(ctx, d, d.Dialect, "生育"); len(hits) != 1 {
			t.Errorf("search before withdrawal: %d hits", len(hits))
		}
		w.tx(t, func(tx *db.Tx) error {
			var err error
			g, err = services.Withdraw(ctx, tx, w.cgRev, g)
			return err
		})
		if _, err := services.PublishedByID(ctx, d, g.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("withdrawn guide still published: %v", err)
		}
		if hits, _ := services.Search(ctx, d, d.Dialect, "生育"); len(hits) != 0 {
			t.Errorf("search after withdrawal: %d hits", len(hits))
		}
		var actions []string
		rows, _ := d.Query(ctx, `SELECT action FROM audit_events WHERE object_type = 'service' ORDER BY id`)
		for rows.Next() {
			var a string
			rows.Scan(&a)
			actions = append(actions, a)
		}
		rows.Close()
		wantActions := []string{"service.create", "service.submitted", "service.returned", "service.submitted", "service.published", "service.edit", "service.withdrawn"}
		if diff := cmp.Diff(wantActions, actions); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestSearchFindsChineseText(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		for _, c := range []services.Content{birth,
			{Name: "城乡居民基本养老保险参保登记", Type: services.PublicService, Conditions: "年满16周岁的非从业城乡居民", Events: []string{"养老"}},
			{Name: "最低生活保障审核确认", Type: services.Benefit, Materials: []services.Material{{Name: "家庭经济状况核对授权书"}}}} {
			w.publish(t, w.create(t, w.cgEd, w.cg, c))
		}
		w.create(t, w.cgEd, w.cg, services.Content{Name: "未发布的生育服务", Type: services.PublicService})
		for _, c := range []struct {
			q    string
			want []string
		}{
			{"生育", []string{"生育登记"}},
			{"养老保险", []string{"城乡居民基本养老保险参保登记"}},
			{"核对授权书", []string{"最低生活保障审核确认"}}, // a material
			// By unit and name, in the order of the names' bytes on both engines.
			{"赤岗街道", []string{"城乡居民基本养老保险参保登记", "最低生活保障审核确认", "生育登记"}},
			{"保障 生活", []string{"最低生活保障审核确认"}},
			{"公积金", nil},
			{"  ", nil},
		} {
			hits, err := services.Search(ctx, d, d.Dialect, c.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.Name)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%q: %v, want %v", c.q, got, c.want)
			}
		}
	})
}
