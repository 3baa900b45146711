package opinion

import (
	"context"

	"gongkai/internal/db"
	"gongkai/internal/org"
	"gongkai/internal/screen"
)

// Public is the handling of an item as the portal shows it: personal data
// masked, without the leaders' instructions, the units' internal notes of
// what was done, or the urges.
type Public struct {
	ID         int64
	Office     org.Unit
	Title      string
	Source     string
	Level      string
	Summary    string
	PolicyID   int64
	Project    string
	Found      string // the day it was found
	Closed     string // the day it was closed; empty while open
	Conclusion string
	Responses  []PublicResponse
}

// PublicResponse is a unit's response as published.
type PublicResponse struct {
	Unit     org.Unit
	Response string
	Link     string
	On       string
}

// mask masks the personal data screen finds in s.
func mask(s string) string { return screen.Mask(s, screen.Text(s)) }

// ToPublic returns it as the portal shows it.
func ToPublic(it Item) Public {
	p := Public{ID: it.ID, Office: it.Office, Title: mask(it.Title), Source: it.Source, Level: it.Level, Summary: mask(it.Summary),
		PolicyID: it.PolicyID, Project: mask(it.Project), Found: it.FoundDate, Closed: it.ClosedDate, Conclusion: mask(it.Conclusion)}
	for _, as := range it.Parts {
		if as.Responded {
			p.Responses = append(p.Responses, PublicResponse{Unit: as.Unit, Response: mask(as.Response), Link: as.Link, On: as.RespondedOn})
		}
	}
	return p
}

// findings counts the personal data screen finds in what an item
// publishes, for the audit log.
func findings(it Item) int {
	texts := []string{it.Title, it.Summary, it.Project, it.Conclusion}
	for _, as := range it.Parts {
		texts = append(texts, as.Response)
	}
	n := 0
	for _, s := range texts {
		n += len(screen.Text(s))
	}
	return n
}

// PublicFilter selects published items.
type PublicFilter struct {
	// Unit, when set, keeps the items registered by it or a unit under
	// it, or given to one.
	Unit   *org.Unit
	Limit  int
	Offset int
}

// PublishedList returns the published items, most recently published
// first, as the portal shows them, and the total matching.
func PublishedList(ctx context.Context, q db.Querier, f PublicFilter) ([]Public, int, error) {
	where, args := ` FROM opinion_items i WHERE i.published = ?`, []any{true}
	if f.Unit != nil {
		where += ` AND (EXISTS (SELECT 1 FROM units o WHERE o.id = i.office_id AND o.path LIKE ?)
			OR EXISTS (SELECT 1 FROM opinion_assignments x JOIN units xu ON xu.id = x.unit_id WHERE x.item_id = i.id AND xu.path LIKE ?))`
		args = append(args, f.Unit.Path+"%", f.Unit.Path+"%")
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	items, err := queryItems(ctx, q, `SELECT `+itemCols+where+` ORDER BY i.published_at DESC, i.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Public, len(items))
	for i, it := range items {
		out[i] = ToPublic(it)
	}
	return out, total, nil
}

// PublishedByID returns published item id as the portal shows it; NotFound
// for one not published.
func PublishedByID(ctx context.Context, q db.Querier, id int64) (Public, error) {
	it, err := Load(ctx, q, id)
	if err != nil {
		return Public{}, err
	}
	if !it.Published {
		return Public{}, errNotFound()
	}
	return ToPublic(it), nil
}

// queryItems runs a query for items and fills their parts.
func queryItems(ctx context.Context, q db.Querier, query string, args ...any) ([]Item, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, fill(ctx, q, out, false)
}
