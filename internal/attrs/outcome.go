package attrs

import (
	"context"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Document is a document of a unit in scope of the review of a year: in a
// review (Item) or not yet (Item nil, state Unopened).
type Document struct {
	Doc
	Unit org.Unit
	Kind string
	// Attribute is the one under review: the document's when a review
	// took it in.
	Attribute string
	Item      *ReviewItem
}

// State is the document's state in its review, or Unopened.
func (d Document) State() string {
	if d.Item == nil {
		return Unopened
	}
	return d.Item.State
}

// Proposal is the unit's proposal, or "".
func (d Document) Proposal() string {
	if d.Item == nil {
		return ""
	}
	return d.Item.Proposal
}

// Documents returns the window of the review held in year and the
// documents of unit u (its own, not those of the units under it) in its
// scope: those a review of the year holds, and those no review holds yet,
// by written date.
func Documents(ctx context.Context, q db.Querier, u org.Unit, year int) (Window, []Document, error) {
	items, err := reviewItems(ctx, q, `i.unit_id = ? AND i.year = ?`, u.ID, year)
	if err != nil {
		return Window{}, nil, err
	}
	live, err := scopeDocs(ctx, q, `r.unit_id = ?`, u.ID, year)
	if err != nil {
		return Window{}, nil, err
	}
	return WindowOf(year), merge(items, live, map[int64]org.Unit{u.ID: u}), nil
}

// merge lists the items, then the documents in live no item holds, by
// written date and id.
func merge(items []ReviewItem, live []scoped, units map[int64]org.Unit) []Document {
	held := map[int64]bool{}
	var out []Document
	for i := range items {
		it := &items[i]
		held[it.Doc.ID] = true
		out = append(out, Document{Doc: it.Doc, Unit: it.Unit, Kind: it.Kind, Attribute: it.Attribute, Item: it})
	}
	for _, d := range live {
		if !held[d.ID] {
			out = append(out, Document{Doc: d.Doc, Unit: units[d.UnitID], Kind: d.Kind(), Attribute: d.Attribute})
		}
	}
	sortDocuments(out)
	return out
}

// Outcome is the published outcome of a unit's review of a year
// (公开属性审查结果), as the portal shows it.
type Outcome struct {
	Unit                           org.Unit
	Year                           int
	Window                         Window
	InScope, Kept, Active, Invalid int
	// Disclosed are the documents made 主动公开; Marked the published
	// documents marked invalid. Documents that stay undisclosed are only
	// counted: their titles are not public.
	Disclosed, Marked []ReviewItem
	PublishedAt       time.Time
}

// PublishedOutcome returns the outcome of unit u's documents in the
// published reviews of year whose office's subtree holds u. It returns a
// NotFound error when no such review is published.
func PublishedOutcome(ctx context.Context, q db.Querier, u org.Unit, year int) (Outcome, error) {
	rvs, err := publishedReviews(ctx, q, year)
	if err != nil {
		return Outcome{}, err
	}
	o := Outcome{Unit: u, Year: year, Window: WindowOf(year)}
	for _, rv := range rvs {
		if rv.Office.Contains(u) && rv.PublishedAt.After(o.PublishedAt) {
			o.PublishedAt = rv.PublishedAt
		}
	}
	if o.PublishedAt.IsZero() {
		return Outcome{}, errs.New(errs.NotFound, "attrs.outcome_not_found", u.Code, year)
	}
	items, err := reviewItems(ctx, q, `i.unit_id = ? AND i.year = ? AND i.review_id IN (SELECT id FROM attr_reviews WHERE status = ?)`,
		u.ID, year, ReviewPublished)
	if err != nil {
		return Outcome{}, err
	}
	for _, it := range items {
		o.InScope++
		switch it.Proposal {
		case Keep:
			o.Kept++
		case ToActive:
			o.Active++
			o.Disclosed = append(o.Disclosed, it)
		case MarkInvalid:
			o.Invalid++
			if it.Kind == KindInvalid || it.Doc.Public() {
				o.Marked = append(o.Marked, it)
			}
		}
	}
	return o, nil
}

// Outcomes lists the units and years with a published outcome under root,
// newest year first: the index of the portal's outcome pages.
func Outcomes(ctx context.Context, q db.Querier, root org.Unit) ([]OutcomeRef, error) {
	return collect(ctx, q, "outcomes", func(r row) (OutcomeRef, error) {
		var o OutcomeRef
		return o, r.Scan(&o.Unit.ID, &o.Year)
	}, func(o *OutcomeRef) *org.Unit { return &o.Unit }, `SELECT DISTINCT i.unit_id, i.year FROM attr_review_items i
		JOIN attr_reviews v ON v.id = i.review_id JOIN units u ON u.id = i.unit_id WHERE v.status = ? AND u.path LIKE ?
		ORDER BY i.year DESC, i.unit_id`, ReviewPublished, root.Path+"%")
}

// OutcomeRef names a published outcome.
type OutcomeRef struct {
	Unit org.Unit
	Year int
}
