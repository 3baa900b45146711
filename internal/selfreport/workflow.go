package selfreport

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/org"
)

// Limits in characters.
const (
	MaxText   = 5000 // a section's text
	MaxReason = 500  // the office's reason for returning a report
)

// TextField is the form field of section key's text.
func TextField(key string) string { return "text_" + key }

// editable loads unit u's report of year for a change by a, checking
// that a may make it and that the report is still the unit's to change.
func editable(ctx context.Context, tx *db.Tx, may bool, u org.Unit, year int) (stored, error) {
	if !may {
		return stored{}, errs.New(errs.Forbidden, "selfreport.forbidden")
	}
	if err := ValidYear(tx, year); err != nil {
		return stored{}, err
	}
	s, err := load(ctx, tx, u, year)
	if err != nil {
		return stored{}, err
	}
	if !s.status.State.Editable() {
		return stored{}, errs.New(errs.Conflict, "selfreport.not_editable")
	}
	return s, nil
}

// SaveTexts saves the texts the unit's staff wrote for unit u's report of
// year, by section key. A text left as the one written from the figures,
// or emptied, keeps following the figures; any other is kept as written.
// It returns every text too long at once, each naming its form field, a
// Forbidden error if a may not edit the report and a Conflict once it is
// submitted.
func SaveTexts(ctx context.Context, tx *db.Tx, a auth.Account, srcs Sources, u org.Unit, year int, texts map[string]string) error {
	s, err := editable(ctx, tx, CanEdit(a, u), u, year)
	if err != nil {
		return err
	}
	var m errs.Multi
	for _, k := range Keys {
		t, ok := texts[k]
		if !ok {
			continue
		}
		if t = CleanText(t); utf8.RuneCountInString(t) > MaxText {
			m = append(m, errs.InvalidField(TextField(k), "selfreport.text_too_long", errs.Msg("selfreport.section."+k), MaxText))
		}
		texts[k] = t
	}
	if len(m) > 0 {
		return m
	}
	sections, err := generate(ctx, tx, srcs, u, year)
	if err != nil {
		return err
	}
	var edited []string
	for _, sec := range sections {
		t, ok := texts[sec.Key]
		if !ok {
			continue
		}
		if t == "" || t == CleanText(sec.Draft) {
			delete(s.texts, sec.Key)
			continue
		}
		s.texts[sec.Key] = t
		edited = append(edited, sec.Key)
	}
	return s.save(ctx, tx, a, u, year, "selfreport.save", map[string]any{"edited": edited})
}

// ResetText drops the text saved for section key of unit u's report of
// year, so that it follows the figures again.
func ResetText(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, year int, key string) error {
	s, err := editable(ctx, tx, CanEdit(a, u), u, year)
	if err != nil {
		return err
	}
	if !slices.Contains(Keys, key) {
		return errs.InvalidField("section", "selfreport.section_unknown", key)
	}
	delete(s.texts, key)
	return s.save(ctx, tx, a, u, year, "selfreport.reset", map[string]any{"section": key})
}

// save writes the row in state Draft (or as it was, when returned) with
// the texts, and the audit event.
func (s stored) save(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, year int, event string, detail map[string]any) error {
	state := s.status.State
	if state == New {
		state = Draft
	}
	tj, err := json.Marshal(s.texts)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO self_reports (unit_id, year, state, texts, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (unit_id, year) DO UPDATE SET state = excluded.state, texts = excluded.texts, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		u.ID, year, string(state), string(tj), a.Login, tx.Now()); err != nil {
		return fmt.Errorf("save self report %s: %w", key(u, year), err)
	}
	return audit.Append(ctx, tx, a.Login, event, "self_report", key(u, year), detail)
}

// Submit sends unit u's report of year to the office above as it stands
// now: its figures and texts are kept as submitted. It returns a
// Forbidden error if a may not submit it, a Conflict if it was submitted
// already, and an Invalid error for a unit with no office above.
func Submit(ctx context.Context, tx *db.Tx, a auth.Account, srcs Sources, u org.Unit, year int) (Report, error) {
	s, err := editable(ctx, tx, CanSubmit(a, u), u, year)
	if err != nil {
		return Report{}, err
	}
	office, ok, err := Office(ctx, tx, u)
	if err != nil {
		return Report{}, err
	}
	if !ok {
		return Report{}, errs.New(errs.Invalid, "selfreport.no_office", u.Name)
	}
	if s.status.State == New {
		if err := s.save(ctx, tx, a, u, year, "selfreport.save", nil); err != nil {
			return Report{}, err
		}
	}
	r, err := Generate(ctx, tx, srcs, u, year)
	if err != nil {
		return Report{}, err
	}
	js, err := json.Marshal(r.Sections)
	if err != nil {
		return Report{}, err
	}
	now := tx.Now()
	if _, err := tx.Exec(ctx, `UPDATE self_reports SET state = ?, snapshot = ?, return_reason = '', submitted_by = ?, submitted_at = ?,
		decided_by = '', decided_at = NULL, updated_by = ?, updated_at = ? WHERE unit_id = ? AND year = ?`,
		string(Submitted), string(js), a.Login, now, a.Login, now, u.ID, year); err != nil {
		return Report{}, fmt.Errorf("submit self report %s: %w", key(u, year), err)
	}
	r.Status.State, r.Status.SubmittedBy, r.Status.SubmittedAt, r.Status.ReturnReason = Submitted, a.Login, now, ""
	return r, audit.Append(ctx, tx, a.Login, "selfreport.submit", "self_report", key(u, year), map[string]any{"office": office.Code, "late": r.Late()})
}

// Accept accepts unit u's submitted report of year. Only an office
// account of the government that receives it may; others get a Forbidden
// error, and a report not waiting for the office a Conflict.
func Accept(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, year int) error {
	return decide(ctx, tx, a, u, year, Accepted, "")
}

// Return sends unit u's submitted report of year back to the unit with
// the office's reason, which is required. The report follows the figures
// again until it is submitted anew.
func Return(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, year int, reason string) error {
	reason = CleanText(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return errs.InvalidField("reason", "selfreport.reason_required")
	case n > MaxReason:
		return errs.InvalidField("reason", "selfreport.reason_too_long", MaxReason)
	}
	return decide(ctx, tx, a, u, year, Returned, reason)
}

func decide(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, year int, to State, reason string) error {
	ok, err := CanReview(ctx, tx, a, u)
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.Forbidden, "selfreport.review_forbidden")
	}
	s, err := load(ctx, tx, u, year)
	if err != nil {
		return err
	}
	if s.status.State != Submitted {
		return errs.New(errs.Conflict, "selfreport.not_submitted")
	}
	snapshot := "snapshot"
	if to == Returned {
		snapshot = "''" // the unit works on the live report again
	}
	if _, err := tx.Exec(ctx, `UPDATE self_reports SET state = ?, return_reason = ?, decided_by = ?, decided_at = ?, snapshot = `+snapshot+`,
		updated_by = ?, updated_at = ? WHERE unit_id = ? AND year = ?`, string(to), reason, a.Login, tx.Now(), a.Login, tx.Now(), u.ID, year); err != nil {
		return fmt.Errorf("decide self report %s: %w", key(u, year), err)
	}
	return audit.Append(ctx, tx, a.Login, "selfreport."+string(to), "self_report", key(u, year), map[string]any{"reason": reason})
}

// CleanText trims a text, keeps line breaks as \n and drops other control
// characters.
func CleanText(s string) string {
	return strings.TrimSpace(foi.Clean(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")))
}
