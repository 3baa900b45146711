package attrs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// ReviewMonth is the month of the review (每年7月); an office may open one
// in any other month, and the console says so.
const ReviewMonth = time.July

// Statuses of a review: open while units propose and the office confirms,
// published once its outcome is on the portal.
const (
	ReviewOpen      = "open"
	ReviewPublished = "published"
)

// Kinds of document a review takes in.
const (
	// KindRestricted is a document that was 依申请公开 or 不予公开.
	KindRestricted = "restricted"
	// KindInvalid is a published document that is now 失效 or 废止.
	KindInvalid = "invalid"
)

// What a unit proposes for a document.
const (
	Keep        = "keep"    // keep it as it is
	ToActive    = "active"  // disclose it proactively, as a leader approved
	MarkInvalid = "invalid" // mark it invalid (失效) from a day
)

// Proposals lists the proposals in the order forms offer them.
var Proposals = []string{Keep, ToActive, MarkInvalid}

// States of a document in a review.
const (
	Pending   = "pending"   // nothing proposed yet
	Proposed  = "proposed"  // the unit proposed, the office has not decided
	Returned  = "returned"  // the office sent the proposal back
	Confirmed = "confirmed" // the office confirmed, and the record changed
	// Unopened is a document in scope of no open review yet: the office
	// has not opened one, or the document came after it did.
	Unopened = "unopened"
)

// Review is an office's July review (评估调整) of year Year.
type Review struct {
	ID          int64
	Office      org.Unit
	Year        int
	Status      string
	OpenedBy    string
	OpenedAt    time.Time
	PublishedBy string
	PublishedAt time.Time
}

// Window is the span of written dates a review of Year takes in.
func (rv Review) Window() Window { return WindowOf(rv.Year) }

// Window is the span of the written dates (成文日期) a review takes in,
// both days included.
type Window struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// WindowOf is the window of the review held in year: the whole calendar
// year two years before (两年半前、一年时间内 — in July 2026, the documents
// of 2024).
func WindowOf(year int) Window {
	y := strconv.Itoa(year - 2)
	return Window{From: y + "-01-01", To: y + "-12-31"}
}

// ReviewItem is a document a review took in, with the unit's proposal and
// the office's decision.
type ReviewItem struct {
	ID       int64
	ReviewID int64
	Year     int
	Doc      Doc // as it is now
	Unit     org.Unit
	Kind     string
	// Attribute and Validity are the document's when the review took it
	// in; Doc has them as they are now.
	Attribute, Validity string
	State               string
	Proposal            string
	// Approver and ApprovedOn record the leader who approved disclosing
	// the document (经相关领导审定), for ToActive; InvalidDate is the day
	// the document is invalid from, for MarkInvalid.
	Approver, ApprovedOn, InvalidDate string
	Note                              string
	ProposedBy                        string
	ProposedAt                        time.Time
	DecidedBy                         string
	DecidedAt                         time.Time
	ReturnNote                        string
}

// Open reports whether the unit may still propose for the document.
func (it ReviewItem) Open() bool { return it.State != Confirmed }

// ProposalInput is what a unit proposes for a document.
type ProposalInput struct {
	Proposal, Approver, ApprovedOn, InvalidDate, Note string
}

// OffMonth reports whether day is outside the month of the review.
func OffMonth(day calendar.Date) bool { return day.Month != ReviewMonth }

// CanDecide reports whether a confirms and returns proposals of review rv,
// takes in new documents and publishes its outcome: an office whose
// subtree holds the office that opened it.
func CanDecide(a auth.Account, rv Review) bool { return IsOffice(a) && a.InScope(rv.Office) }

// CanPropose reports whether a proposes for the documents of unit u: the
// unit's own staff (and those of the units above it), or an office for
// the documents of its own unit.
func CanPropose(a auth.Account, u org.Unit) bool {
	return (IsUnitStaff(a) && a.InScope(u)) || (IsOffice(a) && a.Unit.ID == u.ID)
}

