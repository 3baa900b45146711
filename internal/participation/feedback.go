package participation

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
)

// How an opinion was handled.
const (
	Adopted    = "adopted"  // 采纳
	Partly     = "partly"   // 部分采纳
	NotAdopted = "rejected" // 未采纳
)

// Decisions lists them in the order the report counts them.
var Decisions = []string{Adopted, Partly, NotAdopted}

const maxReason = 2000

// Decision is how staff handled one comment. The reason is required for a
// comment partly adopted or not adopted (说明理由); for one adopted it may say
// how.
type Decision struct {
	Comment  int64
	Decision string
	Reason   string
}

// afterEnd refuses handling comments of c before it closed, or once its
// feedback report is out.
func afterEnd(tx *db.Tx, c Consultation) error {
	if c.Phase(today(tx)) != Closed {
		return errs.New(errs.Conflict, "consult.not_closed", c.End)
	}
	if c.FeedbackPublished() {
		return errs.New(errs.Conflict, "consult.feedback_published")
	}
	return nil
}

// Decide records how staff handled comments of c, after its end: all the
// decisions given, or none of them when one is wrong (each error names the
// field reason_ID or decision_ID of its comment). A decision left empty
// leaves its comment as it was.
func Decide(ctx context.Context, tx *db.Tx, a auth.Account, c Consultation, ds []Decision) error {
	if !CanEdit(a, c.Unit) {
		return forbidden()
	}
	if err := afterEnd(tx, c); err != nil {
		return err
	}
	comments, err := CommentsOf(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	byID := map[int64]*Comment{}
	for i := range comments {
		byID[comments[i].ID] = &comments[i]
	}
	var m errs.Multi
	var changed []Comment
	for _, d := range ds {
		cm := byID[d.Comment]
		if d.Decision == "" {
			continue
		}
		field := func(name string) string { return fmt.Sprintf("%s_%d", name, d.Comment) }
		reason := foi.Clean(d.Reason)
		switch {
		case cm == nil || cm.Hidden:
			m = append(m, errs.InvalidField(field("decision"), "consult.comment_not_found", d.Comment))
		case !slices.Contains(Decisions, d.Decision):
			m = append(m, errs.InvalidField(field("decision"), "consult.bad_decision", cm.Seq))
		case d.Decision != Adopted && reason == "":
			m = append(m, errs.InvalidField(field("reason"), "consult.reason_required", cm.Seq))
		case utf8.RuneCountInString(reason) > maxReason:
			m = append(m, errs.InvalidField(field("reason"), "consult.too_long", errs.Msg("consult.field.reason"), maxReason))
		default:
			if cm.Decision != d.Decision || cm.DecisionReason != reason {
				cm.Decision, cm.DecisionReason, cm.DecidedBy = d.Decision, reason, a.Login
				changed = append(changed, *cm)
			}
		}
	}
	if len(m) > 0 {
		return m
	}
	log := make([]map[string]any, 0, len(changed))
	for _, cm := range changed {
		if err := saveComment(ctx, tx, cm); err != nil {
			return err
		}
		log = append(log, map[string]any{"comment": cm.ID, "decision": cm.Decision, "reason": cm.DecisionReason})
	}
	if len(changed) == 0 {
		return nil
	}
	return audit.Append(ctx, tx, a.Login, "consult.decide", "consultation", idOf(c), map[string]any{"decisions": log})
}

// SaveFeedback keeps the text of the feedback report — the main opinions
// and how they were handled — without publishing it.
func SaveFeedback(ctx context.Context, tx *db.Tx, a auth.Account, c Consultation, text string) (Consultation, error) {
	if !CanEdit(a, c.Unit) {
		return Consultation{}, forbidden()
	}
	if err := afterEnd(tx, c); err != nil {
		return Consultation{}, err
	}
	text = foi.Clean(text)
	if utf8.RuneCountInString(text) > maxText {
		return Consultation{}, errs.InvalidField("feedback", "consult.too_long", errs.Msg("consult.field.feedback"), maxText)
	}
	c.Feedback, c.UpdatedAt = text, tx.Now()
	if err := save(ctx, tx, c); err != nil {
		return Consultation{}, err
	}
	return c, audit.Append(ctx, tx, a.Login, "consult.feedback_save", "consultation", idOf(c), nil)
}

// PublishFeedback publishes the feedback report with text as its main
// opinions, once every comment shown to the public has its decision. It
// returns an Invalid error on field "feedback" when the text is missing or
// comments are undecided.
func PublishFeedback(ctx context.Context, tx *db.Tx, a auth.Account, c Consultation, text string) (Consultation, error) {
	if !CanApprove(a, c.Unit) {
		return Consultation{}, reviewForbidden()
	}
	c, err := SaveFeedback(ctx, tx, a, c, text)
	if err != nil {
		return Consultation{}, err
	}
	if utf8.RuneCountInString(c.Feedback) < 5 {
		return Consultation{}, errs.InvalidField("feedback", "consult.feedback_required")
	}
	comments, err := CommentsOf(ctx, tx, c.ID)
	if err != nil {
		return Consultation{}, err
	}
	r := ReportOf(comments)
	if r.Undecided > 0 {
		return Consultation{}, errs.InvalidField("feedback", "consult.undecided_left", r.Undecided)
	}
	now := tx.Now()
	c.FeedbackAt, c.FeedbackBy, c.UpdatedAt = now, a.Login, now
	if err := save(ctx, tx, c); err != nil {
		return Consultation{}, err
	}
	return c, audit.Append(ctx, tx, a.Login, "consult.feedback_publish", "consultation", idOf(c), map[string]any{"received": r.Received,
		"adopted": r.Adopted, "partly": r.Partly, "rejected": r.NotAdopted, "hidden": r.Hidden})
}

// Report is what the feedback report counts: the comments received and
// shown, those hidden, and how those shown were handled.
type Report struct {
	Received, Hidden, Adopted, Partly, NotAdopted, Undecided int
	// Shown are the comments shown to the public, in order.
	Shown []Comment
}

// ReportOf counts comments for the feedback report.
func ReportOf(comments []Comment) Report {
	var r Report
	for _, m := range comments {
		if m.Hidden {
			r.Hidden++
			continue
		}
		r.Received++
		r.Shown = append(r.Shown, m)
		switch m.Decision {
		case Adopted:
			r.Adopted++
		case Partly:
			r.Partly++
		case NotAdopted:
			r.NotAdopted++
		default:
			r.Undecided++
		}
	}
	return r
}
