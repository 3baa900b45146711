package web

import (
	"net/http"
	"net/url"
	"strconv"

	"gongkai/internal/catalog"
	"gongkai/internal/domainreport"
)

// The portal's pages of a pilot domain in the standardization column: its
// lead department and its published supervision reports
// (/zwgk/ly/{domain}/, /zwgk/ly/{domain}/{year}/), which the catalogs of
// the domain link to.

func bzhDomainURL(d catalog.Domain) string { return "/zwgk/ly/" + url.PathEscape(d.Code) + "/" }

// bzhDomain is a domain's page in the standardization column: its lead
// department and its published supervision reports.
func (s *Server) bzhDomain(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := catalog.DomainByCode(ctx, s.db, r.PathValue("domain"))
	if err != nil || d.Local() {
		return errNotFoundPage
	}
	lead, ok, err := domainreport.Lead(ctx, s.db, d)
	if err != nil {
		return err
	}
	years, err := domainreport.PublishedYears(ctx, s.db, d)
	if err != nil {
		return err
	}
	p := s.newPage(r, "col.bzh")
	p.Section = "bzh"
	p.Title = p.T("domainreport.domain_page", d.Name)
	p.Data = map[string]any{"Domain": d, "Lead": lead, "HasLead": ok, "Years": years, "Heading": p.TU("domainreport.domain_page", d.Name)}
	s.render(w, r, http.StatusOK, "bzh_domain", p)
	return nil
}

// bzhDomainReport is a domain's published report of a year.
func (s *Server) bzhDomainReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := catalog.DomainByCode(ctx, s.db, r.PathValue("domain"))
	if err != nil || d.Local() {
		return errNotFoundPage
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return errNotFoundPage
	}
	rep, err := domainreport.Published(ctx, s.db, d, year)
	if err != nil {
		return err
	}
	p := s.newPage(r, "col.bzh")
	p.Section = "bzh"
	p.Title = domainreport.Title(p.Lang, d, year)
	p.Data = map[string]any{"Domain": d, "Report": rep, "Sections": domainSections(p.Lang, rep.Sections), "Back": bzhDomainURL(d),
		"Heading": p.TU("domainreport.title", d.Name, year)}
	s.render(w, r, http.StatusOK, "bzh_domainreport", p)
	return nil
}
