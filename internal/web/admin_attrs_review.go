package web

import (
	"context"
	"net/http"
	"net/url"

	"gongkai/internal/attrs"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// reviewFor loads the review of the path as a sees it, with the units
// whose documents a sees (nil for all); one a does not see is not found.
func (s *Server) reviewFor(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account) (attrs.Review, *org.Unit, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return attrs.Review{}, nil, err
	}
	return attrs.ReviewFor(ctx, q, *a, id)
}

// reviewView is what the page of a review shows.
type reviewView struct {
	Review    attrs.Review
	Window    attrs.Window
	Items     []attrs.ReviewItem
	Units     []attrs.ReviewUnit
	CanDecide bool
	OffMonth  bool // opened outside July
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) error {
	a, err := attrsAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "attrs.review_title", "attributes")
	flash(r, p)
	return s.reviewRender(w, r, a, p, http.StatusOK)
}

func (s *Server) reviewRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	ctx := r.Context()
	rv, scope, err := s.reviewFor(ctx, s.db, r, a)
	if err != nil {
		return err
	}
	items, err := attrs.ReviewItems(ctx, s.db, rv, scope)
	if err != nil {
		return err
	}
	p.Title = p.T("attrs.review_of", rv.Year)
	p.Data = reviewView{Review: rv, Window: rv.Window(), Items: items, Units: attrs.ReviewUnits(items), CanDecide: attrs.CanDecide(*a, rv),
		OffMonth: attrs.OffMonth(calendar.DateOf(rv.OpenedAt.In(calendar.China)))}
	s.render(w, r, status, "attrs_review", p)
	return nil
}

// reviewPost runs the office's steps on the review's page: take in new
// documents (do=take_in) or publish the outcome (do=publish).
func (s *Server) reviewPost(w http.ResponseWriter, r *http.Request) error {
	a, err := attrsAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	rv, _, err := s.reviewFor(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	do := r.PostForm.Get("do")
	if do != "take_in" && do != "publish" {
		return errNotFoundPage
	}
	return s.attrsDo(w, r, reviewURL(rv.ID), "review_"+do, func(ctx context.Context, tx *db.Tx) error {
		rv, _, err := s.reviewFor(ctx, tx, r, a)
		if err != nil {
			return err
		}
		if do == "take_in" {
			_, err = attrs.TakeIn(ctx, tx, *a, rv)
		} else {
			_, err = attrs.PublishReview(ctx, tx, *a, rv)
		}
		return err
	}, func(p *page, status int) error { return s.reviewRender(w, r, a, p, status) })
}

// reviewItemView is what the page of a document in a review shows.
type reviewItemView struct {
	Review                attrs.Review
	Item                  attrs.ReviewItem
	CanPropose, CanDecide bool
	Proposals             []string
}

// reviewItemOf loads the review and the item of the path as a sees them.
func (s *Server) reviewItemOf(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account) (attrs.Review, attrs.ReviewItem, error) {
	rv, scope, err := s.reviewFor(ctx, q, r, a)
	if err != nil {
		return rv, attrs.ReviewItem{}, err
	}
	id, err := pathID(r, "item")
	if err != nil {
		return rv, attrs.ReviewItem{}, err
	}
	it, err := attrs.ReviewItemOf(ctx, q, rv, scope, id)
	return rv, it, err
}

func (s *Server) reviewItemPage(w http.ResponseWriter, r *http.Request) error {
	a, err := attrsAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "attrs.review_title", "attributes")
	flash(r, p)
	return s.reviewItemRender(w, r, a, p, http.StatusOK)
}

func (s *Server) reviewItemRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	rv, it, err := s.reviewItemOf(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	if p.Error == "" {
		p.Form = url.Values{"proposal": {it.Proposal}, "approver": {it.Approver}, "approved_on": {it.ApprovedOn}, "invalid_date": {it.InvalidDate}, "note": {it.Note}}
	}
	open := rv.Status == attrs.ReviewOpen && it.Open()
	p.Title = it.Doc.Title
	p.Data = reviewItemView{Review: rv, Item: it, CanPropose: open && attrs.CanPropose(*a, it.Unit),
		CanDecide: open && it.State == attrs.Proposed && attrs.CanDecide(*a, rv), Proposals: attrs.Proposals}
	s.render(w, r, status, "attrs_review_item", p)
	return nil
}

// reviewItemPost runs a step on a document: the unit's proposal
// (do=propose), or the office's confirmation (do=confirm) or return
// (do=return).
func (s *Server) reviewItemPost(w http.ResponseWriter, r *http.Request) error {
	a, err := attrsAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	rv, _, err := s.reviewItemOf(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	f := r.PostForm
	do := f.Get("do")
	if do != "propose" && do != "confirm" && do != "return" {
		return errNotFoundPage
	}
	next := reviewURL(rv.ID)
	if do == "propose" {
		next = reviewURL(rv.ID) + "/" + r.PathValue("item")
	}
	return s.attrsDo(w, r, next, do, func(ctx context.Context, tx *db.Tx) error {
		rv, it, err := s.reviewItemOf(ctx, tx, r, a)
		if err != nil {
			return err
		}
		switch do {
		case "propose":
			_, err = attrs.Propose(ctx, tx, *a, rv, it, attrs.ProposalInput{Proposal: f.Get("proposal"), Approver: f.Get("approver"),
				ApprovedOn: f.Get("approved_on"), InvalidDate: f.Get("invalid_date"), Note: f.Get("note")})
		case "confirm":
			_, err = attrs.Confirm(ctx, tx, *a, rv, it)
		case "return":
			_, err = attrs.Return(ctx, tx, *a, rv, it, f.Get("return_note"))
		}
		return err
	}, func(p *page, status int) error { return s.reviewItemRender(w, r, a, p, status) })
}
