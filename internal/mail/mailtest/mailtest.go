// Package mailtest runs a real SMTP server for tests
// (github.com/emersion/go-smtp) on 127.0.0.1 without TLS. It requires
// authentication and keeps the messages it accepts, decoded.
package mailtest

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The login the server accepts.
const (
	User     = "gongkai"
	Password = "smtp-secret"
	From     = "gongkai@example.gov.cn"
)

// Message is a message the server accepted.
type Message struct {
	From    string
	To      []string
	Subject string // decoded
	Body    string // decoded
	Header  netmail.Header
}

// Server is a running SMTP server.
type Server struct {
	addr string
	mu   sync.Mutex
	msgs []Message
	// refused holds the recipients refused, "*" for all.
	refused map[string]bool
}

// New starts a server on a free port of 127.0.0.1; it stops when the test
// ends.
func New(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{addr: ln.Addr().String()}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = discard{}
	go srv.Serve(ln) //nolint:errcheck // ends when the server closes
	t.Cleanup(func() { srv.Close() })
	return s
}

// URL is the server's GONGKAI_SMTP_URL.
func (s *Server) URL() string {
	return fmt.Sprintf("smtp://%s:%s@%s?from=%s&tls=none", User, Password, s.addr, From)
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Refuse makes the server refuse mail to the addresses (451, try again
// later), or to everyone for "*"; Refuse() accepts all again.
func (s *Server) Refuse(addrs ...string) {
	s.mu.Lock()
	s.refused = map[string]bool{}
	for _, a := range addrs {
		s.refused[a] = true
	}
	s.mu.Unlock()
}

type discard struct{}

func (discard) Printf(string, ...any) {}
func (discard) Println(...any)        {}

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != User || pass != Password {
			return smtp.ErrAuthFailed
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	refused := x.s.refused[to] || x.s.refused["*"]
	x.s.mu.Unlock()
	if refused {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	m, err := decode(r)
	if err != nil {
		return err
	}
	m.From, m.To = x.from, x.to
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, m)
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// decode reads a single-part text message.
func decode(r io.Reader) (Message, error) {
	pm, err := netmail.ReadMessage(r)
	if err != nil {
		return Message{}, err
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(pm.Header.Get("Subject"))
	if err != nil {
		return Message{}, err
	}
	body := pm.Body
	switch strings.ToLower(pm.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "", "7bit", "8bit":
	default:
		return Message{}, errors.New("unexpected transfer encoding " + pm.Header.Get("Content-Transfer-Encoding"))
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return Message{}, err
	}
	return Message{Subject: subject, Body: strings.ReplaceAll(string(b), "\r\n", "\n"), Header: pm.Header}, nil
}
