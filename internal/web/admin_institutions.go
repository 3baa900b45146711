package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/institution"
	"gongkai/internal/org"
)

// institutionRoutes registers the console of public institutions (公共企事
// 业单位, plan item 十八) and the supervision reports on the portal.
func (s *Server) institutionRoutes(mux router) {
	mux.Handle("GET /admin/institutions/{$}", s.h(s.instList))
	mux.Handle("POST /admin/institutions/supervisor", s.h(s.instSetSupervisor))
	mux.Handle("GET /admin/institutions/report", s.h(s.instReportPage))
	mux.Handle("POST /admin/institutions/report", s.h(s.instReportPost))
	mux.Handle("GET /zwgk/bzh/{code}/jdbg/{year}/{$}", s.h(s.instReportPublic))
}

// mayInstitutions reports whether a opens the institutions' console: as
// for records, everyone but a domain supervisor, at units that hold or
// supervise institutions.
func mayInstitutions(a *auth.Account) bool {
	if !keepsUnitRecords(a) {
		return false
	}
	switch a.Unit.Kind {
	case org.City, org.CityDepartment, org.District, org.DistrictDepartment, org.PublicInstitution:
		return true
	}
	return a.IsAdmin()
}

// instAccount returns the signed-in account if it opens the console;
// others find nothing here.
func instAccount(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !mayInstitutions(a) {
		return nil, errNotFoundPage
	}
	return a, nil
}

// instData is what the institutions' console shows.
type instData struct {
	Rows        []institution.Figures
	Settable    []org.Unit // institutions a may link to a department
	Departments []org.Unit // departments a may link them to
	Reporting   []org.Unit // departments a may write the report of
	Year        int
}

func (s *Server) instList(w http.ResponseWriter, r *http.Request) error {
	a, err := instAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "inst.console", "institutions")
	if r.URL.Query().Get("done") == "supervisor" {
		p.Flash = p.T("inst.done.supervisor")
	}
	return s.instListRender(w, r, a, p, http.StatusOK)
}

func (s *Server) instListRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	ctx := r.Context()
	units, err := institution.Visible(ctx, s.db, *a)
	if err != nil {
		return err
	}
	rows, err := institution.Overview(ctx, s.db, units)
	if err != nil {
		return err
	}
	d := instData{Rows: rows, Year: s.today().Year}
	for _, u := range units {
		if institution.CanSetSupervisor(*a, u) {
			d.Settable = append(d.Settable, u)
		}
	}
	if len(d.Settable) > 0 {
		all, err := org.Subtree(ctx, s.db, a.Unit)
		if err != nil {
			return err
		}
		for _, u := range all {
			if institution.IsDepartment(u.Kind) {
				d.Departments = append(d.Departments, u)
			}
		}
	}
	if d.Reporting, err = s.reportingDepartments(ctx, a, rows); err != nil {
		return err
	}
	p.Data = d
	s.render(w, r, status, "inst_admin", p)
	return nil
}

// reportingDepartments returns the departments a may write the report of:
// those in its scope that supervise an institution, its own department
// first.
func (s *Server) reportingDepartments(ctx context.Context, a *auth.Account, rows []institution.Figures) ([]org.Unit, error) {
	var out []org.Unit
	seen := map[int64]bool{}
	if institution.IsDepartment(a.Unit.Kind) && institution.CanWrite(*a, a.Unit) {
		out, seen[a.Unit.ID] = append(out, a.Unit), true
	}
	for _, f := range rows {
		if f.Supervisor.ID != 0 && !seen[f.Supervisor.ID] && institution.CanWrite(*a, f.Supervisor) {
			out, seen[f.Supervisor.ID] = append(out, f.Supervisor), true
		}
	}
	return out, nil
}

// instSetSupervisor records the department that supervises an
// institution.
func (s *Server) instSetSupervisor(w http.ResponseWriter, r *http.Request) error {
	a, err := instAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.ByCode(ctx, tx, r.PostForm.Get("unit"))
		if err != nil || !a.InScope(u) {
			return errs.InvalidField("unit", "unit.not_found", r.PostForm.Get("unit"))
		}
		if !institution.CanSetSupervisor(*a, u) {
			return errs.New(errs.Forbidden, "inst.forbidden_supervisor")
		}
		dept, err := org.ByCode(ctx, tx, r.PostForm.Get("supervisor"))
		if err != nil || !a.InScope(dept) {
			return errs.InvalidField("supervisor", "unit.not_found", r.PostForm.Get("supervisor"))
		}
		return institution.SetSupervisor(ctx, tx, *a, u, dept)
	})
	if err != nil {
		p, status, err := s.formAgainIn(r, err, "inst.console", "institutions")
		if err != nil {
			return err
		}
		return s.instListRender(w, r, a, p, status)
	}
	http.Redirect(w, r, "/admin/institutions/?done=supervisor", http.StatusSeeOther)
	return nil
}

