// Package push delivers messages to the public and to staff: subscriptions
// to information (定向推送, plan item 十六) with their audiences and topics,
// targeted notices sent by hand, progress notices to applicants, and the
// outbox every message goes through.
//
// A message is a row of the outbox, written in the transaction of the
// change that causes it, with a job of the queue that delivers it: if the
// change rolls back, no message exists; if it commits, the message is
// delivered, retried with backoff when the channel fails, and its state
// (queued, sent, failed with the reason) stays for staff to see. Channels
// — e-mail, SMS, WeChat template messages, webhooks — sit behind one
// interface (Channel); each has a rate limit per process.
//
// Texts queued by code that does not know the site's address (publishing,
// progress notices) hold links that begin with Site; they are completed at
// delivery with the address the site is reached at.
package push

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"gongkai/internal/db"
	"gongkai/internal/errs"
)

// Channels a message goes by.
const (
	Email   = "email"
	SMS     = "sms"
	WeChat  = "wechat"
	Webhook = "webhook"
)

// Channels lists the channels in the order reports show them.
var Channels = []string{Email, SMS, WeChat, Webhook}

// States of a message in the outbox.
const (
	Queued = "queued" // waiting for its first attempt
	Sent   = "sent"
	Failed = "failed" // the last attempt failed; retried while NextAttempt is set
)

// States lists the states in report order.
var States = []string{Queued, Sent, Failed}

// Kinds of message, stored with each; a report groups by them.
const (
	KindConfirm   = "push.confirm"   // the link that confirms an e-mail or WeChat subscription
	KindCode      = "push.code"      // the code that confirms an SMS subscription
	KindPublished = "push.published" // a record published, to a subscriber who wants it at once
	KindDigest    = "push.digest"    // a subscriber's daily or weekly digest
	KindNotice    = "push.notice"    // a targeted notice sent by hand
)

// Site stands for the site's address in texts queued by code that does not
// know it; delivery replaces it.
const Site = "{site}"

// Message is a message to queue.
type Message struct {
	Channel   string
	Recipient string // e-mail address, mobile number, WeChat openid or webhook URL
	Subject   string
	Body      string
	// Link is the page the message is about, if any.
	Link string
	// Unsubscribe is the one-click unsubscribe address of a subscription
	// message; e-mail carries it in List-Unsubscribe.
	Unsubscribe string
	// Kind says what the message is (KindNotice, "foi.reply"…) and
	// Reference what it is about (a tracking number, an index number…).
	Kind, Reference string
	// SubscriptionID and NoticeID tie a message to a subscription (a
	// message to an ended subscription is not sent) and to a notice (its
	// delivery report).
	SubscriptionID, NoticeID int64
	Files                    []File
}

// File is a file sent with an e-mail.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// Outgoing is a message of the outbox as it goes out, with its links
// complete.
type Outgoing struct {
	ID int64
	Message
	// Secret signs a webhook's body.
	Secret string
	// Created is when the message was queued.
	Created time.Time
}

// DeliverArgs is the job that delivers one message of the outbox. It is
// unique by message, so a message is never delivered by two jobs.
type DeliverArgs struct {
	ID int64 `json:"id"`
}

// KindDeliver is the queue's name for DeliverArgs.
const KindDeliver = "push_deliver"

func (DeliverArgs) Kind() string { return KindDeliver }

// Queue writes m to the outbox in tx, with the job that delivers it, and
// returns its id. Nothing is delivered unless tx commits.
func Queue(ctx context.Context, tx *db.Tx, m Message) (int64, error) {
	id, err := insertMessage(ctx, tx, m)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Enqueue(ctx, DeliverArgs{ID: id}, deliverOpts); err != nil {
		return 0, err
	}
	return id, nil
}

// QueueMany queues messages as Queue does, with their delivery jobs
// enqueued together.
func QueueMany(ctx context.Context, tx *db.Tx, ms []Message) error {
	params := make([]river.InsertManyParams, 0, len(ms))
	for _, m := range ms {
		id, err := insertMessage(ctx, tx, m)
		if err != nil {
			return err
		}
		params = append(params, river.InsertManyParams{Args: DeliverArgs{ID: id}, InsertOpts: deliverOpts})
	}
	return tx.EnqueueMany(ctx, params)
}

