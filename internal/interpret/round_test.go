package interpret_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/interpret"
)

// published writes a policy of 赤岗 with an interpretation in form and
// publishes both.
func (w *world) published(t *testing.T, title, form string) interpret.Interpretation {
	t.Helper()
	p := w.policy(t, title, true)
	it := w.interpretation(t, p, "解读："+title, form)
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		_, err := interpret.Release(ctx, tx, w.cgRev, w.record(t, p.ID), "", "")
		return err
	})
	got, err := interpret.ByRecord(context.Background(), w.d, it.Record.ID)
	if err != nil || !got.Public() {
		t.Fatalf("%s: %+v %v", title, got, err)
	}
	return got
}

func fieldsOf(err error) []string {
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

// The city office opens a round, units nominate, the office scores and
// publishes ranked results, and returns a poorly interpreted policy,
// done once its unit publishes a new interpretation.
func TestEvaluationRound(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		a := w.published(t, "赤岗街道长者饭堂管理办法", "graphic")
		b := w.published(t, "赤岗街道垃圾分类实施方案", "text")
		ctx := context.Background()

		w.at("2027-01-11 10:00")
		if got := interpret.DefaultPeriod(calendar.Date{Year: 2027, Month: 1, Day: 11}); got != "2026H2" {
			t.Errorf("default period in January: %s", got)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.OpenRound(ctx, tx, w.hz0, "2026H2", "", interpret.DefaultCriteria())
			return err
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("district office opens a round: %v", err)
		}
		for _, c := range []struct {
			period   string
			criteria []interpret.Criterion
			want     []string
		}{
			{"2026-2", interpret.DefaultCriteria(), []string{"period"}},
			{"2027H2", interpret.DefaultCriteria(), []string{"period"}},
			{"2026H2", []interpret.Criterion{{"及时", "Timely", 50}, {"准确", "Accurate", 40}}, []string{"criteria"}},
			{"2026H2", []interpret.Criterion{{"", "Timely", 50}, {"准确", "", 50}}, []string{"criteria_0", "criteria_1"}},
			{"2026H2", []interpret.Criterion{{"及时", "Timely", 0}, {"准确", "Accurate", 100}}, []string{"criteria_0"}},
			{"2026H2", nil, []string{"criteria"}},
		} {
			err := w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := interpret.OpenRound(ctx, tx, w.cityOf, c.period, "", c.criteria)
				return err
			})
			if got := fieldsOf(err); errs.KindOf(err) != errs.Invalid || !slices.Equal(got, c.want) {
				t.Errorf("%s %v: %v fields %v, want %v", c.period, c.criteria, err, got, c.want)
			}
		}
		var rd interpret.Round
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			var err error
			rd, err = interpret.OpenRound(ctx, tx, w.cityOf, "2026H2", "", interpret.DefaultCriteria())
			return err
		})
		if rd.Title != "2026年下半年优秀政策解读评选" || len(rd.Criteria) != 5 {
			t.Errorf("round %+v", rd)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.OpenRound(ctx, tx, w.cityOf, "2026H2", "", interpret.DefaultCriteria())
			return err
		}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("second round of a period: %v", err)
		}

		// 新港's reviewer may not nominate 赤岗's; 赤岗's reviewer may, once.
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Nominate(ctx, tx, w.xgRev, rd, a, "")
			return err
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("another street nominates: %v", err)
		}
		got, err := interpret.Nominable(ctx, d, w.cgRev, rd)
		if err != nil || len(got) != 2 {
			t.Errorf("nominable: %d %v", len(got), err)
		}
		var na, nb interpret.Nomination
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			var err error
			if na, err = interpret.Nominate(ctx, tx, w.cgRev, rd, a, "图文并茂，阅读量高。"); err != nil {
				return err
			}
			nb, err = interpret.Nominate(ctx, tx, w.cgRev, rd, b, "")
			return err
		})
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Nominate(ctx, tx, w.cgRev, rd, a, "")
			return err
		}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("nominated twice: %v", err)
		}
		// Publishing waits for every score.
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.PublishRound(ctx, tx, w.cityOf, rd)
			return err
		}); errs.KindOf(err) != errs.Invalid {
			t.Errorf("publish unscored: %v", err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Score(ctx, tx, w.cityOf, rd, na, []string{"26", "x", "-1", "7.3", ""}, "")
			return err
		}); !slices.Equal(fieldsOf(err), []string{"score_0", "score_1", "score_2", "score_3", "score_4"}) {
			t.Errorf("bad scores: %v %v", err, fieldsOf(err))
		}
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			if _, err := interpret.Score(ctx, tx, w.cityOf, rd, na, []string{"24", "23.5", "18", "14", "13"}, "形式新颖"); err != nil {
				return err
			}
			_, err := interpret.Score(ctx, tx, w.cityOf, rd, nb, []string{"15", "20", "10", "5", "6"}, "篇幅冗长，未讲清适用对象")
			return err
		})
		// The office returns the poorly interpreted one, due in ten days.
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.ReturnPolicy(ctx, tx, w.cityOf, rd, nb, "短", "2027-01-01")
			return err
		}); !slices.Equal(fieldsOf(err), []string{"due", "reason"}) {
			t.Errorf("bad return: %v", fieldsOf(err))
		}
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			if _, err := interpret.ReturnPolicy(ctx, tx, w.cityOf, rd, nb, "解读未讲清适用对象和办理流程，请重新解读。", "2027-01-21"); err != nil {
				return err
			}
			_, err := interpret.PublishRound(ctx, tx, w.cityOf, rd)
			return err
		})
		res, err := interpret.Nominations(ctx, d, rd, nil)
		if err != nil || len(res) != 2 || res[0].ID != na.ID || res[0].Rank != 1 || res[0].Total != 92.5 || !res[0].Excellent() ||
			res[1].Rank != 2 || res[1].Total != 56 || res[1].Excellent() {
			t.Fatalf("results %+v %v", res, err)
		}
		rounds, _ := interpret.Rounds(ctx, d, true)
		if len(rounds) != 1 || rounds[0].Status != interpret.RoundPublished {
			t.Errorf("published rounds %+v", rounds)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Score(ctx, tx, w.cityOf, rounds[0], na, []string{"1", "1", "1", "1", "1"}, "")
			return err
		}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("score after publishing: %v", err)
		}

		// Overdue after the 21st; done when a new interpretation is out.
		w.at("2027-01-22 09:00")
		rs, err := interpret.Returns(ctx, d, interpret.ReturnFilter{Scope: &w.cg})
		day := calendar.Date{Year: 2027, Month: 1, Day: 22}
		if err != nil || len(rs) != 1 || rs[0].Done() || !rs[0].Overdue(day) || rs[0].Policy.ID != b.Policy.ID {
			t.Fatalf("returns %+v %v", rs, err)
		}
		if other, _ := interpret.Returns(ctx, d, interpret.ReturnFilter{Scope: &w.xg}); len(other) != 0 {
			t.Errorf("新港 sees %d returns", len(other))
		}
		again := w.interpretation(t, w.record(t, b.Policy.ID), "简明问答：垃圾分类怎么分", "qa")
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Release(ctx, tx, w.cgRev, w.record(t, again.Record.ID), "", "")
			return err
		})
		rs, _ = interpret.Returns(ctx, d, interpret.ReturnFilter{Scope: &w.cg})
		if !rs[0].Done() || rs[0].Overdue(day) {
			t.Errorf("after the new interpretation: %+v", rs[0])
		}
	})
}

// SyncedIn gives each published marked policy with its first
// interpretation, for the inspection rule.
func TestSyncedIn(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		it := w.published(t, "赤岗街道临时救助实施细则", "case")
		alone := w.policy(t, "赤岗街道防汛应急预案", true)
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Release(ctx, tx, w.cgRev, w.record(t, alone.ID), "", "汛期临近，须立即公布。")
			return err
		})
		ctx := context.Background()
		now := d.Now()
		got, err := interpret.SyncedIn(ctx, d, w.hz, now.AddDate(-1, 0, 0), now.Add(time.Second))
		if err != nil || len(got) != 2 {
			t.Fatalf("synced %+v %v", got, err)
		}
		if got[0].Policy.ID != it.Policy.ID || got[0].First.IsZero() || got[1].Policy.ID != alone.ID || !got[1].First.IsZero() {
			t.Errorf("synced %+v", got)
		}
		if s := w.record(t, alone.ID).Status; s != info.Published {
			t.Errorf("alone: %s", s)
		}
		if none, _ := interpret.SyncedIn(ctx, d, w.xg, now.AddDate(-1, 0, 0), now.Add(time.Second)); len(none) != 0 {
			t.Errorf("新港: %+v", none)
		}
	})
}
