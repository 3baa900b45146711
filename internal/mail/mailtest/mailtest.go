// Package mailtest runs a real SMTP server for tests
// (github.com/emersion/go-smtp) on 127.0.0.1 without TLS. It requires
// authentication and keeps the messages it accepts, decoded.
package mailtest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

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
	Body    string // decoded: the text part of a multipart message
	Header  netmail.Header
	Files   []File // the attached files, decoded
}

// File is a file attached to a message.
type File struct {
	Name        string // decoded
	ContentType string
	Data        []byte
}

// Server is a running SMTP server.
type Server struct {
	addr string
	mu   sync.Mutex
	msgs []Message
	// arrived is closed, and replaced, when a message is accepted.
	arrived chan struct{}
	// refused holds the recipients refused, "*" for all; unknown those
	// refused for good (550: no such mailbox).
	refused, unknown map[string]bool
}

// New starts a server on a free port of 127.0.0.1; it stops when the test
// ends.
func New(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{addr: ln.Addr().String(), arrived: make(chan struct{})}
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

// Wait returns the messages accepted once there are at least n, or false
// after timeout with those there are.
func (s *Server) Wait(n int, timeout time.Duration) ([]Message, bool) {
	expired := time.After(timeout)
	for {
		s.mu.Lock()
		msgs, arrived := append([]Message(nil), s.msgs...), s.arrived
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs, true
		}
		select {
		case <-arrived:
		case <-expired:
			return msgs, false
		}
	}
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

// Unknown makes the server refuse mail to the addresses for good (550, no
// such mailbox); Unknown() accepts all again.
func (s *Server) Unknown(addrs ...string) {
	s.mu.Lock()
	s.unknown = map[string]bool{}
	for _, a := range addrs {
		s.unknown[a] = true
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
	unknown := x.s.unknown[to]
	x.s.mu.Unlock()
	if unknown {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
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
	close(x.s.arrived)
	x.s.arrived = make(chan struct{})
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// decode reads a message: a single text part, or a multipart one whose
// text part is the body and whose parts with a file name are files.
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
	m := Message{Subject: subject, Header: pm.Header}
	err = m.part(textproto.MIMEHeader(pm.Header), pm.Body)
	return m, err
}

// part reads one part of a message into m, descending into multiparts.
func (m *Message) part(h textproto.MIMEHeader, r io.Reader) error {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := m.part(p.Header, p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	case "", "7bit", "8bit":
	default:
		return errors.New("unexpected transfer encoding " + h.Get("Content-Transfer-Encoding"))
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, dp, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dp["filename"]
	if name == "" {
		name = params["name"]
	}
	if name == "" && m.Body == "" {
		m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
		return nil
	}
	var dec mime.WordDecoder
	if d, err := dec.DecodeHeader(name); err == nil {
		name = d
	}
	m.Files = append(m.Files, File{Name: name, ContentType: mt, Data: b})
	return nil
}
