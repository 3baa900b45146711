package services

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// Status is where a guide stands in review, as for catalogs.
type Status string

// The statuses of a guide.
const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Returned  Status = "returned"
	Published Status = "published"
	// Withdrawn guides are no longer offered (事项取消): the portal drops
	// them; the unit may edit and publish them again.
	Withdrawn Status = "withdrawn"
)

// Statuses lists the statuses in workflow order.
var Statuses = []Status{Draft, Submitted, Returned, Published, Withdrawn}

// Guide is a unit's service item with the working copy of its guide.
type Guide struct {
	ID   int64
	Unit org.Unit
	Content
	Status  Status
	Version int
	// PublishedVersion is the version the portal shows; 0 for none.
	PublishedVersion int
	// Comment is the reviewer's, when the guide was returned.
	Comment     string
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time
}

// Editable reports whether the working copy may be changed: not while it
// waits for review.
func (g Guide) Editable() bool { return g.Status != Submitted }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (g Guide) ref() string { return itoa(g.ID) }

// insert writes a new guide and sets its ID.
func insert(ctx context.Context, tx *db.Tx, g *Guide) error {
	body, err := json.Marshal(g.Content)
	if err != nil {
		return err
	}
	err = tx.QueryRow(ctx, `INSERT INTO services (unit_id, name, type, status, version, published_version, guide, comment, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 0, ?, '', ?, ?, ?) RETURNING id`, g.Unit.ID, g.Name, g.Type, g.Status, g.Version, string(body), g.CreatedBy, g.CreatedAt, g.UpdatedAt).Scan(&g.ID)
	if db.IsUniqueViolation(err) {
		return errs.InvalidField("name", "svc.name_taken", g.Name, g.Unit.Name)
	}
	if err != nil {
		return fmt.Errorf("add service: %w", err)
	}
	return nil
}

// save writes g's working copy and head.
func save(ctx context.Context, tx *db.Tx, g Guide) error {
	body, err := json.Marshal(g.Content)
	if err != nil {
		return err
	}
	var pub any
	if !g.PublishedAt.IsZero() {
		pub = g.PublishedAt
	}
	_, err = tx.Exec(ctx, `UPDATE services SET name = ?, type = ?, status = ?, version = ?, published_version = ?, guide = ?, comment = ?, updated_at = ?, published_at = ? WHERE id = ?`,
		g.Name, g.Type, g.Status, g.Version, g.PublishedVersion, string(body), g.Comment, g.UpdatedAt, pub, g.ID)
	if db.IsUniqueViolation(err) {
		return errs.InvalidField("name", "svc.name_taken", g.Name, g.Unit.Name)
	}
	if err != nil {
		return fmt.Errorf("update service: %w", err)
	}
	return nil
}

const guideCols = `s.id, s.unit_id, s.status, s.version, s.published_version, s.guide, s.comment, s.created_by, s.created_at, s.updated_at, s.published_at`

// scanGuides reads rows of guideCols, with their units.
func scanGuides(ctx context.Context, q db.Querier, rows *sql.Rows) ([]Guide, error) {
	var out []Guide
	for rows.Next() {
		var g Guide
		var body string
		var pub sql.NullTime
		if err := rows.Scan(&g.ID, &g.Unit.ID, &g.Status, &g.Version, &g.PublishedVersion, &body, &g.Comment, &g.CreatedBy, &g.CreatedAt, &g.UpdatedAt, &pub); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &g.Content); err != nil {
			rows.Close()
			return nil, fmt.Errorf("service %d: %w", g.ID, err)
		}
		g.PublishedAt = pub.Time
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	us := make([]*org.Unit, len(out))
	for i := range out {
		us[i] = &out[i].Unit
	}
	return out, fillUnits(ctx, q, us)
}

// ByID returns the guide with the given id and its working copy. It
// returns a NotFound error if there is none.
func ByID(ctx context.Context, q db.Querier, id int64) (Guide, error) {
	rows, err := q.Query(ctx, `SELECT `+guideCols+` FROM services s WHERE s.id = ?`, id)
	if err != nil {
		return Guide{}, fmt.Errorf("load service: %w", err)
	}
	gs, err := scanGuides(ctx, q, rows)
	if err != nil {
		return Guide{}, err
	}
	if len(gs) == 0 {
		return Guide{}, errs.New(errs.NotFound, "svc.not_found", itoa(id))
	}
	return gs[0], nil
}

