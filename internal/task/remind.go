package task

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/push"
)

// SoonDays is how many days before its due date a part is reminded of.
const SoonDays = 3

// KindReminder is the outbox's kind of a task reminder.
const KindReminder = "task.reminder"

// Reminder is one reminder the daily job found due.
type Reminder struct {
	Assignment Assignment
	Kind       string // "soon" or "overdue"
	To         string // address it was queued to; "" while mail is off
}

// Remind records, as of day today, a reminder for each open part due within
// SoonDays days ("soon") or past its due date ("overdue"), once per part,
// kind and due date (a new due date reminds again). While mail is on it
// also queues, on the outbox and in the transaction that records it, a
// message to the person the part was given to, or else to the editors and
// reviewers of the unit; the outbox retries a message that fails. While
// mail is off it records the reminder with no address, for the console.
func Remind(ctx context.Context, d *db.DB, mail bool, site string, today calendar.Date) ([]Reminder, error) {
	rows, err := d.Query(ctx, `SELECT `+cols+` FROM task_assignments t WHERE t.state IN ('assigned', 'returned') AND t.due_date <= ? ORDER BY t.id`,
		today.AddDays(SoonDays).String())
	if err != nil {
		return nil, fmt.Errorf("due task assignments: %w", err)
	}
	var open []Assignment
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		open = append(open, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Reminder
	for _, a := range open {
		if a.Unit, err = org.ByID(ctx, d, a.Unit.ID); err != nil {
			return out, err
		}
		kind := "soon"
		if a.Overdue(today) {
			kind = "overdue"
		}
		to := []string{""}
		if mail {
			if to, err = recipientsOf(ctx, d, a); err != nil {
				return out, err
			}
		}
		for _, addr := range to {
			added := false
			err := d.InTx(ctx, func(tx *db.Tx) error {
				res, err := tx.Exec(ctx, `INSERT INTO task_reminders (assignment_id, kind, due_date, day, recipient, recorded_at, sent_at)
					VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, a.ID, kind, a.Due.String(), today.String(), addr, tx.Now(), queuedAt(addr, tx.Now()))
				if err != nil {
					return fmt.Errorf("record task reminder: %w", err)
				}
				if n, _ := res.RowsAffected(); n == 0 || addr == "" {
					added = n > 0
					return nil
				}
				added = true
				subject, body := reminderText(a, kind, site)
				_, err = push.Queue(ctx, tx, push.Message{Channel: push.Email, Recipient: addr, Subject: subject, Body: body,
					Kind: KindReminder, Reference: fmt.Sprintf("%d/%s", a.ID, a.Due)})
				return err
			})
			if err != nil {
				return out, err
			}
			if added {
				out = append(out, Reminder{a, kind, addr})
			}
		}
	}
	return out, nil
}

// queuedAt is when a reminder's message was queued: now, or none while
// mail is off.
func queuedAt(addr string, now time.Time) any {
	if addr == "" {
		return nil
	}
	return now
}

// recipientsOf returns the addresses to remind of a: its person's, or the
// unit's editors and reviewers' when it has none (or they have no address).
func recipientsOf(ctx context.Context, q db.Querier, a Assignment) ([]string, error) {
	if a.Assignee != "" {
		p, err := auth.ByLogin(ctx, q, a.Assignee)
		if err == nil && p.Email != "" && !p.Disabled {
			return []string{strings.ToLower(p.Email)}, nil
		}
	}
	all, err := auth.InScope(ctx, q, a.Unit)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range all {
		if p.Unit.ID == a.Unit.ID && (p.Role == auth.UnitEditor || p.Role == auth.UnitReviewer) && p.Email != "" && !p.Disabled {
			out = append(out, strings.ToLower(p.Email))
		}
	}
	return out, nil
}

// reminderText writes a reminder in Chinese, the staff's language.
func reminderText(a Assignment, kind, site string) (subject, body string) {
	t, _ := ByNo(a.TaskNo)
	tr := func(key string, args ...any) string { return i18n.T(i18n.Zh, key, args...) }
	subject = tr("task.reminder.subject_"+kind, a.TaskNo, a.Due.String())
	body = tr("task.reminder.body", a.Unit.Name, a.TaskNo, t.Task, a.Due.String(),
		fmt.Sprintf("%s/admin/tasks/%d/%d", strings.TrimRight(site, "/"), a.TaskNo, a.ID))
	return subject, body
}

// KindReminders is the River kind of the daily reminder job.
const KindReminders = "task_reminders"

// RemindArgs is the reminder work of one China day.
type RemindArgs struct {
	Day string `json:"day"` // YYYY-MM-DD
}

func (RemindArgs) Kind() string { return KindReminders }

// Jobs returns the registration of the daily reminder job, for
// jobs.Config.Register: asked for every few minutes, done once a day (its
// day is its unique key over every state River keeps), so a process that
// was down at midnight does the day's work when it comes back. mail is nil
// while mail is off: the reminders are then recorded only.
func Jobs(d *db.DB, mail func() bool, site func() string, log *slog.Logger) func(*river.Workers) []*river.PeriodicJob {
	return func(w *river.Workers) []*river.PeriodicJob {
		river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[RemindArgs]) error {
			day, err := calendar.ParseDate(j.Args.Day)
			if err != nil {
				return river.JobCancel(err)
			}
			rs, err := Remind(ctx, d, mail(), site(), day)
			if len(rs) > 0 {
				log.Info("task reminders", "day", j.Args.Day, "n", len(rs))
			}
			return err
		}))
		once := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStateCompleted, rivertype.JobStatePending,
			rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled,
			rivertype.JobStateDiscarded, rivertype.JobStateCancelled}}}
		return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(5*time.Minute), func() (river.JobArgs, *river.InsertOpts) {
			return RemindArgs{Day: calendar.DateOf(d.Now().In(calendar.China)).String()}, once
		}, &river.PeriodicJobOpts{RunOnStart: true})}
	}
}

// Reminders returns the reminders recorded for assignment id, newest first.
func Reminders(ctx context.Context, q db.Querier, id int64) ([]Reminder, error) {
	rows, err := q.Query(ctx, `SELECT kind, recipient FROM task_reminders WHERE assignment_id = ? ORDER BY recorded_at DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reminder
	for rows.Next() {
		var r Reminder
		if err := rows.Scan(&r.Kind, &r.To); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
