package push

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

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

// KindFanout is the job that tells a published record's subscribers.
const KindFanout = "push_fanout"

// FanoutArgs is the job that tells the subscribers of one published record.
type FanoutArgs struct {
	Item Item `json:"item"`
}

func (FanoutArgs) Kind() string { return KindFanout }

// Published asks, in tx — the transaction that publishes the record — for
// its subscribers to be told (Fanout, by the job queue). Telling thousands
// of subscribers is not done in the publishing transaction itself: on
// SQLite it would hold the one write lock for seconds (BenchmarkPublished:
// 3.4 s for 1,000 messages). Asking again for the same record adds nothing.
// Historical imports do not call it.
func Published(ctx context.Context, tx *db.Tx, it Item) error {
	_, err := tx.Enqueue(ctx, FanoutArgs{Item: it}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}})
	return err
}

// fanoutBatch is how many subscriptions one transaction of Fanout tells,
// so that other writers wait at most for one batch.
const fanoutBatch = 100

// Fanout tells the subscribers who follow it, confirmed before it was
// published, of a published record: those who want it at once get a message each, those of a daily
// or weekly digest find it in their next one. A subscription follows a
// record when each kind of choice it made among units, domains and topics
// holds one of the record's: its unit or a unit above it, one of its
// domains, its topic. Audiences do not bear on records; a subscription
// that chose audiences only receives targeted notices. Subscriptions are
// told fanoutBatch to a transaction, and one already told of the record is
// skipped, so a fan-out cut short and run again tells nobody twice. It
// returns how many it told at once and how many will find it in a digest.
func Fanout(ctx context.Context, d *db.DB, it Item) (now, later int, err error) {
	anc, err := org.Ancestors(ctx, d, it.Unit)
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
	// Only subscriptions confirmed before the record was published: the
	// fan-out runs after, and a later subscriber is not sent the past.
	where, args := `s.state = ? AND (s.confirmed_at IS NULL OR s.confirmed_at < ?)
		AND EXISTS (SELECT 1 FROM push_filters f WHERE f.subscription_id = s.id AND f.dim IN (?, ?, ?))`,
		[]any{stateActive, it.Published, DimUnit, DimDomain, DimTopic}
	for _, c := range []struct {
		dim    string
		values []string
	}{{DimUnit, units}, {DimDomain, it.Domains}, {DimTopic, topics}} {
		w, a := followsOrOpen(c.dim, c.values)
		where, args = where+" AND "+w, append(args, a...)
	}
	subs, err := matching(ctx, d, where, args...)
	if err != nil {
		return 0, 0, err
	}
	for len(subs) > 0 {
		batch := subs[:min(fanoutBatch, len(subs))]
		subs = subs[len(batch):]
		err := d.InTx(ctx, func(tx *db.Tx) error {
			told, err := toldOf(ctx, tx, it.Reference, batch)
			if err != nil {
				return err
			}
			var msgs []Message
			for _, sub := range batch {
				if sub.Frequency != Immediate {
					res, err := tx.Exec(ctx, `INSERT INTO push_digest_items (subscription_id, reference, title, link, unit_name, published_at) VALUES (?, ?, ?, ?, ?, ?)
						ON CONFLICT DO NOTHING`, sub.ID, it.Reference, it.Title, it.Link, it.Unit.Name, it.Published)
					if err != nil {
						return fmt.Errorf("add to digest: %w", err)
					}
					if n, _ := res.RowsAffected(); n > 0 {
						later++
					}
					continue
				}
				if !told[sub.ID] {
					msgs = append(msgs, publishedMessage(sub, it))
				}
			}
			if err := QueueMany(ctx, tx, msgs); err != nil {
				return err
			}
			now += len(msgs)
			return nil
		})
		if err != nil {
			return now, later, err
		}
	}
	return now, later, nil
}

// toldOf returns which of subs already have a message of the record with
// index number ref in the outbox.
func toldOf(ctx context.Context, tx *db.Tx, ref string, subs []Subscription) (map[int64]bool, error) {
	args := []any{KindPublished, ref}
	for _, s := range subs {
		args = append(args, s.ID)
	}
	rs, err := tx.Query(ctx, `SELECT subscription_id FROM push_outbox WHERE kind = ? AND reference = ? AND subscription_id IN (`+placeholders(len(subs))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("subscribers told: %w", err)
	}
	defer rs.Close()
	told := map[int64]bool{}
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			return nil, err
		}
		told[id] = true
	}
	return told, rs.Err()
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
