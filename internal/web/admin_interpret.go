package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/interpret"
	"gongkai/internal/org"
)

// interpretRoutes registers policy interpretation (政策解读) in the
// portal, the console and the API.
func (s *Server) interpretRoutes(mux router) {
	mux.Handle("GET /zwgk/jd/{$}", s.h(s.jdList))
	mux.Handle("GET /zwgk/jd/pingxuan/{$}", s.h(s.jdRounds))
	mux.Handle("GET /zwgk/jd/pingxuan/{id}/{$}", s.h(s.jdRound))

	mux.Handle("GET /admin/interpretations", s.h(s.interpAdminList))
	mux.Handle("GET /admin/interpretations/new", s.h(s.interpNewPage))
	mux.Handle("POST /admin/interpretations", s.h(s.interpCreate))
	mux.Handle("GET /admin/interpretations/rounds", s.h(s.roundsPage))
	mux.Handle("POST /admin/interpretations/rounds", s.h(s.roundOpen))
	mux.Handle("GET /admin/interpretations/rounds/{id}", s.h(s.roundPage))
	// As for records, every form of a round posts to it, naming its step
	// with the button (do=…).
	mux.Handle("POST /admin/interpretations/rounds/{id}", s.h(s.roundPost))

	mux.Handle("GET /api/v1/interpretations", s.h(s.apiInterpretations))
}

// interpretView is a record's part in policy interpretation on its
// console page: the policy it interprets, or, for a policy, its mark and
// its interpretations.
type interpretView struct {
	Of              *interpret.Interpretation
	Needs           bool
	Need            interpret.Need
	Interpretations []interpret.Interpretation
	Forms           []string
	// CanMark: a's editors may mark it (not yet published); CanWrite: a
	// may write an interpretation of it.
	CanMark, CanWrite bool
}

func (s *Server) interpretViewOf(ctx context.Context, a auth.Account, rec info.Record) (interpretView, error) {
	v := interpretView{Forms: interpret.Forms}
	it, err := interpret.ByRecord(ctx, s.db, rec.ID)
	switch {
	case err == nil:
		v.Of = &it
		return v, nil
	case errs.KindOf(err) != errs.NotFound:
		return v, err
	}
	if v.Need, v.Needs, err = interpret.NeedOf(ctx, s.db, rec.ID); err != nil {
		return v, err
	}
	if v.Interpretations, err = interpret.OfPolicy(ctx, s.db, rec.ID, false); err != nil {
		return v, err
	}
	editor := info.CanEdit(a, rec.Unit)
	v.CanMark = editor && rec.Status != info.Published && rec.Status != info.Withdrawn
	v.CanWrite = editor && rec.Status != info.Withdrawn
	return v, nil
}

// interpAccount returns the signed-in account if it works on units'
// interpretations: as for records, everyone but a domain supervisor.
func interpAccount(r *http.Request) (*auth.Account, error) { return consultAccount(r) }

// interpAdminList lists, within the account's scope, the policies returned
// for re-interpretation, the policies marked as needing interpretation
// and the interpretations.
func (s *Server) interpAdminList(w http.ResponseWriter, r *http.Request) error {
	a, err := interpAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	form := r.URL.Query().Get("form")
	if form != "" && !interpret.ValidForm(form) {
		return errs.InvalidField("form", "interpret.bad_form", form)
	}
	pageNo, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pageNo = max(pageNo, 1)
	its, total, err := interpret.List(ctx, s.db, interpret.Filter{Scope: &a.Unit, Form: form, Limit: interpsPerPage, Offset: (pageNo - 1) * interpsPerPage})
	if err != nil {
		return err
	}
	marked, err := interpret.MarkedIn(ctx, s.db, a.Unit, 100)
	if err != nil {
		return err
	}
	returns, err := interpret.Returns(ctx, s.db, interpret.ReturnFilter{Scope: &a.Unit})
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.interpretations", "interpretations")
	p.Data = map[string]any{"Interpretations": its, "Total": total, "Pages": pager(r, pageNo, total, interpsPerPage), "Marked": marked, "Returns": returns, "Today": s.today(),
		"Form": form, "Forms": interpret.Forms, "CanRun": interpret.CanRunRounds(*a)}
	s.render(w, r, http.StatusOK, "interp_admin_list", p)
	return nil
}

// scopedPolicy loads the policy record the form or query names by id if a
// may see it; any other is an Invalid error on field "policy".
func (s *Server) scopedPolicy(ctx context.Context, q db.Querier, a *auth.Account, id string) (info.Record, error) {
	bad := errs.InvalidField("policy", "interpret.policy_not_found", id)
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return info.Record{}, bad
	}
	rec, err := info.ByID(ctx, q, n)
	if errs.KindOf(err) == errs.NotFound || err == nil && !a.InScope(rec.Unit) {
		return info.Record{}, bad
	}
	return rec, err
}

// interpNewPage is the form of a new interpretation of the policy in
// ?policy=ID; a policy out of scope is not found.
func (s *Server) interpNewPage(w http.ResponseWriter, r *http.Request) error {
	a, err := interpAccount(r)
	if err != nil {
		return err
	}
	pol, err := s.scopedPolicy(r.Context(), s.db, a, r.URL.Query().Get("policy"))
	if err != nil {
		return errs.New(errs.NotFound, "info.not_found", r.URL.Query().Get("policy"))
	}
	p := s.adminPage(r, "interpret.new", "interpretations")
	p.Form = url.Values{"policy": {strconv.FormatInt(pol.ID, 10)}, "unit": {pol.Unit.Code}, "form": {"text"}}
	return s.interpNewRender(w, r, a, p, pol, http.StatusOK)
}

func (s *Server) interpNewRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, pol info.Record, status int) error {
	units, err := s.unitsWhere(r.Context(), a, info.CanEdit)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Units": units, "Policy": pol, "Forms": interpret.Forms}
	s.render(w, r, status, "interp_new", p)
	return nil
}

// interpCreate writes a new draft interpretation and opens its record,
// where files are added and it is submitted.
func (s *Server) interpCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := interpAccount(r)
	if err != nil {
		return err
	}
	if err := parseFormN(w, r, maxConsoleForm); err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	var it interpret.Interpretation
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		pol, err := s.scopedPolicy(ctx, tx, a, f.Get("policy"))
		if err != nil {
			return err
		}
		u, err := org.ByCode(ctx, tx, f.Get("unit"))
		if err != nil || !a.InScope(u) {
			return errs.InvalidField("unit", "unit.not_found", f.Get("unit"))
		}
		it, err = interpret.Create(ctx, tx, *a, u, pol, interpret.Input{Title: f.Get("title"), Body: f.Get("body"), Form: f.Get("form"), WrittenDate: f.Get("written_date")})
		return err
	})
	if err != nil {
		p, status, ferr := s.formAgain(r, err, "interpret.new")
		if ferr != nil {
			return ferr
		}
		p.Section = "interpretations"
		pol, perr := s.scopedPolicy(ctx, s.db, a, f.Get("policy"))
		if perr != nil {
			return perr
		}
		return s.interpNewRender(w, r, a, p, pol, status)
	}
	http.Redirect(w, r, adminInfoURL(it.Record.ID)+"?done=created", http.StatusSeeOther)
	return nil
}
