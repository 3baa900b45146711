package foi

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/mail"
	"gongkai/internal/mail/mailtest"
	"gongkai/internal/push"
)

// remindWorld is the fixture with applications due on 2026-06-15.
type remindWorld struct {
	*fixture
	today calendar.Date
	// soon (2 working days left) and late (3 overdue) are 赤岗's and
	// handled by cg-handler; noHandler and bareHandler are overdue, the
	// second handled by an account without e-mail; fresh (新港) is not
	// due; unreachable (北京) is overdue but its unit has no e-mail.
	soon, late, noHandler, bareHandler, fresh, unreachable Application
}

func newRemindWorld(t *testing.T, d *db.DB) *remindWorld {
	t.Helper()
	w := &remindWorld{fixture: newFixture(t, d), today: mustDate("2026-06-15")}
	// Receipt days counted by hand on the 2026 calendar (1–5 May and
	// 19 June off, 9 May worked), not by the code under test: n working
	// days before 2026-06-15.
	back := func(n int) string {
		day, ok := map[int]string{18: "2026-05-20", 21: "2026-05-15", 23: "2026-05-13", 25: "2026-05-11"}[n]
		if !ok {
			t.Fatalf("no hand-counted day %d working days back", n)
		}
		return day
	}
	w.soon = w.register(t, w.cgEd, w.cg, 1, back(ReplyDays-2), "赤岗街道2025年低保发放名单")
	w.late = w.register(t, w.cgEd, w.cg, 2, back(ReplyDays+3), "赤岗街道临时救助审批材料")
	// Registered applications have a handler from the start (the clerk);
	// an imported one has none.
	w.tx(t, func(tx *db.Tx) error {
		ctx := context.Background()
		_, err := Import(ctx, tx, "test", strings.NewReader("id,unit,received_date,applicant_type,channel,description,result,result_date\n"+
			"N-3,440105-001,"+back(ReplyDays+3)+",natural_person,in_person,赤岗街道老旧小区改造方案,,\n"))
		if err == nil {
			w.noHandler, err = load(ctx, tx, `a.tracking_no = ?`, "N-3")
		}
		return err
	})
	w.bareHandler = w.register(t, w.cgEd, w.cg, 4, back(ReplyDays+1), "赤岗街道垃圾分类考核结果")
	w.fresh = w.register(t, w.xgEd, w.xg, 5, w.today.String(), "新港街道道路改造计划")
	w.unreachable = w.register(t, w.bjEd, w.bj, 6, back(ReplyDays+5), "北京街道文物保护名录")
	assign := func(app Application, login string) {
		w.tx(t, func(tx *db.Tx) error {
			_, err := Assign(context.Background(), tx, w.cgEd, app, login)
			return err
		})
	}
	assign(w.soon, w.cgHandler.Login)
	assign(w.late, w.cgHandler.Login)
	assign(w.bareHandler, w.cgBare.Login)
	return w
}

// byRecipient maps each recipient to the messages it got.
func byRecipient(t *testing.T, msgs []mailtest.Message) map[string][]mailtest.Message {
	t.Helper()
	out := map[string][]mailtest.Message{}
	for _, m := range msgs {
		if len(m.To) != 1 {
			t.Errorf("message to %v, want one recipient", m.To)
		}
		for _, to := range m.To {
			out[to] = append(out[to], m)
		}
	}
	return out
}

func (w *remindWorld) reminders(t *testing.T, day calendar.Date) int {
	t.Helper()
	return w.count(t, `SELECT COUNT(*) FROM reminders_sent WHERE day = ?`, day.String())
}

// newSMTP starts a test SMTP server and returns it with its configuration.
func newSMTP(t *testing.T) (*mailtest.Server, mail.Config) {
	t.Helper()
	srv := mailtest.New(t)
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	return srv, cfg
}

// newOutbox returns the outbox's delivery through the relay of cfg, with
// a failed message due again at once.
func newOutbox(d *db.DB, cfg mail.Config) *push.Service {
	return push.New(d, push.Config{Mail: mail.NewSender(cfg), Backoff: func(int) time.Duration { return 0 }, Log: slog.New(slog.DiscardHandler)})
}

