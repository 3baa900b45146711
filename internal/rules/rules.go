// Package rules keeps units' workflow rules (制度, plan item 七: 建立完善涵盖
// 政府信息管理、信息发布、解读回应、依申请公开、公众参与、监督考核等工作流程的制度).
// A unit submits a rule to its office (政务公开办), which returns it with a
// written reason or accepts it; an accepted rule is published as an
// information record in the unit's 制度 column, and an office may recommend
// it to every unit (优秀制度, 市政务公开办筛选优秀的制度在各区中推广). Each
// submission is a version, kept with its files and the decision on it. It
// knows nothing of HTTP: the console, the portal and the API call the same
// functions.
package rules

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/screen"
)

// Category is what part of the disclosure work a rule governs; its words
// in each language are the messages rules.cat.CODE.
type Category string

// The categories, as plan item 七 lists the work.
const (
	InfoManagement Category = "info_management" // 信息管理 (政府信息管理)
	ReleaseReview  Category = "release_review"  // 发布审查 (信息发布)
	Interpretation Category = "interpretation"  // 解读回应
	Applications   Category = "applications"    // 依申请公开
	Participation  Category = "participation"   // 公众参与
	Supervision    Category = "supervision"     // 监督保障 (监督考核)
	Other          Category = "other"           // 其他
)

// Categories lists the categories in the order forms offer them.
var Categories = []Category{InfoManagement, ReleaseReview, Interpretation, Applications, Participation, Supervision, Other}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// State is where a rule stands.
type State string

// The states: with the office (submitted), sent back to the unit to revise
// (returned), accepted and published, or withdrawn for good. A unit may
// revise an accepted rule: the new version is submitted while the
// published one stays in force until the office accepts the new one.
const (
	Submitted State = "submitted"
	Returned  State = "returned"
	Accepted  State = "accepted"
	Withdrawn State = "withdrawn"
)

// States lists the states in the order of the workflow.
var States = []State{Submitted, Returned, Accepted, Withdrawn}

// Limits on what a unit writes.
const (
	MaxTitle  = 200
	MaxBody   = 50000 // characters
	MaxFiles  = 10    // per version
	MaxReason = 2000
)

