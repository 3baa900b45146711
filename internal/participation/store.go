package participation

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

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func insert(ctx context.Context, tx *db.Tx, c *Consultation) error {
	err := tx.QueryRow(ctx, `INSERT INTO consultations (unit_id, title, body, body_text, explanation, how_to, parties, start_date, end_date,
		short_reason, screen_release, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Unit.ID, c.Title, c.Body, c.BodyText, c.Explanation, c.HowTo, c.Parties, c.Start, c.End, c.ShortReason, c.ScreenRelease, c.Status,
		c.CreatedBy, c.CreatedAt, c.UpdatedAt).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("add consultation: %w", err)
	}
	return nil
}

// save writes every field of c that changes after it was made.
func save(ctx context.Context, tx *db.Tx, c Consultation) error {
	_, err := tx.Exec(ctx, `UPDATE consultations SET title = ?, body = ?, body_text = ?, explanation = ?, how_to = ?, parties = ?, start_date = ?,
		end_date = ?, short_reason = ?, screen_release = ?, status = ?, policy_id = ?, feedback = ?, feedback_at = ?, feedback_by = ?,
		published_at = ?, published_by = ?, updated_at = ? WHERE id = ?`,
		c.Title, c.Body, c.BodyText, c.Explanation, c.HowTo, c.Parties, c.Start, c.End, c.ShortReason, c.ScreenRelease, c.Status,
		nullID(c.PolicyID), c.Feedback, nullTime(c.FeedbackAt), c.FeedbackBy, nullTime(c.PublishedAt), c.PublishedBy, c.UpdatedAt, c.ID)
	if err != nil {
		return fmt.Errorf("update consultation: %w", err)
	}
	return nil
}

const cols = `c.id, c.unit_id, c.title, c.body, c.body_text, c.explanation, c.how_to, c.parties, c.start_date, c.end_date, c.short_reason,
	c.screen_release, c.status, c.policy_id, c.feedback, c.feedback_at, c.feedback_by, c.published_at, c.published_by, c.created_by,
	c.created_at, c.updated_at, (SELECT COUNT(*) FROM consultation_comments m WHERE m.consultation_id = c.id AND NOT m.hidden)`

// listCols are cols without the texts, for lists.
var listCols = strings.Replace(cols, `c.body, c.body_text, c.explanation, c.how_to, c.parties,`, `'', '', '', '', '',`, 1)

func scan(s interface{ Scan(...any) error }) (Consultation, error) {
	var c Consultation
	var policy sql.NullInt64
	var fb, pub sql.NullTime
	err := s.Scan(&c.ID, &c.Unit.ID, &c.Title, &c.Body, &c.BodyText, &c.Explanation, &c.HowTo, &c.Parties, &c.Start, &c.End, &c.ShortReason,
		&c.ScreenRelease, &c.Status, &policy, &c.Feedback, &fb, &c.FeedbackBy, &pub, &c.PublishedBy, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt, &c.Comments)
	c.PolicyID, c.FeedbackAt, c.PublishedAt = policy.Int64, fb.Time, pub.Time
	return c, err
}

// ByID returns a consultation with its unit and files, or a NotFound
// error.
func ByID(ctx context.Context, q db.Querier, id int64) (Consultation, error) {
	c, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM consultations c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Consultation{}, notFound(id)
	}
	if err != nil {
		return Consultation{}, fmt.Errorf("load consultation: %w", err)
	}
	if c.Unit, err = org.ByID(ctx, q, c.Unit.ID); err != nil {
		return Consultation{}, err
	}
	c.Files, err = filesOf(ctx, q, c.ID)
	return c, err
}

// Filter selects consultations for a list.
type Filter struct {
	// Scope keeps the consultations of the units under it; nil keeps all.
	Scope *org.Unit
	// Public keeps the published ones only; Phase (Upcoming, Open, Closed)
	// those in it on Today.
	Public bool
	Phase  string
	Today  calendar.Date
	// Status keeps the ones of a status, in the console.
	Status        Status
	Limit, Offset int
}

func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Scope != nil {
		conds, args = append(conds, `c.unit_id IN (SELECT id FROM units WHERE path LIKE ?)`), append(args, f.Scope.Path+"%")
	}
	if f.Public {
		conds, args = append(conds, `c.status = ?`), append(args, Published)
	} else if f.Status != "" {
		conds, args = append(conds, `c.status = ?`), append(args, f.Status)
	}
	day := f.Today.String()
	switch f.Phase {
	case Upcoming:
		conds, args = append(conds, `c.start_date > ?`), append(args, day)
	case Open:
		conds, args = append(conds, `c.start_date <= ? AND c.end_date >= ?`), append(args, day, day)
	case Closed:
		conds, args = append(conds, `c.end_date < ?`), append(args, day)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

// List returns the consultations f selects, newest first (open ones by
// the day they close), each with its unit, and how many there are in all.
func List(ctx context.Context, q db.Querier, f Filter) ([]Consultation, int, error) {
	where, args := f.where()
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM consultations c`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count consultations: %w", err)
	}
	order := ` ORDER BY c.start_date DESC, c.id DESC`
	if f.Phase == Open {
		order = ` ORDER BY c.end_date, c.id`
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	out, err := list(ctx, q, `SELECT `+listCols+` FROM consultations c`+where+order+` LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	return out, total, err
}

// ByPolicy returns the published consultations whose final policy is the
// information record with id record.
func ByPolicy(ctx context.Context, q db.Querier, record int64) ([]Consultation, error) {
	return list(ctx, q, `SELECT `+listCols+` FROM consultations c WHERE c.policy_id = ? AND c.status = ? ORDER BY c.id`, record, Published)
}

// FeedbackDue returns the consultations under scope published before the
// instant before and closed before day asOf whose feedback report was not
// published before that instant: those an inspection as of asOf looks at.
func FeedbackDue(ctx context.Context, q db.Querier, scope org.Unit, asOf calendar.Date, before time.Time) ([]Consultation, error) {
	return list(ctx, q, `SELECT `+listCols+` FROM consultations c WHERE c.unit_id IN (SELECT id FROM units WHERE path LIKE ?)
		AND c.status = ? AND c.published_at < ? AND c.end_date < ? AND (c.feedback_at IS NULL OR c.feedback_at >= ?) ORDER BY c.end_date, c.id`,
		scope.Path+"%", Published, before.UTC(), asOf.String(), before.UTC())
}

func list(ctx context.Context, q db.Querier, query string, args ...any) ([]Consultation, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list consultations: %w", err)
	}
	var out []Consultation
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
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
	_, err := tx.Exec(ctx, `INSERT INTO consultation_files (consultation_id, seq, name, sha256, size, mime, text) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, at.Seq, at.Name, at.SHA256, at.Size, at.MIME, at.Text)
	if err != nil {
		return fmt.Errorf("add consultation file: %w", err)
	}
	return nil
}

func deleteFile(ctx context.Context, tx *db.Tx, id int64, seq int) error {
	if _, err := tx.Exec(ctx, `DELETE FROM consultation_files WHERE consultation_id = ? AND seq = ?`, id, seq); err != nil {
		return fmt.Errorf("remove consultation file: %w", err)
	}
	return nil
}

func filesOf(ctx context.Context, q db.Querier, id int64) ([]info.Attachment, error) {
	rows, err := q.Query(ctx, `SELECT seq, name, sha256, size, mime, text FROM consultation_files WHERE consultation_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("load consultation files: %w", err)
	}
	defer rows.Close()
	var out []info.Attachment
	for rows.Next() {
		var at info.Attachment
		if err := rows.Scan(&at.Seq, &at.Name, &at.SHA256, &at.Size, &at.MIME, &at.Text); err != nil {
			return nil, err
		}
		out = append(out, at)
	}
	return out, rows.Err()
}

func insertComment(ctx context.Context, tx *db.Tx, m *Comment) error {
	err := tx.QueryRow(ctx, `INSERT INTO consultation_comments (consultation_id, content, masked, personal, name, phone, email, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, m.ConsultationID, m.Content, m.Masked, m.Personal, m.Name, m.Phone, m.Email, m.At).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("add comment: %w", err)
	}
	return nil
}

func saveComment(ctx context.Context, tx *db.Tx, m Comment) error {
	_, err := tx.Exec(ctx, `UPDATE consultation_comments SET hidden = ?, hidden_reason = ?, hidden_by = ?, decision = ?, decision_reason = ?,
		decided_by = ? WHERE id = ?`, m.Hidden, m.HiddenReason, m.HiddenBy, m.Decision, m.DecisionReason, m.DecidedBy, m.ID)
	if err != nil {
		return fmt.Errorf("update comment: %w", err)
	}
	return nil
}

const commentCols = `id, consultation_id, content, masked, personal, name, phone, email, created_at, hidden, hidden_reason, hidden_by,
	decision, decision_reason, decided_by`

func scanComment(s interface{ Scan(...any) error }) (Comment, error) {
	var m Comment
	err := s.Scan(&m.ID, &m.ConsultationID, &m.Content, &m.Masked, &m.Personal, &m.Name, &m.Phone, &m.Email, &m.At, &m.Hidden,
		&m.HiddenReason, &m.HiddenBy, &m.Decision, &m.DecisionReason, &m.DecidedBy)
	return m, err
}

// CommentsOf returns every comment of consultation id, hidden ones
// included, in the order they came, numbered.
func CommentsOf(ctx context.Context, q db.Querier, id int64) ([]Comment, error) {
	rows, err := q.Query(ctx, `SELECT `+commentCols+` FROM consultation_comments WHERE consultation_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("load comments: %w", err)
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		m, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		m.Seq = len(out) + 1
		out = append(out, m)
	}
	return out, rows.Err()
}

// commentOf returns comment id of consultation c, or a NotFound error.
func commentOf(ctx context.Context, q db.Querier, c, id int64) (Comment, error) {
	m, err := scanComment(q.QueryRow(ctx, `SELECT `+commentCols+` FROM consultation_comments WHERE id = ? AND consultation_id = ?`, id, c))
	if errors.Is(err, sql.ErrNoRows) {
		return Comment{}, errs.New(errs.NotFound, "consult.comment_not_found", id)
	}
	if err != nil {
		return Comment{}, fmt.Errorf("load comment: %w", err)
	}
	return m, nil
}

// MinDays returns the shortest period of unit u: its own setting, or the
// nearest unit's above it, or DefaultMinDays.
func MinDays(ctx context.Context, q db.Querier, u org.Unit) (int, error) {
	var ids []any
	for _, s := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return DefaultMinDays, nil
	}
	rows, err := q.Query(ctx, `SELECT unit_id, min_days FROM consultation_settings WHERE unit_id IN (?`+strings.Repeat(`, ?`, len(ids)-1)+`)`, ids...)
	if err != nil {
		return 0, fmt.Errorf("load shortest period: %w", err)
	}
	defer rows.Close()
	set := map[int64]int{}
	for rows.Next() {
		var id int64
		var days int
		if err := rows.Scan(&id, &days); err != nil {
			return 0, err
		}
		set[id] = days
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if days, ok := set[ids[i].(int64)]; ok {
			return days, nil
		}
	}
	return DefaultMinDays, nil
}

func saveMinDays(ctx context.Context, tx *db.Tx, u org.Unit, days int, by string) error {
	_, err := tx.Exec(ctx, `INSERT INTO consultation_settings (unit_id, min_days, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (unit_id) DO UPDATE SET min_days = excluded.min_days, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		u.ID, days, by, tx.Now())
	if err != nil {
		return fmt.Errorf("save shortest period: %w", err)
	}
	return nil
}
