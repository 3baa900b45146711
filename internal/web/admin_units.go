package web

import (
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// unitRow is a unit with its depth in the scope tree, for indented lists.
type unitRow struct {
	org.Unit
	Depth int
}

func unitRows(units []org.Unit, root org.Unit) []unitRow {
	base := strings.Count(root.Path, "/")
	out := make([]unitRow, len(units))
	for i, u := range units {
		out[i] = unitRow{Unit: u, Depth: strings.Count(u.Path, "/") - base}
	}
	return out
}

// scopedUnit returns the unit with the given code if it lies in a's scope.
// A unit outside the scope is reported as not found, so that codes of other
// districts cannot be probed.
func (s *Server) scopedUnit(r *http.Request, a *auth.Account, code string) (org.Unit, error) {
	u, err := org.ByCode(r.Context(), s.db, code)
	if err != nil {
		return org.Unit{}, err
	}
	if !a.InScope(u) {
		return org.Unit{}, errs.New(errs.NotFound, "unit.not_found", code)
	}
	return u, nil
}

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	units, err := org.Subtree(r.Context(), s.db, a.Unit)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.units", "units")
	if r.URL.Query().Get("created") != "" {
		p.Flash = p.T("unit.created", r.URL.Query().Get("created"))
	}
	p.Data = map[string]any{"Units": unitRows(units, a.Unit)}
	s.render(w, r, http.StatusOK, "units", p)
	return nil
}

func (s *Server) unitForm(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	units, err := org.Subtree(r.Context(), s.db, a.Unit)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Parents": unitRows(units, a.Unit), "Kinds": org.Kinds}
	s.render(w, r, status, "unit_new", p)
	return nil
}

func (s *Server) unitNewForm(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "unit.new", "units")
	p.Form.Set("parent", r.URL.Query().Get("parent"))
	return s.unitForm(w, r, a, p, http.StatusOK)
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	n := org.NewUnit{Code: f.Get("code"), Name: f.Get("name"), NameEn: f.Get("name_en"), Kind: org.Kind(f.Get("kind")), ParentCode: f.Get("parent")}
	n.Sort, _ = strconv.Atoi(f.Get("sort"))
	var u org.Unit
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		u, err = org.Create(r.Context(), tx, a.Login, &a.Unit, n)
		return err
	})
	if err != nil {
		if errs.KindOf(err) != errs.Invalid && errs.KindOf(err) != errs.Forbidden {
			return err
		}
		p := s.adminPage(r, "unit.new", "units")
		p.Form = f
		p.Errors = fieldErrors(p.Lang, err)
		p.Error = i18n.Error(p.Lang, err)
		return s.unitForm(w, r, a, p, statusOf(errs.KindOf(err)))
	}
	http.Redirect(w, r, "/admin/units?created="+urlQueryEscape(u.Code), http.StatusSeeOther)
	return nil
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	u, err := s.scopedUnit(r, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	p := s.adminPage(r, "unit.edit", "units")
	p.Form.Set("name", u.Name)
	p.Form.Set("name_en", u.NameEn)
	p.Form.Set("sort", strconv.Itoa(u.Sort))
	if r.URL.Query().Get("saved") != "" {
		p.Flash = p.T("unit.saved")
	}
	return s.unitDetail(w, r, p, u, http.StatusOK)
}

func (s *Server) unitDetail(w http.ResponseWriter, r *http.Request, p *page, u org.Unit, status int) error {
	ctx := r.Context()
	children, err := org.Children(ctx, s.db, u.ID)
	if err != nil {
		return err
	}
	accts, err := auth.InScope(ctx, s.db, u)
	if err != nil {
		return err
	}
	var own []auth.Account
	for _, ac := range accts {
		if ac.Unit.ID == u.ID {
			own = append(own, ac)
		}
	}
	p.Title = u.Name
	p.Data = map[string]any{"Unit": u, "Children": children, "Accounts": own}
	s.render(w, r, status, "unit", p)
	return nil
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	u, err := s.scopedUnit(r, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	c := org.UnitChange{Name: strings.TrimSpace(f.Get("name")), NameEn: strings.TrimSpace(f.Get("name_en"))}
	var serr error
	if c.Sort, serr = strconv.Atoi(strings.TrimSpace(f.Get("sort"))); serr != nil && f.Get("sort") != "" {
		serr = errs.InvalidField("sort", "unit.sort_invalid", f.Get("sort"))
	} else {
		serr = s.db.InTx(r.Context(), func(tx *db.Tx) error {
			_, err := org.Update(r.Context(), tx, a.Login, &a.Unit, u.Code, c)
			return err
		})
	}
	if serr != nil {
		if errs.KindOf(serr) != errs.Invalid {
			return serr
		}
		p := s.adminPage(r, "unit.edit", "units")
		p.Form = f
		p.Errors = fieldErrors(p.Lang, serr)
		p.Error = i18n.Error(p.Lang, serr)
		return s.unitDetail(w, r, p, u, http.StatusBadRequest)
	}
	http.Redirect(w, r, "/admin/units/"+urlQueryEscape(u.Code)+"?saved=1", http.StatusSeeOther)
	return nil
}
