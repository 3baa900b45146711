package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// maxQuery bounds a search query, in characters.
const maxQuery = 100

// searchQuery reads the search parameters of a request.
func (s *Server) searchQuery(r *http.Request) (info.Query, error) {
	v := r.URL.Query()
	q := info.Query{Q: strings.TrimSpace(v.Get("q")), From: v.Get("from"), To: v.Get("to"), Validity: v.Get("validity"), Genre: v.Get("genre")}
	if utf8.RuneCountInString(q.Q) > maxQuery {
		return q, errs.InvalidField("q", "search.too_long", maxQuery)
	}
	// Dates are refused, not ignored: a filter that silently does nothing
	// gives wrong answers that look right.
	var dates [2]calendar.Date
	for i, name := range []string{"from", "to"} {
		if s := v.Get(name); s != "" {
			d, err := calendar.ParseDate(s)
			if err != nil {
				return q, errs.InvalidField(name, "calendar.bad_date", s)
			}
			dates[i] = d
		}
	}
	if q.From != "" && q.To != "" && dates[1].Before(dates[0]) {
		return q, errs.InvalidField("to", "calendar.to_before_from")
	}
	q.Page, _ = strconv.Atoi(v.Get("page"))
	if q.Page < 1 || q.Page > 500 {
		q.Page = 1
	}
	if code := v.Get("unit"); code != "" {
		u, err := s.unitByCode(r.Context(), code)
		if err != nil {
			return q, errs.InvalidField("unit", "unit.not_found", code)
		}
		q.Unit = &u
	}
	if code := v.Get("domain"); code != "" {
		d, err := catalog.DomainByCode(r.Context(), s.db, code)
		if err != nil {
			return q, errs.InvalidField("domain", "domain.not_found", code)
		}
		q.Domain = d.ID
	}
	return q, nil
}

// searchChoices returns what the search form offers: the units grouped
// as the application form groups them, and every domain.
func (s *Server) searchChoices(r *http.Request) ([]unitGroup, []catalog.Domain, error) {
	groups, err := s.foiUnitGroups(r.Context(), nil)
	if err != nil {
		return nil, nil, err
	}
	ds, err := catalog.Domains(r.Context(), s.db, nil)
	if err != nil {
		return nil, nil, err
	}
	return groups, ds, nil
}

// searchHit is a hit as the page shows it.
type searchHit struct {
	Record  info.Record
	Unit    org.Unit
	URL     string
	Snippet template.HTML
}

func (s *Server) runSearch(r *http.Request, q info.Query) (int, []searchHit, error) {
	total, hits, err := info.Search(r.Context(), s.db, s.db.Dialect, q)
	if err != nil {
		return 0, nil, err
	}
	dir, err := s.units(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := make([]searchHit, len(hits))
	for i, h := range hits {
		u, err := dir.ByID(h.Record.Unit.ID)
		if err != nil {
			return 0, nil, err
		}
		// The snippet is escaped text with <mark> added by info.Snippet.
		out[i] = searchHit{Record: h.Record, Unit: u, URL: infoURL(h.Record.ID), Snippet: template.HTML(h.Snippet)}
	}
	return total, out, nil
}

// choice is an option of a select: the value sent, the words shown, and
// whether they are shown as typed.
type choice struct {
	Value, Label string
	User         bool
}

// genreChoices are the genres the search form offers, in lang's words with
// their Chinese values; a genre asked for that is not one of them is
// offered too, as typed, so that the form shows what was searched.
func genreChoices(lang i18n.Lang, asked string) []choice {
	var out []choice
	known := false
	for _, k := range info.Genres {
		zh := i18n.T(i18n.Zh, k)
		out = append(out, choice{Value: zh, Label: i18n.T(lang, k)})
		known = known || zh == asked
	}
	if asked != "" && !known {
		out = append(out, choice{Value: asked, Label: asked, User: true})
	}
	return out
}

func infoURL(id int64) string { return "/zwgk/info/" + strconv.FormatInt(id, 10) + "/" }

// search is the portal's search page: information, then units by name.
func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r, "search.title")
	p.Section = "search"
	q, err := s.searchQuery(r)
	status := http.StatusOK
	data := map[string]any{"Q": q.Q, "Page": q.Page}
	groups, domains, cerr := s.searchChoices(r)
	if cerr != nil {
		return cerr
	}
	data["UnitGroups"], data["Domains"], data["Genres"] = groups, domains, genreChoices(p.Lang, q.Genre)
	if err != nil {
		p.Error = p.T("search.too_long", maxQuery)
		if e := errs.As(err); e != nil && e.Field != "q" {
			p.Error = i18n.Error(p.Lang, err)
		}
		status = http.StatusBadRequest
	} else if q.Q != "" {
		total, hits, err := s.runSearch(r, q)
		if err != nil {
			return err
		}
		dir, err := s.units(r.Context())
		if err != nil {
			return err
		}
		units := dir.Search(q.Q, 20)
		data["Total"], data["Hits"], data["Units"] = total, hits, units
		data["Pages"] = pager(r, q.Page, total, info.PageSize)
	}
	p.Data = data
	s.render(w, r, status, "search", p)
	return nil
}

