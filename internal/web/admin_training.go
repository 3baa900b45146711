package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/training"
)

// trainingRoutes registers the console pages of training sessions and
// attendance (plan items 十三, 二十一).
func (s *Server) trainingRoutes(mux router) {
	mux.Handle("GET /admin/training", s.h(s.trainingList))
	mux.Handle("GET /admin/training/new", s.h(s.trainingNewPage))
	mux.Handle("POST /admin/training", s.h(s.trainingCreate))
	mux.Handle("GET /admin/training/attendance.csv", s.h(s.trainingExport(false)))
	mux.Handle("GET /admin/training/attendance.xlsx", s.h(s.trainingExport(true)))
	mux.Handle("GET /admin/training/{id}", s.h(s.trainingPage))
	// As for records, every form of a session posts to it, naming its step
	// with the button (do=…); the materials' upload is a multipart form.
	mux.Handle("POST /admin/training/{id}", s.h(s.trainingPost))
	mux.Handle("GET /admin/training/{id}/files/{seq}", s.h(s.trainingFile))
}

func adminTrainingURL(id int64) string { return "/admin/training/" + strconv.FormatInt(id, 10) }

// trainingYear reads ?year=, the current year when absent; anything but a
// year from training.FirstYear to next year is an Invalid error.
func (s *Server) trainingYear(r *http.Request) (int, error) {
	this := s.today().Year
	v := strings.TrimSpace(r.URL.Query().Get("year"))
	if v == "" {
		return this, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < training.FirstYear || y > this+1 {
		return 0, errs.InvalidField("year", "training.year_invalid", v)
	}
	return y, nil
}

// trainingList lists the sessions of a year that the account's units
// organised or attended, with its own unit's figures.
func (s *Server) trainingList(w http.ResponseWriter, r *http.Request) error {
	a, err := rulesAccount(r)
	if err != nil {
		return err
	}
	year, err := s.trainingYear(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	list, err := training.List(ctx, s.db, a.Unit, year)
	if err != nil {
		return err
	}
	figs, err := training.ForUnit(ctx, s.db, a.Unit, year)
	if err != nil {
		return err
	}
	units, err := s.unitsWhere(ctx, a, training.CanEdit)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.training", "training")
	p.Data = map[string]any{"Sessions": list, "Year": year, "Prev": year - 1, "Next": year + 1, "HasNext": year < s.today().Year,
		"Figures": figs, "CanCreate": len(units) > 0}
	s.render(w, r, http.StatusOK, "training_list", p)
	return nil
}

func (s *Server) trainingNewPage(w http.ResponseWriter, r *http.Request) error {
	a, err := rulesAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "training.new", "training")
	p.Form = url.Values{"organiser": {a.Unit.Code}, "date": {s.today().String()}, "kind": {string(training.General)}}
	return s.trainingNewRender(w, r, a, p, http.StatusOK)
}

func (s *Server) trainingNewRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	units, err := s.unitsWhere(r.Context(), a, training.CanEdit)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Units": units, "Kinds": training.Kinds, "UnitKinds": org.Kinds}
	s.render(w, r, status, "training_new", p)
	return nil
}

func trainingInput(f url.Values) training.Input {
	return training.Input{Date: f.Get("date"), Topic: f.Get("topic"), Kind: f.Get("kind"), Audience: f.Get("audience"), Place: f.Get("place"),
		AudienceKinds: f["audience_kinds"]}
}

// trainingCreate records a new session.
func (s *Server) trainingCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := rulesAccount(r)
	if err != nil {
		return err
	}
	if err := parseFormN(w, r, maxConsoleForm); err != nil {
		return err
	}
	ctx := r.Context()
	var sess training.Session
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.ByCode(ctx, tx, r.PostForm.Get("organiser"))
		if err != nil || !a.InScope(u) {
			return errs.InvalidField("organiser", "unit.not_found", r.PostForm.Get("organiser"))
		}
		sess, err = training.Create(ctx, tx, *a, u, trainingInput(r.PostForm))
		return err
	})
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Forbidden {
			return err
		}
		p := s.adminPage(r, "training.new", "training")
		p.Form, p.Errors, p.Error = r.PostForm, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
		return s.trainingNewRender(w, r, a, p, statusOf(k))
	}
	http.Redirect(w, r, adminTrainingURL(sess.ID)+"?done=created", http.StatusSeeOther)
	return nil
}

