package task

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

func idOf(a Assignment) string { return strconv.FormatInt(a.ID, 10) }

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func insert(ctx context.Context, tx *db.Tx, a *Assignment) error {
	err := tx.QueryRow(ctx, `INSERT INTO task_assignments (task_no, unit_id, assignee, due_date, state, assigned_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.TaskNo, a.Unit.ID, a.Assignee, a.Due.String(), a.State, a.AssignedBy,
		a.CreatedAt, a.UpdatedAt).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("add task assignment: %w", err)
	}
	return nil
}

// save writes every field of a that changes after it was made.
func save(ctx context.Context, tx *db.Tx, a Assignment) error {
	_, err := tx.Exec(ctx, `UPDATE task_assignments SET assignee = ?, due_date = ?, state = ?, note = ?, links = ?, return_reason = ?,
		assigned_by = ?, reported_by = ?, reported_at = ?, decided_by = ?, decided_at = ?, updated_at = ? WHERE id = ?`,
		a.Assignee, a.Due.String(), a.State, a.Note, strings.Join(a.Links, "\n"), a.ReturnReason, a.AssignedBy,
		a.ReportedBy, nullTime(a.ReportedAt), a.DecidedBy, nullTime(a.DecidedAt), a.UpdatedAt, a.ID)
	if err != nil {
		return fmt.Errorf("update task assignment: %w", err)
	}
	return nil
}

const cols = `t.id, t.task_no, t.unit_id, t.assignee, t.due_date, t.state, t.note, t.links, t.return_reason, t.assigned_by,
	t.reported_by, t.reported_at, t.decided_by, t.decided_at, t.created_at, t.updated_at`

func scan(s interface{ Scan(...any) error }) (Assignment, error) {
	var a Assignment
	var due, links string
	var rep, dec sql.NullTime
	err := s.Scan(&a.ID, &a.TaskNo, &a.Unit.ID, &a.Assignee, &due, &a.State, &a.Note, &links, &a.ReturnReason, &a.AssignedBy,
		&a.ReportedBy, &rep, &a.DecidedBy, &dec, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.ReportedAt, a.DecidedAt = rep.Time, dec.Time
	if links != "" {
		a.Links = strings.Split(links, "\n")
	}
	a.Due, err = calendar.ParseDate(due)
	return a, err
}

func notFound(id string) error { return errs.New(errs.NotFound, "task.assignment_not_found", id) }

// ByID returns an assignment with its unit and files, or a NotFound error.
func ByID(ctx context.Context, q db.Querier, id int64) (Assignment, error) {
	return loadOne(ctx, q, `t.id = ?`, id)
}

// find returns task no's assignment to unit unitID, or a NotFound error.
func find(ctx context.Context, q db.Querier, no int, unitID int64) (Assignment, error) {
	return loadOne(ctx, q, `t.task_no = ? AND t.unit_id = ?`, no, unitID)
}

func loadOne(ctx context.Context, q db.Querier, where string, args ...any) (Assignment, error) {
	a, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM task_assignments t WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Assignment{}, notFound(fmt.Sprint(args...))
	}
	if err != nil {
		return Assignment{}, fmt.Errorf("load task assignment: %w", err)
	}
	if a.Unit, err = org.ByID(ctx, q, a.Unit.ID); err != nil {
		return Assignment{}, err
	}
	a.Files, err = filesOf(ctx, q, a.ID)
	return a, err
}

// InScope returns the assignments of the units in scope's subtree, by task
// number, then unit code; with task > 0, only that task's. Files are not
// loaded: lists do not show them.
func InScope(ctx context.Context, q db.Querier, scope org.Unit, task int) ([]Assignment, error) {
	where, args := `u.path LIKE ?`, []any{scope.Path + "%"}
	if task > 0 {
		where += ` AND t.task_no = ?`
		args = append(args, task)
	}
	rows, err := q.Query(ctx, `SELECT `+cols+` FROM task_assignments t JOIN units u ON u.id = t.unit_id WHERE `+where+
		` ORDER BY t.task_no, u.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("list task assignments: %w", err)
	}
	var out []Assignment
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list task assignments: %w", err)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	units := org.NewMemo(q)
	for i := range out {
		if out[i].Unit, err = units.ByID(ctx, out[i].Unit.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func insertFile(ctx context.Context, tx *db.Tx, id int64, at info.Attachment) error {
	_, err := tx.Exec(ctx, `INSERT INTO task_files (assignment_id, seq, name, sha256, size, mime) VALUES (?, ?, ?, ?, ?, ?)`,
		id, at.Seq, at.Name, at.SHA256, at.Size, at.MIME)
	if err != nil {
		return fmt.Errorf("add task file: %w", err)
	}
	return nil
}

func filesOf(ctx context.Context, q db.Querier, id int64) ([]info.Attachment, error) {
	rows, err := q.Query(ctx, `SELECT seq, name, sha256, size, mime FROM task_files WHERE assignment_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("list task files: %w", err)
	}
	defer rows.Close()
	var out []info.Attachment
	for rows.Next() {
		var at info.Attachment
		if err := rows.Scan(&at.Seq, &at.Name, &at.SHA256, &at.Size, &at.MIME); err != nil {
			return nil, err
		}
		out = append(out, at)
	}
	return out, rows.Err()
}

// File returns file seq of a, or a NotFound error.
func (a Assignment) File(seq int) (info.Attachment, error) {
	for _, f := range a.Files {
		if f.Seq == seq {
			return f, nil
		}
	}
	return info.Attachment{}, errs.New(errs.NotFound, "task.file_not_found", seq)
}
