package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/services"
)

// handbookOf compiles the handbook of the unit with the given code: the
// city's or a district's; anything else is not found.
func (s *Server) handbookOf(r *http.Request, code string) (services.Handbook, error) {
	u, err := s.unitByCode(r.Context(), code)
	if err != nil {
		return services.Handbook{}, err
	}
	return services.CompileHandbook(r.Context(), s.db, u)
}

// handbookTitle is the handbook's title: 海珠区人民政府办事一本通.
func handbookTitle(lang i18n.Lang, u org.Unit) string { return i18n.T(lang, "svc.handbook_of", u.Name) }

// ybtHandbook is the print-ready handbook (办事一本通): contents, then each
// event from a new page, with its QR code for leaflets (单张).
func (s *Server) ybtHandbook(w http.ResponseWriter, r *http.Request) error {
	h, err := s.handbookOf(r, r.PathValue("code"))
	if err != nil {
		return err
	}
	p := s.bmfwPage(r, "svc.handbook")
	p.Title = handbookTitle(p.Lang, h.Root)
	p.Data = map[string]any{"H": h}
	s.render(w, r, http.StatusOK, "ybt", p)
	return nil
}

// ybtFile serves /bmfw/ybt/CODE.xlsx, the handbook as a workbook.
func (s *Server) ybtFile(w http.ResponseWriter, r *http.Request) error {
	code, ok := strings.CutSuffix(r.PathValue("file"), ".xlsx")
	if !ok {
		return errNotFoundPage
	}
	h, err := s.handbookOf(r, code)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := services.WriteHandbook(&buf, handbookTitle(i18n.Zh, h.Root), h); err != nil {
		return err
	}
	return serveXLSX(w, h.Root.Code+"-ybt.xlsx", buf.Bytes())
}

// serveXLSX sends a workbook as a download.
func serveXLSX(w http.ResponseWriter, name string, data []byte) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := w.Write(data)
	return err
}

// ybtBundle returns the handbook's bundle of the event of the path.
func (s *Server) ybtBundle(r *http.Request) (services.Handbook, services.Bundle, error) {
	h, err := s.handbookOf(r, r.PathValue("code"))
	if err != nil {
		return h, services.Bundle{}, err
	}
	b, err := h.Bundle(r.PathValue("event"))
	return h, b, err
}

// ybtEvent is an event of a handbook ("办好一件事"): its guides in order,
// the combined materials and the total time, with its QR code.
func (s *Server) ybtEvent(w http.ResponseWriter, r *http.Request) error {
	h, b, err := s.ybtBundle(r)
	if err != nil {
		return err
	}
	return s.eventRender(w, r, b, &h.Root)
}

// qrEvent is the code of an event's page in a handbook, for the printed
// handbook and leaflets.
func (s *Server) qrEvent(r *http.Request) (string, string, error) {
	h, b, err := s.ybtBundle(r)
	if err != nil {
		return "", "", err
	}
	return "/bmfw/ybt/" + url.PathEscape(h.Root.Code) + "/" + url.PathEscape(b.Event.Code) + "/", h.Root.Name + " " + b.Event.Name, nil
}

// serviceJSON is a guide in a unit's list of the API.
type serviceJSON struct {
	ID            int64    `json:"id"`
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Events        []string `json:"events"`
	TimeLimitDays *int     `json:"time_limit_days"`
	Fee           string   `json:"fee"`
	OnlineURL     string   `json:"online_url"`
	Updated       string   `json:"updated"`
}

// apiUnitServices lists a unit's published guides.
func (s *Server) apiUnitServices(w http.ResponseWriter, r *http.Request) error {
	u, err := s.unitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	gs, err := services.PublishedOf(r.Context(), s.db, u)
	if err != nil {
		return err
	}
	out := make([]serviceJSON, 0, len(gs))
	for _, g := range gs {
		out = append(out, serviceJSON{ID: g.ID, Name: g.Name, Type: string(g.Type), Events: nonNil(g.Events), TimeLimitDays: g.TimeLimit(),
			Fee: g.Fee, OnlineURL: g.OnlineURL, Updated: calendar.Timestamp(g.PublishedAt)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"services": out})
	return nil
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// materialJSON is a material of a guide in the API.
type materialJSON struct {
	Name      string `json:"name"`
	Form      string `json:"form"`
	Copies    int    `json:"copies"`
	Original  bool   `json:"original"`
	Note      string `json:"note"`
	SampleURL string `json:"sample_url"`
}

// apiService returns a published guide whole.
func (s *Server) apiService(w http.ResponseWriter, r *http.Request) error {
	g, err := s.publicGuide(r)
	if err != nil {
		return err
	}
	ms := make([]materialJSON, 0, len(g.Materials))
	for i, m := range g.Materials {
		j := materialJSON{Name: m.Name, Form: m.Form, Copies: m.Copies, Original: m.Original, Note: m.Note}
		if m.Sample != nil {
			j.SampleURL = s.baseURL(r) + guideURL(g.ID) + "yb/" + strconv.Itoa(i+1)
		}
		ms = append(ms, j)
	}
	missing := []string{}
	for _, e := range g.Missing() {
		missing = append(missing, string(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": g.ID, "unit": map[string]string{"code": g.Unit.Code, "name": g.Unit.Name}, "name": g.Name, "type": g.Type,
		"basis": g.Basis, "conditions": g.Conditions, "materials": ms, "steps": nonNil(g.Steps), "legal_days": g.LegalDays,
		"promised_days": g.PromisedDays, "time_limit_days": g.TimeLimit(), "fee": g.Fee, "fee_basis": g.FeeBasis, "place": g.Place,
		"hours": g.Hours, "phone": g.Phone, "complaint_phone": g.ComplaintPhone, "online_url": g.OnlineURL, "served": g.Served,
		"events": nonNil(g.Events), "missing": missing, "version": g.Version, "updated": calendar.Timestamp(g.PublishedAt),
		"url": s.baseURL(r) + guideURL(g.ID),
	})
	return nil
}
