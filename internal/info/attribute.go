package info

import (
	"context"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
)

// ParseAttribute reads a disclosure attribute (公开属性) as imports give it:
// the Chinese words or the stored code; empty is 主动公开. 免予公开, the
// plan's word, is 不予公开. It reports false for anything else.
func ParseAttribute(s string) (string, bool) {
	switch strings.TrimSpace(s) {
	case "", "主动公开", Active:
		return Active, true
	case "依申请公开", OnRequest:
		return OnRequest, true
	case "不予公开", "免予公开", Withheld:
		return Withheld, true
	}
	return "", false
}

// NeedsReason reports whether information of attribute attr must say why
// and on what legal basis it is not disclosed proactively: 依申请公开 and
// 不予公开 (条例第十四条至第十六条).
func NeedsReason(attr string) bool { return attr == OnRequest || attr == Withheld }

// MakeActive changes a record that was 依申请公开 or 不予公开 to 主动公开,
// as an attribute review (公开属性评估调整) decided, with why; the reason it
// was withheld is dropped. The record keeps its place in the workflow: an
// approved one may then be published the usual way. Only those who approve
// the unit's records may; a record already 主动公开 is a Conflict.
func MakeActive(ctx context.Context, tx *db.Tx, a auth.Account, r Record, why string) (Record, error) {
	if !CanApprove(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.review_forbidden")
	}
	if r.Attribute == Active {
		return Record{}, errs.New(errs.Conflict, "info.already_active")
	}
	from, reason := r.Attribute, r.AttributeReason
	r.Attribute, r.AttributeReason, r.UpdatedAt = Active, "", tx.Now()
	if err := save(ctx, tx, r); err != nil {
		return Record{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "info.attribute", "info", r.IndexNo, map[string]any{"from": from, "to": Active, "reason_was": reason, "why": why})
}
