package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/mail/mailtest"
	"gongkai/internal/org"
	"gongkai/internal/push"
)

// pushApp is a running gongkai with the demo data, its job queue working
// the outbox, a real SMTP server and the site's address.
type pushApp struct {
	*app.App
	t    *testing.T
	base string
	smtp *mailtest.Server
}

// startPush starts gongkai on engine with mod's changes to its
// configuration; it stops when the test ends.
func startPush(t *testing.T, engine string, mod func(*app.Config)) *pushApp {
	t.Helper()
	smtp := mailtest.New(t)
	cfg := app.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SMTPURL: smtp.URL(),
		JobPoll: 20 * time.Millisecond, PushBackoff: func(int) time.Duration { return 50 * time.Millisecond },
		// The tests' webhooks listen on 127.0.0.1.
		WebhooksPrivate: true}
	if engine == "postgres" {
		cfg.DatabaseURL = dbtest.NewPostgresURL(t)
	}
	listening := make(chan string, 1)
	cfg.Listening = func(addr string) { listening <- addr }
	if mod != nil {
		mod(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Monday 15 June 2026 from 10:00 China time, the clock running.
	base, started := time.Date(2026, 6, 15, 10, 0, 0, 0, calendar.China), time.Now()
	a.DB.SetClock(func() time.Time { return base.Add(time.Since(started)) })
	if _, err := app.LoadDemo(ctx, a.DB); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		a.Close()
	})
	select {
	case addr := <-listening:
		return &pushApp{App: a, t: t, base: "http://" + addr, smtp: smtp}
	case err := <-done:
		t.Fatalf("not started: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("not listening")
	}
	return nil
}

