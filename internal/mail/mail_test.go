package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/mail"
	"gongkai/internal/mail/mailtest"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want mail.Config
	}{
		{"smtp://u:p%40ss@relay.gz.gov.cn?from=gongkai@gz.gov.cn",
			mail.Config{Host: "relay.gz.gov.cn", Port: 587, User: "u", Password: "p@ss", From: "gongkai@gz.gov.cn", TLS: mail.StartTLS}},
		{"smtps://relay.gz.gov.cn?from=gongkai@gz.gov.cn",
			mail.Config{Host: "relay.gz.gov.cn", Port: 465, From: "gongkai@gz.gov.cn", TLS: mail.TLS}},
		{"smtp://127.0.0.1:2525?from=a@b.cn&tls=none",
			mail.Config{Host: "127.0.0.1", Port: 2525, From: "a@b.cn", TLS: mail.NoTLS}},
		{"smtp://relay?from=a@b.cn&tls=none",
			mail.Config{Host: "relay", Port: 25, From: "a@b.cn", TLS: mail.NoTLS}},
		{"smtp://relay?from=a@b.cn&tls=tls",
			mail.Config{Host: "relay", Port: 465, From: "a@b.cn", TLS: mail.TLS}},
	} {
		got, err := mail.ParseURL(tc.raw)
		if err != nil {
			t.Errorf("%s: %v", tc.raw, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tc.raw, diff)
		}
	}
	for _, raw := range []string{
		"",
		"http://relay?from=a@b.cn",
		"smtp://?from=a@b.cn",
		"smtp://relay",
		"smtp://relay?from=not-an-address",
		"smtp://relay?from=a@b.cn&tls=maybe",
		"smtp://relay:0?from=a@b.cn",
		"smtp://relay:99999?from=a@b.cn",
		"smtp://relay?from=a@b.cn&form=x",
		"smtp://user:topsecret@relay:port?from=a@b.cn",
		"smtp://user:topsecret@relay?from=a@b.cn&tls=%zz",
	} {
		_, err := mail.ParseURL(raw)
		if err == nil {
			t.Errorf("%q: no error", raw)
		} else if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("%q: the error shows the password: %v", raw, err)
		}
	}
}

func TestSend(t *testing.T) {
	srv := mailtest.New(t)
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	s := mail.NewSender(cfg)
	ctx := context.Background()
	body := "张三：\n\n以下政府信息公开申请即将到期，请及时办理。\n" + strings.Repeat("长行", 100) + "\n"
	if err := s.Send(ctx, "zhangsan@haizhu.gov.cn", "【政务公开】办理提醒", body); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != mailtest.From || !cmp.Equal(m.To, []string{"zhangsan@haizhu.gov.cn"}) {
		t.Errorf("envelope %s → %v", m.From, m.To)
	}
	if m.Subject != "【政务公开】办理提醒" {
		t.Errorf("subject %q", m.Subject)
	}
	if m.Body != body {
		t.Errorf("body %q, want %q", m.Body, body)
	}
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "utf-8") {
		t.Errorf("Content-Type %q", ct)
	}
	if m.Header.Get("Date") == "" || m.Header.Get("Message-Id") == "" {
		t.Errorf("no Date or Message-ID: %v", m.Header)
	}

	// A refusal, a wrong password, a bad address and an absent relay are
	// errors, and nothing is accepted.
	srv.Refuse("zhangsan@haizhu.gov.cn")
	if err := s.Send(ctx, "zhangsan@haizhu.gov.cn", "x", "y"); err == nil || mail.Rejected(err) {
		t.Errorf("a message refused for now: %v (rejected for good: %v)", err, mail.Rejected(err))
	}
	srv.Refuse()
	srv.Unknown("nobody@haizhu.gov.cn")
	if err := s.Send(ctx, "nobody@haizhu.gov.cn", "x", "y"); !mail.Rejected(err) {
		t.Errorf("a message to no such mailbox: %v, not rejected for good", err)
	}
	srv.Unknown()
	bad := cfg
	bad.Password = "wrong"
	if err := mail.NewSender(bad).Send(ctx, "zhangsan@haizhu.gov.cn", "x", "y"); err == nil {
		t.Error("a wrong password gave no error")
	}
	if err := s.Send(ctx, "not an address", "x", "y"); err == nil {
		t.Error("a bad address gave no error")
	}
	gone := cfg
	gone.Port = 1
	if err := mail.NewSender(gone).Send(ctx, "zhangsan@haizhu.gov.cn", "x", "y"); err == nil {
		t.Error("an absent relay gave no error")
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("the server holds %d messages, want 1", n)
	}
}

// Files go as attachments under their names, byte for byte, beside the text.
func TestSendFiles(t *testing.T) {
	srv := mailtest.New(t)
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	pdf := append([]byte("%PDF-1.4\n"), make([]byte, 3000)...)
	pdf[2000] = 0xff
	files := []mail.File{{Name: "2026年高龄津贴发放名单.pdf", ContentType: "application/pdf", Data: pdf}, {Name: "b.txt", ContentType: "text/plain", Data: []byte("第二个")}}
	if err := mail.NewSender(cfg).SendFiles(context.Background(), "liming@example.com", "答复告知书", "李明：\n\n见附件。\n", files); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Body != "李明：\n\n见附件。\n" {
		t.Errorf("body %q", m.Body)
	}
	if diff := cmp.Diff([]mailtest.File{{Name: files[0].Name, ContentType: "application/pdf", Data: pdf}, {Name: "b.txt", ContentType: "text/plain", Data: []byte("第二个")}}, m.Files); diff != "" {
		t.Errorf("files: mismatch (-want +got):\n%s", diff)
	}
}

// Extra header fields reach the relay; a field name or value that would
// add fields of its own is refused and nothing is sent.
func TestSendMessageHeader(t *testing.T) {
	srv := mailtest.New(t)
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	s := mail.NewSender(cfg)
	ctx := context.Background()
	err = s.SendMessage(ctx, mail.Message{To: "a@example.com", Subject: "订阅", Body: "正文",
		Header: map[string]string{"List-Unsubscribe": "<https://gongkai.example.gov.cn/hudong/dingyue/td/x/>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}})
	if err != nil {
		t.Fatal(err)
	}
	m := srv.Messages()[0]
	if m.Header.Get("List-Unsubscribe") != "<https://gongkai.example.gov.cn/hudong/dingyue/td/x/>" || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("headers %v", m.Header)
	}
	for _, h := range []map[string]string{{"X-Evil": "a\r\nBcc: b@example.com"}, {"Bad Name": "x"}, {"X:Y": "x"}, {"": "x"}} {
		if err := s.SendMessage(ctx, mail.Message{To: "a@example.com", Subject: "s", Body: "b", Header: h}); err == nil {
			t.Errorf("header %q accepted", h)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages sent", n)
	}
}
