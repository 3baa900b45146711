package web

import (
	"gongkai/internal/catalog"
	"gongkai/internal/institution"
	"gongkai/internal/village"
	"net/http"

	"gongkai/internal/errs"
	"gongkai/internal/org"
)

var errNotFoundPage = errs.New(errs.NotFound, "error.page_not_found")

// zwgkColumns are the four standard sub-columns of the 政务公开 platform, by
// path segment.
var zwgkColumns = []string{"zn", "zd", "fdzdgknr", "nb"}

// homeEntry is one entry of the 政务公开 navigation on the home page.
type homeEntry struct{ Key, Href string }

var homeEntries = []homeEntry{
	{"col.zn", "/zwgk/zn/"},
	{"col.zd", "/zwgk/zd/"},
	{"col.fdzdgknr", "/zwgk/fdzdgknr/"},
	{"col.bzh", "/zwgk/bzh/"},
	{"col.nb", "/zwgk/nb/"},
	{"col.pingyi", "/zwgk/pingyi/"},
	{"interpret.title", "/zwgk/jd/"},
	{"attrs.outcomes", "/zwgk/gksxsc/"},
	{"col.ysqgk", "/ysqgk/"},
	{"col.hudong", "/hudong/"},
	{"col.bmfw", "/bmfw/"},
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r, "home.title")
	p.Section = "home"
	dir, err := s.units(r.Context())
	if err != nil {
		return err
	}
	roots := dir.Roots()
	var districts []org.Unit
	for _, root := range roots {
		districts = append(districts, dir.OfKind(root, org.District)...)
	}
	p.Data = map[string]any{"Entries": homeEntries, "Roots": roots, "Districts": districts}
	s.render(w, r, http.StatusOK, "home", p)
	return nil
}

func (s *Server) zwgk(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r, "col.zwgk")
	p.Section = "zwgk"
	p.Data = map[string]any{"Entries": homeEntries}
	s.render(w, r, http.StatusOK, "zwgk", p)
	return nil
}

// zwgkColumn shows one of the four standard sub-columns across units; each
// unit's own content is loaded by the information module.
func (s *Server) zwgkColumn(w http.ResponseWriter, r *http.Request) error {
	col := r.PathValue("column")
	known := false
	for _, c := range zwgkColumns {
		known = known || c == col
	}
	if !known {
		return errNotFoundPage
	}
	p := s.newPage(r, "col."+col)
	p.Section = "zwgk"
	return s.infoList(w, r, p, nil, col)
}

// section shows a top-level portal section (依申请公开, 互动交流, 办事服务).
func (s *Server) section(name string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := s.newPage(r, "col."+name)
		p.Section = name
		p.Data = map[string]any{"Column": name, "Intro": "col." + name + ".intro"}
		s.render(w, r, http.StatusOK, "column", p)
		return nil
	}
}

// bzh is the 基层政务公开标准化规范化 column: districts and their units.
func (s *Server) bzh(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := s.newPage(r, "col.bzh")
	p.Section = "bzh"
	dir, err := s.units(ctx)
	if err != nil {
		return err
	}
	pub, err := s.publication(ctx, dir)
	if err != nil {
		return err
	}
	roots := dir.Roots()
	type group struct {
		Unit     unitStatus
		Children []unitStatus
	}
	var groups []group
	for _, root := range roots {
		ds := dir.Children(root.ID)
		var districts, depts []org.Unit
		for _, d := range ds {
			if d.Kind == org.District {
				districts = append(districts, d)
			} else {
				depts = append(depts, d)
			}
		}
		groups = append(groups, group{Unit: pub.status(root), Children: pub.statuses(append(districts, depts...))})
	}
	p.Data = map[string]any{"Groups": groups}
	s.render(w, r, http.StatusOK, "bzh", p)
	return nil
}

// bzhUnit is one unit's page in the standardization column.
func (s *Server) bzhUnit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	dir, err := s.units(ctx)
	if err != nil {
		return err
	}
	u, err := dir.ByCode(r.PathValue("code"))
	if err != nil {
		return err
	}
	children, ancestors := dir.Children(u.ID), dir.Ancestors(u)
	cs, err := catalog.PublishedIn(ctx, s.db, u, false)
	if err != nil {
		return err
	}
	pub, err := s.publication(ctx, dir)
	if err != nil {
		return err
	}
	// A village's or community's list lives under its town; a department
	// publishes its reports on the institutions it supervises.
	villageList := ""
	if village.Keeps(u.Kind) && len(ancestors) > 0 {
		villageList = "/zwgk/bzh/" + ancestors[len(ancestors)-1].Code + "/cwgk/" + u.Code + "/"
	}
	var reports []institution.Report
	if institution.IsDepartment(u.Kind) {
		if reports, err = institution.PublishedReports(ctx, s.db, u); err != nil {
			return err
		}
	}
	p := s.newPage(r, "col.bzh")
	p.Title = u.Name
	p.Section = "bzh"
	p.Data = map[string]any{"Unit": u, "Status": pub.status(u), "Children": pub.statuses(children), "Ancestors": ancestors, "Catalogs": cs,
		"VillageList": villageList, "Reports": reports}
	p.Feed = "/feeds/" + u.Code + ".atom"
	s.render(w, r, http.StatusOK, "bzh_unit", p)
	return nil
}
