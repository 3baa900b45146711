// Package participation is public participation in decisions (国办发〔2019〕54号
// 第八条): consultations on drafts (意见征集) with the comments the public
// sends, how staff handled each, and the feedback report
// (征集意见处理情况反馈). It knows nothing of HTTP: the portal, the console
// and the API call the same functions.
package participation

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/screen"
)

// Status is where a consultation stands in the console: a draft its unit
// writes, or published by a reviewer.
type Status string

const (
	Draft     Status = "draft"
	Published Status = "published"
)

// Phases of a consultation as the public sees it, by its dates and today
// in China: not yet open, open for comments, or closed.
const (
	PhaseDraft = "draft"
	Upcoming   = "upcoming"
	Open       = "open"
	Closed     = "closed"
)

// DefaultMinDays is the shortest period a unit gives the public to comment
// unless it set another (重大行政决策程序暂行条例第十四条: 一般不少于30日;
// a shorter one is explained when published).
const DefaultMinDays = 30

// Bounds of what staff write.
const (
	maxTitle    = 300
	maxText     = 20000 // explanation, how to comment, parties, feedback
	maxBody     = 1 << 20
	maxPeriod   = 366 // days a consultation may last
	MaxFiles    = 10
	maxMinDays  = 180
	maxShortWhy = 2000
)

// Consultation is a draft put to the public for comments.
type Consultation struct {
	ID          int64
	Unit        org.Unit
	Title       string
	Body        string // the draft, sanitized rich text
	BodyText    string
	Explanation string // 起草说明
	HowTo       string // how to comment besides the portal's form (征求意见方式)
	Parties     string // related parties invited to meetings (相关方列席)
	Start, End  string // days in China, both included: 2026-11-02
	// ShortReason says why the period is shorter than the unit's minimum
	// (缩短期限的说明); it is published with the draft.
	ShortReason string
	// ScreenRelease is who let personal data found by screening go, and
	// why; empty when none was found or none released.
	ScreenRelease string
	Status        Status
	PolicyID      int64  // the final policy's information record; 0 for none
	Feedback      string // the main opinions and how they were handled
	FeedbackAt    time.Time
	FeedbackBy    string
	PublishedAt   time.Time
	PublishedBy   string
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Files         []info.Attachment
	// Comments counts the comments shown to the public, in lists.
	Comments int
}

// Input is what staff write.
type Input struct {
	Title, Body, Explanation, HowTo, Parties string
	Start, End, ShortReason                  string
}

// today is the day in China at the transaction's time.
func today(tx *db.Tx) calendar.Date { return calendar.DateOf(tx.Now().In(calendar.China)) }

// Today is the day in China at t.
func Today(t time.Time) calendar.Date { return calendar.DateOf(t.In(calendar.China)) }

// Phase says where c stands for the public on day.
func (c Consultation) Phase(day calendar.Date) string {
	if c.Status != Published {
		return PhaseDraft
	}
	start, _ := calendar.ParseDate(c.Start)
	end, _ := calendar.ParseDate(c.End)
	switch {
	case day.Before(start):
		return Upcoming
	case day.After(end):
		return Closed
	}
	return Open
}

// Days is the length of the period in calendar days, both ends included.
func (c Consultation) Days() int { return span(c.Start, c.End) }

// DaysFrom is what is left of the period from day on: the whole period
// before it starts.
func (c Consultation) DaysFrom(day calendar.Date) int {
	if start, err := calendar.ParseDate(c.Start); err == nil && start.After(day) {
		return c.Days()
	}
	return span(day.String(), c.End)
}

// span counts the days from a to b, both included; 0 when either is not a
// date or b is before a.
func span(a, b string) int {
	from, err1 := calendar.ParseDate(a)
	to, err2 := calendar.ParseDate(b)
	if err1 != nil || err2 != nil || to.Before(from) {
		return 0
	}
	return int(to.Time().Sub(from.Time()).Hours()/24) + 1
}

// FeedbackPublished reports whether the feedback report is public.
func (c Consultation) FeedbackPublished() bool { return !c.FeedbackAt.IsZero() }

