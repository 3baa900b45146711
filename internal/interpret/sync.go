package interpret

import (
	"context"
	"strings"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
)

// The release together of a policy and its interpretations (三同步: 同步
// 组织、同步审签、同步部署). These steps stand in for info's Submit,
// Approve, ReturnToDraft and Publish wherever a person or a business
// system moves a record along; for a record that is neither a policy with
// interpretations or the mark nor an interpretation, they are info's.

// AloneField is the field of the reviewer's written reason to publish a
// policy that needs interpretation without one.
const AloneField = "alone_reason"

// Submit sends draft record r for review. A policy's draft
// interpretations go with it, to be reviewed with it; one that screening
// blocks stops the whole submission.
func Submit(ctx context.Context, tx *db.Tx, a auth.Account, r info.Record) (info.Record, error) {
	r, err := info.Submit(ctx, tx, a, r)
	if err != nil {
		return info.Record{}, err
	}
	its, err := ofPolicyRecords(ctx, tx, r.ID)
	if err != nil {
		return info.Record{}, err
	}
	for _, it := range its {
		if it.Status != info.Draft {
			continue
		}
		if _, err := info.Submit(ctx, tx, a, it); err != nil {
			return info.Record{}, withInterpretation(it, err)
		}
	}
	return r, nil
}

// withInterpretation says which interpretation a step failed on.
func withInterpretation(it info.Record, err error) error {
	e := errs.As(err)
	if e == nil {
		return err
	}
	return &errs.Error{Kind: e.Kind, Key: "interpret.step_failed", Args: []any{it.IndexNo, e}, Err: err}
}

// Approve approves submitted record r. A policy with interpretations
// under review, or marked as needing one, is approved and published with
// them at once (scheduled together when it is scheduled); a policy marked
// as needing one that has none needs the reviewer's written reason
// (aloneReason, kept with the mark and in the audit log), and without it
// the step is an Unprocessable error on field "alone_reason". An
// interpretation whose policy is not yet published is approved and waits
// for it.
func Approve(ctx context.Context, tx *db.Tx, a auth.Account, r info.Record, aloneReason string) (info.Record, error) {
	return approveNoted(ctx, tx, a, r, "", aloneReason)
}

func approveNoted(ctx context.Context, tx *db.Tx, a auth.Account, r info.Record, note, aloneReason string) (info.Record, error) {
	if !info.CanApprove(a, r.Unit) {
		return info.Record{}, errs.New(errs.Forbidden, "info.review_forbidden")
	}
	if r.Status != info.Submitted {
		return info.Record{}, errs.New(errs.Conflict, "info.bad_transition")
	}
	together, err := releasing(ctx, tx, r)
	if err != nil {
		return info.Record{}, err
	}
	if !together {
		return info.ApproveNoted(ctx, tx, a, r, note)
	}
	if err := checkAlone(ctx, tx, r, aloneReason); err != nil {
		return info.Record{}, err
	}
	if r, err = info.ApproveNoted(ctx, tx, a, r, note); err != nil {
		return info.Record{}, err
	}
	return publishPolicy(ctx, tx, a, r, aloneReason)
}

// releasing reports whether approving r publishes it with interpretations:
// r is a policy marked as needing one or having any.
func releasing(ctx context.Context, q db.Querier, r info.Record) (bool, error) {
	if _, ok, err := NeedOf(ctx, q, r.ID); err != nil || ok {
		return ok, err
	}
	its, err := ofPolicyRecords(ctx, q, r.ID)
	return len(its) > 0, err
}

// checkAlone refuses to publish policy r, marked as needing
// interpretation, with none under review or published, unless the
// reviewer gives a reason.
func checkAlone(ctx context.Context, q db.Querier, r info.Record, reason string) error {
	return checkAloneAt(ctx, q, r, reason, false)
}

// checkAloneAt is checkAlone before the policy is submitted, when its
// draft interpretations will be submitted with it (drafts true).
func checkAloneAt(ctx context.Context, q db.Querier, r info.Record, reason string, drafts bool) error {
	n, ok, err := NeedOf(ctx, q, r.ID)
	if err != nil || !ok || n.AloneReason != "" {
		return err
	}
	its, err := ofPolicyRecords(ctx, q, r.ID)
	if err != nil {
		return err
	}
	for _, it := range its {
		switch it.Status {
		case info.Submitted, info.Approved, info.Published:
			return nil
		case info.Draft:
			if drafts {
				return nil
			}
		}
	}
	if strings.TrimSpace(reason) == "" {
		return &errs.Error{Kind: errs.Unprocessable, Key: "interpret.alone_required", Field: AloneField}
	}
	_, err = aloneReason(reason)
	return err
}

// aloneReason checks a reason to publish alone: 5 to 2,000 characters.
func aloneReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 5 || n > maxReason {
		return "", errs.InvalidField(AloneField, "interpret.alone_reason_length", 5, maxReason)
	}
	return reason, nil
}

