package push

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/i18n"
)

// DigestArgs is the job that sends the digests of one period: a day
// ("2026-06-15") or an ISO week ("2026-W25"), China time.
type DigestArgs struct {
	Frequency string `json:"frequency"` // Daily or Weekly
	Period    string `json:"period"`
}

// KindDigestJob is the queue's name for DigestArgs.
const KindDigestJob = "push_digest"

func (DigestArgs) Kind() string { return KindDigestJob }

// digestHour is when, China time, a day's or a week's digest goes out:
// in the morning, not at midnight.
const digestHour = 8

// Period returns the digest period of frequency f that has begun at t:
// the day, or the ISO week starting on Monday, each from digestHour.
func Period(f string, t time.Time) string {
	c := t.In(calendar.China).Add(-digestHour * time.Hour)
	if f == Weekly {
		y, w := c.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	}
	return c.Format("2006-01-02")
}

// maxListed bounds the records a digest lists; the rest are counted.
const maxListed = 50

// SendDigests queues one digest to every active subscriber of frequency f
// who has records waiting and no digest of the period yet, each in a
// transaction of its own with the records marked as sent in it, so that a
// digest interrupted half way is finished by the next run without
// repeating any, and a period asked for again sends nothing more. It
// returns how many were queued.
func SendDigests(ctx context.Context, d *db.DB, f, period string) (int, error) {
	subs, err := ids(ctx, d, `SELECT DISTINCT s.id FROM push_subscriptions s JOIN push_digest_items i ON i.subscription_id = s.id
		WHERE s.state = ? AND s.frequency = ? AND i.outbox_id IS NULL ORDER BY s.id`, stateActive, f)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range subs {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			sub, err := byID(ctx, tx, id)
			if err != nil || !sub.Active() {
				return err
			}
			// The queue forgets finished jobs after a day, and a week is
			// longer: the outbox says whether this period's digest went.
			var sent int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM push_outbox WHERE kind = ? AND reference = ? AND subscription_id = ?`,
				KindDigest, f+":"+period, id).Scan(&sent); err != nil || sent > 0 {
				return err
			}
			items, err := pending(ctx, tx, id)
			if err != nil || len(items) == 0 {
				return err
			}
			oid, err := Queue(ctx, tx, digestMessage(sub, f, period, items))
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE push_digest_items SET outbox_id = ? WHERE subscription_id = ? AND outbox_id IS NULL`, oid, id)
			n++
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

type digestItem struct {
	ref, title, link, unit string
	published              time.Time
}

func pending(ctx context.Context, q db.Querier, subID int64) ([]digestItem, error) {
	rs, err := q.Query(ctx, `SELECT reference, title, link, unit_name, published_at FROM push_digest_items WHERE subscription_id = ? AND outbox_id IS NULL
		ORDER BY published_at, reference`, subID)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []digestItem
	for rs.Next() {
		var it digestItem
		if err := rs.Scan(&it.ref, &it.title, &it.link, &it.unit, &it.published); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rs.Err()
}

// digestMessage lists the records of a period for sub.
func digestMessage(sub Subscription, f, period string, items []digestItem) Message {
	t := func(key string, args ...any) string { return i18n.T(sub.Lang, key, args...) }
	var b strings.Builder
	b.WriteString(i18n.N(sub.Lang, "push.digest.intro", len(items), period, len(items)) + "\n")
	for i, it := range items {
		if i == maxListed {
			b.WriteString("\n" + t("push.digest.more", len(items)-maxListed, Site+"/zwgk/") + "\n")
			break
		}
		day := calendar.DateOf(it.published.In(calendar.China)).String()
		fmt.Fprintf(&b, "\n%d. %s\n   %s%s%s%s %s\n", i+1, it.title, it.unit, t("sep.comma"), day, t("sep.colon"), Site+it.link)
	}
	short := t("push.digest.short", len(items), items[0].title, Site+items[0].link)
	key := "push.digest.subject.daily"
	if f == Weekly {
		key = "push.digest.subject.weekly"
	}
	subject := i18n.N(sub.Lang, key, len(items), period, len(items))
	return compose(sub, KindDigest, f+":"+period, subject, b.String(), short, Site+items[0].link)
}

// UniquePerPeriod makes a digest job unique among all the jobs of its kind
// and args River keeps, finished ones included: a period's digest is sent
// once, whichever process asks.
var UniquePerPeriod = &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStateCompleted, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled,
	rivertype.JobStateDiscarded, rivertype.JobStateCancelled,
}}}

// Register adds the outbox's and the digests' workers to w and returns the
// periodic jobs that ask for each period's digests every few minutes;
// each period's is done once.
func (s *Service) Register(w *river.Workers) []*river.PeriodicJob {
	river.AddWorker(w, &deliverWorker{s: s})
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[FanoutArgs]) error {
		now, later, err := Fanout(ctx, s.db, j.Args.Item)
		if now+later > 0 {
			s.log.Info("subscribers told of a record", "record", j.Args.Item.Reference, "now", now, "digest", later)
		}
		return err
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[DigestArgs]) error {
		n, err := SendDigests(ctx, s.db, j.Args.Frequency, j.Args.Period)
		if n > 0 {
			s.log.Info("digests queued", "frequency", j.Args.Frequency, "period", j.Args.Period, "n", n)
		}
		return err
	}))
	var jobs []*river.PeriodicJob
	for _, f := range []string{Daily, Weekly} {
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(5*time.Minute), func() (river.JobArgs, *river.InsertOpts) {
			return DigestArgs{Frequency: f, Period: Period(f, s.db.Now())}, UniquePerPeriod
		}, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	return jobs
}
