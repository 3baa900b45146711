package web

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/assess"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/selfreport"
)

// assessRoutes registers the console's assessment pages.
func (s *Server) assessRoutes(mux router) {
	mux.Handle("GET /admin/assess/{$}", s.h(s.assessPage))
	mux.Handle("GET /admin/assess/results.xlsx", s.h(s.assessXLSX))
	mux.Handle("GET /admin/assess/scheme", s.h(s.assessSchemePage))
	mux.Handle("POST /admin/assess/scheme", s.h(s.assessSchemeSave))
	mux.Handle("GET /admin/assess/{unit}/{year}/{$}", s.h(s.assessUnitPage))
}

// assessAccount returns the signed-in account if it has units assessed:
// everyone but a domain supervisor.
func assessAccount(r *http.Request) (*auth.Account, error) { return selfReportAccount(r) }

// seesResults reports whether a sees the results of the units under it:
// the offices and administrators; a unit's staff see their own breakdown.
func seesResults(a *auth.Account) bool {
	return a.Role == auth.PublicOfficeCity || a.Role == auth.PublicOfficeDistrict || a.IsAdmin()
}

// assessYear reads ?year=, the default report year when absent; a year out
// of range is an Invalid error on field year.
func (s *Server) assessYear(r *http.Request) (int, error) {
	year := s.defaultReportYear()
	if y := strings.TrimSpace(r.URL.Query().Get("year")); y != "" {
		var err error
		if year, err = strconv.Atoi(y); err != nil {
			year = 0
		}
	}
	_, err := assess.SchemeFor(r.Context(), s.db, year)
	return year, err
}

// assessScope reads ?scope=, a unit in a's subtree (a's own by default);
// any other is not found.
func (s *Server) assessScope(ctx context.Context, r *http.Request, a *auth.Account) (org.Unit, error) {
	code := r.URL.Query().Get("scope")
	if code == "" {
		return a.Unit, nil
	}
	u, err := s.unitByCode(ctx, code)
	if err != nil || !a.InScope(u) {
		return org.Unit{}, errs.New(errs.NotFound, "unit.not_found", code)
	}
	return u, nil
}

// assessRow is a unit's results as the list shows them.
type assessRow struct {
	assess.UnitResult
	Link string
}

// assessPage shows an office the results of the units in a scope, and a
// unit's staff their own unit's breakdown.
func (s *Server) assessPage(w http.ResponseWriter, r *http.Request) error {
	a, err := assessAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := s.adminPage(r, "admin.assess", "assess")
	year, err := s.assessYear(r)
	p.Form.Set("year", cmp.Or(r.URL.Query().Get("year"), strconv.Itoa(year))) // as typed
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p.Error, p.Errors = i18n.Error(p.Lang, err), fieldErrors(p.Lang, err)
		p.Data = map[string]any{"Invalid": true}
		s.render(w, r, http.StatusBadRequest, "assess", p)
		return nil
	}
	if !seesResults(a) {
		if !selfreport.Files(a.Unit) {
			return errs.New(errs.NotFound, "unit.not_found", a.Unit.Code)
		}
		return s.assessUnitRender(w, r, a, a.Unit, year)
	}
	scope, err := s.assessScope(ctx, r, a)
	if err != nil {
		return err
	}
	scheme, err := assess.SchemeFor(ctx, s.db, year)
	if err != nil {
		return err
	}
	units, err := assess.Units(ctx, s.db, scope)
	if err != nil {
		return err
	}
	results, err := assess.Assess(ctx, s.db, s.cfg.Assess, scheme, units)
	if err != nil {
		return err
	}
	rows := make([]assessRow, len(results))
	for i, res := range results {
		rows[i] = assessRow{res, assessUnitURL(res.Unit, year)}
	}
	scopes := []org.Unit{a.Unit}
	children, err := org.Children(ctx, s.db, a.Unit.ID)
	if err != nil {
		return err
	}
	for _, c := range children {
		if c.Kind == org.District {
			scopes = append(scopes, c)
		}
	}
	p.Form.Set("scope", scope.Code)
	p.Data = map[string]any{"Year": year, "Scope": scope, "Scopes": scopes, "Scheme": scheme, "Rows": rows,
		"Heading": p.TU("assess.title", scope.Name, year), "CanEdit": assess.CanEditScheme(*a),
		"XLSX": "/admin/assess/results.xlsx?" + url.Values{"year": {strconv.Itoa(year)}, "scope": {scope.Code}}.Encode()}
	s.render(w, r, http.StatusOK, "assess", p)
	return nil
}

func assessUnitURL(u org.Unit, year int) string {
	return "/admin/assess/" + url.PathEscape(u.Code) + "/" + strconv.Itoa(year) + "/"
}

// assessFigure is a figure a component's score came from.
type assessFigure struct{ Label, Value string }

// assessComponentView is a component of a unit's breakdown.
type assessComponentView struct {
	assess.ComponentResult
	Title   string
	Figures []assessFigure
}

// assessUnitPage is one unit's breakdown. A unit outside the account's
// scope, or one not assessed, is not found.
func (s *Server) assessUnitPage(w http.ResponseWriter, r *http.Request) error {
	a, err := assessAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	code := r.PathValue("unit")
	u, err := s.unitByCode(ctx, code)
	if err != nil || !a.InScope(u) || !selfreport.Files(u) {
		return errs.New(errs.NotFound, "unit.not_found", code)
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return errs.New(errs.NotFound, "unit.not_found", code)
	}
	if _, err := assess.SchemeFor(ctx, s.db, year); errs.KindOf(err) == errs.Invalid {
		return errs.New(errs.NotFound, "unit.not_found", code)
	}
	return s.assessUnitRender(w, r, a, u, year)
}

