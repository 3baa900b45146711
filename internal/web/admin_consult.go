package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/participation"
)

// consultRoutes registers the consultations of the portal, the console and
// the API.
func (s *Server) consultRoutes(mux router) {
	mux.Handle("GET /hudong/{$}", s.h(s.hudong))
	mux.Handle("GET /hudong/yjzj/{$}", s.h(s.consultList))
	mux.Handle("GET /hudong/yjzj/{id}/{$}", s.h(s.consultPage))
	mux.Handle("POST /hudong/yjzj/{id}/{$}", s.h(s.consultComment))
	mux.Handle("GET /hudong/yjzj/{id}/files/{seq}", s.h(s.consultFile))

	mux.Handle("GET /admin/consultations", s.h(s.consultAdminList))
	mux.Handle("POST /admin/consultations", s.h(s.consultCreate))
	mux.Handle("GET /admin/consultations/new", s.h(s.consultNewPage))
	mux.Handle("POST /admin/consultations/settings", s.h(s.consultSettings))
	mux.Handle("GET /admin/consultations/{id}", s.h(s.consultAdminPage))
	// As for records, every form of a consultation posts to it, naming its
	// step with the button (do=…).
	mux.Handle("POST /admin/consultations/{id}", s.h(s.consultPost))
	mux.Handle("GET /admin/consultations/{id}/files/{seq}", s.h(s.consultAdminFile))

	mux.Handle("GET /api/v1/consultations", s.h(s.apiConsultations))
	mux.Handle("POST /api/v1/consultations/{id}/comments", s.h(s.apiConsultComment))
}

func adminConsultURL(id int64) string { return "/admin/consultations/" + strconv.FormatInt(id, 10) }

// consultAccount returns the signed-in account if it works on units'
// consultations: as for records, everyone but a domain supervisor.
func consultAccount(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !keepsUnitRecords(a) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	return a, nil
}

// unitsWhere returns the units of a's subtree that may pass.
func (s *Server) unitsWhere(ctx context.Context, a *auth.Account, may func(auth.Account, org.Unit) bool) ([]org.Unit, error) {
	all, err := org.Subtree(ctx, s.db, a.Unit)
	var out []org.Unit
	for _, u := range all {
		if may(*a, u) {
			out = append(out, u)
		}
	}
	return out, err
}

// consultAdminList lists the consultations in the account's scope, with
// the form to set a unit's shortest period.
func (s *Server) consultAdminList(w http.ResponseWriter, r *http.Request) error {
	a, err := consultAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.consultations", "consultations")
	if r.URL.Query().Get("done") == "min_days" {
		p.Flash = p.T("consult.done.min_days")
	}
	return s.consultAdminListRender(w, r, a, p, http.StatusOK)
}

func (s *Server) consultAdminListRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	ctx := r.Context()
	st := participation.Status(r.URL.Query().Get("status"))
	if st != participation.Draft && st != participation.Published {
		st = ""
	}
	pageNo, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pageNo = max(pageNo, 1)
	cs, total, err := participation.List(ctx, s.db, participation.Filter{Scope: &a.Unit, Status: st, Today: s.today(),
		Limit: consultsPerPage, Offset: (pageNo - 1) * consultsPerPage})
	if err != nil {
		return err
	}
	units, err := s.unitsWhere(ctx, a, participation.CanApprove)
	if err != nil {
		return err
	}
	min, err := participation.MinDays(ctx, s.db, a.Unit)
	if err != nil {
		return err
	}
	if p.Form.Get("unit") == "" {
		p.Form.Set("unit", a.Unit.Code)
		p.Form.Set("min_days", strconv.Itoa(min))
	}
	p.Data = map[string]any{"Rows": s.consultRows(cs), "Status": string(st), "Units": units, "MinDays": min,
		"Total": total, "Pages": pager(r, pageNo, total, consultsPerPage),
		"Statuses": []participation.Status{participation.Draft, participation.Published}}
	s.render(w, r, status, "consult_admin_list", p)
	return nil
}

// consultSettings sets a unit's shortest period.
func (s *Server) consultSettings(w http.ResponseWriter, r *http.Request) error {
	a, err := consultAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.ByCode(ctx, tx, r.PostForm.Get("unit"))
		if err != nil || !a.InScope(u) {
			return errs.InvalidField("unit", "unit.not_found", r.PostForm.Get("unit"))
		}
		days, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("min_days")))
		if err != nil {
			days = -1
		}
		return participation.SetMinDays(ctx, tx, *a, u, days)
	})
	if err != nil {
		p, status, err := s.formAgain(r, err, "admin.consultations")
		if err != nil {
			return err
		}
		return s.consultAdminListRender(w, r, a, p, status)
	}
	http.Redirect(w, r, "/admin/consultations?done=min_days", http.StatusSeeOther)
	return nil
}