// OpenReview opens a's review of year (a number, up to this year) over the
// units of its subtree and takes in the documents in its scope. It returns
// an Invalid error on field "year", Forbidden for all but an office, and
// Conflict if the office has a review of that year already.
func OpenReview(ctx context.Context, tx *db.Tx, a auth.Account, year string) (Review, error) {
	if !IsOffice(a) {
		return Review{}, errs.New(errs.Forbidden, "attrs.forbidden")
	}
	y, err := ParseYear(year, tx.Now())
	if err != nil {
		return Review{}, err
	}
	rv := Review{Office: a.Unit, Year: y, Status: ReviewOpen, OpenedBy: a.Login, OpenedAt: tx.Now()}
	if err := insertReview(ctx, tx, &rv); err != nil {
		return Review{}, err
	}
	n, err := takeIn(ctx, tx, rv)
	if err != nil {
		return Review{}, err
	}
	return rv, audit.Append(ctx, tx, a.Login, "attrs.review_open", "attr_review", strconv.FormatInt(rv.ID, 10),
		map[string]any{"year": y, "window": rv.Window(), "documents": n})
}

// TakeIn adds to an open review the documents in its scope it does not
// hold yet (written or changed since it opened), and returns how many. It
// returns Forbidden unless a may decide, and Conflict once the review is
// published.
func TakeIn(ctx context.Context, tx *db.Tx, a auth.Account, rv Review) (int, error) {
	if !CanDecide(a, rv) {
		return 0, errs.New(errs.Forbidden, "attrs.forbidden")
	}
	if rv.Status != ReviewOpen {
		return 0, errs.New(errs.Conflict, "attrs.review_published")
	}
	n, err := takeIn(ctx, tx, rv)
	if err != nil {
		return 0, err
	}
	return n, audit.Append(ctx, tx, a.Login, "attrs.review_take_in", "attr_review", strconv.FormatInt(rv.ID, 10), map[string]any{"documents": n})
}

// takeIn inserts the documents in rv's scope that no review of its year
// holds.
func takeIn(ctx context.Context, tx *db.Tx, rv Review) (int, error) {
	docs, err := scopeDocs(ctx, tx, `u.path LIKE ?`, rv.Office.Path+"%", rv.Year)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range docs {
		added, err := insertReviewItem(ctx, tx, rv, d)
		if err != nil {
			return 0, err
		}
		if added {
			n++
		}
	}
	return n, nil
}

// validate checks a proposal for item it on day today, each problem
// naming its field.
func (in ProposalInput) validate(it ReviewItem, today calendar.Date) (ProposalInput, error) {
	var m errs.Multi
	add := func(err error) {
		if e := errs.As(err); e != nil {
			m = append(m, e)
		}
	}
	in.Proposal = strings.TrimSpace(in.Proposal)
	in.Approver = strings.TrimSpace(in.Approver)
	note, err := cleanNote("note", in.Note)
	add(err)
	in.Note = note
	switch in.Proposal {
	case Keep:
		in.Approver, in.ApprovedOn, in.InvalidDate = "", "", ""
	case ToActive:
		if it.Attribute == info.Active {
			add(errs.InvalidField("proposal", "attrs.already_active"))
		}
		switch n := utf8.RuneCountInString(in.Approver); {
		case n == 0:
			add(errs.InvalidField("approver", "attrs.approver_required"))
		case n > maxApprover:
			add(errs.InvalidField("approver", "attrs.too_long", errs.Msg("attrs.field.approver"), maxApprover))
		}
		in.ApprovedOn, err = dayOf("approved_on", in.ApprovedOn, today)
		add(err)
		in.InvalidDate = ""
	case MarkInvalid:
		in.InvalidDate, err = dayOf("invalid_date", in.InvalidDate, today)
		add(err)
		if err == nil && in.InvalidDate < it.Doc.WrittenDate {
			add(errs.InvalidField("invalid_date", "attrs.invalid_before_written", it.Doc.WrittenDate))
		}
		in.Approver, in.ApprovedOn = "", ""
	default:
		add(errs.InvalidField("proposal", "attrs.proposal_required"))
	}
	return in, m.Err()
}

