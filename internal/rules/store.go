package rules

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// insert writes a new rule without its text, which its first version
// gives it.
func insert(ctx context.Context, tx *db.Tx, r *Rule) error {
	err := tx.QueryRow(ctx, `INSERT INTO rules (unit_id, office_id, version, state, title, category, adopted, body, created_by, created_at, updated_at)
		VALUES (?, ?, 0, ?, '', '', '', '', ?, ?, ?) RETURNING id`, r.Unit.ID, r.Office.ID, r.State, r.CreatedBy, r.CreatedAt, r.UpdatedAt).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("add rule: %w", err)
	}
	return nil
}

// save writes every field of r that changes after it was made.
func save(ctx context.Context, tx *db.Tx, r Rule) error {
	_, err := tx.Exec(ctx, `UPDATE rules SET version = ?, state = ?, title = ?, category = ?, adopted = ?, body = ?, return_reason = ?, record_id = ?,
		recommended = ?, recommended_by = ?, recommended_at = ?, withdrawn_reason = ?, updated_at = ? WHERE id = ?`,
		r.Version, r.State, r.Title, r.Category, r.Adopted, r.Body, r.ReturnReason, db.NullID(r.RecordID), r.Recommended, r.RecommendedBy,
		db.NullTime(r.RecommendedAt), r.WithdrawnReason, r.UpdatedAt, r.ID)
	if err != nil {
		return fmt.Errorf("update rule: %w", err)
	}
	return nil
}

func insertVersion(ctx context.Context, tx *db.Tx, v Version, files []info.Attachment) error {
	_, err := tx.Exec(ctx, `INSERT INTO rule_versions (rule_id, version, title, category, adopted, body, submitted_by, submitted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, v.RuleID, v.Version, v.Title, v.Category, v.Adopted, v.Body, v.SubmittedBy, v.SubmittedAt)
	if err != nil {
		return fmt.Errorf("add rule version: %w", err)
	}
	for _, at := range files {
		if _, err := tx.Exec(ctx, `INSERT INTO rule_files (rule_id, version, seq, name, sha256, size, mime, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			v.RuleID, v.Version, at.Seq, at.Name, at.SHA256, at.Size, at.MIME, at.Text); err != nil {
			return fmt.Errorf("add rule file: %w", err)
		}
	}
	return nil
}

func decideVersion(ctx context.Context, tx *db.Tx, r Rule, decision State, reason, by string) error {
	_, err := tx.Exec(ctx, `UPDATE rule_versions SET decision = ?, reason = ?, decided_by = ?, decided_at = ? WHERE rule_id = ? AND version = ?`,
		decision, reason, by, tx.Now(), r.ID, r.Version)
	if err != nil {
		return fmt.Errorf("decide rule version: %w", err)
	}
	return nil
}

const cols = `x.id, x.unit_id, x.office_id, x.version, x.state, x.title, x.category, x.adopted, x.body, x.return_reason, x.record_id,
	x.recommended, x.recommended_by, x.recommended_at, x.withdrawn_reason, x.created_by, x.created_at, x.updated_at`

// listCols are cols without the text, for lists.
var listCols = strings.Replace(cols, `x.body,`, `'',`, 1)

func scan(s db.Scanner) (Rule, error) {
	var r Rule
	var rec sql.NullInt64
	var rat sql.NullTime
	err := s.Scan(&r.ID, &r.Unit.ID, &r.Office.ID, &r.Version, &r.State, &r.Title, &r.Category, &r.Adopted, &r.Body, &r.ReturnReason, &rec,
		&r.Recommended, &r.RecommendedBy, &rat, &r.WithdrawnReason, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt)
	r.RecordID, r.RecommendedAt = rec.Int64, rat.Time
	return r, err
}

// ByID returns a rule with its units and its newest version's files, or a
// NotFound error.
func ByID(ctx context.Context, q db.Querier, id int64) (Rule, error) {
	r, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM rules x WHERE x.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Rule{}, errs.New(errs.NotFound, "rules.not_found", id)
	}
	if err != nil {
		return Rule{}, fmt.Errorf("load rule: %w", err)
	}
	units := org.NewMemo(q)
	if r.Unit, err = units.ByID(ctx, r.Unit.ID); err != nil {
		return Rule{}, err
	}
	if r.Office, err = units.ByID(ctx, r.Office.ID); err != nil {
		return Rule{}, err
	}
	fs, err := filesOf(ctx, q, r.ID)
	r.Files = fs[r.Version]
	return r, err
}

