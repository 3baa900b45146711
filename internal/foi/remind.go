package foi

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/push"
)

// Sender is the outbox's delivery, *push.Service: reminders are queued
// only while it sends e-mail.
type Sender interface {
	Enabled(channel string) bool
}

// DailyResult is what the daily work did.
type DailyResult struct {
	Closed int // applications Sweep closed as abandoned
	Sent   int // reminder messages queued on the outbox
}

// Daily does the work of day today: it closes the applications whose
// correction or fee period ran out (Sweep), then reminds the handlers of
// what is due (Remind), unless s is nil or sends no e-mail because mail is
// off. Links in messages start with site (the public URL).
func Daily(ctx context.Context, d *db.DB, cal *calendar.Calendar, s Sender, site string, today calendar.Date, more ...DueSource) (DailyResult, error) {
	var closed int
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		closed, err = Sweep(ctx, tx, today)
		return err
	})
	if err != nil {
		return DailyResult{}, err
	}
	res := DailyResult{Closed: closed}
	if s == nil || !s.Enabled(push.Email) {
		return res, nil
	}
	res.Sent, err = Remind(ctx, d, cal, site, today, more...)
	return res, err
}

// Due is an item a person is reminded of: an application, or an item of
// another source on the same kind of clock (a citizen's message), which
// Daily gets from its DueSources. One reminder message to a person lists
// every item of every source due for them.
type Due struct {
	// Ref names the item in the reminder ledger, unique across sources:
	// "foi:12", "message:7".
	Ref        string
	Source     string // "foi" or "message": the line's words
	ID         int64  // the item's ID in its source
	TrackingNo string
	Unit       org.Unit
	Handler    string // the handler's login; "" for the unit's staff
	Urgency    Urgency
	Path       string // the console page, from the site's root
}

// DueSource lists the items of a source due soon or overdue on day today
// in root's subtree.
type DueSource func(ctx context.Context, q db.Querier, cal *calendar.Calendar, root org.Unit, today calendar.Date) ([]Due, error)

// due is an item a recipient is reminded of with what is due and whether
// it is overdue: "reply.overdue".
type due struct {
	Due
	kind string
}

// applications is the DueSource of applications for disclosure.
func applications(ctx context.Context, q db.Querier, cal *calendar.Calendar, root org.Unit, today calendar.Date) ([]Due, error) {
	urgent, err := Urgent(ctx, q, cal, root, today)
	if err != nil {
		return nil, err
	}
	out := make([]Due, len(urgent))
	for i, l := range urgent {
		out[i] = Due{Ref: fmt.Sprintf("foi:%d", l.ID), Source: "foi", ID: l.ID, TrackingNo: l.TrackingNo, Unit: l.Unit,
			Handler: l.Handler, Urgency: l.Urgency, Path: fmt.Sprintf("/admin/foi/%d", l.ID)}
	}
	return out, nil
}

// recipient is an address with the applications to remind it of.
type recipient struct {
	email string
	name  string
	items []due
}

// Remind queues on the outbox, as of day today, one message to each
// person with open applications, and the items of the more sources, due
// within DueSoonDays working days or overdue: the item's handler, or, when
// it has none or the handler has no e-mail address, the editors and
// reviewers of its unit. Each (item, kind, day, recipient) is recorded in
// the reminder ledger (reminders_sent) in the transaction that queues its
// message and not queued again; the outbox retries a message that fails.
// It returns how many messages were queued. Links in the messages start
// with site.
func Remind(ctx context.Context, d *db.DB, cal *calendar.Calendar, site string, today calendar.Date, more ...DueSource) (queued int, err error) {
	items, err := dueOn(ctx, d, cal, today, append([]DueSource{applications}, more...))
	if err != nil {
		return 0, err
	}
	rs, err := recipients(ctx, d, items)
	if err != nil {
		return 0, err
	}
	for _, r := range rs {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			if r.items, err = unsent(ctx, tx, r, today); err != nil || len(r.items) == 0 {
				return err
			}
			subject, body := reminderText(r, site, today)
			if _, err := push.Queue(ctx, tx, push.Message{Channel: push.Email, Recipient: r.email, Subject: subject, Body: body,
				Kind: KindReminder, Reference: today.String()}); err != nil {
				return err
			}
			queued++
			return recordSent(ctx, tx, r, today)
		})
		if err != nil {
			return queued, err
		}
	}
	return queued, nil
}

