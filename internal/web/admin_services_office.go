package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/services"
)

// officeAccount returns the signed-in account and the settings when may
// lets it in; anyone else finds nothing there.
func (s *Server) officeAccount(r *http.Request, may func(services.Settings, auth.Account) bool) (*auth.Account, services.Settings, error) {
	a, err := svcAccount(r)
	if err != nil {
		return nil, services.Settings{}, err
	}
	set, err := s.svcSettingsOf(r.Context())
	if err != nil {
		return nil, set, err
	}
	if !may(set, *a) {
		return nil, set, errNotFoundPage
	}
	return a, set, nil
}

func editsEvents(s services.Settings, a auth.Account) bool { return s.EditsEvents(a) }
func isOffice(s services.Settings, a auth.Account) bool    { return s.IsOffice(a) }
func anyStaff(services.Settings, auth.Account) bool        { return true }

// svcAgain shows a page of the office again after a refused form: kind
// Invalid, Conflict or Forbidden with what was typed; anything else is
// returned.
func (s *Server) svcAgain(r *http.Request, err error, titleKey string) (*page, int, error) {
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden {
		return nil, 0, err
	}
	p := s.adminPage(r, titleKey, "services")
	p.Form, p.Errors, p.Error = r.PostForm, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return p, statusOf(k), nil
}

func donePage(s *Server, r *http.Request, titleKey string) *page {
	p := s.adminPage(r, titleKey, "services")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("svc.done."+m) {
		p.Flash = p.T("svc.done." + m)
	}
	return p
}

// svcEventsPage lists the events with the form to add one.
func (s *Server) svcEventsPage(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := s.officeAccount(r, editsEvents); err != nil {
		return err
	}
	p := donePage(s, r, "svc.events")
	p.Form.Set("kind", string(services.Personal))
	return s.svcEventsRender(w, r, p, http.StatusOK)
}

func (s *Server) svcEventsRender(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	es, err := services.Events(r.Context(), s.db)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Events": es, "Kinds": services.EventKinds}
	s.render(w, r, status, "svc_events", p)
	return nil
}

func eventInput(f url.Values) services.EventInput {
	sort, err := strconv.Atoi(strings.TrimSpace(f.Get("sort")))
	if err != nil && strings.TrimSpace(f.Get("sort")) != "" {
		sort = -1
	}
	return services.EventInput{Code: f.Get("code"), Name: f.Get("name"), NameEn: f.Get("name_en"), Kind: f.Get("kind"), Intro: f.Get("intro"), Sort: sort}
}

// svcEventSave adds an event.
func (s *Server) svcEventSave(w http.ResponseWriter, r *http.Request) error {
	a, set, err := s.officeAccount(r, editsEvents)
	if err != nil {
		return err
	}
	ctx := r.Context()
	in := eventInput(r.PostForm)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := services.EventByCode(ctx, tx, strings.TrimSpace(in.Code)); err == nil {
			return errs.InvalidField("code", "svc.event_code_taken", in.Code)
		}
		_, err := services.SaveEvent(ctx, tx, *a, set, in)
		return err
	})
	if err != nil {
		p, status, err := s.svcAgain(r, err, "svc.events")
		if err != nil {
			return err
		}
		return s.svcEventsRender(w, r, p, status)
	}
	http.Redirect(w, r, "/admin/services/events/"+url.PathEscape(strings.TrimSpace(in.Code))+"?done=event", http.StatusSeeOther)
	return nil
}

// svcEventPage is an event with its form and the order of its guides
// across the city.
func (s *Server) svcEventPage(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := s.officeAccount(r, editsEvents); err != nil {
		return err
	}
	e, err := services.EventByCode(r.Context(), s.db, r.PathValue("code"))
	if err != nil {
		return err
	}
	return s.svcEventRender(w, r, donePage(s, r, "svc.events"), e, http.StatusOK)
}

