// Package app wires gongkai together: configuration, database, calendar,
// HTTP server and background work, with a Run that stops gracefully.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calstore"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/info"
	"gongkai/internal/jobs"
	"gongkai/internal/mail"
	"gongkai/internal/push"
	"gongkai/internal/task"
	"gongkai/internal/web"
)

// Config is everything gongkai needs to start.
type Config struct {
	// DataDir holds the SQLite database and the files folder.
	DataDir string
	// DatabaseURL selects PostgreSQL when set (GONGKAI_DATABASE_URL).
	DatabaseURL string
	// Addr is the HTTP listen address.
	Addr string
	Log  *slog.Logger
	// ShutdownTimeout bounds how long in-flight requests may take to finish.
	ShutdownTimeout time.Duration
	// SMTPURL is the mail relay (GONGKAI_SMTP_URL, see package mail); empty
	// turns mail off.
	SMTPURL string
	// Gateways are the SMS and WeChat gateways (push.GatewaysFromEnv).
	Gateways push.Gateways
	// WebhooksPrivate lets webhooks reach inside addresses
	// (GONGKAI_WEBHOOKS_PRIVATE=1); public ones only otherwise.
	WebhooksPrivate bool
	// PublicURL is the address the public reaches the site at, behind a
	// TLS-ending proxy (--public-url, GONGKAI_PUBLIC_URL).
	PublicURL string
	// TrustedProxies are the proxies whose X-Forwarded-For is believed
	// (--trusted-proxy).
	TrustedProxies []netip.Prefix
	// MetricsToken lets a scraper read /metrics on the public address
	// (GONGKAI_METRICS_TOKEN).
	MetricsToken string
	// JobPoll is how often idle job workers look for work (default 1s);
	// JobRescueAfter is how long a job may run before it is taken for one a
	// dead process left and run again (default 15m). Tests shorten them.
	JobPoll, JobRescueAfter time.Duration
	// PushBackoff is the wait before a failed message is tried again
	// (push.DefaultBackoff when nil); tests shorten it.
	PushBackoff func(n int) time.Duration
	// Listening, if set, is called once the listener is bound, with its
	// address, before any request is served.
	Listening func(addr string)
}

// App is a running gongkai: an open database, the calendar and the server.
type App struct {
	cfg    Config
	DB     *db.DB
	Server *web.Server
	cal    atomic.Pointer[calendar.Calendar]
	// push delivers every message through the outbox.
	push *push.Service
	// Listener is set once Run is listening, so that tests can find the port.
	addr atomic.Value
}

// FilesDir returns the folder for attachments and other files.
func (c Config) FilesDir() string { return filepath.Join(c.DataDir, "files") }

// OpenDB opens and migrates the database cfg names.
func OpenDB(ctx context.Context, cfg Config) (*db.DB, error) {
	d, err := db.Open(ctx, db.Config{DataDir: cfg.DataDir, URL: cfg.DatabaseURL})
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	// The 26 pilot domains are data shipped with the program.
	if err := d.InTx(ctx, func(tx *db.Tx) error { return catalog.SyncDomains(ctx, tx) }); err != nil {
		d.Close()
		return nil, err
	}
	// A search index made by an older version is made again.
	progress := func(n int) {
		if cfg.Log != nil && n%50000 == 0 {
			cfg.Log.Info("rebuilding the search index", "records", n)
		}
	}
	if _, err := info.EnsureIndex(ctx, d, progress); err != nil {
		d.Close()
		return nil, fmt.Errorf("rebuild search index: %w", err)
	}
	return d, nil
}

// New opens the database, runs migrations, loads the calendar and builds the
// server.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 20 * time.Second
	}
	if cfg.DatabaseURL == "" {
		if err := os.MkdirAll(cfg.FilesDir(), 0o750); err != nil {
			return nil, fmt.Errorf("create files folder: %w", err)
		}
	}
	d, err := OpenDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, DB: d}
	if err := a.ReloadCalendar(ctx); err != nil {
		d.Close()
		return nil, err
	}
	var sender *mail.Sender
	if cfg.SMTPURL == "" {
		cfg.Log.Info("mail is off: GONGKAI_SMTP_URL is not set, so no reminders or replies are sent by e-mail")
	} else {
		mc, err := mail.ParseURL(cfg.SMTPURL)
		if err != nil {
			d.Close()
			return nil, err
		}
		sender = mail.NewSender(mc)
	}
	a.push = push.New(d, push.Config{Mail: sender, Gateways: cfg.Gateways, Site: a.siteURL, Log: cfg.Log, Backoff: cfg.PushBackoff,
		WebhooksPrivate: cfg.WebhooksPrivate})
	sections, components := ReportSources(a.Calendar)
	a.Server, err = web.New(web.Config{DB: d, Log: cfg.Log, Calendar: a.Calendar, ReloadCalendar: a.ReloadCalendar, Files: cfg.FilesDir(),
		PublicURL: cfg.PublicURL, TrustedProxies: cfg.TrustedProxies, MetricsToken: cfg.MetricsToken, Push: a.push,
		SelfReport: sections, Assess: components})
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// Calendar returns the working-day calendar in force.
func (a *App) Calendar() *calendar.Calendar { return a.cal.Load() }

// ReloadCalendar rebuilds the calendar from the built-in years and those
// loaded into the database.
func (a *App) ReloadCalendar(ctx context.Context) error {
	cal, err := calstore.Load(ctx, a.DB)
	if err != nil {
		return err
	}
	a.cal.Store(cal)
	return nil
}

// Addr returns the address the server listens on, once Run has started.
func (a *App) Addr() string {
	s, _ := a.addr.Load().(string)
	return s
}

// Run serves HTTP until ctx is done, then stops accepting connections, lets
// in-flight requests finish (up to ShutdownTimeout) and returns.
func (a *App) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	a.addr.Store(ln.Addr().String())
	if a.cfg.Listening != nil {
		a.cfg.Listening(ln.Addr().String())
	}
	srv := &http.Server{
		Handler:           a.Server,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.cfg.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// Task reminders are queued on the outbox while it sends e-mail.
	taskMail := func() bool { return a.push.Enabled(push.Email) }
	runner, err := jobs.New(a.DB, jobs.Config{Log: a.cfg.Log, Calendar: a.Calendar, Mail: a.push, Site: a.siteURL,
		PollInterval: a.cfg.JobPoll, RescueAfter: a.cfg.JobRescueAfter,
		Register: []func(*river.Workers) []*river.PeriodicJob{a.push.Register, task.Jobs(a.DB, taskMail, a.siteURL, a.cfg.Log)}})
	if err != nil {
		srv.Close()
		return err
	}
	// The jobs keep working while requests finish; they stop last, with
	// what they were doing left for a later run if they do not finish.
	if err := runner.Start(context.WithoutCancel(ctx)); err != nil {
		srv.Close()
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
		defer cancel()
		if err := runner.Stop(sctx); err != nil {
			a.cfg.Log.Error("stopping the job queue", "err", err)
		}
	}()
	a.cfg.Log.Info("gongkai listening", "addr", "http://"+ln.Addr().String(), "database", a.DB.Dialect)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.cfg.Log.Info("shutting down")
	a.Server.SetReady(false)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// siteURL is the address links in messages start with: the public URL, or
// the address the server listens on.
func (a *App) siteURL() string {
	if a.cfg.PublicURL != "" {
		return strings.TrimRight(a.cfg.PublicURL, "/")
	}
	return "http://" + a.Addr()
}

// Close closes the database.
func (a *App) Close() error { return a.DB.Close() }
