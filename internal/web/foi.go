package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/push"
	"gongkai/internal/throttle"
)

// The applicant's access to an application: a cookie holding the tracking
// number and the query code, set when they apply or look it up, read only
// under /ysqgk/cx/ and never cached.
const foiCookie = "ysq"

// unitGroup is a group of units in a select (the application form's, the
// search page's): a district with the units under it, or the city with its
// departments.
type unitGroup struct {
	Label string
	Units []org.Unit
}

// foiUnitGroups lists the units one may apply to, or, with a scope, the
// units in it, grouped for a select: the city with its departments, then
// each district with the units under it.
func (s *Server) foiUnitGroups(ctx context.Context, scope *org.Unit) ([]unitGroup, error) {
	dir, err := s.units(ctx)
	if err != nil {
		return nil, err
	}
	var groups []unitGroup
	add := func(g unitGroup, us ...org.Unit) unitGroup {
		for _, u := range us {
			if scope == nil || scope.Contains(u) {
				g.Units = append(g.Units, u)
			}
		}
		return g
	}
	for _, root := range dir.Roots() {
		city := add(unitGroup{Label: root.Name}, root)
		var districts []unitGroup
		for _, c := range dir.Children(root.ID) {
			if c.Kind == org.District {
				districts = append(districts, add(unitGroup{Label: c.Name}, dir.Subtree(c)...))
			} else {
				city = add(city, dir.Subtree(c)...)
			}
		}
		for _, g := range append([]unitGroup{city}, districts...) {
			if len(g.Units) > 0 {
				groups = append(groups, g)
			}
		}
	}
	return groups, nil
}

// foiInput reads the application form; progress notices go out in lang.
func foiInput(f url.Values, lang i18n.Lang) foi.Input {
	return foi.Input{
		UnitCode: f.Get("unit"), Description: f.Get("description"), Purpose: f.Get("purpose"),
		Medium: f.Get("medium"), Delivery: f.Get("delivery"), Notify: f.Get("notify"), NotifyLang: string(lang),
		Applicant: foi.Applicant{Type: f.Get("applicant_type"), Name: f.Get("name"), IDType: f.Get("id_type"), IDNumber: f.Get("id_number"),
			LegalRep: f.Get("legal_rep"), Contact: f.Get("contact"), Phone: f.Get("phone"), Email: f.Get("email"), Address: f.Get("address"), Postcode: f.Get("postcode")},
	}
}

// foiFormData is what the application form needs.
func (s *Server) foiFormData(ctx context.Context, p *page, scope *org.Unit) (map[string]any, error) {
	groups, err := s.foiUnitGroups(ctx, scope)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Groups": groups, "ApplicantTypes": foi.ApplicantTypes, "IDTypes": append(append([]string{}, foi.IDTypes...), foi.USCC),
		"Media": foi.Media, "Deliveries": foi.Deliveries, "Channels": foi.StaffChannels, "Notifications": s.notifications()}, nil
}

// notifications are the ways of progress notices the site can send: none,
// and e-mail and SMS when they are on.
func (s *Server) notifications() []string {
	out := []string{""}
	for _, ch := range []string{push.Email, push.SMS} {
		if s.cfg.Push.Enabled(ch) {
			out = append(out, ch)
		}
	}
	return out
}

// checkNotify refuses progress notices by a way the site does not send.
func (s *Server) checkNotify(in foi.Input) error {
	if in.Notify != "" && !slices.Contains(s.notifications(), in.Notify) {
		return errs.Multi{errs.InvalidField("notify", "push.channel_off")}
	}
	return nil
}

// foiApplyForm shows the portal's application form; ?unit= preselects the
// agency.
func (s *Server) foiApplyForm(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r, "foi.apply")
	p.Section = "ysqgk"
	p.Form = url.Values{"unit": {r.URL.Query().Get("unit")}, "applicant_type": {foi.NaturalPerson}, "id_type": {"resident_id"}, "medium": {"electronic"}, "delivery": {"email"}}
	return s.foiApplyRender(w, r, p, http.StatusOK)
}

func (s *Server) foiApplyRender(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	data, err := s.foiFormData(r.Context(), p, nil)
	if err != nil {
		return err
	}
	p.Data = data
	s.render(w, r, status, "foi_apply", p)
	return nil
}

// foiApply takes an application from the portal and shows its tracking
// number and query code once.
func (s *Server) foiApply(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	p := s.newPage(r, "foi.apply")
	p.Section = "ysqgk"
	p.Form = r.PostForm
	if err := s.applyAllowed(r); err != nil {
		if errs.KindOf(err) != errs.TooMany {
			return err
		}
		p.Error = i18n.Error(p.Lang, err)
		w.Header().Set("Cache-Control", "no-store")
		return s.foiApplyRender(w, r, p, http.StatusTooManyRequests)
	}
	var app foi.Application
	var code string
	err := s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		in := foiInput(r.PostForm, p.Lang)
		if err := s.checkNotify(in); err != nil {
			return err
		}
		app, code, err = foi.Apply(r.Context(), tx, in)
		return err
	})
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid {
			return err
		}
		p.Error = p.T("form.has_errors")
		p.Errors = fieldErrors(p.Lang, err)
		w.Header().Set("Cache-Control", "no-store")
		return s.foiApplyRender(w, r, p, http.StatusBadRequest)
	}
	s.setFOICookie(w, r, app.TrackingNo, code)
	p = s.newPage(r, "foi.applied")
	p.Section = "ysqgk"
	p.Data = map[string]any{"App": app, "Code": code}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "foi_applied", p)
	return nil
}

