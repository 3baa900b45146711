package web

import (
	"net/http"
	"strconv"

	"gongkai/internal/attrs"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// outcomePage shows the published outcome of a unit's attribute review of
// a year (公开属性审查结果): the counts and the documents disclosed or
// marked invalid, with links. A unit without one is not found.
func (s *Server) outcomePage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.unitByCode(r.Context(), r.PathValue("unit"))
	if errs.KindOf(err) == errs.NotFound {
		return errNotFoundPage
	}
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < attrs.FirstYear || year > 9999 {
		return errNotFoundPage
	}
	o, err := attrs.PublishedOutcome(r.Context(), s.db, u, year)
	if err != nil {
		return err
	}
	ancestors, err := s.ancestors(r.Context(), u)
	if err != nil {
		return err
	}
	p := s.newPage(r, "attrs.outcome_page")
	p.Section = "zwgk"
	p.Title = p.T("attrs.outcome_of", year)
	p.Data = map[string]any{"Outcome": o, "Ancestors": ancestors}
	s.render(w, r, http.StatusOK, "attrs_outcome", p)
	return nil
}

// outcomesPage lists the published outcomes, newest year first.
func (s *Server) outcomesPage(w http.ResponseWriter, r *http.Request) error {
	refs, err := attrs.Outcomes(r.Context(), s.db, org.Unit{Path: "/"})
	if err != nil {
		return err
	}
	p := s.newPage(r, "attrs.outcomes")
	p.Section = "zwgk"
	p.Data = refs
	s.render(w, r, http.StatusOK, "attrs_outcomes", p)
	return nil
}
