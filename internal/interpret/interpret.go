// Package interpret is policy interpretation (政策解读, 广州市基层政务公开
// 标准化规范化工作方案 第十项): interpretations as information records of
// their own kind linked to the policies they explain, the policies their
// editors mark as needing one (需解读), their release together (三同步:
// reviewed with the policy and published with it), the half-yearly
// excellence evaluation (优秀政策解读评选) and the policies returned to their
// units for re-interpretation. It knows nothing of HTTP: the console, the
// portal and the API call the same functions.
package interpret

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// Forms are the forms of interpretation the plan names (文字解读, 图表图解,
// 音频视频, 简明问答, 新闻发布会, 政策吹风会, 动漫, 案例解读), by code; their
// words are the messages "interpret.form.CODE".
var Forms = []string{"text", "graphic", "video", "qa", "press", "briefing", "animation", "case"}

// ValidForm reports whether f is the code of a form.
func ValidForm(f string) bool { return slices.Contains(Forms, f) }

// Genre is the 体裁 an interpretation's record carries: 政策解读.
func Genre() string { return i18n.T(i18n.Zh, "genre.interpretation") }

// Bounds of what staff write.
const (
	maxTitle  = 300
	maxReason = 2000
)

// Interpretation is an interpretation: its record, the policy it explains
// and its form.
type Interpretation struct {
	Record    info.Record
	Policy    Policy
	Form      string
	CreatedBy string
	CreatedAt time.Time
}

// Policy is the policy record an interpretation explains, as lists show it.
type Policy struct {
	ID      int64
	IndexNo string
	Title   string
	Status  info.Status
	Unit    org.Unit
}

// Public reports whether the interpretation is on the portal.
func (it Interpretation) Public() bool { return it.Record.Public() }

// Need is a policy's mark as needing interpretation (需解读), with the
// reviewer's written reason when it was published without one.
type Need struct {
	PolicyID    int64
	MarkedBy    string
	MarkedAt    time.Time
	AloneReason string
	AloneBy     string
	AloneAt     time.Time
}

// Input is what staff write for a new interpretation.
type Input struct {
	Title, Body, Form, WrittenDate string
}

func forbidden() error { return errs.New(errs.Forbidden, "interpret.forbidden") }

// Mark marks policy record p as needing interpretation (需解读), or clears
// the mark. Its editors mark it while it is not yet published; an
// interpretation is not a policy. It returns a Conflict error for a
// published or withdrawn record.
func Mark(ctx context.Context, tx *db.Tx, a auth.Account, p info.Record, needs bool) error {
	if !info.CanEdit(a, p.Unit) {
		return forbidden()
	}
	if p.Status == info.Published || p.Status == info.Withdrawn {
		return errs.New(errs.Conflict, "interpret.mark_published")
	}
	if _, err := ByRecord(ctx, tx, p.ID); err == nil {
		return errs.InvalidField("needs", "interpret.mark_interpretation")
	} else if errs.KindOf(err) != errs.NotFound {
		return err
	}
	_, had, err := NeedOf(ctx, tx, p.ID)
	if err != nil || had == needs {
		return err
	}
	if err := saveNeed(ctx, tx, p.ID, needs, a.Login); err != nil {
		return err
	}
	action := "interpret.mark"
	if !needs {
		action = "interpret.unmark"
	}
	return audit.Append(ctx, tx, a.Login, action, "info", p.IndexNo, nil)
}

// validate checks an input and returns it cleaned, every problem at once.
func (in Input) validate() (Input, error) {
	var m errs.Multi
	in.Title, in.Form, in.WrittenDate = strings.TrimSpace(in.Title), strings.TrimSpace(in.Form), strings.TrimSpace(in.WrittenDate)
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		m = append(m, errs.InvalidField("title", "interpret.title_required"))
	case n > maxTitle:
		m = append(m, errs.InvalidField("title", "interpret.title_long", maxTitle))
	}
	if !ValidForm(in.Form) {
		m = append(m, errs.InvalidField("form", "interpret.bad_form", in.Form))
	}
	if strings.TrimSpace(info.TextOf(info.SanitizeBody(in.Body))) == "" {
		m = append(m, errs.InvalidField("body", "interpret.body_required"))
	}
	return in, m.Err()
}

