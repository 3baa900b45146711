package push

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"gongkai/internal/db"
)

// claimFor is how long a delivery may hold a message before another may
// take it: longer than any channel's timeout.
const claimFor = 2 * time.Minute

// sendTimeout bounds one attempt.
const sendTimeout = time.Minute

var (
	// errGone is a message that is no longer in the outbox.
	errGone = errors.New("message not in the outbox")
	// errBusy is a message another delivery holds.
	errBusy = errors.New("message being delivered elsewhere")
)

// snooze is a message that must wait for its channel's rate limit.
type snooze struct{ d time.Duration }

func (e snooze) Error() string { return fmt.Sprintf("rate limit: wait %s", e.d) }

// exec runs a statement outside any transaction of the site's: the
// outbox's bookkeeping changes no page.
func (s *Service) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return s.db.SQL.ExecContext(ctx, db.Rebind(s.db.Dialect, q), args...)
}

// Deliver tries message id now, for a person waiting for it (the reply
// they just sent, a confirmation). It returns Sent, Failed with the
// reason, or Queued when its channel's rate limit or another delivery
// holds it; its job delivers it then, and retries a failure.
func (s *Service) Deliver(ctx context.Context, id int64) (string, error) {
	st, err := s.deliver(ctx, id, false)
	var sz snooze
	if errors.Is(err, errBusy) || errors.As(err, &sz) {
		return Queued, nil
	}
	return st, err
}

// DeliverDue delivers every message whose attempt is due, one after the
// other, as the queue would; it returns how many went out and the
// failures joined. Tests and operators use it to empty the outbox without
// waiting for the queue.
func (s *Service) DeliverDue(ctx context.Context) (int, error) {
	due, err := ids(ctx, s.db, `SELECT id FROM push_outbox WHERE state <> ? AND next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY id`, Sent, s.db.Now())
	if err != nil {
		return 0, err
	}
	sent := 0
	var failed []error
	for _, id := range due {
		st, err := s.Deliver(ctx, id)
		if st == Sent {
			sent++
		}
		if err != nil {
			failed = append(failed, fmt.Errorf("message %d: %w", id, err))
		}
	}
	return sent, errors.Join(failed...)
}

