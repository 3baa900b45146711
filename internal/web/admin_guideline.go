package web

import (
	"bytes"
	"fmt"
	"net/http"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// guidelineRow is a domain with its newest guideline, if any.
type guidelineRow struct {
	Domain    catalog.Domain
	Guideline *catalog.Guideline
}

// mayImportGuideline: administrators and the city office for every domain,
// a domain supervisor for its own.
func mayImportGuideline(a *auth.Account, d *catalog.Domain) bool {
	switch a.Role {
	case auth.Admin, auth.PublicOfficeCity:
		return true
	case auth.DomainSupervisor:
		return d == nil || catalog.NormalizeDomainName(a.Domain) == catalog.NormalizeDomainName(d.Name)
	}
	return false
}

func (s *Server) guidelinesPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if !mayImportGuideline(a, nil) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	p := s.adminPage(r, "admin.guidelines", "guidelines")
	if v := r.URL.Query().Get("imported"); v != "" {
		p.Flash = p.T("guideline.imported", v)
	}
	return s.guidelineList(w, r, a, p, http.StatusOK)
}

func (s *Server) guidelineList(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	ds, err := catalog.Domains(r.Context(), s.db, &a.Unit)
	if err != nil {
		return err
	}
	var rows []guidelineRow
	for _, d := range ds {
		if d.Local() {
			continue
		}
		row := guidelineRow{Domain: d}
		if g, err := catalog.LatestGuideline(r.Context(), s.db, d); err == nil {
			row.Guideline = &g
		} else if errs.KindOf(err) != errs.NotFound {
			return err
		}
		rows = append(rows, row)
	}
	if p.Data == nil {
		p.Data = map[string]any{}
	}
	p.Data.(map[string]any)["Rows"] = rows
	s.render(w, r, status, "guidelines", p)
	return nil
}

// guidelineImport stores an uploaded guideline as its domain's next version.
func (s *Server) guidelineImport(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if !mayImportGuideline(a, nil) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	r.Body = http.MaxBytesReader(w, r.Body, catalog.MaxTableBytes+64<<10)
	ctx := r.Context()
	content, err := readUpload(r, "file", catalog.MaxTableBytes)
	var g catalog.Guideline
	var rep catalog.ImportReport
	if err == nil {
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			d, err := catalog.DomainByCode(ctx, tx, r.FormValue("domain"))
			if err != nil {
				return errs.InvalidField("domain", "domain.not_found", r.FormValue("domain"))
			}
			if !mayImportGuideline(a, &d) {
				return errs.New(errs.Forbidden, "guideline.forbidden", d.Name)
			}
			_, name := fileOf(r, "file")
			t, err := catalog.ReadTable(name, bytes.NewReader(content))
			if err != nil {
				return err
			}
			g, rep, err = catalog.ImportGuideline(ctx, tx, a.Login, catalog.GuidelineImport{Domain: d, Title: r.FormValue("title"), DocNumber: r.FormValue("doc_number"), FileName: name, Table: t})
			return err
		})
	}
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid && k != errs.Forbidden {
			return err
		}
		p := s.adminPage(r, "admin.guidelines", "guidelines")
		p.Form = r.MultipartForm.Value
		p.Errors = fieldErrors(p.Lang, err)
		p.Error = i18n.Error(p.Lang, err)
		return s.guidelineList(w, r, a, p, statusOf(errs.KindOf(err)))
	}
	p := s.adminPage(r, "admin.guidelines", "guidelines")
	p.Flash = p.T("guideline.imported_n", g.Domain.Name, g.Version, rep.Rows)
	p.Data = map[string]any{"Report": rep}
	return s.guidelineList(w, r, a, p, http.StatusOK)
}

// fileOf returns whether the multipart form has file field name, and the
// file's name.
func fileOf(r *http.Request, name string) (bool, string) {
	if r.MultipartForm == nil || len(r.MultipartForm.File[name]) == 0 {
		return false, ""
	}
	return true, r.MultipartForm.File[name][0].Filename
}

// guidelinePage shows the newest guideline of a domain.
func (s *Server) guidelinePage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAccount(r); err != nil {
		return err
	}
	d, err := catalog.DomainByCode(r.Context(), s.db, r.PathValue("domain"))
	if err != nil {
		return err
	}
	g, err := catalog.LatestGuideline(r.Context(), s.db, d)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.guidelines", "guidelines")
	p.Title = fmt.Sprintf("%s（%s）", g.Title, p.T("catalog.version_n", g.Version))
	p.Data = map[string]any{"Guideline": g}
	s.render(w, r, http.StatusOK, "guideline", p)
	return nil
}
