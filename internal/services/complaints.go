package services

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/org"
)

// Kinds of complaint about a guide (plan item 十五: 不准确、不完整、不及时更新).
const (
	KindInaccurate = "inaccurate" // 不准确
	KindIncomplete = "incomplete" // 不完整
	KindOutdated   = "outdated"   // 不及时更新
)

// ComplaintKinds lists the kinds.
var ComplaintKinds = []string{KindInaccurate, KindIncomplete, KindOutdated}

// Statuses of a complaint.
const (
	Registered  = "registered"  // 已登记
	Transferred = "transferred" // 已转办
	Verified    = "verified"    // 已核实，待整改
	Dismissed   = "dismissed"   // 经核实不属实
	Rectified   = "rectified"   // 已整改
)

// Where a complaint came from.
const (
	FromPortal = "portal"
	FromStaff  = "staff"
)

// The working days a unit has, counted on the calendar (calendar.Clock),
// to verify a complaint transferred to it and to rectify a guide found at
// fault. The plan sets no figures; these are the office's practice and
// say when a step is late in the yearly summary.
const (
	VerifyDays  = 5
	RectifyDays = 10
)

// Complaint is a complaint about a guide with what became of it. Days are
// in China time, YYYY-MM-DD; empty until the step is taken.
type Complaint struct {
	ID          int64
	ServiceID   int64
	ServiceName string
	Unit        org.Unit
	Kind        string
	Content     string
	// Contact is how to reach the person who complained; staff only.
	Contact     string
	Source      string
	Status      string
	Received    string
	Transferred string
	VerifyDue   string
	Verified    string
	Valid       bool
	VerifyNote  string
	RectifyDue  string
	Rectified   string
	RectifyNote string
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Open reports whether the complaint waits for a step.
func (c Complaint) Open() bool { return c.Status != Dismissed && c.Status != Rectified }

// Overdue reports whether, on day, the unit is late to verify or rectify.
func (c Complaint) Overdue(day calendar.Date) bool {
	late := func(due, done string) bool {
		return due != "" && (done == "" && due < day.String() || done != "" && done > due)
	}
	return late(c.VerifyDue, c.Verified) || c.Valid && late(c.RectifyDue, c.Rectified)
}

// ComplaintInput is what a person writes, on the guide's page or to staff.
type ComplaintInput struct {
	Kind, Content, Contact string
}

func (in ComplaintInput) validate() (ComplaintInput, error) {
	var m errs.Multi
	in.Content, in.Contact, in.Kind = foi.Clean(in.Content), foi.OneLine(in.Contact), strings.TrimSpace(in.Kind)
	if !slices.Contains(ComplaintKinds, in.Kind) {
		m = append(m, errs.InvalidField("kind", "svc.complaint_kind"))
	}
	switch n := utf8.RuneCountInString(in.Content); {
	case n == 0:
		m = append(m, errs.InvalidField("content", "svc.required", errs.Msg("svc.field.content")))
	case n > 2000:
		m = append(m, errs.InvalidField("content", "svc.too_long", errs.Msg("svc.field.content"), 2000))
	}
	if utf8.RuneCountInString(in.Contact) > 100 {
		m = append(m, errs.InvalidField("contact", "svc.too_long", errs.Msg("svc.field.contact"), 100))
	}
	return in, m.Err()
}

func today(tx *db.Tx) calendar.Date { return calendar.DateOf(tx.Now().In(calendar.China)) }

// Register registers a complaint about published guide g: from the portal
// when a is nil, by staff otherwise — the office, or the guide's unit.
func Register(ctx context.Context, tx *db.Tx, a *auth.Account, s Settings, g PublishedGuide, in ComplaintInput) (Complaint, error) {
	source, actor := FromPortal, "public"
	if a != nil {
		if !s.IsOffice(*a) && !CanEdit(*a, g.Unit) {
			return Complaint{}, forbidden()
		}
		source, actor = FromStaff, a.Login
	}
	in, err := in.validate()
	if err != nil {
		return Complaint{}, err
	}
	now := tx.Now()
	c := Complaint{ServiceID: g.ID, ServiceName: g.Name, Unit: g.Unit, Kind: in.Kind, Content: in.Content, Contact: in.Contact,
		Source: source, Status: Registered, Received: today(tx).String(), CreatedBy: actor, CreatedAt: now, UpdatedAt: now}
	err = tx.QueryRow(ctx, `INSERT INTO service_complaints (service_id, unit_id, kind, content, contact, source, status, received, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.ServiceID, c.Unit.ID, c.Kind, c.Content, c.Contact, c.Source, c.Status, c.Received, actor, now, now).Scan(&c.ID)
	if err != nil {
		return Complaint{}, fmt.Errorf("add complaint: %w", err)
	}
	// The audit keeps what happened, not who wrote or how to reach them.
	return c, audit.Append(ctx, tx, actor, "service.complaint", "service_complaint", itoa(c.ID), map[string]any{"service": g.ID, "kind": c.Kind, "source": source})
}

const complaintCols = `c.id, c.service_id, s.name, c.unit_id, c.kind, c.content, c.contact, c.source, c.status, c.received, c.transferred, c.verify_due,
	c.verified, c.valid, c.verify_note, c.rectify_due, c.rectified, c.rectify_note, c.created_by, c.created_at, c.updated_at`

func complaints(ctx context.Context, q db.Querier, where string, args ...any) ([]Complaint, error) {
	rows, err := q.Query(ctx, `SELECT `+complaintCols+` FROM service_complaints c JOIN services s ON s.id = c.service_id JOIN units u ON u.id = c.unit_id
		WHERE `+where+` ORDER BY c.received DESC, c.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list complaints: %w", err)
	}
	var out []Complaint
	for rows.Next() {
		var c Complaint
		if err := rows.Scan(&c.ID, &c.ServiceID, &c.ServiceName, &c.Unit.ID, &c.Kind, &c.Content, &c.Contact, &c.Source, &c.Status, &c.Received, &c.Transferred,
			&c.VerifyDue, &c.Verified, &c.Valid, &c.VerifyNote, &c.RectifyDue, &c.Rectified, &c.RectifyNote, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	us := make([]*org.Unit, len(out))
	for i := range out {
		us[i] = &out[i].Unit
	}
	return out, fillUnits(ctx, q, us)
}

// ComplaintByID returns a complaint, or a NotFound error.
func ComplaintByID(ctx context.Context, q db.Querier, id int64) (Complaint, error) {
	cs, err := complaints(ctx, q, `c.id = ?`, id)
	if err != nil {
		return Complaint{}, err
	}
	if len(cs) == 0 {
		return Complaint{}, errs.New(errs.NotFound, "svc.complaint_not_found", itoa(id))
	}
	return cs[0], nil
}

// ComplaintsIn returns the complaints about guides of units under scope
// received in year (every year when 0), newest first.
func ComplaintsIn(ctx context.Context, q db.Querier, scope org.Unit, year int) ([]Complaint, error) {
	if year == 0 {
		return complaints(ctx, q, `u.path LIKE ?`, scope.Path+"%")
	}
	return complaints(ctx, q, `u.path LIKE ? AND c.received LIKE ?`, scope.Path+"%", itoa(int64(year))+"-%")
}

// CanSeeComplaint reports whether a may see c: those who follow them, and
// the staff of the guide's unit and of the offices above it.
func (s Settings) CanSeeComplaint(a auth.Account, c Complaint) bool {
	return s.Follows(a) || a.InScope(c.Unit) && a.Role != auth.DomainSupervisor
}

// step saves c after a step and audits it.
func (c Complaint) step(ctx context.Context, tx *db.Tx, a auth.Account, action string, detail map[string]any) (Complaint, error) {
	c.UpdatedAt = tx.Now()
	_, err := tx.Exec(ctx, `UPDATE service_complaints SET status = ?, transferred = ?, verify_due = ?, verified = ?, valid = ?, verify_note = ?,
		rectify_due = ?, rectified = ?, rectify_note = ?, updated_at = ? WHERE id = ?`, c.Status, c.Transferred, c.VerifyDue, c.Verified, c.Valid,
		c.VerifyNote, c.RectifyDue, c.Rectified, c.RectifyNote, c.UpdatedAt, c.ID)
	if err != nil {
		return Complaint{}, fmt.Errorf("update complaint: %w", err)
	}
	return c, audit.Append(ctx, tx, a.Login, action, "service_complaint", itoa(c.ID), detail)
}

// due returns the day n working days after day on cal.
func due(cal *calendar.Calendar, day calendar.Date, n int) (string, error) {
	d, err := calendar.Clock{Start: day, Days: n}.Deadline(cal)
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// Transfer sends a registered complaint to the guide's unit (转办); it is
// to be verified within VerifyDays working days. Only the office may.
func Transfer(ctx context.Context, tx *db.Tx, a auth.Account, s Settings, cal *calendar.Calendar, c Complaint) (Complaint, error) {
	if !s.IsOffice(a) {
		return Complaint{}, forbidden()
	}
	if c.Status != Registered {
		return Complaint{}, errs.New(errs.Conflict, "svc.complaint_step", errs.Msg("svc.cst."+c.Status))
	}
	day := today(tx)
	var err error
	if c.VerifyDue, err = due(cal, day, VerifyDays); err != nil {
		return Complaint{}, err
	}
	c.Status, c.Transferred = Transferred, day.String()
	return c.step(ctx, tx, a, "service.complaint_transfer", map[string]any{"unit": c.Unit.Code, "verify_due": c.VerifyDue})
}

// noted checks a step's note, required.
func noted(field, note string) (string, error) {
	note = foi.Clean(note)
	switch n := utf8.RuneCountInString(note); {
	case n == 0:
		return "", errs.InvalidField(field, "svc.required", errs.Msg("svc.field."+field))
	case n > 2000:
		return "", errs.InvalidField(field, "svc.too_long", errs.Msg("svc.field."+field), 2000)
	}
	return note, nil
}

// Verify records what the unit found (核实): a complaint found valid is to
// be rectified within RectifyDays working days; one not is closed.
func Verify(ctx context.Context, tx *db.Tx, a auth.Account, s Settings, cal *calendar.Calendar, c Complaint, valid bool, note string) (Complaint, error) {
	if !CanEdit(a, c.Unit) && !s.IsOffice(a) {
		return Complaint{}, forbidden()
	}
	if c.Status != Transferred {
		return Complaint{}, errs.New(errs.Conflict, "svc.complaint_step", errs.Msg("svc.cst."+c.Status))
	}
	note, err := noted("verify_note", note)
	if err != nil {
		return Complaint{}, err
	}
	day := today(tx)
	c.Verified, c.Valid, c.VerifyNote, c.Status = day.String(), valid, note, Dismissed
	if valid {
		c.Status = Verified
		if c.RectifyDue, err = due(cal, day, RectifyDays); err != nil {
			return Complaint{}, err
		}
	}
	return c.step(ctx, tx, a, "service.complaint_verify", map[string]any{"valid": valid, "rectify_due": c.RectifyDue})
}

// Rectify records how the unit put the guide right (整改).
func Rectify(ctx context.Context, tx *db.Tx, a auth.Account, s Settings, c Complaint, note string) (Complaint, error) {
	if !CanEdit(a, c.Unit) && !s.IsOffice(a) {
		return Complaint{}, forbidden()
	}
	if c.Status != Verified {
		return Complaint{}, errs.New(errs.Conflict, "svc.complaint_step", errs.Msg("svc.cst."+c.Status))
	}
	note, err := noted("rectify_note", note)
	if err != nil {
		return Complaint{}, err
	}
	c.Rectified, c.RectifyNote, c.Status = today(tx).String(), note, Rectified
	return c.step(ctx, tx, a, "service.complaint_rectify", nil)
}
