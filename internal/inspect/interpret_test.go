package inspect_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/inspect"
	"gongkai/internal/interpret"
)

// TestInterpretationSyncRule: with the rule's days at 1, a policy
// published on Wednesday 30 September 2026 owes its interpretation by the
// first working day after, Thursday 8 October (国庆 1–7 October off): one
// out on the 8th is on time, one out on the 9th is late, and a policy
// without one is a finding from the 9th. At the default, 0, the same day.
func TestInterpretationSyncRule(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		at := func(moment string) {
			tm, _ := time.ParseInLocation("2006-01-02 15:04", moment, calendar.China)
			d.SetClock(func() time.Time { return tm })
		}
		do := func(fn func(tx *db.Tx) error) {
			t.Helper()
			if err := d.InTx(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		policy := func(title string) info.Record {
			var p info.Record
			do(func(tx *db.Tx) error {
				var err error
				if p, err = info.Create(ctx, tx, w.cgEd, w.cg, info.Input{Title: title, Body: "<p>正文</p>"}); err != nil {
					return err
				}
				if err = interpret.Mark(ctx, tx, w.cgEd, p, true); err != nil {
					return err
				}
				p, err = interpret.Release(ctx, tx, w.hzOffice, p, "", "解读材料仍在制作，政策须按期公布。")
				return err
			})
			return p
		}
		interpretOn := func(p info.Record, moment string) {
			at(moment)
			do(func(tx *db.Tx) error {
				pol, err := info.ByID(ctx, tx, p.ID)
				if err != nil {
					return err
				}
				it, err := interpret.Create(ctx, tx, w.cgEd, w.cg, pol, interpret.Input{Title: "解读：" + p.Title, Form: "text", Body: "<p>解读</p>"})
				if err == nil {
					_, err = interpret.Release(ctx, tx, w.hzOffice, it.Record, "", "")
				}
				return err
			})
		}
		at("2026-09-30 10:00")
		onTime, late, none := policy("按时解读的政策"), policy("迟延解读的政策"), policy("未解读的政策")
		interpretOn(onTime, "2026-10-08 16:00")
		interpretOn(late, "2026-10-09 09:30")
		at("2026-11-20 09:00")

		found := func(asOf string) map[string]inspect.Finding {
			t.Helper()
			out := map[string]inspect.Finding{}
			for _, f := range unitOf(t, w.run(t, nil, w.hz, asOf, false), "440105-001").Findings {
				if f.Rule == inspect.InterpretationSync {
					out[f.Target] = f
				}
			}
			return out
		}
		target := func(p info.Record) string { return "政策文件" + p.IndexNo + "《" + p.Title + "》" }
		// Default 0: all three were due on 30 September.
		if got := found("2026-09-30"); len(got) != 0 {
			t.Errorf("as of the day itself: %v", got)
		}
		if got := found("2026-11-20"); len(got) != 3 || got[target(onTime)].Actual != "2026-09-30发布，解读于2026-10-08发布" {
			t.Errorf("at 0 days: %v", got)
		}

		do(func(tx *db.Tx) error {
			rs, err := inspect.CurrentRules(ctx, tx)
			if err != nil {
				return err
			}
			for i := range rs.Rules {
				if rs.Rules[i].ID == inspect.InterpretationSync {
					rs.Rules[i].Params["days"] = 1
				}
			}
			js, _ := json.Marshal(rs.Rules)
			_, err = tx.Exec(ctx, `INSERT INTO inspect_rulesets (version, rules, comment, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
				rs.Version+1, string(js), "days 1", "test", tx.Now())
			return err
		})
		if got := found("2026-10-08"); len(got) != 0 {
			t.Errorf("as of 8 October: %v", got)
		}
		got := found("2026-11-20")
		if len(got) != 2 {
			t.Fatalf("as of 20 November: %v", got)
		}
		if f := got[target(late)]; f.Expected != "2026-10-08前发布解读" || f.Actual != "2026-09-30发布，解读于2026-10-09发布" {
			t.Errorf("late: %+v", f)
		}
		f := got[target(none)]
		if f.Actual != "2026-09-30发布，截至2026-11-20未发布解读" || f.Points != 1 {
			t.Errorf("none: %+v", f)
		}
		var en []string
		for _, s := range []string{f.Target, f.Expected, f.Actual} {
			txt, ok := inspect.Say(s)
			if !ok {
				t.Fatalf("%q cannot be said in English", s)
			}
			en = append(en, txt.In(i18n.En))
		}
		if want := "Policy " + none.IndexNo + ", “未解读的政策”|an interpretation by 2026-10-08|published on 2026-09-30, no interpretation as of 2026-11-20"; strings.Join(en, "|") != want {
			t.Errorf("in English: %q", en)
		}
	})
}
