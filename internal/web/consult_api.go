package web

import (
	"net/http"
	"strconv"

	"gongkai/internal/errs"
	"gongkai/internal/participation"
)

// consultJSON is a consultation in the API's list.
type consultJSON struct {
	ID       int64  `json:"id"`
	Unit     string `json:"unit"`
	Title    string `json:"title"`
	Start    string `json:"start"`
	End      string `json:"end"`
	Status   string `json:"status"`
	Comments int    `json:"comments"`
	// FeedbackURL is the feedback report's address once published, and
	// empty before.
	FeedbackURL string `json:"feedback_url"`
}

// consultsPerAPIPage is how many consultations a page of the API lists.
const consultsPerAPIPage = 100

// apiConsultations lists published consultations: ?status=open|closed
// (or upcoming; all when empty), ?unit=CODE for a unit and the units
// under it, and ?page=N, 100 a page, with the total matching.
func (s *Server) apiConsultations(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	phase, err := consultPhase(q.Get("status"))
	if err != nil {
		return err
	}
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	f := participation.Filter{Public: true, Phase: phase, Today: s.today(), Limit: consultsPerAPIPage, Offset: (pageNo - 1) * consultsPerAPIPage}
	if code := q.Get("unit"); code != "" {
		u, err := s.unitByCode(r.Context(), code)
		if err != nil {
			return errs.InvalidField("unit", "unit.not_found", code)
		}
		f.Scope = &u
	}
	cs, total, err := participation.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	out := make([]consultJSON, 0, len(cs))
	for _, row := range s.consultRows(cs) {
		j := consultJSON{ID: row.ID, Unit: row.Unit.Code, Title: row.Title, Start: row.Start, End: row.End, Status: row.Phase, Comments: row.Comments}
		if row.FeedbackPublished() {
			j.FeedbackURL = consultURL(row.ID) + "#feedback"
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "consultations": out})
	return nil
}

// apiConsultComment takes a comment as JSON {"content","name","phone",
// "email"}: 201 with its id, 409 once the consultation closed, 400 naming
// the field at fault, 429 past the address's limit.
func (s *Server) apiConsultComment(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Content string `json:"content"`
		Name    string `json:"name"`
		Phone   string `json:"phone"`
		Email   string `json:"email"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.addComment(r, participation.CommentInput{Content: in.Content, Name: in.Name, Phone: in.Phone, Email: in.Email})
	if err != nil {
		if err == errNotFoundPage {
			return errs.New(errs.NotFound, "consult.not_found", r.PathValue("id"))
		}
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, map[string]any{"id": m.ID})
	return nil
}
