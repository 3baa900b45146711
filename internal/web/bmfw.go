package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/services"
)

// servicesRoutes registers service disclosure (办事服务): the /bmfw/ column
// of the portal, the handbooks, the console and the API.
func (s *Server) servicesRoutes(mux router) {
	mux.Handle("GET /bmfw/{$}", s.h(s.bmfwHome))
	mux.Handle("GET /bmfw/ss/{$}", s.h(s.bmfwSearch))
	mux.Handle("GET /bmfw/bm/{code}/{$}", s.h(s.bmfwUnit))
	mux.Handle("GET /bmfw/zt/{event}/{$}", s.h(s.bmfwEvent))
	mux.Handle("GET /bmfw/zn/{id}/{$}", s.h(s.bmfwGuide))
	mux.Handle("POST /bmfw/zn/{id}/{$}", s.h(s.bmfwComplain))
	mux.Handle("GET /bmfw/zn/{id}/yb/{n}", s.h(s.bmfwSample))
	mux.Handle("GET /bmfw/ybt/{code}/{$}", s.h(s.ybtHandbook))
	mux.Handle("GET /bmfw/ybt/{file}", s.h(s.ybtFile))
	mux.Handle("GET /bmfw/ybt/{code}/{event}/{$}", s.h(s.ybtEvent))
	mux.Handle("GET /bmfw/ybt/{code}/{event}/qr.png", s.h(s.qrImage(s.qrEvent, false)))
	mux.Handle("GET /bmfw/ybt/{code}/{event}/qr.svg", s.h(s.qrImage(s.qrEvent, true)))
	mux.Handle("GET /api/v1/units/{code}/services", s.h(s.apiUnitServices))
	mux.Handle("GET /api/v1/services/{id}", s.h(s.apiService))
	s.serviceConsoleRoutes(mux)
}

func guideURL(id int64) string { return "/bmfw/zn/" + strconv.FormatInt(id, 10) + "/" }

// bmfwPage is a page of the column.
func (s *Server) bmfwPage(r *http.Request, titleKey string) *page {
	p := s.newPage(r, titleKey)
	p.Section = "bmfw"
	return p
}

// unitGuides is a unit with its number of published guides.
type unitGuides struct {
	Unit  org.Unit
	Count int
}

// guideGroup is a district (or the city level) with its units that have
// published guides, and whether it compiles a handbook that has guides.
type guideGroup struct {
	Root     org.Unit
	Units    []unitGuides
	Handbook bool
}

// guideGroups returns the units with published guides under each root the
// handbooks are compiled for: the city (its departments) and each district.
func (s *Server) guideGroups(ctx context.Context) ([]guideGroup, error) {
	dir, err := s.units(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := services.PublishedCounts(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var out []guideGroup
	for _, root := range dir.Roots() {
		city := guideGroup{Root: root}
		for _, u := range dir.Subtree(root) {
			if u.Level == org.LevelCity && counts[u.ID] > 0 {
				city.Units = append(city.Units, unitGuides{u, counts[u.ID]})
			}
		}
		city.Handbook = len(city.Units) > 0
		out = append(out, city)
		for _, d := range dir.OfKind(root, org.District) {
			g := guideGroup{Root: d}
			for _, u := range dir.Subtree(d) {
				if counts[u.ID] > 0 {
					g.Units = append(g.Units, unitGuides{u, counts[u.ID]})
				}
			}
			if len(g.Units) > 0 {
				g.Handbook = true
				out = append(out, g)
			}
		}
	}
	return out, nil
}

// bmfwHome is the column: search, the online hall, the events, the
// departments with guides and the handbooks.
func (s *Server) bmfwHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	groups, err := s.guideGroups(ctx)
	if err != nil {
		return err
	}
	events, err := services.Events(ctx, s.db)
	if err != nil {
		return err
	}
	set, err := services.LoadSettings(ctx, s.db)
	if err != nil {
		return err
	}
	p := s.bmfwPage(r, "col.bmfw")
	p.Data = map[string]any{"Groups": groups, "Personal": eventsOf(events, services.Personal), "Business": eventsOf(events, services.Business), "Hall": set.HallURL}
	s.render(w, r, http.StatusOK, "bmfw", p)
	return nil
}

func eventsOf(es []services.Event, k services.EventKind) []services.Event {
	var out []services.Event
	for _, e := range es {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// bmfwSearch finds published guides: ?q=TEXT, Chinese full text.
func (s *Server) bmfwSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	p := s.bmfwPage(r, "svc.search_title")
	p.Form = url.Values{"q": {q}}
	status := http.StatusOK
	var hits []services.PublishedGuide
	if utf8.RuneCountInString(q) > 100 {
		p.Errors["q"] = i18n.T(p.Lang, "svc.too_long", errs.Msg("svc.search_label"), 100)
		status = http.StatusBadRequest
	} else {
		var err error
		if hits, err = services.Search(r.Context(), s.db, s.db.Dialect, q); err != nil {
			return err
		}
	}
	p.Data = map[string]any{"Hits": hits, "Q": q}
	s.render(w, r, status, "bmfw_search", p)
	return nil
}

// bmfwUnit lists a unit's published guides.
func (s *Server) bmfwUnit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.unitByCode(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	gs, err := services.PublishedOf(ctx, s.db, u)
	if err != nil {
		return err
	}
	p := s.bmfwPage(r, "svc.unit_title")
	p.Title = u.Name
	p.Data = map[string]any{"Unit": u, "Guides": gs}
	s.render(w, r, http.StatusOK, "bmfw_unit", p)
	return nil
}

// bmfwEvent is an event across the city: every published guide of it.
func (s *Server) bmfwEvent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := services.EventByCode(ctx, s.db, r.PathValue("event"))
	if err != nil {
		return err
	}
	dir, err := s.units(ctx)
	if err != nil {
		return err
	}
	var all []services.PublishedGuide
	for _, root := range dir.Roots() {
		gs, err := services.PublishedIn(ctx, s.db, root)
		if err != nil {
			return err
		}
		all = append(all, gs...)
	}
	return s.eventRender(w, r, services.BundleOf(e, all), nil)
}

// eventRender shows an event's bundle: of the city's guides, or of a
// handbook (root set) with its QR code.
func (s *Server) eventRender(w http.ResponseWriter, r *http.Request, b services.Bundle, root *org.Unit) error {
	p := s.bmfwPage(r, "svc.event_title")
	p.Title = eventName(p.Lang, b.Event)
	p.Data = map[string]any{"B": b, "Root": root}
	s.render(w, r, http.StatusOK, "bmfw_event", p)
	return nil
}

// eventName is an event's name in lang: its English name on English pages
// when it has one.
func eventName(lang i18n.Lang, e services.Event) string {
	if lang == i18n.En && e.NameEn != "" {
		return e.NameEn
	}
	return e.Name
}

// publicGuide loads the published guide of the path, or not found.
func (s *Server) publicGuide(r *http.Request) (services.PublishedGuide, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return services.PublishedGuide{}, errs.New(errs.NotFound, "svc.not_found", r.PathValue("id"))
	}
	return services.PublishedByID(r.Context(), s.db, id)
}