// assessUnitRender shows unit u's breakdown for year.
func (s *Server) assessUnitRender(w http.ResponseWriter, r *http.Request, a *auth.Account, u org.Unit, year int) error {
	ctx := r.Context()
	scheme, err := assess.SchemeFor(ctx, s.db, year)
	if err != nil {
		return err
	}
	res, err := assess.Score(ctx, s.db, s.cfg.Assess, scheme, u)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.assess", "assess")
	var comps []assessComponentView
	for _, c := range res.Components {
		v := assessComponentView{ComponentResult: c, Title: assess.ComponentTitle(p.Lang, c.Key)}
		for _, f := range selfreport.FigureList(p.Lang, selfreport.Section{Figures: c.Figures}) {
			v.Figures = append(v.Figures, assessFigure{f.Label, f.Value})
		}
		comps = append(comps, v)
	}
	p.Title = assess.Title(p.Lang, u, year)
	p.Data = map[string]any{"Result": res, "Components": comps, "Scheme": scheme, "Year": year,
		"Heading": p.TU("assess.title", u.Name, year), "Back": seesResults(a)}
	s.render(w, r, http.StatusOK, "assess_unit", p)
	return nil
}

// assessXLSX exports the results of a scope's units.
func (s *Server) assessXLSX(w http.ResponseWriter, r *http.Request) error {
	a, err := assessAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	year, err := s.assessYear(r)
	if err != nil {
		return err
	}
	scope, err := s.assessScope(ctx, r, a)
	if err != nil {
		return err
	}
	units := []org.Unit{a.Unit}
	if seesResults(a) {
		if units, err = assess.Units(ctx, s.db, scope); err != nil {
			return err
		}
	} else if scope.ID != a.Unit.ID || !selfreport.Files(a.Unit) {
		return errs.New(errs.NotFound, "unit.not_found", scope.Code)
	}
	scheme, err := assess.SchemeFor(ctx, s.db, year)
	if err != nil {
		return err
	}
	results, err := assess.Assess(ctx, s.db, s.cfg.Assess, scheme, units)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := assess.WriteXLSX(&b, langOf(r), scope, scheme, results); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="assessment-%s-%d.xlsx"`, scope.Code, year))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
	return nil
}

// schemeAccount returns the signed-in account if it may set schemes.
func schemeAccount(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !assess.CanEditScheme(*a) {
		return nil, errs.New(errs.Forbidden, "assess.forbidden")
	}
	return a, nil
}

func (s *Server) assessSchemePage(w http.ResponseWriter, r *http.Request) error {
	if _, err := schemeAccount(r); err != nil {
		return err
	}
	p := s.adminPage(r, "assess.scheme_title", "assess")
	year, err := s.assessYear(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("done") == "saved" {
		p.Flash = p.T("assess.saved")
	}
	return s.assessSchemeRender(w, r, p, year, http.StatusOK)
}

func (s *Server) assessSchemeRender(w http.ResponseWriter, r *http.Request, p *page, year, status int) error {
	ctx := r.Context()
	cur, err := assess.SchemeFor(ctx, s.db, year)
	if err != nil {
		return err
	}
	versions, err := assess.Versions(ctx, s.db, year)
	if err != nil {
		return err
	}
	type field struct {
		Key, Name, Label string
	}
	var fields []field
	for _, k := range assess.Keys {
		f := assess.WeightField(k)
		if _, typed := p.Form[f]; !typed {
			p.Form.Set(f, strconv.Itoa(cur.Weight(k)))
		}
		fields = append(fields, field{k, f, assess.ComponentTitle(p.Lang, k)})
	}
	if _, typed := p.Form["year"]; !typed {
		p.Form.Set("year", strconv.Itoa(year))
	}
	p.Data = map[string]any{"Year": year, "Current": cur, "Versions": versions, "Fields": fields, "Keys": assess.Keys}
	s.render(w, r, status, "assess_scheme", p)
	return nil
}

// assessSchemeSave saves a new version of a year's scheme.
func (s *Server) assessSchemeSave(w http.ResponseWriter, r *http.Request) error {
	a, err := schemeAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, f := r.Context(), r.PostForm
	year, yerr := strconv.Atoi(strings.TrimSpace(f.Get("year")))
	if yerr != nil {
		year = 0 // refused with the years allowed
	}
	weights := map[string]string{}
	for _, k := range assess.Keys {
		weights[k] = f.Get(assess.WeightField(k))
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := assess.SaveScheme(ctx, tx, *a, year, weights, f.Get("comment"))
		return err
	})
	if err == nil {
		http.Redirect(w, r, "/admin/assess/scheme?"+url.Values{"year": {strconv.Itoa(year)}, "done": {"saved"}}.Encode(), http.StatusSeeOther)
		return nil
	}
	if errs.KindOf(err) != errs.Invalid {
		return err
	}
	p := s.adminPage(r, "assess.scheme_title", "assess")
	p.Form, p.Errors, p.Error = f, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	if _, bad := p.Errors["year"]; bad {
		year = s.defaultReportYear() // the form is shown for a year that exists
	}
	return s.assessSchemeRender(w, r, p, year, http.StatusBadRequest)
}
