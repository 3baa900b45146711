package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/report"
)

// maxReportForm bounds the report form: three texts of report.MaxText
// characters and three comments, at up to four bytes each, URL-encoded.
const maxReportForm = 1 << 20

// reportUnits are the units whose annual reports a may fill in.
func (s *Server) reportUnits(ctx context.Context, a *auth.Account) ([]org.Unit, error) {
	dir, err := s.units(ctx)
	if err != nil {
		return nil, err
	}
	var out []org.Unit
	for _, u := range dir.Subtree(a.Unit) {
		if report.CanEdit(*a, u) {
			out = append(out, u)
		}
	}
	return out, nil
}

// reportTarget reads the unit and year of a request. A unit a may not
// fill in is not found, so that nothing tells what lies outside its scope.
func (s *Server) reportTarget(ctx context.Context, a *auth.Account, code, yearArg string) (org.Unit, int, error) {
	u, err := s.unitByCode(ctx, code)
	if err != nil || !report.CanEdit(*a, u) {
		return org.Unit{}, 0, errs.New(errs.NotFound, "unit.not_found", code)
	}
	year, err := strconv.Atoi(strings.TrimSpace(yearArg))
	if err != nil {
		year = 0 // refused with the years allowed
	}
	return u, year, report.ValidYear(year, s.db.Now())
}

// reportsPage shows the report of the unit and year picked, by default
// the account's first unit and last year.
func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if !mayFileReports(a) {
		return errs.New(errs.Forbidden, "report.forbidden")
	}
	q := r.URL.Query()
	code, year := q.Get("unit"), q.Get("year")
	if code == "" {
		units, err := s.reportUnits(r.Context(), a)
		if err != nil {
			return err
		}
		if len(units) == 0 {
			return errs.New(errs.Forbidden, "report.forbidden")
		}
		code = units[0].Code
	}
	if year == "" {
		year = strconv.Itoa(s.db.Now().In(calendar.China).Year() - 1)
	}
	p := s.adminPage(r, "admin.reports", "reports")
	switch q.Get("done") {
	case "saved":
		p.Flash = p.T("report.saved")
	case "published":
		p.Flash = p.T("report.published_flash")
	}
	p.Form = url.Values{"unit": {code}, "year": {year}}
	u, y, err := s.reportTarget(r.Context(), a, code, year)
	if errs.KindOf(err) == errs.Invalid {
		p.Error, p.Errors = i18n.Error(p.Lang, err), fieldErrors(p.Lang, err)
		return s.reportsRender(w, r, p, a, nil, http.StatusBadRequest)
	}
	if err != nil {
		return err
	}
	rep, err := report.Annual(r.Context(), s.db, u, y)
	if err != nil {
		return err
	}
	for k, v := range reportForm(report.InputOf(rep)) {
		p.Form[k] = v
	}
	return s.reportsRender(w, r, p, a, &rep, http.StatusOK)
}

// reportsPost saves the texts and figures of a report (action "save") or
// publishes it (action "publish"). A refusal shows the page again with
// what was typed and why.
func (s *Server) reportsPost(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := parseFormN(w, r, maxReportForm); err != nil {
		return err
	}
	ctx, f := r.Context(), r.PostForm
	u, year, err := s.reportTarget(ctx, a, f.Get("unit"), f.Get("year"))
	if err != nil {
		return err
	}
	done := "saved"
	if f.Get("action") == "publish" {
		done = "published"
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			_, err := report.Publish(ctx, tx, *a, u, year)
			return err
		})
	} else {
		err = s.db.InTx(ctx, func(tx *db.Tx) error { return report.SaveInputs(ctx, tx, *a, u, year, reportInput(f)) })
	}
	if err == nil {
		http.Redirect(w, r, "/admin/reports?"+url.Values{"unit": {u.Code}, "year": {strconv.Itoa(year)}, "done": {done}}.Encode(), http.StatusSeeOther)
		return nil
	}
	if errs.KindOf(err) != errs.Invalid {
		return err
	}
	rep, rerr := report.Annual(ctx, s.db, u, year)
	if rerr != nil {
		return rerr
	}
	p := s.adminPage(r, "admin.reports", "reports")
	p.Form = f
	if done == "published" {
		// The publish form carries no texts: show those saved.
		p.Form = reportForm(report.InputOf(rep))
		p.Form.Set("unit", u.Code)
		p.Form.Set("year", strconv.Itoa(year))
	}
	p.Error, p.Errors = i18n.Error(p.Lang, err), fieldErrors(p.Lang, err)
	return s.reportsRender(w, r, p, a, &rep, http.StatusBadRequest)
}

