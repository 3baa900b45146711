package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/opinion"
)

// The handling of public-opinion items the offices chose to publish
// (舆情回应, 穗府办函〔2018〕169号: 公开舆情事项处理情况): a list at
// /hudong/yqhy/, a page for each, and the API.

// opinionPublicPerPage is the length of a page of the portal's list.
const opinionPublicPerPage = 20

// opinionPublicItems reads ?unit=CODE&page=N, as the page and the API take
// them, and returns that page of published items, the total and the page
// number. An unknown unit or a page that is not a number from 1 is
// refused naming it.
func (s *Server) opinionPublicItems(r *http.Request) ([]opinion.Public, int, int, error) {
	q := r.URL.Query()
	pageNo := 1
	if v := strings.TrimSpace(q.Get("page")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return nil, 0, 0, errs.InvalidField("page", "opinion.page_invalid", v)
		}
		pageNo = n
	}
	f := opinion.PublicFilter{Limit: opinionPublicPerPage, Offset: (pageNo - 1) * opinionPublicPerPage}
	if code := strings.TrimSpace(q.Get("unit")); code != "" {
		u, err := s.unitByCode(r.Context(), code)
		if err != nil {
			return nil, 0, 0, errs.InvalidField("unit", "opinion.unit_unknown", code)
		}
		f.Unit = &u
	}
	list, total, err := opinion.PublishedList(r.Context(), s.db, f)
	return list, total, pageNo, err
}

// opinionPublicList lists the published handling of items.
func (s *Server) opinionPublicList(w http.ResponseWriter, r *http.Request) error {
	list, total, pageNo, err := s.opinionPublicItems(r)
	if err != nil {
		return err
	}
	groups, err := s.foiUnitGroups(r.Context(), nil)
	if err != nil {
		return err
	}
	p := s.newPage(r, "opinion.public_title")
	p.Section = "hudong"
	p.Form = url.Values{"unit": {r.URL.Query().Get("unit")}}
	p.Data = map[string]any{"List": list, "Total": total, "Groups": groups, "Pages": pager(r, pageNo, total, opinionPublicPerPage)}
	s.render(w, r, http.StatusOK, "opinion_list", p)
	return nil
}

// opinionPublicPage is the published handling of one item.
func (s *Server) opinionPublicPage(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	it, err := opinion.PublishedByID(r.Context(), s.db, id)
	if errs.KindOf(err) == errs.NotFound {
		return errNotFoundPage
	}
	if err != nil {
		return err
	}
	p := s.newPage(r, "opinion.public_title")
	p.Section, p.Title = "hudong", it.Title
	data := map[string]any{"It": it}
	if it.PolicyID != 0 {
		if rec, err := info.ByID(r.Context(), s.db, it.PolicyID); err == nil && rec.Public() {
			data["Policy"] = rec
		}
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "opinion_public", p)
	return nil
}

// opinionPublicURL is the portal page of a published item.
func opinionPublicURL(id int64) string { return "/hudong/yqhy/" + strconv.FormatInt(id, 10) + "/" }

// opinionJSON is a published item as the API gives it.
type opinionJSON struct {
	ID     int64   `json:"id"`
	Title  string  `json:"title"`
	Level  string  `json:"level"`
	Found  string  `json:"found"`
	Closed *string `json:"closed"`
	// ResponseURL is the portal page of the handling, with every unit's
	// response and where it was published.
	ResponseURL string `json:"response_url"`
}

// apiOpinion lists the published items: ?unit=CODE&page=N.
func (s *Server) apiOpinion(w http.ResponseWriter, r *http.Request) error {
	list, total, _, err := s.opinionPublicItems(r)
	if err != nil {
		return err
	}
	base := s.baseURL(r)
	out := make([]opinionJSON, 0, len(list))
	for _, it := range list {
		j := opinionJSON{ID: it.ID, Title: it.Title, Level: it.Level, Found: it.Found, ResponseURL: base + opinionPublicURL(it.ID)}
		if it.Closed != "" {
			closed := it.Closed
			j.Closed = &closed
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "items": out})
	return nil
}