// filesOf returns the files of every version of rule id, by version.
func filesOf(ctx context.Context, q db.Querier, id int64) (map[int][]info.Attachment, error) {
	rows, err := q.Query(ctx, `SELECT version, seq, name, sha256, size, mime, text FROM rule_files WHERE rule_id = ? ORDER BY version, seq`, id)
	if err != nil {
		return nil, fmt.Errorf("load rule files: %w", err)
	}
	type versionFile struct {
		version int
		info.Attachment
	}
	fs, err := db.ScanAll(rows, func(s db.Scanner) (versionFile, error) {
		var f versionFile
		err := s.Scan(&f.version, &f.Seq, &f.Name, &f.SHA256, &f.Size, &f.MIME, &f.Text)
		return f, err
	})
	out := map[int][]info.Attachment{}
	for _, f := range fs {
		out[f.version] = append(out[f.version], f.Attachment)
	}
	return out, err
}

// Versions returns every version of rule id with its files and decision,
// the newest first.
func Versions(ctx context.Context, q db.Querier, id int64) ([]Version, error) {
	rows, err := q.Query(ctx, `SELECT rule_id, version, title, category, adopted, body, submitted_by, submitted_at, decision, reason, decided_by, decided_at
		FROM rule_versions WHERE rule_id = ? ORDER BY version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("load rule versions: %w", err)
	}
	out, err := db.ScanAll(rows, func(s db.Scanner) (Version, error) {
		var v Version
		var at sql.NullTime
		err := s.Scan(&v.RuleID, &v.Version, &v.Title, &v.Category, &v.Adopted, &v.Body, &v.SubmittedBy, &v.SubmittedAt, &v.Decision,
			&v.Reason, &v.DecidedBy, &at)
		v.DecidedAt = at.Time
		return v, err
	})
	if err != nil {
		return nil, err
	}
	fs, err := filesOf(ctx, q, id)
	for i := range out {
		out[i].Files = fs[out[i].Version]
	}
	return out, err
}

// Filter selects rules for a list.
type Filter struct {
	// Scope keeps the rules of the units under it; nil keeps all.
	Scope *org.Unit
	// Unit keeps one unit's rules (its ID); 0 keeps all.
	Unit int64
	// NotUnit leaves out one unit's rules: an office's queue leaves out
	// its own unit's, which go to the office above.
	NotUnit int64
	State   State
	// Published keeps the rules in force in their 制度 column, with a
	// published record; Recommended those an office recommended.
	Published, Recommended bool
	Limit                  int
}

func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Scope != nil {
		conds, args = append(conds, `x.unit_id IN (SELECT id FROM units WHERE path LIKE ?)`), append(args, f.Scope.Path+"%")
	}
	if f.Unit != 0 {
		conds, args = append(conds, `x.unit_id = ?`), append(args, f.Unit)
	}
	if f.NotUnit != 0 {
		conds, args = append(conds, `x.unit_id <> ?`), append(args, f.NotUnit)
	}
	if f.State != "" {
		conds, args = append(conds, `x.state = ?`), append(args, f.State)
	}
	if f.Published || f.Recommended {
		conds, args = append(conds, `x.state <> ? AND x.record_id IN (SELECT id FROM info_records WHERE status = ?)`), append(args, Withdrawn, info.Published)
	}
	if f.Recommended {
		conds, args = append(conds, `x.recommended = ?`), append(args, true)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

// List returns the rules f selects, each with its units, newest change
// first (published lists: by category, then the day adopted, newest
// first), at most f.Limit (500 when 0 or more).
func List(ctx context.Context, q db.Querier, f Filter) ([]Rule, error) {
	where, args := f.where()
	order := ` ORDER BY x.updated_at DESC, x.id DESC`
	if f.Published || f.Recommended {
		order = ` ORDER BY x.adopted DESC, x.id DESC`
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := q.Query(ctx, `SELECT `+listCols+` FROM rules x`+where+order+` LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	out, err := db.ScanAll(rows, scan)
	if err != nil {
		return nil, err
	}
	units := org.NewMemo(q)
	for i := range out {
		if out[i].Unit, err = units.ByID(ctx, out[i].Unit.ID); err != nil {
			return nil, err
		}
		if out[i].Office, err = units.ByID(ctx, out[i].Office.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
