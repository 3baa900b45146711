package push_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/org"
	"gongkai/internal/push"
)

// world is the demo data with subscriptions made active directly.
type world struct {
	t   *testing.T
	d   *db.DB
	dom string // 养老服务's code
	ids map[string]int64
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	if _, err := app.LoadDemo(ctx, d); err != nil {
		t.Fatal(err)
	}
	d.SetClock(func() time.Time { return time.Date(2026, 6, 15, 10, 0, 0, 0, calendar.China) })
	dom, _, err := catalog.ResolveDomain(ctx, d, nil, "养老服务")
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, d: d, dom: dom.Code, ids: map[string]int64{}}
}

// subscribe records an active subscription of name@example.com.
func (w *world) subscribe(name string, r push.Request, state string) {
	w.t.Helper()
	ctx := context.Background()
	r.Email = name + "@example.com"
	err := w.d.InTx(ctx, func(tx *db.Tx) error {
		sub, err := push.Subscribe(ctx, tx, r, func(string) bool { return true }, push.Choices{Audiences: mustAudiences(w.t, tx), Topics: []string{"民政、扶贫、救灾", "教育"}})
		if err != nil {
			return err
		}
		w.ids[name] = sub.ID
		_, err = tx.Exec(ctx, `UPDATE push_subscriptions SET state = ? WHERE id = ?`, state, sub.ID)
		return err
	})
	if err != nil {
		w.t.Fatalf("%s: %v", name, err)
	}
}