func (s *Server) svcEventRender(w http.ResponseWriter, r *http.Request, p *page, e services.Event, status int) error {
	ctx := r.Context()
	city, err := services.CityOf(ctx, s.db, accountOf(r).Unit)
	if err != nil {
		return err
	}
	all, err := services.PublishedIn(ctx, s.db, city)
	if err != nil {
		return err
	}
	b := services.BundleOf(e, all)
	if p.Form.Get("name") == "" && p.Form.Get("code") == "" {
		p.Form = url.Values{"code": {e.Code}, "name": {e.Name}, "name_en": {e.NameEn}, "kind": {string(e.Kind)}, "intro": {e.Intro}, "sort": {strconv.Itoa(e.Sort)}}
		for i, g := range b.Guides {
			p.Form.Set("pos_"+strconv.FormatInt(g.ID, 10), strconv.Itoa(i+1))
		}
	}
	p.Title = e.Name
	p.Data = map[string]any{"E": e, "B": b, "Kinds": services.EventKinds}
	s.render(w, r, status, "svc_event", p)
	return nil
}

// svcEventPost saves the event (do=save), its guides' order (do=order:
// pos_ID numbers) or deletes it (do=delete).
func (s *Server) svcEventPost(w http.ResponseWriter, r *http.Request) error {
	a, set, err := s.officeAccount(r, editsEvents)
	if err != nil {
		return err
	}
	ctx := r.Context()
	e, err := services.EventByCode(ctx, s.db, r.PathValue("code"))
	if err != nil {
		return err
	}
	f := r.PostForm
	do := f.Get("do")
	next := "/admin/services/events/" + url.PathEscape(e.Code) + "?done=" + do
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		switch do {
		case "save":
			in := eventInput(f)
			in.Code = e.Code // the code is the event's address and stays
			_, err := services.SaveEvent(ctx, tx, *a, set, in)
			return err
		case "order":
			ids, err := orderOf(f)
			if err == nil {
				_, err = services.SetOrder(ctx, tx, *a, set, e, ids)
			}
			return err
		case "delete":
			next = "/admin/services/events?done=deleted"
			return services.DeleteEvent(ctx, tx, *a, set, e)
		}
		return errNotFoundPage
	})
	if err != nil {
		p, status, err := s.svcAgain(r, err, "svc.events")
		if err != nil {
			return err
		}
		return s.svcEventRender(w, r, p, e, status)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// orderOf reads the order form: pos_ID holds each guide's place, a whole
// number from 1; the guides come out by place.
func orderOf(f url.Values) ([]int64, error) {
	type pos struct {
		id  int64
		pos int
	}
	var ps []pos
	for k := range f {
		rest, ok := strings.CutPrefix(k, "pos_")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(f.Get(k)))
		if err != nil || n < 1 || n > 999 {
			return nil, errs.InvalidField(k, "svc.bad_position")
		}
		ps = append(ps, pos{id, n})
	}
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && (ps[j].pos < ps[j-1].pos || ps[j].pos == ps[j-1].pos && ps[j].id < ps[j-1].id); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.id
	}
	return ids, nil
}

// svcChecksPage lists the spot checks a may see, with the form to start one
// for the office.
func (s *Server) svcChecksPage(w http.ResponseWriter, r *http.Request) error {
	a, set, err := s.officeAccount(r, anyStaff)
	if err != nil {
		return err
	}
	p := donePage(s, r, "svc.checks")
	day := s.today()
	p.Form = url.Values{"quarter": {strconv.Itoa(day.Year) + "Q" + strconv.Itoa((int(day.Month)+2)/3)}, "per_unit": {"3"}, "scope": {"440100"}}
	if city, err := services.CityOf(r.Context(), s.db, a.Unit); err == nil {
		p.Form.Set("scope", city.Code)
	}
	return s.svcChecksRender(w, r, a, set, p, http.StatusOK)
}

func (s *Server) svcChecksRender(w http.ResponseWriter, r *http.Request, a *auth.Account, set services.Settings, p *page, status int) error {
	all, err := services.Checks(r.Context(), s.db, 0)
	if err != nil {
		return err
	}
	var cs []services.Check
	for _, c := range all {
		if set.CanRead(*a, c) {
			cs = append(cs, c)
		}
	}
	p.Data = map[string]any{"Checks": cs, "Office": set.IsOffice(*a)}
	s.render(w, r, status, "svc_checks", p)
	return nil
}