// DefaultPeriod is the period a new consultation is offered: from day, for
// DefaultMinDays days or the unit's minimum if longer.
func DefaultPeriod(day calendar.Date, minDays int) (start, end string) {
	return day.String(), day.AddDays(max(minDays, DefaultMinDays) - 1).String()
}

// validate checks an input and returns it cleaned, with every problem at
// once, each naming its field.
func (in Input) validate() (Input, error) {
	var m errs.Multi
	add := func(field, key string, args ...any) { m = append(m, errs.InvalidField(field, key, args...)) }
	in.Title = foi.OneLine(in.Title)
	in.Explanation, in.HowTo, in.Parties, in.ShortReason = foi.Clean(in.Explanation), foi.Clean(in.HowTo), foi.Clean(in.Parties), foi.Clean(in.ShortReason)
	in.Start, in.End = strings.TrimSpace(in.Start), strings.TrimSpace(in.End)
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		add("title", "consult.required", errs.Msg("consult.field.title"))
	case n > maxTitle:
		add("title", "consult.too_long", errs.Msg("consult.field.title"), maxTitle)
	}
	if len(in.Body) > maxBody {
		add("body", "consult.body_long", maxBody>>10)
	} else if in.Body = info.SanitizeBody(in.Body); strings.TrimSpace(info.TextOf(in.Body)) == "" {
		add("body", "consult.required", errs.Msg("consult.field.body"))
	}
	if in.Explanation == "" {
		add("explanation", "consult.required", errs.Msg("consult.field.explanation"))
	}
	for _, f := range []struct{ field, v string }{{"explanation", in.Explanation}, {"how_to", in.HowTo}, {"parties", in.Parties}} {
		if utf8.RuneCountInString(f.v) > maxText {
			add(f.field, "consult.too_long", errs.Msg("consult.field."+f.field), maxText)
		}
	}
	if utf8.RuneCountInString(in.ShortReason) > maxShortWhy {
		add("short_reason", "consult.too_long", errs.Msg("consult.field.short_reason"), maxShortWhy)
	}
	start, err := calendar.ParseDate(in.Start)
	if err != nil {
		add("start", "consult.bad_date", errs.Msg("consult.field.start"))
	}
	end, err2 := calendar.ParseDate(in.End)
	if err2 != nil {
		add("end", "consult.bad_date", errs.Msg("consult.field.end"))
	}
	if err == nil && err2 == nil {
		switch n := span(in.Start, in.End); {
		case end.Before(start):
			add("end", "consult.end_before_start")
		case n > maxPeriod:
			add("end", "consult.period_long", maxPeriod)
		}
	}
	return in, m.Err()
}

// CanEdit reports whether a may write unit u's consultations, moderate
// their comments and record how each was handled: as for its information.
func CanEdit(a auth.Account, u org.Unit) bool { return info.CanEdit(a, u) }

// CanApprove reports whether a may publish unit u's consultations and
// their feedback reports, and set its shortest period: its reviewer, the
// offices above it and administrators.
func CanApprove(a auth.Account, u org.Unit) bool { return info.CanApprove(a, u) }

func forbidden() error       { return errs.New(errs.Forbidden, "consult.forbidden") }
func reviewForbidden() error { return errs.New(errs.Forbidden, "consult.review_forbidden") }

// Create writes a new draft consultation of unit u.
func Create(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, in Input) (Consultation, error) {
	if !CanEdit(a, u) {
		return Consultation{}, forbidden()
	}
	in, err := in.validate()
	if err != nil {
		return Consultation{}, err
	}
	now := tx.Now()
	c := fromInput(in)
	c.Unit, c.Status, c.CreatedBy, c.CreatedAt, c.UpdatedAt = u, Draft, a.Login, now, now
	if err := insert(ctx, tx, &c); err != nil {
		return Consultation{}, err
	}
	return c, audit.Append(ctx, tx, a.Login, "consult.create", "consultation", idOf(c), map[string]any{"unit": u.Code, "title": c.Title})
}

