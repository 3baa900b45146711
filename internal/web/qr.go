package web

import (
	"net/http"
	"net/url"
	"strconv"

	"gongkai/internal/catalog"
	"gongkai/internal/i18n"
	"gongkai/internal/qr"
)

// qrTarget returns the address of the portal page a QR code opens (a path)
// and the page's name, or the error the page itself would give: there is
// no code of a page that does not exist.
type qrTarget func(r *http.Request) (path, name string, err error)

// qrRoutes registers, beside each page people are sent to from paper — a
// unit, a unit's domain catalog, a record, the subscription form — its QR code as qr.png (for
// screens) and qr.svg (for print).
func (s *Server) qrRoutes(mux router) {
	for page, target := range map[string]qrTarget{
		"/zwgk/bzh/{code}/":          s.qrUnit,
		"/zwgk/bzh/{code}/{domain}/": s.qrCatalog,
		"/zwgk/info/{id}/":           s.qrRecord,
		"/hudong/dingyue/":           s.qrSubscribe,
	} {
		mux.Handle("GET "+page+"qr.png", s.h(s.qrImage(target, false)))
		mux.Handle("GET "+page+"qr.svg", s.h(s.qrImage(target, true)))
	}
}

// qrPixels is the PNG's width: about 8 pixels a module for the addresses
// the portal has, sharp on a phone screen and a printed A4 notice.
const qrPixels = 320

func (s *Server) qrImage(target qrTarget, svg bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		path, name, err := target(r)
		if err != nil {
			return err
		}
		code, err := qr.New(s.baseURL(r) + path)
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		if svg {
			w.Header().Set("Content-Type", "image/svg+xml")
			_, err = w.Write(code.SVG(name))
			return err
		}
		b, err := code.PNG(qrPixels)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "image/png")
		_, err = w.Write(b)
		return err
	}
}

func (s *Server) qrUnit(r *http.Request) (string, string, error) {
	u, err := s.unitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return "", "", err
	}
	return "/zwgk/bzh/" + url.PathEscape(u.Code) + "/", u.Name, nil
}

func (s *Server) qrCatalog(r *http.Request) (string, string, error) {
	u, err := s.unitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return "", "", err
	}
	pc, err := catalog.PublishedFor(r.Context(), s.db, u, r.PathValue("domain"))
	if err != nil {
		return "", "", err
	}
	return "/zwgk/bzh/" + url.PathEscape(u.Code) + "/" + url.PathEscape(pc.Domain.Code) + "/", u.Name + " " + pc.Domain.Name, nil
}

func (s *Server) qrRecord(r *http.Request) (string, string, error) {
	rec, err := s.publicRecord(r)
	if err != nil {
		return "", "", err
	}
	return "/zwgk/info/" + strconv.FormatInt(rec.ID, 10) + "/", rec.Title, nil
}

// qrSubscribe is the code of the subscription form, with the unit and the
// domain it is opened for (?unit=CODE&domain=CODE), so that a notice in a
// hall can say "scan to follow this street's 养老服务 information". A unit
// or domain that does not exist is not found.
func (s *Server) qrSubscribe(r *http.Request) (string, string, error) {
	q := url.Values{}
	name := i18n.T(i18n.Zh, "push.subscribe")
	if code := r.URL.Query().Get("unit"); code != "" {
		u, err := s.unitByCode(r.Context(), code)
		if err != nil {
			return "", "", err
		}
		q.Set("unit", u.Code)
		name = u.Name + " " + name
	}
	if code := r.URL.Query().Get("domain"); code != "" {
		d, err := catalog.DomainByCode(r.Context(), s.db, code)
		if err != nil {
			return "", "", err
		}
		q.Set("domain", d.Code)
		name += " " + d.Name
	}
	path := "/hudong/dingyue/"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path, name, nil
}
