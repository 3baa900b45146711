package web

import (
	"context"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/interpret"
)

// interpretRequest is what the publishing API takes of policy
// interpretation with a record: whether the record is a policy needing
// interpretation (需解读), the policy it interprets (a record of the same
// unit, by id) in which form, and the reviewer's written reason to
// publish a policy needing interpretation without one. A policy needing
// interpretation sent with "publish" but without an interpretation under
// review is refused with 422 unless "publish_alone_reason" is given.
type interpretRequest struct {
	NeedsInterpretation bool   `json:"needs_interpretation"`
	Interprets          int64  `json:"interprets"`
	InterpretationForm  string `json:"interpretation_form"`
	PublishAloneReason  string `json:"publish_alone_reason"`
}

// apiFields are the API's names of the fields interpret's errors name.
var apiFields = map[string]string{interpret.AloneField: "publish_alone_reason", "needs": "needs_interpretation",
	"policy": "interprets", "form": "interpretation_form"}

// apiInterpretField renames the field of an error from interpret to the
// request's.
func apiInterpretField(err error) error {
	if e := errs.As(err); e != nil {
		if f, ok := apiFields[e.Field]; ok {
			e.Field = f
		}
	}
	return err
}

// some reports whether the request says anything of interpretation.
func (x interpretRequest) some() bool {
	return x.NeedsInterpretation || x.Interprets != 0 || strings.TrimSpace(x.InterpretationForm) != ""
}

// apply marks or links draft rec as x asks, then releases it with its
// interpretations when publish (interpret.Release): approved and published
// when the token may publish, submitted otherwise.
func (x interpretRequest) apply(ctx context.Context, tx *db.Tx, t auth.Token, rec info.Record, publish bool, note string) (info.Record, error) {
	a := t.Account()
	if x.Interprets != 0 || x.InterpretationForm != "" {
		if x.NeedsInterpretation {
			return info.Record{}, errs.InvalidField("needs", "interpret.mark_interpretation")
		}
		pol, err := info.ByID(ctx, tx, x.Interprets)
		if err != nil || pol.Unit.ID != t.Unit.ID {
			return info.Record{}, errs.InvalidField("policy", "interpret.policy_not_found", x.Interprets)
		}
		if _, err := interpret.Link(ctx, tx, a, rec, pol, strings.TrimSpace(x.InterpretationForm)); err != nil {
			return info.Record{}, err
		}
	}
	if x.NeedsInterpretation {
		if err := interpret.Mark(ctx, tx, a, rec, true); err != nil {
			return info.Record{}, err
		}
	}
	if !publish {
		return rec, nil
	}
	return interpret.Release(ctx, tx, a, rec, note, x.PublishAloneReason)
}

// replace replaces record cur with a filing as info.ReplaceRecord does,
// keeping its mark and link as x says: a draft (or one returned to draft)
// is marked, unmarked or linked, and released with its interpretations
// when f.Publish. A published record's new version cannot carry them
// (Conflict): mark and link drafts.
func (x interpretRequest) replace(ctx context.Context, tx *db.Tx, t auth.Token, files string, cur info.Record, f info.Filing) (info.Record, bool, error) {
	if cur.Status == info.Published {
		if x.some() {
			return info.Record{}, false, &errs.Error{Kind: errs.Conflict, Key: "interpret.mark_published", Field: "needs"}
		}
		return info.ReplaceRecord(ctx, tx, t.Account(), files, cur, f)
	}
	publish := f.Publish
	f.Publish = false
	rec, isNew, err := info.ReplaceRecord(ctx, tx, t.Account(), files, cur, f)
	if err != nil {
		return info.Record{}, false, err
	}
	a := t.Account()
	it, err := interpret.ByRecord(ctx, tx, rec.ID)
	switch {
	case err == nil && x.Interprets != 0 && x.Interprets != it.Policy.ID:
		return info.Record{}, false, errs.InvalidField("policy", "interpret.linked_already")
	case err == nil:
		// An interpretation stays one; its form may change.
		if form := strings.TrimSpace(x.InterpretationForm); form != "" && form != it.Form {
			if _, err := interpret.SetForm(ctx, tx, a, it, form); err != nil {
				return info.Record{}, false, err
			}
		}
		x.Interprets, x.InterpretationForm = 0, ""
	case errs.KindOf(err) != errs.NotFound:
		return info.Record{}, false, err
	default:
		// A policy: the request says whether it needs interpretation.
		if !x.NeedsInterpretation {
			if err := interpret.Mark(ctx, tx, a, rec, false); err != nil {
				return info.Record{}, false, err
			}
		}
	}
	rec, err = x.apply(ctx, tx, t, rec, publish, f.Unreviewed)
	return rec, isNew, err
}