// reportInput reads the report form.
func reportInput(f url.Values) report.Input {
	in := report.Input{Licensing: f.Get("licensing"), Penalty: f.Get("penalty"), Enforcement: f.Get("enforcement"), Fees: f.Get("fees")}
	in.Texts = report.Texts{Overview: f.Get("overview"), Proactive: f.Get("proactive"), Requests: f.Get("requests"),
		Appeals: f.Get("appeals"), Problems: f.Get("problems"), Other: f.Get("other")}
	return in
}

// reportForm fills the report form from an input.
func reportForm(in report.Input) url.Values {
	f := url.Values{"licensing": {in.Licensing}, "penalty": {in.Penalty}, "enforcement": {in.Enforcement}, "fees": {in.Fees}}
	for _, k := range report.Sections {
		f.Set(k, in.Texts.Text(k))
	}
	return f
}

// formField is a field of the report form with its label.
type formField struct {
	Name, Label string
	Optional    bool
}

// reportsRender shows the picker and, for a report, its form, check,
// publication and preview.
func (s *Server) reportsRender(w http.ResponseWriter, r *http.Request, p *page, a *auth.Account, rep *report.Report, status int) error {
	units, err := s.reportUnits(r.Context(), a)
	if err != nil {
		return err
	}
	data := map[string]any{"Units": units}
	if rep != nil {
		preview, err := report.Fragment(*rep, p.Lang)
		if err != nil {
			return err
		}
		var failing []string
		for _, c := range rep.Check() {
			failing = append(failing, p.T(report.ColumnKey(c)))
		}
		figures := []formField{
			{"licensing", p.T("report.t2.licensing") + p.T("sep.colon") + p.T("report.t2.decisions"), false},
			{"penalty", p.T("report.t2.penalty") + p.T("sep.colon") + p.T("report.t2.decisions"), false},
			{"enforcement", p.T("report.t2.enforcement") + p.T("sep.colon") + p.T("report.t2.decisions"), false},
			{"fees", p.T("report.t2.fees") + p.T("sep.colon") + p.T("report.t2.fees_amount"), false},
		}
		var texts []formField
		for _, k := range report.Sections {
			texts = append(texts, formField{k, p.T(report.SectionKey(k)), k == "proactive" || k == "requests" || k == "appeals"})
		}
		data["Report"], data["Title"], data["Preview"], data["Failing"] = rep, p.TU("report.title", rep.Unit.Name, rep.Year), preview, failing
		data["Figures"], data["Texts"], data["CanPublish"] = figures, texts, report.CanPublish(*a, rep.Unit)
		data["Published"] = publishedOn(rep.Status)
		data["Downloads"] = reportDownloads(rep.Unit.Code, rep.Year)
	}
	p.Data = data
	s.render(w, r, status, "reports", p)
	return nil
}

// publishedOn is the day a report was published in China, or "".
func publishedOn(st report.Status) string { return chinaTime(st.PublishedAt, layoutDate) }

// download is a link to a report in a format.
type download struct{ Format, URL string }

func reportDownloads(code string, year int) []download {
	var out []download
	for _, f := range []string{"html", "xlsx", "json"} {
		out = append(out, download{strings.ToUpper(f), fmt.Sprintf("/admin/reports/%s/%d.%s", url.PathEscape(code), year, f)})
	}
	return out
}

// reportFile downloads a report: /admin/reports/{unit}/{year}.{json|html|xlsx}.
func (s *Server) reportFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	yearArg, format, _ := strings.Cut(r.PathValue("file"), ".")
	media, ok := report.MediaTypes[format]
	if !ok {
		return errNotFoundPage
	}
	u, year, err := s.reportTarget(r.Context(), a, r.PathValue("unit"), yearArg)
	if err != nil {
		return err
	}
	rep, err := report.Annual(r.Context(), s.db, u, year)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := report.Write(&b, rep, format); err != nil {
		return err
	}
	w.Header().Set("Content-Type", media)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, report.FileName(u.Code, year, format)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
	return nil
}

// apiAnnualReport is GET /api/v1/admin/reports/annual?unit=CODE&year=YYYY.
func (s *Server) apiAnnualReport(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	u, year, err := s.reportTarget(r.Context(), a, r.URL.Query().Get("unit"), r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	rep, err := report.Annual(r.Context(), s.db, u, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
