package web

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/selfreport"
)

// selfReportRoutes registers the console's self-inspection reports.
func (s *Server) selfReportRoutes(mux router) {
	mux.Handle("GET /admin/selfreport/{$}", s.h(s.selfReportList))
	mux.Handle("GET /admin/selfreport/{unit}/{year}/{$}", s.h(s.selfReportPage))
	// Every form of a report posts to it, naming its step with the button
	// (do=…), so a refused step is shown at the report's URL.
	mux.Handle("POST /admin/selfreport/{unit}/{year}/{$}", s.h(s.selfReportPost))
	mux.Handle("GET /admin/selfreport/{unit}/{year}/print", s.h(s.selfReportPrint))
	mux.Handle("GET /admin/selfreport/{unit}/{year}/report.docx", s.h(s.selfReportDOCX))
}

// maxSelfReportForm bounds the report form: eleven texts of
// selfreport.MaxText characters at up to four bytes each, URL-encoded.
const maxSelfReportForm = 1 << 20

func selfReportURL(u org.Unit, year int) string {
	return "/admin/selfreport/" + url.PathEscape(u.Code) + "/" + strconv.Itoa(year) + "/"
}

// selfReportAccount returns the signed-in account if it works on units'
// reports: everyone but a domain supervisor.
func selfReportAccount(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !keepsUnitRecords(a) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	return a, nil
}

// defaultReportYear is the year a list opens on: the year before in
// January, when its reports are due, the current one after.
func (s *Server) defaultReportYear() int {
	now := s.db.Now().In(calendar.China)
	if now.Month() == time.January {
		return now.Year() - 1
	}
	return now.Year()
}

// selfReportList lists the reports of a year of the units in the
// account's scope, with where each stands.
func (s *Server) selfReportList(w http.ResponseWriter, r *http.Request) error {
	a, err := selfReportAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.selfreport", "selfreport")
	year := s.defaultReportYear()
	if y := strings.TrimSpace(r.URL.Query().Get("year")); y != "" {
		year, _ = strconv.Atoi(y)
	}
	p.Form.Set("year", cmp.Or(r.URL.Query().Get("year"), strconv.Itoa(year))) // as typed
	status := http.StatusOK
	var rows []selfreport.Row
	if err := selfreport.ValidYear(s.db, year); err != nil {
		p.Error, p.Errors, status = i18n.Error(p.Lang, err), fieldErrors(p.Lang, err), http.StatusBadRequest
	} else if rows, err = selfreport.List(r.Context(), s.db, a.Unit, year, s.today()); err != nil {
		return err
	}
	p.Data = map[string]any{"Rows": rows, "Year": year, "Due": selfreport.DueDay(year)}
	s.render(w, r, status, "selfreports", p)
	return nil
}

// selfReportTarget reads the unit and year of the path. A unit a may not
// see, or a year out of range, is not found.
func (s *Server) selfReportTarget(ctx context.Context, r *http.Request, a *auth.Account) (org.Unit, int, error) {
	code := r.PathValue("unit")
	notFound := errs.New(errs.NotFound, "unit.not_found", code)
	u, err := s.unitByCode(ctx, code)
	if err != nil || !selfreport.CanSee(*a, u) {
		return org.Unit{}, 0, notFound
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || selfreport.ValidYear(s.db, year) != nil {
		return org.Unit{}, 0, notFound
	}
	return u, year, nil
}

// selfReportView is what the report's page shows.
type selfReportView struct {
	Report                        selfreport.Report
	Sections                      []selfReportSection
	Office                        org.Unit
	Due                           calendar.Date
	Overdue                       bool
	CanEdit, CanSubmit, CanReview bool
	Editable                      bool
	Print, DOCX                   string
	State                         string
	Submitted, Decided            string
	Heading                       template.HTML
}

// selfReportSection is a section with its figures in the page's language.
type selfReportSection struct {
	selfreport.Section
	Figures []selfreport.Figure
	Field   string
	Paras   []string
}

func (s *Server) selfReportPage(w http.ResponseWriter, r *http.Request) error {
	a, err := selfReportAccount(r)
	if err != nil {
		return err
	}
	u, year, err := s.selfReportTarget(r.Context(), r, a)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.selfreport", "selfreport")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("selfreport.done."+m) {
		p.Flash = p.T("selfreport.done." + m)
	}
	return s.selfReportRender(w, r, a, p, u, year, http.StatusOK)
}

