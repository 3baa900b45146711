package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/domainreport"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/selfreport"
)

// domainReportRoutes registers the domain supervision reports: the
// console's, and the portal's pages of a domain.
func (s *Server) domainReportRoutes(mux router) {
	mux.Handle("GET /admin/domainreports/{$}", s.h(s.domainReportList))
	mux.Handle("POST /admin/domainreports/lead", s.h(s.domainReportLead))
	mux.Handle("GET /admin/domainreports/{domain}/{year}/{$}", s.h(s.domainReportPage))
	mux.Handle("POST /admin/domainreports/{domain}/{year}/{$}", s.h(s.domainReportPost))
	mux.Handle("GET /zwgk/ly/{domain}/{$}", s.h(s.bzhDomain))
	mux.Handle("GET /zwgk/ly/{domain}/{year}/{$}", s.h(s.bzhDomainReport))
}

// domainReportAccount returns the signed-in account if it may open the
// domain pages: a domain supervisor, the city office, an administrator.
func domainReportAccount(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !maySuperviseDomain(a) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	return a, nil
}

// domainRow is a domain in the list with its lead and report.
type domainRow struct {
	Domain  catalog.Domain
	Lead    org.Unit
	HasLead bool
	Status  domainreport.Status
	Overdue bool
	Link    string
}

func domainReportURL(d catalog.Domain, year int) string {
	return "/admin/domainreports/" + url.PathEscape(d.Code) + "/" + strconv.Itoa(year) + "/"
}

// domainReportList lists the domains the account sees, each with its lead
// department and where its report of the year stands; the city office
// and administrators also set leads here.
func (s *Server) domainReportList(w http.ResponseWriter, r *http.Request) error {
	a, err := domainReportAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.domainreports", "domainreports")
	if r.URL.Query().Get("done") == "lead" {
		p.Flash = p.T("domainreport.done.lead")
	}
	return s.domainReportListRender(w, r, a, p, http.StatusOK)
}

func (s *Server) domainReportListRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	ctx := r.Context()
	year := s.defaultReportYear()
	if y := strings.TrimSpace(r.URL.Query().Get("year")); y != "" {
		year, _ = strconv.Atoi(y)
	}
	if _, typed := p.Form["year"]; !typed {
		p.Form.Set("year", cmp.Or(r.URL.Query().Get("year"), strconv.Itoa(year))) // as typed
	}
	if err := domainreport.ValidYear(s.db, year); err != nil {
		p.Error, p.Errors = i18n.Error(p.Lang, err), fieldErrors(p.Lang, err)
		p.Data = map[string]any{"Invalid": true}
		s.render(w, r, http.StatusBadRequest, "domainreports", p)
		return nil
	}
	all, err := catalog.Domains(ctx, s.db, nil)
	if err != nil {
		return err
	}
	states, err := domainreport.Statuses(ctx, s.db, year)
	if err != nil {
		return err
	}
	var rows []domainRow
	for _, d := range all {
		if d.Local() {
			continue
		}
		lead, ok, err := domainreport.Lead(ctx, s.db, d)
		if err != nil {
			return err
		}
		if !domainreport.CanSee(*a, d, lead) {
			continue
		}
		rep := domainreport.Report{Year: year, Status: states[d.ID]}
		rows = append(rows, domainRow{Domain: d, Lead: lead, HasLead: ok, Status: states[d.ID], Overdue: rep.Overdue(s.today()), Link: domainReportURL(d, year)})
	}
	var depts []org.Unit
	if domainreport.CanSetLead(*a) {
		root := a.Unit
		if anc, err := org.Ancestors(ctx, s.db, a.Unit); err == nil && len(anc) > 0 {
			root = anc[0]
		}
		if depts, err = org.OfKind(ctx, s.db, root, org.CityDepartment); err != nil {
			return err
		}
	}
	p.Data = map[string]any{"Year": year, "Rows": rows, "Due": domainreport.DueDay(year), "Departments": depts, "CanSetLead": domainreport.CanSetLead(*a)}
	s.render(w, r, status, "domainreports", p)
	return nil
}

// domainReportLead sets the department that leads a domain.
func (s *Server) domainReportLead(w http.ResponseWriter, r *http.Request) error {
	a, err := domainReportAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, f := r.Context(), r.PostForm
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := catalog.DomainByCode(ctx, tx, f.Get("domain"))
		if err != nil || d.Local() {
			return errs.InvalidField("domain", "domain.not_found", f.Get("domain"))
		}
		return domainreport.SetLead(ctx, tx, *a, d, f.Get("lead"))
	})
	if err == nil {
		http.Redirect(w, r, "/admin/domainreports/?done=lead", http.StatusSeeOther)
		return nil
	}
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Forbidden {
		return err
	}
	p := s.adminPage(r, "admin.domainreports", "domainreports")
	p.Form, p.Errors, p.Error = f, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.domainReportListRender(w, r, a, p, statusOf(k))
}