// publishPolicy publishes approved policy p with its interpretations under
// review, at p's scheduled time if it has one, and records the reason
// when it goes alone though marked.
func publishPolicy(ctx context.Context, tx *db.Tx, a auth.Account, p info.Record, reason string) (info.Record, error) {
	its, err := ofPolicyRecords(ctx, tx, p.ID)
	if err != nil {
		return info.Record{}, err
	}
	if err := checkAlone(ctx, tx, p, reason); err != nil {
		return info.Record{}, err
	}
	if p, err = info.Publish(ctx, tx, a, p); err != nil {
		return info.Record{}, err
	}
	released := 0
	for _, it := range its {
		if it.Status != info.Submitted && it.Status != info.Approved {
			continue
		}
		if it, err = info.Reschedule(ctx, tx, a, it, p.PublishAt); err != nil {
			return info.Record{}, withInterpretation(it, err)
		}
		if it.Status == info.Submitted {
			if it, err = info.ApproveNoted(ctx, tx, a, it, "三同步："+p.IndexNo); err != nil {
				return info.Record{}, withInterpretation(it, err)
			}
		}
		if _, err = info.Publish(ctx, tx, a, it); err != nil {
			return info.Record{}, withInterpretation(it, err)
		}
		released++
	}
	if released > 0 {
		return p, audit.Append(ctx, tx, a.Login, "interpret.release", "info", p.IndexNo, map[string]any{"interpretations": released})
	}
	return p, recordAlone(ctx, tx, a, p, its, reason)
}

// recordAlone keeps the reason policy p, marked as needing
// interpretation, went out without a new one.
func recordAlone(ctx context.Context, tx *db.Tx, a auth.Account, p info.Record, its []info.Record, reason string) error {
	n, ok, err := NeedOf(ctx, tx, p.ID)
	if err != nil || !ok || n.AloneReason != "" {
		return err
	}
	for _, it := range its {
		if it.Status == info.Published {
			return nil
		}
	}
	reason, err = aloneReason(reason)
	if err != nil {
		return err
	}
	if err := saveAlone(ctx, tx, p.ID, reason, a.Login); err != nil {
		return err
	}
	return audit.Append(ctx, tx, a.Login, "interpret.alone", "info", p.IndexNo, map[string]any{"reason": reason})
}

// ReturnToDraft sends submitted or approved record r back with a note; a
// policy's interpretations under review go back with it.
func ReturnToDraft(ctx context.Context, tx *db.Tx, a auth.Account, r info.Record, note string) (info.Record, error) {
	r, err := info.ReturnToDraft(ctx, tx, a, r, note)
	if err != nil {
		return info.Record{}, err
	}
	its, err := ofPolicyRecords(ctx, tx, r.ID)
	if err != nil {
		return info.Record{}, err
	}
	for _, it := range its {
		if it.Status != info.Submitted && it.Status != info.Approved {
			continue
		}
		if _, err := info.ReturnToDraft(ctx, tx, a, it, strings.TrimSpace("三同步："+r.IndexNo+" "+note)); err != nil {
			return info.Record{}, withInterpretation(it, err)
		}
	}
	return r, nil
}

// Publish publishes approved record r: a policy with its interpretations
// as Approve does; an interpretation only once its policy is published
// (Conflict before: it goes out with the policy).
func Publish(ctx context.Context, tx *db.Tx, a auth.Account, r info.Record, aloneReason string) (info.Record, error) {
	if !info.CanApprove(a, r.Unit) {
		return info.Record{}, errs.New(errs.Forbidden, "info.review_forbidden")
	}
	if r.Status != info.Approved {
		return info.Record{}, errs.New(errs.Conflict, "info.bad_transition")
	}
	if it, err := ByRecord(ctx, tx, r.ID); err == nil {
		if it.Policy.Status != info.Published {
			return info.Record{}, errs.New(errs.Conflict, "interpret.wait_policy", it.Policy.IndexNo)
		}
		return info.Publish(ctx, tx, a, r)
	} else if errs.KindOf(err) != errs.NotFound {
		return info.Record{}, err
	}
	together, err := releasing(ctx, tx, r)
	if err != nil || !together {
		if err != nil {
			return info.Record{}, err
		}
		return info.Publish(ctx, tx, a, r)
	}
	return publishPolicy(ctx, tx, a, r, aloneReason)
}

// Release takes draft record r as far as a may: submitted, and approved
// and published by one who may approve (with note for the audit log) —
// what the publishing API's "publish" asks. An interpretation whose
// policy is not published stays approved, to go out with it.
func Release(ctx context.Context, tx *db.Tx, a auth.Account, r info.Record, note, aloneReason string) (info.Record, error) {
	if r.Status == info.Draft {
		// Checked before submitting so that a refused release leaves the
		// record as it was in the caller's transaction.
		if info.CanApprove(a, r.Unit) {
			if together, err := releasing(ctx, tx, r); err != nil {
				return info.Record{}, err
			} else if together {
				if err := checkAloneAt(ctx, tx, r, aloneReason, true); err != nil {
					return info.Record{}, err
				}
			}
		}
		var err error
		if r, err = Submit(ctx, tx, a, r); err != nil || !info.CanApprove(a, r.Unit) {
			return r, err
		}
	}
	if r.Status != info.Submitted {
		return r, nil
	}
	together, err := releasing(ctx, tx, r)
	if err != nil {
		return info.Record{}, err
	}
	if r, err = approveNoted(ctx, tx, a, r, note, aloneReason); err != nil || together {
		return r, err
	}
	if it, err := ByRecord(ctx, tx, r.ID); err == nil && it.Policy.Status != info.Published {
		return r, nil
	}
	return info.Publish(ctx, tx, a, r)
}
