package message

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
	"gongkai/internal/tracking"
)

// Prefix begins every message's tracking number: 留言.
const Prefix = "LY"

var trackingNo = tracking.Pattern(Prefix, "")

// WellFormedNo reports whether no (upper case, trimmed) has the form of a
// message's tracking number, so that a look-up of anything else is refused
// before it reaches the database or the look-up limits.
func WellFormedNo(no string) bool { return trackingNo.MatchString(no) }

func today(tx *db.Tx) calendar.Date { return calendar.DateOf(tx.Now().In(calendar.China)) }

// Submit records a message written on the portal or sent through the API.
// It returns the message and its query code, shown to the writer once and
// kept only as a hash.
func Submit(ctx context.Context, tx *db.Tx, in Input) (Message, string, error) {
	in = in.normalize()
	bad := in.validate()
	var u org.Unit
	if in.UnitCode != "" {
		var err error
		if u, err = org.ByCode(ctx, tx, in.UnitCode); err != nil {
			bad = append(bad, errs.InvalidField("unit", "msg.unit_unknown", in.UnitCode))
		}
	}
	if len(bad) > 0 {
		return Message{}, "", bad
	}
	days, err := DaysFor(ctx, tx, u, in.Category)
	if err != nil {
		return Message{}, "", err
	}
	now := tx.Now()
	no, err := tracking.New(ctx, tx, Prefix, "messages", now)
	if err != nil {
		return Message{}, "", fmt.Errorf("tracking number: %w", err)
	}
	code := tracking.NewCode()
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO messages (tracking_no, query_hash, unit_id, first_unit_id, category, title, content, name, phone, email, public,
		status, submitted_at, start_date, days, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		no, tracking.HashCode(code), u.ID, u.ID, in.Category, in.Title, in.Content, in.Name, in.Phone, in.Email, in.Public,
		StatusOpen, now, today(tx).String(), days, now).Scan(&id)
	if err != nil {
		return Message{}, "", fmt.Errorf("save message: %w", err)
	}
	if err := event(ctx, tx, id, "public", "submitted", u.ID, ""); err != nil {
		return Message{}, "", err
	}
	if err := audit.Append(ctx, tx, "public", "message.submitted", "message", no, map[string]any{"unit": u.Code, "category": in.Category, "public": in.Public}); err != nil {
		return Message{}, "", err
	}
	m, err := load(ctx, tx, `m.id = ?`, id)
	return m, code, err
}

func event(ctx context.Context, tx *db.Tx, id int64, actor, kind string, unitID int64, note string) error {
	var unit any
	if unitID != 0 {
		unit = unitID
	}
	_, err := tx.Exec(ctx, `INSERT INTO message_events (message_id, at, day, actor, kind, unit_id, note) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, tx.Now(), today(tx).String(), actor, kind, unit, note)
	return err
}

const cols = `m.id, m.tracking_no, m.unit_id, m.first_unit_id, m.category, m.title, m.content, m.name, m.phone, m.email, m.public, m.status,
	m.submitted_at, m.start_date, m.days, m.extension_days, m.extension_date, m.extension_by, m.extension_reason, m.draft, m.draft_by,
	m.answer, m.answered_date, m.answered_by, m.dismiss_reason, m.rating, m.rating_note, m.updated_at`

func scan(s interface{ Scan(...any) error }) (Message, error) {
	var m Message
	e := &m.Extension
	err := s.Scan(&m.ID, &m.TrackingNo, &m.Unit.ID, &m.FirstUnit.ID, &m.Category, &m.Title, &m.Content, &m.Name, &m.Phone, &m.Email, &m.Public, &m.Status,
		&m.SubmittedAt, &m.StartDate, &m.Days, &e.Days, &e.Date, &e.By, &e.Reason, &m.Draft, &m.DraftBy,
		&m.Answer, &m.AnsweredOn, &m.AnsweredBy, &m.Dismissed, &m.Rating, &m.RatingNote, &m.UpdatedAt)
	m.SubmittedAt = m.SubmittedAt.In(calendar.China)
	return m, err
}

// load returns one message with its units and timeline.
func load(ctx context.Context, q db.Querier, where string, arg any) (Message, error) {
	m, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM messages m WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, errs.New(errs.NotFound, "msg.not_found")
	}
	if err != nil {
		return Message{}, err
	}
	if m.Unit, err = org.ByID(ctx, q, m.Unit.ID); err != nil {
		return Message{}, err
	}
	if m.FirstUnit, err = org.ByID(ctx, q, m.FirstUnit.ID); err != nil {
		return Message{}, err
	}
	rows, err := q.Query(ctx, `SELECT e.at, e.day, e.actor, e.kind, COALESCE(u.name, ''), e.note FROM message_events e LEFT JOIN units u ON u.id = e.unit_id
		WHERE e.message_id = ? ORDER BY e.id`, m.ID)
	if err != nil {
		return Message{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.At, &e.Day, &e.Actor, &e.Kind, &e.Unit, &e.Note); err != nil {
			return Message{}, err
		}
		e.At = e.At.In(calendar.China)
		m.Events = append(m.Events, e)
	}
	return m, rows.Err()
}

// ByID returns a message a may read. It returns a NotFound error for one
// outside a's scope, as for one that does not exist.
func ByID(ctx context.Context, q db.Querier, id int64, a auth.Account) (Message, error) {
	m, err := load(ctx, q, `m.id = ?`, id)
	if err != nil {
		return Message{}, err
	}
	if !CanRead(a, m.Unit) {
		return Message{}, errs.New(errs.NotFound, "msg.not_found")
	}
	return m, nil
}

// ByTracking returns the message with tracking number no if code is its
// query code. A wrong number and a wrong code give the same error.
func ByTracking(ctx context.Context, q db.Querier, no, code string) (Message, error) {
	no = tracking.Normalize(no)
	if !WellFormedNo(no) {
		return Message{}, errs.New(errs.NotFound, "msg.query_failed")
	}
	id, ok, err := tracking.Find(ctx, q, "messages", no, code)
	if err != nil {
		return Message{}, err
	}
	if !ok {
		return Message{}, errs.New(errs.NotFound, "msg.query_failed")
	}
	return load(ctx, q, `m.id = ?`, id)
}

// touch saves the message's state after an action, logs it on the timeline
// and in the audit log. The update applies only if the message is as m was
// read (same status and last change): an action on a stale copy — a second
// click, two clerks at once — changes nothing and is refused.
func touch(ctx context.Context, tx *db.Tx, m Message, actor, kind string, unitID int64, note string, detail map[string]any, sets string, args ...any) (Message, error) {
	args = append(args, tx.Now(), m.ID, m.Status, m.UpdatedAt)
	res, err := tx.Exec(ctx, `UPDATE messages SET `+sets+`, updated_at = ? WHERE id = ? AND status = ? AND updated_at = ?`, args...)
	if err != nil {
		return Message{}, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return Message{}, err
	} else if n != 1 {
		return Message{}, errs.New(errs.Conflict, "msg.changed")
	}
	if err := event(ctx, tx, m.ID, actor, kind, unitID, note); err != nil {
		return Message{}, err
	}
	if detail == nil {
		detail = map[string]any{}
	}
	if note != "" {
		detail["note"] = note
	}
	if err := audit.Append(ctx, tx, actor, "message."+kind, "message", m.TrackingNo, detail); err != nil {
		return Message{}, err
	}
	return load(ctx, tx, `m.id = ?`, m.ID)
}

func errNotFound() error { return errs.New(errs.NotFound, "msg.not_found") }
