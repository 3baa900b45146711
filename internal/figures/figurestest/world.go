// Package figurestest builds, for tests, a small city with one known year
// of work: 赤岗街道's 2026 — a published catalog and the records loaded
// against it, consultations, messages, targeted notices, applications
// with an appeal, task parts and inspections — done through each
// capability's own functions, on the days the comments say, so that the
// counts of package figures, and the reports and scores written from
// them, can be checked against numbers worked out by hand (Want).
package figurestest

import (
	"context"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
)

// World is the city: orgtest's units plus 广州市民政局, the accounts that
// work in it, and the 养老服务 domain with a guideline of five items for
// streets.
type World struct {
	T   testing.TB
	D   *db.DB
	Cal *calendar.Calendar
	orgtest.City
	Mz org.Unit // 广州市民政局, which leads 养老服务
	// Admin has the whole city; CityOffice and Office (海珠区) are the
	// 政务公开办; Editor and Reviewer work at 赤岗街道, XgReviewer at 新港街道;
	// Supervisor follows 养老服务 at 广州市民政局.
	Admin, CityOffice, Office, Editor, Reviewer, XgReviewer, Supervisor auth.Account
	Domain                                                              catalog.Domain
	// Runs are the ids of the saved inspection runs of 2026 that scored
	// 赤岗街道, the re-check's last; Notice is the rectification notice
	// sent after the second.
	Runs   []int64
	Notice int64
}

// guideline has five items, all for streets (乡级): 高龄津贴, 护理补贴,
// 长者饭堂, 服务项目, 紧急救援.
const guideline = `序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级
1,养老服务补贴,高龄津贴,补贴对象、标准,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,乡镇人民政府,■政府网站,全社会,主动,乡级
2,养老服务补贴,护理补贴,补贴对象、标准,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,乡镇人民政府,■政府网站,全社会,主动,乡级
3,养老服务设施,长者饭堂,服务地点、开放时间,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,乡镇人民政府,■政府网站,全社会,主动,乡级
4,养老服务设施,服务项目,项目名称、服务对象,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,乡镇人民政府,■政府网站,全社会,主动,乡级
5,养老服务设施,紧急救援,救援电话、服务方式,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,乡镇人民政府,■政府网站,全社会,主动,乡级
`

// New builds the city and its accounts in d, with the clock on 2 November
// 2025, and nothing done yet.
func New(t testing.TB, d *db.DB) *World {
	t.Helper()
	w := &World{T: t, D: d, Cal: calendar.Default()}
	w.At("2025-11-03")
	w.Tx(func(ctx context.Context, tx *db.Tx) error {
		if err := catalog.SyncDomains(ctx, tx); err != nil {
			return err
		}
		w.City = orgtest.Build(t, ctx, tx)
		var err error
		w.Mz, err = org.Create(ctx, tx, "test", nil, org.NewUnit{Code: "440100-14", Name: "广州市民政局", Kind: org.CityDepartment, ParentCode: "440100"})
		if err != nil {
			return err
		}
		acct := func(login string, role auth.Role, u org.Unit, domain string) auth.Account {
			a, err := auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: login, DisplayName: login, Email: login + "@example.gov.cn",
				Password: "password-2026", Role: role, UnitCode: u.Code, Domain: domain})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		w.Admin = acct("admin", auth.Admin, w.City.City, "")
		w.CityOffice = acct("gz-office", auth.PublicOfficeCity, w.City.City, "")
		w.Office = acct("hz-office", auth.PublicOfficeDistrict, w.Haizhu, "")
		w.Editor = acct("cg-editor", auth.UnitEditor, w.Chigang, "")
		w.Reviewer = acct("cg-reviewer", auth.UnitReviewer, w.Chigang, "")
		w.XgReviewer = acct("xg-reviewer", auth.UnitReviewer, w.Xingang, "")
		w.Supervisor = acct("mz-super", auth.DomainSupervisor, w.Mz, "养老服务")
		dom, ok, err := catalog.ResolveDomain(ctx, tx, nil, "养老服务")
		if err != nil || !ok {
			t.Fatalf("domain 养老服务: %v", err)
		}
		w.Domain = dom
		tb, err := catalog.ReadTable("g.csv", strings.NewReader(guideline))
		if err != nil {
			return err
		}
		_, _, err = catalog.ImportGuideline(ctx, tx, "test", catalog.GuidelineImport{Domain: dom, FileName: "g.csv", Table: tb})
		return err
	})
	return w
}

// At sets the database clock to 09:00 China time on day.
func (w *World) At(day string) {
	w.T.Helper()
	d, err := calendar.ParseDate(day)
	if err != nil {
		w.T.Fatal(err)
	}
	at := time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, calendar.China)
	w.D.SetClock(func() time.Time { return at })
}

// Tx runs fn in a transaction and fails the test on error.
func (w *World) Tx(fn func(ctx context.Context, tx *db.Tx) error) {
	w.T.Helper()
	if err := w.D.InTx(context.Background(), func(tx *db.Tx) error { return fn(context.Background(), tx) }); err != nil {
		w.T.Fatal(err)
	}
}

// On sets the clock to day and runs fn in a transaction.
func (w *World) On(day string, fn func(ctx context.Context, tx *db.Tx) error) {
	w.T.Helper()
	w.At(day)
	w.Tx(fn)
}
