package interpret_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/interpret"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// world is orgtest's city with 赤岗's editor and reviewer, 新港's
// reviewer, 海珠区's office and the city office.
type world struct {
	d                               *db.DB
	hz, cg, xg                      org.Unit
	cgEd, cgRev, xgRev, hz0, cityOf auth.Account
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{d: d}
	w.at("2026-08-20 09:00")
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		c := orgtest.Build(t, ctx, tx)
		w.hz, w.cg, w.xg = c.Haizhu, c.Chigang, c.Xingang
		w.cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, w.cg)
		w.cgRev = orgtest.Account(t, ctx, tx, "cg-reviewer", "", auth.UnitReviewer, w.cg)
		w.xgRev = orgtest.Account(t, ctx, tx, "xg-reviewer", "", auth.UnitReviewer, w.xg)
		w.hz0 = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, w.hz)
		w.cityOf = orgtest.Account(t, ctx, tx, "gz-office", "", auth.PublicOfficeCity, c.City)
		return nil
	})
	return w
}

// at sets the database clock to a moment in China: "2026-08-20 09:00".
func (w *world) at(moment string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", moment, calendar.China)
	if err != nil {
		panic(err)
	}
	w.d.SetClock(func() time.Time { return t })
}

func (w *world) tx(t *testing.T, fn func(ctx context.Context, tx *db.Tx) error) {
	t.Helper()
	if err := w.try(fn); err != nil {
		t.Fatal(err)
	}
}

func (w *world) try(fn func(ctx context.Context, tx *db.Tx) error) error {
	ctx := context.Background()
	return w.d.InTx(ctx, func(tx *db.Tx) error { return fn(ctx, tx) })
}

func (w *world) record(t *testing.T, id int64) info.Record {
	t.Helper()
	r, err := info.ByID(context.Background(), w.d, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// policy writes a draft policy of 赤岗, marked as needing interpretation
// when needs.
func (w *world) policy(t *testing.T, title string, needs bool) info.Record {
	t.Helper()
	var p info.Record
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		var err error
		p, err = info.Create(ctx, tx, w.cgEd, w.cg, info.Input{Title: title, Genre: "通知", WrittenDate: "2026-08-18", Body: "<p>自2026年9月1日起施行。</p>"})
		if err == nil && needs {
			err = interpret.Mark(ctx, tx, w.cgEd, p, true)
		}
		return err
	})
	return p
}

// interpretation writes a draft interpretation of p.
func (w *world) interpretation(t *testing.T, p info.Record, title, form string) interpret.Interpretation {
	t.Helper()
	var it interpret.Interpretation
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		var err error
		it, err = interpret.Create(ctx, tx, w.cgEd, w.cg, p, interpret.Input{Title: title, Form: form, Body: "<p>一图读懂：政策要点三条。</p>"})
		return err
	})
	return it
}

func (w *world) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := w.d.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func statuses(t *testing.T, w *world, ids ...int64) []info.Status {
	t.Helper()
	var out []info.Status
	for _, id := range ids {
		out = append(out, w.record(t, id).Status)
	}
	return out
}

func field(err error) string {
	if e := errs.As(err); e != nil {
		return e.Field
	}
	return ""
}

// A policy needing interpretation is reviewed with its interpretation:
// submitting submits both, returning returns both, approving publishes
// both.
func TestReleaseTogether(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		p := w.policy(t, "关于调整赤岗街道长者饭堂就餐补贴标准的通知", true)
		it := w.interpretation(t, p, "图解：长者饭堂就餐补贴新标准", "graphic")
		if it.Record.Genre != "政策解读" || it.Policy.ID != p.ID {
			t.Fatalf("interpretation %+v", it)
		}
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Submit(ctx, tx, w.cgEd, w.record(t, p.ID))
			return err
		})
		if got, want := statuses(t, w, p.ID, it.Record.ID), []info.Status{info.Submitted, info.Submitted}; !slices.Equal(got, want) {
			t.Fatalf("after submit: %v, want %v", got, want)
		}
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.ReturnToDraft(ctx, tx, w.cgRev, w.record(t, p.ID), "补充适用对象")
			return err
		})
		if got, want := statuses(t, w, p.ID, it.Record.ID), []info.Status{info.Draft, info.Draft}; !slices.Equal(got, want) {
			t.Fatalf("after return: %v, want %v", got, want)
		}
		// The editor may not approve; the reviewer's approval publishes both.
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Submit(ctx, tx, w.cgEd, w.record(t, p.ID))
			return err
		})
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Approve(ctx, tx, w.cgEd, w.record(t, p.ID), "")
			return err
		}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("editor approves: %v", err)
		}
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Approve(ctx, tx, w.cgRev, w.record(t, p.ID), "")
			return err
		})
		if got, want := statuses(t, w, p.ID, it.Record.ID), []info.Status{info.Published, info.Published}; !slices.Equal(got, want) {
			t.Fatalf("after approve: %v, want %v", got, want)
		}
		if !w.record(t, p.ID).PublishedAt.Equal(w.record(t, it.Record.ID).PublishedAt) {
			t.Error("policy and interpretation published at different moments")
		}
		if n := w.count(t, `SELECT COUNT(*) FROM audit_events WHERE action = 'interpret.release' AND object_id = ?`, p.IndexNo); n != 1 {
			t.Errorf("%d release events", n)
		}
		pub, err := interpret.OfPolicy(context.Background(), d, p.ID, true)
		if err != nil || len(pub) != 1 || pub[0].Form != "graphic" || pub[0].Record.Unit.Code != "440105-001" {
			t.Errorf("public interpretations: %+v %v", pub, err)
		}
	})
}

