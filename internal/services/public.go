package services

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// PublishedGuide is a guide as published: what the portal, the handbook and the API show.
type PublishedGuide struct {
	ID          int64
	Unit        org.Unit
	Version     int
	PublishedAt time.Time
	Content
}

// currentVersion picks each guide's version in force.
const currentVersion = `v.version = s.published_version`

// published returns the published guides matching a condition on the
// guide s and its unit u, by unit and name, each in the version v that
// version picks.
func published(ctx context.Context, q db.Querier, version, where string, args ...any) ([]PublishedGuide, error) {
	rows, err := q.Query(ctx, `SELECT s.id, s.unit_id, v.version, v.at, v.guide FROM services s JOIN units u ON u.id = s.unit_id
		JOIN service_versions v ON v.service_id = s.id AND `+version+` AND v.status = 'published'
		WHERE s.published_version > 0 AND `+where+` ORDER BY u.path, u.sort, s.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("list published services: %w", err)
	}
	var out []PublishedGuide
	for rows.Next() {
		var p PublishedGuide
		var body string
		if err := rows.Scan(&p.ID, &p.Unit.ID, &p.Version, &p.PublishedAt, &body); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &p.Content); err != nil {
			rows.Close()
			return nil, fmt.Errorf("service %d: %w", p.ID, err)
		}
		out = append(out, p)
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

// PublishedByID returns the published version of guide id, or a NotFound
// error when it has none.
func PublishedByID(ctx context.Context, q db.Querier, id int64) (PublishedGuide, error) {
	ps, err := published(ctx, q, currentVersion, `s.id = ?`, id)
	if err != nil {
		return PublishedGuide{}, err
	}
	if len(ps) == 0 {
		return PublishedGuide{}, errs.New(errs.NotFound, "svc.not_found", itoa(id))
	}
	return ps[0], nil
}

// PublishedOf returns unit u's published guides, by name.
func PublishedOf(ctx context.Context, q db.Querier, u org.Unit) ([]PublishedGuide, error) {
	return published(ctx, q, currentVersion, `s.unit_id = ?`, u.ID)
}

// PublishedIn returns the published guides of the units in root's subtree.
func PublishedIn(ctx context.Context, q db.Querier, root org.Unit) ([]PublishedGuide, error) {
	return published(ctx, q, currentVersion, `u.path LIKE ?`, root.Path+"%")
}

// PublishedAsOf returns the guides of the units in root's subtree that are
// published now, each in its newest version published before the instant
// before; a guide first published after it is left out. Inspections of a
// past day read it.
func PublishedAsOf(ctx context.Context, q db.Querier, root org.Unit, before time.Time) ([]PublishedGuide, error) {
	return published(ctx, q, `v.version = (SELECT MAX(v2.version) FROM service_versions v2 WHERE v2.service_id = s.id AND v2.status = 'published' AND v2.at < ?)`,
		`u.path LIKE ?`, before.UTC(), root.Path+"%")
}

// PublishedCounts returns how many published guides each unit has, by unit
// ID; a unit with none is absent.
func PublishedCounts(ctx context.Context, q db.Querier) (map[int64]int, error) {
	rows, err := q.Query(ctx, `SELECT unit_id, COUNT(*) FROM services WHERE published_version > 0 GROUP BY unit_id`)
	if err != nil {
		return nil, fmt.Errorf("count published services: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// MaxHits bounds the guides a search returns: more would not be read.
const MaxHits = 100

// Search finds published guides by Chinese full text — their name, unit,
// type, the people they serve, conditions, basis, events, steps and
// materials — with the records' tokens (info.Tokens): every term must
// match. Names holding the query come first, then by unit and name; the
// matches are few enough (a city's guides are thousands) that ordering
// them all costs less than ranking. A query without a searchable term
// finds nothing.
func Search(ctx context.Context, q db.Querier, d db.Dialect, text string) ([]PublishedGuide, error) {
	expr, ok := info.MatchExpression(d, text)
	if !ok {
		return nil, nil
	}
	ids := `SELECT rowid FROM service_fts WHERE service_fts MATCH ?`
	if d == db.Postgres {
		ids = `SELECT service_id FROM service_search WHERE tokens @@ to_tsquery('simple', ?)`
	}
	ps, err := published(ctx, q, currentVersion, `s.id IN (`+ids+` LIMIT `+fmt.Sprint(MaxHits)+`)`, expr)
	if err != nil {
		return nil, err
	}
	first := strings.TrimSpace(text)
	var lead, rest []PublishedGuide
	for _, p := range ps {
		if strings.Contains(p.Name, first) {
			lead = append(lead, p)
		} else {
			rest = append(rest, p)
		}
	}
	return append(lead, rest...), nil
}