// svcCheckStart draws a spot check's sample.
func (s *Server) svcCheckStart(w http.ResponseWriter, r *http.Request) error {
	a, set, err := s.officeAccount(r, isOffice)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	per, err := strconv.Atoi(strings.TrimSpace(f.Get("per_unit")))
	if err != nil {
		per = 0
	}
	var seed int64
	if v := strings.TrimSpace(f.Get("seed")); v != "" {
		if seed, err = strconv.ParseInt(v, 10, 64); err != nil {
			seed = -1
		}
	}
	var c services.Check
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		c, err = services.StartCheck(ctx, tx, *a, set, services.CheckInput{Quarter: f.Get("quarter"), Scope: f.Get("scope"), PerUnit: per, Seed: seed})
		return err
	})
	if err != nil {
		p, status, err := s.svcAgain(r, err, "svc.checks")
		if err != nil {
			return err
		}
		return s.svcChecksRender(w, r, a, set, p, status)
	}
	http.Redirect(w, r, "/admin/services/checks/"+strconv.FormatInt(c.ID, 10)+"?done=drawn", http.StatusSeeOther)
	return nil
}

// scopedCheck loads the check of the path if a may see it, with the units
// of it a may see; anything else is not found.
func (s *Server) scopedCheck(ctx context.Context, r *http.Request, a *auth.Account, set services.Settings) (services.Check, error) {
	notFound := errs.New(errs.NotFound, "svc.check_not_found", r.PathValue("id"))
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return services.Check{}, notFound
	}
	c, err := services.CheckByID(ctx, s.db, id)
	if errs.KindOf(err) == errs.NotFound {
		return c, notFound
	}
	if err != nil {
		return c, err
	}
	scope, err := set.ReadScope(ctx, s.db, *a)
	if err != nil {
		return c, err
	}
	if !set.CanRead(*a, c) || len(c.ItemsIn(scope)) == 0 {
		return c, notFound
	}
	return c, nil
}

// svcCheckPage is a spot check: results per unit, and the sheet of each
// sampled guide for the office.
func (s *Server) svcCheckPage(w http.ResponseWriter, r *http.Request) error {
	a, set, err := s.officeAccount(r, anyStaff)
	if err != nil {
		return err
	}
	c, err := s.scopedCheck(r.Context(), r, a, set)
	if err != nil {
		return err
	}
	return s.svcCheckRender(w, r, a, set, donePage(s, r, "svc.checks"), c, http.StatusOK)
}

func (s *Server) svcCheckRender(w http.ResponseWriter, r *http.Request, a *auth.Account, set services.Settings, p *page, c services.Check, status int) error {
	scope, err := set.ReadScope(r.Context(), s.db, *a)
	if err != nil {
		return err
	}
	p.Title = i18n.T(p.Lang, "svc.check_title", c.Quarter, c.Scope.Name)
	p.Data = map[string]any{"C": c, "Results": c.Results(scope), "Items": c.ItemsIn(scope), "Office": set.IsOffice(*a) && c.Status == services.CheckOpen}
	s.render(w, r, status, "svc_check", p)
	return nil
}

// svcCheckPost records the sheet of a sampled guide (do=record, seq=N,
// accurate_N, complete_N, current_N, note_N) or circulates the results
// (do=circulate, note).
func (s *Server) svcCheckPost(w http.ResponseWriter, r *http.Request) error {
	a, set, err := s.officeAccount(r, anyStaff)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.scopedCheck(ctx, r, a, set)
	if err != nil {
		return err
	}
	f := r.PostForm
	do := f.Get("do")
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		switch do {
		case "record":
			seq, _ := strconv.Atoi(f.Get("seq"))
			n := strconv.Itoa(seq)
			_, err := services.Record(ctx, tx, *a, set, c, seq, services.Sheet{Accurate: f.Get("accurate_"+n) == "yes",
				Complete: f.Get("complete_"+n) == "yes", Current: f.Get("current_"+n) == "yes", Note: f.Get("note_" + n)})
			return err
		case "circulate":
			_, err := services.Circulate(ctx, tx, *a, set, c, f.Get("note"))
			return err
		}
		return errNotFoundPage
	})
	if err != nil {
		p, status, err := s.svcAgain(r, err, "svc.checks")
		if err != nil {
			return err
		}
		return s.svcCheckRender(w, r, a, set, p, c, status)
	}
	http.Redirect(w, r, "/admin/services/checks/"+strconv.FormatInt(c.ID, 10)+"?done="+do, http.StatusSeeOther)
	return nil
}