// domainReportTarget reads the domain and year of the path: a domain the
// account may not see, or a year out of range, is not found.
func (s *Server) domainReportTarget(ctx context.Context, r *http.Request, a *auth.Account) (catalog.Domain, org.Unit, int, error) {
	code := r.PathValue("domain")
	notFound := errs.New(errs.NotFound, "domain.not_found", code)
	d, err := catalog.DomainByCode(ctx, s.db, code)
	if err != nil || d.Local() {
		return catalog.Domain{}, org.Unit{}, 0, notFound
	}
	lead, _, err := domainreport.Lead(ctx, s.db, d)
	if err != nil {
		return catalog.Domain{}, org.Unit{}, 0, err
	}
	if !domainreport.CanSee(*a, d, lead) {
		return catalog.Domain{}, org.Unit{}, 0, notFound
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || domainreport.ValidYear(s.db, year) != nil {
		return catalog.Domain{}, org.Unit{}, 0, notFound
	}
	return d, lead, year, nil
}

// domainSectionView is a section with its figures in the page's language.
type domainSectionView struct {
	domainreport.Section
	Heading string
	Figures []selfreport.Figure
	Field   string
	Paras   []string
}

func domainSections(lang i18n.Lang, ss []domainreport.Section) []domainSectionView {
	var out []domainSectionView
	for _, sec := range ss {
		v := domainSectionView{Section: sec, Heading: domainreport.SectionTitle(lang, sec.Key), Field: domainreport.TextField(sec.Key),
			Paras: strings.FieldsFunc(sec.Text, func(r rune) bool { return r == '\n' })}
		for _, f := range selfreport.FigureList(lang, selfreport.Section{Figures: sec.Figures}) {
			if i18n.Has("domainreport.fig." + f.Key) {
				f.Label = i18n.T(lang, "domainreport.fig."+f.Key)
			}
			v.Figures = append(v.Figures, f)
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) domainReportPage(w http.ResponseWriter, r *http.Request) error {
	a, err := domainReportAccount(r)
	if err != nil {
		return err
	}
	d, lead, year, err := s.domainReportTarget(r.Context(), r, a)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.domainreports", "domainreports")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("domainreport.done."+m) {
		p.Flash = p.T("domainreport.done." + m)
	}
	return s.domainReportRender(w, r, a, p, d, lead, year, http.StatusOK)
}

func (s *Server) domainReportRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, d catalog.Domain, lead org.Unit, year, status int) error {
	p.Title = domainreport.Title(p.Lang, d, year)
	heading := p.TU("domainreport.title", d.Name, year)
	rep, err := domainreport.Generate(r.Context(), s.db, d, year)
	if errs.KindOf(err) == errs.Invalid {
		p.Error = i18n.Error(p.Lang, err)
		p.Data = map[string]any{"Heading": heading, "Year": year}
		s.render(w, r, status, "domainreport", p)
		return nil
	}
	if err != nil {
		return err
	}
	sections := domainSections(p.Lang, rep.Sections)
	for _, sec := range sections {
		if _, typed := p.Form[sec.Field]; !typed {
			p.Form.Set(sec.Field, sec.Text)
		}
	}
	p.Data = map[string]any{"Heading": heading, "Year": year, "Report": rep, "Sections": sections, "CanWrite": domainreport.CanWrite(*a, d, lead),
		"Due": domainreport.DueDay(year), "Overdue": rep.Overdue(s.today()), "Portal": bzhDomainURL(d) + strconv.Itoa(year) + "/"}
	s.render(w, r, status, "domainreport", p)
	return nil
}

// domainReportPost saves the texts (do=save) or publishes the report
// (do=publish).
func (s *Server) domainReportPost(w http.ResponseWriter, r *http.Request) error {
	a, err := domainReportAccount(r)
	if err != nil {
		return err
	}
	if err := parseFormN(w, r, maxSelfReportForm); err != nil {
		return err
	}
	ctx := r.Context()
	d, lead, year, err := s.domainReportTarget(ctx, r, a)
	if err != nil {
		return err
	}
	f := r.PostForm
	do := f.Get("do")
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		switch do {
		case "save":
			texts := map[string]string{}
			for _, k := range domainreport.Keys {
				texts[k] = f.Get(domainreport.TextField(k))
			}
			return domainreport.SaveTexts(ctx, tx, *a, d, year, texts)
		case "publish":
			_, err := domainreport.Publish(ctx, tx, *a, d, year)
			return err
		}
		return errs.InvalidField("do", "error.bad_form")
	})
	if err == nil {
		http.Redirect(w, r, domainReportURL(d, year)+"?done="+do, http.StatusSeeOther)
		return nil
	}
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Forbidden {
		return err
	}
	p := s.adminPage(r, "admin.domainreports", "domainreports")
	if do == "save" {
		p.Form = f
	}
	p.Errors, p.Error = fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.domainReportRender(w, r, a, p, d, lead, year, statusOf(k))
}