func (s *Server) selfReportRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, u org.Unit, year, status int) error {
	ctx := r.Context()
	rep, err := selfreport.Generate(ctx, s.db, s.cfg.SelfReport, u, year)
	if err != nil {
		return err
	}
	office, _, err := selfreport.Office(ctx, s.db, u)
	if err != nil {
		return err
	}
	review, err := selfreport.CanReview(ctx, s.db, *a, u)
	if err != nil {
		return err
	}
	st := rep.Status
	v := selfReportView{Report: rep, Office: office, Due: rep.Due(), Overdue: rep.Overdue(s.today()),
		CanEdit: selfreport.CanEdit(*a, u), CanSubmit: selfreport.CanSubmit(*a, u), CanReview: review && st.State == selfreport.Submitted,
		Editable: st.State.Editable(), State: p.T(st.State.Key()),
		Print: selfReportURL(u, year) + "print", DOCX: selfReportURL(u, year) + "report.docx"}
	if !st.SubmittedAt.IsZero() {
		v.Submitted = p.T("selfreport.submitted_by", st.SubmittedBy, st.SubmittedAt.In(calendar.China).Format("2006-01-02 15:04"))
	}
	if !st.DecidedAt.IsZero() {
		v.Decided = p.T("selfreport.decided_by", st.DecidedBy, st.DecidedAt.In(calendar.China).Format("2006-01-02 15:04"))
	}
	for _, sec := range rep.Sections {
		f := selfreport.TextField(sec.Key)
		if _, typed := p.Form[f]; !typed {
			p.Form.Set(f, sec.Text)
		}
		v.Sections = append(v.Sections, selfReportSection{Section: sec, Figures: selfreport.FigureList(p.Lang, sec), Field: f,
			Paras: strings.FieldsFunc(sec.Text, func(r rune) bool { return r == '\n' })})
	}
	p.Title = selfreport.Title(p.Lang, u, year)
	v.Heading = p.TU("selfreport.title", u.Name, year)
	p.Data = v
	s.render(w, r, status, "selfreport", p)
	return nil
}

// selfReportPost runs the step the form names: save, reset, submit,
// accept or return.
func (s *Server) selfReportPost(w http.ResponseWriter, r *http.Request) error {
	a, err := selfReportAccount(r)
	if err != nil {
		return err
	}
	if err := parseFormN(w, r, maxSelfReportForm); err != nil {
		return err
	}
	ctx := r.Context()
	u, year, err := s.selfReportTarget(ctx, r, a)
	if err != nil {
		return err
	}
	f := r.PostForm
	do := f.Get("do")
	if section := f.Get("reset"); do == "" && section != "" {
		do = "reset" // a section's button in the texts' form
		f.Set("section", section)
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		switch do {
		case "save":
			texts := map[string]string{}
			for _, k := range selfreport.Keys {
				if vs, ok := f[selfreport.TextField(k)]; ok {
					texts[k] = strings.Join(vs, "")
				}
			}
			return selfreport.SaveTexts(ctx, tx, *a, s.cfg.SelfReport, u, year, texts)
		case "reset":
			return selfreport.ResetText(ctx, tx, *a, u, year, f.Get("section"))
		case "submit":
			_, err := selfreport.Submit(ctx, tx, *a, s.cfg.SelfReport, u, year)
			return err
		case "accept":
			return selfreport.Accept(ctx, tx, *a, u, year)
		case "return":
			return selfreport.Return(ctx, tx, *a, u, year, f.Get("reason"))
		}
		return errs.InvalidField("do", "error.bad_form")
	})
	if err == nil {
		http.Redirect(w, r, selfReportURL(u, year)+"?done="+do, http.StatusSeeOther)
		return nil
	}
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden {
		return err
	}
	p := s.adminPage(r, "admin.selfreport", "selfreport")
	if do == "save" || do == "return" {
		p.Form = f
	}
	p.Errors, p.Error = fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.selfReportRender(w, r, a, p, u, year, statusOf(k))
}

// selfReportPrint is the report laid out for printing, in the page's
// language.
func (s *Server) selfReportPrint(w http.ResponseWriter, r *http.Request) error {
	return s.selfReportFile(w, r, "html")
}

// selfReportDOCX downloads the report as a .docx document.
func (s *Server) selfReportDOCX(w http.ResponseWriter, r *http.Request) error {
	return s.selfReportFile(w, r, "docx")
}

func (s *Server) selfReportFile(w http.ResponseWriter, r *http.Request, format string) error {
	a, err := selfReportAccount(r)
	if err != nil {
		return err
	}
	u, year, err := s.selfReportTarget(r.Context(), r, a)
	if err != nil {
		return err
	}
	rep, err := selfreport.Generate(r.Context(), s.db, s.cfg.SelfReport, u, year)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := selfreport.Write(&b, rep, format, langOf(r)); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", selfreport.MediaTypes[format])
	h.Set("Cache-Control", "no-store")
	if format == "html" {
		h.Set("Content-Security-Policy", selfreport.PrintCSP())
	}
	if format == "docx" {
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, selfreport.FileName(u.Code, year, format)))
	}
	w.Write(b.Bytes())
	return nil
}
