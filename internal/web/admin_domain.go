package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/workbook"
)

// coverageRow is one counterpart unit in a domain's coverage matrix.
type coverageRow struct {
	Unit    org.Unit
	Catalog *catalog.Summary
	Grade   *catalog.Grade
}

// coverageGroup is a district (or the city's departments) and its units.
type coverageGroup struct {
	Unit      org.Unit
	Rows      []coverageRow
	Units     int
	Catalogs  int
	Published int
	Items     int
	Unparsed  int
}

// supervisedDomain returns the domain the page is about: a supervisor's own,
// or for the city office and administrators the one asked for.
func (s *Server) supervisedDomain(ctx context.Context, r *http.Request, a *auth.Account) (catalog.Domain, error) {
	if !maySuperviseDomain(a) {
		return catalog.Domain{}, errs.New(errs.Forbidden, "error.forbidden")
	}
	switch a.Role {
	case auth.DomainSupervisor:
		d, ok, err := catalog.ResolveDomain(ctx, s.db, nil, a.Domain)
		if err != nil {
			return catalog.Domain{}, err
		}
		if !ok {
			return catalog.Domain{}, errs.New(errs.NotFound, "domain.not_found", a.Domain)
		}
		return d, nil
	case auth.Admin, auth.PublicOfficeCity:
		code := r.URL.Query().Get("domain")
		if code == "" {
			code = r.FormValue("domain")
		}
		if code == "" {
			code = "01"
		}
		return catalog.DomainByCode(ctx, s.db, code)
	}
	return catalog.Domain{}, errs.New(errs.Forbidden, "error.forbidden")
}

// accountDomain returns the signed-in account and the domain it supervises
// on this page.
func (s *Server) accountDomain(r *http.Request) (*auth.Account, catalog.Domain, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, catalog.Domain{}, err
	}
	d, err := s.supervisedDomain(r.Context(), r, a)
	return a, d, err
}

// coverage builds the matrix of domain d over the government above a.
func (s *Server) coverage(ctx context.Context, a *auth.Account, d catalog.Domain) ([]coverageGroup, error) {
	root := a.Unit
	if anc, err := org.Ancestors(ctx, s.db, a.Unit); err != nil {
		return nil, err
	} else if len(anc) > 0 {
		root = anc[0]
	}
	list, err := catalog.List(ctx, s.db, root, &d)
	if err != nil {
		return nil, err
	}
	byUnit := map[string]*catalog.Summary{}
	for i := range list {
		byUnit[list[i].UnitCode] = &list[i]
	}
	grades, err := catalog.LatestGrades(ctx, s.db, d)
	if err != nil {
		return nil, err
	}
	children, err := org.Children(ctx, s.db, root.ID)
	if err != nil {
		return nil, err
	}
	var groups []coverageGroup
	for _, top := range children {
		if top.Kind != org.District {
			continue
		}
		units, err := org.Subtree(ctx, s.db, top)
		if err != nil {
			return nil, err
		}
		g := coverageGroup{Unit: top}
		for _, u := range units {
			if u.Kind != org.District && u.Kind != org.Town && u.Kind != org.Street && u.Kind != org.DistrictDepartment {
				continue
			}
			row := coverageRow{Unit: u, Catalog: byUnit[u.Code]}
			if gr, ok := grades[u.Code]; ok {
				row.Grade = &gr
			}
			g.Units++
			if c := row.Catalog; c != nil {
				g.Catalogs++
				g.Items += c.Items
				g.Unparsed += c.Unparsed
				if c.PublishedVersion > 0 {
					g.Published++
				}
			}
			g.Rows = append(g.Rows, row)
		}
		groups = append(groups, g)
	}
	return groups, nil
}

