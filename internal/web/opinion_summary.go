package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"gongkai/internal/opinion"
)

// opinionSummaryIndex opens the summary of ?month=YYYY-MM, or of this
// month.
func (s *Server) opinionSummaryIndex(w http.ResponseWriter, r *http.Request) error {
	if _, err := opinionOffice(r); err != nil {
		return err
	}
	month := strings.TrimSpace(r.URL.Query().Get("month"))
	if month == "" {
		month = s.today().String()[:7]
	}
	q := url.Values{}
	if sc := r.URL.Query().Get("scope"); sc != "" {
		q.Set("scope", sc)
	}
	target := "/admin/opinion/summary/" + url.PathEscape(month) + "/"
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// opinionSummary is the month's summary of the office's scope (?scope=).
func (s *Server) opinionSummary(r *http.Request, month string) (opinion.Summary, error) {
	a, err := opinionOffice(r)
	if err != nil {
		return opinion.Summary{}, err
	}
	scope, err := s.opinionScope(r, a)
	if err != nil {
		return opinion.Summary{}, err
	}
	return opinion.MonthSummary(r.Context(), s.db, scope, month, s.today())
}

// opinionSummaryPage is the summary as a page to print for the leaders.
func (s *Server) opinionSummaryPage(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.opinionSummary(r, r.PathValue("month"))
	if err != nil {
		return err
	}
	p := s.adminPage(r, "opinion.summary.title", "opinion")
	p.Title = sum.Title(p.Lang)
	q := ""
	if sc := r.URL.Query().Get("scope"); sc != "" {
		q = "?scope=" + url.QueryEscape(sc)
	}
	rate, hasRate := sum.Rate()
	p.Data = map[string]any{"S": sum, "XLSX": "/admin/opinion/summary/" + sum.Month + ".xlsx" + q, "Rate": rate, "HasRate": hasRate}
	s.render(w, r, http.StatusOK, "opinion_summary", p)
	return nil
}

// opinionSummaryXLSX is the summary as a workbook: /admin/opinion/summary/YYYY-MM.xlsx.
func (s *Server) opinionSummaryXLSX(w http.ResponseWriter, r *http.Request) error {
	month, ok := strings.CutSuffix(r.PathValue("file"), ".xlsx")
	if !ok {
		return errNotFoundPage
	}
	sum, err := s.opinionSummary(r, month)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := opinion.WriteXLSX(&b, sum, langOf(r)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"opinion-%s-%s.xlsx\"", sum.ScopeCode, sum.Month))
	_, err = w.Write(b.Bytes())
	return err
}
