package attrs

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"gongkai/internal/db"
	"gongkai/internal/org"
)

// SpotFigures sum the spot checks of a year over a unit's subtree, for the
// self-inspection report (自查报告: 公开属性确定和标注).
type SpotFigures struct {
	Checks   int `json:"checks"`
	Sampled  int `json:"sampled"`
	Checked  int `json:"checked"`
	Proposed int `json:"proposed"`
	Marked   int `json:"marked"`
	Correct  int `json:"correct"`
	Problems int `json:"problems"`
}

// SpotFiguresOf sums the documents of the units under root drawn in the
// spot checks of the documents of year.
func SpotFiguresOf(ctx context.Context, q db.Querier, root org.Unit, year int) (SpotFigures, error) {
	items, err := spotItems(ctx, q, `u.path LIKE ? AND i.check_id IN (SELECT id FROM attr_spot_checks WHERE year = ?)`, root.Path+"%", year)
	if err != nil {
		return SpotFigures{}, err
	}
	var r UnitResult
	checks := map[int64]bool{}
	for _, it := range items {
		r.add(it)
		checks[it.CheckID] = true
	}
	return SpotFigures{Checks: len(checks), Sampled: r.Sampled, Checked: r.Checked, Proposed: r.Proposed, Marked: r.Marked,
		Correct: r.Correct, Problems: r.Problems}, nil
}

// ReviewFigures sum the July review of a year over a unit's subtree, for
// the self-inspection report (公开属性评估调整).
type ReviewFigures struct {
	InScope int `json:"in_scope"`
	Kept    int `json:"kept"`
	Active  int `json:"changed_to_active"`
	Invalid int `json:"marked_invalid"`
	// Pending are the documents without a confirmed decision, those no
	// review took in yet included.
	Pending int `json:"pending"`
}

// ReviewFiguresOf sums the documents of the units under root in scope of
// the review held in year.
func ReviewFiguresOf(ctx context.Context, q db.Querier, root org.Unit, year int) (ReviewFigures, error) {
	docs, err := subtreeDocuments(ctx, q, root, year)
	if err != nil {
		return ReviewFigures{}, err
	}
	var f ReviewFigures
	for _, d := range docs {
		f.InScope++
		if d.State() != Confirmed {
			f.Pending++
			continue
		}
		switch d.Proposal() {
		case Keep:
			f.Kept++
		case ToActive:
			f.Active++
		case MarkInvalid:
			f.Invalid++
		}
	}
	return f, nil
}

// subtreeDocuments is Documents over the units under root.
func subtreeDocuments(ctx context.Context, q db.Querier, root org.Unit, year int) ([]Document, error) {
	items, err := reviewItems(ctx, q, `u.path LIKE ? AND i.year = ?`, root.Path+"%", year)
	if err != nil {
		return nil, err
	}
	live, err := scopeDocs(ctx, q, `u.path LIKE ?`, root.Path+"%", year)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, d := range live {
		ids = append(ids, d.UnitID)
	}
	units, err := unitsOf(ctx, q, ids)
	if err != nil {
		return nil, fmt.Errorf("review documents: %w", err)
	}
	return merge(items, live, units), nil
}

// sortDocuments orders documents by unit code, written date and id.
func sortDocuments(ds []Document) {
	slices.SortFunc(ds, func(a, b Document) int {
		return cmp.Or(cmp.Compare(a.Unit.Code, b.Unit.Code), cmp.Compare(a.WrittenDate, b.WrittenDate), cmp.Compare(a.ID, b.ID))
	})
}