func (s *Server) domainPage(w http.ResponseWriter, r *http.Request) error {
	a, d, err := s.accountDomain(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.domain", "domain")
	if r.URL.Query().Get("graded") != "" {
		p.Flash = p.T("grade.saved")
	}
	return s.domainView(w, r, a, p, d, http.StatusOK)
}

func (s *Server) domainView(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, d catalog.Domain, status int) error {
	groups, err := s.coverage(r.Context(), a, d)
	if err != nil {
		return err
	}
	var domains []catalog.Domain
	if a.Role != auth.DomainSupervisor {
		if domains, err = catalog.Domains(r.Context(), s.db, nil); err != nil {
			return err
		}
	}
	p.Title = p.T("domain.title", d.Name)
	p.Data = map[string]any{"Domain": d, "Groups": groups, "Domains": domains, "Grades": catalog.Grades, "CanGrade": a.Role == auth.DomainSupervisor || a.Role == auth.Admin}
	s.render(w, r, status, "domain", p)
	return nil
}

// domainGrade records a grade for a counterpart unit.
func (s *Server) domainGrade(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	d, err := s.supervisedDomain(ctx, r, a)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.ByCode(ctx, tx, r.PostForm.Get("unit"))
		if err != nil {
			return errs.InvalidField("unit", "unit.not_found", r.PostForm.Get("unit"))
		}
		return catalog.SetGrade(ctx, tx, *a, d, u, r.PostForm.Get("grade"), r.PostForm.Get("comment"))
	})
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid {
			return err
		}
		p := s.adminPage(r, "admin.domain", "domain")
		p.Form = r.PostForm
		p.Error = i18n.Error(p.Lang, err)
		return s.domainView(w, r, a, p, d, http.StatusBadRequest)
	}
	http.Redirect(w, r, "/admin/domain?graded=1&domain="+url.QueryEscape(d.Code), http.StatusSeeOther)
	return nil
}

// domainReport exports the coverage matrix with grades as a workbook.
func (s *Server) domainReport(w http.ResponseWriter, r *http.Request) error {
	a, d, err := s.accountDomain(r)
	if err != nil {
		return err
	}
	groups, err := s.coverage(r.Context(), a, d)
	if err != nil {
		return err
	}
	lang := langOf(r)
	title := i18n.T(lang, "domain.title", d.Name)
	sheet := i18n.T(lang, "domain.coverage")
	f, err := workbook.New(title, sheet)
	if err != nil {
		return err
	}
	defer f.Close()
	header := []any{i18n.T(lang, "domain.district"), i18n.T(lang, "unit.name"), i18n.T(lang, "unit.code"), i18n.T(lang, "catalog.status"),
		i18n.T(lang, "catalog.version"), i18n.T(lang, "catalog.items"), i18n.T(lang, "catalog.unparsed"), i18n.T(lang, "domain.grade"), i18n.T(lang, "domain.comment")}
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	if err := f.SetSheetRow(sheet, "A2", &header); err != nil {
		return err
	}
	n := 3
	for _, g := range groups {
		for _, row := range g.Rows {
			// A unit without a catalog has no version or counts: the
			// cells stay empty, so the columns hold numbers only.
			vals := []any{g.Unit.Name, row.Unit.Name, row.Unit.Code, i18n.T(lang, "domain.no_catalog"), nil, nil, nil, nil, nil}
			if c := row.Catalog; c != nil {
				vals[3], vals[5], vals[6] = i18n.T(lang, "catalog.status."+string(c.Status)), c.Items, c.Unparsed
				if c.PublishedVersion > 0 {
					vals[4] = c.PublishedVersion
				}
			}
			if gr := row.Grade; gr != nil {
				vals[7], vals[8] = i18n.T(lang, "grade."+gr.Grade), gr.Comment
			}
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", n), &vals); err != nil {
				return err
			}
			n++
		}
	}
	if err := workbook.Widths(f, sheet, 14, 24, 14, 10, 8, 8, 8, 8, 30); err != nil {
		return err
	}
	if err := workbook.PrintTable(f, sheet, 2, 2); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := workbook.Write(f, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"domain-%s.xlsx\"", d.Code))
	w.Write(buf.Bytes())
	return nil
}
