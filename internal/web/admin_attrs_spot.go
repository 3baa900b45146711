package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"

	"gongkai/internal/attrs"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// spotFor loads the spot check of the path as a sees it, with the units
// whose documents a sees (nil for all); one a does not see is not found.
func (s *Server) spotFor(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account) (attrs.SpotCheck, *org.Unit, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return attrs.SpotCheck{}, nil, err
	}
	return attrs.SpotCheckFor(ctx, q, *a, id)
}

// spotView is what the page of a spot check shows.
type spotView struct {
	Check    attrs.SpotCheck
	Items    []attrs.SpotItem
	Results  []attrs.UnitResult
	Findings []attrs.SpotItem
	CanRun   bool
}

func (s *Server) spotPage(w http.ResponseWriter, r *http.Request) error {
	a, err := attrsAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "attrs.spot_title", "attributes")
	flash(r, p)
	return s.spotRender(w, r, a, p, http.StatusOK)
}

func (s *Server) spotRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	ctx := r.Context()
	c, scope, err := s.spotFor(ctx, s.db, r, a)
	if err != nil {
		return err
	}
	items, err := attrs.SpotItems(ctx, s.db, c, scope)
	if err != nil {
		return err
	}
	p.Title = p.T("attrs.spot_of", c.Year)
	p.Data = spotView{Check: c, Items: items, Results: attrs.Results(items), Findings: attrs.Findings(items), CanRun: attrs.CanRunSpot(*a, c)}
	s.render(w, r, status, "attrs_spot", p)
	return nil
}

// spotPost closes the check (do=close), the one step on its page.
func (s *Server) spotPost(w http.ResponseWriter, r *http.Request) error {
	a, err := attrsAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	c, _, err := s.spotFor(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	if r.PostForm.Get("do") != "close" {
		return errNotFoundPage
	}
	return s.attrsDo(w, r, spotURL(c.ID), "spot_closed", func(ctx context.Context, tx *db.Tx) error {
		c, _, err := s.spotFor(ctx, tx, r, a)
		if err == nil {
			_, err = attrs.CloseSpotCheck(ctx, tx, *a, c)
		}
		return err
	}, func(p *page, status int) error { return s.spotRender(w, r, a, p, status) })
}

// spotXLSX downloads the check's results as the account sees them.
func (s *Server) spotXLSX(w http.ResponseWriter, r *http.Request) error {
	a, err := attrsAccount(r)
	if err != nil {
		return err
	}
	c, scope, err := s.spotFor(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	items, err := attrs.SpotItems(r.Context(), s.db, c, scope)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := attrs.WriteSpotXLSX(&buf, c, items); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="attribute-spot-check-%d-%d.xlsx"`, c.Year, c.ID))
	w.Write(buf.Bytes())
	return nil
}

// spotItemView is what the page of a document drawn shows.
type spotItemView struct {
	Check  attrs.SpotCheck
	Item   attrs.SpotItem
	CanRun bool
}

// spotItemOf loads the check and the item of the path as a sees them.
func (s *Server) spotItemOf(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account) (attrs.SpotCheck, attrs.SpotItem, error) {
	c, scope, err := s.spotFor(ctx, q, r, a)
	if err != nil {
		return c, attrs.SpotItem{}, err
	}
	id, err := pathID(r, "item")
	if err != nil {
		return c, attrs.SpotItem{}, err
	}
	it, err := attrs.SpotItemOf(ctx, q, c, scope, id)
	return c, it, err
}

func (s *Server) spotItemPage(w http.ResponseWriter, r *http.Request) error {
	a, err := attrsAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "attrs.spot_title", "attributes")
	flash(r, p)
	return s.spotItemRender(w, r, a, p, http.StatusOK)
}

func (s *Server) spotItemRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	c, it, err := s.spotItemOf(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	if p.Error == "" {
		p.Form = url.Values{"proposed": {it.Proposed}, "marked": {it.Marked}, "correct": {it.Correct}, "note": {it.Note}}
	}
	p.Title = it.Doc.Title
	p.Data = spotItemView{Check: c, Item: it, CanRun: attrs.CanRunSpot(*a, c) && c.Status == attrs.SpotOpen}
	s.render(w, r, status, "attrs_spot_item", p)
	return nil
}

// spotItemPost records the checker's answers for a document.
func (s *Server) spotItemPost(w http.ResponseWriter, r *http.Request) error {
	a, err := attrsAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	c, _, err := s.spotItemOf(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	f := r.PostForm
	return s.attrsDo(w, r, spotURL(c.ID), "spot_recorded", func(ctx context.Context, tx *db.Tx) error {
		c, it, err := s.spotItemOf(ctx, tx, r, a)
		if err == nil {
			_, err = attrs.Record(ctx, tx, *a, c, it, attrs.Answers{Proposed: f.Get("proposed"), Marked: f.Get("marked"), Correct: f.Get("correct"), Note: f.Get("note")})
		}
		return err
	}, func(p *page, status int) error { return s.spotItemRender(w, r, a, p, status) })
}
