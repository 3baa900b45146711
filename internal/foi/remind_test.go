package foi

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/mail"
	"gongkai/internal/mail/mailtest"
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
	return w.count(t, `SELECT COUNT(*) FROM foi_reminders WHERE day = ?`, day.String())
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

func TestRemind(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newRemindWorld(t, d)
		srv, cfg := newSMTP(t)
		sender := mail.NewSender(cfg)

		sent, err := Remind(ctx, d, w.cal, sender, "https://gongkai.example.gov.cn", w.today)
		if err != nil || sent != 3 {
			t.Fatalf("Remind: %d, %v", sent, err)
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
			if m.From != mailtest.From || m.Subject != fmt.Sprintf("【政务公开】依申请公开办理提醒：%d件申请即将到期或已逾期（2026-06-15）", len(apps)) {
				t.Errorf("%s: from %s, subject %q", to, m.From, m.Subject)
			}
			last := -1
			for _, app := range apps {
				i := strings.Index(m.Body, app.TrackingNo+"（赤岗街道办事处）")
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
		}
		if b := got["handler@chigang.gov.cn"][0].Body; !strings.HasPrefix(b, "cg-handler：\n") || !strings.Contains(b, "还剩2个工作日") {
			t.Errorf("handler's body:\n%s", b)
		}
		if n := w.reminders(t, w.today); n != 8 {
			t.Errorf("%d reminders recorded, want 8", n)
		}

		// Again the same day: nothing new to say.
		if sent, err := Remind(ctx, d, w.cal, sender, "https://gongkai.example.gov.cn", w.today); err != nil || sent != 0 || len(srv.Messages()) != 3 {
			t.Errorf("second run: %d, %v, %d messages", sent, err, len(srv.Messages()))
		}

		// The next day everyone is reminded again; a refused recipient is
		// not recorded, the others still get theirs, and the next run
		// retries the refused one only.
		day2 := mustDate("2026-06-16")
		srv.Refuse("editor@chigang.gov.cn")
		sent, err = Remind(ctx, d, w.cal, sender, "https://gongkai.example.gov.cn", day2)
		if sent != 2 || err == nil || !strings.Contains(err.Error(), "editor@chigang.gov.cn") {
			t.Errorf("day 2 with a refusal: %d, %v", sent, err)
		}
		if n := w.reminders(t, day2); n != 6 {
			t.Errorf("%d reminders recorded on day 2, want 6", n)
		}
		srv.Refuse()
		if sent, err := Remind(ctx, d, w.cal, sender, "https://gongkai.example.gov.cn", day2); err != nil || sent != 1 {
			t.Errorf("day 2 retry: %d, %v", sent, err)
		}
		msgs := srv.Messages()
		if len(msgs) != 6 || msgs[5].To[0] != "editor@chigang.gov.cn" || !strings.Contains(msgs[5].Body, "2026-06-16") {
			t.Errorf("after the retry: %d messages, last %+v", len(msgs), msgs[len(msgs)-1])
		}

		// A relay that does not answer: nothing is recorded, and the next
		// run with the relay back sends everything.
		day3 := mustDate("2026-06-17")
		down := cfg
		down.Port = closedPort(t)
		if sent, err := Remind(ctx, d, w.cal, mail.NewSender(down), "https://gongkai.example.gov.cn", day3); sent != 0 || err == nil {
			t.Errorf("relay down: %d, %v", sent, err)
		}
		if n := w.reminders(t, day3); n != 0 {
			t.Errorf("%d reminders recorded with the relay down", n)
		}
		if sent, err := Remind(ctx, d, w.cal, sender, "https://gongkai.example.gov.cn", day3); err != nil || sent != 3 {
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
		res, err := Daily(ctx, d, w.cal, nil, "https://gongkai.example.gov.cn", w.today)
		if err != nil || res != (DailyResult{Closed: 1}) {
			t.Errorf("Daily without mail: %+v, %v", res, err)
		}
		app, err = load(ctx, d, `a.id = ?`, app.ID)
		if err != nil || app.Status != StatusReplied || app.Result != OtherNoCorrection {
			t.Errorf("abandoned application: %s %s %v", app.Status, app.Result, err)
		}
		srv, cfg := newSMTP(t)
		res, err = Daily(ctx, d, w.cal, mail.NewSender(cfg), "https://gongkai.example.gov.cn", w.today)
		if err != nil || res != (DailyResult{Sent: 3}) || len(srv.Messages()) != 3 {
			t.Errorf("Daily with mail: %+v, %v, %d messages", res, err, len(srv.Messages()))
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
