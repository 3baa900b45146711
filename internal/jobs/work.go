package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"gongkai/internal/audit"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/inspect"
	"gongkai/internal/message"
	"gongkai/internal/opinion"
)

// The kinds of gongkai's own periodic work. A kind is stored with each job;
// renaming one strands the jobs already queued under the old name.
const (
	KindPublishDue = "publish_due"
	KindInspect    = "inspect_scheduled"
	KindFOIDaily   = "foi_daily"
	KindAuditHead  = "audit_head"
)

// PublishDueArgs publishes the approved records whose scheduled time has come.
type PublishDueArgs struct{}

func (PublishDueArgs) Kind() string { return KindPublishDue }

// InspectArgs starts the inspections scheduled for today, once per scope.
type InspectArgs struct{}

func (InspectArgs) Kind() string { return KindInspect }

// FOIDailyArgs is the daily work on applications of one China day: closing
// abandoned applications and reminding handlers.
type FOIDailyArgs struct {
	Day string `json:"day"` // YYYY-MM-DD, China time
}

func (FOIDailyArgs) Kind() string { return KindFOIDaily }

// AuditHeadArgs publishes the audit chain's head for one China day.
type AuditHeadArgs struct {
	Day string `json:"day"`
}

func (AuditHeadArgs) Kind() string { return KindAuditHead }

// everyState makes a job unique among all the jobs of its kind and args
// that River still keeps, finished ones included: a daily job done today is
// not done again today, whichever process asks.
var everyState = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStateCompleted, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled,
	rivertype.JobStateDiscarded, rivertype.JobStateCancelled,
}

// register adds gongkai's own workers to w and returns its periodic jobs.
// The frequent ones are unique while waiting or running, so a slow run is
// not queued twice; the daily ones carry their day and are unique for it.
func register(w *river.Workers, d *db.DB, cfg Config) []*river.PeriodicJob {
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[PublishDueArgs]) error {
		n, err := info.PublishDue(ctx, d)
		if n > 0 {
			cfg.Log.Info("scheduled records published", "n", n)
		}
		return err
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[InspectArgs]) error {
		runs, err := inspect.RunScheduled(ctx, d, cfg.Calendar())
		for _, r := range runs {
			cfg.Log.Info("scheduled inspection", "run", r.ID, "scope", r.ScopeCode, "units", r.UnitCount, "findings", r.FindingCount)
		}
		return err
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[FOIDailyArgs]) error {
		day, err := calendar.ParseDate(j.Args.Day)
		if err != nil {
			return river.JobCancel(err)
		}
		res, err := foi.Daily(ctx, d, cfg.Calendar(), cfg.Mail, cfg.Site(), day, message.Due, opinion.Due)
		if res.Closed > 0 || res.Sent > 0 {
			cfg.Log.Info("applications for disclosure: daily work", "day", j.Args.Day, "closed", res.Closed, "reminders", res.Sent)
		}
		return err
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[AuditHeadArgs]) error {
		return publishAuditHead(ctx, d, cfg)
	}))

	waiting := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
	daily := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: everyState}}
	today := func() string { return calendar.DateOf(d.Now().In(calendar.China)).String() }
	start := &river.PeriodicJobOpts{RunOnStart: true}
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(30*time.Second), func() (river.JobArgs, *river.InsertOpts) {
			return PublishDueArgs{}, waiting
		}, start),
		river.NewPeriodicJob(river.PeriodicInterval(time.Minute), func() (river.JobArgs, *river.InsertOpts) {
			return InspectArgs{}, waiting
		}, start),
		// Asked for every few minutes, done once a day: a process that was
		// down at midnight does the day's work when it comes back.
		river.NewPeriodicJob(river.PeriodicInterval(5*time.Minute), func() (river.JobArgs, *river.InsertOpts) {
			return FOIDailyArgs{Day: today()}, daily
		}, start),
		river.NewPeriodicJob(river.PeriodicInterval(5*time.Minute), func() (river.JobArgs, *river.InsertOpts) {
			return AuditHeadArgs{Day: today()}, daily
		}, start),
	}
}

// publishAuditHead publishes the head of the audit chain and writes it to
// the log, so that the log kept outside the database holds it too. The same
// head published again (no change since) is logged with new=false and adds
// no row. A log that fails verification is not published and the job
// fails, so it is retried and shows among the failed jobs until it is dealt
// with.
func publishAuditHead(ctx context.Context, d *db.DB, cfg Config) error {
	h, added, err := audit.PublishHead(ctx, d)
	switch {
	case errors.Is(err, audit.ErrEmpty):
		return nil
	case err != nil:
		cfg.Log.Error("audit head not published", "err", i18n.Error(i18n.En, err), "detail", err)
		return err
	}
	cfg.Log.Info("audit head published", "event", h.EventID, "hash", h.Hash,
		"event_at", h.EventAt.Format(time.RFC3339Nano), "published_at", h.PublishedAt.Format(time.RFC3339Nano), "new", added)
	return nil
}