func TestRemind(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newRemindWorld(t, d)
		srv, cfg := newSMTP(t)
		out := newOutbox(d, cfg)
		const site = "https://gongkai.example.gov.cn"

		queued, err := Remind(ctx, d, w.cal, site, w.today)
		if err != nil || queued != 3 {
			t.Fatalf("Remind: %d, %v", queued, err)
		}
		if len(srv.Messages()) != 0 {
			t.Error("Remind sent mail itself; the outbox sends it")
		}
		if sent, err := out.DeliverDue(ctx); err != nil || sent != 3 {
			t.Fatalf("deliver: %d, %v", sent, err)
		}
		got := byRecipient(t, srv.Messages())
		want := map[string][]Application{
			"handler@chigang.gov.cn":  {w.late, w.noHandler, w.bareHandler, w.soon},
			"editor@chigang.gov.cn":   {w.noHandler, w.bareHandler},
			"Reviewer@Chigang.gov.cn": {w.noHandler, w.bareHandler},
		}
		if len(got) != len(want) {
			t.Errorf("recipients %v, want those of %v", keys(got), keys(want))
		}
		for to, apps := range want {
			if len(got[to]) != 1 {
				t.Errorf("%s got %d messages, want 1", to, len(got[to]))
				continue
			}
			m := got[to][0]
			if m.From != mailtest.From || m.Subject != fmt.Sprintf("【政务公开】办理提醒：%d件事项即将到期或已逾期（2026-06-15）", len(apps)) {
				t.Errorf("%s: from %s, subject %q", to, m.From, m.Subject)
			}
			last := -1
			for _, app := range apps {
				i := strings.Index(m.Body, "政府信息公开申请 "+app.TrackingNo+"（赤岗街道办事处）")
				if i < 0 || !strings.Contains(m.Body, fmt.Sprintf("办理页面：https://gongkai.example.gov.cn/admin/foi/%d\n", app.ID)) {
					t.Errorf("%s: no %s in\n%s", to, app.TrackingNo, m.Body)
				}
				if i < last {
					t.Errorf("%s: %s is not in order of urgency:\n%s", to, app.TrackingNo, m.Body)
				}
				last = i
			}
			for _, other := range []Application{w.fresh, w.unreachable} {
				if strings.Contains(m.Body, other.TrackingNo) {
					t.Errorf("%s is reminded of %s", to, other.TrackingNo)
				}
			}
			if !strings.Contains(m.Body, "待办：答复，期限") || !strings.Contains(m.Body, "已逾期3个工作日") || !strings.Contains(m.Body, "请及时办理") {
				t.Errorf("%s: body\n%s", to, m.Body)
			}
			if m.Header.Get("List-Unsubscribe") != "" {
				t.Errorf("%s: a reminder to staff offers to unsubscribe", to)
			}
		}
		if b := got["handler@chigang.gov.cn"][0].Body; !strings.HasPrefix(b, "cg-handler：\n") || !strings.Contains(b, "还剩2个工作日") {
			t.Errorf("handler's body:\n%s", b)
		}
		if n := w.reminders(t, w.today); n != 8 {
			t.Errorf("%d reminders recorded, want 8", n)
		}

		// Again the same day: nothing new to say.
		if queued, err := Remind(ctx, d, w.cal, site, w.today); err != nil || queued != 0 {
			t.Errorf("second run: %d, %v", queued, err)
		}
		if sent, err := out.DeliverDue(ctx); err != nil || sent != 0 || len(srv.Messages()) != 3 {
			t.Errorf("second run delivered %d, %v, %d messages", sent, err, len(srv.Messages()))
		}

		// The next day everyone is reminded again; a refused recipient's
		// message stays in the outbox, failed with the relay's reason, and
		// is tried again — not queued again by the next run.
		day2 := mustDate("2026-06-16")
		srv.Refuse("editor@chigang.gov.cn")
		if queued, err := Remind(ctx, d, w.cal, site, day2); err != nil || queued != 3 {
			t.Errorf("day 2: %d, %v", queued, err)
		}
		sent, err := out.DeliverDue(ctx)
		if sent != 2 || err == nil {
			t.Errorf("day 2 with a refusal: %d, %v", sent, err)
		}
		rows, err := push.About(ctx, d, KindReminder, day2.String())
		if err != nil {
			t.Fatal(err)
		}
		var failed []push.Row
		for _, r := range rows {
			if r.State == push.Failed {
				failed = append(failed, r)
			}
		}
		if len(rows) != 3 || len(failed) != 1 || failed[0].Recipient != "editor@chigang.gov.cn" || !strings.Contains(failed[0].LastError, "451") ||
			failed[0].Attempts != 1 || failed[0].NextAttempt.IsZero() {
			t.Errorf("day 2 outbox: %d messages, failed %+v", len(rows), failed)
		}
		srv.Refuse()
		if queued, err := Remind(ctx, d, w.cal, site, day2); err != nil || queued != 0 {
			t.Errorf("day 2 again: %d, %v", queued, err)
		}
		if sent, err := out.DeliverDue(ctx); err != nil || sent != 1 {
			t.Errorf("day 2 retry: %d, %v", sent, err)
		}
		msgs := srv.Messages()
		if len(msgs) != 6 || msgs[5].To[0] != "editor@chigang.gov.cn" || !strings.Contains(msgs[5].Body, "2026-06-16") {
			t.Errorf("after the retry: %d messages, last %+v", len(msgs), msgs[len(msgs)-1])
		}
		if r, err := push.ByID(ctx, d, failed[0].ID); err != nil || r.State != push.Sent || r.Attempts != 2 || !strings.Contains(r.LastError, "451") {
			t.Errorf("retried message: %+v %v", r, err)
		}

		// A relay that does not answer: the messages wait, and go when it
		// is back.
		day3 := mustDate("2026-06-17")
		down := cfg
		down.Port = closedPort(t)
		if queued, err := Remind(ctx, d, w.cal, site, day3); err != nil || queued != 3 {
			t.Errorf("day 3: %d, %v", queued, err)
		}
		if sent, err := newOutbox(d, down).DeliverDue(ctx); sent != 0 || err == nil {
			t.Errorf("relay down: %d, %v", sent, err)
		}
		if sent, err := out.DeliverDue(ctx); err != nil || sent != 3 || len(srv.Messages()) != 9 {
			t.Errorf("relay back: %d, %v", sent, err)
		}
	})
}

