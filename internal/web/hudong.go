package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/interpret"
	"gongkai/internal/opinion"
	"gongkai/internal/participation"
	"gongkai/internal/throttle"
)

// The 互动交流 column: the unified interaction entry (/hudong/) and
// consultations on drafts (/hudong/yjzj/). Messages, the latest
// interpretations and the latest published responses to public opinion
// are on the entry.

// commentPerIP limits the comments one address sends, as anonymous
// applications are limited.
var commentPerIP = throttle.Rule{Max: 10, Window: time.Hour}

// consultsPerPage is the length of a page of the portal's list.
const consultsPerPage = 20

// consultRow is a consultation in a list, with its phase on the day.
type consultRow struct {
	participation.Consultation
	Phase string
}

func (s *Server) consultRows(cs []participation.Consultation) []consultRow {
	day := s.today()
	out := make([]consultRow, len(cs))
	for i, c := range cs {
		out[i] = consultRow{c, c.Phase(day)}
	}
	return out
}

// consultURL is the public page of a consultation; its feedback report is
// the #feedback part of it.
func consultURL(id int64) string { return "/hudong/yjzj/" + strconv.FormatInt(id, 10) + "/" }

// hudong is the unified interaction entry: the consultations open now, the
// latest closed ones with their feedback, and the parts still to come.
func (s *Server) hudong(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	day := s.today()
	open, _, err := participation.List(ctx, s.db, participation.Filter{Public: true, Phase: participation.Open, Today: day, Limit: 10})
	if err != nil {
		return err
	}
	closed, _, err := participation.List(ctx, s.db, participation.Filter{Public: true, Phase: participation.Closed, Today: day, Limit: 5})
	if err != nil {
		return err
	}
	interps, _, err := interpret.List(ctx, s.db, interpret.Filter{Public: true, Limit: 5})
	if err != nil {
		return err
	}
	responses, _, err := opinion.PublishedList(ctx, s.db, opinion.PublicFilter{Limit: 5})
	if err != nil {
		return err
	}
	p := s.newPage(r, "col.hudong")
	p.Section = "hudong"
	p.Data = map[string]any{"Open": s.consultRows(open), "Closed": s.consultRows(closed), "Interpretations": interps, "Opinion": responses}
	s.render(w, r, http.StatusOK, "hudong", p)
	return nil
}

// consultList lists published consultations: ?status=open|closed|upcoming
// (all when empty) and page=N.
func (s *Server) consultList(w http.ResponseWriter, r *http.Request) error {
	phase, err := consultPhase(r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	pageNo, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pageNo = min(max(pageNo, 1), 500)
	cs, total, err := participation.List(r.Context(), s.db, participation.Filter{Public: true, Phase: phase, Today: s.today(),
		Limit: consultsPerPage, Offset: (pageNo - 1) * consultsPerPage})
	if err != nil {
		return err
	}
	p := s.newPage(r, "consult.title")
	p.Section = "hudong"
	p.Data = map[string]any{"Rows": s.consultRows(cs), "Status": phase, "Total": total, "Pages": pager(r, pageNo, total, consultsPerPage),
		"Phases": []string{participation.Open, participation.Closed, participation.Upcoming}}
	s.render(w, r, http.StatusOK, "consult_list", p)
	return nil
}

// consultPhase reads a status filter: a phase, or "" for all.
func consultPhase(v string) (string, error) {
	switch v {
	case "", participation.Open, participation.Closed, participation.Upcoming:
		return v, nil
	}
	return "", errs.InvalidField("status", "consult.bad_status", v)
}

// publicConsultation loads the published consultation of the path.
func (s *Server) publicConsultation(ctx context.Context, q db.Querier, r *http.Request) (participation.Consultation, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return participation.Consultation{}, errNotFoundPage
	}
	c, err := participation.ByID(ctx, q, id)
	if errs.KindOf(err) == errs.NotFound || (err == nil && c.Status != participation.Published) {
		return participation.Consultation{}, errNotFoundPage
	}
	return c, err
}

// consultView is what the public page of a consultation shows.
type consultView struct {
	C        participation.Consultation
	Phase    string
	Comments []participation.Comment // shown to the public
	Report   participation.Report
	Policy   *info.Record
	Max      int // characters a comment may have
}