// formAgain makes the console page of the consultations that shows a form
// again after err, with what was typed and the errors, and its status; an
// error that is not the user's comes back as it is.
func (s *Server) formAgain(r *http.Request, err error, titleKey string) (*page, int, error) {
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Forbidden {
		return nil, 0, err
	}
	p := s.adminPage(r, titleKey, "consultations")
	p.Form, p.Errors, p.Error = r.PostForm, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return p, statusOf(k), nil
}

// consultInput reads the consultation form.
func consultInput(f url.Values) participation.Input {
	return participation.Input{Title: f.Get("title"), Body: f.Get("body"), Explanation: f.Get("explanation"), HowTo: f.Get("how_to"),
		Parties: f.Get("parties"), Start: f.Get("start"), End: f.Get("end"), ShortReason: f.Get("short_reason")}
}

// consultForm fills the consultation form from c.
func consultForm(c participation.Consultation) url.Values {
	return url.Values{"title": {c.Title}, "body": {c.Body}, "explanation": {c.Explanation}, "how_to": {c.HowTo}, "parties": {c.Parties},
		"start": {c.Start}, "end": {c.End}, "short_reason": {c.ShortReason}}
}

func (s *Server) consultNewPage(w http.ResponseWriter, r *http.Request) error {
	a, err := consultAccount(r)
	if err != nil {
		return err
	}
	min, err := participation.MinDays(r.Context(), s.db, a.Unit)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "consult.new", "consultations")
	start, end := participation.DefaultPeriod(s.today(), min)
	p.Form = url.Values{"unit": {cmp.Or(r.URL.Query().Get("unit"), a.Unit.Code)}, "start": {start}, "end": {end}}
	return s.consultNewRender(w, r, a, p, http.StatusOK)
}

func (s *Server) consultNewRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	units, err := s.unitsWhere(r.Context(), a, participation.CanEdit)
	if err != nil {
		return err
	}
	min, err := participation.MinDays(r.Context(), s.db, a.Unit)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Units": units, "MinDays": min}
	s.render(w, r, status, "consult_new", p)
	return nil
}

// consultCreate writes a new draft.
func (s *Server) consultCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := consultAccount(r)
	if err != nil {
		return err
	}
	if err := parseFormN(w, r, maxConsoleForm); err != nil {
		return err
	}
	ctx := r.Context()
	var c participation.Consultation
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.ByCode(ctx, tx, r.PostForm.Get("unit"))
		if err != nil || !a.InScope(u) {
			return errs.InvalidField("unit", "unit.not_found", r.PostForm.Get("unit"))
		}
		c, err = participation.Create(ctx, tx, *a, u, consultInput(r.PostForm))
		return err
	})
	if err != nil {
		p, status, err := s.formAgain(r, err, "consult.new")
		if err != nil {
			return err
		}
		return s.consultNewRender(w, r, a, p, status)
	}
	http.Redirect(w, r, adminConsultURL(c.ID)+"?done=created", http.StatusSeeOther)
	return nil
}

// scopedConsultation loads the consultation of the path if a may see it;
// one outside a's scope is not found, as for records.
func (s *Server) scopedConsultation(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account) (participation.Consultation, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	notFound := errs.New(errs.NotFound, "consult.not_found", r.PathValue("id"))
	if err != nil {
		return participation.Consultation{}, notFound
	}
	c, err := participation.ByID(ctx, q, id)
	if errs.KindOf(err) == errs.NotFound || (err == nil && (!a.InScope(c.Unit) || !keepsUnitRecords(a))) {
		return participation.Consultation{}, notFound
	}
	return c, err
}

// consultAdminFile downloads a file of a consultation in scope, drafts'
// included; nothing keeps it.
func (s *Server) consultAdminFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	c, err := s.scopedConsultation(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	at, err := c.File(fileSeq(r))
	if err != nil {
		return err
	}
	return s.serveStored(w, r, at.SHA256, at.Name, at.MIME, false)
}

// consultAdminData is what the console page of a consultation shows.
type consultAdminData struct {
	consultView
	All                 []participation.Comment // hidden ones included
	Findings            []info.Finding
	MinDays, DaysLeft   int
	Short               bool // the period left is shorter than the minimum
	CanEdit, CanApprove bool
	Decisions           []string
}

func (s *Server) consultAdminPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	c, err := s.scopedConsultation(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.consultations", "consultations")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("consult.done."+m) {
		p.Flash = p.T("consult.done." + m)
	}
	return s.consultAdminRender(w, r, a, p, c, http.StatusOK)
}

