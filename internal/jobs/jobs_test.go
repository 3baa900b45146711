package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/jobs"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// reopen opens a second handle on the database d is open on, as a second
// process would.
func reopen(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	cfg := db.Config{URL: d.URL}
	if d.Dialect == db.SQLite {
		cfg = db.Config{DataDir: filepath.Dir(d.Path)}
	}
	d2, err := db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	return d2
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// started starts a runner over d with extra workers and returns it with the
// channel of the jobs it completes; it is stopped when the test ends.
func started(t *testing.T, d *db.DB, cfg jobs.Config) (*jobs.Runner, <-chan *river.Event) {
	t.Helper()
	cfg.Log = quiet
	cfg.Calendar = calendar.Default
	cfg.Site = func() string { return "http://gongkai.test" }
	cfg.PollInterval = 50 * time.Millisecond
	r, err := jobs.New(d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := r.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	t.Cleanup(cancel)
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Stop(ctx)
	})
	return r, events
}

// awaitKinds waits until each kind has completed once on one of the
// channels.
func awaitKinds(t *testing.T, within time.Duration, kinds []string, chans ...<-chan *river.Event) {
	t.Helper()
	want := map[string]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	merged := make(chan *river.Event, 64)
	stop := make(chan struct{})
	defer close(stop)
	for _, c := range chans {
		go func() {
			for {
				select {
				case e, ok := <-c:
					if !ok {
						return
					}
					select {
					case merged <- e:
					case <-stop:
						return
					}
				case <-stop:
					return
				}
			}
		}()
	}
	deadline := time.After(within)
	for len(want) > 0 {
		select {
		case e := <-merged:
			if e.Kind == river.EventKindJobFailed {
				t.Fatalf("job %s failed: %v", e.Job.Kind, e.Job.Errors)
			}
			delete(want, e.Job.Kind)
		case <-deadline:
			t.Fatalf("within %s, these jobs did not complete: %v", within, want)
		}
	}
}

func countJobs(t *testing.T, d *db.DB, kind string) int {
	t.Helper()
	var n int
	if err := d.SQL.QueryRow(db.Rebind(d.Dialect, "SELECT count(*) FROM river_job WHERE kind = ?"), kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDailyWorkOnceAcrossProcesses runs two processes' job runners on one
// database, then stops both and starts a third: the day's FOI work and
// audit head are each done once, by whichever process leads, and a new
// leader asking for them again the same day adds nothing.
func TestDailyWorkOnceAcrossProcesses(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		d2 := reopen(t, d)
		clock := func() time.Time { return time.Date(2026, 6, 15, 9, 0, 0, 0, calendar.China) }
		d.SetClock(clock)
		d2.SetClock(clock)
		r1, e1 := started(t, d, jobs.Config{})
		r2, e2 := started(t, d2, jobs.Config{})
		awaitKinds(t, 30*time.Second, []string{jobs.KindFOIDaily, jobs.KindAuditHead, jobs.KindPublishDue, jobs.KindInspect}, e1, e2)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r1.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r2.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		before := countJobs(t, d, jobs.KindPublishDue)

		// A third process leads now; once its periodic jobs have been asked
		// for (its first publish_due has run), the day's jobs are still one.
		d3 := reopen(t, d)
		d3.SetClock(clock)
		_, e3 := started(t, d3, jobs.Config{})
		awaitKinds(t, 30*time.Second, []string{jobs.KindPublishDue}, e3)
		if n := countJobs(t, d, jobs.KindPublishDue); n <= before {
			t.Fatalf("publish_due jobs: %d after the third process started, %d before; want more", n, before)
		}
		for _, kind := range []string{jobs.KindFOIDaily, jobs.KindAuditHead} {
			if n := countJobs(t, d, kind); n != 1 {
				t.Errorf("%s jobs for one day over three processes: %d, want 1", kind, n)
			}
		}
	})
}