// Create writes a new draft interpretation of unit u explaining policy p,
// which must be a record a may see and not itself an interpretation nor
// withdrawn (Invalid on field "policy" otherwise). Files are added to the
// record as to any other.
func Create(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, p info.Record, in Input) (Interpretation, error) {
	if !info.CanEdit(a, u) {
		return Interpretation{}, forbidden()
	}
	if err := explainable(ctx, tx, a, p); err != nil {
		return Interpretation{}, err
	}
	in, err := in.validate()
	if err != nil {
		return Interpretation{}, err
	}
	rec, err := info.Create(ctx, tx, a, u, info.Input{Title: in.Title, Body: in.Body, WrittenDate: in.WrittenDate, Genre: Genre(),
		Topic: p.Topic, Attribute: info.Active, Validity: info.Valid, Column: info.ColumnContent})
	if err != nil {
		return Interpretation{}, err
	}
	return link(ctx, tx, a, rec, p, in.Form)
}

// explainable refuses a policy a may not see, an interpretation and a
// withdrawn record.
func explainable(ctx context.Context, q db.Querier, a auth.Account, p info.Record) error {
	bad := errs.InvalidField("policy", "interpret.policy_not_found", p.IndexNo)
	if !a.InScope(p.Unit) || p.Status == info.Withdrawn {
		return bad
	}
	if _, err := ByRecord(ctx, q, p.ID); err == nil {
		return errs.InvalidField("policy", "interpret.policy_is_interpretation", p.IndexNo)
	} else if errs.KindOf(err) != errs.NotFound {
		return err
	}
	return nil
}

// Link makes draft record rec an interpretation of policy p in the given
// form: what the publishing API does for a record sent with
// "interprets". A record that interprets already is refused (Conflict).
func Link(ctx context.Context, tx *db.Tx, a auth.Account, rec, p info.Record, form string) (Interpretation, error) {
	if !info.CanEdit(a, rec.Unit) {
		return Interpretation{}, forbidden()
	}
	if err := explainable(ctx, tx, a, p); err != nil {
		return Interpretation{}, err
	}
	if rec.ID == p.ID {
		return Interpretation{}, errs.InvalidField("policy", "interpret.policy_itself")
	}
	if !ValidForm(form) {
		return Interpretation{}, errs.InvalidField("form", "interpret.bad_form", form)
	}
	if _, err := ByRecord(ctx, tx, rec.ID); err == nil {
		return Interpretation{}, errs.New(errs.Conflict, "interpret.linked_already")
	}
	return link(ctx, tx, a, rec, p, form)
}

func link(ctx context.Context, tx *db.Tx, a auth.Account, rec, p info.Record, form string) (Interpretation, error) {
	it := Interpretation{Record: rec, Policy: policyOf(p), Form: form, CreatedBy: a.Login, CreatedAt: tx.Now()}
	if err := insert(ctx, tx, it); err != nil {
		return Interpretation{}, err
	}
	return it, audit.Append(ctx, tx, a.Login, "interpret.create", "info", rec.IndexNo, map[string]any{"policy": p.IndexNo, "form": form})
}

func policyOf(p info.Record) Policy {
	return Policy{ID: p.ID, IndexNo: p.IndexNo, Title: p.Title, Status: p.Status, Unit: p.Unit}
}

// SetForm changes the form of a draft interpretation.
func SetForm(ctx context.Context, tx *db.Tx, a auth.Account, it Interpretation, form string) (Interpretation, error) {
	if !info.CanEdit(a, it.Record.Unit) {
		return Interpretation{}, forbidden()
	}
	if it.Record.Status != info.Draft {
		return Interpretation{}, errs.New(errs.Conflict, "info.not_draft")
	}
	if !ValidForm(form) {
		return Interpretation{}, errs.InvalidField("form", "interpret.bad_form", form)
	}
	if err := saveForm(ctx, tx, it.Record.ID, form); err != nil {
		return Interpretation{}, err
	}
	it.Form = form
	return it, audit.Append(ctx, tx, a.Login, "interpret.form", "info", it.Record.IndexNo, map[string]any{"form": form})
}
