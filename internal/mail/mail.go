// Package mail sends plain-text mail through an SMTP relay, configured by
// one URL (GONGKAI_SMTP_URL):
//
//	smtp://user:password@relay.example.gov.cn:587?from=gongkai@example.gov.cn&tls=starttls
//
// tls is "starttls" (the default for smtp://; port 587), "tls" (implicit
// TLS, the default for smtps://; port 465) or "none" (port 25). Without TLS
// the password is sent only to a relay on the same machine (localhost,
// 127.0.0.1 or ::1): go-mail refuses PLAIN authentication in clear text to
// anything else.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes.
const (
	StartTLS = "starttls"
	TLS      = "tls"
	NoTLS    = "none"
)

// Config is the relay mail goes through and the address it comes from.
type Config struct {
	Host     string
	Port     int
	User     string // empty: no authentication
	Password string
	From     string
	TLS      string // StartTLS, TLS or NoTLS
}

// ParseURL reads a relay URL. Its errors never repeat the URL, which holds
// the password.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, errors.New("GONGKAI_SMTP_URL is not a valid URL")
	}
	c := Config{Host: u.Hostname(), TLS: StartTLS}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		c.TLS = TLS
	default:
		return Config{}, fmt.Errorf("GONGKAI_SMTP_URL: scheme %q, want smtp or smtps", u.Scheme)
	}
	// A colon is left in the host only by a malformed address ("smtp://::").
	if c.Host == "" || strings.Contains(c.Host, ":") && net.ParseIP(c.Host) == nil {
		return Config{}, errors.New("GONGKAI_SMTP_URL names no host")
	}
	if u.User != nil {
		c.User = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Config{}, errors.New("GONGKAI_SMTP_URL: bad parameters")
	}
	for k := range q {
		if k != "from" && k != "tls" {
			return Config{}, fmt.Errorf("GONGKAI_SMTP_URL: unknown parameter %q (want from, tls)", k)
		}
	}
	if t := q.Get("tls"); t != "" {
		c.TLS = t
	}
	defaultPort := map[string]int{StartTLS: 587, TLS: 465, NoTLS: 25}[c.TLS]
	if defaultPort == 0 {
		return Config{}, fmt.Errorf("GONGKAI_SMTP_URL: tls=%q, want starttls, tls or none", c.TLS)
	}
	c.Port = defaultPort
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port < 1 || c.Port > 65535 {
			return Config{}, fmt.Errorf("GONGKAI_SMTP_URL: port %q", p)
		}
	}
	from, err := netmail.ParseAddress(q.Get("from"))
	if err != nil || from.Name != "" {
		return Config{}, errors.New("GONGKAI_SMTP_URL needs from=ADDRESS, the address mail comes from")
	}
	c.From = from.Address
	return c, nil
}

// timeout bounds connecting to the relay and each command.
const timeout = 20 * time.Second

// Sender sends mail through one relay. It is safe for concurrent use: each
// message goes over a connection of its own.
type Sender struct{ cfg Config }

// NewSender returns a Sender for the relay of c.
func NewSender(c Config) *Sender { return &Sender{cfg: c} }

// File is a file sent with a message.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// Message is one plain-text UTF-8 message to one address.
type Message struct {
	To, Subject, Body string
	Files             []File
	// Header holds extra header fields, such as List-Unsubscribe
	// (RFC 2369) and List-Unsubscribe-Post (RFC 8058).
	Header map[string]string
}

// Send sends one plain-text UTF-8 message to one address. It returns the
// relay's refusal or the connection's failure.
func (s *Sender) Send(ctx context.Context, to, subject, body string) error {
	return s.SendMessage(ctx, Message{To: to, Subject: subject, Body: body})
}

// SendFiles is Send with files attached.
func (s *Sender) SendFiles(ctx context.Context, to, subject, body string, files []File) error {
	return s.SendMessage(ctx, Message{To: to, Subject: subject, Body: body, Files: files})
}

// SendMessage sends m. A header field that is not a valid field name or
// whose value holds a line break is refused, so that no text can add
// fields of its own.
func (s *Sender) SendMessage(ctx context.Context, msg Message) error {
	to := msg.To
	m := gomail.NewMsg()
	if err := m.From(s.cfg.From); err != nil {
		return fmt.Errorf("mail from %s: %w", s.cfg.From, err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("mail to %s: %w", to, err)
	}
	m.Subject(msg.Subject)
	m.SetDate()
	m.SetMessageID()
	for k, v := range msg.Header {
		if !validFieldName(k) || strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("mail header %q: not a valid field", k)
		}
		m.SetGenHeader(gomail.Header(k), v)
	}
	m.SetBodyString(gomail.TypeTextPlain, msg.Body)
	for _, f := range msg.Files {
		m.AttachReadSeeker(f.Name, bytes.NewReader(f.Data), gomail.WithFileContentType(gomail.ContentType(f.ContentType)))
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(timeout)}
	switch s.cfg.TLS {
	case TLS:
		opts = append(opts, gomail.WithSSL())
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.cfg.User), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("mail client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("mail to %s via %s:%d: %w", to, s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}

// Rejected reports whether err is the relay's refusal for good: a reply
// of 5xx (no such mailbox, message refused), which sending again cannot
// mend, unlike a 4xx or a broken connection.
func Rejected(err error) bool {
	var se *gomail.SendError
	return errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600
}

// validFieldName reports whether k is a header field name (RFC 5322: printable
// ASCII but the colon).
func validFieldName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 33 || k[i] > 126 || k[i] == ':' {
			return false
		}
	}
	return true
}