// deliver makes one attempt at message id. final says no retry follows.
func (s *Service) deliver(ctx context.Context, id int64, final bool) (string, error) {
	now := s.db.Now()
	// Neither a message sent nor one refused for good (failed with no next
	// attempt) is claimed: its job, still queued, must not send it again.
	res, err := s.exec(ctx, `UPDATE push_outbox SET claimed_until = ? WHERE id = ? AND state <> ? AND NOT (state = ? AND next_attempt_at IS NULL)
		AND (claimed_until IS NULL OR claimed_until < ?)`, now.Add(claimFor), id, Sent, Failed, now)
	if err != nil {
		return "", fmt.Errorf("claim message %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		r, err := ByID(ctx, s.db, id)
		switch {
		case err != nil:
			return "", errGone
		case r.State == Sent:
			return Sent, nil
		case r.State == Failed && r.NextAttempt.IsZero():
			return Failed, nil
		}
		return r.State, errBusy
	}
	claimed := true
	defer func() {
		if claimed {
			bg, cancel := background(ctx)
			defer cancel()
			if _, err := s.exec(bg, `UPDATE push_outbox SET claimed_until = NULL WHERE id = ?`, id); err != nil {
				s.log.Error("release message", "id", id, "err", err)
			}
		}
	}()
	m, ended, err := s.load(ctx, id)
	if err != nil {
		return "", err
	}
	ch, ok := s.channels[m.Channel]
	switch {
	case ended:
		return Failed, s.failed(ctx, id, Permanent(errors.New("the subscription has ended")), true)
	case !ok:
		return Failed, s.failed(ctx, id, Permanent(fmt.Errorf("channel %s is off", m.Channel)), true)
	}
	if d := s.wait(m.Channel); d > 0 {
		return Queued, snooze{d}
	}
	m.Body, m.Link, m.Unsubscribe = s.expand(m.Body), s.expand(m.Link), s.expand(m.Unsubscribe)
	sctx, cancel := context.WithTimeout(ctx, sendTimeout)
	err = ch.Send(sctx, m)
	cancel()
	if err != nil {
		return Failed, s.failed(ctx, id, err, final || IsPermanent(err))
	}
	bg, cancel := background(ctx)
	defer cancel()
	// The last error stays: a message sent at its second attempt still
	// says why the first failed.
	_, err = s.exec(bg, `UPDATE push_outbox SET state = ?, attempts = attempts + 1, next_attempt_at = NULL, claimed_until = NULL, sent_at = ? WHERE id = ?`,
		Sent, s.db.Now(), id)
	if err == nil {
		claimed = false
		_, err = s.exec(bg, `DELETE FROM push_outbox_files WHERE outbox_id = ?`, id)
	}
	if err != nil {
		return Sent, fmt.Errorf("record message %d sent: %w", id, err)
	}
	return Sent, nil
}

// failed records a failed attempt with its reason and returns the error.
// A message that will not be tried again has no next attempt.
func (s *Service) failed(ctx context.Context, id int64, cause error, last bool) error {
	// Recorded even when the request or job that tried is cancelled.
	bg, cancel := background(ctx)
	defer cancel()
	var row struct{ attempts int }
	if err := s.db.QueryRow(bg, `SELECT attempts FROM push_outbox WHERE id = ?`, id).Scan(&row.attempts); err != nil {
		return errors.Join(cause, err)
	}
	var next any
	if !last {
		next = s.db.Now().Add(s.backoff(row.attempts + 1))
	}
	reason := cause.Error()
	if utf8.RuneCountInString(reason) > 500 {
		reason = string([]rune(reason)[:500]) + "…"
	}
	if _, err := s.exec(bg, `UPDATE push_outbox SET state = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`,
		Failed, reason, next, id); err != nil {
		return errors.Join(cause, err)
	}
	s.log.Warn("message not delivered", "id", id, "err", reason, "retry", !last)
	return cause
}

// load reads message id with its files and, for a subscription's message,
// whether the subscription has ended and its webhook secret.
func (s *Service) load(ctx context.Context, id int64) (Outgoing, bool, error) {
	var m Outgoing
	var sub sql.NullInt64
	var state, secret sql.NullString
	err := s.db.QueryRow(ctx, `SELECT o.channel, o.recipient, o.subject, o.body, o.link, o.unsubscribe, o.kind, o.reference, o.subscription_id, o.created_at,
		s.state, s.secret FROM push_outbox o LEFT JOIN push_subscriptions s ON s.id = o.subscription_id WHERE o.id = ?`, id).Scan(
		&m.Channel, &m.Recipient, &m.Subject, &m.Body, &m.Link, &m.Unsubscribe, &m.Kind, &m.Reference, &sub, &m.Created, &state, &secret)
	if errors.Is(err, sql.ErrNoRows) {
		return Outgoing{}, false, errGone
	}
	if err != nil {
		return Outgoing{}, false, fmt.Errorf("load message %d: %w", id, err)
	}
	m.ID, m.SubscriptionID, m.Secret = id, sub.Int64, secret.String
	rs, err := s.db.Query(ctx, `SELECT name, content_type, data FROM push_outbox_files WHERE outbox_id = ? ORDER BY seq`, id)
	if err != nil {
		return Outgoing{}, false, err
	}
	defer rs.Close()
	for rs.Next() {
		var f File
		if err := rs.Scan(&f.Name, &f.ContentType, &f.Data); err != nil {
			return Outgoing{}, false, err
		}
		m.Files = append(m.Files, f)
	}
	return m, state.String == stateEnded, rs.Err()
}

// deliverWorker is the queue's worker of DeliverArgs.
type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

func (w *deliverWorker) Work(ctx context.Context, j *river.Job[DeliverArgs]) error {
	_, err := w.s.deliver(ctx, j.Args.ID, j.Attempt >= j.MaxAttempts)
	var sz snooze
	switch {
	case err == nil:
		return nil
	case errors.As(err, &sz):
		return river.JobSnooze(sz.d)
	case errors.Is(err, errBusy):
		return river.JobSnooze(2 * time.Second)
	case errors.Is(err, errGone) || IsPermanent(err):
		return river.JobCancel(err)
	}
	return err
}

// NextRetry follows the Service's backoff, so that the outbox's next
// attempt and the job's agree.
func (w *deliverWorker) NextRetry(j *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(w.s.backoff(j.Attempt))
}

// ids returns the ids a query selects.
func ids(ctx context.Context, q db.Querier, query string, args ...any) ([]int64, error) {
	rs, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []int64
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rs.Err()
}