func fromInput(in Input) Consultation {
	return Consultation{Title: in.Title, Body: in.Body, BodyText: info.TextOf(in.Body), Explanation: in.Explanation, HowTo: in.HowTo,
		Parties: in.Parties, Start: in.Start, End: in.End, ShortReason: in.ShortReason}
}

// Update changes a draft.
func Update(ctx context.Context, tx *db.Tx, a auth.Account, c Consultation, in Input) (Consultation, error) {
	if err := editable(a, c); err != nil {
		return Consultation{}, err
	}
	in, err := in.validate()
	if err != nil {
		return Consultation{}, err
	}
	n := fromInput(in)
	n.ID, n.Unit, n.Status, n.CreatedBy, n.CreatedAt, n.Files = c.ID, c.Unit, c.Status, c.CreatedBy, c.CreatedAt, c.Files
	n.UpdatedAt = tx.Now()
	if err := save(ctx, tx, n); err != nil {
		return Consultation{}, err
	}
	return n, audit.Append(ctx, tx, a.Login, "consult.update", "consultation", idOf(c), nil)
}

// editable refuses a change to c's draft by a, or to one no longer a draft.
func editable(a auth.Account, c Consultation) error {
	if !CanEdit(a, c.Unit) {
		return forbidden()
	}
	if c.Status != Draft {
		return errs.New(errs.Conflict, "consult.not_draft")
	}
	return nil
}

// Findings screens the title, the draft, the explanation and the files
// for personal data.
func (c Consultation) Findings() []info.Finding {
	var out []info.Finding
	for _, part := range []struct{ where, text string }{{"title", c.Title}, {"body", c.BodyText}, {"explanation", c.Explanation}} {
		for _, f := range screen.Text(part.text) {
			out = append(out, info.Finding{Where: part.where, Finding: f})
		}
	}
	for _, at := range c.Files {
		for _, f := range screen.Text(at.Text) {
			out = append(out, info.Finding{Where: "attachment", Attachment: at.Name, Finding: f})
		}
	}
	return out
}

// Publish opens a draft to the public on its dates. A period shorter than
// the unit's minimum needs the draft's ShortReason; personal data found by
// screening needs a reviewer's written reason (release) to go. It returns
// an Invalid error naming the field to fix, or a Conflict if c is no
// longer a draft.
func Publish(ctx context.Context, tx *db.Tx, a auth.Account, c Consultation, release string) (Consultation, error) {
	if !CanApprove(a, c.Unit) {
		return Consultation{}, reviewForbidden()
	}
	if c.Status != Draft {
		return Consultation{}, errs.New(errs.Conflict, "consult.not_draft")
	}
	day := today(tx)
	if end, err := calendar.ParseDate(c.End); err != nil || end.Before(day) {
		return Consultation{}, errs.InvalidField("end", "consult.end_passed", c.End)
	}
	min, err := MinDays(ctx, tx, c.Unit)
	if err != nil {
		return Consultation{}, err
	}
	days := c.DaysFrom(day)
	if days < min && c.ShortReason == "" {
		return Consultation{}, errs.InvalidField("short_reason", "consult.short_reason_required", days, min)
	}
	if fs := c.Findings(); len(fs) > 0 && c.ScreenRelease == "" {
		if strings.TrimSpace(release) == "" {
			return Consultation{}, errs.InvalidField("reason", "consult.screen_blocked", len(fs))
		}
		reason, err := info.ReleaseReason(release)
		if err != nil {
			return Consultation{}, err
		}
		c.ScreenRelease = a.Login + "：" + reason
	}
	now := tx.Now()
	c.Status, c.PublishedAt, c.PublishedBy, c.UpdatedAt = Published, now, a.Login, now
	if err := save(ctx, tx, c); err != nil {
		return Consultation{}, err
	}
	return c, audit.Append(ctx, tx, a.Login, "consult.publish", "consultation", idOf(c), map[string]any{"start": c.Start, "end": c.End,
		"days": days, "min_days": min, "short_reason": c.ShortReason, "screen_release": c.ScreenRelease})
}