func mustAudiences(t *testing.T, q db.Querier) []push.Audience {
	a, err := push.Audiences(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// recipients returns the names the outbox holds messages of kind for,
// sorted.
func (w *world) recipients(kind string) []string {
	w.t.Helper()
	rs, err := w.d.Query(context.Background(), `SELECT recipient FROM push_outbox WHERE kind = ? ORDER BY recipient`, kind)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var r string
		rs.Scan(&r)
		out = append(out, strings.TrimSuffix(r, "@example.com"))
	}
	return out
}

// Who gets a record published and who a notice: each kind of choice a
// subscription made must hold one of the record's (its unit or one above,
// its domains, its topic); audiences bear on notices only; a notice names
// what it reaches and a unit's staff reach their own units' subscribers.
func TestMatching(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		for name, r := range map[string]push.Request{
			"district":     {Units: []string{"440105"}},
			"xingang":      {Units: []string{"440105-002"}},
			"yanglao":      {Domains: []string{w.dom}},
			"other":        {Domains: []string{"01"}},
			"wrongtopic":   {Units: []string{"440105-001"}, Topics: []string{"教育"}},
			"allthree":     {Units: []string{"440105-001"}, Domains: []string{w.dom}, Topics: []string{"民政、扶贫、救灾"}},
			"enterprise":   {Audiences: []string{"enterprise"}},
			"daily":        {Units: []string{"440105-001"}, Frequency: push.Daily},
			"cgfirm":       {Units: []string{"440105-001"}, Audiences: []string{"enterprise"}},
			"districtfirm": {Units: []string{"440105"}, Audiences: []string{"enterprise"}},
		} {
			w.subscribe(name, r, "active")
		}
		w.subscribe("ended", push.Request{Units: []string{"440105-001"}}, "ended")
		w.subscribe("pending", push.Request{Units: []string{"440105-001"}}, "pending")

		u, err := org.ByCode(ctx, d, "440105-001")
		if err != nil {
			t.Fatal(err)
		}
		it := push.Item{Reference: "X-1", Title: "赤岗街道高龄津贴发放公示", Link: "/zwgk/info/1/", Unit: u,
			Domains: []string{w.dom}, Topic: "民政、扶贫、救灾", Published: d.Now()}
		// Publishing asks for the fan-out, once however often it asks.
		fanouts := func() int {
			var n int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM river_job WHERE kind = ?`, push.KindFanout).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := fanouts()
		for range 2 {
			if err := d.InTx(ctx, func(tx *db.Tx) error { return push.Published(ctx, tx, it) }); err != nil {
				t.Fatal(err)
			}
		}
		if n := fanouts() - before; n != 1 {
			t.Fatalf("%d fan-out jobs for the record, want 1", n)
		}
		now, later, err := push.Fanout(ctx, d, it)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := w.recipients(push.KindPublished), []string{"allthree", "cgfirm", "district", "districtfirm", "yanglao"}; !slices.Equal(got, want) || now != 5 || later != 1 {
			t.Errorf("record reached %v (%d now, %d later), want %v and the daily one later", got, now, later, want)
		}
		// A fan-out run again, as after a crash, tells nobody twice.
		if now, later, err := push.Fanout(ctx, d, it); err != nil || now != 0 || later != 0 {
			t.Errorf("second fan-out: %d now, %d later, %v; want none", now, later, err)
		}
		if got := w.recipients(push.KindPublished); len(got) != 5 {
			t.Errorf("after the second fan-out %d messages, want 5", len(got))
		}

		notice := func(login string, in push.NoticeInput) push.Notice {
			t.Helper()
			var n push.Notice
			err := d.InTx(ctx, func(tx *db.Tx) error {
				a, err := auth.ByLogin(ctx, tx, login)
				if err != nil {
					return err
				}
				n, err = push.SendNotice(ctx, tx, a, in, mustAudiences(t, tx))
				return err
			})
			if err != nil {
				t.Fatalf("%s: %v", login, err)
			}
			return n
		}
		// reached returns who the notice just sent reached, and clears
		// them for the next.
		reached := func(push.Notice) []string {
			t.Helper()
			out := w.recipients(push.KindNotice)
			if _, err := d.SQL.ExecContext(ctx, db.Rebind(d.Dialect, `DELETE FROM push_outbox WHERE kind = ?`), push.KindNotice); err != nil {
				t.Fatal(err)
			}
			return out
		}
		// 赤岗's reviewer: their own unit's subscribers, whatever their
		// frequency; with an audience, those of it among them.
		if got := reached(notice("chigang-reviewer", push.NoticeInput{Subject: "敬老活动", Body: "周六上午举行。"})); !slices.Equal(got, []string{"allthree", "cgfirm", "daily", "wrongtopic"}) {
			t.Errorf("赤岗's notice reached %v", got)
		}
		if got := reached(notice("chigang-reviewer", push.NoticeInput{Subject: "企业座谈会", Body: "欢迎参加。", Audiences: []string{"enterprise"}})); !slices.Equal(got, []string{"cgfirm"}) {
			t.Errorf("赤岗's notice to enterprises reached %v", got)
		}
		// The district office: its units'; the city office: everyone of
		// the audience.
		if got := reached(notice("haizhu-office", push.NoticeInput{Subject: "海珠区政策", Body: "详见附件。", Audiences: []string{"enterprise"}})); !slices.Equal(got, []string{"cgfirm", "districtfirm"}) {
			t.Errorf("海珠's notice reached %v", got)
		}
		n := notice("gz-office", push.NoticeInput{Subject: "全市惠企政策", Body: "详见链接。", Link: "https://www.gz.gov.cn/1.html", Audiences: []string{"enterprise"}})
		if got := reached(n); !slices.Equal(got, []string{"cgfirm", "districtfirm", "enterprise"}) || n.Unit != nil || n.Recipients != 3 {
			t.Errorf("the city's notice reached %v (unit %v, %d)", got, n.Unit, n.Recipients)
		}

		// Refused notices: out of scope, to nobody, without a text, with a
		// link that is not a web address, by an editor.
		for _, c := range []struct {
			login string
			in    push.NoticeInput
		}{
			{"chigang-reviewer", push.NoticeInput{Subject: "越界", Body: "越界", Units: []string{"440105-002"}}},
			{"haizhu-office", push.NoticeInput{Subject: "越界", Body: "越界", Units: []string{"440104"}}},
			{"gz-office", push.NoticeInput{Subject: "全体", Body: "无对象"}},
			{"gz-office", push.NoticeInput{Subject: "", Body: "无标题", Audiences: []string{"enterprise"}}},
			{"gz-office", push.NoticeInput{Subject: "链接", Body: "正文", Link: "javascript:alert(1)", Audiences: []string{"enterprise"}}},
			{"chigang-editor", push.NoticeInput{Subject: "编辑", Body: "编辑"}},
		} {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				a, err := auth.ByLogin(ctx, tx, c.login)
				if err != nil {
					return err
				}
				_, err = push.SendNotice(ctx, tx, a, c.in, mustAudiences(t, tx))
				return err
			})
			if err == nil {
				t.Errorf("%s %+v: sent", c.login, c.in)
			}
		}
	})
}

// A message whose channel is off, or whose subscription has ended, fails
// with the reason and is not tried again.
func TestUndeliverable(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		w.subscribe("gone", push.Request{Units: []string{"440105-001"}}, "active")
		var ids []int64
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for _, ch := range []string{push.SMS, push.Email} {
				m := push.Message{Channel: ch, Recipient: "gone@example.com", Subject: "s", Body: "b", Kind: push.KindNotice, SubscriptionID: w.ids["gone"]}
				id, err := push.Queue(ctx, tx, m)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			_, err := tx.Exec(ctx, `UPDATE push_subscriptions SET state = 'ended' WHERE id = ?`, w.ids["gone"])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		s := push.New(d, push.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		for _, id := range ids {
			if st, err := s.Deliver(ctx, id); st != push.Failed || err == nil || !push.IsPermanent(err) {
				t.Errorf("message %d: %s %v", id, st, err)
			}
			// Its job, still queued, finds it refused for good and does not
			// try again.
			if st, err := s.Deliver(ctx, id); st != push.Failed || err != nil {
				t.Errorf("message %d again: %s %v", id, st, err)
			}
			r, err := push.ByID(ctx, d, id)
			if err != nil || r.State != push.Failed || r.Attempts != 1 || !r.NextAttempt.IsZero() || !strings.Contains(r.LastError, "ended") {
				t.Errorf("message %d: %+v %v", id, r, err)
			}
		}
	})
}

func TestGatewaysFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	g, err := push.GatewaysFromEnv(env("GONGKAI_SMS_URL", "https://sms.gz.gov.cn/send", "GONGKAI_SMS_TOKEN", "tok"))
	if err != nil || g.SMS.URL != "https://sms.gz.gov.cn/send" || g.SMS.Token != "tok" || g.WeChat.URL != "" {
		t.Errorf("%+v %v", g, err)
	}
	for _, bad := range [][]string{
		{"GONGKAI_SMS_URL", "ftp://sms"},
		{"GONGKAI_SMS_URL", "sms.gz.gov.cn"},
		{"GONGKAI_WECHAT_URL", "https://wx.gz.gov.cn/send"},
	} {
		if _, err := push.GatewaysFromEnv(env(bad...)); err == nil {
			t.Errorf("%v accepted", bad)
		} else if strings.Contains(err.Error(), bad[1]) {
			t.Errorf("the error repeats the value: %v", err)
		}
	}
}
