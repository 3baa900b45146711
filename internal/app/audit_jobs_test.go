package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/calendar"
	"gongkai/internal/db/dbtest"
)

// headLog passes on the job loop's "audit head published" records, so that a
// test waits for the publication itself rather than for a while.
type headLog struct {
	slog.Handler
	published chan slog.Record
}

func (h headLog) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "audit head published" {
		h.published <- r.Clone()
	}
	return nil
}

func (h headLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h headLog) WithGroup(string) slog.Handler      { return h }

// attrs returns a record's attributes by key.
func attrs(r slog.Record) map[string]slog.Value {
	m := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.Resolve(); return true })
	return m
}

// TestDailyAuditHead runs the server's job queue: the day's head is
// published when it starts and logged, and the next day's run, with nothing
// new in the log, adds no second row for the same head.
func TestDailyAuditHead(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			cfg := app.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0"}
			if engine == "postgres" {
				cfg.DatabaseURL = dbtest.NewPostgresURL(t)
			}
			published := make(chan slog.Record, 4)
			cfg.Log = slog.New(headLog{Handler: slog.NewTextHandler(io.Discard, nil), published: published})
			day := 15
			clock := func() time.Time { return time.Date(2026, 6, day, 0, 5, 0, 0, calendar.China) }

			// run starts the app, waits for the day's head to be logged and
			// stops the app; it returns the record and the heads table's size.
			run := func(loadDemo bool) (map[string]slog.Value, int64, int) {
				t.Helper()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				a, err := app.New(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer a.Close()
				a.DB.SetClock(clock)
				if loadDemo {
					if _, err := app.LoadDemo(ctx, a.DB); err != nil {
						t.Fatal(err)
					}
				}
				var last int64
				if err := a.DB.QueryRow(ctx, "SELECT MAX(id) FROM audit_events").Scan(&last); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- a.Run(ctx) }()
				var rec slog.Record
				select {
				case rec = <-published:
				case err := <-done:
					t.Fatalf("Run ended before publishing a head: %v", err)
				case <-time.After(30 * time.Second):
					t.Fatal("no audit head published within 30 s of starting")
				}
				cancel()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				var n int
				if err := a.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_heads").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return attrs(rec), last, n
			}

			got, last, n := run(true)
			if got["event"].Int64() != last || !got["new"].Bool() || len(got["hash"].String()) != 64 || n != 1 {
				t.Fatalf("first day: logged %v, %d heads; want event %d, new, a hash, 1 head", got, n, last)
			}
			if want := "2026-06-15T00:05:00+08:00"; got["published_at"].String() != want {
				t.Errorf("published_at %s, want %s", got["published_at"], want)
			}
			day = 16
			again, _, n := run(false)
			if again["event"].Int64() != last || again["new"].Bool() || again["hash"].String() != got["hash"].String() || n != 1 {
				t.Fatalf("next day, nothing new: logged %v, %d heads; want the same head, not new, 1 head", again, n)
			}
		})
	}
}