// Propose records a unit's proposal for item it of review rv, in place of
// any before until the office confirms one. It returns an Invalid error
// naming the field at fault, Forbidden unless a proposes for the item's
// unit, and Conflict once the item is confirmed or the review published.
func Propose(ctx context.Context, tx *db.Tx, a auth.Account, rv Review, it ReviewItem, in ProposalInput) (ReviewItem, error) {
	if !CanPropose(a, it.Unit) || it.ReviewID != rv.ID {
		return ReviewItem{}, errs.New(errs.Forbidden, "attrs.forbidden")
	}
	if err := stillOpen(rv, it); err != nil {
		return ReviewItem{}, err
	}
	in, err := in.validate(it, today(tx))
	if err != nil {
		return ReviewItem{}, err
	}
	it.Proposal, it.Approver, it.ApprovedOn, it.InvalidDate, it.Note = in.Proposal, in.Approver, in.ApprovedOn, in.InvalidDate, in.Note
	it.State, it.ProposedBy, it.ProposedAt = Proposed, a.Login, tx.Now()
	if err := saveReviewItem(ctx, tx, it); err != nil {
		return ReviewItem{}, err
	}
	return it, audit.Append(ctx, tx, a.Login, "attrs.propose", "attr_review", strconv.FormatInt(rv.ID, 10), map[string]any{"record": it.Doc.IndexNo,
		"proposal": it.Proposal, "approver": it.Approver, "approved_on": it.ApprovedOn, "invalid_date": it.InvalidDate, "note": it.Note})
}

func stillOpen(rv Review, it ReviewItem) error {
	if rv.Status != ReviewOpen {
		return errs.New(errs.Conflict, "attrs.review_published")
	}
	if !it.Open() {
		return errs.New(errs.Conflict, "attrs.item_confirmed")
	}
	return nil
}

// decidable refuses a decision by a on item it of rv unless a may decide
// and the item waits for one.
func decidable(a auth.Account, rv Review, it ReviewItem) error {
	if !CanDecide(a, rv) || it.ReviewID != rv.ID || !a.InScope(it.Unit) {
		return errs.New(errs.Forbidden, "attrs.forbidden")
	}
	if err := stillOpen(rv, it); err != nil {
		return err
	}
	if it.State != Proposed {
		return errs.New(errs.Conflict, "attrs.not_proposed")
	}
	return nil
}

// Confirm confirms the proposal for item it and applies it to the record
// in the same transaction: ToActive makes it 主动公开 (info.MakeActive) and
// publishes it the usual way if it was approved (info.Publish: indexed,
// subscribers told); MarkInvalid marks it 失效 from the day proposed (废止
// stays 废止, with that day); Keep changes nothing. It returns Forbidden
// unless a may decide, and Conflict unless the item waits for a decision.
func Confirm(ctx context.Context, tx *db.Tx, a auth.Account, rv Review, it ReviewItem) (ReviewItem, error) {
	if err := decidable(a, rv, it); err != nil {
		return ReviewItem{}, err
	}
	if err := apply(ctx, tx, a, rv, it); err != nil {
		return ReviewItem{}, err
	}
	it.State, it.DecidedBy, it.DecidedAt, it.ReturnNote = Confirmed, a.Login, tx.Now(), ""
	if err := saveReviewItem(ctx, tx, it); err != nil {
		return ReviewItem{}, err
	}
	return it, audit.Append(ctx, tx, a.Login, "attrs.confirm", "attr_review", strconv.FormatInt(rv.ID, 10),
		map[string]any{"record": it.Doc.IndexNo, "proposal": it.Proposal})
}