// apiSearch is GET /api/v1/search.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	q, err := s.searchQuery(r)
	if err != nil {
		return err
	}
	type hit struct {
		IndexNo   string `json:"index_no"`
		Title     string `json:"title"`
		DocNumber string `json:"doc_number"`
		Unit      string `json:"unit"`
		Published string `json:"published"`
		URL       string `json:"url"`
		Snippet   string `json:"snippet"`
	}
	out := []hit{}
	total := 0
	if q.Q != "" {
		var hits []searchHit
		if total, hits, err = s.runSearch(r, q); err != nil {
			return err
		}
		for _, h := range hits {
			out = append(out, hit{h.Record.IndexNo, h.Record.Title, h.Record.DocNumber, h.Unit.Code, publishedDate(h.Record), h.URL, string(h.Snippet)})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "page": q.Page, "hits": out})
	return nil
}

func publishedDate(r info.Record) string { return chinaTime(r.PublishedAt, layoutDate) }

// publicRecord returns the published record named in the path; anything
// else — a draft, a withdrawn record, a bad number — is not found.
func (s *Server) publicRecord(r *http.Request) (info.Record, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return info.Record{}, errNotFoundPage
	}
	rec, err := info.ByID(r.Context(), s.db, id)
	if err != nil || !rec.Public() {
		return info.Record{}, errNotFoundPage
	}
	return rec, nil
}

// infoPage shows a published record with its metadata table.
func (s *Server) infoPage(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.publicRecord(r)
	if err != nil {
		return err
	}
	var successor *info.Record
	if rec.ReplacedBy != "" {
		if n, err := info.ByIndexNo(r.Context(), s.db, rec.ReplacedBy); err == nil && n.Public() {
			successor = &n
		}
	}
	ancestors, err := s.ancestors(r.Context(), rec.Unit)
	if err != nil {
		return err
	}
	// The consultations the record is the final policy of: their pages
	// change this one's.
	consulted, changed, err := s.consultationsOfPolicy(r.Context(), rec)
	if err != nil {
		return err
	}
	// Its interpretations, or the policy it interprets: they change it too.
	interps, of, err := s.interpretationsOnPage(r.Context(), rec)
	if err != nil {
		return err
	}
	for _, it := range interps {
		if it.Record.UpdatedAt.After(changed) {
			changed = it.Record.UpdatedAt
		}
	}
	var policy *info.Record
	if of != nil {
		if pol, err := info.ByID(r.Context(), s.db, of.Policy.ID); err == nil && pol.Public() {
			policy = &pol
			if pol.UpdatedAt.After(changed) {
				changed = pol.UpdatedAt
			}
		}
	}
	if notModified(w, r, changed) {
		return nil
	}
	p := s.newPage(r, "col.bzh")
	p.Section = "bzh"
	p.Title = rec.Title
	p.Data = map[string]any{"Record": rec, "Successor": successor, "Ancestors": ancestors, "Meta": recordMeta(p.Lang, rec), "Consulted": consulted,
		"Interpretations": interps, "InterpretationOf": of, "Policy": policy,
		"Body": template.HTML(info.SanitizeBody(rec.Body))} // again, for bodies stored before the sanitizer balanced tags
	s.render(w, r, http.StatusOK, "info", p)
	return nil
}