func (s *Server) setFOICookie(w http.ResponseWriter, r *http.Request, no, code string) {
	s.setTrackCookie(w, r, foiCookie, "/ysqgk/cx/", no, code)
}

// setTrackCookie keeps a tracking number and its query code for a week in
// a cookie read only under path, so that the sender's own pages open
// without typing the code again.
func (s *Server) setTrackCookie(w http.ResponseWriter, r *http.Request, name, path, no, code string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: no + "." + code, Path: path, MaxAge: 7 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
}

// trackCookie returns the tracking number and query code the cookie name
// holds if its number is the URL's {no}.
func trackCookie(r *http.Request, name string) (no, code string, ok bool) {
	c, err := r.Cookie(name)
	if err != nil {
		return "", "", false
	}
	no, code, ok = strings.Cut(c.Value, ".")
	return no, code, ok && strings.EqualFold(no, r.PathValue("no"))
}

// Look-ups of applications are limited per tracking number and address
// (wrong codes from one visitor lock only that visitor out of that number)
// and per address over all numbers, so that codes cannot be guessed and no
// one can lock an applicant out of their own application. Only failures
// count. Anonymous applications are limited per address.
var (
	lookupPerNumber = throttle.Rule{Max: 10, Window: 10 * time.Minute}
	lookupPerIP     = throttle.Rule{Max: 30, Window: 10 * time.Minute}
	applyPerIP      = throttle.Rule{Max: 10, Window: time.Hour}
)

// foiLookup finds an application by tracking number and query code. A
// number that is not of the form gongkai gives is not looked up at all.
func (s *Server) foiLookup(r *http.Request, no, code string) (foi.Application, error) {
	no = foi.NormalizeNo(no)
	if !foi.WellFormedNo(no) {
		return foi.Application{}, errs.New(errs.NotFound, "foi.query_failed")
	}
	var app foi.Application
	err := s.limitedLookup(r, "foi-lookup", no, func() error {
		var err error
		app, err = foi.ByTracking(r.Context(), s.db, no, code)
		return err
	})
	return app, err
}

// limitedLookup runs find, a look-up of tracking number no by its query
// code, within the look-up limits of kind (per number and address, per
// address): it refuses with TooMany past them, and a look-up that succeeds
// is not counted.
func (s *Server) limitedLookup(r *http.Request, kind, no string, find func() error) error {
	ctx, ip := r.Context(), s.clientIP(r)
	perNo, perIP := kind+":"+no+"|"+ip, kind+"-ip:"+ip
	// Counted before the look-up and taken back after a success, in one
	// statement each, so that parallel guesses never pass the limits.
	ok, err := throttle.HitAll(ctx, s.db, throttle.Limit{Key: perNo, Rule: lookupPerNumber}, throttle.Limit{Key: perIP, Rule: lookupPerIP})
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.TooMany, "foi.lookup_throttled", int(lookupPerNumber.Window.Minutes()))
	}
	if err := find(); err != nil {
		return err
	}
	return throttle.Undo(ctx, s.db, perNo, perIP)
}

// applyAllowed counts an anonymous application against the visitor's
// address and refuses one past the limit.
func (s *Server) applyAllowed(r *http.Request) error {
	return s.anonymousAllowed(r, "foi-apply", "foi.apply_throttled")
}

// anonymousAllowed counts an anonymous submission of kind against the
// visitor's address and refuses one past applyPerIP with the message key.
func (s *Server) anonymousAllowed(r *http.Request, kind, key string) error {
	ok, err := throttle.Hit(r.Context(), s.db, kind+":"+s.clientIP(r), applyPerIP)
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.TooMany, key, int(applyPerIP.Window.Minutes()))
	}
	return nil
}

// foiQueryForm shows the form to follow an application.
func (s *Server) foiQueryForm(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r, "foi.query")
	p.Section = "ysqgk"
	p.Form = url.Values{"no": {r.URL.Query().Get("no")}}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "foi_query", p)
	return nil
}

// foiQuery checks a tracking number and query code and opens the
// application's page.
func (s *Server) foiQuery(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	no, code := strings.ToUpper(strings.TrimSpace(r.PostForm.Get("no"))), strings.ToUpper(strings.TrimSpace(r.PostForm.Get("code")))
	app, err := s.foiLookup(r, no, code)
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.NotFound && k != errs.TooMany {
			return err
		}
		p := s.newPage(r, "foi.query")
		p.Section = "ysqgk"
		p.Form = url.Values{"no": {no}}
		p.Error = i18n.Error(p.Lang, err)
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, statusOf(k), "foi_query", p)
		return nil
	}
	s.setFOICookie(w, r, app.TrackingNo, code)
	http.Redirect(w, r, "/ysqgk/cx/"+url.PathEscape(app.TrackingNo)+"/", http.StatusSeeOther)
	return nil
}