// svcCheckXLSX downloads the results of the units a may see.
func (s *Server) svcCheckXLSX(w http.ResponseWriter, r *http.Request) error {
	a, set, err := s.officeAccount(r, anyStaff)
	if err != nil {
		return err
	}
	c, err := s.scopedCheck(r.Context(), r, a, set)
	if err != nil {
		return err
	}
	scope, err := set.ReadScope(r.Context(), s.db, *a)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := services.WriteCheck(&buf, i18n.T(i18n.Zh, "svc.check_title", c.Quarter, c.Scope.Name), c, scope); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return serveXLSX(w, "check-"+c.Quarter+".xlsx", buf.Bytes())
}

// svcSummaryYear reads ?year= (this year by default) or the path's year.
func (s *Server) svcSummaryYear(v string) (int, error) {
	if v == "" {
		return s.today().Year, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, errs.InvalidField("year", "svc.bad_year")
	}
	return y, nil
}

// svcSummary makes the summary of the year for the units a may see.
func (s *Server) svcSummary(r *http.Request, yearText string) (services.Summary, error) {
	a, set, err := s.officeAccount(r, anyStaff)
	if err != nil {
		return services.Summary{}, err
	}
	year, err := s.svcSummaryYear(yearText)
	if err != nil {
		return services.Summary{}, err
	}
	scope, err := set.ReadScope(r.Context(), s.db, *a)
	if err != nil {
		return services.Summary{}, err
	}
	return services.YearSummary(r.Context(), s.db, scope, year, s.today())
}

// svcSummaryPage is the yearly summary due 15 January (?year=).
func (s *Server) svcSummaryPage(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.svcSummary(r, r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	p := s.adminPage(r, "svc.summary", "services")
	p.Title = i18n.T(p.Lang, "svc.summary_title", sum.Year)
	p.Data = map[string]any{"S": sum, "Kinds": services.ComplaintKinds}
	s.render(w, r, http.StatusOK, "svc_summary", p)
	return nil
}

// svcSummaryXLSX downloads the summary of the path's year.
func (s *Server) svcSummaryXLSX(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.svcSummary(r, r.PathValue("year"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := services.WriteSummary(&buf, i18n.T(i18n.Zh, "svc.summary_title", sum.Year), sum); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return serveXLSX(w, "summary-"+strconv.Itoa(sum.Year)+".xlsx", buf.Bytes())
}

// svcComplaintsPage lists the complaints a may see, with the form for
// staff to register one.
func (s *Server) svcComplaintsPage(w http.ResponseWriter, r *http.Request) error {
	a, set, err := s.officeAccount(r, anyStaff)
	if err != nil {
		return err
	}
	return s.svcComplaintsRender(w, r, a, set, donePage(s, r, "svc.complaints"), http.StatusOK)
}

func (s *Server) svcComplaintsRender(w http.ResponseWriter, r *http.Request, a *auth.Account, set services.Settings, p *page, status int) error {
	ctx := r.Context()
	scope, err := set.ReadScope(ctx, s.db, *a)
	if err != nil {
		return err
	}
	cs, err := services.ComplaintsIn(ctx, s.db, scope, 0)
	if err != nil {
		return err
	}
	guides, err := services.PublishedIn(ctx, s.db, scope)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Complaints": cs, "Guides": guides, "Kinds": services.ComplaintKinds, "Today": s.today()}
	s.render(w, r, status, "svc_complaints", p)
	return nil
}

// svcComplaintRegister registers a complaint received by staff.
func (s *Server) svcComplaintRegister(w http.ResponseWriter, r *http.Request) error {
	a, set, err := s.officeAccount(r, anyStaff)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	var c services.Complaint
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		id, _ := strconv.ParseInt(f.Get("service"), 10, 64)
		g, err := services.PublishedByID(ctx, tx, id)
		scope, serr := set.ReadScope(ctx, tx, *a)
		if serr != nil {
			return serr
		}
		if err != nil || !scope.Contains(g.Unit) {
			return errs.InvalidField("service", "svc.pick_guide")
		}
		c, err = services.Register(ctx, tx, a, set, g, services.ComplaintInput{Kind: f.Get("kind"), Content: f.Get("content"), Contact: f.Get("contact")})
		return err
	})
	if err != nil {
		p, status, err := s.svcAgain(r, err, "svc.complaints")
		if err != nil {
			return err
		}
		return s.svcComplaintsRender(w, r, a, set, p, status)
	}
	http.Redirect(w, r, "/admin/services/complaints/"+strconv.FormatInt(c.ID, 10)+"?done=registered", http.StatusSeeOther)
	return nil
}

// scopedComplaint loads the complaint of the path if a may see it.
func (s *Server) scopedComplaint(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account, set services.Settings) (services.Complaint, error) {
	notFound := errs.New(errs.NotFound, "svc.complaint_not_found", r.PathValue("id"))
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return services.Complaint{}, notFound
	}
	c, err := services.ComplaintByID(ctx, q, id)
	if errs.KindOf(err) == errs.NotFound || err == nil && !set.CanSeeComplaint(*a, c) {
		return services.Complaint{}, notFound
	}
	return c, err
}

