package web

import (
	"fmt"
	"net/http"

	"gongkai/internal/rules"
)

// ruleJSON is a published rule in the API.
type ruleJSON struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	Category    string `json:"category"`
	Adopted     string `json:"adopted"`
	URL         string `json:"url"`
	Recommended bool   `json:"recommended"`
}

func recordURL(id int64) string { return fmt.Sprintf("/zwgk/info/%d/", id) }

// apiUnitRules lists the rules published in a unit's 制度 column: 404 for
// a unit that does not exist.
func (s *Server) apiUnitRules(w http.ResponseWriter, r *http.Request) error {
	u, err := s.unitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	rs, err := rules.List(r.Context(), s.db, rules.Filter{Unit: u.ID, Published: true})
	if err != nil {
		return err
	}
	out := make([]ruleJSON, 0, len(rs))
	for _, x := range rs {
		out = append(out, ruleJSON{ID: x.ID, Title: x.Title, Category: string(x.Category), Adopted: x.Adopted, URL: recordURL(x.RecordID),
			Recommended: x.Recommended})
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": out})
	return nil
}

// rulesRecommended is the portal's page of the rules offices recommend to
// every unit (优秀制度), under the 制度 column.
func (s *Server) rulesRecommended(w http.ResponseWriter, r *http.Request) error {
	rs, err := rules.List(r.Context(), s.db, rules.Filter{Recommended: true})
	if err != nil {
		return err
	}
	p := s.newPage(r, "rules.recommended")
	p.Section = "zwgk"
	p.Data = map[string]any{"Rules": rs}
	s.render(w, r, http.StatusOK, "rules_recommended", p)
	return nil
}
