package app_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/mail/mailtest"
	"gongkai/internal/opinion"
)

// TestOpinionRemindersJob runs the server's job queue against a real SMTP
// server: a part of an item overdue after 国庆 2026 is in the daily
// reminder to the unit's staff when the server starts.
func TestOpinionRemindersJob(t *testing.T) {
	srv := mailtest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, app.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SMTPURL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := app.LoadDemo(ctx, a.DB); err != nil {
		t.Fatal(err)
	}
	err = a.DB.InTx(ctx, func(tx *db.Tx) error {
		tx = tx.At(time.Date(2026, 9, 30, 9, 0, 0, 0, calendar.China))
		if _, err := auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: "cg-mail", Email: "cg@chigang.gov.cn",
			Password: "password-2026", Role: auth.UnitEditor, UnitCode: "440105-001"}); err != nil {
			return err
		}
		office, err := auth.ByLogin(ctx, tx, "haizhu-office")
		if err != nil {
			return err
		}
		it, err := opinion.Register(ctx, tx, office, opinion.Input{Title: "网传赤岗某小区停水", Source: opinion.Online, Level: opinion.Major,
			Summary: "网民称小区停水三天。", Found: "2026-09-30T08:00"})
		if err == nil {
			_, err = opinion.Assign(ctx, tx, a.Calendar(), office, it.ID, opinion.AssignInput{Units: []string{"440105-001"}}) // due 8 October
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	a.DB.SetClock(func() time.Time { return time.Date(2026, 10, 9, 9, 0, 0, 0, calendar.China) })
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	msgs, _ := srv.Wait(1, 15*time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "cg@chigang.gov.cn" || !strings.Contains(msgs[0].Body, "网传赤岗某小区停水") ||
		!strings.Contains(msgs[0].Body, "已逾期1个工作日") || !strings.Contains(msgs[0].Body, "/admin/opinion/") {
		t.Fatalf("reminders: %+v", msgs)
	}
}