// LinkPolicy links the final policy — an information record in a's scope,
// by its 索引号 — to a published consultation, so that each page links the
// other; an empty number removes the link.
func LinkPolicy(ctx context.Context, tx *db.Tx, a auth.Account, c Consultation, indexNo string) (Consultation, error) {
	if !CanEdit(a, c.Unit) {
		return Consultation{}, forbidden()
	}
	if c.Status != Published {
		return Consultation{}, errs.New(errs.Conflict, "consult.not_published")
	}
	c.PolicyID = 0
	if indexNo = strings.TrimSpace(indexNo); indexNo != "" {
		r, err := info.ByIndexNo(ctx, tx, indexNo)
		if err != nil || !a.InScope(r.Unit) {
			return Consultation{}, errs.InvalidField("policy", "consult.policy_not_found", indexNo)
		}
		c.PolicyID = r.ID
	}
	c.UpdatedAt = tx.Now()
	if err := save(ctx, tx, c); err != nil {
		return Consultation{}, err
	}
	return c, audit.Append(ctx, tx, a.Login, "consult.policy", "consultation", idOf(c), map[string]any{"policy": indexNo})
}

// AddFile checks a file as record attachments are checked (info.CheckFile:
// type by content, size, Office files through zipguard, text read out for
// screening), stores it under files and attaches it to a draft. A new file
// takes back a reviewer's release of personal data: it needs a new look.
func AddFile(ctx context.Context, tx *db.Tx, a auth.Account, files string, c Consultation, name string, data []byte) (Consultation, error) {
	if err := editable(a, c); err != nil {
		return Consultation{}, err
	}
	if len(c.Files) >= MaxFiles {
		return Consultation{}, errs.InvalidField("file", "consult.files_too_many", MaxFiles)
	}
	at, err := info.CheckFile(name, data)
	if err != nil {
		return Consultation{}, err
	}
	at.Seq = 1
	if n := len(c.Files); n > 0 {
		at.Seq = c.Files[n-1].Seq + 1
	}
	if err := info.StoreFile(files, at, data); err != nil {
		return Consultation{}, err
	}
	if err := insertFile(ctx, tx, c.ID, at); err != nil {
		return Consultation{}, err
	}
	c.Files = append(c.Files, at)
	c.ScreenRelease, c.UpdatedAt = "", tx.Now()
	if err := save(ctx, tx, c); err != nil {
		return Consultation{}, err
	}
	return c, audit.Append(ctx, tx, a.Login, "consult.attach", "consultation", idOf(c), map[string]any{"name": at.Name, "sha256": at.SHA256, "size": at.Size})
}

// RemoveFile detaches file seq from a draft; the stored content stays, as
// for records.
func RemoveFile(ctx context.Context, tx *db.Tx, a auth.Account, c Consultation, seq int) (Consultation, error) {
	if err := editable(a, c); err != nil {
		return Consultation{}, err
	}
	if _, err := c.File(seq); err != nil {
		return Consultation{}, err
	}
	if err := deleteFile(ctx, tx, c.ID, seq); err != nil {
		return Consultation{}, err
	}
	var err error
	if c.Files, err = filesOf(ctx, tx, c.ID); err != nil {
		return Consultation{}, err
	}
	return c, audit.Append(ctx, tx, a.Login, "consult.detach", "consultation", idOf(c), map[string]any{"seq": seq})
}

// File returns file seq of c, or a NotFound error.
func (c Consultation) File(seq int) (info.Attachment, error) {
	for _, f := range c.Files {
		if f.Seq == seq {
			return f, nil
		}
	}
	return info.Attachment{}, errs.New(errs.NotFound, "consult.file_not_found", seq)
}

// SetMinDays sets unit u's shortest period, which its units below keep
// unless they set their own.
func SetMinDays(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, days int) error {
	if !CanApprove(a, u) {
		return reviewForbidden()
	}
	if days < 1 || days > maxMinDays {
		return errs.InvalidField("min_days", "consult.min_days_range", 1, maxMinDays)
	}
	if err := saveMinDays(ctx, tx, u, days, a.Login); err != nil {
		return err
	}
	return audit.Append(ctx, tx, a.Login, "consult.min_days", "unit", u.Code, map[string]any{"days": days})
}
