package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/mail"
	"gongkai/internal/mail/mailtest"
	"gongkai/internal/push"
	"gongkai/internal/web"
)

// pushEnv is a server whose outbox sends e-mail to a real SMTP server and
// SMS to a local gateway.
type pushEnv struct {
	*env
	smtp *mailtest.Server
	out  *push.Service
	mu   sync.Mutex
	sms  []string // the texts the gateway got
}

func newPushEnv(t *testing.T, d *db.DB) *pushEnv {
	t.Helper()
	smtp := mailtest.New(t)
	mc, err := mail.ParseURL(smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	pe := &pushEnv{smtp: smtp}
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct{ Text string }
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &m)
		pe.mu.Lock()
		pe.sms = append(pe.sms, m.Text)
		pe.mu.Unlock()
	}))
	t.Cleanup(gw.Close)
	var base string
	pe.out = push.New(d, push.Config{Mail: mail.NewSender(mc), Gateways: push.Gateways{SMS: push.Gateway{URL: gw.URL}}, Site: func() string { return base }})
	pe.env = newEnv(t, d, func(c *web.Config) { c.Push = pe.out })
	base = pe.srv.URL
	d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
	return pe
}

func (pe *pushEnv) lastSMS() string {
	pe.mu.Lock()
	defer pe.mu.Unlock()
	if len(pe.sms) == 0 {
		return ""
	}
	return pe.sms[len(pe.sms)-1]
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The form works without script: a refused one comes back with the
// choices and the address as typed and the field at fault named, and
// records nothing; an accepted one sends the confirmation, whose link
// confirms; the unsubscribe page changes nothing on GET and ends the
// subscription on POST.
func TestSubscribeForm(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		pe := newPushEnv(t, d)
		c := pe.client()
		res := c.get("/hudong/dingyue/?unit=440105-001&domain=21")
		if res.StatusCode != http.StatusOK || attr(t, res.Body, "#units option[selected]", "value") != "440105-001" ||
			attr(t, res.Body, "input[name=domains][checked]", "value") != "21" {
			t.Fatalf("form: %d, preselected %q %q", res.StatusCode, attr(t, res.Body, "#units option[selected]", "value"), attr(t, res.Body, "input[name=domains][checked]", "value"))
		}
		if n := len(find(t, res.Body, "input[name=audiences]")); n != 8 {
			t.Errorf("%d audiences offered, want the plan's 8", n)
		}
		if !strings.Contains(c.get("/hudong/").Body, `href="/hudong/dingyue/"`) {
			t.Error("互动交流 does not link to the subscription")
		}

		bad := url.Values{"email": {"liming@example"}, "units": {"440105-001"}, "domains": {"21"}, "audiences": {"enterprise"}, "frequency": {"daily"}}
		res = c.postForm("/hudong/dingyue/", bad)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(text(t, res.Body, "#email-error"), "格式不正确") ||
			attr(t, res.Body, "#email", "value") != "liming@example" || attr(t, res.Body, "#units option[selected]", "value") != "440105-001" ||
			attr(t, res.Body, "input[name=audiences][checked]", "value") != "enterprise" || attr(t, res.Body, "input[name=frequency][checked]", "value") != "daily" {
			t.Errorf("refused form: %d %q", res.StatusCode, text(t, res.Body, "#email-error"))
		}
		for _, f := range []url.Values{
			{"email": {"a@example.com"}, "phone": {"13800138000"}, "units": {"440105-001"}},
			{"email": {"a@example.com"}},
			{"email": {"a@example.com"}, "units": {"440105-999"}},
			{"email": {"a@example.com"}, "domains": {"99"}},
			{"email": {"a@example.com"}, "audiences": {"<script>"}},
			{"email": {"a@example.com"}, "topics": {"没有的主题"}},
			{"email": {"a@example.com"}, "units": {"440105"}, "frequency": {"hourly"}},
			{"phone": {"020-88886666"}, "units": {"440105"}},
			{"email": {strings.Repeat("a", 300) + "@example.com"}, "units": {"440105"}},
		} {
			if res := c.postForm("/hudong/dingyue/", f); res.StatusCode != http.StatusBadRequest || len(find(t, res.Body, ".field-error")) == 0 {
				t.Errorf("%v: %d", f, res.StatusCode)
			}
		}
		if n := pe.count(t, `SELECT COUNT(*) FROM push_subscriptions`); n != 0 {
			t.Fatalf("refused forms recorded %d subscriptions", n)
		}

		good := url.Values{"email": {"LiMing@Example.com"}, "units": {"440105-001"}, "domains": {"21"}, "frequency": {"immediate"}}
		res = c.postForm("/hudong/dingyue/", good)
		if res.StatusCode != http.StatusOK || find(t, res.Body, "#sent") == nil {
			t.Fatalf("subscribe: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		msgs, _ := pe.smtp.Wait(1, 10*time.Second)
		if len(msgs) != 1 || msgs[0].To[0] != "liming@example.com" {
			t.Fatalf("confirmation: %+v", msgs)
		}
		link := regexp.MustCompile(`/hudong/dingyue/qr/[A-Za-z0-9_-]+/`).FindString(msgs[0].Body)
		if link == "" || !strings.Contains(msgs[0].Body, pe.srv.URL+link) {
			t.Fatalf("no link in\n%s", msgs[0].Body)
		}
		if res := c.get("/hudong/dingyue/qr/" + strings.Repeat("A", 43) + "/"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a made-up confirmation link: %d", res.StatusCode)
		}
		res = c.get(link)
		if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(text(t, res.Body, "#follows"), "赤岗街道") ||
			!strings.Contains(res.Body, "li***@example.com") {
			t.Fatalf("confirmed: %d %q %q", res.StatusCode, res.Header.Get("Cache-Control"), text(t, res.Body, "#follows"))
		}
		if res := c.get(link); res.StatusCode != http.StatusOK {
			t.Errorf("the link opened again: %d", res.StatusCode)
		}

		// Every message carries the unsubscribe link: a notice to 赤岗's
		// subscribers brings one.
		reviewer := pe.asDemo(auth.UnitReviewer)
		if res := reviewer.postForm("/admin/push/notices", url.Values{"subject": {"赤岗街道高龄津贴申领提醒"}, "body": {"请于11月30日前申领。"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("notice: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		if _, err := pe.out.DeliverDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		msgs, _ = pe.smtp.Wait(2, 10*time.Second)
		unsub := strings.TrimPrefix(strings.Trim(msgs[len(msgs)-1].Header.Get("List-Unsubscribe"), "<>"), pe.srv.URL)
		if !strings.HasPrefix(unsub, "/hudong/dingyue/td/") {
			t.Fatalf("notice's List-Unsubscribe %q", msgs[len(msgs)-1].Header.Get("List-Unsubscribe"))
		}
		before := pe.snapshot(t)
		res = pe.client().get(unsub)
		if res.StatusCode != http.StatusOK || attr(t, res.Body, "form[method=post]", "action") != unsub {
			t.Errorf("unsubscribe page: %d", res.StatusCode)
		}
		unchanged(t, "GET of the unsubscribe link", before, pe.snapshot(t))
		if res := pe.client().postForm("/hudong/dingyue/td/"+strings.Repeat("x", 43)+"/", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("a made-up unsubscribe link: %d", res.StatusCode)
		}
		res = pe.client().postForm(unsub, url.Values{"List-Unsubscribe": {"One-Click"}})
		if res.StatusCode != http.StatusOK || !strings.Contains(text(t, res.Body, "#state"), "订阅已结束") {
			t.Errorf("unsubscribe: %d %q", res.StatusCode, text(t, res.Body, "#state"))
		}
		if n := pe.count(t, `SELECT COUNT(*) FROM push_subscriptions WHERE state = 'ended' AND ended_how = 'unsubscribed'`); n != 1 {
			t.Errorf("%d subscriptions ended", n)
		}
	})
}

// The API answers 202 for a subscription and 400 naming the field for a
// bad one; an SMS subscription is confirmed by the code the gateway
// carried; one address may not be subscribed again and again.
func TestSubscribeAPI(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		pe := newPushEnv(t, d)
		c := pe.client()
		for _, tc := range []struct {
			body  string
			field string
		}{
			{`{}`, "email"},
			{`{"email":"x"}`, "email"},
			{`{"email":"a@example.com","phone":"13800138000","units":["440105"]}`, "email"},
			{`{"phone":"12345","units":["440105"]}`, "phone"},
			{`{"wechat_openid":"o'1","units":["440105"]}`, "wechat_openid"},
			{`{"wechat_openid":"oAbCdEfGhIjKlMnOp","units":["440105"]}`, "wechat_openid"}, // WeChat is off
			{`{"email":"a@example.com","units":["nope"]}`, "units"},
			{`{"email":"a@example.com","domains":["99"]}`, "domains"},
			{`{"email":"a@example.com","audiences":["everyone"]}`, "audiences"},
			{`{"email":"a@example.com","topics":["无此主题"]}`, "topics"},
			{`{"email":"a@example.com","units":["440105"],"frequency":"hourly"}`, "frequency"},
			{`{"email":"a@example.com"}`, "units"},
			{`{"email":"a@example.com","units":[` + strings.Repeat(`"440105",`, 60) + `"440105"]}`, "units"},
		} {
			res := c.sendJSON("POST", "/api/v1/subscriptions", tc.body)
			var v struct {
				Error struct{ Fields map[string]string }
			}
			json.Unmarshal([]byte(res.Body), &v)
			if res.StatusCode != http.StatusBadRequest || v.Error.Fields[tc.field] == "" {
				t.Errorf("%s: %d %s, want 400 naming %s", tc.body, res.StatusCode, res.Body, tc.field)
			}
		}
		if res := c.sendJSON("POST", "/api/v1/subscriptions", `{"email":"a@example.com","units":["440105"],"extra":1}`); res.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown field: %d", res.StatusCode)
		}
		if n := pe.count(t, `SELECT COUNT(*) FROM push_subscriptions`); n != 0 {
			t.Fatalf("refused requests recorded %d subscriptions", n)
		}

		res := c.sendJSON("POST", "/api/v1/subscriptions", map[string]any{"phone": "13800138000", "audiences": []string{"enterprise", "taxpayer"}, "frequency": "weekly"})
		if res.StatusCode != http.StatusAccepted || !strings.Contains(res.Body, `"confirm":"code"`) {
			t.Fatalf("SMS subscription: %d %s", res.StatusCode, res.Body)
		}
		code := regexp.MustCompile(`[0-9]{6}`).FindString(pe.lastSMS())
		if code == "" {
			t.Fatalf("no code in %q", pe.lastSMS())
		}
		// The portal's code form: a wrong code is refused with the field
		// named, the right one confirms.
		res = c.postForm("/hudong/dingyue/yzm/", url.Values{"phone": {"13800138000"}, "code": {"12345x"}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#code-error") == "" || attr(t, res.Body, "#phone", "value") != "13800138000" {
			t.Errorf("wrong code: %d", res.StatusCode)
		}
		res = c.postForm("/hudong/dingyue/yzm/", url.Values{"phone": {"138 0013 8000"}, "code": {code}})
		if res.StatusCode != http.StatusOK || !strings.Contains(text(t, res.Body, "#state"), "订阅有效") || !strings.Contains(text(t, res.Body, "#follows"), "纳税人") {
			t.Errorf("right code: %d %q", res.StatusCode, text(t, res.Body, "#follows"))
		}

		// Five subscriptions of one address a day; the sixth is refused.
		for i := range 6 {
			res := c.sendJSON("POST", "/api/v1/subscriptions", map[string]any{"email": "flood@example.com", "units": []string{"440105"}})
			want := http.StatusAccepted
			if i == 5 {
				want = http.StatusTooManyRequests
			}
			if res.StatusCode != want {
				t.Errorf("subscription %d of one address: %d", i+1, res.StatusCode)
			}
		}
	})
}

// Every console route of push refuses those outside its scope or without
// the right and changes nothing; inside, a unit's notice reaches its own
// subscribers only and its report counts them.
func TestPushConsoleScope(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		pe := newPushEnv(t, d)
		ctx := context.Background()
		for _, n := range []auth.NewAccount{
			{Login: "yuexiu-office", Role: auth.PublicOfficeDistrict, UnitCode: "440104"},
			{Login: "bj-reviewer", Role: auth.UnitReviewer, UnitCode: "440104-001"},
			{Login: "xg-reviewer", Role: auth.UnitReviewer, UnitCode: "440105-002"},
		} {
			addAccount(t, pe.env, n)
		}
		clients := map[string]*client{}
		for _, login := range []string{"yuexiu-office", "bj-reviewer", "xg-reviewer"} {
			clients[login] = pe.as(login, login+"-pw-2026")
		}
		for _, role := range auth.Roles {
			clients[string(role)] = pe.asDemo(role)
		}
		// Subscribers of 赤岗 and of 新港, confirmed.
		for _, sub := range []push.Request{{Email: "cg@example.com", Units: []string{"440105-001"}}, {Email: "xg@example.com", Units: []string{"440105-002"}}} {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := push.Subscribe(ctx, tx, sub, pe.out.Enabled, push.Choices{})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := pe.out.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		for _, m := range pe.smtp.Messages() {
			if res := pe.client().get(regexp.MustCompile(`/hudong/dingyue/qr/[A-Za-z0-9_-]+/`).FindString(m.Body)); res.StatusCode != http.StatusOK {
				t.Fatalf("confirm %v: %d", m.To, res.StatusCode)
			}
		}

		reviewer := clients[string(auth.UnitReviewer)]
		res := reviewer.postForm("/admin/push/notices", url.Values{"subject": {"赤岗街道敬老活动"}, "body": {"本周六上午在社区中心举行。"}, "link": {"https://www.haizhu.gov.cn/cg/1.html"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("notice: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		notice := res.Header.Get("Location")
		if _, err := pe.out.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		msgs := pe.smtp.Messages()
		last := msgs[len(msgs)-1]
		if len(msgs) != 3 || last.To[0] != "cg@example.com" || !strings.Contains(last.Body, "https://www.haizhu.gov.cn/cg/1.html") {
			t.Fatalf("the notice reached %d messages, last to %v", len(msgs), last.To)
		}
		res = reviewer.get(notice)
		if res.StatusCode != http.StatusOK || text(t, res.Body, "#recipients") != "1" || text(t, res.Body, "table.report tr.total td:nth-of-type(2)") != "1" {
			t.Errorf("report: %d recipients %q sent %q", res.StatusCode, text(t, res.Body, "#recipients"), text(t, res.Body, "table.report tr.total td:nth-of-type(2)"))
		}
		// Failures are listed to the sender without the subscribers'
		// addresses or a webhook's address and answers: those are the
		// administrators'.
		noticeID, _ := strconv.ParseInt(path.Base(notice), 10, 64)
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE push_outbox SET state = 'failed', last_error = '550 mailbox unavailable' WHERE notice_id = ?`, noticeID); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO push_outbox (channel, recipient, subject, body, kind, notice_id, state, attempts, last_error, created_at)
				VALUES ('webhook', 'https://partner.example.com/s3cret-path/hook?token=s3cret', 's', 'b', 'push.notice', ?, 'failed', 1, 'HTTP 500: internal s3cret answer', ?)`, noticeID, time.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		body := reviewer.get(notice).Body
		if strings.Contains(body, "cg@example.com") || strings.Contains(body, "s3cret") || !strings.Contains(text(t, body, "#failures"), "cg***@example.com") ||
			!strings.Contains(text(t, body, "#failures"), "550 mailbox unavailable") {
			t.Errorf("a reviewer's failures: %q", text(t, body, "#failures"))
		}
		if admin := clients[string(auth.Admin)].get(notice).Body; !strings.Contains(admin, "cg@example.com") || !strings.Contains(admin, "s3cret") {
			t.Errorf("the administrator's failures: %q", text(t, admin, "#failures"))
		}
		if !strings.Contains(clients[string(auth.PublicOfficeDistrict)].get("/admin/push").Body, `href="`+notice+`"`) {
			t.Error("the district office does not see its street's notice")
		}

		form := url.Values{"subject": {"越界推送"}, "body": {"越界"}}
		out := url.Values{"subject": {"越界推送"}, "body": {"越界"}, "units": {"440105-001"}}
		audience := url.Values{"code": {"enterprise"}, "name": {"被改的名称"}, "sort": {"1"}}
		hook := url.Values{"url": {"https://example.com/hook"}, "label": {"越界"}, "units": {"440105"}}
		cases := []struct {
			who, method, path string
			form              url.Values
			want              []int
		}{
			{string(auth.UnitEditor), "GET", "/admin/push", nil, forbidden},
			{string(auth.DomainSupervisor), "GET", "/admin/push", nil, forbidden},
			{string(auth.UnitEditor), "GET", "/admin/push/notices/new", nil, forbidden},
			{string(auth.UnitEditor), "POST", "/admin/push/notices", form, forbidden},
			{string(auth.DomainSupervisor), "POST", "/admin/push/notices", form, forbidden},
			{"bj-reviewer", "POST", "/admin/push/notices", out, []int{http.StatusBadRequest}},
			{"xg-reviewer", "POST", "/admin/push/notices", out, []int{http.StatusBadRequest}},
			{"yuexiu-office", "POST", "/admin/push/notices", out, []int{http.StatusBadRequest}},
			{"bj-reviewer", "GET", notice, nil, notFound},
			{"xg-reviewer", "GET", notice, nil, notFound},
			{"yuexiu-office", "GET", notice, nil, notFound},
			{string(auth.UnitEditor), "GET", notice, nil, forbidden},
			{string(auth.UnitReviewer), "GET", "/admin/push/audiences", nil, forbidden},
			{string(auth.PublicOfficeDistrict), "GET", "/admin/push/audiences", nil, forbidden},
			{string(auth.PublicOfficeDistrict), "POST", "/admin/push/audiences", audience, forbidden},
			{string(auth.UnitReviewer), "POST", "/admin/push/audiences", audience, forbidden},
			{string(auth.PublicOfficeCity), "GET", "/admin/push/webhooks", nil, forbidden},
			{string(auth.PublicOfficeCity), "POST", "/admin/push/webhooks", hook, forbidden},
			{string(auth.PublicOfficeDistrict), "POST", "/admin/push/webhooks/1/end", nil, forbidden},
		}
		for _, c := range cases {
			before := pe.snapshot(t)
			var res response
			if c.method == "GET" {
				res = clients[c.who].get(c.path)
			} else {
				res = clients[c.who].postForm(c.path, c.form)
			}
			if !slices.Contains(c.want, res.StatusCode) {
				t.Errorf("%s %s %s: %d, want one of %v", c.who, c.method, c.path, res.StatusCode, c.want)
			}
			unchanged(t, c.who+" "+c.method+" "+c.path, before, pe.snapshot(t))
		}
		if res := pe.client().get("/admin/push"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous: %d", res.StatusCode)
		}

		// The same from inside: the routes are real.
		city, admin := clients[string(auth.PublicOfficeCity)], clients[string(auth.Admin)]
		for _, c := range []struct {
			who  *client
			path string
		}{{reviewer, "/admin/push"}, {reviewer, "/admin/push/notices/new"}, {city, "/admin/push/audiences"}, {admin, "/admin/push/webhooks"}, {admin, "/admin/push"}} {
			if res := c.who.get(c.path); res.StatusCode != http.StatusOK {
				t.Errorf("inside GET %s: %d", c.path, res.StatusCode)
			}
		}
		if res := city.postForm("/admin/push/audiences", audience); res.StatusCode != http.StatusSeeOther ||
			!strings.Contains(city.get("/admin/push/audiences").Body, "被改的名称") {
			t.Errorf("the city office renames an audience: %d", res.StatusCode)
		}
		if res := city.postForm("/admin/push/audiences", url.Values{"code": {"Bad Code"}, "name": {""}, "sort": {"x"}}); res.StatusCode != http.StatusBadRequest ||
			text(t, res.Body, "#code-error") == "" {
			t.Errorf("a bad audience: %d", res.StatusCode)
		}
		res = admin.postForm("/admin/push/webhooks", hook)
		if res.StatusCode != http.StatusOK || !regexp.MustCompile(`[A-Za-z0-9_-]{43}`).MatchString(text(t, res.Body, ".flash")) {
			t.Errorf("webhook added: %d %q", res.StatusCode, text(t, res.Body, ".flash"))
		}
		if res := admin.get("/admin/push/webhooks"); strings.Contains(res.Body, text(t, res.Body, ".flash")) && text(t, res.Body, ".flash") != "" {
			t.Error("the secret is shown again")
		}
	})
}

// The push pages in English say nothing in Chinese but user data.
func TestPushPagesInEnglish(t *testing.T) {
	d := dbtest.SQLite(t)
	pe := newPushEnv(t, d)
	visitor, city, admin := pe.client(), pe.asDemo(auth.PublicOfficeCity), pe.asDemo(auth.Admin)
	res := city.postForm("/admin/push/notices", url.Values{"subject": {"全市惠企政策"}, "body": {"详见链接。"}, "audiences": {"enterprise"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("notice: %d %s", res.StatusCode, excerpt(res.Body, "error"))
	}
	notice := res.Header.Get("Location")
	if res := visitor.sendJSON("POST", "/api/v1/subscriptions?lang=en", map[string]any{"email": "reader@example.com", "audiences": []string{"enterprise"}}); res.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe: %d %s", res.StatusCode, res.Body)
	}
	msgs, _ := pe.smtp.Wait(1, 10*time.Second)
	if len(msgs) != 1 || msgs[0].Subject != "[Government information] Please confirm your subscription" {
		t.Fatalf("English confirmation: %+v", msgs)
	}
	link := regexp.MustCompile(`/hudong/dingyue/qr/[A-Za-z0-9_-]+/`).FindString(msgs[0].Body)
	for _, p := range []struct {
		c    *client
		path string
	}{{visitor, "/hudong/dingyue/"}, {visitor, "/hudong/"}, {visitor, link}, {city, "/admin/push"}, {city, "/admin/push/notices/new"}, {city, notice},
		{city, "/admin/push/audiences"}, {admin, "/admin/push"}, {admin, "/admin/push/webhooks"}} {
		res := p.c.get(p.path + "?lang=en")
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "!!") {
			t.Errorf("%s: %d", p.path, res.StatusCode)
			continue
		}
		if found := chineseOutsideUserData(t, res.Body); len(found) > 0 {
			t.Errorf("%s shows Chinese outside user data:\n%s", p.path, strings.Join(found, "\n"))
		}
	}
}
