package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"

	"gongkai/internal/catalog"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// bzhCatalog shows a unit's published catalog for one domain in the
// standard layout.
func (s *Server) bzhCatalog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.unitByCode(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	pc, err := catalog.PublishedFor(r.Context(), s.db, u, r.PathValue("domain"))
	if err != nil {
		return err
	}
	ancestors, err := s.ancestors(ctx, u)
	if err != nil {
		return err
	}
	// Each item lists its newest information.
	records, err := info.CatalogRecords(ctx, s.db, pc.ID, 5)
	if err != nil {
		return err
	}
	p := s.newPage(r, "col.bzh")
	p.Section = "bzh"
	p.Title = u.Name + " " + p.T("catalog.domain_catalog", pc.Domain.Name)
	p.Data = map[string]any{"Unit": u, "Ancestors": ancestors, "Catalog": pc, "Records": records}
	p.Feed = "/feeds/" + u.Code + "/" + pc.Domain.Code + ".atom"
	s.render(w, r, http.StatusOK, "bzh_catalog", p)
	return nil
}

// bzhCompilation is the print-ready compilation (文件汇编) of the published
// catalogs of a unit and every unit under it.
func (s *Server) bzhCompilation(w http.ResponseWriter, r *http.Request) error {
	u, cs, err := s.compilation(r)
	if err != nil {
		return err
	}
	p := s.newPage(r, "col.bzh")
	p.Section = "bzh"
	p.Title = p.T("catalog.compilation_title", u.Name)
	p.Data = map[string]any{"Unit": u, "Catalogs": cs}
	s.render(w, r, http.StatusOK, "bzh_compilation", p)
	return nil
}

// compilation returns the unit named in the path and the published
// catalogs of its subtree.
func (s *Server) compilation(r *http.Request) (org.Unit, []catalog.PublishedCatalog, error) {
	u, err := s.unitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return org.Unit{}, nil, err
	}
	cs, err := catalog.PublishedIn(r.Context(), s.db, u, true)
	return u, cs, err
}

// bzhCompilationXLSX downloads the compilation as a workbook.
func (s *Server) bzhCompilationXLSX(w http.ResponseWriter, r *http.Request) error {
	u, cs, err := s.compilation(r)
	if err != nil {
		return err
	}
	p := s.newPage(r, "col.bzh")
	var buf bytes.Buffer
	if err := catalog.WriteCompilation(&buf, p.T("catalog.compilation_title", u.Name), cs); err != nil {
		return err
	}
	name := p.T("catalog.compilation_title", u.Name) + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"%s.xlsx\"; filename*=UTF-8''%s", u.Code, url.PathEscape(name)))
	w.Write(buf.Bytes())
	return nil
}

// apiUnitCatalog returns a unit's published catalogs as JSON, optionally
// for one domain (?domain=CODE).
func (s *Server) apiUnitCatalog(w http.ResponseWriter, r *http.Request) error {
	u, err := s.unitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	cs, err := catalog.PublishedIn(r.Context(), s.db, u, false)
	if err != nil {
		return err
	}
	if d := r.URL.Query().Get("domain"); d != "" {
		var one []catalog.PublishedCatalog
		for _, c := range cs {
			if c.Domain.Code == d || catalog.NormalizeDomainName(c.Domain.Name) == catalog.NormalizeDomainName(d) {
				one = append(one, c)
			}
		}
		cs = one
	}
	if cs == nil {
		cs = []catalog.PublishedCatalog{}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"unit":     map[string]any{"code": u.Code, "name": u.Name, "kind": u.Kind, "level": u.Level},
		"catalogs": cs,
	})
	return nil
}
