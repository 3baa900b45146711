package inspect_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/i18n"
	"gongkai/internal/inspect"
	"gongkai/internal/services"
)

// TestServiceGuideElementsRule: each published guide lacking key elements
// is one finding against its unit naming them, in Chinese and in English;
// complete guides and drafts are none, and a guide published after the
// run's day is not seen.
func TestServiceGuideElementsRule(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		seven := 7
		complete := services.Content{Name: "居住证申领", Type: services.Confirmation, Conditions: "在本市居住半年以上", Steps: []string{"申请", "办结"},
			Materials: []services.Material{{Name: "居民身份证", Form: services.FormPaper, Copies: 1, Original: true}}, PromisedDays: &seven,
			Fee: "不收费", Place: "赤岗街道政务服务中心", Phone: "020-89012345"}
		partial := complete
		partial.Name, partial.Fee, partial.Phone, partial.Materials = "临时救助申请", "", "", nil
		bare := services.Content{Name: "高龄老人津贴申领", Type: services.Benefit, Place: "街道"}
		draft := bare
		draft.Name = "未发布的指南"
		publish := func(day string, c services.Content, pub bool) {
			dd, _ := calendar.ParseDate(day)
			d.SetClock(func() time.Time { return time.Date(dd.Year, dd.Month, dd.Day, 9, 0, 0, 0, calendar.China) })
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				g, err := services.Create(ctx, tx, w.cgEd, w.cg, c)
				if err == nil && pub {
					if g, err = services.Submit(ctx, tx, w.cgEd, g); err == nil {
						_, err = services.Publish(ctx, tx, w.hzOffice, g)
					}
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		publish("2026-09-01", complete, true)
		publish("2026-09-01", partial, true)
		publish("2026-11-10", bare, true)
		publish("2026-11-10", draft, false)
		d.SetClock(func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, calendar.China) })

		found := func(asOf string) []inspect.Finding {
			var out []inspect.Finding
			for _, f := range unitOf(t, w.run(t, nil, w.hz, asOf, false), "440105-001").Findings {
				if f.Rule == inspect.ServiceGuideElements {
					out = append(out, f)
				}
			}
			return out
		}
		if got := found("2026-10-31"); len(got) != 1 || got[0].Target != "办事指南《临时救助申请》" {
			t.Errorf("as of 31 October: %+v", got)
		}
		got := found("2026-11-20")
		if len(got) != 2 {
			t.Fatalf("as of 20 November: %+v", got)
		}
		f := got[0]
		if f.Target != "办事指南《临时救助申请》" || f.Actual != "缺少要素：申请材料、收费标准、咨询电话" || f.Points != 0.5 ||
			f.Expected != "要素齐全：申请条件、申请材料、办理流程、法定时限/承诺时限、收费标准、办理地点、咨询电话" {
			t.Errorf("finding %+v", f)
		}
		if got[1].Actual != "缺少要素：申请条件、申请材料、办理流程、法定时限/承诺时限、收费标准、咨询电话" {
			t.Errorf("second finding %+v", got[1])
		}
		var en []string
		for _, s := range []string{f.Target, f.Expected, f.Actual} {
			txt, ok := inspect.Say(s)
			if !ok {
				t.Fatalf("%q cannot be said in English", s)
			}
			en = append(en, txt.In(i18n.En))
		}
		want := "Service guide “临时救助申请”|every key element: application conditions, materials, process, time limit, fees, place, enquiry phone|lacks: materials, fees, enquiry phone"
		if strings.Join(en, "|") != want {
			t.Errorf("in English:\n%q\nwant\n%q", strings.Join(en, "|"), want)
		}
	})
}
