// Package message runs messages from the public to units (网民留言 /
// 咨询建言): intake with a tracking number and query code, the reply clock
// of working days per unit and category on the calendar with one
// extension, transfer to the unit that should answer, a reply drafted by
// an editor and approved by a reviewer before it is sent, the writer's
// rating, and the public archive of answered messages their writers let be
// public, personal data masked.
package message

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/org"
)

// Categories of a message.
const (
	Consult   = "consult"   // 咨询
	Suggest   = "suggest"   // 建议
	Complaint = "complaint" // 投诉
	Help      = "help"      // 求助
	Other     = "other"     // 其他
)

// Categories lists them in the form's order.
var Categories = []string{Consult, Suggest, Complaint, Help, Other}

// Statuses of a message.
const (
	StatusOpen     = "open"     // waiting for a reply
	StatusReview   = "review"   // a reply drafted, waiting for a reviewer
	StatusAnswered = "answered" // the approved reply is sent (and public if allowed)
	StatusInvalid  = "invalid"  // dismissed as not a message to answer (spam, abuse, repeat)
)

// Statuses lists them in order.
var Statuses = []string{StatusOpen, StatusReview, StatusAnswered, StatusInvalid}

// Open reports whether a message in status s still needs a reply.
func Open(s string) bool { return s == StatusOpen || s == StatusReview }

// Ratings the writer gives an answer.
const (
	Satisfied   = "satisfied"   // 满意
	Basically   = "basically"   // 基本满意
	Unsatisfied = "unsatisfied" // 不满意
)

// Ratings lists them in order.
var Ratings = []string{Satisfied, Basically, Unsatisfied}

// Periods in working days.
const (
	DefaultDays      = 10 // the reply period when the unit set none for the category
	MaxDays          = 60
	MaxExtensionDays = 10
	// OverdueMonths is how long a valid message may stay unanswered before
	// it fails a unit's inspection (国办秘函〔2019〕19号: 超过3个月未回复).
	OverdueMonths = 3
)

// Field limits in characters.
const (
	maxTitle   = 100
	maxContent = 3000
	maxName    = 50
	maxAnswer  = 5000
	maxNote    = 500
)

// Message is one message from the public.
type Message struct {
	ID         int64
	TrackingNo string
	Unit       org.Unit // the unit that answers it now
	FirstUnit  org.Unit // the unit it was written to
	Category   string
	Title      string
	Content    string
	Name       string
	Phone      string
	Email      string
	Public     bool // the writer lets the message and its answer be public
	Status     string
	// SubmittedAt is when it came; StartDate the day in China, from the end
	// of which the period counts.
	SubmittedAt time.Time
	StartDate   string
	Days        int // the unit's period for the category
	Extension   Extension
	Draft       string // the reply waiting for review
	DraftBy     string
	Answer      string
	AnsweredOn  string
	AnsweredBy  string // the reviewer who approved it
	Dismissed   string // why it was dismissed as invalid
	Rating      string
	RatingNote  string
	UpdatedAt   time.Time
	Events      []Event
}

// Extension is the one extension of the period, approved by a reviewer.
type Extension struct {
	Days   int
	Date   string
	By     string
	Reason string
}

// Event is a line of a message's timeline.
type Event struct {
	At    time.Time
	Day   string
	Actor string
	Kind  string // submitted, transferred, extended, drafted, returned, answered, dismissed, rated
	Unit  string // the unit a transfer went to, by name
	Note  string
}

// Public reports whether the writer may see the event: drafts and the
// reviewer's notes on them stay inside.
func (e Event) Public() bool { return e.Kind != "drafted" && e.Kind != "returned" }

// Input is what a writer fills in.
type Input struct {
	UnitCode string
	Category string
	Title    string
	Content  string
	Name     string
	Phone    string
	Email    string
	Public   bool
}

// CanRead reports whether a may see messages to unit u: everyone whose
// scope holds it.
func CanRead(a auth.Account, u org.Unit) bool { return a.InScope(u) }

// CanHandle reports whether a may draft replies to and transfer messages to
// unit u: its editors and reviewers, the offices above it, administrators.
func CanHandle(a auth.Account, u org.Unit) bool { return a.Writes(u) }

// CanReview reports whether a may approve replies and extensions and
// dismiss messages: those who handle them, but not an editor.
func CanReview(a auth.Account, u org.Unit) bool { return CanHandle(a, u) && a.Role != auth.UnitEditor }

// clean trims s and drops control characters other than newlines and tabs.
func clean(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s))
}

// oneLine is clean without line breaks.
func oneLine(s string) string { return strings.Join(strings.Fields(clean(s)), " ") }

func (in Input) normalize() Input {
	for _, p := range []*string{&in.UnitCode, &in.Category, &in.Title, &in.Name, &in.Phone, &in.Email} {
		*p = oneLine(*p)
	}
	in.Content = clean(in.Content)
	return in
}

// validate returns every problem at once, each naming its form field.
func (in Input) validate() errs.Multi {
	var m errs.Multi
	add := func(field, key string, args ...any) { m = append(m, errs.InvalidField(field, key, args...)) }
	required := func(field, s string) bool {
		if s == "" {
			add(field, "msg.required", errs.Msg("msg.field."+field))
		}
		return s != ""
	}
	long := func(field, s string, n int) {
		if utf8.RuneCountInString(s) > n {
			add(field, "msg.too_long", errs.Msg("msg.field."+field), n)
		}
	}
	required("unit", in.UnitCode)
	if !slices.Contains(Categories, in.Category) {
		add("category", "msg.category_invalid")
	}
	if required("title", in.Title) {
		long("title", in.Title, maxTitle)
	}
	if required("content", in.Content) {
		if utf8.RuneCountInString(in.Content) < 10 {
			add("content", "msg.content_short", 10)
		}
		long("content", in.Content, maxContent)
	}
	if required("name", in.Name) {
		long("name", in.Name, maxName)
	}
	switch {
	case in.Phone == "" && in.Email == "":
		add("phone", "msg.contact_needed")
	case in.Phone != "" && !foi.ValidPhone(in.Phone):
		add("phone", "msg.phone_invalid")
	}
	if in.Email != "" && (!foi.ValidEmail(in.Email) || len(in.Email) > 200) {
		add("email", "msg.email_invalid")
	}
	return m
}

// ValidCategory reports whether c is a category.
func ValidCategory(c string) bool { return slices.Contains(Categories, c) }
