// Package training records disclosure training (plan items 十三, 二十一):
// the sessions units organise — among them the city office's yearly
// session on handling applications (市政务公开办面向各单位经办人员举办政府信息
// 公开申请办理工作业务培训) — with their materials and the people each unit
// sent, and the figures each unit's self-inspection report gives
// (本项完成情况纳入年度本单位政务公开自查报告). It knows nothing of HTTP.
package training

import (
	"context"
	"slices"
	"strconv"
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
)

// Kind is what a session is; its words are the messages training.kind.CODE.
type Kind string

// The kinds of session.
const (
	General      Kind = "general"      // 政务公开业务培训
	Applications Kind = "applications" // 依申请公开办理 (政府信息公开申请办理工作业务培训)
	Other        Kind = "other"        // 其他
)

// Kinds lists the kinds in the order forms offer them.
var Kinds = []Kind{General, Applications, Other}

// Limits on what staff write.
const (
	MaxTopic    = 200
	MaxText     = 2000 // audience, place, names
	MaxPeople   = 10000
	MaxFiles    = 10
	FirstYear   = 2000
	maxAudience = 9 // kinds of unit (org.Kinds)
)

// Session is a training session.
type Session struct {
	ID        int64
	Organiser org.Unit
	Date      string // the day in China: 2026-04-16
	Topic     string
	Kind      Kind
	Audience  string // who it is for, as the organiser says it
	// AudienceKinds are the kinds of unit it is for.
	AudienceKinds []org.Kind
	Place         string
	Files         []info.Attachment
	Attendance    []Attendance
	// Units and People count the units that sent people and the people
	// they sent, in lists.
	Units, People int
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// CitySession reports whether s is the city office's yearly session on
// handling applications: of kind Applications and organised by the city
// (the 市政务公开办 sits in the city government's unit).
func (s Session) CitySession() bool { return s.Kind == Applications && s.Organiser.Kind == org.City }

// File returns file seq of s, or a NotFound error.
func (s Session) File(seq int) (info.Attachment, error) {
	for _, f := range s.Files {
		if f.Seq == seq {
			return f, nil
		}
	}
	return info.Attachment{}, errs.New(errs.NotFound, "training.file_not_found", seq)
}

// Attendance is the people one unit sent to a session.
type Attendance struct {
	Unit       org.Unit
	People     int
	Names      string // optional, as typed
	RecordedBy string
	RecordedAt time.Time
}

// Input is what the organiser's staff write about a session.
type Input struct {
	Date, Topic, Kind, Audience, Place string
	AudienceKinds                      []string
}

// checked is an Input that passed validate.
type checked struct {
	date, topic, audience, place string
	kind                         Kind
	kinds                        []org.Kind
}

// validate checks in with every problem at once, each naming its field:
// date (a real day from FirstYear to a year after today), topic, kind,
// audience, audience_kinds, place.
func (in Input) validate(today calendar.Date) (checked, error) {
	var m errs.Multi
	add := func(field, key string, args ...any) { m = append(m, errs.InvalidField(field, key, args...)) }
	c := checked{date: strings.TrimSpace(in.Date), topic: foi.OneLine(in.Topic), kind: Kind(strings.TrimSpace(in.Kind)),
		audience: foi.Clean(in.Audience), place: foi.OneLine(in.Place)}
	if d, err := calendar.ParseDate(c.date); err != nil || d.Year < FirstYear || d.After(today.AddDays(366)) {
		add("date", "training.bad_date", in.Date)
	}
	switch n := utf8.RuneCountInString(c.topic); {
	case n == 0:
		add("topic", "training.required", errs.Msg("training.field.topic"))
	case n > MaxTopic:
		add("topic", "training.too_long", errs.Msg("training.field.topic"), MaxTopic)
	}
	if !slices.Contains(Kinds, c.kind) {
		add("kind", "training.kind_invalid", in.Kind)
	}
	for _, f := range []struct{ field, v string }{{"audience", c.audience}, {"place", c.place}} {
		if utf8.RuneCountInString(f.v) > MaxText {
			add(f.field, "training.too_long", errs.Msg("training.field."+f.field), MaxText)
		}
	}
	for i, k := range in.AudienceKinds {
		k := org.Kind(strings.TrimSpace(k))
		if !k.Valid() || i >= maxAudience {
			add("audience_kinds", "training.audience_kind_invalid", string(k))
			break
		}
		if !slices.Contains(c.kinds, k) {
			c.kinds = append(c.kinds, k)
		}
	}
	if c.audience == "" && len(in.AudienceKinds) == 0 {
		add("audience", "training.audience_required")
	}
	slices.SortFunc(c.kinds, func(a, b org.Kind) int { return slices.Index(org.Kinds, a) - slices.Index(org.Kinds, b) })
	return c, m.Err()
}

// CanEdit reports whether a may record sessions organised by unit u and
// their attendance: u's editors and reviewers, the offices above it and
// administrators.
func CanEdit(a auth.Account, u org.Unit) bool { return a.Writes(u) }

// CanSee reports whether a may open s: anyone whose subtree holds its
// organiser or a unit that attended (a unit sees the sessions it attended
// or organised), but a domain supervisor, who keeps no unit's records.
func CanSee(a auth.Account, s Session) bool {
	if a.Role == auth.DomainSupervisor {
		return false
	}
	if a.InScope(s.Organiser) {
		return true
	}
	return slices.ContainsFunc(s.Attendance, func(t Attendance) bool { return a.InScope(t.Unit) })
}

// Shown returns the attendance of s that a may see: all of it for whoever
// sees the organiser, else the rows of a's own subtree.
func Shown(a auth.Account, s Session) []Attendance {
	if a.InScope(s.Organiser) {
		return s.Attendance
	}
	var out []Attendance
	for _, t := range s.Attendance {
		if a.InScope(t.Unit) {
			out = append(out, t)
		}
	}
	return out
}

func forbidden() error { return errs.New(errs.Forbidden, "training.forbidden") }

func idOf(s Session) string { return strconv.FormatInt(s.ID, 10) }

func today(tx *db.Tx) calendar.Date { return calendar.DateOf(tx.Now().In(calendar.China)) }

// Create records a session organised by unit u.
func Create(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, in Input) (Session, error) {
	if !CanEdit(a, u) {
		return Session{}, forbidden()
	}
	c, err := in.validate(today(tx))
	if err != nil {
		return Session{}, err
	}
	now := tx.Now()
	s := fromChecked(c)
	s.Organiser, s.CreatedBy, s.CreatedAt, s.UpdatedAt = u, a.Login, now, now
	if err := insert(ctx, tx, &s); err != nil {
		return Session{}, err
	}
	return s, audit.Append(ctx, tx, a.Login, "training.create", "training_session", idOf(s),
		map[string]any{"organiser": u.Code, "date": s.Date, "topic": s.Topic, "kind": s.Kind})
}

func fromChecked(c checked) Session {
	return Session{Date: c.date, Topic: c.topic, Kind: c.kind, Audience: c.audience, AudienceKinds: c.kinds, Place: c.place}
}

// Update changes what s says.
func Update(ctx context.Context, tx *db.Tx, a auth.Account, s Session, in Input) (Session, error) {
	if !CanEdit(a, s.Organiser) {
		return Session{}, forbidden()
	}
	c, err := in.validate(today(tx))
	if err != nil {
		return Session{}, err
	}
	n := fromChecked(c)
	n.ID, n.Organiser, n.Files, n.Attendance, n.CreatedBy, n.CreatedAt, n.UpdatedAt = s.ID, s.Organiser, s.Files, s.Attendance, s.CreatedBy, s.CreatedAt, tx.Now()
	if err := save(ctx, tx, n); err != nil {
		return Session{}, err
	}
	return n, audit.Append(ctx, tx, a.Login, "training.update", "training_session", idOf(s), map[string]any{"date": n.Date, "topic": n.Topic})
}

// AttendanceInput is one unit's attendance as typed: the unit's code, the
// number of people and, optionally, their names.
type AttendanceInput struct {
	Unit, People, Names string
}

// Attend records the people unit in.Unit sent to s, replacing what was
// recorded for it. The unit must lie in a's subtree and in the
// organiser's (a session's staff record attendance for units in their
// subtree). Bad input comes back as Invalid errors naming the field
// (unit, people, names), with nothing written.
func Attend(ctx context.Context, tx *db.Tx, a auth.Account, s Session, in AttendanceInput) (Session, error) {
	if !CanEdit(a, s.Organiser) {
		return Session{}, forbidden()
	}
	var m errs.Multi
	code := strings.TrimSpace(in.Unit)
	u, err := org.ByCode(ctx, tx, code)
	switch {
	case errs.KindOf(err) == errs.NotFound || code == "":
		m = append(m, errs.InvalidField("unit", "training.unit_invalid", in.Unit))
	case err != nil:
		return Session{}, err
	case !a.InScope(u) || !s.Organiser.Contains(u):
		m = append(m, errs.InvalidField("unit", "training.unit_outside", u.Name))
	}
	people, err := strconv.Atoi(strings.TrimSpace(in.People))
	if err != nil || people < 1 || people > MaxPeople {
		m = append(m, errs.InvalidField("people", "training.people_invalid", MaxPeople))
	}
	names := foi.Clean(in.Names)
	if utf8.RuneCountInString(names) > MaxText {
		m = append(m, errs.InvalidField("names", "training.too_long", errs.Msg("training.field.names"), MaxText))
	}
	if err := m.Err(); err != nil {
		return Session{}, err
	}
	t := Attendance{Unit: u, People: people, Names: names, RecordedBy: a.Login, RecordedAt: tx.Now()}
	if err := saveAttendance(ctx, tx, s.ID, t); err != nil {
		return Session{}, err
	}
	if err := audit.Append(ctx, tx, a.Login, "training.attend", "training_session", idOf(s),
		map[string]any{"unit": u.Code, "people": people}); err != nil {
		return Session{}, err
	}
	return ByID(ctx, tx, s.ID)
}

// Unattend removes unit code's attendance from s; a unit without one is a
// NotFound error.
func Unattend(ctx context.Context, tx *db.Tx, a auth.Account, s Session, code string) (Session, error) {
	if !CanEdit(a, s.Organiser) {
		return Session{}, forbidden()
	}
	i := slices.IndexFunc(s.Attendance, func(t Attendance) bool { return t.Unit.Code == code })
	if i < 0 {
		return Session{}, errs.New(errs.NotFound, "training.attendance_not_found", code)
	}
	if err := deleteAttendance(ctx, tx, s.ID, s.Attendance[i].Unit.ID); err != nil {
		return Session{}, err
	}
	if err := audit.Append(ctx, tx, a.Login, "training.unattend", "training_session", idOf(s), map[string]any{"unit": code}); err != nil {
		return Session{}, err
	}
	return ByID(ctx, tx, s.ID)
}

// AddFile checks a material as record attachments are checked
// (info.CheckFile), stores it under files and attaches it to s.
func AddFile(ctx context.Context, tx *db.Tx, a auth.Account, files string, s Session, name string, data []byte) (Session, error) {
	if !CanEdit(a, s.Organiser) {
		return Session{}, forbidden()
	}
	if len(s.Files) >= MaxFiles {
		return Session{}, errs.InvalidField("file", "training.files_too_many", MaxFiles)
	}
	at, err := info.CheckFile(name, data)
	if err != nil {
		if e := errs.As(err); e != nil && e.Field == "" {
			return Session{}, errs.InvalidField("file", e.Key, e.Args...)
		}
		return Session{}, err
	}
	at.Seq = 1
	if n := len(s.Files); n > 0 {
		at.Seq = s.Files[n-1].Seq + 1
	}
	if err := info.StoreFile(files, at, data); err != nil {
		return Session{}, err
	}
	if err := insertFile(ctx, tx, s.ID, at); err != nil {
		return Session{}, err
	}
	s.Files = append(s.Files, at)
	return s, audit.Append(ctx, tx, a.Login, "training.attach", "training_session", idOf(s), map[string]any{"name": at.Name, "sha256": at.SHA256})
}

// RemoveFile detaches material seq from s; the stored content stays.
func RemoveFile(ctx context.Context, tx *db.Tx, a auth.Account, s Session, seq int) (Session, error) {
	if !CanEdit(a, s.Organiser) {
		return Session{}, forbidden()
	}
	if _, err := s.File(seq); err != nil {
		return Session{}, err
	}
	if err := deleteFile(ctx, tx, s.ID, seq); err != nil {
		return Session{}, err
	}
	if err := audit.Append(ctx, tx, a.Login, "training.detach", "training_session", idOf(s), map[string]any{"seq": seq}); err != nil {
		return Session{}, err
	}
	return ByID(ctx, tx, s.ID)
}
