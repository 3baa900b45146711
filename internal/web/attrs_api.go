package web

import (
	"net/http"

	"gongkai/internal/attrs"
	"gongkai/internal/auth"
	"gongkai/internal/errs"
)

// attrsDocJSON is a document in scope of a review, in the API: the fields
// of `gongkai review attributes --json`, then where it stands.
type attrsDocJSON struct {
	IndexNo     string `json:"index_no"`
	Title       string `json:"title"`
	WrittenDate string `json:"written_date"`
	Attribute   string `json:"attribute"`
	Kind        string `json:"kind"`
	Proposal    string `json:"proposal"`
	State       string `json:"state"`
}

// apiCaller returns who asks: the unit of an API token presented as
// Authorization: Bearer (acting as its staff, who read their own unit's
// documents), or the signed-in account.
func (s *Server) apiCaller(w http.ResponseWriter, r *http.Request) (*auth.Account, error) {
	if r.Header.Get("Authorization") == "" {
		return requireAccount(r)
	}
	t, err := s.requireToken(w, r)
	if err != nil {
		return nil, err
	}
	return &auth.Account{Login: "token:" + t.Prefix, Role: auth.UnitEditor, Unit: t.Unit}, nil
}

// apiAttrsReview lists the documents of ?unit=CODE in scope of the review
// held in ?year=Y, with each one's proposal and state: 400 naming the
// field for a unit or a year that is not one, 404 for a unit the caller
// does not see.
func (s *Server) apiAttrsReview(w http.ResponseWriter, r *http.Request) error {
	a, err := s.apiCaller(w, r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	code := q.Get("unit")
	if code == "" {
		return errs.InvalidField("unit", "attrs.unit_required")
	}
	u, err := s.unitByCode(r.Context(), code)
	if errs.KindOf(err) == errs.NotFound {
		return errs.InvalidField("unit", "unit.not_found", code)
	}
	if err != nil {
		return err
	}
	if !attrs.MayUse(*a) || !a.InScope(u) {
		return errs.New(errs.NotFound, "unit.not_found", code)
	}
	year, err := attrs.ParseYear(q.Get("year"), s.db.Now())
	if err != nil {
		return err
	}
	win, docs, err := attrs.Documents(r.Context(), s.db, u, year)
	if err != nil {
		return err
	}
	out := make([]attrsDocJSON, 0, len(docs))
	for _, d := range docs {
		out = append(out, attrsDocJSON{IndexNo: d.IndexNo, Title: d.Title, WrittenDate: d.WrittenDate, Attribute: d.Attribute, Kind: d.Kind,
			Proposal: d.Proposal(), State: d.State()})
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"unit": apiUnitRef{u.Code, u.Name}, "year": year, "window": win, "documents": out})
	return nil
}