// svcComplaintPage is a complaint with the step its reader may take.
func (s *Server) svcComplaintPage(w http.ResponseWriter, r *http.Request) error {
	a, set, err := s.officeAccount(r, anyStaff)
	if err != nil {
		return err
	}
	c, err := s.scopedComplaint(r.Context(), s.db, r, a, set)
	if err != nil {
		return err
	}
	return s.svcComplaintRender(w, r, a, set, donePage(s, r, "svc.complaints"), c, http.StatusOK)
}

func (s *Server) svcComplaintRender(w http.ResponseWriter, r *http.Request, a *auth.Account, set services.Settings, p *page, c services.Complaint, status int) error {
	unit := services.CanEdit(*a, c.Unit) || set.IsOffice(*a)
	p.Title = i18n.T(p.Lang, "svc.complaint_no", c.ID)
	p.Data = map[string]any{"C": c, "Transfer": set.IsOffice(*a) && c.Status == services.Registered,
		"Verify": unit && c.Status == services.Transferred, "Rectify": unit && c.Status == services.Verified,
		"Overdue": c.Overdue(s.today())}
	s.render(w, r, status, "svc_complaint", p)
	return nil
}

// svcComplaintPost takes a complaint's next step: transfer, verify
// (valid=yes|no, verify_note) or rectify (rectify_note).
func (s *Server) svcComplaintPost(w http.ResponseWriter, r *http.Request) error {
	a, set, err := s.officeAccount(r, anyStaff)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	do := f.Get("do")
	var id int64
	cal := s.cfg.Calendar()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.scopedComplaint(ctx, tx, r, a, set)
		if err != nil {
			return err
		}
		id = c.ID
		switch do {
		case "transfer":
			_, err = services.Transfer(ctx, tx, *a, set, cal, c)
		case "verify":
			v := f.Get("valid")
			if v != "yes" && v != "no" {
				return errs.InvalidField("valid", "svc.pick_valid")
			}
			_, err = services.Verify(ctx, tx, *a, set, cal, c, v == "yes", f.Get("verify_note"))
		case "rectify":
			_, err = services.Rectify(ctx, tx, *a, set, c, f.Get("rectify_note"))
		default:
			err = errNotFoundPage
		}
		return err
	})
	if err != nil {
		if errs.KindOf(err) == errs.NotFound || err == errNotFoundPage {
			return err
		}
		var nd *calendar.NoDataError
		if errors.As(err, &nd) {
			// A year whose holidays are not loaded: the office loads them.
			return nd.UserError()
		}
		p, status, perr := s.svcAgain(r, err, "svc.complaints")
		if perr != nil {
			return perr
		}
		c, lerr := s.scopedComplaint(ctx, s.db, r, a, set)
		if lerr != nil {
			return lerr
		}
		return s.svcComplaintRender(w, r, a, set, p, c, status)
	}
	http.Redirect(w, r, "/admin/services/complaints/"+strconv.FormatInt(id, 10)+"?done="+do, http.StatusSeeOther)
	return nil
}
