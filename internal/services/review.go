package services

import (
	"context"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// CanEdit reports whether a may write unit u's guides: as for its
// information, its editors and reviewers, the offices above it and
// administrators.
func CanEdit(a auth.Account, u org.Unit) bool { return info.CanEdit(a, u) }

// CanPublish reports whether a may return, publish and withdraw unit u's
// guides: its reviewer (单位负责人), the offices above it and
// administrators — never an editor.
func CanPublish(a auth.Account, u org.Unit) bool { return info.CanApprove(a, u) }

func forbidden() error       { return errs.New(errs.Forbidden, "svc.forbidden") }
func reviewForbidden() error { return errs.New(errs.Forbidden, "svc.review_forbidden") }

func badStep(from Status, to string) error {
	return errs.New(errs.Conflict, "svc.bad_transition", errs.Msg("svc.st."+string(from)), errs.Msg("svc.step."+to))
}

// Create writes a new draft guide of unit u.
func Create(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, c Content) (Guide, error) {
	if !CanEdit(a, u) {
		return Guide{}, forbidden()
	}
	c, err := c.validate()
	if err != nil {
		return Guide{}, err
	}
	now := tx.Now()
	g := Guide{Unit: u, Content: c, Status: Draft, Version: 1, CreatedBy: a.Login, CreatedAt: now, UpdatedAt: now}
	if err := insert(ctx, tx, &g); err != nil {
		return Guide{}, err
	}
	return g, audit.Append(ctx, tx, a.Login, "service.create", "service", g.ref(), map[string]any{"unit": u.Code, "name": g.Name})
}

// Update replaces the working copy of g with c. A published, returned or
// withdrawn guide opens its next version as a draft; the published version
// stays on the portal until the next is published. The samples of
// materials kept by name stay with them.
func Update(ctx context.Context, tx *db.Tx, a auth.Account, g Guide, c Content) (Guide, error) {
	if !CanEdit(a, g.Unit) {
		return Guide{}, forbidden()
	}
	if !g.Editable() {
		return Guide{}, errs.New(errs.Conflict, "svc.not_editable")
	}
	c, err := c.validate()
	if err != nil {
		return Guide{}, err
	}
	return g.change(ctx, tx, a, keepSamples(c, g.Content), "service.edit")
}

// change makes c the working copy of g as a draft, in the next version
// when the current one was submitted for review or published.
func (g Guide) change(ctx context.Context, tx *db.Tx, a auth.Account, c Content, action string) (Guide, error) {
	if g.Status != Draft {
		g.Version++ // each submission is a version of its own
	}
	g.Content, g.Status, g.Comment, g.UpdatedAt = c, Draft, "", tx.Now()
	if err := save(ctx, tx, g); err != nil {
		return Guide{}, err
	}
	return g, audit.Append(ctx, tx, a.Login, action, "service", g.ref(), map[string]any{"version": g.Version, "name": g.Name})
}

// transition moves g to status to, keeping a snapshot of the version for
// every step but a return.
func (g Guide) transition(ctx context.Context, tx *db.Tx, a auth.Account, to Status, comment string) (Guide, error) {
	from := g.Status
	g.Status, g.Comment, g.UpdatedAt = to, comment, tx.Now()
	switch to {
	case Published:
		g.PublishedVersion, g.PublishedAt = g.Version, tx.Now()
	case Withdrawn:
		g.PublishedVersion = 0
	}
	if err := save(ctx, tx, g); err != nil {
		return Guide{}, err
	}
	if to == Submitted || to == Published {
		if err := g.snapshot(ctx, tx, a.Login, to, comment); err != nil {
			return Guide{}, err
		}
	}
	switch to {
	case Published:
		if err := index(ctx, tx, g.ID, g.Content, g.Unit.Name); err != nil {
			return Guide{}, err
		}
	case Withdrawn:
		if err := unindex(ctx, tx, g.ID); err != nil {
			return Guide{}, err
		}
	}
	return g, audit.Append(ctx, tx, a.Login, "service."+string(to), "service", g.ref(), map[string]any{"from": from, "version": g.Version, "comment": comment})
}

// Submit sends a draft or returned guide for review.
func Submit(ctx context.Context, tx *db.Tx, a auth.Account, g Guide) (Guide, error) {
	if !CanEdit(a, g.Unit) {
		return Guide{}, forbidden()
	}
	if g.Status != Draft && g.Status != Returned {
		return Guide{}, badStep(g.Status, "submit")
	}
	if g.Status == Returned {
		g.Version++
	}
	return g.transition(ctx, tx, a, Submitted, "")
}

// Return sends a submitted guide back with the reviewer's comment, which
// is required.
func Return(ctx context.Context, tx *db.Tx, a auth.Account, g Guide, comment string) (Guide, error) {
	if !CanPublish(a, g.Unit) {
		return Guide{}, reviewForbidden()
	}
	if g.Status != Submitted {
		return Guide{}, badStep(g.Status, "return")
	}
	if comment = strings.TrimSpace(comment); comment == "" {
		return Guide{}, errs.InvalidField("comment", "svc.return_needs_comment")
	} else if len([]rune(comment)) > 2000 {
		return Guide{}, errs.InvalidField("comment", "svc.too_long", errs.Msg("svc.field.comment"), 2000)
	}
	return g.transition(ctx, tx, a, Returned, comment)
}

// Publish publishes a submitted guide on the portal.
func Publish(ctx context.Context, tx *db.Tx, a auth.Account, g Guide) (Guide, error) {
	if !CanPublish(a, g.Unit) {
		return Guide{}, reviewForbidden()
	}
	if g.Status != Submitted {
		return Guide{}, badStep(g.Status, "publish")
	}
	return g.transition(ctx, tx, a, Published, "")
}

// Withdraw takes a published guide off the portal (事项取消 or
// suspended); its versions stay.
func Withdraw(ctx context.Context, tx *db.Tx, a auth.Account, g Guide) (Guide, error) {
	if !CanPublish(a, g.Unit) {
		return Guide{}, reviewForbidden()
	}
	if g.PublishedVersion == 0 {
		return Guide{}, badStep(g.Status, "withdraw")
	}
	return g.transition(ctx, tx, a, Withdrawn, "")
}

// Change is one element that differs between two versions of a guide.
type Change struct {
	// Field names the element (svc.field.*).
	Field    string
	Old, New string
}

// Diff lists the elements that differ from a to b, in guide order, each
// as text.
func Diff(a, b Content) []Change {
	fa, fb := a.fields(), b.fields()
	var out []Change
	for i := range fa {
		if fa[i].text != fb[i].text {
			out = append(out, Change{Field: fa[i].field, Old: fa[i].text, New: fb[i].text})
		}
	}
	return out
}

type fieldText struct{ field, text string }

// fields is the guide as text, element by element, for diffs.
func (c Content) fields() []fieldText {
	days := func(d *int) string {
		if d == nil {
			return ""
		}
		return itoa(int64(*d))
	}
	var ms []string
	for _, m := range c.Materials {
		ms = append(ms, m.Line())
	}
	return []fieldText{{"name", c.Name}, {"type", c.Type.Zh()}, {"basis", c.Basis}, {"conditions", c.Conditions},
		{"materials", strings.Join(ms, "\n")}, {"steps", strings.Join(c.Steps, "\n")}, {"legal_days", days(c.LegalDays)},
		{"promised_days", days(c.PromisedDays)}, {"fee", c.Fee}, {"fee_basis", c.FeeBasis}, {"place", c.Place}, {"hours", c.Hours},
		{"phone", c.Phone}, {"complaint_phone", c.ComplaintPhone}, {"online_url", c.OnlineURL}, {"served", c.Served},
		{"events", strings.Join(c.Events, "、")}}
}

// Line is a material as one line of Chinese text: 居民身份证（原件，纸质，1份）.
func (m Material) Line() string {
	var parts []string
	if m.Original {
		parts = append(parts, "原件")
	} else {
		parts = append(parts, "复印件")
	}
	parts = append(parts, formZh[m.Form])
	if m.Copies > 0 {
		parts = append(parts, itoa(int64(m.Copies))+"份")
	}
	if m.Note != "" {
		parts = append(parts, m.Note)
	}
	return m.Name + "（" + strings.Join(parts, "，") + "）"
}

var formZh = map[string]string{FormPaper: "纸质", FormElectronic: "电子", FormEither: "纸质或电子"}
