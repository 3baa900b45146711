package push_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/mail"
	"gongkai/internal/mail/mailtest"
	"gongkai/internal/push"
)

// A webhook reaches the public internet only: one at an inside address
// (here loopback, as 127.0.0.1:5432 or 169.254.169.254 would be) fails
// for good without a connection, and its answer is never read back, unless
// the operator lets webhooks reach the inside network.
func TestWebhookReachesPublicAddressesOnly(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		newWorld(t, d)
		ctx := context.Background()
		var hits atomic.Int32
		inside := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			rw.WriteHeader(http.StatusInternalServerError)
			io.WriteString(rw, "inside secret")
		}))
		defer inside.Close()
		queue := func() int64 {
			var id int64
			err := d.InTx(ctx, func(tx *db.Tx) error {
				admin, err := auth.ByLogin(ctx, tx, "admin")
				if err != nil {
					return err
				}
				sub, _, err := push.AddWebhook(ctx, tx, admin, push.WebhookInput{URL: inside.URL + "/hook", Label: "内网系统", Units: []string{"440105"}}, push.Choices{})
				if err != nil {
					return err
				}
				id, err = push.Queue(ctx, tx, push.Message{Channel: push.Webhook, Recipient: sub.Address, Subject: "s", Body: "b", Kind: push.KindNotice, SubscriptionID: sub.ID})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		id := queue()
		if st, err := push.New(d, push.Config{Log: log}).Deliver(ctx, id); st != push.Failed || !push.IsPermanent(err) {
			t.Errorf("webhook to loopback: %s %v", st, err)
		}
		r, err := push.ByID(ctx, d, id)
		if err != nil || hits.Load() != 0 || !strings.Contains(r.LastError, "not public") || strings.Contains(r.LastError, "inside secret") {
			t.Errorf("%d requests reached the inside server; %+v %v", hits.Load(), r, err)
		}
		// Allowed by the operator: the request goes (and fails on the 500).
		id = queue()
		if st, _ := push.New(d, push.Config{Log: log, WebhooksPrivate: true}).Deliver(ctx, id); st == push.Sent || hits.Load() != 1 {
			t.Errorf("allowed webhook: %s, %d requests", st, hits.Load())
		}
	})
}

// A relay's refusal for good (550, no such mailbox) is not tried again;
// one for now (451) is.
func TestMailboxUnknownIsFinal(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		srv := mailtest.New(t)
		cfg, err := mail.ParseURL(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		srv.Unknown("nobody@example.com")
		srv.Refuse("busy@example.com")
		s := push.New(d, push.Config{Mail: mail.NewSender(cfg), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		for to, final := range map[string]bool{"nobody@example.com": true, "busy@example.com": false} {
			var id int64
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				id, err = push.Queue(ctx, tx, push.Message{Channel: push.Email, Recipient: to, Subject: "s", Body: "b", Kind: push.KindNotice})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.Deliver(ctx, id)
			r, _ := push.ByID(ctx, d, id)
			if st != push.Failed || push.IsPermanent(err) != final || r.NextAttempt.IsZero() != final {
				t.Errorf("%s: %s %v, next attempt %v; want final %v", to, st, err, r.NextAttempt, final)
			}
		}
	})
}
