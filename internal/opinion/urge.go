package opinion

import (
	"context"
	"fmt"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/push"
)

// KindUrge is the outbox's kind of an office's urge notice (督办).
const KindUrge = "opinion.urge"

// Urge sends an urge notice (督办) about part partID of item id to the
// staff of its unit who respond for it and have an address, on the push
// outbox in this transaction, with the office's note, and records it on
// the item. While mail is off the urge is recorded with no address, for
// the console. Only an office managing the item urges, and only a part
// still open (Conflict once the unit has responded).
func Urge(ctx context.Context, tx *db.Tx, a auth.Account, id, partID int64, note string, mail bool, site string) (Item, error) {
	it, err := managed(ctx, tx, a, id)
	if err != nil {
		return Item{}, err
	}
	p, ok := it.Part(partID)
	if !ok {
		return Item{}, errs.InvalidField("part", "opinion.part_unknown")
	}
	if p.Responded {
		return Item{}, errs.New(errs.Conflict, "opinion.urge_responded", p.Unit.Name)
	}
	if note, err = noteOf(note); err != nil {
		return Item{}, err
	}
	var to []string
	if mail {
		if to, err = recipientsOf(ctx, tx, p.Unit); err != nil {
			return Item{}, err
		}
	}
	subject, body := urgeText(it, p, note, site)
	for _, addr := range to {
		if _, err := push.Queue(ctx, tx, push.Message{Channel: push.Email, Recipient: addr, Subject: subject, Body: body,
			Link: itemPath(it.ID), Kind: KindUrge, Reference: fmt.Sprintf("%d/%d", it.ID, p.ID)}); err != nil {
			return Item{}, err
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO opinion_urges (item_id, assignment_id, note, recipients, sent_by, sent_at, day) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		it.ID, p.ID, note, strings.Join(to, "\n"), a.Login, tx.Now(), today(tx.Now()).String()); err != nil {
		return Item{}, err
	}
	if err := touch(ctx, tx, it.ID); err != nil {
		return Item{}, err
	}
	if err := audit.Append(ctx, tx, a.Login, "opinion.urged", "opinion", idOf(it.ID), map[string]any{"unit": p.Unit.Code, "recipients": len(to), "note": note}); err != nil {
		return Item{}, err
	}
	return Load(ctx, tx, it.ID)
}

// itemPath is the console page of an item.
func itemPath(id int64) string { return "/admin/opinion/" + idOf(id) }

// recipientsOf returns the addresses of the staff who respond for unit u:
// its editors and reviewers, or the office whose own unit it is, enabled
// and with an address.
func recipientsOf(ctx context.Context, q db.Querier, u org.Unit) ([]string, error) {
	all, err := auth.InScope(ctx, q, u)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range all {
		if p.Unit.ID == u.ID && !p.Disabled && p.Email != "" && Responds(p, Assignment{Unit: u}) {
			out = append(out, strings.ToLower(p.Email))
		}
	}
	return out, nil
}

// urgeText writes an urge notice in Chinese, the staff's language.
func urgeText(it Item, p Assignment, note, site string) (subject, body string) {
	tr := func(key string, args ...any) string { return i18n.T(i18n.Zh, key, args...) }
	subject = tr("opinion.urge.subject", it.Title, p.Due.String())
	body = tr("opinion.urge.body", p.Unit.Name, it.Title, tr("opinion.level."+it.Level), p.Due.String(),
		strings.TrimRight(site, "/")+itemPath(it.ID))
	if note != "" {
		body += "\n\n" + tr("opinion.urge.note", note)
	}
	return subject, body
}
