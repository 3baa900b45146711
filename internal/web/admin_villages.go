package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/village"
)

// villageRoutes registers village and community affairs (村（居）务公开,
// plan item 十九): the console, the lists on the portal under their town,
// and the API.
func (s *Server) villageRoutes(mux router) {
	mux.Handle("GET /admin/villages/{$}", s.h(s.villageAdminList))
	mux.Handle("POST /admin/villages/visits", s.h(s.villageVisit))
	mux.Handle("GET /admin/villages/report", s.h(s.villageReport(false)))
	mux.Handle("GET /admin/villages/report.xlsx", s.h(s.villageReport(true)))
	mux.Handle("GET /admin/villages/{code}/{$}", s.h(s.villageAdminPage))
	mux.Handle("POST /admin/villages/{code}/{$}", s.h(s.villageSave))
	mux.Handle("GET /zwgk/bzh/{code}/cwgk/{village}/{$}", s.h(s.villagePublic))
	mux.Handle("GET /api/v1/units/{code}/village-affairs", s.h(s.apiVillageAffairs))
}

// mayVillages reports whether a opens the villages' console: as for
// records, everyone but a domain supervisor, at units with villages and
// communities under them or at one.
func mayVillages(a *auth.Account) bool {
	if !keepsUnitRecords(a) {
		return false
	}
	switch a.Unit.Kind {
	case org.City, org.District, org.Town, org.Street, org.Village, org.Community:
		return true
	}
	return a.IsAdmin()
}

func villageAccount(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !mayVillages(a) {
		return nil, errNotFoundPage
	}
	return a, nil
}

// villageAdminData is what the villages' console shows.
type villageAdminData struct {
	Villages  []org.Unit // in a's scope
	Visitable []org.Unit // those whose town a records visits for
	Visits    []village.Visit
	Districts []org.Unit // whose year-end report a may see
	Year      int
	Towns     map[int64]org.Unit
}

func (s *Server) villageAdminList(w http.ResponseWriter, r *http.Request) error {
	a, err := villageAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "village.console", "villages")
	if r.URL.Query().Get("done") == "visit" {
		p.Flash = p.T("village.done.visit")
	}
	p.Form.Set("date", s.today().String())
	return s.villageAdminRender(w, r, a, p, http.StatusOK)
}

func (s *Server) villageAdminRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	ctx := r.Context()
	dir, err := s.units(ctx)
	if err != nil {
		return err
	}
	d := villageAdminData{Year: s.today().Year, Towns: map[int64]org.Unit{}}
	for _, u := range dir.Subtree(a.Unit) {
		switch {
		case village.Keeps(u.Kind):
			d.Villages = append(d.Villages, u)
			town, err := dir.ByID(u.ParentID)
			if err != nil {
				return err
			}
			d.Towns[u.ID] = town
			if village.CanRecordVisit(*a, town) {
				d.Visitable = append(d.Visitable, u)
			}
		case u.Kind == org.District:
			d.Districts = append(d.Districts, u)
		}
	}
	if d.Visits, err = village.Visits(ctx, s.db, a.Unit, d.Year); err != nil {
		return err
	}
	p.Data = d
	s.render(w, r, status, "village_admin", p)
	return nil
}

// villageVisit records a town's guidance visit; the town is the village's.
func (s *Server) villageVisit(w http.ResponseWriter, r *http.Request) error {
	a, err := villageAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	in := village.VisitInput{Village: f.Get("village"), Date: f.Get("date"), People: f.Get("people"), Findings: f.Get("findings"), Advice: f.Get("advice")}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		v, err := org.ByCode(ctx, tx, in.Village)
		if err != nil || !a.InScope(v) || !village.Keeps(v.Kind) {
			return errs.InvalidField("village", "village.not_under_town", in.Village)
		}
		town, err := org.ByID(ctx, tx, v.ParentID)
		if err != nil {
			return err
		}
		_, err = village.AddVisit(ctx, tx, *a, town, in)
		return err
	})
	if err != nil {
		p, status, err := s.formAgainIn(r, err, "village.console", "villages")
		if err != nil {
			return err
		}
		return s.villageAdminRender(w, r, a, p, status)
	}
	http.Redirect(w, r, "/admin/villages/?done=visit", http.StatusSeeOther)
	return nil
}

// scopedVillage returns the village or community of the path if a may
// see it; any other unit is not found.
func (s *Server) scopedVillage(ctx context.Context, a *auth.Account, code string) (org.Unit, error) {
	u, err := s.unitByCode(ctx, code)
	if err != nil || !a.InScope(u) || !village.Keeps(u.Kind) {
		return org.Unit{}, errs.New(errs.NotFound, "unit.not_found", code)
	}
	return u, nil
}

func (s *Server) villageAdminPage(w http.ResponseWriter, r *http.Request) error {
	a, err := villageAccount(r)
	if err != nil {
		return err
	}
	u, err := s.scopedVillage(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	p := s.adminPage(r, "village.list", "villages")
	if r.URL.Query().Get("done") == "entry" {
		p.Flash = p.T("village.done.entry")
	}
	return s.villageAdminPageRender(w, r, a, p, u, http.StatusOK)
}

func (s *Server) villageAdminPageRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, u org.Unit, status int) error {
	l, err := village.ListOf(r.Context(), s.db, u)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"List": l, "CanEdit": village.CanEdit(*a, u), "Differences": len(l.Differences())}
	s.render(w, r, status, "village_list_admin", p)
	return nil
}

