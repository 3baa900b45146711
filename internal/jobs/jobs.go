// Package jobs runs gongkai's background work on River, the durable job
// queue that lives in the database beside everything else: scheduled
// publishing, scheduled inspections, the daily work on applications for
// disclosure (whose reminders list the messages and public-opinion parts
// due too), the publication of the audit chain's head, and the messages
// other packages enqueue.
//
// Every process that serves also works jobs. Periodic jobs are enqueued by
// the one process River elects leader, and each is unique for its period,
// so two processes on one PostgreSQL run each once; a job a killed process
// was working is rescued and run again, so every job is idempotent.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/foi"
)

// Config is what the workers need from the running program.
type Config struct {
	Log *slog.Logger
	// Calendar returns the working-day calendar in force.
	Calendar func() *calendar.Calendar
	// Mail sends reminders; nil while mail is off.
	Mail foi.Sender
	// Site returns the address links in messages start with.
	Site func() string
	// Workers is how many jobs this process works at once (default 4).
	Workers int
	// PollInterval is how often idle workers look for new jobs (default 1s).
	PollInterval time.Duration
	// RescueAfter is how long a job may stay running before it is taken
	// for the job of a process that died and run again (default 15m).
	RescueAfter time.Duration
	// Register adds workers and periodic jobs of other packages.
	Register []func(*river.Workers) []*river.PeriodicJob
}

// Runner works the queue for one process.
type Runner struct {
	client *river.Client[*sql.Tx]
	log    *slog.Logger
}

// JobTimeout bounds one run of a job; a longer one is cancelled and retried.
const JobTimeout = 10 * time.Minute

// New returns a Runner over d with gongkai's workers and periodic jobs; it
// does nothing until Start.
func New(d *db.DB, cfg Config) (*Runner, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Workers == 0 {
		cfg.Workers = 4
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.RescueAfter == 0 {
		cfg.RescueAfter = 15 * time.Minute
	}
	w := river.NewWorkers()
	periodic := register(w, d, cfg)
	for _, f := range cfg.Register {
		periodic = append(periodic, f(w)...)
	}
	// A short rescue time is for tests of killed processes; a job must then
	// time out before it could be rescued, or River refuses the settings.
	timeout := JobTimeout
	if cfg.RescueAfter <= timeout {
		timeout = cfg.RescueAfter / 2
	}
	c, err := river.NewClient(d.RiverDriver(), &river.Config{
		Logger:               cfg.Log.With("part", "jobs"),
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:              w,
		PeriodicJobs:         periodic,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, 100*time.Millisecond),
		JobTimeout:           timeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		MaxAttempts:          10,
	})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Runner{client: c, log: cfg.Log}, nil
}

// Start begins working jobs; they go on until Stop or until ctx is done.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	return nil
}

// Stop lets running jobs finish, up to ctx's deadline, then cancels them;
// a cancelled job is run again later, by this process or another.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return r.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	return err
}

// Client returns River's client, for tests that wait for events.
func (r *Runner) Client() *river.Client[*sql.Tx] { return r.client }