// foiOwn returns the application of the URL's tracking number if the
// visitor's cookie holds its query code.
func (s *Server) foiOwn(r *http.Request) (foi.Application, bool, error) {
	cno, code, ok := trackCookie(r, foiCookie)
	if !ok {
		return foi.Application{}, false, nil
	}
	app, err := s.foiLookup(r, cno, code)
	if k := errs.KindOf(err); k == errs.NotFound {
		return foi.Application{}, false, nil
	}
	return app, err == nil, err
}

// foiStatus is the applicant's page of an application.
func (s *Server) foiStatus(w http.ResponseWriter, r *http.Request) error {
	app, ok, err := s.foiOwn(r)
	if err != nil {
		return err
	}
	if !ok {
		http.Redirect(w, r, "/ysqgk/cx/?no="+url.QueryEscape(r.PathValue("no")), http.StatusSeeOther)
		return nil
	}
	p := s.newPage(r, "foi.status_title")
	p.Section = "ysqgk"
	return s.foiStatusRender(w, r, p, app, http.StatusOK)
}

func (s *Server) foiStatusRender(w http.ResponseWriter, r *http.Request, p *page, app foi.Application, status int) error {
	cal := s.cfg.Calendar()
	deadline, ok, _ := app.Deadline(cal)
	data := map[string]any{"App": app, "Steps": app.PublicSteps(cal)}
	if ok {
		data["Deadline"] = deadline.String()
	}
	p.Data = data
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "foi_status", p)
	return nil
}

// foiCorrect takes the applicant's correction.
func (s *Server) foiCorrect(w http.ResponseWriter, r *http.Request) error {
	app, ok, err := s.foiOwn(r)
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.NotFound, "foi.not_found")
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		_, err := foi.Correct(r.Context(), tx, "applicant", app, r.PostForm.Get("correction"), "")
		return err
	})
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Conflict {
			return err
		}
		p := s.newPage(r, "foi.status_title")
		p.Section = "ysqgk"
		p.Form = r.PostForm
		p.Error = i18n.Error(p.Lang, err)
		p.Errors = fieldErrors(p.Lang, err)
		return s.foiStatusRender(w, r, p, app, statusOf(k))
	}
	http.Redirect(w, r, "/ysqgk/cx/"+url.PathEscape(app.TrackingNo)+"/", http.StatusSeeOther)
	return nil
}

// foiNoticeOf builds an answered application's reply notice.
func (s *Server) foiNoticeOf(ctx context.Context, app foi.Application) (foi.Notice, error) {
	anc, err := s.ancestors(ctx, app.Unit)
	if err != nil {
		return foi.Notice{}, err
	}
	return app.Notice(foi.ReviewBody(app.Unit, anc))
}

// foiNoticePage renders a reply notice ready to print, with links back and
// to the Word document.
func (s *Server) foiNoticePage(w http.ResponseWriter, r *http.Request, app foi.Application, back, docxURL string) error {
	n, err := s.foiNoticeOf(r.Context(), app)
	if err != nil {
		return err
	}
	p := s.newPage(r, "foi.notice")
	p.Section = "ysqgk"
	p.Admin = p.Account != nil && strings.HasPrefix(r.URL.Path, "/admin/")
	p.Data = map[string]any{"Notice": n, "App": app, "Back": back, "Docx": docxURL}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "foi_notice", p)
	return nil
}

// foiNoticeDocx writes a reply notice as a Word document.
func (s *Server) foiNoticeDocx(w http.ResponseWriter, r *http.Request, app foi.Application) error {
	n, err := s.foiNoticeOf(r.Context(), app)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := n.Docx(&buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	h.Set("Content-Disposition", `attachment; filename="`+app.TrackingNo+`.docx"`)
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// foiPublicNotice is the applicant's view of the reply notice.
func (s *Server) foiPublicNotice(docxFormat bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		app, ok, err := s.foiOwn(r)
		if err != nil {
			return err
		}
		if !ok || app.Result == "" {
			return errs.New(errs.NotFound, "foi.not_found")
		}
		if docxFormat {
			return s.foiNoticeDocx(w, r, app)
		}
		base := "/ysqgk/cx/" + url.PathEscape(app.TrackingNo) + "/"
		return s.foiNoticePage(w, r, app, base, base+"notice.docx")
	}
}

// foiHome is the 依申请公开 column: how to apply, the time limits, and the
// ways to apply and to follow an application.
func (s *Server) foiHome(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r, "col.ysqgk")
	p.Section = "ysqgk"
	s.render(w, r, http.StatusOK, "foi_home", p)
	return nil
}
