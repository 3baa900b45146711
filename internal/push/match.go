package push

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// Item is a record just published, as subscribers are told of it.
type Item struct {
	Reference string // the index number (索引号)
	Title     string
	Link      string // the record's page, a path
	Unit      org.Unit
	Domains   []string // codes of the domains of the catalog items it is loaded against
	Topic     string
	Published time.Time
}

// Published tells the confirmed subscribers who follow it of a record
// published now, in tx: those who want it at once get a message each,
// those of a daily or weekly digest find it in their next one. A
// subscription follows a record when each kind of choice it made among
// units, domains and topics holds one of the record's: its unit or a unit
// above it, one of its domains, its topic. Audiences do not bear on
// records; a subscription that chose audiences only receives targeted
// notices. Historical imports do not call it. It returns how many were
// told at once and how many will be in a digest.
func Published(ctx context.Context, tx *db.Tx, it Item) (now, later int, err error) {
	anc, err := org.Ancestors(ctx, tx, it.Unit)
	if err != nil {
		return 0, 0, err
	}
	units := []string{it.Unit.Code}
	for _, u := range anc {
		units = append(units, u.Code)
	}
	var topics []string
	if it.Topic != "" {
		topics = []string{it.Topic}
	}
	where, args := `s.state = ? AND EXISTS (SELECT 1 FROM push_filters f WHERE f.subscription_id = s.id AND f.dim IN (?, ?, ?))`,
		[]any{stateActive, DimUnit, DimDomain, DimTopic}
	for _, c := range []struct {
		dim    string
		values []string
	}{{DimUnit, units}, {DimDomain, it.Domains}, {DimTopic, topics}} {
		w, a := followsOrOpen(c.dim, c.values)
		where, args = where+" AND "+w, append(args, a...)
	}
	subs, err := matching(ctx, tx, where, args...)
	if err != nil {
		return 0, 0, err
	}
	for _, sub := range subs {
		if sub.Frequency != Immediate {
			if _, err := tx.Exec(ctx, `INSERT INTO push_digest_items (subscription_id, reference, title, link, unit_name, published_at) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, sub.ID, it.Reference, it.Title, it.Link, it.Unit.Name, it.Published); err != nil {
				return now, later, fmt.Errorf("add to digest: %w", err)
			}
			later++
			continue
		}
		if _, err := Queue(ctx, tx, publishedMessage(sub, it)); err != nil {
			return now, later, err
		}
		now++
	}
	return now, later, nil
}

// followsOrOpen is the condition that a subscription either made no choice
// of kind dim or chose one of values.
func followsOrOpen(dim string, values []string) (string, []any) {
	none := `NOT EXISTS (SELECT 1 FROM push_filters f WHERE f.subscription_id = s.id AND f.dim = ?)`
	if len(values) == 0 {
		return none, []any{dim}
	}
	w, a := follows(dim, values)
	return "(" + none + " OR " + w + ")", append([]any{dim}, a...)
}

// follows is the condition that a subscription chose one of values of
// kind dim.
func follows(dim string, values []string) (string, []any) {
	args := []any{dim}
	for _, v := range values {
		args = append(args, v)
	}
	return `EXISTS (SELECT 1 FROM push_filters f WHERE f.subscription_id = s.id AND f.dim = ? AND f.value IN (` + placeholders(len(values)) + `))`, args
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// matching returns the subscriptions that meet a condition on s, in id
// order.
func matching(ctx context.Context, q db.Querier, where string, args ...any) ([]Subscription, error) {
	rs, err := q.Query(ctx, `SELECT `+subColsOf("s")+` FROM push_subscriptions s WHERE `+where+` ORDER BY s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("match subscriptions: %w", err)
	}
	defer rs.Close()
	var out []Subscription
	for rs.Next() {
		sub, err := scanSub(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, rs.Err()
}

func subColsOf(alias string) string {
	return alias + "." + strings.ReplaceAll(subCols, ", ", ", "+alias+".")
}

// publishedMessage tells sub of a record at once.
func publishedMessage(sub Subscription, it Item) Message {
	t := func(key string, args ...any) string { return i18n.T(sub.Lang, key, args...) }
	link := Site + it.Link
	day := calendar.DateOf(it.Published.In(calendar.China)).String()
	body := t("push.published.body", it.Unit.Name, it.Title, day, link)
	return compose(sub, KindPublished, it.Reference, t("push.published.subject", it.Title), body,
		t("push.published.short", it.Unit.Name, it.Title, link), link)
}