func (s *Server) consultViewOf(ctx context.Context, c participation.Consultation) (consultView, error) {
	v := consultView{C: c, Phase: c.Phase(s.today()), Max: participation.MaxComment}
	all, err := participation.CommentsOf(ctx, s.db, c.ID)
	if err != nil {
		return v, err
	}
	v.Report = participation.ReportOf(all)
	v.Comments = v.Report.Shown
	if c.PolicyID != 0 {
		if rec, err := info.ByID(ctx, s.db, c.PolicyID); err == nil && rec.Public() {
			v.Policy = &rec
		}
	}
	return v, nil
}

// consultPage is the public page of a consultation: the draft and its
// explanation, the comments, the form while it is open, and the feedback
// report once published.
func (s *Server) consultPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.publicConsultation(r.Context(), s.db, r)
	if err != nil {
		return err
	}
	p := s.newPage(r, "consult.title")
	if r.URL.Query().Get("done") == "commented" {
		p.Flash = p.T("consult.commented")
	}
	return s.consultRender(w, r, p, c, http.StatusOK)
}

func (s *Server) consultRender(w http.ResponseWriter, r *http.Request, p *page, c participation.Consultation, status int) error {
	v, err := s.consultViewOf(r.Context(), c)
	if err != nil {
		return err
	}
	p.Section, p.Title, p.Data = "hudong", c.Title, v
	if status != http.StatusOK {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, status, "consult", p)
	return nil
}

// commentAllowed counts a comment against the sender's address and
// refuses one past the limit.
func (s *Server) commentAllowed(r *http.Request) error {
	ok, err := throttle.Hit(r.Context(), s.db, "consult-comment:"+s.clientIP(r), commentPerIP)
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.TooMany, "consult.comment_throttled", int(commentPerIP.Window.Minutes()))
	}
	return nil
}

// addComment takes a comment on the consultation of the path, within the
// address's limit, in one transaction.
func (s *Server) addComment(r *http.Request, in participation.CommentInput) (participation.Comment, error) {
	ctx := r.Context()
	if _, err := s.publicConsultation(ctx, s.db, r); err != nil {
		return participation.Comment{}, err
	}
	if err := s.commentAllowed(r); err != nil {
		return participation.Comment{}, err
	}
	var m participation.Comment
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.publicConsultation(ctx, tx, r)
		if err == nil {
			m, err = participation.AddComment(ctx, tx, c, in)
		}
		return err
	})
	return m, err
}

// consultComment takes a comment from the portal's form. A refused one
// shows the page again with what was typed.
func (s *Server) consultComment(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	_, err := s.addComment(r, participation.CommentInput{Content: f.Get("content"), Name: f.Get("name"), Phone: f.Get("phone"), Email: f.Get("email")})
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Conflict && k != errs.TooMany {
			return err
		}
		c, lerr := s.publicConsultation(r.Context(), s.db, r)
		if lerr != nil {
			return lerr
		}
		p := s.newPage(r, "consult.title")
		p.Form, p.Errors, p.Error = f, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
		return s.consultRender(w, r, p, c, statusOf(k))
	}
	http.Redirect(w, r, consultURL(mustID(r))+"?done=commented#comments", http.StatusSeeOther)
	return nil
}

// mustID is the id of the path, which a handler has already loaded.
func mustID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

// consultFile downloads a file of a published consultation.
func (s *Server) consultFile(w http.ResponseWriter, r *http.Request) error {
	c, err := s.publicConsultation(r.Context(), s.db, r)
	if err != nil {
		return err
	}
	at, err := c.File(fileSeq(r))
	if err != nil {
		return err
	}
	return s.serveAttachment(w, r, at)
}

// consultationsOfPolicy returns the published consultations whose final
// policy rec is, for its page, and when the newest of them last changed.
func (s *Server) consultationsOfPolicy(ctx context.Context, rec info.Record) ([]participation.Consultation, time.Time, error) {
	cs, err := participation.ByPolicy(ctx, s.db, rec.ID)
	changed := rec.UpdatedAt
	for _, c := range cs {
		if c.UpdatedAt.After(changed) {
			changed = c.UpdatedAt
		}
	}
	return cs, changed, err
}