// formAgainIn is formAgain for a console section.
func (s *Server) formAgainIn(r *http.Request, err error, titleKey, section string) (*page, int, error) {
	p, status, err := s.formAgain(r, err, titleKey)
	if p != nil {
		p.Section = section
	}
	return p, status, err
}

// instReportTarget reads the department and year of a report's request
// (?unit=&year= or the form's), which a may write; any other department is
// not found.
func (s *Server) instReportTarget(ctx context.Context, a *auth.Account, v url.Values) (org.Unit, int, error) {
	notFound := errs.New(errs.NotFound, "unit.not_found", v.Get("unit"))
	dept, err := org.ByCode(ctx, s.db, v.Get("unit"))
	if err != nil || !institution.CanWrite(*a, dept) {
		return org.Unit{}, 0, notFound
	}
	year := s.today().Year
	if y := strings.TrimSpace(v.Get("year")); y != "" {
		if year, err = strconv.Atoi(y); err != nil {
			year = 0
		}
	}
	return dept, year, nil
}

// instReportData is what the report's form shows.
type instReportData struct {
	Dept      org.Unit
	Year      int
	Report    *institution.Report
	CanSubmit bool
	Fields    []string
}

func (s *Server) instReportPage(w http.ResponseWriter, r *http.Request) error {
	a, err := instAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	dept, year, err := s.instReportTarget(ctx, a, r.URL.Query())
	if err != nil {
		return err
	}
	if err := institution.ValidYear(year, s.db.Now()); err != nil {
		return err
	}
	p := s.adminPage(r, "inst.report", "institutions")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("inst.done."+m) {
		p.Flash = p.T("inst.done." + m)
	}
	rep, err := institution.ReportOf(ctx, s.db, dept, year)
	var in institution.Input
	switch {
	case err == nil:
		in = rep.Input()
	case errs.KindOf(err) == errs.NotFound:
		if in, err = institution.Prefill(ctx, s.db, dept, year); err != nil {
			return err
		}
	default:
		return err
	}
	p.Form = url.Values{"unit": {dept.Code}, "year": {strconv.Itoa(year)}, "mechanism": {in.Mechanism}, "disclosed": {in.Disclosed},
		"problems": {in.Problems}, "next_steps": {in.NextSteps}}
	return s.instReportRender(w, r, a, p, dept, year, http.StatusOK)
}

func (s *Server) instReportRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, dept org.Unit, year int, status int) error {
	d := instReportData{Dept: dept, Year: year, CanSubmit: institution.CanSubmit(*a, dept), Fields: institution.Fields}
	if rep, err := institution.ReportOf(r.Context(), s.db, dept, year); err == nil {
		d.Report = &rep
	} else if errs.KindOf(err) != errs.NotFound {
		return err
	}
	p.Data = d
	s.render(w, r, status, "inst_report", p)
	return nil
}

// instReportPost saves the draft (do=save) or submits and publishes it
// (do=submit).
func (s *Server) instReportPost(w http.ResponseWriter, r *http.Request) error {
	a, err := instAccount(r)
	if err != nil {
		return err
	}
	if err := parseFormN(w, r, maxConsoleForm); err != nil {
		return err
	}
	ctx := r.Context()
	dept, year, err := s.instReportTarget(ctx, a, r.PostForm)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := institution.Input{Mechanism: f.Get("mechanism"), Disclosed: f.Get("disclosed"), Problems: f.Get("problems"), NextSteps: f.Get("next_steps")}
	do := f.Get("do")
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		switch do {
		case "save":
			_, err = institution.SaveDraft(ctx, tx, *a, dept, year, in)
		case "submit":
			_, err = institution.Submit(ctx, tx, *a, dept, year, in)
		default:
			err = errs.InvalidField("do", "error.bad_form")
		}
		return err
	})
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Forbidden && k != errs.Conflict {
			return err
		}
		p := s.adminPage(r, "inst.report", "institutions")
		p.Form, p.Errors, p.Error = f, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
		return s.instReportRender(w, r, a, p, dept, year, statusOf(k))
	}
	http.Redirect(w, r, "/admin/institutions/report?unit="+url.QueryEscape(dept.Code)+"&year="+strconv.Itoa(year)+"&done="+do, http.StatusSeeOther)
	return nil
}

// instReportPublic shows a department's published report for a year,
// under the department in the standardization column.
func (s *Server) instReportPublic(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	dept, err := s.unitByCode(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return errNotFoundPage
	}
	rep, err := institution.ReportOf(ctx, s.db, dept, year)
	if err != nil {
		return err
	}
	if rep.Status != institution.Published {
		return errNotFoundPage
	}
	ancestors, err := s.ancestors(ctx, dept)
	if err != nil {
		return err
	}
	p := s.newPage(r, "inst.report")
	p.Section = "bzh"
	p.Title = i18n.T(p.Lang, "inst.report_of", dept.Name, year)
	p.Data = map[string]any{"Report": rep, "Ancestors": ancestors, "Fields": institution.Fields}
	s.render(w, r, http.StatusOK, "inst_report_public", p)
	return nil
}
