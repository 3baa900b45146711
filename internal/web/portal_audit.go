package web

import (
	"context"
	"errors"
	"net/http"

	"gongkai/internal/audit"
)

// headsShown is how many published heads the portal page lists.
const headsShown = 60

// auditHeads returns the current head of the audit chain (nil while the log
// is empty) and up to n published heads, newest first.
func (s *Server) auditHeads(ctx context.Context, n int) (*audit.Head, []audit.Head, error) {
	heads, err := audit.LatestHeads(ctx, s.db, n)
	if err != nil {
		return nil, nil, err
	}
	cur, err := audit.CurrentHead(ctx, s.db)
	if errors.Is(err, audit.ErrEmpty) {
		return nil, heads, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return &cur, heads, nil
}

// auditHeadsPage is the public page of published audit heads (审计链头公布):
// anyone may copy them, so that the log cannot be cut short or rewritten
// before them unseen. It shows heads and nothing of the events.
func (s *Server) auditHeadsPage(w http.ResponseWriter, r *http.Request) error {
	cur, heads, err := s.auditHeads(r.Context(), headsShown)
	if err != nil {
		return err
	}
	p := s.newPage(r, "audit.heads.title")
	p.Data = map[string]any{"Current": cur, "Heads": heads, "Shown": headsShown}
	s.render(w, r, http.StatusOK, "audit_heads", p)
	return nil
}

// apiAuditHead serves the newest published head and the current head, each
// null when there is none. The shape is documented in the README.
func (s *Server) apiAuditHead(w http.ResponseWriter, r *http.Request) error {
	cur, heads, err := s.auditHeads(r.Context(), 1)
	if err != nil {
		return err
	}
	out := struct {
		Published *headJSON `json:"published"`
		Current   *headJSON `json:"current"`
	}{Current: toHeadJSON(cur)}
	if len(heads) > 0 {
		out.Published = toHeadJSON(&heads[0])
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// headJSON is a head as the API gives it, its moments as stamps.
type headJSON struct {
	EventID     int64  `json:"event_id"`
	Hash        string `json:"hash"`
	EventAt     stamp  `json:"event_at"`
	PublishedAt stamp  `json:"published_at,omitzero"`
}

func toHeadJSON(h *audit.Head) *headJSON {
	if h == nil {
		return nil
	}
	return &headJSON{EventID: h.EventID, Hash: h.Hash, EventAt: stamp(h.EventAt), PublishedAt: stamp(h.PublishedAt)}
}
