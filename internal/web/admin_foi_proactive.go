package web

import (
	"net/http"
	"strconv"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
)

// proactiveGroup is a candidate for proactive disclosure as the console
// shows it.
type proactiveGroup struct {
	foi.Candidate
	Key     int64 // the first application's ID: names the group's form
	CanMark bool
}

// foiProactivePage lists the information applied for repeatedly in the
// account's scope (依申请转主动), with a form per group to record that it
// was published proactively or why not.
func (s *Server) foiProactivePage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "foi.proactive_title", "foi")
	if r.URL.Query().Get("marked") != "" {
		p.Flash = p.T("foi.proactive.marked")
	}
	return s.foiProactive(w, r, p, a, http.StatusOK)
}

func (s *Server) foiProactive(w http.ResponseWriter, r *http.Request, p *page, a *auth.Account, status int) error {
	cs, err := foi.Candidates(r.Context(), s.db, a.Unit, s.today())
	if err != nil {
		return err
	}
	groups := make([]proactiveGroup, len(cs))
	for i, c := range cs {
		groups[i] = proactiveGroup{Candidate: c, Key: c.Applications[0].ID, CanMark: foi.CanHandle(*a, c.Unit)}
	}
	p.Data = map[string]any{"Groups": groups, "Minimum": foi.CandidateMinimum}
	s.render(w, r, status, "foi_proactive", p)
	return nil
}

// foiProactiveMark marks a group's applications converted or dismissed.
// A form with problems is shown again as it was filled in.
func (s *Server) foiProactiveMark(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	var ids []int64
	for _, v := range r.PostForm["id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errs.New(errs.Invalid, "error.bad_form")
		}
		ids = append(ids, id)
	}
	ferr := s.db.InTx(r.Context(), func(tx *db.Tx) error {
		return foi.MarkProactive(r.Context(), tx, *a, ids, r.PostForm.Get("state"), r.PostForm.Get("note"))
	})
	if ferr != nil {
		if errs.KindOf(ferr) != errs.Invalid {
			return ferr
		}
		p := s.adminPage(r, "foi.proactive_title", "foi")
		p.Form = r.PostForm
		p.Error = i18n.Error(p.Lang, ferr)
		p.Errors = fieldErrors(p.Lang, ferr)
		p.Errors["group"] = r.PostForm.Get("group")
		return s.foiProactive(w, r, p, a, http.StatusBadRequest)
	}
	http.Redirect(w, r, "/admin/foi/proactive?marked=1", http.StatusSeeOther)
	return nil
}
