package message

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

func handles(a auth.Account, m Message) error {
	if !CanRead(a, m.Unit) {
		return errs.New(errs.NotFound, "msg.not_found")
	}
	if !CanHandle(a, m.Unit) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	return nil
}

func reviews(a auth.Account, m Message) error {
	if err := handles(a, m); err != nil {
		return err
	}
	if !CanReview(a, m.Unit) {
		return errs.New(errs.Forbidden, "msg.reviewer_only")
	}
	return nil
}

func mustBeOpen(m Message) error {
	if !Open(m.Status) {
		return errs.New(errs.Conflict, "msg.closed")
	}
	return nil
}

// note cleans a required note and checks its length.
func note(field, s string, max int) (string, error) {
	s = clean(s)
	if s == "" {
		return "", errs.InvalidField(field, "msg.required", errs.Msg("msg.field."+field))
	}
	if utf8.RuneCountInString(s) > max {
		return "", errs.InvalidField(field, "msg.too_long", errs.Msg("msg.field."+field), max)
	}
	return s, nil
}

// Transfer sends an open message to the unit that should answer it, with
// the reason, which the writer sees on the timeline. The period keeps its
// start; it becomes the new unit's for the category. A draft waiting for
// review is dropped: the new unit writes its own.
func Transfer(ctx context.Context, tx *db.Tx, a auth.Account, m Message, unitCode, reason string) (Message, error) {
	if err := handles(a, m); err != nil {
		return Message{}, err
	}
	if err := mustBeOpen(m); err != nil {
		return Message{}, err
	}
	to, err := org.ByCode(ctx, tx, strings.TrimSpace(unitCode))
	if err != nil {
		return Message{}, errs.InvalidField("to", "msg.unit_unknown", unitCode)
	}
	if to.ID == m.Unit.ID {
		return Message{}, errs.InvalidField("to", "msg.transfer_same")
	}
	reason, err = note("reason", reason, maxNote)
	if err != nil {
		return Message{}, err
	}
	days, err := DaysFor(ctx, tx, to, m.Category)
	if err != nil {
		return Message{}, err
	}
	return touch(ctx, tx, m, a.Login, "transferred", to.ID, reason, map[string]any{"from": m.Unit.Code, "to": to.Code},
		`unit_id = ?, days = ?, status = ?, draft = '', draft_by = ''`, to.ID, days, StatusOpen)
}

// Extend extends the period once, by 1 to MaxExtensionDays working days,
// with the reason; a reviewer approves it before the period ends (on the
// due day at the latest, on calendar cal): an overdue message stays
// overdue.
func Extend(ctx context.Context, tx *db.Tx, cal *calendar.Calendar, a auth.Account, m Message, days, reason string) (Message, error) {
	if err := reviews(a, m); err != nil {
		return Message{}, err
	}
	if err := mustBeOpen(m); err != nil {
		return Message{}, err
	}
	if m.Extension.Days > 0 {
		return Message{}, errs.New(errs.Conflict, "msg.extended_once")
	}
	due, err := m.Due(cal)
	if err != nil {
		return Message{}, err
	}
	if today(tx).After(due) {
		return Message{}, errs.New(errs.Conflict, "msg.extend_too_late", due.String())
	}
	n, err := strconv.Atoi(strings.TrimSpace(days))
	if err != nil || n < 1 || n > MaxExtensionDays {
		return Message{}, errs.InvalidField("days", "msg.extension_days", MaxExtensionDays)
	}
	reason, err = note("reason", reason, maxNote)
	if err != nil {
		return Message{}, err
	}
	return touch(ctx, tx, m, a.Login, "extended", 0, reason, map[string]any{"days": n},
		`extension_days = ?, extension_date = ?, extension_by = ?, extension_reason = ?`, n, today(tx).String(), a.Login, reason)
}

// Draft saves the reply for review; a draft waiting for review may be
// written over.
func Draft(ctx context.Context, tx *db.Tx, a auth.Account, m Message, text string) (Message, error) {
	if err := handles(a, m); err != nil {
		return Message{}, err
	}
	if err := mustBeOpen(m); err != nil {
		return Message{}, err
	}
	text, err := note("answer", text, maxAnswer)
	if err != nil {
		return Message{}, err
	}
	return touch(ctx, tx, m, a.Login, "drafted", 0, "", nil, `draft = ?, draft_by = ?, status = ?`, text, a.Login, StatusReview)
}

// Approve sends the drafted reply: a reviewer approves it, the message is
// answered that day and, if its writer allowed, joins the public archive.
func Approve(ctx context.Context, tx *db.Tx, a auth.Account, m Message) (Message, error) {
	if err := reviews(a, m); err != nil {
		return Message{}, err
	}
	if m.Status != StatusReview {
		return Message{}, errs.New(errs.Conflict, "msg.no_draft")
	}
	return touch(ctx, tx, m, a.Login, "answered", 0, "", map[string]any{"drafted_by": m.DraftBy},
		`answer = draft, answered_date = ?, answered_by = ?, status = ?`, today(tx).String(), a.Login, StatusAnswered)
}

// Return sends the draft back to be written again, with the reviewer's
// note; the writer does not see it.
func Return(ctx context.Context, tx *db.Tx, a auth.Account, m Message, why string) (Message, error) {
	if err := reviews(a, m); err != nil {
		return Message{}, err
	}
	if m.Status != StatusReview {
		return Message{}, errs.New(errs.Conflict, "msg.no_draft")
	}
	why, err := note("reason", why, maxNote)
	if err != nil {
		return Message{}, err
	}
	return touch(ctx, tx, m, a.Login, "returned", 0, why, nil, `status = ?`, StatusOpen)
}

// Dismiss closes an open message as not one to answer (advertising,
// abuse, a repeat of one answered), with the reason the writer sees; a
// reviewer decides. A dismissed message is not counted overdue.
func Dismiss(ctx context.Context, tx *db.Tx, a auth.Account, m Message, why string) (Message, error) {
	if err := reviews(a, m); err != nil {
		return Message{}, err
	}
	if err := mustBeOpen(m); err != nil {
		return Message{}, err
	}
	why, err := note("reason", why, maxNote)
	if err != nil {
		return Message{}, err
	}
	return touch(ctx, tx, m, a.Login, "dismissed", 0, why, nil, `dismiss_reason = ?, status = ?`, why, StatusInvalid)
}

// Rate records the writer's rating of the answer, once.
func Rate(ctx context.Context, tx *db.Tx, m Message, rating, comment string) (Message, error) {
	if m.Status != StatusAnswered {
		return Message{}, errs.New(errs.Conflict, "msg.not_answered")
	}
	if m.Rating != "" {
		return Message{}, errs.New(errs.Conflict, "msg.rated_once")
	}
	if !slices.Contains(Ratings, rating) {
		return Message{}, errs.InvalidField("rating", "msg.rating_invalid")
	}
	comment = clean(comment)
	if utf8.RuneCountInString(comment) > maxNote {
		return Message{}, errs.InvalidField("comment", "msg.too_long", errs.Msg("msg.field.comment"), maxNote)
	}
	return touch(ctx, tx, m, "public", "rated", 0, rating, nil,
		`rating = ?, rating_note = ?, rated_at = ?`, rating, comment, tx.Now())
}