// dueOn returns every open item of the sources due soon or overdue on day
// today.
func dueOn(ctx context.Context, q db.Querier, cal *calendar.Calendar, today calendar.Date, sources []DueSource) ([]due, error) {
	roots, err := org.Roots(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []due
	for _, root := range roots {
		var urgent []Due
		for _, src := range sources {
			items, err := src(ctx, q, cal, root, today)
			if err != nil {
				return nil, err
			}
			urgent = append(urgent, items...)
		}
		for _, l := range urgent {
			kind := l.Urgency.What + ".soon"
			if l.Urgency.Overdue() {
				kind = l.Urgency.What + ".overdue"
			}
			out = append(out, due{l, kind})
		}
	}
	return out, nil
}

// recipients sorts the applications by whom to remind, in a stable order.
func recipients(ctx context.Context, q db.Querier, items []due) ([]*recipient, error) {
	handlers := map[string][]auth.Account{}
	units := map[int64][]auth.Account{}
	byEmail := map[string]*recipient{}
	var out []*recipient
	for _, it := range items {
		to, err := handlerOf(ctx, q, handlers, it.Handler)
		if err != nil {
			return nil, err
		}
		if len(to) > 0 && !CanHandle(to[0], it.Unit) {
			to = nil // the handler has moved out of the unit's scope
		}
		if len(to) == 0 {
			if to, err = unitStaff(ctx, q, units, it.Unit); err != nil {
				return nil, err
			}
		}
		for _, a := range to {
			key := strings.ToLower(a.Email)
			r := byEmail[key]
			if r == nil {
				r = &recipient{email: a.Email, name: cmp.Or(a.DisplayName, a.Login)}
				byEmail[key] = r
				out = append(out, r)
			}
			r.items = append(r.items, it)
		}
	}
	for _, r := range out {
		slices.SortStableFunc(r.items, func(x, y due) int {
			return cmp.Or(cmp.Compare(x.Urgency.Left, y.Urgency.Left), cmp.Compare(x.Source, y.Source), cmp.Compare(x.ID, y.ID))
		})
	}
	slices.SortFunc(out, func(x, y *recipient) int { return cmp.Compare(x.email, y.email) })
	return out, nil
}

// handlerOf returns the handler's account as a recipient, or none if there
// is no handler, it is disabled or has no e-mail address.
func handlerOf(ctx context.Context, q db.Querier, cache map[string][]auth.Account, login string) ([]auth.Account, error) {
	if login == "" {
		return nil, nil
	}
	if to, ok := cache[login]; ok {
		return to, nil
	}
	a, err := auth.ByLogin(ctx, q, login)
	var to []auth.Account
	switch {
	case errs.KindOf(err) == errs.NotFound: // the handler's account is gone
	case err != nil:
		return nil, err
	case a.Email != "" && !a.Disabled:
		to = []auth.Account{a}
	}
	cache[login] = to
	return to, nil
}

// unitStaff returns the enabled editors and reviewers of unit u itself
// (not of the units under it) that have an e-mail address.
func unitStaff(ctx context.Context, q db.Querier, cache map[int64][]auth.Account, u org.Unit) ([]auth.Account, error) {
	if to, ok := cache[u.ID]; ok {
		return to, nil
	}
	all, err := auth.InScope(ctx, q, u)
	if err != nil {
		return nil, err
	}
	var to []auth.Account
	for _, a := range all {
		if a.Unit.ID == u.ID && (a.Role == auth.UnitEditor || a.Role == auth.UnitReviewer) && a.Email != "" && !a.Disabled {
			to = append(to, a)
		}
	}
	cache[u.ID] = to
	return to, nil
}

// unsent returns r's items not yet reminded of on day today.
func unsent(ctx context.Context, q db.Querier, r *recipient, today calendar.Date) ([]due, error) {
	rows, err := q.Query(ctx, `SELECT ref, kind FROM reminders_sent WHERE recipient = ? AND day = ?`, strings.ToLower(r.email), today.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	done := map[string]bool{}
	for rows.Next() {
		var ref, kind string
		if err := rows.Scan(&ref, &kind); err != nil {
			return nil, err
		}
		done[ref+" "+kind] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []due
	for _, it := range r.items {
		if !done[it.Ref+" "+it.kind] {
			out = append(out, it)
		}
	}
	return out, nil
}

// recordSent records the reminders of a message queued.
func recordSent(ctx context.Context, tx *db.Tx, r *recipient, today calendar.Date) error {
	for _, it := range r.items {
		if _, err := tx.Exec(ctx, `INSERT INTO reminders_sent (ref, kind, day, recipient, sent_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			it.Ref, it.kind, today.String(), strings.ToLower(r.email), tx.Now()); err != nil {
			return fmt.Errorf("record reminder: %w", err)
		}
	}
	return nil
}

// reminderText writes the message to r, in Chinese: the staff's language.
func reminderText(r *recipient, site string, today calendar.Date) (subject, body string) {
	t := func(key string, args ...any) string { return i18n.T(i18n.Zh, key, args...) }
	var b strings.Builder
	b.WriteString(t("foi.reminder.greeting", r.name) + "\n\n")
	b.WriteString(t("foi.reminder.intro", today.String()) + "\n")
	for i, it := range r.items {
		u := it.Urgency
		what := t("foi.urgency." + u.What)
		b.WriteString("\n" + t("foi.reminder.item", i+1, t("foi.reminder.source."+it.Source), it.TrackingNo, it.Unit.Name) + "\n")
		switch {
		case u.Left < 0:
			b.WriteString(i18n.N(i18n.Zh, "foi.reminder.overdue", -u.Left, what, u.Due, -u.Left))
		case u.Left == 0:
			b.WriteString(t("foi.reminder.due_today", what, u.Due))
		default:
			b.WriteString(i18n.N(i18n.Zh, "foi.reminder.due_soon", u.Left, what, u.Due, u.Left))
		}
		b.WriteString("\n" + t("foi.reminder.link", strings.TrimRight(site, "/")+it.Path) + "\n")
	}
	b.WriteString("\n" + t("foi.reminder.footer") + "\n")
	return t("foi.reminder.subject", len(r.items), today.String()), b.String()
}
