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
	"gongkai/internal/foi"
	"gongkai/internal/mail/mailtest"
)

// TestDailyReminders runs the server's job queue against a real SMTP
// server: the day's reminders go out when it starts, and the next day's
// message lists what is still overdue, the new application with the old.
func TestDailyReminders(t *testing.T) {
	srv := mailtest.New(t)
	data := t.TempDir()
	day := 15
	clock := func() time.Time { return time.Date(2026, 6, day, 9, 0, 0, 0, calendar.China) }
	cfg := app.Config{DataDir: data, Addr: "127.0.0.1:0", Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SMTPURL: srv.URL()}

	// run starts the app, registers an overdue application to 赤岗, waits
	// for the messages to reach want, and stops the app.
	run := func(applicant string, want int) foi.Application {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		a, err := app.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		a.DB.SetClock(clock)
		if _, err := app.LoadDemo(ctx, a.DB); err != nil {
			t.Fatal(err)
		}
		// 22 working days before 2026-06-15, counted by hand (1–5 May
		// off, 9 May worked): 2 days overdue today.
		received := "2026-05-14"
		var reg foi.Application
		err = a.DB.InTx(ctx, func(tx *db.Tx) error {
			ed, err := auth.ByLogin(ctx, tx, "cg-mail")
			if err != nil {
				ed, err = auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: "cg-mail", DisplayName: "赤岗街道承办人", Email: "cg@chigang.gov.cn",
					Password: "password-2026", Role: auth.UnitEditor, UnitCode: "440105-001"})
				if err != nil {
					return err
				}
			}
			in := foi.Input{UnitCode: "440105-001", Description: "赤岗街道2025年低保发放名单", Medium: "paper", Delivery: "pickup",
				Applicant: foi.Applicant{Type: foi.NaturalPerson, Name: "李明", IDType: "passport", IDNumber: applicant, Phone: "020-88886666"}}
			reg, _, err = foi.Register(ctx, tx, ed, in, foi.InPerson, received, "")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		srv.Wait(want, 15*time.Second) // fewer are reported below
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		return reg
	}

	first := run("E12345678", 1)
	day = 16
	second := run("E87654321", 2)
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != "cg@chigang.gov.cn" || !strings.Contains(m.Body, first.TrackingNo) || !strings.Contains(m.Body, "已逾期2个工作日") {
		t.Errorf("first day's message to %v:\n%s", m.To, m.Body)
	}
	m = msgs[1]
	if len(m.To) != 1 || m.To[0] != "cg@chigang.gov.cn" || !strings.Contains(m.Body, first.TrackingNo) || !strings.Contains(m.Body, second.TrackingNo) ||
		strings.Count(m.Body, "已逾期3个工作日") != 2 {
		t.Errorf("next day's message to %v, want both applications 3 working days overdue:\n%s", m.To, m.Body)
	}
}

func TestBadSMTPURL(t *testing.T) {
	cfg := app.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		SMTPURL: "smtp://gongkai:topsecret@relay.gz.gov.cn?tls=starttls"}
	a, err := app.New(context.Background(), cfg)
	if err == nil {
		a.Close()
		t.Fatal("a relay URL without from= was accepted")
	}
	if strings.Contains(err.Error(), "topsecret") {
		t.Errorf("the error shows the password: %v", err)
	}
}
