package training

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

func kindsText(ks []org.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

func insert(ctx context.Context, tx *db.Tx, s *Session) error {
	err := tx.QueryRow(ctx, `INSERT INTO training_sessions (organiser_id, day, topic, kind, audience, audience_kinds, place, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.Organiser.ID, s.Date, s.Topic, s.Kind, s.Audience, kindsText(s.AudienceKinds), s.Place,
		s.CreatedBy, s.CreatedAt, s.UpdatedAt).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("add training session: %w", err)
	}
	return nil
}

func save(ctx context.Context, tx *db.Tx, s Session) error {
	_, err := tx.Exec(ctx, `UPDATE training_sessions SET day = ?, topic = ?, kind = ?, audience = ?, audience_kinds = ?, place = ?, updated_at = ? WHERE id = ?`,
		s.Date, s.Topic, s.Kind, s.Audience, kindsText(s.AudienceKinds), s.Place, s.UpdatedAt, s.ID)
	if err != nil {
		return fmt.Errorf("update training session: %w", err)
	}
	return nil
}

func saveAttendance(ctx context.Context, tx *db.Tx, session int64, t Attendance) error {
	_, err := tx.Exec(ctx, `INSERT INTO training_attendance (session_id, unit_id, people, names, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (session_id, unit_id) DO UPDATE SET people = excluded.people, names = excluded.names, recorded_by = excluded.recorded_by,
		recorded_at = excluded.recorded_at`, session, t.Unit.ID, t.People, t.Names, t.RecordedBy, t.RecordedAt)
	if err != nil {
		return fmt.Errorf("save attendance: %w", err)
	}
	return nil
}

func deleteAttendance(ctx context.Context, tx *db.Tx, session, unit int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM training_attendance WHERE session_id = ? AND unit_id = ?`, session, unit); err != nil {
		return fmt.Errorf("remove attendance: %w", err)
	}
	return nil
}

func insertFile(ctx context.Context, tx *db.Tx, id int64, at info.Attachment) error {
	_, err := tx.Exec(ctx, `INSERT INTO training_files (session_id, seq, name, sha256, size, mime) VALUES (?, ?, ?, ?, ?, ?)`,
		id, at.Seq, at.Name, at.SHA256, at.Size, at.MIME)
	if err != nil {
		return fmt.Errorf("add training file: %w", err)
	}
	return nil
}

func deleteFile(ctx context.Context, tx *db.Tx, id int64, seq int) error {
	if _, err := tx.Exec(ctx, `DELETE FROM training_files WHERE session_id = ? AND seq = ?`, id, seq); err != nil {
		return fmt.Errorf("remove training file: %w", err)
	}
	return nil
}

const cols = `s.id, s.organiser_id, s.day, s.topic, s.kind, s.audience, s.audience_kinds, s.place, s.created_by, s.created_at, s.updated_at,
	(SELECT COUNT(*) FROM training_attendance t WHERE t.session_id = s.id),
	(SELECT COALESCE(SUM(t.people), 0) FROM training_attendance t WHERE t.session_id = s.id)`

func scan(sc db.Scanner) (Session, error) {
	var s Session
	var kinds string
	err := sc.Scan(&s.ID, &s.Organiser.ID, &s.Date, &s.Topic, &s.Kind, &s.Audience, &kinds, &s.Place, &s.CreatedBy, &s.CreatedAt, &s.UpdatedAt,
		&s.Units, &s.People)
	for _, k := range strings.Split(kinds, ",") {
		if k != "" {
			s.AudienceKinds = append(s.AudienceKinds, org.Kind(k))
		}
	}
	return s, err
}

// ByID returns a session with its organiser, materials and attendance
// (in unit order), or a NotFound error.
func ByID(ctx context.Context, q db.Querier, id int64) (Session, error) {
	s, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM training_sessions s WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, errs.New(errs.NotFound, "training.not_found", strconv.FormatInt(id, 10))
	}
	if err != nil {
		return Session{}, fmt.Errorf("load training session: %w", err)
	}
	units := org.NewMemo(q)
	if s.Organiser, err = units.ByID(ctx, s.Organiser.ID); err != nil {
		return Session{}, err
	}
	if s.Files, err = filesOf(ctx, q, s.ID); err != nil {
		return Session{}, err
	}
	rows, err := q.Query(ctx, `SELECT t.unit_id, t.people, t.names, t.recorded_by, t.recorded_at FROM training_attendance t
		JOIN units u ON u.id = t.unit_id WHERE t.session_id = ? ORDER BY u.path`, s.ID)
	if err != nil {
		return Session{}, fmt.Errorf("load attendance: %w", err)
	}
	s.Attendance, err = db.ScanAll(rows, func(sc db.Scanner) (Attendance, error) {
		var t Attendance
		err := sc.Scan(&t.Unit.ID, &t.People, &t.Names, &t.RecordedBy, &t.RecordedAt)
		return t, err
	})
	if err != nil {
		return Session{}, err
	}
	for i := range s.Attendance {
		if s.Attendance[i].Unit, err = units.ByID(ctx, s.Attendance[i].Unit.ID); err != nil {
			return Session{}, err
		}
	}
	return s, nil
}

func filesOf(ctx context.Context, q db.Querier, id int64) ([]info.Attachment, error) {
	rows, err := q.Query(ctx, `SELECT seq, name, sha256, size, mime FROM training_files WHERE session_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("load training files: %w", err)
	}
	return db.ScanAll(rows, func(sc db.Scanner) (info.Attachment, error) {
		var at info.Attachment
		err := sc.Scan(&at.Seq, &at.Name, &at.SHA256, &at.Size, &at.MIME)
		return at, err
	})
}

// yearSpan returns the first and last day of year, as stored.
func yearSpan(year int) (string, string) {
	y := fmt.Sprintf("%04d", year)
	return y + "-01-01", y + "-12-31"
}

// List returns the sessions of year that a unit under scope organised or
// attended, newest first, each with its organiser and totals (Units,
// People) but no attendance rows.
func List(ctx context.Context, q db.Querier, scope org.Unit, year int) ([]Session, error) {
	from, to := yearSpan(year)
	rows, err := q.Query(ctx, `SELECT `+cols+` FROM training_sessions s WHERE s.day >= ? AND s.day <= ?
		AND (s.organiser_id IN (SELECT id FROM units WHERE path LIKE ?)
		OR EXISTS (SELECT 1 FROM training_attendance t JOIN units u ON u.id = t.unit_id WHERE t.session_id = s.id AND u.path LIKE ?))
		ORDER BY s.day DESC, s.id DESC`, from, to, scope.Path+"%", scope.Path+"%")
	if err != nil {
		return nil, fmt.Errorf("list training sessions: %w", err)
	}
	out, err := db.ScanAll(rows, scan)
	if err != nil {
		return nil, err
	}
	units := org.NewMemo(q)
	for i := range out {
		if out[i].Organiser, err = units.ByID(ctx, out[i].Organiser.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
