package opinion

import (
	"context"
	"fmt"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/push"
)

// Reminder is one reminder the daily job recorded.
type Reminder struct {
	Part Assignment
	Kind string // "due" (due that day) or "overdue"
	To   string // the address queued; "" while mail is off
}

// Remind records, as of day t, a reminder for each open part of an open
// item due that day ("due") or past its due date ("overdue") — 舆情 waits
// for no one, so an overdue part is reminded every day until it is
// answered — once per part, kind, day and address. While mail is on it
// also queues, on the outbox and in the transaction that records it, a
// message to each of the unit's staff who respond for it; while mail is
// off it records the reminder with no address, for the console.
func Remind(ctx context.Context, d *db.DB, mail bool, site string, t calendar.Date) ([]Reminder, error) {
	rows, err := d.Query(ctx, `SELECT `+partCols+`, i.title, i.level FROM opinion_assignments a JOIN opinion_items i ON i.id = a.item_id
		WHERE a.state = ? AND i.state <> ? AND a.due_date <= ? ORDER BY a.id`, partOpen, Closed, t.String())
	if err != nil {
		return nil, fmt.Errorf("due opinion parts: %w", err)
	}
	type due struct {
		p            Assignment
		title, level string
	}
	var open []due
	for rows.Next() {
		var x due
		var err error
		if x.p, err = scanPart(rows, &x.title, &x.level); err != nil {
			rows.Close()
			return nil, err
		}
		open = append(open, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	units := org.NewMemo(d)
	var out []Reminder
	for _, x := range open {
		if x.p.Unit, err = units.ByID(ctx, x.p.Unit.ID); err != nil {
			return out, err
		}
		kind := "due"
		if x.p.Due.Before(t) {
			kind = "overdue"
		}
		to := []string{""}
		if mail {
			if to, err = recipientsOf(ctx, d, x.p.Unit); err != nil {
				return out, err
			}
		}
		for _, addr := range to {
			added := false
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var sent any
				if addr != "" {
					sent = tx.Now()
				}
				res, err := tx.Exec(ctx, `INSERT INTO opinion_reminders (assignment_id, kind, day, recipient, recorded_at, sent_at) VALUES (?, ?, ?, ?, ?, ?)
					ON CONFLICT DO NOTHING`, x.p.ID, kind, t.String(), addr, tx.Now(), sent)
				if err != nil {
					return fmt.Errorf("record opinion reminder: %w", err)
				}
				if n, _ := res.RowsAffected(); n == 0 {
					return nil
				}
				added = true
				if addr == "" {
					return nil
				}
				subject, body := reminderText(x.p, x.title, x.level, kind, site)
				_, err = push.Queue(ctx, tx, push.Message{Channel: push.Email, Recipient: addr, Subject: subject, Body: body,
					Link: itemPath(x.p.ItemID), Kind: KindReminder, Reference: fmt.Sprintf("%d/%d/%s", x.p.ItemID, x.p.ID, t)})
				return err
			})
			if err != nil {
				return out, err
			}
			if added {
				out = append(out, Reminder{x.p, kind, addr})
			}
		}
	}
	return out, nil
}

// reminderText writes a reminder in Chinese, the staff's language.
func reminderText(p Assignment, title, level, kind, site string) (subject, body string) {
	tr := func(key string, args ...any) string { return i18n.T(i18n.Zh, key, args...) }
	subject = tr("opinion.reminder.subject_"+kind, title, p.Due.String())
	body = tr("opinion.urge.body", p.Unit.Name, title, tr("opinion.level."+level), p.Due.String(), strings.TrimRight(site, "/")+itemPath(p.ItemID))
	return subject, body
}