// deliverOpts makes a message's delivery job unique to it.
var deliverOpts = &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}

// insertMessage writes m to the outbox and returns its id.
func insertMessage(ctx context.Context, tx *db.Tx, m Message) (int64, error) {
	if !oneOf(Channels, m.Channel) || strings.TrimSpace(m.Recipient) == "" || m.Kind == "" {
		return 0, fmt.Errorf("queue message: channel %q, recipient %q, kind %q", m.Channel, m.Recipient, m.Kind)
	}
	now := tx.Now()
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO push_outbox (channel, recipient, subject, body, link, unsubscribe, kind, reference, subscription_id, notice_id,
		state, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.Channel, m.Recipient, m.Subject, m.Body, m.Link, m.Unsubscribe, m.Kind, m.Reference, nullID(m.SubscriptionID), nullID(m.NoticeID),
		Queued, now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("queue message: %w", err)
	}
	for i, f := range m.Files {
		if _, err := tx.Exec(ctx, `INSERT INTO push_outbox_files (outbox_id, seq, name, content_type, data) VALUES (?, ?, ?, ?, ?)`,
			id, i+1, f.Name, f.ContentType, f.Data); err != nil {
			return 0, fmt.Errorf("queue message file: %w", err)
		}
	}
	return id, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Row is a message as the outbox keeps it.
type Row struct {
	ID          int64
	Channel     string
	Recipient   string
	Subject     string
	Kind        string
	Reference   string
	State       string
	Attempts    int
	LastError   string
	NextAttempt time.Time // zero when no retry is due
	SentAt      time.Time
	Created     time.Time
}

const rowCols = `id, channel, recipient, subject, kind, reference, state, attempts, last_error, next_attempt_at, sent_at, created_at`

func scanRow(s interface{ Scan(...any) error }) (Row, error) {
	var r Row
	var next, sent sql.NullTime
	err := s.Scan(&r.ID, &r.Channel, &r.Recipient, &r.Subject, &r.Kind, &r.Reference, &r.State, &r.Attempts, &r.LastError, &next, &sent, &r.Created)
	r.NextAttempt, r.SentAt = next.Time, sent.Time
	return r, err
}

// ByID returns a message of the outbox. It returns an errs.NotFound error
// if there is none.
func ByID(ctx context.Context, q db.Querier, id int64) (Row, error) {
	r, err := scanRow(q.QueryRow(ctx, `SELECT `+rowCols+` FROM push_outbox WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Row{}, errs.New(errs.NotFound, "push.message_not_found")
	}
	return r, err
}

// About returns the messages of a kind about a reference, oldest first.
func About(ctx context.Context, q db.Querier, kind, reference string) ([]Row, error) {
	return rows(ctx, q, `SELECT `+rowCols+` FROM push_outbox WHERE kind = ? AND reference = ? ORDER BY id`, kind, reference)
}

func rows(ctx context.Context, q db.Querier, query string, args ...any) ([]Row, error) {
	rs, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []Row
	for rs.Next() {
		r, err := scanRow(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

func oneOf(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MaskAddress hides most of an address: li***@example.com, 138****8000.
func MaskAddress(a string) string {
	if at := strings.IndexByte(a, '@'); at > 0 {
		keep := min(2, at)
		return a[:keep] + "***" + a[at:]
	}
	if len(a) == 11 {
		return a[:3] + "****" + a[7:]
	}
	if len(a) > 6 {
		return a[:3] + "***" + a[len(a)-3:]
	}
	return "***"
}

// Masked returns r as staff other than the administrators see it: the
// subscriber's address masked, and of a webhook only its host, without
// its answer, which may carry what the partner's system holds.
func (r Row) Masked() Row {
	if r.Channel != Webhook {
		r.Recipient = MaskAddress(r.Recipient)
		return r
	}
	u, err := url.Parse(r.Recipient)
	r.Recipient, r.LastError = "(webhook)", ""
	if err == nil && u.Host != "" {
		r.Recipient = u.Scheme + "://" + u.Host + "/…"
	}
	return r
}
