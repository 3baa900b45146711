package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/interpret"
	"gongkai/internal/org"
)

// interpsPerPage is the length of a page of the portal's list and the API.
const interpsPerPage = 20

// interpQuery is the filter of the portal's list and the API: ?unit=CODE
// (the unit and the units under it), ?form=CODE, ?policy=ID and ?page=N,
// each checked and named when wrong.
type interpQuery struct {
	Unit   *org.Unit
	Form   string
	Policy int64
	Page   int
}

func (s *Server) interpQueryOf(ctx context.Context, r *http.Request) (interpQuery, error) {
	q := r.URL.Query()
	out := interpQuery{Page: 1, Form: strings.TrimSpace(q.Get("form"))}
	if code := strings.TrimSpace(q.Get("unit")); code != "" {
		u, err := s.unitByCode(ctx, code)
		if err != nil {
			return out, errs.InvalidField("unit", "unit.not_found", code)
		}
		out.Unit = &u
	}
	if out.Form != "" && !interpret.ValidForm(out.Form) {
		return out, errs.InvalidField("form", "interpret.bad_form", out.Form)
	}
	if v := strings.TrimSpace(q.Get("policy")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return out, errs.InvalidField("policy", "interpret.bad_policy", v)
		}
		out.Policy = id
	}
	if v := strings.TrimSpace(q.Get("page")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return out, errs.InvalidField("page", "interpret.bad_page", v)
		}
		out.Page = n
	}
	return out, nil
}

func (q interpQuery) filter() interpret.Filter {
	return interpret.Filter{Scope: q.Unit, Form: q.Form, PolicyID: q.Policy, Public: true, Limit: interpsPerPage, Offset: (q.Page - 1) * interpsPerPage}
}

// jdList is the portal's list of interpretations (/zwgk/jd/).
func (s *Server) jdList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q, err := s.interpQueryOf(ctx, r)
	if err != nil {
		return err
	}
	its, total, err := interpret.List(ctx, s.db, q.filter())
	if err != nil {
		return err
	}
	units, err := interpret.PublicUnits(ctx, s.db)
	if err != nil {
		return err
	}
	p := s.newPage(r, "interpret.title")
	p.Section = "zwgk"
	unit := ""
	if q.Unit != nil {
		unit = q.Unit.Code
	}
	p.Data = map[string]any{"Interpretations": its, "Total": total, "Units": units, "Unit": unit, "Form": q.Form,
		"Forms": interpret.Forms, "Pages": pager(r, q.Page, total, interpsPerPage)}
	s.render(w, r, http.StatusOK, "jd_list", p)
	return nil
}

// jdRounds lists the evaluation rounds whose results are published.
func (s *Server) jdRounds(w http.ResponseWriter, r *http.Request) error {
	rounds, err := interpret.Rounds(r.Context(), s.db, true)
	if err != nil {
		return err
	}
	p := s.newPage(r, "interpret.results")
	p.Section = "zwgk"
	p.Data = map[string]any{"Rounds": rounds}
	s.render(w, r, http.StatusOK, "jd_rounds", p)
	return nil
}

// jdRound shows a published round's ranked results; a round not
// published is not found.
func (s *Server) jdRound(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rd, err := loadRound(ctx, s.db, r)
	if errs.KindOf(err) == errs.NotFound || err == nil && rd.Status != interpret.RoundPublished {
		return errNotFoundPage
	}
	if err != nil {
		return err
	}
	ns, err := interpret.Nominations(ctx, s.db, rd, nil)
	if err != nil {
		return err
	}
	p := s.newPage(r, "interpret.results")
	p.Section, p.Title = "zwgk", rd.Title
	from, to, _ := interpret.Span(rd.Period)
	p.Data = map[string]any{"Round": rd, "Results": ns, "From": from.String(), "To": to.String(), "ExcellentAt": interpret.ExcellentAt}
	s.render(w, r, http.StatusOK, "jd_round", p)
	return nil
}

// interpJSON is an interpretation in the API's list.
type interpJSON struct {
	ID     int64  `json:"id"`
	Unit   string `json:"unit"`
	Title  string `json:"title"`
	Form   string `json:"form"`
	Policy struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	} `json:"policy"`
	Published string `json:"published"`
}

// apiInterpretations lists published interpretations, newest first:
// ?unit=CODE, ?policy=ID, ?form=CODE, ?page=N; 400 naming a bad one.
func (s *Server) apiInterpretations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q, err := s.interpQueryOf(ctx, r)
	if err != nil {
		return err
	}
	its, total, err := interpret.List(ctx, s.db, q.filter())
	if err != nil {
		return err
	}
	out := make([]interpJSON, 0, len(its))
	for _, it := range its {
		j := interpJSON{ID: it.Record.ID, Unit: it.Record.Unit.Code, Title: it.Record.Title, Form: it.Form, Published: calendar.Timestamp(it.Record.PublishedAt)}
		// A policy not (or no longer) public is not named.
		if it.Policy.Status == info.Published {
			j.Policy.ID, j.Policy.Title = it.Policy.ID, it.Policy.Title
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "interpretations": out})
	return nil
}

// interpretationsOnPage returns what a record's public page shows of
// interpretation: the published interpretations of a policy, or the
// interpretation a record is with its policy if public.
func (s *Server) interpretationsOnPage(ctx context.Context, rec info.Record) (its []interpret.Interpretation, of *interpret.Interpretation, err error) {
	it, err := interpret.ByRecord(ctx, s.db, rec.ID)
	switch {
	case err == nil:
		return nil, &it, nil
	case errs.KindOf(err) != errs.NotFound:
		return nil, nil, err
	}
	its, err = interpret.OfPolicy(ctx, s.db, rec.ID, true)
	return its, nil, err
}
