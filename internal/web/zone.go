package web

import (
	"net/http"
	"strconv"

	"gongkai/internal/errs"
	"gongkai/internal/zone"
)

// zoneCookie marks a browser as a disclosure zone's screen (政务公开专区):
// the zone view's start page sets it, with the zone's id or 0, and every
// portal page then shows the zone layout and goes back to the start page
// after two idle minutes — no script. The refresh is the Refresh response
// header, which the HTML standard processes as <meta http-equiv=refresh>:
// axe fails a page holding that element (WCAG 2.2.1, timing), though here
// the limit is stated on each page and the zone's exit button, in every
// page's header, turns it off, as 2.2.1 allows. A cookie,
// not ?zone= on links, so that every page reached from the zone keeps the
// layout however it was reached; it lasts as long as the browser runs,
// and the zone's exit button clears it.
const zoneCookie = "gongkai_zone"

// zoneIdle is how long a zone page waits before going back to the start.
const zoneIdle = 120

// zoneMark is the zone a page is shown in: its id, 0 for a screen not
// tied to one zone.
type zoneMark struct {
	ID   int64
	Idle int
}

// Refresh is the Refresh header of a zone page.
func (z *zoneMark) Refresh() string { return strconv.Itoa(z.Idle) + ";url=/zhuanqu/" }

// zoneOf returns the zone of the request's cookie, or nil.
func zoneOf(r *http.Request) *zoneMark {
	c, err := r.Cookie(zoneCookie)
	if err != nil {
		return nil
	}
	id, err := strconv.ParseInt(c.Value, 10, 64)
	if err != nil || id < 0 {
		return nil
	}
	return &zoneMark{ID: id, Idle: zoneIdle}
}

func (s *Server) setZoneCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: zoneCookie, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
}

// zoneView is the zone view's start page: large entries into the
// portal's main parts, and the zone's own details when it is known
// (?zone=ID, then the cookie).
func (s *Server) zoneView(w http.ResponseWriter, r *http.Request) error {
	mark := zoneOf(r)
	if mark == nil {
		mark = &zoneMark{Idle: zoneIdle}
	}
	if q := r.URL.Query().Get("zone"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			return errs.New(errs.NotFound, "zone.not_found", q)
		}
		mark.ID = id
	}
	var z *zone.Zone
	if mark.ID > 0 {
		found, err := zone.ByID(r.Context(), s.db, mark.ID)
		if err != nil {
			return err
		}
		z = &found
	}
	s.setZoneCookie(w, r, strconv.FormatInt(mark.ID, 10), 0)
	w.Header().Set("Cache-Control", "no-store")
	p := s.newPage(r, "zone.view")
	p.Zone = mark
	p.Section = "zhuanqu"
	p.Data = map[string]any{"Zone": z}
	s.render(w, r, http.StatusOK, "zhuanqu", p)
	return nil
}

// zoneExit takes a browser out of the zone view.
func (s *Server) zoneExit(w http.ResponseWriter, r *http.Request) error {
	s.setZoneCookie(w, r, "", -1)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// zonePublicList is the register of zones on the portal, each with a
// link to a map search of its address.
func (s *Server) zonePublicList(w http.ResponseWriter, r *http.Request) error {
	zs, err := zone.List(r.Context(), s.db, nil)
	if err != nil {
		return err
	}
	p := s.newPage(r, "zone.list")
	p.Section = "zhuanqu"
	p.Data = map[string]any{"Zones": zs, "Kinds": zone.Kinds}
	s.render(w, r, http.StatusOK, "zhuanqu_list", p)
	return nil
}

// zonePhoto sends a photo of a zone.
func (s *Server) zonePhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	z, err := zone.ByID(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	ph, err := z.Photo(fileSeq(r))
	if err != nil {
		return err
	}
	return s.serveStored(w, r, ph.SHA256, ph.Name, ph.MIME, true)
}

// zoneJSON is a zone in the API.
type zoneJSON struct {
	ID       int64    `json:"id"`
	Unit     string   `json:"unit"`
	Kind     string   `json:"kind"`
	Name     string   `json:"name"`
	Address  string   `json:"address"`
	Hours    string   `json:"hours"`
	Services []string `json:"services"`
	MapURL   string   `json:"map_url"`
}

// apiZones lists the zones, by unit.
func (s *Server) apiZones(w http.ResponseWriter, r *http.Request) error {
	zs, err := zone.List(r.Context(), s.db, nil)
	if err != nil {
		return err
	}
	out := make([]zoneJSON, 0, len(zs))
	for _, z := range zs {
		out = append(out, zoneJSON{ID: z.ID, Unit: z.Unit.Code, Kind: z.Kind, Name: z.Name, Address: z.Address, Hours: z.Hours,
			Services: append([]string{}, z.ServiceList()...), MapURL: z.MapURL()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"zones": out})
	return nil
}
