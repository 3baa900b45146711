package task

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
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// State is where a unit's part of a task stands.
type State string

// The states of an assignment: given to the unit, reported done, accepted
// by the office, or returned by it to be done again.
const (
	Assigned State = "assigned"
	Reported State = "reported"
	Accepted State = "accepted"
	Returned State = "returned"
)

// States lists the states in the order of the workflow.
var States = []State{Assigned, Reported, Accepted, Returned}

// Limits on a report.
const (
	MaxNote  = 2000 // characters
	MaxLinks = 10
	MaxFiles = 10
	MaxLink  = 500 // bytes
)

// Assignment is one unit's part of a task (任务分解): who does it, by when,
// and what it reported.
type Assignment struct {
	ID       int64         `json:"id"`
	TaskNo   int           `json:"task_no"`
	Unit     org.Unit      `json:"-"`
	Assignee string        `json:"assignee"` // an account login; "" for the unit as a whole
	Due      calendar.Date `json:"-"`
	State    State         `json:"state"`
	// Evidence: what the unit reported.
	Note  string            `json:"note"`
	Links []string          `json:"links"`
	Files []info.Attachment `json:"files"`
	// ReturnReason is the office's reason for the last return.
	ReturnReason string    `json:"return_reason"`
	AssignedBy   string    `json:"assigned_by"`
	ReportedBy   string    `json:"reported_by"`
	ReportedAt   time.Time `json:"-"`
	DecidedBy    string    `json:"decided_by"`
	DecidedAt    time.Time `json:"-"`
	CreatedAt    time.Time `json:"-"`
	UpdatedAt    time.Time `json:"-"`
}

// Open reports whether the unit still has to do its part: assigned or
// returned.
func (a Assignment) Open() bool { return a.State == Assigned || a.State == Returned }

// Overdue reports whether the part is open after its due date on day today.
// A report sent before the office decides stops the clock.
func (a Assignment) Overdue(today calendar.Date) bool { return a.Open() && a.Due.Before(today) }

// IsOffice reports whether a runs the programme: a 政务公开办, or an
// administrator, as for catalogs. They break tasks down and accept
// reports, each within its unit subtree.
func IsOffice(a auth.Account) bool {
	return a.Role == auth.PublicOfficeCity || a.Role == auth.PublicOfficeDistrict || a.Role == auth.Admin
}

// CanAssign reports whether a may give tasks to unit u: an office whose
// subtree holds u.
func CanAssign(a auth.Account, u org.Unit) bool { return IsOffice(a) && a.InScope(u) }

// CanReport reports whether a may report for as: the person it was given
// to, or an editor or reviewer of a unit whose subtree holds the unit.
func CanReport(a auth.Account, as Assignment) bool {
	if as.Assignee != "" && a.Login == as.Assignee {
		return true
	}
	return (a.Role == auth.UnitEditor || a.Role == auth.UnitReviewer) && a.InScope(as.Unit)
}

// CanSee reports whether a may see as: anyone whose subtree holds its unit.
func CanSee(a auth.Account, as Assignment) bool { return a.InScope(as.Unit) || a.Login == as.Assignee }

// AssignInput is an office's breakdown of a task to one unit.
type AssignInput struct {
	TaskNo   int
	UnitCode string
	Assignee string // login, optional
	Due      string // YYYY-MM-DD; empty: the task's next due date for the unit
}