// Rule is a unit's workflow rule as it stands: its newest version.
type Rule struct {
	ID     int64
	Unit   org.Unit
	Office org.Unit // the unit of the 政务公开办 it is submitted to
	// Version counts the submissions, from 1.
	Version  int
	State    State
	Title    string
	Category Category
	Adopted  string // the day the unit adopted it: 2026-03-02
	Body     string // plain text, a paragraph a line
	// ReturnReason is the office's reason for the last return.
	ReturnReason string
	// RecordID is the information record the rule is published as in the
	// unit's 制度 column; 0 before it is first accepted.
	RecordID      int64
	Recommended   bool
	RecommendedBy string
	RecommendedAt time.Time
	// WithdrawnReason says why a withdrawn rule was withdrawn.
	WithdrawnReason string
	Files           []info.Attachment // the newest version's
	CreatedBy       string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Published reports whether the rule is in force in the unit's 制度
// column: accepted once and not withdrawn (a revision waiting for the
// office leaves the accepted version published).
func (r Rule) Published() bool { return r.RecordID != 0 && r.State != Withdrawn }

// File returns file seq of the newest version, or a NotFound error.
func (r Rule) File(seq int) (info.Attachment, error) { return fileIn(r.Files, seq) }

func fileIn(fs []info.Attachment, seq int) (info.Attachment, error) {
	for _, f := range fs {
		if f.Seq == seq {
			return f, nil
		}
	}
	return info.Attachment{}, errs.New(errs.NotFound, "rules.file_not_found", seq)
}

// Version is one submission of a rule and the office's decision on it.
type Version struct {
	RuleID      int64
	Version     int
	Title       string
	Category    Category
	Adopted     string
	Body        string
	Files       []info.Attachment
	SubmittedBy string
	SubmittedAt time.Time
	// Decision is Accepted or Returned once the office decided, with the
	// reason for a return; "" while it waits.
	Decision  State
	Reason    string
	DecidedBy string
	DecidedAt time.Time
}

// File returns file seq of v, or a NotFound error.
func (v Version) File(seq int) (info.Attachment, error) { return fileIn(v.Files, seq) }

// File is a file sent with a submission.
type File struct {
	Name string
	Data []byte
}

// Input is what a unit submits: the rule's title, category, the day it was
// adopted and its text, new files, and, when revising, the files of the
// previous version to keep (by seq).
type Input struct {
	Title, Category, Adopted, Body string
	Files                          []File
	Keep                           []int
}

// checked is an Input that passed validate, with its files read.
type checked struct {
	title    string
	category Category
	adopted  string
	body     string
	files    []info.Attachment // the new files, their Seq not yet set
	data     [][]byte
}

// validate checks in against today and the files the previous version had
// (prev, for Keep), with every problem at once, each naming its field:
// title, category, adopted, body, file. Personal data in the title, the
// text or a file (ID numbers, phone numbers…) is refused: a rule is
// published as it is.
func (in Input) validate(today calendar.Date, prev []info.Attachment) (checked, []info.Attachment, error) {
	var m errs.Multi
	add := func(field, key string, args ...any) { m = append(m, errs.InvalidField(field, key, args...)) }
	c := checked{title: foi.OneLine(in.Title), category: Category(strings.TrimSpace(in.Category)), adopted: strings.TrimSpace(in.Adopted),
		body: strings.TrimSpace(strings.ReplaceAll(foi.Clean(in.Body), "\r\n", "\n"))}
	switch n := utf8.RuneCountInString(c.title); {
	case n == 0:
		add("title", "rules.required", errs.Msg("rules.field.title"))
	case n > MaxTitle:
		add("title", "rules.too_long", errs.Msg("rules.field.title"), MaxTitle)
	}
	if !c.category.Valid() {
		add("category", "rules.category_invalid", in.Category)
	}
	if d, err := calendar.ParseDate(c.adopted); err != nil {
		add("adopted", "rules.bad_date", errs.Msg("rules.field.adopted"))
	} else if d.After(today) {
		add("adopted", "rules.adopted_future", c.adopted)
	} else if d.Year < 1990 {
		add("adopted", "rules.bad_date", errs.Msg("rules.field.adopted"))
	}
	switch n := utf8.RuneCountInString(c.body); {
	case n == 0:
		add("body", "rules.required", errs.Msg("rules.field.body"))
	case n > MaxBody:
		add("body", "rules.too_long", errs.Msg("rules.field.body"), MaxBody)
	}
	var kept []info.Attachment
	for _, seq := range in.Keep {
		f, err := fileIn(prev, seq)
		if err != nil {
			add("keep", "rules.file_not_found", seq)
			continue
		}
		if !slices.ContainsFunc(kept, func(k info.Attachment) bool { return k.Seq == seq }) {
			kept = append(kept, f)
		}
	}
	for _, f := range in.Files {
		at, err := info.CheckFile(f.Name, f.Data)
		if err != nil {
			e := errs.As(err)
			if e == nil {
				return checked{}, nil, err
			}
			add("file", e.Key, e.Args...)
			continue
		}
		c.files, c.data = append(c.files, at), append(c.data, f.Data)
	}
	if len(kept)+len(in.Files) > MaxFiles {
		add("file", "rules.files_too_many", MaxFiles)
	}
	for _, part := range []struct{ field, text string }{{"title", c.title}, {"body", c.body}} {
		if fs := screen.Text(part.text); len(fs) > 0 && !slices.ContainsFunc(m, func(e *errs.Error) bool { return e.Field == part.field }) {
			add(part.field, "rules.personal_data", len(fs))
		}
	}
	for _, at := range append(slices.Clone(kept), c.files...) {
		if fs := screen.Text(at.Text); len(fs) > 0 {
			add("file", "rules.personal_data_file", at.Name, len(fs))
			break
		}
	}
	return c, kept, m.Err()
}

// CanSubmit reports whether a may submit and revise unit u's rules: its
// editors and reviewers, the offices above it and administrators.
func CanSubmit(a auth.Account, u org.Unit) bool { return info.CanEdit(a, u) }

// IsOffice reports whether a's role reviews rules: the district and city
// offices, and administrators.
func IsOffice(a auth.Account) bool {
	return a.Role == auth.PublicOfficeDistrict || a.Role == auth.PublicOfficeCity || a.Role == auth.Admin
}

// CanReview reports whether a may accept, return and recommend unit u's
// rules: an office whose subtree holds u, never the unit's own office for
// its own rules (a district's rules go to the city); administrators may.
func CanReview(a auth.Account, u org.Unit) bool {
	if !IsOffice(a) || !a.InScope(u) {
		return false
	}
	return a.Role == auth.Admin || a.Unit.ID != u.ID
}

// CanSee reports whether a may open unit u's rules in the console: anyone
// whose subtree holds u, but a domain supervisor, who keeps no unit's
// records.
func CanSee(a auth.Account, u org.Unit) bool { return a.InScope(u) && a.Role != auth.DomainSupervisor }

// CanWithdraw reports whether a may withdraw rule r: whoever may submit it
// while it is not published; once published, as for records, its reviewer
// (单位负责人), the offices above it and administrators.
func CanWithdraw(a auth.Account, r Rule) bool {
	if r.Published() {
		return info.CanApprove(a, r.Unit)
	}
	return CanSubmit(a, r.Unit)
}

// OfficeOf returns the unit whose 政务公开办 receives unit u's rules: the
// nearest district above it, or the city for a district, a city
// department or anything else not under a district. It returns an Invalid
// error on field "unit" for a unit with neither above it (the city
// itself).
func OfficeOf(ctx context.Context, q db.Querier, u org.Unit) (org.Unit, error) {
	above, err := org.Ancestors(ctx, q, u)
	if err != nil {
		return org.Unit{}, err
	}
	for i := len(above) - 1; i >= 0; i-- {
		if k := above[i].Kind; k == org.District || k == org.City {
			return above[i], nil
		}
	}
	return org.Unit{}, errs.InvalidField("unit", "rules.no_office", u.Name)
}
