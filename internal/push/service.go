package push

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"gongkai/internal/db"
	"gongkai/internal/fetch"
	"gongkai/internal/mail"
)

// Gateways are the SMS and WeChat gateways, read from the environment by
// GatewaysFromEnv:
//
//	GONGKAI_SMS_URL, GONGKAI_SMS_TOKEN
//	GONGKAI_WECHAT_URL, GONGKAI_WECHAT_TOKEN, GONGKAI_WECHAT_TEMPLATE
//
// A gateway without a URL is off.
type Gateways struct {
	SMS, WeChat Gateway
}

// GatewaysFromEnv reads the gateways through getenv (os.Getenv). Its
// errors name the variable, never its value, which may hold a token.
func GatewaysFromEnv(getenv func(string) string) (Gateways, error) {
	g := Gateways{
		SMS:    Gateway{URL: getenv("GONGKAI_SMS_URL"), Token: getenv("GONGKAI_SMS_TOKEN")},
		WeChat: Gateway{URL: getenv("GONGKAI_WECHAT_URL"), Token: getenv("GONGKAI_WECHAT_TOKEN"), Template: getenv("GONGKAI_WECHAT_TEMPLATE")},
	}
	for name, raw := range map[string]string{"GONGKAI_SMS_URL": g.SMS.URL, "GONGKAI_WECHAT_URL": g.WeChat.URL} {
		if raw == "" {
			continue
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Gateways{}, fmt.Errorf("%s is not an http or https address", name)
		}
	}
	if g.WeChat.URL != "" && g.WeChat.Template == "" {
		return Gateways{}, errors.New("GONGKAI_WECHAT_URL needs GONGKAI_WECHAT_TEMPLATE, the template id of the messages")
	}
	return g, nil
}

// Config is what a Service needs.
type Config struct {
	// Mail is the SMTP relay; nil turns e-mail off.
	Mail     *mail.Sender
	Gateways Gateways
	// Site returns the address the site is reached at, for links.
	Site func() string
	Log  *slog.Logger
	// Rates are the messages per second each channel may send from one
	// process (DefaultRates for those missing).
	Rates map[string]rate.Limit
	// Backoff is how long to wait before attempt n+1 after n failed
	// (DefaultBackoff when nil).
	Backoff func(n int) time.Duration
	// HTTP sends to gateways and webhooks (a client with a timeout that
	// follows no redirects when nil).
	HTTP *http.Client
	// WebhooksPrivate lets webhooks reach loopback, private and other
	// inside addresses (a partner system on the government network);
	// without it they reach public addresses only.
	WebhooksPrivate bool
}

// DefaultRates are conservative: relays and carriers throttle bulk senders.
var DefaultRates = map[string]rate.Limit{Email: 10, SMS: 5, WeChat: 20, Webhook: 20}

// DefaultBackoff doubles from 30 seconds up to 6 hours: with the queue's
// 10 attempts a message is tried for about 4 hours.
func DefaultBackoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Service delivers the outbox's messages through the channels that are on.
type Service struct {
	db       *db.DB
	channels map[string]Channel
	limits   map[string]*rate.Limiter
	site     func() string
	log      *slog.Logger
	backoff  func(int) time.Duration
}

// New returns a Service over d's outbox and the channels cfg turns on.
// Webhooks are always on; they need nothing but the subscriber's address.
func New(d *db.DB, cfg Config) *Service {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Site == nil {
		cfg.Site = func() string { return "" }
	}
	hc, hooks := cfg.HTTP, cfg.HTTP
	if hc == nil {
		// Gateways are the operator's and may be inside; webhooks are
		// addresses an administrator typed and reach only the public
		// internet unless WebhooksPrivate.
		hc = &http.Client{Timeout: 20 * time.Second, CheckRedirect: noRedirects}
		hooks = &http.Client{Timeout: 20 * time.Second, CheckRedirect: noRedirects, Transport: fetch.Transport(20*time.Second, cfg.WebhooksPrivate, false)}
	}
	s := &Service{db: d, channels: map[string]Channel{Webhook: webhookChannel{hooks}}, limits: map[string]*rate.Limiter{},
		site: cfg.Site, log: cfg.Log, backoff: cfg.Backoff}
	if cfg.Mail != nil {
		s.channels[Email] = emailChannel{cfg.Mail}
	}
	if cfg.Gateways.SMS.URL != "" {
		s.channels[SMS] = smsChannel{cfg.Gateways.SMS, hc}
	}
	if cfg.Gateways.WeChat.URL != "" {
		s.channels[WeChat] = wechatChannel{cfg.Gateways.WeChat, hc}
	}
	for _, ch := range Channels {
		r, ok := cfg.Rates[ch]
		if !ok {
			r = DefaultRates[ch]
		}
		s.limits[ch] = rate.NewLimiter(r, max(1, int(r)))
	}
	return s
}

// Enabled reports whether channel ch is on. A nil Service has none on.
func (s *Service) Enabled(ch string) bool {
	if s == nil {
		return false
	}
	_, ok := s.channels[ch]
	return ok
}

// SiteURL returns the address links start with, without a final slash.
func (s *Service) SiteURL() string { return strings.TrimRight(s.site(), "/") }

// expand completes the links of a text queued with Site.
func (s *Service) expand(text string) string {
	if !strings.Contains(text, Site) {
		return text
	}
	return strings.ReplaceAll(text, Site, s.SiteURL())
}

// wait reports how long channel ch must wait before its next message; zero
// takes the message's place in the limit.
func (s *Service) wait(ch string) time.Duration {
	l := s.limits[ch]
	if l == nil {
		return 0
	}
	r := l.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return d
	}
	return 0
}

// background is a context for work that must finish even when the request
// or job that started it ends: recording that a message went out.
func background(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}