// bmfwGuide shows a published guide whole, with the form to say what is
// wrong with it.
func (s *Server) bmfwGuide(w http.ResponseWriter, r *http.Request) error {
	g, err := s.publicGuide(r)
	if err != nil {
		return err
	}
	p := s.bmfwPage(r, "svc.guide_title")
	if r.URL.Query().Get("done") == "complained" {
		p.Flash = p.T("svc.complaint_thanks")
	}
	return s.guideRender(w, r, p, g, http.StatusOK)
}

func (s *Server) guideRender(w http.ResponseWriter, r *http.Request, p *page, g services.PublishedGuide, status int) error {
	events, err := services.Events(r.Context(), s.db)
	if err != nil {
		return err
	}
	var linked []services.Event
	for _, e := range events {
		if g.HasEvent(e) {
			linked = append(linked, e)
		}
	}
	p.Title = g.Name
	p.Data = map[string]any{"G": g, "Events": linked, "Kinds": services.ComplaintKinds}
	s.render(w, r, status, "bmfw_guide", p)
	return nil
}

// bmfwComplain takes a complaint about a guide from its page; a refused one
// shows the page again with what was typed.
func (s *Server) bmfwComplain(w http.ResponseWriter, r *http.Request) error {
	g, err := s.publicGuide(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	err = s.anonymousAllowed(r, "svc-complaint", "svc.complaint_throttled")
	if err == nil {
		ctx := r.Context()
		var set services.Settings
		if set, err = services.LoadSettings(ctx, s.db); err != nil {
			return err
		}
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			_, err := services.Register(ctx, tx, nil, set, g, services.ComplaintInput{Kind: f.Get("kind"), Content: f.Get("content"), Contact: f.Get("contact")})
			return err
		})
	}
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.TooMany {
			return err
		}
		p := s.bmfwPage(r, "svc.guide_title")
		p.Form, p.Errors, p.Error = f, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
		w.Header().Set("Cache-Control", "no-store")
		return s.guideRender(w, r, p, g, statusOf(k))
	}
	http.Redirect(w, r, guideURL(g.ID)+"?done=complained#complain", http.StatusSeeOther)
	return nil
}

// bmfwSample downloads the sample of a published guide's material n.
func (s *Server) bmfwSample(w http.ResponseWriter, r *http.Request) error {
	g, err := s.publicGuide(r)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(r.PathValue("n"))
	f, err := g.Sample(n)
	if err != nil {
		return err
	}
	return s.serveStored(w, r, f.SHA256, f.Name, f.MIME, true)
}

// Event names an event in the page's language: its English name on an
// English page when it has one, its Chinese name (as user text) otherwise.
func (p *page) Event(e services.Event) template.HTML {
	if p.Lang == i18n.En && e.NameEn != "" {
		return template.HTML(template.HTMLEscapeString(e.NameEn))
	}
	return template.HTML(userText(e.Name))
}

// Days says a time limit in working days: on the spot (即办) for 0, and
// that the guide states none for nil.
func (p *page) Days(d *int) template.HTML {
	switch {
	case d == nil:
		return template.HTML(`<span class="hint">` + template.HTMLEscapeString(p.T("svc.not_stated")) + `</span>`)
	case *d == 0:
		return template.HTML(template.HTMLEscapeString(p.T("svc.immediately")))
	}
	return template.HTML(template.HTMLEscapeString(p.N("svc.workdays", *d)))
}