func (s *Server) consultAdminRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, c participation.Consultation, status int) error {
	ctx := r.Context()
	v, err := s.consultViewOf(ctx, c)
	if err != nil {
		return err
	}
	all, err := participation.CommentsOf(ctx, s.db, c.ID)
	if err != nil {
		return err
	}
	min, err := participation.MinDays(ctx, s.db, c.Unit)
	if err != nil {
		return err
	}
	form := consultForm(c)
	for k, vs := range p.Form {
		form[k] = vs
	}
	for _, m := range all {
		id := strconv.FormatInt(m.ID, 10)
		if form.Get("decision_"+id) == "" && form.Get("reason_"+id) == "" {
			form.Set("decision_"+id, m.Decision)
			form.Set("reason_"+id, m.DecisionReason)
		}
	}
	p.Form = form
	left := c.DaysFrom(s.today())
	p.Title = c.Title
	p.Data = consultAdminData{consultView: v, All: all, Findings: c.Findings(), MinDays: min, DaysLeft: left,
		Short: c.Status == participation.Draft && left < min, CanEdit: participation.CanEdit(*a, c.Unit),
		CanApprove: participation.CanApprove(*a, c.Unit), Decisions: participation.Decisions}
	s.render(w, r, status, "consult_admin", p)
	return nil
}

// consultStep is one change to a consultation, run in a transaction on the
// consultation of the path once the account may see it.
type consultStep func(ctx context.Context, tx *db.Tx, a *auth.Account, cur participation.Consultation) error

// onConsultation runs step and redirects to the consultation's page with
// ?done=done, or shows the page again with the error and what was typed.
func (s *Server) onConsultation(w http.ResponseWriter, r *http.Request, a *auth.Account, done string, step consultStep) error {
	ctx := r.Context()
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.scopedConsultation(ctx, tx, r, a)
		if err != nil {
			return err
		}
		id = cur.ID
		return step(ctx, tx, a, cur)
	})
	if err == nil {
		http.Redirect(w, r, adminConsultURL(id)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden {
		return err
	}
	c, lerr := s.scopedConsultation(ctx, s.db, r, a)
	if lerr != nil {
		return lerr
	}
	p := s.adminPage(r, "admin.consultations", "consultations")
	if r.MultipartForm == nil {
		p.Form = r.PostForm
	}
	p.Errors, p.Error = fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.consultAdminRender(w, r, a, p, c, statusOf(k))
}

// consultPost runs the step a form of the consultation's page names: an
// upload (the multipart form) or the step in do.
func (s *Server) consultPost(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, info.MaxAttachment+1<<20)
		data, uerr := readUpload(r, "file", info.MaxAttachment)
		return s.onConsultation(w, r, a, "attached", func(ctx context.Context, tx *db.Tx, a *auth.Account, cur participation.Consultation) error {
			if uerr != nil {
				return uerr
			}
			_, name := fileOf(r, "file")
			_, err := participation.AddFile(ctx, tx, *a, s.cfg.Files, cur, name, data)
			return err
		})
	}
	if err := parseFormN(w, r, maxConsoleForm); err != nil {
		return err
	}
	f := r.PostForm
	do := f.Get("do")
	return s.onConsultation(w, r, a, do, func(ctx context.Context, tx *db.Tx, a *auth.Account, cur participation.Consultation) error {
		var err error
		switch do {
		case "save":
			_, err = participation.Update(ctx, tx, *a, cur, consultInput(f))
		case "publish":
			_, err = participation.Publish(ctx, tx, *a, cur, f.Get("reason"))
		case "detach":
			seq, _ := strconv.Atoi(f.Get("seq"))
			_, err = participation.RemoveFile(ctx, tx, *a, cur, seq)
		case "hide":
			id, _ := strconv.ParseInt(f.Get("comment"), 10, 64)
			_, err = participation.Hide(ctx, tx, *a, cur, id, f.Get("reason_hide_"+f.Get("comment")))
			if e := errs.As(err); e != nil && e.Field == "reason" {
				e.Field = "reason_hide_" + f.Get("comment")
			}
		case "decide":
			err = participation.Decide(ctx, tx, *a, cur, decisionsOf(f))
		case "feedback":
			_, err = participation.SaveFeedback(ctx, tx, *a, cur, f.Get("feedback"))
		case "publish_feedback":
			_, err = participation.PublishFeedback(ctx, tx, *a, cur, f.Get("feedback"))
		case "policy":
			_, err = participation.LinkPolicy(ctx, tx, *a, cur, f.Get("policy"))
		default:
			err = errNotFoundPage
		}
		return err
	})
}

// decisionsOf reads the decisions form: decision_ID and reason_ID for each
// comment.
func decisionsOf(f url.Values) []participation.Decision {
	var out []participation.Decision
	for k := range f {
		rest, ok := strings.CutPrefix(k, "decision_")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			continue
		}
		out = append(out, participation.Decision{Comment: id, Decision: f.Get(k), Reason: f.Get("reason_" + rest)})
	}
	slices.SortFunc(out, func(a, b participation.Decision) int { return cmp.Compare(a.Comment, b.Comment) })
	return out
}
