package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/message"
	"gongkai/internal/tracking"
)

// The writer's access to a message: a cookie holding its tracking number
// and query code, read only under /hudong/cx/.
const msgCookie = "ly"

// msgPerPage is the length of a page of the public archive.
const msgPerPage = 20

// msgInput reads the message form.
func msgInput(f url.Values) message.Input {
	return message.Input{UnitCode: f.Get("unit"), Category: f.Get("category"), Title: f.Get("title"), Content: f.Get("content"),
		Name: f.Get("name"), Phone: f.Get("phone"), Email: f.Get("email"), Public: f.Get("public") == "yes"}
}

// msgArchive is the public archive of answered messages at /hudong/ly/:
// ?q=TEXT&unit=CODE&category=C&page=N.
func (s *Server) msgArchive(w http.ResponseWriter, r *http.Request) error {
	list, total, pageNo, err := s.msgArchiveList(r)
	if err != nil {
		return err
	}
	groups, err := s.foiUnitGroups(r.Context(), nil)
	if err != nil {
		return err
	}
	p := s.newPage(r, "msg.archive_title")
	p.Section = "hudong"
	q := r.URL.Query()
	p.Form = url.Values{"q": {q.Get("q")}, "unit": {q.Get("unit")}, "category": {q.Get("category")}}
	p.Data = map[string]any{"List": list, "Total": total, "Groups": groups, "Categories": message.Categories,
		"Pages": pager(r, pageNo, total, msgPerPage)}
	s.render(w, r, http.StatusOK, "msg_archive", p)
	return nil
}

// msgArchiveList reads the archive's filter from the query, as the page
// and the API take it. An unknown unit or category is refused, naming it.
func (s *Server) msgArchiveList(r *http.Request) ([]message.Archived, int, int, error) {
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	f := message.ArchiveFilter{Q: q.Get("q"), Category: q.Get("category"), Limit: msgPerPage, Offset: (pageNo - 1) * msgPerPage}
	if len([]rune(f.Q)) > 100 {
		return nil, 0, 0, errs.InvalidField("q", "msg.too_long", errs.Msg("msg.search_label"), 100)
	}
	if f.Category != "" && !message.ValidCategory(f.Category) {
		return nil, 0, 0, errs.InvalidField("category", "msg.category_invalid")
	}
	if code := strings.TrimSpace(q.Get("unit")); code != "" {
		var err error
		if f.Unit, err = s.unitByCode(r.Context(), code); err != nil {
			return nil, 0, 0, errs.InvalidField("unit", "msg.unit_unknown", code)
		}
	}
	list, total, err := message.Archive(r.Context(), s.db, s.cfg.Calendar(), f)
	return list, total, pageNo, err
}

// msgPublic is a message of the archive with its answer.
func (s *Server) msgPublic(w http.ResponseWriter, r *http.Request) error {
	m, err := message.Published(r.Context(), s.db, s.cfg.Calendar(), r.PathValue("no"))
	if err != nil {
		return err
	}
	p := s.newPage(r, "msg.archive_title")
	p.Section = "hudong"
	p.Title = m.Title
	p.Data = map[string]any{"M": m}
	s.render(w, r, http.StatusOK, "msg_public", p)
	return nil
}

// msgWriteForm shows the form to write to a unit; ?unit= preselects it.
func (s *Server) msgWriteForm(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r, "msg.write_title")
	p.Section = "hudong"
	p.Form = url.Values{"unit": {r.URL.Query().Get("unit")}, "category": {message.Consult}}
	return s.msgWriteRender(w, r, p, http.StatusOK)
}

func (s *Server) msgWriteRender(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	groups, err := s.foiUnitGroups(r.Context(), nil)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Groups": groups, "Categories": message.Categories}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "msg_write", p)
	return nil
}

// msgSubmit takes a message from the portal and shows its tracking number
// and query code once. A refused one shows the form again as typed.
func (s *Server) msgSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	p := s.newPage(r, "msg.write_title")
	p.Section = "hudong"
	p.Form = r.PostForm
	if err := s.anonymousAllowed(r, "msg-submit", "msg.submit_throttled"); err != nil {
		if errs.KindOf(err) != errs.TooMany {
			return err
		}
		p.Error = i18n.Error(p.Lang, err)
		return s.msgWriteRender(w, r, p, http.StatusTooManyRequests)
	}
	m, code, err := s.msgSubmitInput(r, msgInput(r.PostForm))
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p.Error = p.T("form.has_errors")
		p.Errors = fieldErrors(p.Lang, err)
		return s.msgWriteRender(w, r, p, http.StatusBadRequest)
	}
	s.setTrackCookie(w, r, msgCookie, "/hudong/cx/", m.TrackingNo, code)
	p = s.newPage(r, "msg.written_title")
	p.Section = "hudong"
	due, _ := m.Due(s.cfg.Calendar())
	p.Data = map[string]any{"M": m, "Code": code, "Due": due.String()}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "msg_written", p)
	return nil
}