func TestDaily(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newRemindWorld(t, d)
		// A correction asked on 2 June, due in 5 working days (9 June),
		// never came.
		w.at("2026-06-01")
		app := w.register(t, w.cgEd, w.cg, 7, "2026-06-01", "赤岗街道某项目环评报告")
		w.at("2026-06-02")
		w.tx(t, func(tx *db.Tx) error {
			_, err := RequestCorrection(ctx, tx, w.cal, w.cgEd, app, 5, "请写明项目名称")
			return err
		})
		w.at("2026-06-15")
		// Mail off: the sweep still runs.
		srv, cfg := newSMTP(t)
		for i, off := range []Sender{nil, push.New(d, push.Config{})} {
			res, err := Daily(ctx, d, w.cal, off, "https://gongkai.example.gov.cn", w.today)
			if err != nil || res != (DailyResult{Closed: 1 - i}) {
				t.Errorf("Daily without mail: %+v, %v", res, err)
			}
			if n := w.reminders(t, w.today); n != 0 {
				t.Errorf("%d reminders queued with mail off", n)
			}
		}
		app, err := load(ctx, d, `a.id = ?`, app.ID)
		if err != nil || app.Status != StatusReplied || app.Result != OtherNoCorrection {
			t.Errorf("abandoned application: %s %s %v", app.Status, app.Result, err)
		}
		out := newOutbox(d, cfg)
		res, err := Daily(ctx, d, w.cal, out, "https://gongkai.example.gov.cn", w.today)
		if err != nil || res != (DailyResult{Sent: 3}) {
			t.Errorf("Daily with mail: %+v, %v", res, err)
		}
		if sent, err := out.DeliverDue(ctx); err != nil || sent != 3 || len(srv.Messages()) != 3 {
			t.Errorf("delivered %d, %v, %d messages", sent, err, len(srv.Messages()))
		}
	})
}

// closedPort returns a local port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