// apply changes the record of item it as its proposal says.
func apply(ctx context.Context, tx *db.Tx, a auth.Account, rv Review, it ReviewItem) error {
	if it.Proposal == Keep {
		return nil
	}
	r, err := info.ByID(ctx, tx, it.Doc.ID)
	if err != nil {
		return err
	}
	switch it.Proposal {
	case ToActive:
		if r.Attribute != info.Active {
			why := fmt.Sprintf("%d attribute review; approved by %s on %s", rv.Year, it.Approver, it.ApprovedOn)
			if r, err = info.MakeActive(ctx, tx, a, r, why); err != nil {
				return err
			}
		}
		if r.Status == info.Approved {
			_, err = info.Publish(ctx, tx, a, r)
		}
	case MarkInvalid:
		v := info.Expired
		if r.Validity == info.Repealed {
			v = info.Repealed
		}
		_, err = info.SetValidity(ctx, tx, a, r, v, it.InvalidDate, r.ReplacedBy)
	}
	return err
}

// Return sends the proposal for item it back to its unit with a note
// saying why. It returns an Invalid error on field "return_note" without
// one, Forbidden unless a may decide, and Conflict unless the item waits
// for a decision.
func Return(ctx context.Context, tx *db.Tx, a auth.Account, rv Review, it ReviewItem, note string) (ReviewItem, error) {
	if err := decidable(a, rv, it); err != nil {
		return ReviewItem{}, err
	}
	note, err := cleanNote("return_note", note)
	if err != nil {
		return ReviewItem{}, err
	}
	if note == "" {
		return ReviewItem{}, errs.InvalidField("return_note", "attrs.return_note_required")
	}
	it.State, it.DecidedBy, it.DecidedAt, it.ReturnNote = Returned, a.Login, tx.Now(), note
	if err := saveReviewItem(ctx, tx, it); err != nil {
		return ReviewItem{}, err
	}
	return it, audit.Append(ctx, tx, a.Login, "attrs.return", "attr_review", strconv.FormatInt(rv.ID, 10),
		map[string]any{"record": it.Doc.IndexNo, "note": note})
}

// PublishReview puts the outcome of review rv on the portal once every
// document in it is confirmed. It returns an Invalid error saying how
// many are not, Forbidden unless a may decide, and Conflict if it is
// published already.
func PublishReview(ctx context.Context, tx *db.Tx, a auth.Account, rv Review) (Review, error) {
	if !CanDecide(a, rv) {
		return Review{}, errs.New(errs.Forbidden, "attrs.forbidden")
	}
	if rv.Status != ReviewOpen {
		return Review{}, errs.New(errs.Conflict, "attrs.review_published")
	}
	items, err := ReviewItems(ctx, tx, rv, nil)
	if err != nil {
		return Review{}, err
	}
	left := 0
	for _, it := range items {
		if it.State != Confirmed {
			left++
		}
	}
	if left > 0 {
		return Review{}, errs.New(errs.Invalid, "attrs.review_unconfirmed", left)
	}
	rv.Status, rv.PublishedBy, rv.PublishedAt = ReviewPublished, a.Login, tx.Now()
	if err := saveReview(ctx, tx, rv); err != nil {
		return Review{}, err
	}
	return rv, audit.Append(ctx, tx, a.Login, "attrs.review_publish", "attr_review", strconv.FormatInt(rv.ID, 10),
		map[string]any{"year": rv.Year, "documents": len(items)})
}

// ReviewUnit sums a unit's documents in a review by state, and the
// confirmed ones by decision.
type ReviewUnit struct {
	Unit                                          org.Unit
	Total, Pending, Proposed, Returned, Confirmed int
	Kept, Active, Invalid                         int
}

func (u *ReviewUnit) add(it ReviewItem) {
	u.Total++
	switch it.State {
	case Pending:
		u.Pending++
	case Proposed:
		u.Proposed++
	case Returned:
		u.Returned++
	case Confirmed:
		u.Confirmed++
		switch it.Proposal {
		case Keep:
			u.Kept++
		case ToActive:
			u.Active++
		case MarkInvalid:
			u.Invalid++
		}
	}
}

// ReviewUnits sums items by unit, in the order of the units' codes.
func ReviewUnits(items []ReviewItem) []ReviewUnit {
	return sumByUnit(items, func(it ReviewItem) org.Unit { return it.Unit }, func(u org.Unit) ReviewUnit { return ReviewUnit{Unit: u} }, (*ReviewUnit).add)
}