func (s *Server) msgSubmitInput(r *http.Request, in message.Input) (message.Message, string, error) {
	var m message.Message
	var code string
	err := s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		m, code, err = message.Submit(r.Context(), tx, in)
		return err
	})
	return m, code, err
}

// msgLookup finds a message by tracking number and query code within the
// look-up limits of applications.
func (s *Server) msgLookup(r *http.Request, no, code string) (message.Message, error) {
	no = tracking.Normalize(no)
	if !message.WellFormedNo(no) {
		return message.Message{}, errs.New(errs.NotFound, "msg.query_failed")
	}
	var m message.Message
	err := s.limitedLookup(r, "msg-lookup", no, func() error {
		var err error
		m, err = message.ByTracking(r.Context(), s.db, no, code)
		return err
	})
	return m, err
}

// msgQueryForm shows the form to follow a message.
func (s *Server) msgQueryForm(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r, "msg.query_title")
	p.Section = "hudong"
	p.Form = url.Values{"no": {r.URL.Query().Get("no")}}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "msg_query", p)
	return nil
}

// msgQuery checks a tracking number and query code and opens the
// message's page.
func (s *Server) msgQuery(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	no, code := tracking.Normalize(r.PostForm.Get("no")), tracking.Normalize(r.PostForm.Get("code"))
	m, err := s.msgLookup(r, no, code)
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.NotFound && k != errs.TooMany {
			return err
		}
		p := s.newPage(r, "msg.query_title")
		p.Section = "hudong"
		p.Form = url.Values{"no": {no}}
		p.Error = i18n.Error(p.Lang, err)
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, statusOf(k), "msg_query", p)
		return nil
	}
	s.setTrackCookie(w, r, msgCookie, "/hudong/cx/", m.TrackingNo, code)
	http.Redirect(w, r, "/hudong/cx/"+url.PathEscape(m.TrackingNo)+"/", http.StatusSeeOther)
	return nil
}

// msgOwn returns the message of the URL's tracking number if the visitor's
// cookie holds its query code.
func (s *Server) msgOwn(r *http.Request) (message.Message, bool, error) {
	no, code, ok := trackCookie(r, msgCookie)
	if !ok {
		return message.Message{}, false, nil
	}
	m, err := s.msgLookup(r, no, code)
	if errs.KindOf(err) == errs.NotFound {
		return message.Message{}, false, nil
	}
	return m, err == nil, err
}

// msgStatus is the writer's page of a message: status, due date,
// timeline, answer and the rating form.
func (s *Server) msgStatus(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := s.msgOwn(r)
	if err != nil {
		return err
	}
	if !ok {
		http.Redirect(w, r, "/hudong/cx/?no="+url.QueryEscape(r.PathValue("no")), http.StatusSeeOther)
		return nil
	}
	p := s.newPage(r, "msg.status_title")
	p.Section = "hudong"
	return s.msgStatusRender(w, r, p, m, http.StatusOK)
}

func (s *Server) msgStatusRender(w http.ResponseWriter, r *http.Request, p *page, m message.Message, status int) error {
	var events []message.Event
	for _, e := range m.Events {
		if e.Public() {
			events = append(events, e)
		}
	}
	data := map[string]any{"M": m, "Events": events, "Ratings": message.Ratings}
	if d, err := m.Due(s.cfg.Calendar()); err == nil && message.Open(m.Status) {
		data["Due"] = d.String()
	}
	p.Data = data
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "msg_status", p)
	return nil
}

// msgRate takes the writer's rating of the answer.
func (s *Server) msgRate(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := s.msgOwn(r)
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.NotFound, "msg.not_found")
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		_, err := message.Rate(r.Context(), tx, m, r.PostForm.Get("rating"), r.PostForm.Get("comment"))
		return err
	})
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Conflict {
			return err
		}
		p := s.newPage(r, "msg.status_title")
		p.Section = "hudong"
		p.Form = r.PostForm
		p.Error = i18n.Error(p.Lang, err)
		p.Errors = fieldErrors(p.Lang, err)
		return s.msgStatusRender(w, r, p, m, statusOf(k))
	}
	http.Redirect(w, r, "/hudong/cx/"+url.PathEscape(m.TrackingNo)+"/", http.StatusSeeOther)
	return nil
}
