package attrs

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

func insertReview(ctx context.Context, tx *db.Tx, rv *Review) error {
	err := tx.QueryRow(ctx, `INSERT INTO attr_reviews (office_id, year, status, opened_by, opened_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		rv.Office.ID, rv.Year, rv.Status, rv.OpenedBy, rv.OpenedAt).Scan(&rv.ID)
	if db.IsUniqueViolation(err) {
		return errs.New(errs.Conflict, "attrs.review_exists", rv.Year)
	}
	if err != nil {
		return fmt.Errorf("add review: %w", err)
	}
	return nil
}

func saveReview(ctx context.Context, tx *db.Tx, rv Review) error {
	_, err := tx.Exec(ctx, `UPDATE attr_reviews SET status = ?, published_by = ?, published_at = ? WHERE id = ?`,
		rv.Status, rv.PublishedBy, nullTime(rv.PublishedAt), rv.ID)
	if err != nil {
		return fmt.Errorf("update review: %w", err)
	}
	return nil
}

// scoped is a document in scope of a review, of unit UnitID.
type scoped struct {
	Doc
	UnitID int64
}

// Kind is the kind of document a review takes it in as.
func (d Doc) Kind() string {
	if d.Attribute != info.Active {
		return KindRestricted
	}
	return KindInvalid
}

// scopeDocs returns the documents a review of year takes in, of the units
// unitCond (on units u) selects with arg: written in the review's window,
// and either issued as 依申请公开 or 不予公开, or published and now 失效 or
// 废止. By unit, written date and id.
func scopeDocs(ctx context.Context, q db.Querier, unitCond string, arg any, year int) ([]scoped, error) {
	w := WindowOf(year)
	rows, err := q.Query(ctx, `SELECT r.unit_id, `+docCols+` FROM info_records r JOIN units u ON u.id = r.unit_id
		WHERE `+unitCond+` AND r.written_date >= ? AND r.written_date <= ?
		AND ((r.attribute IN (?, ?) AND `+issued+`) OR (r.status = 'published' AND r.validity IN (?, ?)))
		ORDER BY r.unit_id, r.written_date, r.id`, arg, w.From, w.To, info.OnRequest, info.Withheld, info.Expired, info.Repealed)
	if err != nil {
		return nil, fmt.Errorf("documents in review scope: %w", err)
	}
	defer rows.Close()
	var out []scoped
	for rows.Next() {
		var d scoped
		if err := rows.Scan(scanDoc([]any{&d.UnitID}, &d.Doc)...); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// insertReviewItem takes d into rv unless a review of its year holds it,
// and reports whether it did.
func insertReviewItem(ctx context.Context, tx *db.Tx, rv Review, d scoped) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO attr_review_items (review_id, year, record_id, unit_id, kind, attribute, validity, state)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (year, record_id) DO NOTHING`, rv.ID, rv.Year, d.ID, d.UnitID, d.Kind(), d.Attribute, d.Validity, Pending)
	if err != nil {
		return false, fmt.Errorf("add review item: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func saveReviewItem(ctx context.Context, tx *db.Tx, it ReviewItem) error {
	_, err := tx.Exec(ctx, `UPDATE attr_review_items SET state = ?, proposal = ?, approver = ?, approved_on = ?, invalid_date = ?, note = ?,
		proposed_by = ?, proposed_at = ?, decided_by = ?, decided_at = ?, return_note = ? WHERE id = ?`,
		it.State, it.Proposal, it.Approver, it.ApprovedOn, it.InvalidDate, it.Note, it.ProposedBy, nullTime(it.ProposedAt),
		it.DecidedBy, nullTime(it.DecidedAt), it.ReturnNote, it.ID)
	if err != nil {
		return fmt.Errorf("update review item: %w", err)
	}
	return nil
}

const reviewCols = `v.id, v.office_id, v.year, v.status, v.opened_by, v.opened_at, v.published_by, v.published_at`

func reviews(ctx context.Context, q db.Querier, where string, args ...any) ([]Review, error) {
	return collect(ctx, q, "reviews", func(r row) (Review, error) {
		var rv Review
		var pub sql.NullTime
		err := r.Scan(&rv.ID, &rv.Office.ID, &rv.Year, &rv.Status, &rv.OpenedBy, &rv.OpenedAt, &rv.PublishedBy, &pub)
		rv.PublishedAt = pub.Time
		return rv, err
	}, func(rv *Review) *org.Unit { return &rv.Office },
		`SELECT `+reviewCols+` FROM attr_reviews v WHERE (`+where+`) ORDER BY v.year DESC, v.id DESC`, args...)
}

// Reviews returns the reviews a sees, newest year first: an office's those
// opened in its subtree, and anyone's those holding documents of its
// subtree.
func Reviews(ctx context.Context, q db.Querier, a auth.Account) ([]Review, error) {
	if !MayUse(a) {
		return nil, nil
	}
	sub := a.Unit.Path + "%"
	return reviews(ctx, q, `v.office_id IN (SELECT id FROM units WHERE path LIKE ?) OR v.id IN (SELECT i.review_id FROM attr_review_items i
		JOIN units u ON u.id = i.unit_id WHERE u.path LIKE ?)`, sub, sub)
}

// ReviewFor returns review id if a sees it (see Reviews), and the units
// whose documents a sees in it: nil for all of them (a may decide), or
// a's unit for its subtree. It returns a NotFound error for a review a
// does not see.
func ReviewFor(ctx context.Context, q db.Querier, a auth.Account, id int64) (Review, *org.Unit, error) {
	notFound := errs.New(errs.NotFound, "attrs.review_not_found", id)
	rvs, err := reviews(ctx, q, `v.id = ?`, id)
	if err != nil {
		return Review{}, nil, err
	}
	if len(rvs) == 0 || !MayUse(a) {
		return Review{}, nil, notFound
	}
	rv := rvs[0]
	if CanDecide(a, rv) {
		return rv, nil, nil
	}
	if ok, err := holdsUnder(ctx, q, "attr_review_items", "review_id", rv.ID, a.Unit); err != nil || !ok {
		return Review{}, nil, cmp.Or(err, error(notFound))
	}
	return rv, &a.Unit, nil
}

// publishedReviews returns the published reviews of year.
func publishedReviews(ctx context.Context, q db.Querier, year int) ([]Review, error) {
	return reviews(ctx, q, `v.year = ? AND v.status = ?`, year, ReviewPublished)
}

const itemCols = `i.id, i.review_id, i.year, i.unit_id, i.kind, i.attribute, i.validity, i.state, i.proposal, i.approver, i.approved_on,
	i.invalid_date, i.note, i.proposed_by, i.proposed_at, i.decided_by, i.decided_at, i.return_note, ` + docCols

// ReviewItems returns the documents of review rv, of the units under scope
// (all when nil), by unit code and written date.
func ReviewItems(ctx context.Context, q db.Querier, rv Review, scope *org.Unit) ([]ReviewItem, error) {
	where, args := `i.review_id = ?`, []any{rv.ID}
	if scope != nil {
		where, args = where+` AND u.path LIKE ?`, append(args, scope.Path+"%")
	}
	return reviewItems(ctx, q, where, args...)
}

// ReviewItemOf returns item id of review rv if it lies under scope (any
// when nil), or a NotFound error.
func ReviewItemOf(ctx context.Context, q db.Querier, rv Review, scope *org.Unit, id int64) (ReviewItem, error) {
	where, args := `i.review_id = ? AND i.id = ?`, []any{rv.ID, id}
	if scope != nil {
		where, args = where+` AND u.path LIKE ?`, append(args, scope.Path+"%")
	}
	items, err := reviewItems(ctx, q, where, args...)
	if err != nil {
		return ReviewItem{}, err
	}
	if len(items) == 0 {
		return ReviewItem{}, errs.New(errs.NotFound, "attrs.item_not_found", id)
	}
	return items[0], nil
}

func reviewItems(ctx context.Context, q db.Querier, where string, args ...any) ([]ReviewItem, error) {
	return collect(ctx, q, "review items", func(r row) (ReviewItem, error) {
		var it ReviewItem
		var proposed, decided sql.NullTime
		dst := []any{&it.ID, &it.ReviewID, &it.Year, &it.Unit.ID, &it.Kind, &it.Attribute, &it.Validity, &it.State, &it.Proposal, &it.Approver,
			&it.ApprovedOn, &it.InvalidDate, &it.Note, &it.ProposedBy, &proposed, &it.DecidedBy, &decided, &it.ReturnNote}
		err := r.Scan(scanDoc(dst, &it.Doc)...)
		it.ProposedAt, it.DecidedAt = proposed.Time, decided.Time
		return it, err
	}, func(it *ReviewItem) *org.Unit { return &it.Unit }, `SELECT `+itemCols+` FROM attr_review_items i JOIN info_records r ON r.id = i.record_id
		JOIN units u ON u.id = i.unit_id WHERE `+where+` ORDER BY u.code, r.written_date, r.id`, args...)
}
