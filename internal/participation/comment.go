package participation

import (
	"context"
	"strconv"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/screen"
)

// Bounds of a comment.
const (
	MaxComment  = 5000 // characters of the opinion
	maxName     = 50
	maxEmail    = 200
	maxPhone    = 30
	maxHideNote = 500
)

// Comment is an opinion sent on a consultation. Phone and Email are for
// staff only and never shown; the public sees Masked, the content with
// personal data masked, and PublicName.
type Comment struct {
	ID             int64
	ConsultationID int64
	// Seq numbers the comments of a consultation in the order they came,
	// hidden ones included, so that a number never changes.
	Seq      int
	Content  string
	Masked   string
	Personal int // pieces of personal data screening found in Content
	Name     string
	Phone    string
	Email    string
	At       time.Time
	Hidden   bool
	// HiddenReason and HiddenBy say who hid the comment and why; the
	// audit log keeps them too.
	HiddenReason, HiddenBy string
	// Decision is how the opinion was handled (采纳, 部分采纳, 未采纳), with
	// the reason, once decided.
	Decision, DecisionReason, DecidedBy string
}

// PublicName is the name shown with the comment: as given, with personal
// data masked; empty when none was given.
func (m Comment) PublicName() string { return screen.Mask(m.Name, screen.Text(m.Name)) }

// CommentInput is what someone commenting writes: the opinion, an optional
// name, and a phone number or an e-mail address (at least one).
type CommentInput struct {
	Content, Name, Phone, Email string
}

// validate checks a comment and returns it cleaned, with every problem at
// once, each naming its field.
func (in CommentInput) validate() (CommentInput, error) {
	var m errs.Multi
	add := func(field, key string, args ...any) { m = append(m, errs.InvalidField(field, key, args...)) }
	in.Content = foi.Clean(in.Content)
	in.Name, in.Phone, in.Email = foi.OneLine(in.Name), foi.OneLine(in.Phone), foi.OneLine(in.Email)
	switch n := utf8.RuneCountInString(in.Content); {
	case n == 0:
		add("content", "consult.required", errs.Msg("consult.field.content"))
	case n > MaxComment:
		add("content", "consult.too_long", errs.Msg("consult.field.content"), MaxComment)
	}
	if utf8.RuneCountInString(in.Name) > maxName {
		add("name", "consult.too_long", errs.Msg("consult.field.name"), maxName)
	}
	switch {
	case in.Phone == "" && in.Email == "":
		add("phone", "consult.contact_required")
	case in.Phone != "" && (!foi.ValidPhone(in.Phone) || len(in.Phone) > maxPhone):
		add("phone", "consult.phone_invalid")
	}
	if in.Email != "" && (!foi.ValidEmail(in.Email) || len(in.Email) > maxEmail) {
		add("email", "consult.email_invalid")
	}
	return in, m.Err()
}

// AddComment takes a comment on c while it is open. A consultation not
// open yet or closed refuses it with a Conflict saying when it opens or
// closed; bad input is refused with an Invalid error per field. Personal
// data in the content is screened and masked for the public.
func AddComment(ctx context.Context, tx *db.Tx, c Consultation, in CommentInput) (Comment, error) {
	switch c.Phase(today(tx)) {
	case PhaseDraft:
		return Comment{}, notFound(c.ID)
	case Upcoming:
		return Comment{}, errs.New(errs.Conflict, "consult.not_open_yet", c.Start)
	case Closed:
		return Comment{}, errs.New(errs.Conflict, "consult.closed", c.End)
	}
	in, err := in.validate()
	if err != nil {
		return Comment{}, err
	}
	fs := screen.Text(in.Content)
	m := Comment{ConsultationID: c.ID, Content: in.Content, Masked: screen.Mask(in.Content, fs), Personal: len(fs),
		Name: in.Name, Phone: in.Phone, Email: in.Email, At: tx.Now()}
	if err := insertComment(ctx, tx, &m); err != nil {
		return Comment{}, err
	}
	// The log says that a comment came, not who sent it.
	return m, audit.Append(ctx, tx, "portal", "consult.comment", "consultation", idOf(c), map[string]any{"comment": m.ID, "personal": m.Personal})
}

// Hide takes comment id of c off the public pages, with the written reason
// kept with it and in the audit log. Once the feedback report is
// published its comments stay as they are.
func Hide(ctx context.Context, tx *db.Tx, a auth.Account, c Consultation, id int64, reason string) (Comment, error) {
	if !CanEdit(a, c.Unit) {
		return Comment{}, forbidden()
	}
	if c.FeedbackPublished() {
		return Comment{}, errs.New(errs.Conflict, "consult.feedback_published")
	}
	m, err := commentOf(ctx, tx, c.ID, id)
	if err != nil {
		return Comment{}, err
	}
	if m.Hidden {
		return Comment{}, errs.New(errs.Conflict, "consult.already_hidden")
	}
	reason = foi.OneLine(reason)
	if n := utf8.RuneCountInString(reason); n < 2 || n > maxHideNote {
		return Comment{}, errs.InvalidField("reason", "consult.hide_reason", maxHideNote)
	}
	m.Hidden, m.HiddenReason, m.HiddenBy = true, reason, a.Login
	if err := saveComment(ctx, tx, m); err != nil {
		return Comment{}, err
	}
	return m, audit.Append(ctx, tx, a.Login, "consult.hide", "consultation", idOf(c), map[string]any{"comment": id, "reason": reason})
}

func idOf(c Consultation) string { return strconv.FormatInt(c.ID, 10) }

func notFound(id int64) error {
	return errs.New(errs.NotFound, "consult.not_found", strconv.FormatInt(id, 10))
}