// post sends a form or, for a non-nil js, JSON, and returns the status
// and body.
func (p *pushApp) post(path string, form url.Values, js any) (int, string) {
	p.t.Helper()
	var req *http.Request
	if js != nil {
		b, _ := json.Marshal(js)
		req, _ = http.NewRequest("POST", p.base+path, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req, _ = http.NewRequest("POST", p.base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return p.do(req)
}

func (p *pushApp) get(path string) (int, string) {
	p.t.Helper()
	req, _ := http.NewRequest("GET", path, nil)
	if strings.HasPrefix(path, "/") {
		req, _ = http.NewRequest("GET", p.base+path, nil)
	}
	return p.do(req)
}

func (p *pushApp) do(req *http.Request) (int, string) {
	p.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// yanglao returns the code of the 养老服务 domain.
func (p *pushApp) yanglao() string {
	p.t.Helper()
	d, _, err := catalog.ResolveDomain(context.Background(), p.DB, nil, "养老服务")
	if err != nil {
		p.t.Fatal(err)
	}
	return d.Code
}

// publish writes, approves and publishes a record of 赤岗街道 against its
// 养老服务 catalog's item, as the console does, through info.Publish.
func (p *pushApp) publish(title string) info.Record {
	p.t.Helper()
	ctx := context.Background()
	var r info.Record
	err := p.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := auth.ByLogin(ctx, tx, "chigang-reviewer")
		if err != nil {
			return err
		}
		u, err := org.ByCode(ctx, tx, "440105-001")
		if err != nil {
			return err
		}
		dom, _, err := catalog.ResolveDomain(ctx, tx, &u, "养老服务")
		if err != nil {
			return err
		}
		if r, err = info.Create(ctx, tx, a, u, info.Input{Title: title, WrittenDate: "2026-06-12", Genre: "通知", Topic: "民政、扶贫、救灾",
			Attribute: info.Active, Validity: info.Valid, Body: "<p>" + title + "。</p>"}); err != nil {
			return err
		}
		if r, err = info.LinkItems(ctx, tx, a, r, dom, []string{"高龄老年人津贴"}); err != nil {
			return err
		}
		if r, err = info.Submit(ctx, tx, a, r); err != nil {
			return err
		}
		if r, err = info.Approve(ctx, tx, a, r); err != nil {
			return err
		}
		r, err = info.Publish(ctx, tx, a, r)
		return err
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return r
}

// publishByAPI publishes a record of 赤岗街道 against its 养老服务 catalog's
// item as a business system does: with a publishing token, through
// POST /api/v1/admin/info.
func (p *pushApp) publishByAPI(title string) string {
	p.t.Helper()
	ctx := context.Background()
	var secret string
	err := p.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		_, secret, err = auth.CreateToken(ctx, tx, "test", nil, auth.NewToken{UnitCode: "440105-001", Name: "民政业务系统", CanPublish: true})
		return err
	})
	if err != nil {
		p.t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"title": title, "written_date": "2026-06-12", "body_text": title + "。",
		"catalog_items": []map[string]string{{"domain": p.yanglao(), "item": "高龄老年人津贴"}}, "publish": true})
	req, _ := http.NewRequest("POST", p.base+"/api/v1/admin/info", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+secret)
	status, body := p.do(req)
	if status != http.StatusCreated || !strings.Contains(body, `"status":"published"`) {
		p.t.Fatalf("publish through the API: %d %s", status, body)
	}
	return title
}

// wait returns the messages once there are n, failing the test after a
// deadline.
func (p *pushApp) wait(n int) []mailtest.Message {
	p.t.Helper()
	msgs, ok := p.smtp.Wait(n, 20*time.Second)
	if !ok {
		p.t.Fatalf("%d messages, want %d", len(msgs), n)
	}
	return msgs
}

// until polls the database through ok until it holds, failing the test
// after a deadline: what a test waits for is a state, not a time.
func (p *pushApp) until(what string, ok func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s after 20s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// to returns the messages to an address.
func to(msgs []mailtest.Message, addr string) []mailtest.Message {
	var out []mailtest.Message
	for _, m := range msgs {
		if len(m.To) == 1 && m.To[0] == addr {
			out = append(out, m)
		}
	}
	return out
}

var confirmLinkRE = regexp.MustCompile(`http://[^\s]+/hudong/dingyue/qr/[A-Za-z0-9_-]{43}/`)

// The newcomer's journey of issue 13: subscribe on the portal to 赤岗街道's
// 养老服务 information, confirm by the link of the real mail, get a record
// a business system published through the API by e-mail with the
// unsubscribe headers, unsubscribe by the one-click POST, and get nothing
// of the next record — which a second subscriber, through the API, does
// get, so that nothing arriving is not just slowness.
func TestSubscriptionJourney(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			p := startPush(t, engine, nil)
			dom := p.yanglao()
			const citizen, control = "liming@example.com", "wangfang@example.com"

			status, body := p.post("/hudong/dingyue/", url.Values{"email": {citizen}, "units": {"440105-001"}, "domains": {dom}, "frequency": {"immediate"}}, nil)
			if status != http.StatusOK || !strings.Contains(body, `id="sent"`) {
				t.Fatalf("subscribe: %d %.300s", status, body)
			}
			status, body = p.post("/api/v1/subscriptions", nil, map[string]any{"email": control, "domains": []string{dom}, "frequency": "immediate"})
			if status != http.StatusAccepted || !strings.Contains(body, `"confirm":"link"`) {
				t.Fatalf("API subscribe: %d %s", status, body)
			}
			msgs := p.wait(2)
			for _, addr := range []string{citizen, control} {
				m := to(msgs, addr)
				if len(m) != 1 || m[0].Subject != "【政务公开】请确认订阅" {
					t.Fatalf("confirmation to %s: %+v", addr, m)
				}
				link := confirmLinkRE.FindString(m[0].Body)
				if !strings.HasPrefix(link, p.base+"/") {
					t.Fatalf("no confirmation link to this site in:\n%s", m[0].Body)
				}
				if status, body := p.get(link); status != http.StatusOK || !strings.Contains(body, "订阅有效") {
					t.Fatalf("confirm: %d %.300s", status, body)
				}
			}

			start := time.Now()
			title := p.publishByAPI("关于赤岗街道2026年高龄老年人津贴申领的通知")
			msgs = p.wait(4)
			elapsed := time.Since(start)
			got := to(msgs[2:], citizen)
			if len(got) != 1 {
				t.Fatalf("citizen got %d messages of the record", len(got))
			}
			m := got[0]
			t.Logf("published to delivered: %s", elapsed)
			if elapsed > time.Minute {
				t.Errorf("the message took %s", elapsed)
			}
			if m.Subject != "【政务公开】"+title || !strings.Contains(m.Body, p.base+"/zwgk/info/") || !strings.Contains(m.Body, "赤岗街道") {
				t.Errorf("message %q:\n%s", m.Subject, m.Body)
			}
			unsub := strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
			if !strings.HasPrefix(unsub, p.base+"/hudong/dingyue/td/") || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" ||
				!strings.Contains(m.Body, unsub) {
				t.Fatalf("unsubscribe headers %q %q", m.Header.Get("List-Unsubscribe"), m.Header.Get("List-Unsubscribe-Post"))
			}

			// A mail program's one-click unsubscribe: a POST, no log-in.
			status, body = p.post(strings.TrimPrefix(unsub, p.base), url.Values{"List-Unsubscribe": {"One-Click"}}, nil)
			if status != http.StatusOK || !strings.Contains(body, "订阅已结束") {
				t.Fatalf("unsubscribe: %d %.300s", status, body)
			}

			p.publish("赤岗街道长者饭堂2026年7月菜单")
			msgs = p.wait(5)
			if len(to(msgs, citizen)) != 2 || len(to(msgs, control)) != 3 {
				t.Errorf("after unsubscribing: %d messages to the citizen, %d to the other subscriber", len(to(msgs, citizen)), len(to(msgs, control)))
			}
			var queued int
			if err := p.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM push_outbox WHERE recipient = ?`, citizen).Scan(&queued); err != nil || queued != 2 {
				t.Errorf("%d messages to the citizen in the outbox, %v", queued, err)
			}
		})
	}
}

// Three records published for a daily subscriber make one digest, sent by
// the period's job, which is unique: asking again for the same period adds
// no job.
func TestDigest(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			p := startPush(t, engine, nil)
			const reader = "zhaolei@example.com"
			if status, body := p.post("/api/v1/subscriptions", nil, map[string]any{"email": reader, "units": []string{"440105"}, "frequency": "daily"}); status != http.StatusAccepted {
				t.Fatalf("subscribe: %d %s", status, body)
			}
			if status, body := p.get(confirmLinkRE.FindString(p.wait(1)[0].Body)); status != http.StatusOK {
				t.Fatalf("confirm: %d %.200s", status, body)
			}
			titles := []string{"赤岗街道2026年6月养老服务补贴公示", "赤岗街道长者饭堂开放时间调整", "赤岗街道居家养老服务商名单"}
			for _, title := range titles {
				p.publish(title)
			}
			ctx := context.Background()
			// The fan-out jobs put the records in the reader's digest.
			p.until("three records in the digest", func() bool {
				var waiting int
				err := p.DB.QueryRow(ctx, `SELECT COUNT(*) FROM push_digest_items WHERE outbox_id IS NULL`).Scan(&waiting)
				return err == nil && waiting == 3
			})
			if n := len(p.smtp.Messages()); n != 1 {
				t.Fatalf("%d messages before the digest: a daily subscriber got records one by one", n)
			}
			// The next morning's period, as the periodic job asks for it.
			p.DB.SetClock(func() time.Time { return time.Date(2026, 6, 16, 8, 30, 0, 0, calendar.China) })
			period := push.Period(push.Daily, p.DB.Now())
			if period != "2026-06-16" {
				t.Errorf("period %s", period)
			}
			for i := range 2 {
				res, err := p.DB.Enqueue(ctx, push.DigestArgs{Frequency: push.Daily, Period: period}, push.UniquePerPeriod)
				if err != nil {
					t.Fatal(err)
				}
				if res.UniqueSkippedAsDuplicate != (i == 1) {
					t.Errorf("request %d for the period: skipped %v", i+1, res.UniqueSkippedAsDuplicate)
				}
			}
			msgs := p.wait(2)
			d := msgs[1]
			// The day's digest, asked for when the app started, may run
			// only after the records came (a loaded machine) and take them.
			if d.To[0] != reader || d.Subject != "【政务公开】每日信息摘要（2026-06-16，3条）" && d.Subject != "【政务公开】每日信息摘要（2026-06-15，3条）" {
				t.Errorf("digest to %v: %q", d.To, d.Subject)
			}
			for _, title := range titles {
				if strings.Count(d.Body, title) != 1 {
					t.Errorf("digest lists %q %d times:\n%s", title, strings.Count(d.Body, title), d.Body)
				}
			}
			if d.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
				t.Error("the digest has no one-click unsubscribe")
			}
			var waiting int
			if err := p.DB.QueryRow(ctx, `SELECT COUNT(*) FROM push_digest_items WHERE outbox_id IS NULL`).Scan(&waiting); err != nil || waiting != 0 {
				t.Errorf("%d records still wait, %v", waiting, err)
			}
		})
	}
}

// gateway is a local SMS, WeChat or webhook receiver: it keeps what it is
// sent, and answers with status while fail is above zero.
type gateway struct {
	mu      sync.Mutex
	bodies  [][]byte
	headers []http.Header
	fail    int
	arrived chan struct{}
}

func newGateway(t *testing.T) (*gateway, string) {
	g := &gateway{arrived: make(chan struct{}, 100)}
	srv := http.Server{Handler: g}
	ln := mustListen(t)
	go srv.Serve(ln) //nolint:errcheck // ends with the test
	t.Cleanup(func() { srv.Close() })
	return g, "http://" + ln.Addr().String() + "/send"
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	failing := g.fail > 0
	if failing {
		g.fail--
	} else {
		g.bodies = append(g.bodies, b)
		g.headers = append(g.headers, r.Header.Clone())
	}
	g.mu.Unlock()
	if failing {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":"carrier busy"}`))
		return
	}
	g.arrived <- struct{}{}
	w.Write([]byte(`{"ok":true}`))
}

