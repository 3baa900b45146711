package push

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/fetch"
	"gongkai/internal/mail"
)

// Channel delivers messages one way. Send returns an error wrapped by
// Permanent when trying again cannot help (a gateway that refuses the
// recipient); other errors are retried.
type Channel interface {
	Send(ctx context.Context, m Outgoing) error
}

// permanent marks an error that retrying cannot mend.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// Permanent marks err as one that retrying cannot mend.
func Permanent(err error) error { return permanent{err} }

// IsPermanent reports whether err was marked by Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// emailChannel sends through the SMTP relay. A subscription message
// carries its unsubscribe address in List-Unsubscribe and says, with
// List-Unsubscribe-Post, that a POST to it unsubscribes at once (RFC 8058).
type emailChannel struct{ s *mail.Sender }

func (c emailChannel) Send(ctx context.Context, m Outgoing) error {
	msg := mail.Message{To: m.Recipient, Subject: m.Subject, Body: m.Body}
	for _, f := range m.Files {
		msg.Files = append(msg.Files, mail.File{Name: f.Name, ContentType: f.ContentType, Data: f.Data})
	}
	if m.Unsubscribe != "" {
		msg.Header = map[string]string{"List-Unsubscribe": "<" + m.Unsubscribe + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
	}
	err := c.s.SendMessage(ctx, msg)
	if mail.Rejected(err) {
		return Permanent(err)
	}
	return err
}

// Gateway is an HTTP gateway that sends SMS or WeChat template messages
// for gongkai: the operator's own service in front of the carrier or of
// the official account, which holds their credentials. gongkai POSTs one
// JSON object per message (see gatewayBody) with Authorization: Bearer
// Token when Token is set; any 2xx status means accepted.
type Gateway struct {
	URL   string
	Token string
	// Template is the WeChat template id the gateway is to use.
	Template string
}

// gatewayBody is what a gateway receives. SMS gateways get id, to and
// text; WeChat gateways get id, openid, template_id, title, text and url.
type gatewayBody struct {
	ID         string `json:"id"` // the same for every attempt at one message: a gateway drops repeats by it
	To         string `json:"to,omitempty"`
	OpenID     string `json:"openid,omitempty"`
	TemplateID string `json:"template_id,omitempty"`
	Title      string `json:"title,omitempty"`
	Text       string `json:"text"`
	URL        string `json:"url,omitempty"`
}

// smsLimit bounds an SMS text; a carrier splits longer ones into several
// messages, each paid for.
const smsLimit = 300

type smsChannel struct {
	g    Gateway
	http *http.Client
}

func (c smsChannel) Send(ctx context.Context, m Outgoing) error {
	text := m.Body
	if utf8.RuneCountInString(text) > smsLimit {
		text = string([]rune(text)[:smsLimit-1]) + "…"
	}
	return postJSON(ctx, c.http, c.g.URL, c.g.Token, nil, gatewayBody{ID: deliveryID(m), To: m.Recipient, Text: text})
}

type wechatChannel struct {
	g    Gateway
	http *http.Client
}

func (c wechatChannel) Send(ctx context.Context, m Outgoing) error {
	return postJSON(ctx, c.http, c.g.URL, c.g.Token, nil, gatewayBody{ID: deliveryID(m), OpenID: m.Recipient, TemplateID: c.g.Template,
		Title: m.Subject, Text: m.Body, URL: m.Link})
}

func deliveryID(m Outgoing) string { return "gongkai-" + strconv.FormatInt(m.ID, 10) }

// WebhookEvent is the body POSTed to a webhook.
type WebhookEvent struct {
	ID        int64  `json:"id"` // the same for every attempt at one message
	Kind      string `json:"kind"`
	Reference string `json:"reference,omitempty"`
	Subject   string `json:"subject"`
	Body      string `json:"body"`
	Link      string `json:"link,omitempty"`
	Queued    string `json:"queued_at"`
}

// SignatureHeader carries a webhook's signature: "t=UNIX,v1=HEX", where HEX
// is the hex HMAC-SHA256, keyed with the subscription's secret, of the
// decimal UNIX time, a full stop and the body, byte for byte.
const SignatureHeader = "Gongkai-Signature"

// Sign returns the SignatureHeader value for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts + "."))
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks a SignatureHeader value against body, as a receiver
// should: the signature must match and its time lie within tolerance of
// now, so that a captured request cannot be replayed later.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("signature: no time")
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return errors.New("signature: too old")
	}
	got, err := hex.DecodeString(sig)
	if err != nil || subtle.ConstantTimeCompare(got, mac(secret, ts, body)) != 1 {
		return errors.New("signature: mismatch")
	}
	return nil
}

type webhookChannel struct{ http *http.Client }

func (c webhookChannel) Send(ctx context.Context, m Outgoing) error {
	body, err := json.Marshal(WebhookEvent{ID: m.ID, Kind: m.Kind, Reference: m.Reference, Subject: m.Subject, Body: m.Body, Link: m.Link,
		Queued: m.Created.UTC().Format(time.RFC3339)})
	if err != nil {
		return Permanent(err)
	}
	h := http.Header{SignatureHeader: {Sign(m.Secret, time.Now(), body)}, "Gongkai-Delivery": {strconv.FormatInt(m.ID, 10)}}
	return postRaw(ctx, c.http, m.Recipient, "", h, body)
}

func postJSON(ctx context.Context, hc *http.Client, target, token string, h http.Header, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return Permanent(err)
	}
	return postRaw(ctx, hc, target, token, h, body)
}

// postRaw POSTs a JSON body. The reason of a failure names the status and
// the start of the answer, never the token.
func postRaw(ctx context.Context, hc *http.Client, target, token string, h http.Header, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("address %q: %w", target, err))
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "gongkai")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is the recipient's; the cause is what matters
		}
		err = fmt.Errorf("POST %s: %w", redactURL(target), err)
		if errors.Is(err, fetch.ErrBlocked) {
			return Permanent(err)
		}
		return err
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 2048))
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return nil
	}
	reason := strings.TrimSpace(string(answer))
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(answer, &e) == nil && e.Error != "" {
		reason = e.Error
	}
	if utf8.RuneCountInString(reason) > 200 {
		reason = string([]rune(reason)[:200]) + "…"
	}
	err = fmt.Errorf("POST %s: %s: %s", redactURL(target), res.Status, reason)
	if res.StatusCode >= 400 && res.StatusCode < 500 && res.StatusCode != http.StatusRequestTimeout && res.StatusCode != http.StatusTooManyRequests {
		return Permanent(err)
	}
	return err
}

// redactURL drops the user information and the query of an address, where
// credentials may sit.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(address)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// noRedirects keeps a webhook or gateway from being bounced to another
// address.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
