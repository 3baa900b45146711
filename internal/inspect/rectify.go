package inspect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Finding states under rectification.
const (
	StateOpen     = "open"     // found, not yet re-checked
	StateClosed   = "closed"   // a re-check no longer found it
	StateReopened = "reopened" // the unit said fixed, a re-check found it again
)

// Answers a unit gives to a finding.
const (
	AnswerFixed    = "fixed"
	AnswerDisputed = "disputed"
)

// Notice is a rectification notice (整改通知): a unit's findings in a run,
// to fix within a number of working days.
type Notice struct {
	ID        int64
	RunID     int64
	Unit      org.Unit
	IssuedBy  string
	IssuedAt  time.Time
	Days      int
	Due       string
	Note      string
	RecheckID int64
	ClosedAt  sql.NullTime
	Findings  []Finding
	// Open counts the findings not closed.
	Open int
}

// Overdue reports whether the notice is past its due date with findings
// still open on day today.
func (n Notice) Overdue(today calendar.Date) bool {
	due, err := calendar.ParseDate(n.Due)
	return err == nil && !n.ClosedAt.Valid && today.After(due)
}

// maxNoticeDays bounds the working days a notice may give.
const maxNoticeDays = 60

// SendNotice sends the unit's findings in a saved run to it, due within
// days working days of today on the calendar cal. Only an office over the
// unit may send one, once per run and unit.
func SendNotice(ctx context.Context, tx *db.Tx, cal *calendar.Calendar, a auth.Account, runID int64, unit org.Unit, days int, note string) (Notice, error) {
	if !CanRun(a, unit) {
		return Notice{}, errs.New(errs.Forbidden, "error.forbidden")
	}
	if days < 1 || days > maxNoticeDays {
		return Notice{}, errs.InvalidField("days", "inspect.notice_days", maxNoticeDays)
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 2000 {
		return Notice{}, errs.InvalidField("note", "inspect.note_long", 2000)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM inspect_findings WHERE run_id = ? AND unit_id = ?`, runID, unit.ID).Scan(&n); err != nil {
		return Notice{}, err
	}
	if n == 0 {
		return Notice{}, errs.New(errs.Invalid, "inspect.notice_nothing", unit.Name)
	}
	var exists int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM inspect_notices WHERE run_id = ? AND unit_id = ?`, runID, unit.ID).Scan(&exists); err != nil {
		return Notice{}, err
	}
	if exists > 0 {
		return Notice{}, errs.New(errs.Conflict, "inspect.notice_exists", unit.Name)
	}
	today := calendar.DateOf(tx.Now().In(calendar.China))
	due, err := cal.AddWorkdays(today, days)
	if err != nil {
		return Notice{}, err
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO inspect_notices (run_id, unit_id, issued_by, issued_at, days, due_date, note) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		runID, unit.ID, a.Login, tx.Now(), days, due.String(), note).Scan(&id)
	if err != nil {
		return Notice{}, fmt.Errorf("save notice: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE inspect_findings SET notice_id = ? WHERE run_id = ? AND unit_id = ?`, id, runID, unit.ID); err != nil {
		return Notice{}, err
	}
	if err := audit.Append(ctx, tx, a.Login, "inspect.notice", "inspect_notice", fmt.Sprint(id), map[string]any{"run": runID, "unit": unit.Code, "due": due.String(), "findings": n}); err != nil {
		return Notice{}, err
	}
	return NoticeByID(ctx, tx, id, a)
}

const noticeCols = `n.id, n.run_id, n.unit_id, n.issued_by, n.issued_at, n.days, n.due_date, n.note, COALESCE(n.recheck_run_id, 0), n.closed_at,
	(SELECT COUNT(*) FROM inspect_findings f WHERE f.notice_id = n.id AND f.state <> 'closed')`

func scanNotice(s interface{ Scan(...any) error }) (Notice, error) {
	var n Notice
	err := s.Scan(&n.ID, &n.RunID, &n.Unit.ID, &n.IssuedBy, &n.IssuedAt, &n.Days, &n.Due, &n.Note, &n.RecheckID, &n.ClosedAt, &n.Open)
	return n, err
}

// NoticeByID returns a notice with its findings, if a's scope holds its
// unit.
func NoticeByID(ctx context.Context, q db.Querier, id int64, a auth.Account) (Notice, error) {
	n, err := scanNotice(q.QueryRow(ctx, `SELECT `+noticeCols+` FROM inspect_notices n JOIN units u ON u.id = n.unit_id WHERE n.id = ? AND u.path LIKE ?`, id, a.Unit.Path+"%"))
	if errors.Is(err, sql.ErrNoRows) {
		return Notice{}, errs.New(errs.NotFound, "inspect.notice_not_found", id)
	}
	if err != nil {
		return Notice{}, fmt.Errorf("load notice: %w", err)
	}
	if n.Unit, err = org.ByID(ctx, q, n.Unit.ID); err != nil {
		return Notice{}, err
	}
	n.Findings, err = findings(ctx, q, `f.notice_id = ?`, n.ID)
	return n, err
}

// Notices lists the notices to units in a's scope, open ones first, then
// the newest.
func Notices(ctx context.Context, q db.Querier, a auth.Account, limit int) ([]Notice, error) {
	rows, err := q.Query(ctx, `SELECT `+noticeCols+` FROM inspect_notices n JOIN units u ON u.id = n.unit_id
		WHERE u.path LIKE ? ORDER BY n.closed_at IS NOT NULL, n.due_date, n.id DESC LIMIT ?`, a.Unit.Path+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	var out []Notice
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	dir, err := org.LoadDirectory(ctx, q)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Unit, err = dir.ByID(out[i].Unit.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AnswerFinding records the unit's answer to one finding of an open
// notice: fixed, or disputed with the reason. Editors and reviewers of the
// unit answer, and the offices above it.
func AnswerFinding(ctx context.Context, tx *db.Tx, a auth.Account, findingID int64, answer, note string) error {
	fs, err := findings(ctx, tx, `f.id = ? AND f.notice_id IS NOT NULL`, findingID)
	if err != nil {
		return err
	}
	if len(fs) == 0 {
		return errs.New(errs.NotFound, "inspect.finding_not_found", findingID)
	}
	f := fs[0]
	n, err := NoticeByID(ctx, tx, f.NoticeID, a)
	if err != nil {
		return err
	}
	if !a.Writes(n.Unit) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	if n.ClosedAt.Valid || f.State == StateClosed {
		return errs.New(errs.Conflict, "inspect.finding_closed")
	}
	note = strings.TrimSpace(note)
	switch {
	case answer != AnswerFixed && answer != AnswerDisputed:
		return errs.InvalidField("answer", "inspect.answer_kind")
	case answer == AnswerDisputed && note == "":
		return errs.InvalidField("answer_note", "inspect.dispute_reason")
	case utf8.RuneCountInString(note) > 2000:
		return errs.InvalidField("answer_note", "inspect.note_long", 2000)
	}
	if _, err := tx.Exec(ctx, `UPDATE inspect_findings SET answer = ?, answer_note = ?, answered_by = ? WHERE id = ?`, answer, note, a.Login, findingID); err != nil {
		return err
	}
	return audit.Append(ctx, tx, a.Login, "inspect.answer", "inspect_finding", fmt.Sprint(findingID), map[string]any{"answer": answer, "note": note, "notice": n.ID})
}

// Recheck inspects the notice's unit again now and settles each of its
// findings: one no longer found is closed, one found again stays open (or
// is reopened if the unit said it was fixed). The notice closes when no
// finding is left open. Only an office over the unit re-checks.
func Recheck(ctx context.Context, d *db.DB, cal *calendar.Calendar, a auth.Account, noticeID int64) (Notice, error) {
	n, err := NoticeByID(ctx, d, noticeID, a)
	if err != nil {
		return Notice{}, err
	}
	if !CanRun(a, n.Unit) {
		return Notice{}, errs.New(errs.Forbidden, "error.forbidden")
	}
	if n.ClosedAt.Valid {
		return Notice{}, errs.New(errs.Conflict, "inspect.notice_closed")
	}
	// Saving the run settles the unit's open notices, this one included.
	if _, err := Inspect(ctx, d, cal, &a, Options{Scope: n.Unit, Save: true}); err != nil {
		return Notice{}, err
	}
	return NoticeByID(ctx, d, noticeID, a)
}

// settle settles the open notices of the units a saved run inspected, by
// what the run found: a finding no longer found is closed, one found again
// stays open (or is reopened if the unit said it was fixed), and a notice
// with none left open closes. The run's own notices are not settled.
func (run *Run) settle(ctx context.Context, tx *db.Tx) error {
	if run.AsOf != calendar.DateOf(run.StartedAt.In(calendar.China)).String() {
		return nil // a look at the past settles nothing now
	}
	rows, err := tx.Query(ctx, `SELECT f.id, f.unit_id, f.notice_id, f.rule, f.target, f.answer FROM inspect_findings f
		JOIN inspect_notices n ON n.id = f.notice_id JOIN units u ON u.id = f.unit_id
		WHERE n.closed_at IS NULL AND n.run_id <> ? AND u.path LIKE ? ORDER BY f.notice_id`, run.ID, run.Scope.Path+"%")
	if err != nil {
		return fmt.Errorf("open notices: %w", err)
	}
	type open struct {
		id, unitID, notice   int64
		rule, target, answer string
	}
	var fs []open
	for rows.Next() {
		var f open
		if err := rows.Scan(&f.id, &f.unitID, &f.notice, &f.rule, &f.target, &f.answer); err != nil {
			rows.Close()
			return err
		}
		fs = append(fs, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(fs) == 0 {
		return err
	}
	still := map[string]bool{}
	for _, u := range run.Units {
		for _, f := range u.Findings {
			still[fmt.Sprint(u.Unit.ID)+"\x00"+f.Rule+"\x00"+f.Target] = true
		}
	}
	left := map[int64]int{}
	for _, f := range fs {
		if _, ok := run.unitByID[f.unitID]; !ok {
			continue // a unit this run did not inspect
		}
		state := StateClosed
		left[f.notice] += 0
		if still[fmt.Sprint(f.unitID)+"\x00"+f.rule+"\x00"+f.target] {
			state = StateOpen
			if f.answer == AnswerFixed {
				state = StateReopened
			}
			left[f.notice]++
		}
		if _, err := tx.Exec(ctx, `UPDATE inspect_findings SET state = ? WHERE id = ?`, state, f.id); err != nil {
			return err
		}
	}
	for notice, n := range left {
		var closed any
		if n == 0 {
			closed = tx.Now()
		}
		if _, err := tx.Exec(ctx, `UPDATE inspect_notices SET recheck_run_id = ?, closed_at = ? WHERE id = ?`, run.ID, closed, notice); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, run.StartedBy, "inspect.recheck", "inspect_notice", fmt.Sprint(notice), map[string]any{"run": run.ID, "open": n}); err != nil {
			return err
		}
	}
	return nil
}

// Publish makes a run's results public on the portal (评议结果). The office
// whose scope the run is publishes it.
func Publish(ctx context.Context, tx *db.Tx, a auth.Account, runID int64) error {
	run, err := LoadRun(ctx, tx, runID, a)
	if err != nil {
		return err
	}
	if !CanRun(a, run.Scope) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	if run.PublishedAt.Valid {
		return errs.New(errs.Conflict, "inspect.already_published")
	}
	if _, err := tx.Exec(ctx, `UPDATE inspect_runs SET published_at = ?, published_by = ? WHERE id = ?`, tx.Now(), a.Login, runID); err != nil {
		return err
	}
	return audit.Append(ctx, tx, a.Login, "inspect.publish", "inspect_run", fmt.Sprint(runID), map[string]any{"scope": run.ScopeCode})
}

// RunNotices maps the units of a run to the notice each was sent.
func RunNotices(ctx context.Context, q db.Querier, runID int64) (map[int64]int64, error) {
	rows, err := q.Query(ctx, `SELECT unit_id, id FROM inspect_notices WHERE run_id = ?`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var u, n int64
		if err := rows.Scan(&u, &n); err != nil {
			return nil, err
		}
		out[u] = n
	}
	return out, rows.Err()
}