// next waits for the next body the gateway accepts.
func (g *gateway) next(t *testing.T) ([]byte, http.Header) {
	t.Helper()
	select {
	case <-g.arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("nothing reached the gateway")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.bodies[len(g.bodies)-1], g.headers[len(g.headers)-1]
}

// TestTwoInstancesSendOnce runs two gongkai processes on one PostgreSQL
// database, each working the queue with its own mail relay: a record
// published once reaches each of twelve subscribers exactly once, through
// one relay or the other, and the outbox says each was sent once.
func TestTwoInstancesSendOnce(t *testing.T) {
	first := startPush(t, "postgres", nil)
	second := startPush(t, "postgres", func(c *app.Config) { c.DatabaseURL = first.DB.URL })
	dom := first.yanglao()
	const n = 12
	for i := range n {
		addr := "reader" + strconv.Itoa(i) + "@example.com"
		p := first
		if i%2 == 1 {
			p = second
		}
		if status, body := p.post("/api/v1/subscriptions", nil, map[string]any{"email": addr, "domains": []string{dom}, "frequency": "immediate"}); status != http.StatusAccepted {
			t.Fatalf("subscribe %s: %d %s", addr, status, body)
		}
	}
	// Each confirmation went out through one relay or the other.
	var links []string
	first.until("twelve confirmations", func() bool {
		links = links[:0]
		for _, m := range append(first.smtp.Messages(), second.smtp.Messages()...) {
			links = append(links, confirmLinkRE.FindString(m.Body))
		}
		return len(links) >= n
	})
	if len(links) != n {
		t.Fatalf("%d confirmations for %d subscriptions", len(links), n)
	}
	for _, link := range links {
		if status, body := first.get(link); status != http.StatusOK {
			t.Fatalf("confirm: %d %.200s", status, body)
		}
	}
	first.publish("赤岗街道2026年6月高龄老年人津贴发放情况")
	var got []mailtest.Message
	first.until("the record to every subscriber", func() bool {
		got = got[:0]
		for _, m := range append(first.smtp.Messages(), second.smtp.Messages()...) {
			if strings.Contains(m.Subject, "高龄老年人津贴发放情况") {
				got = append(got, m)
			}
		}
		return len(got) >= n
	})
	t.Logf("relays: %d and %d messages in all", len(first.smtp.Messages()), len(second.smtp.Messages()))
	seen := map[string]int{}
	for _, m := range got {
		seen[strings.Join(m.To, ",")]++
	}
	if len(got) != n || len(seen) != n {
		t.Errorf("%d messages to %d addresses, want %d to %d: %v", len(got), len(seen), n, n, seen)
	}
	// A relay has a message a moment before its outbox row is marked
	// sent: wait for the rows, then count the attempts.
	var sent, attempts int
	first.until("every record marked sent", func() bool {
		err := first.DB.QueryRow(context.Background(), `SELECT COUNT(*), COALESCE(SUM(attempts), 0) FROM push_outbox WHERE kind = 'push.published' AND state = 'sent'`).Scan(&sent, &attempts)
		return err == nil && sent >= n
	})
	if sent != n || attempts != n {
		t.Errorf("outbox: %d records sent in %d attempts, want %d in %d", sent, attempts, n, n)
	}
}
