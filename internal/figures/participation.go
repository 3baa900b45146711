package figures

import (
	"context"
	"fmt"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/message"
	"gongkai/internal/org"
	"gongkai/internal/participation"
)

// Consultations is a unit's consultations on drafts (意见征集) opened in a
// year.
type Consultations struct {
	// Published counts the consultations published that opened in the
	// year; Comments the comments shown on them.
	Published, Comments int
	// Closed counts those closed by the day the year is seen from;
	// Feedback those of them whose feedback report (征集意见处理情况反馈)
	// is published, NoFeedback the rest.
	Closed, Feedback, NoFeedback int
}

// Map returns the figures by key.
func (c Consultations) Map() map[string]any {
	return map[string]any{"consultations": c.Published, "comments": c.Comments, "consultations_closed": c.Closed,
		"feedback_published": c.Feedback, "feedback_missing": c.NoFeedback}
}

// ConsultationsOf counts unit u's consultations for period p.
func ConsultationsOf(ctx context.Context, q db.Querier, u org.Unit, p Period) (Consultations, error) {
	var c Consultations
	const page = 500
	for offset := 0; ; offset += page {
		cs, _, err := participation.List(ctx, q, participation.Filter{Scope: &u, Status: participation.Published, Limit: page, Offset: offset})
		if err != nil {
			return c, err
		}
		for _, x := range cs {
			if x.Unit.ID != u.ID || !p.Has(x.Start) {
				continue
			}
			c.Published++
			c.Comments += x.Comments
			if x.End >= p.AsOf.String() {
				continue // still open
			}
			c.Closed++
			if !x.FeedbackAt.IsZero() {
				c.Feedback++
			} else {
				c.NoFeedback++
			}
		}
		if len(cs) < page {
			return c, nil
		}
	}
}

// Messages is the messages from the public (网民留言) that came to a unit
// in a year, counted against each one's reply period on the calendar.
type Messages struct {
	// Received counts the messages that came in the year and that the unit
	// answers (those transferred to it included, those it transferred
	// away not); Invalid those dismissed.
	Received, Invalid int
	// Answered counts those answered; OnTime by their due day, Late after.
	Answered, OnTime, Late int
	// Overdue counts those unanswered past their due day, Pending those
	// unanswered and still in time, on the day the year is seen from.
	Overdue, Pending int
	// Satisfied and Unsatisfied count the writers' ratings.
	Satisfied, Unsatisfied int
}

// Valid is the messages not dismissed.
func (m Messages) Valid() int { return m.Received - m.Invalid }

// Map returns the figures by key.
func (m Messages) Map() map[string]any {
	return map[string]any{"messages_received": m.Received, "messages_invalid": m.Invalid, "messages_answered": m.Answered,
		"messages_on_time": m.OnTime, "messages_late": m.Late, "messages_overdue": m.Overdue, "messages_pending": m.Pending,
		"messages_satisfied": m.Satisfied, "messages_unsatisfied": m.Unsatisfied}
}

// MessagesOf counts the messages unit u answers for period p, each against
// its due day as message.Message.Due gives it on cal.
func MessagesOf(ctx context.Context, q db.Querier, cal *calendar.Calendar, u org.Unit, p Period) (Messages, error) {
	var out Messages
	rows, err := q.Query(ctx, `SELECT status, start_date, days, extension_days, answered_date, rating FROM messages
		WHERE unit_id = ? AND start_date >= ? AND start_date <= ?`, u.ID, p.From.String(), p.To.String())
	if err != nil {
		return out, fmt.Errorf("count messages: %w", err)
	}
	var ms []message.Message
	for rows.Next() {
		var m message.Message
		if err := rows.Scan(&m.Status, &m.StartDate, &m.Days, &m.Extension.Days, &m.AnsweredOn, &m.Rating); err != nil {
			rows.Close()
			return out, err
		}
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	asOf := p.AsOf.String()
	for _, m := range ms {
		out.Received++
		switch m.Rating {
		case message.Satisfied, message.Basically:
			out.Satisfied++
		case message.Unsatisfied:
			out.Unsatisfied++
		}
		if m.Status == message.StatusInvalid {
			out.Invalid++
			continue
		}
		due, err := m.Due(cal)
		if err != nil {
			return out, fmt.Errorf("message due day: %w", err)
		}
		switch {
		case m.Status == message.StatusAnswered && m.AnsweredOn <= asOf:
			out.Answered++
			if m.AnsweredOn <= due.String() {
				out.OnTime++
			} else {
				out.Late++
			}
		case p.AsOf.After(due):
			out.Overdue++
		default:
			out.Pending++
		}
	}
	return out, nil
}
