package web

import (
	"net/http"

	"gongkai/internal/message"
)

// apiMsgSubmit takes a message: the form's fields as JSON. The answer holds
// the tracking number, the query code and the reply's due date.
func (s *Server) apiMsgSubmit(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Unit     string `json:"unit"`
		Category string `json:"category"`
		Title    string `json:"title"`
		Content  string `json:"content"`
		Name     string `json:"name"`
		Phone    string `json:"phone"`
		Email    string `json:"email"`
		Public   bool   `json:"public"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.anonymousAllowed(r, "msg-submit", "msg.submit_throttled"); err != nil {
		return err
	}
	m, code, err := s.msgSubmitInput(r, message.Input{UnitCode: in.Unit, Category: in.Category, Title: in.Title, Content: in.Content,
		Name: in.Name, Phone: in.Phone, Email: in.Email, Public: in.Public})
	if err != nil {
		return err
	}
	due, err := m.Due(s.cfg.Calendar())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, map[string]any{"tracking_no": m.TrackingNo, "query_code": code, "due": due.String()})
	return nil
}

// apiMsgStatus gives the writer their message; the query code comes in the
// X-Query-Code header, never in the URL.
func (s *Server) apiMsgStatus(w http.ResponseWriter, r *http.Request) error {
	m, err := s.msgLookup(r, r.PathValue("no"), r.Header.Get("X-Query-Code"))
	if err != nil {
		return err
	}
	due, err := m.Due(s.cfg.Calendar())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"tracking_no": m.TrackingNo, "unit": m.Unit.Code, "status": m.Status, "due": due.String(), "answer": m.Answer})
	return nil
}

// archivedJSON is a message of the public archive as the API gives it.
type archivedJSON struct {
	TrackingNo string `json:"tracking_no"`
	Unit       string `json:"unit"`
	Category   string `json:"category"`
	Title      string `json:"title"`
	Asked      string `json:"asked"`
	Answered   string `json:"answered"`
	Answer     string `json:"answer"`
}

// apiMsgArchive is the public archive: ?unit=CODE&q=TEXT&category=C&page=N.
func (s *Server) apiMsgArchive(w http.ResponseWriter, r *http.Request) error {
	list, total, _, err := s.msgArchiveList(r)
	if err != nil {
		return err
	}
	out := make([]archivedJSON, 0, len(list))
	for _, m := range list {
		out = append(out, archivedJSON{TrackingNo: m.TrackingNo, Unit: m.Unit.Code, Category: m.Category, Title: m.Title, Asked: m.Asked, Answered: m.Answered, Answer: m.Answer})
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "messages": out})
	return nil
}