// Publishing a policy marked as needing interpretation without one takes
// a reviewer's written reason, kept with the mark and in the audit log.
func TestPublishAloneNeedsReason(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		p := w.policy(t, "赤岗街道2026年度重点民生实事项目", true)
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Submit(ctx, tx, w.cgEd, w.record(t, p.ID))
			return err
		})
		for _, c := range []struct {
			reason string
			kind   errs.Kind
		}{{"", errs.Unprocessable}, {"  ", errs.Unprocessable}, {"急", errs.Invalid}, {strings.Repeat("长", 2001), errs.Invalid}} {
			err := w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := interpret.Approve(ctx, tx, w.cgRev, w.record(t, p.ID), c.reason)
				return err
			})
			if errs.KindOf(err) != c.kind || field(err) != interpret.AloneField {
				t.Errorf("reason %.10q: %v (%v, field %q), want %v on %s", c.reason, err, errs.KindOf(err), field(err), c.kind, interpret.AloneField)
			}
			if s := w.record(t, p.ID).Status; s != info.Submitted {
				t.Fatalf("refused approval left %s", s)
			}
		}
		// The same through the API's path: nothing changes.
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Release(ctx, tx, w.cgRev, w.record(t, p.ID), "", "")
			return err
		}); errs.KindOf(err) != errs.Unprocessable {
			t.Errorf("release alone without reason: %v", err)
		}
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Approve(ctx, tx, w.cgRev, w.record(t, p.ID), "项目清单须于人大会议前公布，解读随后发布。")
			return err
		})
		if s := w.record(t, p.ID).Status; s != info.Published {
			t.Fatalf("published alone: %s", s)
		}
		n, ok, err := interpret.NeedOf(context.Background(), d, p.ID)
		if err != nil || !ok || n.AloneReason != "项目清单须于人大会议前公布，解读随后发布。" || n.AloneBy != "cg-reviewer" || n.AloneAt.IsZero() {
			t.Errorf("need %+v %v %v", n, ok, err)
		}
		if k := w.count(t, `SELECT COUNT(*) FROM audit_events WHERE action = 'interpret.alone' AND object_id = ? AND detail LIKE ?`, p.IndexNo, "%人大会议%"); k != 1 {
			t.Errorf("%d audit events with the reason", k)
		}
		// Marks stay on drafts: a published policy is not marked again.
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			return interpret.Mark(ctx, tx, w.cgEd, w.record(t, p.ID), false)
		}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("unmark a published policy: %v", err)
		}
		// An unmarked policy is published as any record.
		q := w.policy(t, "赤岗街道办事处2026年第三季度工作简报", false)
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			r, err := interpret.Release(ctx, tx, w.cgRev, w.record(t, q.ID), "", "")
			if err == nil && r.Status != info.Published {
				t.Errorf("unmarked release: %s", r.Status)
			}
			return err
		})
	})
}