// Assign gives task in.TaskNo to a unit, or changes the person and due date
// of a part not yet accepted. Bad input comes back as Invalid errors naming
// the field (task, unit, assignee, due), with nothing written; a unit
// outside a's subtree is Forbidden, as is an account that is no office.
func Assign(ctx context.Context, tx *db.Tx, a auth.Account, in AssignInput) (Assignment, error) {
	if !IsOffice(a) {
		return Assignment{}, errs.New(errs.Forbidden, "task.forbidden")
	}
	var m errs.Multi
	tk, ok := ByNo(in.TaskNo)
	if !ok {
		m = append(m, errs.InvalidField("task", "task.no_invalid", in.TaskNo))
	}
	u, err := org.ByCode(ctx, tx, strings.TrimSpace(in.UnitCode))
	switch {
	case errs.KindOf(err) == errs.NotFound || strings.TrimSpace(in.UnitCode) == "":
		m = append(m, errs.InvalidField("unit", "task.unit_invalid", in.UnitCode))
	case err != nil:
		return Assignment{}, err
	case !CanAssign(a, u):
		return Assignment{}, errs.New(errs.Forbidden, "task.forbidden")
	}
	assignee := strings.ToLower(strings.TrimSpace(in.Assignee))
	if assignee != "" && u.ID != 0 {
		p, err := auth.ByLogin(ctx, tx, assignee)
		switch {
		case errs.KindOf(err) == errs.NotFound:
			m = append(m, errs.InvalidField("assignee", "task.assignee_unknown", assignee))
		case err != nil:
			return Assignment{}, err
		case p.Disabled || !u.Contains(p.Unit):
			m = append(m, errs.InvalidField("assignee", "task.assignee_outside", assignee, u.Name))
		}
	}
	today := calendar.DateOf(tx.Now().In(calendar.China))
	var due calendar.Date
	if s := strings.TrimSpace(in.Due); s != "" {
		d, err := calendar.ParseDate(s)
		if err != nil || d.Year < PlanYear || d.After(today.AddDays(5*366)) {
			m = append(m, errs.InvalidField("due", "task.due_invalid", s))
		}
		due = d
	} else if ok && u.ID != 0 {
		d, found := tk.Recurrence.Next(today, u.Name)
		if !found {
			m = append(m, errs.InvalidField("due", "task.due_required"))
		}
		due = d
	}
	if err := m.Err(); err != nil {
		return Assignment{}, err
	}
	as, err := find(ctx, tx, in.TaskNo, u.ID)
	switch {
	case errs.KindOf(err) == errs.NotFound:
		as = Assignment{TaskNo: in.TaskNo, Unit: u, Assignee: assignee, Due: due, State: Assigned, AssignedBy: a.Login,
			CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		if err := insert(ctx, tx, &as); err != nil {
			return Assignment{}, err
		}
	case err != nil:
		return Assignment{}, err
	case as.State == Accepted:
		return Assignment{}, errs.New(errs.Conflict, "task.already_accepted")
	default:
		as.Assignee, as.Due, as.AssignedBy, as.UpdatedAt = assignee, due, a.Login, tx.Now()
		if err := save(ctx, tx, as); err != nil {
			return Assignment{}, err
		}
	}
	return as, audit.Append(ctx, tx, a.Login, "task.assign", "task_assignment", idOf(as),
		map[string]any{"task": as.TaskNo, "unit": u.Code, "assignee": assignee, "due": due.String()})
}

// File is a file sent with a report.
type File struct {
	Name string
	Data []byte
}

// ReportInput is a unit's report that its part is done.
type ReportInput struct {
	Note  string
	Links []string // links to published pages of this portal, or other sites
	Files []File
}

// Report records that as is done, with its evidence: a note, links (each
// to this portal's published page checked by CheckLink, or an external
// address stored as given) and files (checked as record attachments are,
// stored under files). Evidence is required; bad input comes back as
// Invalid errors naming the field (note, links, file), with nothing
// written. Files join those of earlier reports; note and links replace
// theirs. site is this portal's public address, for telling its links.
func Report(ctx context.Context, tx *db.Tx, a auth.Account, files, site string, as Assignment, in ReportInput) (Assignment, error) {
	// The state is read again inside the transaction: as may be stale.
	as, err := ByID(ctx, tx, as.ID)
	if err != nil {
		return Assignment{}, err
	}
	if !CanReport(a, as) {
		return Assignment{}, errs.New(errs.Forbidden, "task.forbidden")
	}
	if !as.Open() {
		return Assignment{}, errs.New(errs.Conflict, "task.not_open")
	}
	var m errs.Multi
	note := strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(note) > MaxNote {
		m = append(m, errs.InvalidField("note", "task.note_too_long", MaxNote))
	}
	var links []string
	for _, l := range in.Links {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		checked, err := CheckLink(ctx, tx, site, l)
		if err != nil {
			e := errs.As(err)
			if e == nil {
				return Assignment{}, err
			}
			m = append(m, e)
			continue
		}
		links = append(links, checked)
	}
	if len(links) > MaxLinks {
		m = append(m, errs.InvalidField("links", "task.links_too_many", MaxLinks))
	}
	if len(in.Files)+len(as.Files) > MaxFiles {
		m = append(m, errs.InvalidField("file", "task.files_too_many", MaxFiles))
	}
	var checked []info.Attachment
	for _, f := range in.Files {
		at, err := info.CheckFile(f.Name, f.Data)
		if err != nil {
			e := errs.As(err)
			if e == nil {
				return Assignment{}, err
			}
			m = append(m, e)
			continue
		}
		checked = append(checked, at)
	}
	if note == "" && len(links) == 0 && len(checked) == 0 && len(as.Files) == 0 {
		m = append(m, errs.InvalidField("note", "task.evidence_required"))
	}
	if err := m.Err(); err != nil {
		return Assignment{}, err
	}
	for i, at := range checked {
		at.Seq = len(as.Files) + 1
		if n := len(as.Files); n > 0 {
			at.Seq = as.Files[n-1].Seq + 1
		}
		if err := info.StoreFile(files, at, in.Files[i].Data); err != nil {
			return Assignment{}, err
		}
		if err := insertFile(ctx, tx, as.ID, at); err != nil {
			return Assignment{}, err
		}
		as.Files = append(as.Files, at)
	}
	as.Note, as.Links, as.State, as.ReportedBy, as.ReportedAt, as.UpdatedAt = note, links, Reported, a.Login, tx.Now(), tx.Now()
	if err := save(ctx, tx, as); err != nil {
		return Assignment{}, err
	}
	return as, audit.Append(ctx, tx, a.Login, "task.report", "task_assignment", idOf(as),
		map[string]any{"links": links, "files": len(checked)})
}

// Accept accepts a report. Only an office whose subtree holds the unit may.
func Accept(ctx context.Context, tx *db.Tx, a auth.Account, as Assignment) (Assignment, error) {
	return decide(ctx, tx, a, as, Accepted, "")
}

// Return sends a report back to be done again, with the reason (field
// reason, required).
func Return(ctx context.Context, tx *db.Tx, a auth.Account, as Assignment, reason string) (Assignment, error) {
	return decide(ctx, tx, a, as, Returned, reason)
}

func decide(ctx context.Context, tx *db.Tx, a auth.Account, as Assignment, to State, reason string) (Assignment, error) {
	as, err := ByID(ctx, tx, as.ID)
	if err != nil {
		return Assignment{}, err
	}
	if !CanAssign(a, as.Unit) {
		return Assignment{}, errs.New(errs.Forbidden, "task.forbidden")
	}
	reason = strings.TrimSpace(reason)
	if to == Returned && reason == "" {
		return Assignment{}, errs.InvalidField("reason", "task.reason_required")
	}
	if utf8.RuneCountInString(reason) > MaxNote {
		return Assignment{}, errs.InvalidField("reason", "task.note_too_long", MaxNote)
	}
	if as.State != Reported {
		return Assignment{}, errs.New(errs.Conflict, "task.not_reported")
	}
	as.State, as.DecidedBy, as.DecidedAt, as.UpdatedAt = to, a.Login, tx.Now(), tx.Now()
	if to == Returned {
		as.ReturnReason = reason
	}
	if err := save(ctx, tx, as); err != nil {
		return Assignment{}, err
	}
	return as, audit.Append(ctx, tx, a.Login, "task."+string(to), "task_assignment", idOf(as), map[string]any{"reason": reason})
}