// scopedSession loads the session of the path if a may see it; one it may
// not is not found.
func (s *Server) scopedSession(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account) (training.Session, error) {
	return scopedByID(r, "training.not_found", func(id int64) (training.Session, error) { return training.ByID(ctx, q, id) },
		func(x training.Session) bool { return training.CanSee(*a, x) })
}

func (s *Server) trainingPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	sess, err := s.scopedSession(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.training", "training")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("training.done."+m) {
		p.Flash = p.T("training.done." + m)
	}
	return s.trainingRender(w, r, a, p, sess, http.StatusOK)
}

func (s *Server) trainingRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, sess training.Session, status int) error {
	canEdit := training.CanEdit(*a, sess.Organiser)
	data := map[string]any{"S": sess, "Attendance": training.Shown(*a, sess), "CanEdit": canEdit, "Kinds": training.Kinds, "UnitKinds": org.Kinds}
	if canEdit {
		units, err := s.unitsWhere(r.Context(), a, func(a auth.Account, u org.Unit) bool { return sess.Organiser.Contains(u) })
		if err != nil {
			return err
		}
		data["Units"] = units
	}
	if p.Form.Get("form") != "save" {
		// The session's form starts from the session unless it is the one
		// shown again.
		f := url.Values{"date": {sess.Date}, "topic": {sess.Topic}, "kind": {string(sess.Kind)}, "audience": {sess.Audience}, "place": {sess.Place}}
		for _, k := range sess.AudienceKinds {
			f.Add("audience_kinds", string(k))
		}
		for _, k := range []string{"unit", "people", "names"} {
			f[k] = p.Form[k]
		}
		p.Form = f
	}
	p.Title = sess.Topic
	p.Data = data
	s.render(w, r, status, "training_admin", p)
	return nil
}

// trainingPost runs the step a form of the session's page names: an upload
// of a material (the multipart form), or save, attend, unattend, detach.
func (s *Server) trainingPost(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := s.scopedSession(ctx, s.db, r, a); err != nil {
		return err
	}
	var step func(ctx context.Context, tx *db.Tx, cur training.Session) error
	do, f := "attached", url.Values{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, info.MaxAttachment+1<<20)
		data, uerr := readUpload(r, "file", info.MaxAttachment)
		step = func(ctx context.Context, tx *db.Tx, cur training.Session) error {
			if uerr != nil {
				return uerr
			}
			_, name := fileOf(r, "file")
			_, err := training.AddFile(ctx, tx, *a, s.cfg.Files, cur, name, data)
			return err
		}
	} else {
		if err := parseFormN(w, r, maxConsoleForm); err != nil {
			return err
		}
		f, do = r.PostForm, r.PostForm.Get("do")
		step = func(ctx context.Context, tx *db.Tx, cur training.Session) error {
			var err error
			switch do {
			case "save":
				_, err = training.Update(ctx, tx, *a, cur, trainingInput(f))
			case "attend":
				_, err = training.Attend(ctx, tx, *a, cur, training.AttendanceInput{Unit: f.Get("unit"), People: f.Get("people"), Names: f.Get("names")})
			case "unattend":
				_, err = training.Unattend(ctx, tx, *a, cur, f.Get("unit"))
			case "detach":
				seq, _ := strconv.Atoi(f.Get("seq"))
				_, err = training.RemoveFile(ctx, tx, *a, cur, seq)
			default:
				err = errNotFoundPage
			}
			return err
		}
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.scopedSession(ctx, tx, r, a)
		if err != nil {
			return err
		}
		id = cur.ID
		return step(ctx, tx, cur)
	})
	if err == nil {
		http.Redirect(w, r, adminTrainingURL(id)+"?done="+do, http.StatusSeeOther)
		return nil
	}
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Forbidden && (k != errs.NotFound || do != "unattend" && do != "detach") {
		return err
	}
	sess, lerr := s.scopedSession(ctx, s.db, r, a)
	if lerr != nil {
		return lerr
	}
	p := s.adminPage(r, "admin.training", "training")
	p.Form, p.Errors, p.Error = f, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.trainingRender(w, r, a, p, sess, statusOf(k))
}

// trainingFile downloads a material of a session the account may see.
func (s *Server) trainingFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	sess, err := s.scopedSession(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	at, err := sess.File(fileSeq(r))
	if err != nil {
		return err
	}
	return s.serveStored(w, r, at.SHA256, at.Name, at.MIME, false)
}