type probeArgs struct {
	Note string `json:"note"`
}

func (probeArgs) Kind() string { return "test_probe" }

// TestKilledJobIsRunAgain leaves a job as a killed process leaves it —
// running, attempted long ago, by a worker that is gone — and shows that a
// runner rescues it and works it to completion.
func TestKilledJobIsRunAgain(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		res, err := d.Enqueue(ctx, probeArgs{Note: "killed mid-job"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		id := res.Job.ID
		longAgo := time.Now().Add(-time.Hour).UTC()
		if _, err := d.SQL.ExecContext(ctx, db.Rebind(d.Dialect, "UPDATE river_job SET state = 'running', attempt = 1, attempted_at = ? WHERE id = ?"), longAgo, id); err != nil {
			t.Fatal(err)
		}
		worked := make(chan string, 1)
		register := func(w *river.Workers) []*river.PeriodicJob {
			river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[probeArgs]) error {
				worked <- j.Args.Note
				return nil
			}))
			return nil
		}
		_, events := started(t, d, jobs.Config{RescueAfter: 2 * time.Second, Register: []func(*river.Workers) []*river.PeriodicJob{register}})
		select {
		case note := <-worked:
			if note != "killed mid-job" {
				t.Fatalf("worked %q", note)
			}
		case <-time.After(90 * time.Second):
			t.Fatal("the abandoned job was not run again within 90 s")
		}
		awaitKinds(t, 30*time.Second, []string{"test_probe"}, events)
		var state string
		var attempt int
		if err := d.SQL.QueryRowContext(ctx, db.Rebind(d.Dialect, "SELECT state, attempt FROM river_job WHERE id = ?"), id).Scan(&state, &attempt); err != nil {
			t.Fatal(err)
		}
		if state != "completed" || attempt != 2 {
			t.Fatalf("job %d: state %s, attempt %d; want completed on attempt 2", id, state, attempt)
		}
	})
}

type failingArgs struct{}

func (failingArgs) Kind() string { return "test_failing" }

// failingWorker fails every time and asks to be tried again in an hour.
type failingWorker struct {
	river.WorkerDefaults[failingArgs]
}

func (failingWorker) Work(context.Context, *river.Job[failingArgs]) error {
	return errors.New("relay refused: 550 mailbox unavailable")
}

func (failingWorker) NextRetry(*river.Job[failingArgs]) time.Time { return time.Now().Add(time.Hour) }

// TestFailuresAreShown makes a job fail and reads it back as staff see it:
// counted as retryable under its kind, with the error it failed with and
// when it is tried again.
func TestFailuresAreShown(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		register := func(w *river.Workers) []*river.PeriodicJob {
			river.AddWorker(w, failingWorker{})
			return nil
		}
		_, events := started(t, d, jobs.Config{Register: []func(*river.Workers) []*river.PeriodicJob{register}})
		res, err := d.Enqueue(ctx, failingArgs{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.After(30 * time.Second)
		for failed := false; !failed; {
			select {
			case e := <-events:
				failed = e.Kind == river.EventKindJobFailed && e.Job.ID == res.Job.ID
			case <-deadline:
				t.Fatal("the failing job did not fail within 30 s")
			}
		}
		fs, err := jobs.Failures(ctx, d, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 {
			t.Fatalf("failures: %+v, want the one job", fs)
		}
		f := fs[0]
		if f.ID != res.Job.ID || f.Kind != "test_failing" || f.State != "retryable" || f.Attempt != 1 ||
			f.Error != "relay refused: 550 mailbox unavailable" || f.At.IsZero() || !f.Next.After(f.At) {
			t.Errorf("failure %+v", f)
		}
		counts, err := jobs.Counts(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(counts, jobs.Count{Kind: "test_failing", State: "retryable", N: 1}) {
			t.Errorf("counts %+v lack test_failing retryable 1", counts)
		}
	})
}