// An interpretation of a policy under review waits for it; one written
// after the policy went out is published on its own; a scheduled policy
// takes its interpretations to its moment.
func TestInterpretationFollowsPolicy(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		p := w.policy(t, "赤岗街道社区居家养老服务补贴办法", true)
		it := w.interpretation(t, p, "简明问答：居家养老服务补贴怎么申请", "qa")
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Release(ctx, tx, w.cgRev, w.record(t, it.Record.ID), "", "")
			return err
		})
		if s := w.record(t, it.Record.ID).Status; s != info.Approved {
			t.Fatalf("interpretation of an unpublished policy: %s, want approved", s)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Publish(ctx, tx, w.cgRev, w.record(t, it.Record.ID), "")
			return err
		}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("publish before the policy: %v", err)
		}
		// Scheduled for tomorrow morning: both wait, then both go out.
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			pol := w.record(t, p.ID)
			in := info.Input{Title: pol.Title, Genre: pol.Genre, WrittenDate: pol.WrittenDate, Body: pol.Body,
				PublishAt: time.Date(2026, 8, 21, 8, 0, 0, 0, calendar.China)}
			pol, err := info.Update(ctx, tx, w.cgEd, pol, in)
			if err != nil {
				return err
			}
			_, err = interpret.Release(ctx, tx, w.cgRev, pol, "", "")
			return err
		})
		if got, want := statuses(t, w, p.ID, it.Record.ID), []info.Status{info.Approved, info.Approved}; !slices.Equal(got, want) {
			t.Fatalf("scheduled: %v, want %v", got, want)
		}
		w.at("2026-08-21 08:30")
		if n, err := info.PublishDue(context.Background(), d); err != nil || n != 2 {
			t.Fatalf("published due: %d %v", n, err)
		}
		// A second interpretation, written after, goes out on its own.
		it2 := w.interpretation(t, w.record(t, p.ID), "视频：居家养老服务补贴政策解读", "video")
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			r, err := interpret.Release(ctx, tx, w.cgRev, w.record(t, it2.Record.ID), "", "")
			if err == nil && r.Status != info.Published {
				t.Errorf("later interpretation: %s", r.Status)
			}
			return err
		})
		list, total, err := interpret.List(context.Background(), d, interpret.Filter{Public: true, Form: "video"})
		if err != nil || total != 1 || list[0].Record.ID != it2.Record.ID || list[0].Policy.Title != p.Title {
			t.Errorf("videos: %d %+v %v", total, list, err)
		}
	})
}

// Bad input names its field and writes nothing.
func TestBadInterpretations(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		p := w.policy(t, "赤岗街道停车管理办法", true)
		it := w.interpretation(t, p, "文字解读：停车管理办法", "text")
		other := info.Record{}
		w.tx(t, func(ctx context.Context, tx *db.Tx) error {
			var err error
			other, err = info.Create(ctx, tx, w.xgRev, w.xg, info.Input{Title: "新港街道通知", Body: "<p>内容</p>"})
			return err
		})
		before := w.count(t, `SELECT COUNT(*) FROM info_records`)
		for _, c := range []struct {
			name   string
			a      auth.Account
			policy info.Record
			in     interpret.Input
			field  string
		}{
			{"no title", w.cgEd, p, interpret.Input{Form: "text", Body: "<p>x</p>"}, "title"},
			{"long title", w.cgEd, p, interpret.Input{Title: strings.Repeat("题", 301), Form: "text", Body: "<p>x</p>"}, "title"},
			{"no form", w.cgEd, p, interpret.Input{Title: "解读", Body: "<p>x</p>"}, "form"},
			{"unknown form", w.cgEd, p, interpret.Input{Title: "解读", Form: "<script>", Body: "<p>x</p>"}, "form"},
			{"empty body", w.cgEd, p, interpret.Input{Title: "解读", Form: "text", Body: "<script>alert(1)</script>"}, "body"},
			{"policy outside", w.cgEd, other, interpret.Input{Title: "解读", Form: "text", Body: "<p>x</p>"}, "policy"},
			{"an interpretation", w.cgEd, it.Record, interpret.Input{Title: "解读", Form: "text", Body: "<p>x</p>"}, "policy"},
		} {
			err := w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := interpret.Create(ctx, tx, c.a, w.cg, c.policy, c.in)
				return err
			})
			var m errs.Multi
			got := field(err)
			if errors.As(err, &m) && len(m) > 0 {
				got = m[0].Field
			}
			if errs.KindOf(err) != errs.Invalid || got != c.field {
				t.Errorf("%s: %v (field %q), want Invalid on %s", c.name, err, got, c.field)
			}
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			_, err := interpret.Create(ctx, tx, w.xgRev, w.cg, p, interpret.Input{Title: "解读", Form: "text", Body: "<p>x</p>"})
			return err
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("another street writes for 赤岗: %v", err)
		}
		if err := w.try(func(ctx context.Context, tx *db.Tx) error {
			return interpret.Mark(ctx, tx, w.cgEd, it.Record, true)
		}); field(err) != "needs" {
			t.Errorf("mark an interpretation: %v", err)
		}
		if after := w.count(t, `SELECT COUNT(*) FROM info_records`); after != before {
			t.Errorf("records %d → %d", before, after)
		}
	})
}