// attachment downloads a published record's attachment under its name.
func (s *Server) attachment(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.publicRecord(r)
	if err != nil {
		return err
	}
	seq, _ := strconv.Atoi(r.PathValue("seq"))
	for _, at := range rec.Attachments {
		if at.Seq == seq {
			return s.serveAttachment(w, r, at)
		}
	}
	return errNotFoundPage
}

// infoList is a paged list of published records: a column across units
// (/zwgk/{column}/), a unit's column (/zwgk/bzh/{code}/{column}/) or all of
// a unit's information (/zwgk/bzh/{code}/info/).
func (s *Server) infoList(w http.ResponseWriter, r *http.Request, p *page, u *org.Unit, column string) error {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 || page > 500 {
		page = 1
	}
	f := info.Filter{Column: column, Limit: info.PageSize, Offset: (page - 1) * info.PageSize}
	if u != nil {
		f.UnitID = u.ID
	}
	total, err := info.CountPublished(r.Context(), s.db, f, info.MaxHits)
	if err != nil {
		return err
	}
	recs, err := info.PublishedRecords(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	data := map[string]any{"Records": recs, "Total": total, "Pages": pager(r, page, total, info.PageSize), "Column": column}
	if u != nil {
		ancestors, err := s.ancestors(r.Context(), *u)
		if err != nil {
			return err
		}
		data["Unit"], data["Ancestors"] = *u, ancestors
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "info_public_list", p)
	return nil
}

// unitColumn is a unit's sub-column or its whole information list.
func (s *Server) unitColumn(column string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.unitByCode(r.Context(), r.PathValue("code"))
		if err != nil {
			return err
		}
		key := "col." + column
		if column == "" {
			key = "info.all"
		}
		p := s.newPage(r, key)
		p.Section = "bzh"
		p.Title = u.Name + " · " + p.T(key)
		return s.infoList(w, r, p, &u, column)
	}
}

// metaPair is a label and a value of a record's metadata table; User
// marks a value shown as typed.
type metaPair struct {
	Label, Value string
	User         bool
}

// recordMeta returns the metadata the public record page shows, two pairs
// a row; an element the record does not have (no 发文字号, no topic) is left
// out rather than shown empty.
func recordMeta(lang i18n.Lang, rec info.Record) [][]metaPair {
	issuer := rec.Issuer
	if issuer == "" {
		issuer = rec.Unit.Name
	}
	topic, topicSaid := info.TopicWords(lang, rec.Topic)
	genre, genreSaid := info.GenreWords(lang, rec.Genre)
	var pairs []metaPair
	for _, p := range []metaPair{
		{"info.index_no", rec.IndexNo, true}, {"info.topic", topic, !topicSaid},
		{"info.issuer", issuer, true}, {"info.written_date", rec.WrittenDate, false},
		{"info.doc_number", rec.DocNumber, true}, {"info.published", publishedDate(rec), false},
		{"info.genre", genre, !genreSaid}, {"info.validity", i18n.T(lang, "info.validity."+rec.Validity), false},
	} {
		if strings.TrimSpace(p.Value) != "" {
			pairs = append(pairs, metaPair{i18n.T(lang, p.Label), p.Value, p.User})
		}
	}
	var rows [][]metaPair
	for i := 0; i < len(pairs); i += 2 {
		rows = append(rows, pairs[i:min(i+2, len(pairs))])
	}
	return rows
}