// byName returns unit u's guide called name, or a NotFound error.
func byName(ctx context.Context, q db.Querier, u org.Unit, name string) (Guide, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM services WHERE unit_id = ? AND name = ?`, u.ID, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Guide{}, errs.New(errs.NotFound, "svc.not_found", name)
	}
	if err != nil {
		return Guide{}, fmt.Errorf("find service: %w", err)
	}
	return ByID(ctx, q, id)
}

// Filter selects guides for the console.
type Filter struct {
	// Scope keeps the guides of this unit and those under it.
	Scope  *org.Unit
	Status Status
	// Q keeps the guides whose name holds it.
	Q     string
	Limit int
}

// List returns the guides f selects, by unit and name.
func List(ctx context.Context, q db.Querier, f Filter) ([]Guide, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.Scope != nil {
		where = append(where, `u.path LIKE ?`)
		args = append(args, f.Scope.Path+"%")
	}
	if f.Status != "" {
		where = append(where, `s.status = ?`)
		args = append(args, f.Status)
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		where = append(where, `s.name LIKE ?`)
		args = append(args, "%"+strings.NewReplacer("%", "", "_", "").Replace(t)+"%")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	rows, err := q.Query(ctx, `SELECT `+guideCols+` FROM services s JOIN units u ON u.id = s.unit_id WHERE `+strings.Join(where, " AND ")+
		` ORDER BY u.path, u.sort, s.name LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	return scanGuides(ctx, q, rows)
}

// snapshot keeps g's content as version g.Version in status s.
func (g Guide) snapshot(ctx context.Context, tx *db.Tx, actor string, s Status, comment string) error {
	body, err := json.Marshal(g.Content)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO service_versions (service_id, version, status, guide, comment, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		g.ID, g.Version, s, string(body), comment, actor, tx.Now()); err != nil {
		return fmt.Errorf("keep service version: %w", err)
	}
	return nil
}

// Version is a kept version of a guide.
type Version struct {
	Version int
	Status  Status
	Comment string
	Actor   string
	At      time.Time
	Content Content
}

// Versions returns the kept versions of guide id, oldest first.
func Versions(ctx context.Context, q db.Querier, id int64) ([]Version, error) {
	rows, err := q.Query(ctx, `SELECT version, status, guide, comment, actor, at FROM service_versions WHERE service_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("list service versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var body string
		if err := rows.Scan(&v.Version, &v.Status, &body, &v.Comment, &v.Actor, &v.At); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &v.Content); err != nil {
			return nil, fmt.Errorf("service version %d: %w", v.Version, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// index puts the published content of g in the full-text index, in the
// caller's transaction, replacing what was there.
func index(ctx context.Context, tx *db.Tx, id int64, c Content, unitName string) error {
	tokens := strings.Join(info.UniqueTokens(info.Tokens(c.searchText(unitName))), " ")
	var err error
	if tx.Dialect() == db.Postgres {
		_, err = tx.Exec(ctx, `INSERT INTO service_search (service_id, tokens) VALUES (?, to_tsvector('simple', ?))
			ON CONFLICT (service_id) DO UPDATE SET tokens = EXCLUDED.tokens`, id, tokens)
	} else if err = unindex(ctx, tx, id); err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO service_fts (rowid, tokens) VALUES (?, ?)`, id, tokens)
	}
	if err != nil {
		return fmt.Errorf("index service: %w", err)
	}
	return nil
}

// unindex takes guide id out of the full-text index.
func unindex(ctx context.Context, tx *db.Tx, id int64) error {
	q := `DELETE FROM service_fts WHERE rowid = ?`
	if tx.Dialect() == db.Postgres {
		q = `DELETE FROM service_search WHERE service_id = ?`
	}
	if _, err := tx.Exec(ctx, q, id); err != nil {
		return fmt.Errorf("unindex service: %w", err)
	}
	return nil
}

// searchText is everything a published guide is found by.
func (c Content) searchText(unitName string) string {
	parts := []string{c.Name, unitName, c.Type.Zh(), c.Served, c.Conditions, c.Basis, strings.Join(c.Events, " "), strings.Join(c.Steps, " ")}
	for _, m := range c.Materials {
		parts = append(parts, m.Name)
	}
	return strings.Join(parts, "\n")
}

// fillUnits replaces each unit, known by its ID, with the whole unit,
// reading each once.
func fillUnits(ctx context.Context, q db.Querier, units []*org.Unit) error {
	m := org.NewMemo(q)
	for _, u := range units {
		full, err := m.ByID(ctx, u.ID)
		if err != nil {
			return err
		}
		*u = full
	}
	return nil
}