// villageSave sets what the village shows for one item.
func (s *Server) villageSave(w http.ResponseWriter, r *http.Request) error {
	a, err := villageAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u, err := s.scopedVillage(ctx, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := village.SaveEntry(ctx, tx, *a, u, f.Get("item"), f.Get("content"), f.Get("link_url"))
		return err
	})
	if err != nil {
		p, status, err := s.formAgainIn(r, err, "village.list", "villages")
		if err != nil {
			return err
		}
		return s.villageAdminPageRender(w, r, a, p, u, status)
	}
	l, _ := village.ListOf(ctx, s.db, u)
	e, _ := l.Entry(f.Get("item"))
	http.Redirect(w, r, "/admin/villages/"+url.PathEscape(u.Code)+"/?done=entry#"+e.Anchor(), http.StatusSeeOther)
	return nil
}

// villageReport shows a district's year-end report of the guidance visits
// (?unit=CODE&year=YYYY), or sends it as XLSX.
func (s *Server) villageReport(xlsx bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := villageAccount(r)
		if err != nil {
			return err
		}
		ctx := r.Context()
		q := r.URL.Query()
		u, err := s.unitByCode(ctx, q.Get("unit"))
		if err != nil || !a.InScope(u) || (u.Kind != org.District && u.Kind != org.City) {
			return errs.New(errs.NotFound, "unit.not_found", q.Get("unit"))
		}
		year := s.today().Year
		if y := q.Get("year"); y != "" {
			if year, err = strconv.Atoi(y); err != nil || year < 2020 || year > s.today().Year {
				return errs.InvalidField("year", "village.bad_year", 2020, s.today().Year)
			}
		}
		rep, err := village.YearReport(ctx, s.db, u, year)
		if err != nil {
			return err
		}
		lang := langOf(r)
		if xlsx {
			var buf bytes.Buffer
			if err := rep.XLSX(&buf, lang); err != nil {
				return err
			}
			h := w.Header()
			h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"village-visits-%s-%d.xlsx\"", u.Code, year))
			h.Set("Cache-Control", "no-store")
			w.Write(buf.Bytes())
			return nil
		}
		p := s.adminPage(r, "village.report", "villages")
		p.Title = i18n.T(lang, "village.report_title", u.Name, year)
		p.Data = map[string]any{"Report": rep, "XLSX": "/admin/villages/report.xlsx?unit=" + url.QueryEscape(u.Code) + "&year=" + strconv.Itoa(year)}
		s.render(w, r, http.StatusOK, "village_report", p)
		return nil
	}
}

// villagePublic is a village's or community's list on the portal, under
// its town.
func (s *Server) villagePublic(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	dir, err := s.units(ctx)
	if err != nil {
		return err
	}
	v, err := dir.ByCode(r.PathValue("village"))
	if err != nil || !village.Keeps(v.Kind) {
		return errNotFoundPage
	}
	town, err := dir.ByID(v.ParentID)
	if err != nil || town.Code != r.PathValue("code") {
		return errNotFoundPage
	}
	l, err := village.ListOf(ctx, s.db, v)
	if err != nil {
		return err
	}
	p := s.newPage(r, "village.list")
	p.Section = "bzh"
	p.Title = v.Name + " · " + i18n.T(p.Lang, "village.list")
	p.Data = map[string]any{"List": l, "Ancestors": dir.Ancestors(v)}
	s.render(w, r, http.StatusOK, "village_public", p)
	return nil
}

// villagePublicURL is the address of a village's list on the portal.
func villagePublicURL(l village.List) string {
	return "/zwgk/bzh/" + url.PathEscape(l.Town.Code) + "/cwgk/" + url.PathEscape(l.Unit.Code) + "/"
}

// villageItemJSON is an item of a village's list in the API.
type villageItemJSON struct {
	Item     string `json:"item"`
	Category string `json:"category"`
	Source   string `json:"source"`
	// ContentURL is where the content is: the town's record, the village's
	// link, or the item on the village's page; empty when none is published.
	ContentURL string `json:"content_url"`
	Updated    stamp  `json:"updated"`
}

// apiVillageAffairs returns a village's or community's list.
func (s *Server) apiVillageAffairs(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.unitByCode(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	if !village.Keeps(u.Kind) {
		return errs.InvalidField("code", "village.not_village", u.Name)
	}
	l, err := village.ListOf(ctx, s.db, u)
	if err != nil {
		return err
	}
	items := make([]villageItemJSON, 0, len(l.Entries))
	for _, e := range l.Entries {
		j := villageItemJSON{Item: e.Name, Category: e.Category, Source: e.Source, Updated: stamp(e.Updated())}
		switch {
		case e.FromTown():
			j.ContentURL = "/zwgk/info/" + strconv.FormatInt(e.TownRecord.ID, 10) + "/"
		case e.Content != "":
			j.ContentURL = villagePublicURL(l) + "#" + e.Anchor()
		case e.LinkURL != "":
			j.ContentURL = e.LinkURL
		}
		items = append(items, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit": u.Code, "town": l.Town.Code, "items": items})
	return nil
}
