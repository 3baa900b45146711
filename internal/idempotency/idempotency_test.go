package idempotency_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/idempotency"
	"gongkai/internal/orgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// TestKeepsFirstAnswer: an answer is found again by its token and key, not
// by another token's; a key sent with another request is refused; a
// second save of a key is a race; answers are forgotten after Keep.
func TestKeepsFirstAnswer(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		d.SetClock(func() time.Time { return now })
		var a, b auth.Token
		d.InTx(ctx, func(tx *db.Tx) error {
			c := orgtest.Build(t, ctx, tx)
			a, _, _ = auth.CreateToken(ctx, tx, "t", nil, auth.NewToken{UnitCode: c.Chigang.Code, Name: "a"})
			b, _, _ = auth.CreateToken(ctx, tx, "t", nil, auth.NewToken{UnitCode: c.Chigang.Code, Name: "b"})
			return nil
		})
		fp := idempotency.Fingerprint("POST", "/api/v1/admin/info", []byte(`{"title":"x"}`))
		if fp == idempotency.Fingerprint("PUT", "/api/v1/admin/info", []byte(`{"title":"x"}`)) ||
			fp == idempotency.Fingerprint("POST", "/api/v1/admin/info", []byte(`{"title":"y"}`)) {
			t.Fatal("fingerprints of different requests are equal")
		}
		first := idempotency.Answer{Status: 201, Body: []byte(`{"id":7}` + "\n")}
		save := func(tok auth.Token, key, fp string, ans idempotency.Answer) error {
			return d.InTx(ctx, func(tx *db.Tx) error { return idempotency.Save(ctx, tx, tok.ID, key, fp, ans) })
		}
		if _, ok, err := idempotency.Lookup(ctx, d, d.Now(), a.ID, "k-1", fp); ok || err != nil {
			t.Fatalf("unknown key: found %v, %v", ok, err)
		}
		if err := save(a, "k-1", fp, first); err != nil {
			t.Fatal(err)
		}
		got, ok, err := idempotency.Lookup(ctx, d, d.Now(), a.ID, "k-1", fp)
		if !ok || err != nil || got.Status != 201 || string(got.Body) != string(first.Body) {
			t.Errorf("replay: %+v %v %v", got, ok, err)
		}
		if _, ok, _ := idempotency.Lookup(ctx, d, d.Now(), b.ID, "k-1", fp); ok {
			t.Error("another token's key answered")
		}
		other := idempotency.Fingerprint("POST", "/api/v1/admin/info", []byte(`{"title":"y"}`))
		if _, _, err := idempotency.Lookup(ctx, d, d.Now(), a.ID, "k-1", other); errs.KindOf(err) != errs.Unprocessable {
			t.Errorf("key with another request: %v, want Unprocessable", err)
		}
		if err := save(a, "k-1", fp, idempotency.Answer{Status: 201, Body: []byte("second")}); !errors.Is(err, idempotency.ErrRace) {
			t.Errorf("second save: %v, want ErrRace", err)
		}
		if got, _, _ := idempotency.Lookup(ctx, d, d.Now(), a.ID, "k-1", fp); string(got.Body) != string(first.Body) {
			t.Errorf("after the race the answer is %q", got.Body)
		}
		if err := save(b, "k-1", other, idempotency.Answer{Status: 200, Body: []byte("b")}); err != nil {
			t.Errorf("same key, other token: %v", err)
		}
		// A day later the key is forgotten and may be used again.
		now = now.Add(idempotency.Keep + time.Second)
		if _, ok, _ := idempotency.Lookup(ctx, d, d.Now(), a.ID, "k-1", fp); ok {
			t.Error("an answer older than Keep replayed")
		}
		if err := save(a, "k-1", other, idempotency.Answer{Status: 201, Body: []byte("new")}); err != nil {
			t.Errorf("reusing an expired key: %v", err)
		}
		var n int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM api_idempotency WHERE token_id = ?`, a.ID).Scan(&n)
		if n != 1 {
			t.Errorf("token a keeps %d answers, want 1", n)
		}
	})
}

func TestCheckKey(t *testing.T) {
	for _, ok := range []string{"a", "order-2026-11-23/0001", strings.Repeat("k", idempotency.MaxKey), `"quoted"`} {
		if err := idempotency.CheckKey(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", " ", "a b", "键", "a\tb", strings.Repeat("k", idempotency.MaxKey+1)} {
		if err := idempotency.CheckKey(bad); errs.As(err) == nil || errs.As(err).Field != "Idempotency-Key" {
			t.Errorf("%q: %v, want an error on Idempotency-Key", bad, err)
		}
	}
}

// TestClaimMakesRacersWait: while one request works on a key in its
// transaction, another with the same key waits at Claim, and once the
// first has saved its answer and committed, the second is told the key has
// an answer (ErrRace) instead of doing the work a second time.
func TestClaimMakesRacersWait(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var tok auth.Token
		d.InTx(ctx, func(tx *db.Tx) error {
			c := orgtest.Build(t, ctx, tx)
			tok, _, _ = auth.CreateToken(ctx, tx, "t", nil, auth.NewToken{UnitCode: c.Chigang.Code, Name: "a"})
			return nil
		})
		fp := idempotency.Fingerprint("POST", "/api/v1/admin/info", []byte(`{"title":"x"}`))
		claimed, release := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- d.InTx(ctx, func(tx *db.Tx) error {
				if err := idempotency.Claim(ctx, tx, tok.ID, "k-race"); err != nil {
					return err
				}
				close(claimed)
				<-release
				return idempotency.Save(ctx, tx, tok.ID, "k-race", fp, idempotency.Answer{Status: 201, Body: []byte("{}")})
			})
		}()
		<-claimed
		second := make(chan error, 1)
		go func() {
			second <- d.InTx(ctx, func(tx *db.Tx) error { return idempotency.Claim(ctx, tx, tok.ID, "k-race") })
		}()
		select {
		case err := <-second:
			t.Fatalf("the second request went on while the first held the key: %v", err)
		case <-time.After(300 * time.Millisecond):
			// Still waiting, as it must: nothing to observe but its absence.
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := <-second; !errors.Is(err, idempotency.ErrRace) {
			t.Fatalf("second request: %v, want ErrRace", err)
		}
	})
}
