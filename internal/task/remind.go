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
)

// SoonDays is how many days before its due date a part is reminded of.
const SoonDays = 3

// Sender sends one plain-text message; *mail.Sender is the real one (the
// same the reminders on applications use).
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Reminder is one reminder the daily job found due.
type Reminder struct {
	Assignment Assignment
	Kind       string // "soon" or "overdue"
	To         string // address it went to; "" while mail is off
}

// Remind records, as of day today, a reminder for each open part due within
// SoonDays days ("soon") or past its due date ("overdue"), once per part,
// kind and due date (a new due date reminds again). With a sender it also
// mails each reminder to the person the part was given to, or else to the
// editors and reviewers of the unit, and records the address; without one
// (mail off) it records the reminder with no address, for the console. A
// failed message records nothing, so the next run tries again.
func Remind(ctx context.Context, d *db.DB, s Sender, site string, today calendar.Date) ([]Reminder, error) {
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
	var failed []string
	for _, a := range open {
		if a.Unit, err = org.ByID(ctx, d, a.Unit.ID); err != nil {
			return out, err
		}
		kind := "soon"
		if a.Overdue(today) {
			kind = "overdue"
		}
		to := []string{""}
		if s != nil {
			if to, err = recipientsOf(ctx, d, a); err != nil {
				return out, err
			}
		}
		for _, addr := range to {
			var n int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM task_reminders WHERE assignment_id = ? AND kind = ? AND due_date = ? AND recipient = ?`,
				a.ID, kind, a.Due.String(), addr).Scan(&n); err != nil {
				return out, err
			}
			if n > 0 {
				continue
			}
			var sentAt any
			if addr != "" {
				subject, body := reminderText(a, kind, site)
				if err := s.Send(ctx, addr, subject, body); err != nil {
					failed = append(failed, addr+": "+err.Error())
					continue
				}
				sentAt = d.Now().UTC()
			}
			// Recorded even if the server is stopping now: else a restart
			// sends it again.
			err := d.InTx(context.WithoutCancel(ctx), func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO task_reminders (assignment_id, kind, due_date, day, recipient, recorded_at, sent_at)
					VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, a.ID, kind, a.Due.String(), today.String(), addr, tx.Now(), sentAt)
				return err
			})
			if err != nil {
				return out, fmt.Errorf("record task reminder: %w", err)
			}
			out = append(out, Reminder{a, kind, addr})
		}
	}
	if len(failed) > 0 {
		return out, fmt.Errorf("task reminders not sent: %s", strings.Join(failed, "; "))
	}
	return out, nil
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
func Jobs(d *db.DB, mail Sender, site func() string, log *slog.Logger) func(*river.Workers) []*river.PeriodicJob {
	return func(w *river.Workers) []*river.PeriodicJob {
		river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[RemindArgs]) error {
			day, err := calendar.ParseDate(j.Args.Day)
			if err != nil {
				return river.JobCancel(err)
			}
			rs, err := Remind(ctx, d, mail, site(), day)
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
