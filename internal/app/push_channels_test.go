package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/push"
)

func mustListen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

var codeRE = regexp.MustCompile(`验证码为([0-9]{6})`)

// An SMS subscription through a local gateway speaking the documented
// protocol: the code arrives although the gateway refused the first
// attempt, which the outbox retried and recorded with the gateway's
// reason; a wrong code is refused naming the field; the right one
// confirms, and a record published then arrives by SMS with its
// unsubscribe link.
func TestSMSSubscription(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			gw, gwURL := newGateway(t)
			gw.fail = 1
			p := startPush(t, engine, func(c *app.Config) { c.Gateways.SMS = push.Gateway{URL: gwURL, Token: "sms-token"} })
			status, body := p.post("/api/v1/subscriptions", nil, map[string]any{"phone": "+86 138-0013-8000", "domains": []string{p.yanglao()}})
			if status != http.StatusAccepted || !strings.Contains(body, `"confirm":"code"`) {
				t.Fatalf("subscribe: %d %s", status, body)
			}
			raw, h := gw.next(t)
			var sms struct{ ID, To, Text string }
			if err := json.Unmarshal(raw, &sms); err != nil || sms.To != "13800138000" || h.Get("Authorization") != "Bearer sms-token" || !strings.HasPrefix(sms.ID, "gongkai-") {
				t.Fatalf("gateway got %s (%v), auth %q", raw, err, h.Get("Authorization"))
			}
			code := codeRE.FindStringSubmatch(sms.Text)
			if code == nil {
				t.Fatalf("no code in %q", sms.Text)
			}
			// The gateway has the message before the outbox records it sent.
			var rows []push.Row
			p.until("the code message recorded sent", func() bool {
				var err error
				rows, err = push.About(context.Background(), p.DB, push.KindCode, "1")
				return err == nil && len(rows) == 1 && rows[0].State == push.Sent
			})
			if r := rows[0]; r.State != push.Sent || r.Attempts != 2 || !strings.Contains(r.LastError, "503") || !strings.Contains(r.LastError, "carrier busy") {
				t.Errorf("code message: %+v", r)
			}

			wrong := "000000"
			if code[1] == wrong {
				wrong = "111111"
			}
			status, body = p.post("/api/v1/subscriptions/confirm", nil, map[string]string{"phone": "13800138000", "code": wrong})
			if status != http.StatusBadRequest || !strings.Contains(body, `"code":"验证码不正确。"`) {
				t.Errorf("wrong code: %d %s", status, body)
			}
			if status, body = p.post("/api/v1/subscriptions/confirm", nil, map[string]string{"phone": "13800138000", "code": code[1]}); status != http.StatusOK {
				t.Fatalf("confirm: %d %s", status, body)
			}
			rec := p.publish("赤岗街道2026年重阳节敬老活动安排")
			raw, _ = gw.next(t)
			if err := json.Unmarshal(raw, &sms); err != nil || !strings.Contains(sms.Text, rec.Title) || !strings.Contains(sms.Text, p.base+"/hudong/dingyue/td/") {
				t.Errorf("record by SMS: %s", raw)
			}
		})
	}
}

// A webhook added by an administrator receives each record it follows,
// signed so that the receiver can check the body with the secret; a body
// changed on the way fails the check.
func TestWebhook(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			hook, hookURL := newGateway(t)
			p := startPush(t, engine, nil)
			ctx := context.Background()
			var secret string
			err := p.DB.InTx(ctx, func(tx *db.Tx) error {
				admin, err := auth.ByLogin(ctx, tx, "admin")
				if err != nil {
					return err
				}
				_, secret, err = push.AddWebhook(ctx, tx, admin, push.WebhookInput{URL: hookURL, Label: "区民政业务系统", Units: []string{"440105"}}, push.Choices{})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			rec := p.publish("海珠区赤岗街道养老服务设施名录")
			body, h := hook.next(t)
			if err := push.Verify(secret, h.Get(push.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
				t.Errorf("signature %q: %v", h.Get(push.SignatureHeader), err)
			}
			var ev push.WebhookEvent
			if err := json.Unmarshal(body, &ev); err != nil || ev.Kind != push.KindPublished || ev.Subject != "【政务公开】"+rec.Title || ev.Reference != rec.IndexNo ||
				!strings.HasPrefix(ev.Link, p.base+"/zwgk/info/") {
				t.Errorf("event %s (%v)", body, err)
			}
			forged := bytes.Replace(body, []byte(rec.IndexNo), []byte("X"), 1)
			if err := push.Verify(secret, h.Get(push.SignatureHeader), forged, time.Now(), 5*time.Minute); err == nil {
				t.Error("a changed body passes the check")
			}
			if err := push.Verify("another-secret", h.Get(push.SignatureHeader), body, time.Now(), 5*time.Minute); err == nil {
				t.Error("another secret passes the check")
			}
			if err := push.Verify(secret, h.Get(push.SignatureHeader), body, time.Now().Add(time.Hour), 5*time.Minute); err == nil {
				t.Error("a signature an hour old passes the check")
			}
		})
	}
}
