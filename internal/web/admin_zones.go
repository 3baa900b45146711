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
	"gongkai/internal/org"
	"gongkai/internal/zone"
)

// zoneRoutes registers the disclosure zones (政务公开专区, plan item 十四):
// the offices' console, the register on the portal, the zone view and the
// API.
func (s *Server) zoneRoutes(mux router) {
	mux.Handle("GET /admin/zones/{$}", s.h(s.zoneAdminList))
	mux.Handle("POST /admin/zones/{$}", s.h(s.zoneCreate))
	mux.Handle("GET /admin/zones/{id}", s.h(s.zoneAdminPage))
	// As for records, every form of a zone posts to it, naming its step
	// with the button (do=…); the photo upload is the multipart form.
	mux.Handle("POST /admin/zones/{id}", s.h(s.zonePost))
	mux.Handle("GET /zhuanqu/{$}", s.h(s.zoneView))
	mux.Handle("POST /zhuanqu/exit", s.h(s.zoneExit))
	mux.Handle("GET /zhuanqu/list/{$}", s.h(s.zonePublicList))
	mux.Handle("GET /zhuanqu/{id}/photos/{seq}", s.h(s.zonePhoto))
	mux.Handle("GET /api/v1/zones", s.h(s.apiZones))
}

func adminZoneURL(id int64) string { return "/admin/zones/" + strconv.FormatInt(id, 10) }

// zoneAccount returns the signed-in account if it keeps zones: as for
// records, everyone but a domain supervisor; others find nothing here.
func zoneAccount(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !keepsUnitRecords(a) {
		return nil, errNotFoundPage
	}
	return a, nil
}

func zoneInput(f url.Values) zone.Input {
	return zone.Input{Kind: f.Get("kind"), Name: f.Get("name"), Address: f.Get("address"), Hours: f.Get("hours"), Services: f.Get("services")}
}

func (s *Server) zoneAdminList(w http.ResponseWriter, r *http.Request) error {
	a, err := zoneAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "zone.console", "zones")
	p.Form.Set("unit", a.Unit.Code)
	if r.URL.Query().Get("done") == "deleted" {
		p.Flash = p.T("zone.done.deleted")
	}
	return s.zoneAdminListRender(w, r, a, p, http.StatusOK)
}

func (s *Server) zoneAdminListRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	ctx := r.Context()
	zs, err := zone.List(ctx, s.db, &a.Unit)
	if err != nil {
		return err
	}
	units, err := s.unitsWhere(ctx, a, zone.CanEdit)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Zones": zs, "Units": units, "Kinds": zone.Kinds}
	s.render(w, r, status, "zone_admin", p)
	return nil
}

// zoneCreate registers a zone.
func (s *Server) zoneCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := zoneAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	var z zone.Zone
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.ByCode(ctx, tx, r.PostForm.Get("unit"))
		if err != nil || !a.InScope(u) {
			return errs.InvalidField("unit", "unit.not_found", r.PostForm.Get("unit"))
		}
		z, err = zone.Create(ctx, tx, *a, u, zoneInput(r.PostForm))
		return err
	})
	if err != nil {
		p, status, err := s.formAgainIn(r, err, "zone.console", "zones")
		if err != nil {
			return err
		}
		return s.zoneAdminListRender(w, r, a, p, status)
	}
	http.Redirect(w, r, adminZoneURL(z.ID)+"?done=created", http.StatusSeeOther)
	return nil
}

// scopedZone loads the zone of the path if a may see it; one outside a's
// scope is not found.
func (s *Server) scopedZone(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account) (zone.Zone, error) {
	notFound := errs.New(errs.NotFound, "zone.not_found", r.PathValue("id"))
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return zone.Zone{}, notFound
	}
	z, err := zone.ByID(ctx, q, id)
	if errs.KindOf(err) == errs.NotFound || (err == nil && !a.InScope(z.Unit)) {
		return zone.Zone{}, notFound
	}
	return z, err
}

func (s *Server) zoneAdminPage(w http.ResponseWriter, r *http.Request) error {
	a, err := zoneAccount(r)
	if err != nil {
		return err
	}
	z, err := s.scopedZone(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "zone.console", "zones")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("zone.done."+m) {
		p.Flash = p.T("zone.done." + m)
	}
	return s.zoneAdminRender(w, r, a, p, z, http.StatusOK)
}

func (s *Server) zoneAdminRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, z zone.Zone, status int) error {
	form := url.Values{"kind": {z.Kind}, "name": {z.Name}, "address": {z.Address}, "hours": {z.Hours}, "services": {z.Services}}
	for k, vs := range p.Form {
		form[k] = vs
	}
	p.Form = form
	p.Data = map[string]any{"Zone": z, "Kinds": zone.Kinds, "CanEdit": zone.CanEdit(*a, z.Unit), "MaxPhotos": zone.MaxPhotos}
	s.render(w, r, status, "zone_edit", p)
	return nil
}

// zonePost runs the step a form of the zone's page names: a photo upload
// (the multipart form), or save, remove a photo, delete.
func (s *Server) zonePost(w http.ResponseWriter, r *http.Request) error {
	a, err := zoneAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var step func(tx *db.Tx, z zone.Zone) error
	done := ""
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, zone.MaxPhoto+1<<20)
		data, uerr := readUpload(r, "file", zone.MaxPhoto)
		done = "photo"
		step = func(tx *db.Tx, z zone.Zone) error {
			if uerr != nil {
				return uerr
			}
			_, name := fileOf(r, "file")
			_, err := zone.AddPhoto(ctx, tx, *a, s.cfg.Files, z, name, data, r.FormValue("alt"))
			return err
		}
	} else {
		if err := parseForm(w, r); err != nil {
			return err
		}
		f := r.PostForm
		done = f.Get("do")
		step = func(tx *db.Tx, z zone.Zone) error {
			switch done {
			case "save":
				_, err := zone.Update(ctx, tx, *a, z, zoneInput(f))
				return err
			case "remove_photo":
				seq, _ := strconv.Atoi(f.Get("seq"))
				_, err := zone.RemovePhoto(ctx, tx, *a, z, seq)
				return err
			case "delete":
				return zone.Delete(ctx, tx, *a, z)
			}
			return errNotFoundPage
		}
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		z, err := s.scopedZone(ctx, tx, r, a)
		if err != nil {
			return err
		}
		id = z.ID
		return step(tx, z)
	})
	switch {
	case err == nil && done == "delete":
		http.Redirect(w, r, "/admin/zones/?done=deleted", http.StatusSeeOther)
		return nil
	case err == nil:
		http.Redirect(w, r, adminZoneURL(id)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Forbidden {
		return err
	}
	z, lerr := s.scopedZone(ctx, s.db, r, a)
	if lerr != nil {
		return lerr
	}
	p := s.adminPage(r, "zone.console", "zones")
	if r.MultipartForm == nil {
		p.Form = r.PostForm
	} else {
		p.Form.Set("alt", r.FormValue("alt"))
	}
	p.Errors, p.Error = fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.zoneAdminRender(w, r, a, p, z, statusOf(k))
}
