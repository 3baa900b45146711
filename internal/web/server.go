// Package web serves gongkai over HTTP: the public portal, the admin console
// and the JSON API, from embedded templates and static files.
//
// Handlers have the signature func(w, r) error; one adapter, (*Server).h,
// turns their errors into responses, mapping error kinds to statuses in one
// place and rendering messages in the user's language.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gongkai/internal/assess"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/push"
	"gongkai/internal/selfreport"
	"gongkai/internal/throttle"
)

// Config holds what the server needs from its wiring.
type Config struct {
	DB  *db.DB
	Log *slog.Logger
	// Calendar returns the working-day calendar in force (built-in years plus
	// those an administrator loaded).
	Calendar func() *calendar.Calendar
	// ReloadCalendar is called after an administrator loads a year's notice.
	ReloadCalendar func(ctx context.Context) error
	// SiteName overrides the portal's name.
	SiteName string
	// TrustedOrigins are extra origins allowed to make state-changing requests.
	TrustedOrigins []string
	// Registry receives the server's metrics; nil makes a private one.
	Registry *prometheus.Registry
	// Files is the folder attachments are stored in.
	Files string
	// Push delivers messages (replies to applicants, confirmations to
	// subscribers) through the outbox; nil turns every channel off.
	Push *push.Service
	// PublicURL is the address the public reaches the site at
	// (https://gongkai.example.gov.cn), when it sits behind a proxy that ends
	// TLS. Links in feeds, sitemaps and e-mails use it, and an https address
	// makes cookies Secure. Empty: the address the request came to.
	PublicURL string
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client (--trusted-proxy); the address limits count that client.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, lets a scraper read /metrics on the public
	// address with Authorization: Bearer TOKEN; without it /metrics is
	// served only on the debug address.
	MetricsToken string
	// TokenRate limits the requests of each API token; zero: 120 a
	// minute.
	TokenRate throttle.Rule
	// FetchPrivate lets the API fetch attachments from loopback and
	// private addresses. For tests only: in production it would open the
	// inside network to API clients.
	FetchPrivate bool
	// SelfReport and Assess are the sources of the self-inspection
	// report's sections and of the assessment's components
	// (app.ReportSources); a key without one shows as not connected.
	SelfReport selfreport.Sources
	Assess     assess.Sources
}

// Server is the HTTP side of gongkai.
type Server struct {
	cfg     Config
	db      *db.DB
	log     *slog.Logger
	pages   map[string]*pageTemplate
	metrics *metrics
	handler http.Handler
	ready   atomic.Bool

	unitCache unitCache
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Files == "" {
		return nil, errors.New("web: no folder for attachments (Config.Files)")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	pub, err := ParsePublicURL(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	cfg.PublicURL = pub
	s := &Server{cfg: cfg, db: cfg.DB, log: cfg.Log}
	if s.pages, err = parseTemplates(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(cfg.Registry, cfg.DB)
	mux := http.NewServeMux()
	s.routes(mux)
	cop := http.NewCrossOriginProtection()
	origins := cfg.TrustedOrigins
	if pub != "" {
		// The origin only: a public URL may carry a path (a site under
		// https://www.example.gov.cn/gongkai), an origin never does.
		u, _ := url.Parse(pub)
		origins = append(origins[:len(origins):len(origins)], u.Scheme+"://"+u.Host)
	}
	for _, o := range origins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errs.New(errs.Forbidden, "error.cross_origin"))
	}))
	s.handler = s.recoverer(s.instrument(mux, cop.Handler(newPageCache(cfg.DB.Generation).middleware(s.withRequest(s.boundary(mux))))))
	s.ready.Store(true)
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// SetReady marks the server as draining (false) so that health checks fail
// while it shuts down.
func (s *Server) SetReady(ok bool) { s.ready.Store(ok) }

type handler func(w http.ResponseWriter, r *http.Request) error

// h adapts a handler that returns an error.
func (s *Server) h(fn handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// statusOf maps an error kind to its HTTP status.
func statusOf(k errs.Kind) int {
	switch k {
	case errs.Invalid:
		return http.StatusBadRequest
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Conflict:
		return http.StatusConflict
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.TooMany:
		return http.StatusTooManyRequests
	case errs.Unsupported:
		return http.StatusUnsupportedMediaType
	case errs.Unprocessable:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// fail writes err as a JSON error for API requests and as an error page
// otherwise. Internal errors are logged and shown only as a generic message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	kind := errs.KindOf(err)
	status := statusOf(kind)
	if status == http.StatusInternalServerError {
		if errors.Is(err, context.Canceled) {
			return
		}
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	lang := langOf(r)
	msg := i18n.Error(lang, err)
	if isAPI(r) {
		writeJSON(w, status, apiError(lang, err))
		return
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/admin/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	p := s.newPage(r, "error.title")
	p.Title = i18n.T(lang, "error.title_"+kind.String())
	p.Data = map[string]any{"Status": status, "Message": msg}
	s.render(w, r, status, "error", p)
}

// fieldErrors returns the per-field messages of a validation error.
func fieldErrors(lang i18n.Lang, err error) map[string]string {
	out := map[string]string{}
	var m errs.Multi
	if errors.As(err, &m) {
		for _, e := range m {
			if e.Field != "" {
				out[e.Field] = i18n.T(lang, e.Key, e.Args...)
			}
		}
	} else if e := errs.As(err); e != nil && e.Field != "" {
		out[e.Field] = i18n.T(lang, e.Key, e.Args...)
	}
	return out
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// recoverer turns a panic in a handler into a 500 without killing the server.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", p)
				s.fail(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// withRequest sets security headers and the language, and loads the
// signed-in account, if any, into the request context.
func (s *Server) withRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		lang := i18n.Zh
		if c, err := r.Cookie("lang"); err == nil {
			lang, _ = i18n.Parse(c.Value)
		}
		if q := r.URL.Query().Get("lang"); q != "" {
			if l, ok := i18n.Parse(q); ok {
				lang = l
				http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: s.secure(r)})
			}
		}
		ctx := context.WithValue(r.Context(), langKey{}, lang)
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			if a, err := auth.Authenticate(ctx, s.db, c.Value); err == nil {
				ctx = context.WithValue(ctx, accountKey{}, &a)
			} else if errs.KindOf(err) == errs.Internal {
				s.log.Error("authenticate", "err", err)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type langKey struct{}
type accountKey struct{}

// langOf returns the language of the request.
func langOf(r *http.Request) i18n.Lang {
	if l, ok := r.Context().Value(langKey{}).(i18n.Lang); ok {
		return l
	}
	return i18n.Zh
}

// accountOf returns the signed-in account, or nil.
func accountOf(r *http.Request) *auth.Account {
	a, _ := r.Context().Value(accountKey{}).(*auth.Account)
	return a
}

// requireAccount returns the signed-in account or an Unauthorized error.
func requireAccount(r *http.Request) (*auth.Account, error) {
	if a := accountOf(r); a != nil {
		return a, nil
	}
	return nil, errs.New(errs.Unauthorized, "auth.login_required")
}

// requireAdmin returns the signed-in administrator, or an error.
func requireAdmin(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !a.IsAdmin() {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	return a, nil
}

const sessionCookie = "gongkai_session"

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
}
