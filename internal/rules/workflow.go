package rules

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

func idOf(r Rule) string { return strconv.FormatInt(r.ID, 10) }

func today(tx *db.Tx) calendar.Date { return calendar.DateOf(tx.Now().In(calendar.China)) }

func forbidden() error { return errs.New(errs.Forbidden, "rules.forbidden") }

// Submit sends a new rule of unit u to its office (OfficeOf) as version 1,
// its files stored under files. Bad input comes back as Invalid errors
// naming the field, with nothing written; a unit a may not write for is
// Forbidden.
func Submit(ctx context.Context, tx *db.Tx, a auth.Account, files string, u org.Unit, in Input) (Rule, error) {
	if !CanSubmit(a, u) {
		return Rule{}, forbidden()
	}
	office, err := OfficeOf(ctx, tx, u)
	if err != nil {
		return Rule{}, err
	}
	c, _, err := in.validate(today(tx), nil)
	if err != nil {
		return Rule{}, err
	}
	now := tx.Now()
	r := Rule{Unit: u, Office: office, State: Submitted, CreatedBy: a.Login, CreatedAt: now, UpdatedAt: now}
	if err := insert(ctx, tx, &r); err != nil {
		return Rule{}, err
	}
	if r, err = newVersion(ctx, tx, a, files, r, c, nil); err != nil {
		return Rule{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "rules.submit", "rule", idOf(r), map[string]any{"unit": u.Code, "office": office.Code,
		"title": r.Title, "category": r.Category})
}

// Revise submits a new version of a rule the office returned, or of an
// accepted one (which stays published until the office accepts the new
// version). Files of the previous version listed in in.Keep go with it.
// It returns a Conflict error for a rule with the office or withdrawn.
func Revise(ctx context.Context, tx *db.Tx, a auth.Account, files string, r Rule, in Input) (Rule, error) {
	r, err := ByID(ctx, tx, r.ID) // the state is read again inside the transaction
	if err != nil {
		return Rule{}, err
	}
	if !CanSubmit(a, r.Unit) {
		return Rule{}, forbidden()
	}
	if r.State != Returned && r.State != Accepted {
		return Rule{}, errs.New(errs.Conflict, "rules.not_revisable")
	}
	c, kept, err := in.validate(today(tx), r.Files)
	if err != nil {
		return Rule{}, err
	}
	from := r.Version
	r.State, r.UpdatedAt = Submitted, tx.Now()
	if r, err = newVersion(ctx, tx, a, files, r, c, kept); err != nil {
		return Rule{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "rules.revise", "rule", idOf(r), map[string]any{"from": from, "version": r.Version,
		"title": r.Title, "kept": len(kept), "files": len(c.files)})
}

// newVersion writes c as the next version of r, with the kept files and
// the new ones, and makes it r's current text.
func newVersion(ctx context.Context, tx *db.Tx, a auth.Account, files string, r Rule, c checked, kept []info.Attachment) (Rule, error) {
	r.Version++
	r.Title, r.Category, r.Adopted, r.Body = c.title, c.category, c.adopted, c.body
	r.Files = nil
	for _, at := range kept {
		at.Seq = len(r.Files) + 1
		r.Files = append(r.Files, at)
	}
	for i, at := range c.files {
		at.Seq = len(r.Files) + 1
		if err := info.StoreFile(files, at, c.data[i]); err != nil {
			return Rule{}, err
		}
		r.Files = append(r.Files, at)
	}
	v := Version{RuleID: r.ID, Version: r.Version, Title: r.Title, Category: r.Category, Adopted: r.Adopted, Body: r.Body,
		SubmittedBy: a.Login, SubmittedAt: tx.Now()}
	if err := insertVersion(ctx, tx, v, r.Files); err != nil {
		return Rule{}, err
	}
	return r, save(ctx, tx, r)
}

// Return sends the submitted version back to the unit with the office's
// written reason (field reason, required). Only an office that may review
// the unit's rules may (CanReview).
func Return(ctx context.Context, tx *db.Tx, a auth.Account, r Rule, reason string) (Rule, error) {
	r, err := decidable(ctx, tx, a, r)
	if err != nil {
		return Rule{}, err
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return Rule{}, errs.InvalidField("reason", "rules.reason_required")
	case n > MaxReason:
		return Rule{}, errs.InvalidField("reason", "rules.too_long", errs.Msg("rules.field.reason"), MaxReason)
	}
	r.State, r.ReturnReason, r.UpdatedAt = Returned, reason, tx.Now()
	if err := decideVersion(ctx, tx, r, Returned, reason, a.Login); err != nil {
		return Rule{}, err
	}
	if err := save(ctx, tx, r); err != nil {
		return Rule{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "rules.return", "rule", idOf(r), map[string]any{"version": r.Version, "reason": reason})
}

// Accept accepts the submitted version and publishes it in the unit's
// 制度 column through the publishing path of records (info.FileRecord:
// screening, search tokens, the audit log, subscribers told), by a. A
// revision of a published rule replaces its record (info.ReplaceRecord:
// the old record is marked 失效 and points to the new one). files is where
// the rule's files are stored; they are attached to the record.
func Accept(ctx context.Context, tx *db.Tx, a auth.Account, files string, r Rule) (Rule, error) {
	r, err := decidable(ctx, tx, a, r)
	if err != nil {
		return Rule{}, err
	}
	rec, err := publish(ctx, tx, a, files, r)
	if err != nil {
		return Rule{}, err
	}
	r.State, r.RecordID, r.ReturnReason, r.UpdatedAt = Accepted, rec.ID, "", tx.Now()
	if err := decideVersion(ctx, tx, r, Accepted, "", a.Login); err != nil {
		return Rule{}, err
	}
	if err := save(ctx, tx, r); err != nil {
		return Rule{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "rules.accept", "rule", idOf(r), map[string]any{"version": r.Version, "record": rec.IndexNo})
}

// decidable reads r again and checks that a may decide on it now.
func decidable(ctx context.Context, tx *db.Tx, a auth.Account, r Rule) (Rule, error) {
	r, err := ByID(ctx, tx, r.ID)
	if err != nil {
		return Rule{}, err
	}
	if !CanReview(a, r.Unit) {
		return Rule{}, errs.New(errs.Forbidden, "rules.review_forbidden")
	}
	if r.State != Submitted {
		return Rule{}, errs.New(errs.Conflict, "rules.not_submitted")
	}
	return r, nil
}

// publish files r as a record of its unit's 制度 column, or as the record
// that replaces its published one.
func publish(ctx context.Context, tx *db.Tx, a auth.Account, files string, r Rule) (info.Record, error) {
	f := info.Filing{Input: info.Input{Title: r.Title, WrittenDate: r.Adopted, Issuer: r.Unit.Name, Topic: i18n.T(i18n.Zh, "topic.general"),
		Keywords: i18n.T(i18n.Zh, "rules.keyword") + "，" + i18n.T(i18n.Zh, "rules.cat."+string(r.Category)),
		Body:     info.BodyFromText(r.Body), Column: info.ColumnRules},
		Publish: true, Unreviewed: fmt.Sprintf("rule %d version %d accepted by its office", r.ID, r.Version)}
	for _, at := range r.Files {
		data, err := os.ReadFile(info.FilePath(files, at.SHA256))
		if err != nil {
			return info.Record{}, fmt.Errorf("read rule file %s: %w", at.Name, err)
		}
		f.Files = append(f.Files, info.File{Name: at.Name, Data: data, Field: "file"})
	}
	if r.RecordID != 0 {
		old, err := info.ByID(ctx, tx, r.RecordID)
		if err != nil {
			return info.Record{}, err
		}
		if old.Status == info.Published {
			rec, _, err := info.ReplaceRecord(ctx, tx, a, files, old, f)
			return rec, err
		}
	}
	return info.FileRecord(ctx, tx, a, files, r.Unit, f)
}

// Recommend marks a published rule as recommended to every unit (优秀制度)
// or, with on false, takes the mark back. Only an office that may review
// the unit's rules may; a rule not published is a Conflict.
func Recommend(ctx context.Context, tx *db.Tx, a auth.Account, r Rule, on bool) (Rule, error) {
	r, err := ByID(ctx, tx, r.ID)
	if err != nil {
		return Rule{}, err
	}
	if !CanReview(a, r.Unit) {
		return Rule{}, errs.New(errs.Forbidden, "rules.review_forbidden")
	}
	if !r.Published() {
		return Rule{}, errs.New(errs.Conflict, "rules.not_published")
	}
	if r.Recommended == on {
		return r, nil
	}
	r.Recommended, r.RecommendedBy, r.RecommendedAt, r.UpdatedAt = on, a.Login, tx.Now(), tx.Now()
	if !on {
		r.RecommendedBy, r.RecommendedAt = "", tx.Now()
	}
	if err := save(ctx, tx, r); err != nil {
		return Rule{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "rules.recommend", "rule", idOf(r), map[string]any{"recommended": on})
}

// Withdraw withdraws a rule for good, with the reason (field reason,
// required): a published one is taken out of the 制度 column
// (info.Withdraw) and loses its recommendation. It returns a Conflict
// error for a rule withdrawn already.
func Withdraw(ctx context.Context, tx *db.Tx, a auth.Account, r Rule, reason string) (Rule, error) {
	r, err := ByID(ctx, tx, r.ID)
	if err != nil {
		return Rule{}, err
	}
	if !CanWithdraw(a, r) {
		return Rule{}, forbidden()
	}
	if r.State == Withdrawn {
		return Rule{}, errs.New(errs.Conflict, "rules.withdrawn")
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return Rule{}, errs.InvalidField("reason", "rules.withdraw_reason")
	case n > MaxReason:
		return Rule{}, errs.InvalidField("reason", "rules.too_long", errs.Msg("rules.field.reason"), MaxReason)
	}
	if r.Published() {
		rec, err := info.ByID(ctx, tx, r.RecordID)
		if err != nil {
			return Rule{}, err
		}
		if rec.Status == info.Published {
			if _, err := info.Withdraw(ctx, tx, a, rec, reason); err != nil {
				return Rule{}, err
			}
		}
	}
	r.State, r.WithdrawnReason, r.Recommended, r.UpdatedAt = Withdrawn, reason, false, tx.Now()
	if err := save(ctx, tx, r); err != nil {
		return Rule{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "rules.withdraw", "rule", idOf(r), map[string]any{"reason": reason})
}
