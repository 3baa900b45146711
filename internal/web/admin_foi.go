package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
	"gongkai/internal/push"
)

// foiPerPage is the length of a page of the applications list.
const foiPerPage = 50

// foiListPage lists the applications in the account's scope: what is due
// or overdue first, then all of them by filter, newest first.
func (s *Server) foiListPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	f := foi.Filter{Scope: a.Unit, Status: q.Get("status"), Q: q.Get("q"), Limit: foiPerPage, Offset: (pageNo - 1) * foiPerPage}
	if f.Status != "" && f.Status != "open" && !validStatus(f.Status) {
		f.Status = ""
	}
	cal, t := s.cfg.Calendar(), s.today()
	list, total, err := foi.List(r.Context(), s.db, cal, f, t)
	if err != nil {
		return err
	}
	urgent, err := foi.Urgent(r.Context(), s.db, cal, a.Unit, t)
	if err != nil {
		return err
	}
	const shown = 100 // the most urgent; the filtered list below has them all
	p := s.adminPage(r, "foi.admin_title", "foi")
	p.Form = url.Values{"status": {f.Status}, "q": {f.Q}}
	p.Data = map[string]any{"List": list, "Total": total, "Urgent": urgent[:min(len(urgent), shown)], "UrgentMore": max(len(urgent)-shown, 0), "Statuses": foiStatuses,
		"Pages": pager(r, pageNo, total, foiPerPage), "CanRegister": foi.CanHandle(*a, a.Unit)}
	s.render(w, r, http.StatusOK, "foi_list", p)
	return nil
}

var foiStatuses = []string{foi.StatusPending, foi.StatusProcessing, foi.StatusCorrection, foi.StatusConsulting, foi.StatusFee, foi.StatusReplied, foi.StatusDelivered}

func validStatus(s string) bool {
	for _, x := range foiStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// foiNewForm shows the form to register an application received at the
// counter, by post, by fax or by e-mail.
func (s *Server) foiNewForm(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "foi.register", "foi")
	unit := ""
	if a.Unit.Kind != "" {
		unit = a.Unit.Code
	}
	p.Form = url.Values{"unit": {unit}, "applicant_type": {foi.NaturalPerson}, "id_type": {"resident_id"}, "medium": {"paper"}, "delivery": {"post"},
		"channel": {foi.InPerson}, "received": {s.today().String()}}
	return s.foiNewRender(w, r, p, a, http.StatusOK)
}

func (s *Server) foiNewRender(w http.ResponseWriter, r *http.Request, p *page, a *auth.Account, status int) error {
	data, err := s.foiFormData(r.Context(), p, &a.Unit)
	if err != nil {
		return err
	}
	p.Data = data
	s.render(w, r, status, "foi_new", p)
	return nil
}

// foiRegister registers an application and opens it.
func (s *Server) foiRegister(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	var app foi.Application
	var code string
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		in := foiInput(r.PostForm, i18n.Zh)
		if err := s.checkNotify(in); err != nil {
			return err
		}
		app, code, err = foi.Register(r.Context(), tx, *a, in, r.PostForm.Get("channel"), r.PostForm.Get("received"), r.PostForm.Get("note"))
		return err
	})
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p := s.adminPage(r, "foi.register", "foi")
		p.Form = r.PostForm
		p.Error = p.T("form.has_errors")
		if e := errs.As(err); e != nil && e.Field == "" {
			p.Error = i18n.Error(p.Lang, err)
		}
		p.Errors = fieldErrors(p.Lang, err)
		return s.foiNewRender(w, r, p, a, http.StatusBadRequest)
	}
	p := s.adminPage(r, "foi.registered", "foi")
	p.Data = map[string]any{"App": app, "Code": code}
	s.render(w, r, http.StatusOK, "foi_registered", p)
	return nil
}

// accountApp returns the signed-in account and the application of the
// URL's id within its scope.
func (s *Server) accountApp(r *http.Request) (*auth.Account, foi.Application, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, foi.Application{}, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, foi.Application{}, errs.New(errs.NotFound, "foi.not_found")
	}
	app, err := foi.ByID(r.Context(), s.db, id, *a)
	return a, app, err
}

// foiPage shows an application to staff: the applicant, the dates step by
// step, the timeline and the forms for what can be done next.
func (s *Server) foiPage(w http.ResponseWriter, r *http.Request) error {
	a, app, err := s.accountApp(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "foi.application", "foi")
	p.Title = p.T("foi.application") + " " + app.TrackingNo
	if f := r.URL.Query().Get("done"); f != "" {
		p.Flash = p.T("foi.done")
	}
	switch r.URL.Query().Get("mail") {
	case "sent":
		p.Flash = strings.TrimSpace(p.Flash + " " + p.T("foi.mail_sent", app.Applicant.Email))
	case "failed":
		p.Error = p.T("foi.mail_failed", app.Applicant.Email)
	case "queued":
		p.Flash = strings.TrimSpace(p.Flash + " " + p.T("foi.mail_queued", app.Applicant.Email))
	}
	return s.foiPageRender(w, r, p, a, app, http.StatusOK)
}

func (s *Server) foiPageRender(w http.ResponseWriter, r *http.Request, p *page, a *auth.Account, app foi.Application, status int) error {
	cal := s.cfg.Calendar()
	data := map[string]any{"App": app, "Steps": app.Steps(cal), "CanHandle": foi.CanHandle(*a, app.Unit),
		"CanExtend": foi.CanApproveExtension(*a, app.Unit), "Results": foi.Results, "AppealKinds": foi.AppealKinds, "Outcomes": foi.Outcomes,
		"Today": s.today().String(), "CorrectionDays": foi.DefaultCorrection, "MailOn": s.cfg.Push.Enabled(push.Email)}
	if d, ok, _ := app.Deadline(cal); ok {
		data["Deadline"] = d.String()
	}
	if u, err := app.UrgencyOn(cal, s.today()); err == nil {
		data["Urgency"] = u
	}
	if foi.Open(app.Status) && app.Status == foi.StatusProcessing && app.Fee.Mode == "" {
		if q, err := foi.QuoteFee(r.Context(), s.db, app, "item", 1); err == nil {
			data["PriorItems"] = q.Prior
		}
	}
	p.Data = data
	s.render(w, r, status, "foi_app", p)
	return nil
}

// foiActions are the steps a clerk takes on an application, by URL name.
var foiActions = map[string]func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error){
	"confirm": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		return foi.ConfirmReceipt(r.Context(), tx, a, app, r.PostForm.Get("day"))
	},
	"correction": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		return foi.RequestCorrection(r.Context(), tx, s.cfg.Calendar(), a, app, formInt(r, "days"), r.PostForm.Get("note"))
	},
	"corrected": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		return foi.CorrectByClerk(r.Context(), tx, a, app, r.PostForm.Get("correction"), r.PostForm.Get("day"))
	},
	"consult": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		return foi.Consult(r.Context(), tx, s.cfg.Calendar(), a, app, r.PostForm.Get("kind"), r.PostForm.Get("party"), r.PostForm.Get("note"))
	},
	"consulted": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		return foi.EndConsultation(r.Context(), tx, s.cfg.Calendar(), a, app, r.PostForm.Get("outcome"), r.PostForm.Get("day"), r.PostForm.Get("note"))
	},
	"extend": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		return foi.Extend(r.Context(), tx, s.cfg.Calendar(), a, app, formInt(r, "days"), r.PostForm.Get("approver"), r.PostForm.Get("reason"))
	},
	"fee": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		return foi.NoticeFee(r.Context(), tx, s.cfg.Calendar(), a, app, r.PostForm.Get("mode"), formInt(r, "count"))
	},
	"fee-settled": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		return foi.FeeSettled(r.Context(), tx, a, app, r.PostForm.Get("outcome"), r.PostForm.Get("day"))
	},
	"reply": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		ups, err := replyUploads(r)
		if err != nil {
			return foi.Application{}, err
		}
		f := r.PostForm
		out, err := foi.Answer(r.Context(), tx, a, app, foi.Reply{Result: f.Get("result"), Date: f.Get("date"), Text: f.Get("text"), OtherAgency: f.Get("other_agency"),
			Files: ups, Links: foi.ParseLinks(f.Get("links")), Reason: f.Get("reason"), Dir: s.cfg.Files})
		if err != nil {
			return out, err
		}
		return out, s.queueReply(r, tx, out)
	},
	"deliver": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		return foi.Deliver(r.Context(), tx, a, app, r.PostForm.Get("day"), r.PostForm.Get("note"))
	},
	"assign": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		return foi.Assign(r.Context(), tx, a, app, r.PostForm.Get("handler"))
	},
	"appeal": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, app foi.Application) (foi.Application, error) {
		f := r.PostForm
		if id := f.Get("appeal"); id != "" {
			n, _ := strconv.ParseInt(id, 10, 64)
			return foi.DecideAppeal(r.Context(), tx, a, app, n, f.Get("outcome"), f.Get("decided"), f.Get("note"))
		}
		return foi.AddAppeal(r.Context(), tx, a, app, f.Get("kind"), f.Get("filed"), f.Get("outcome"), f.Get("decided"), f.Get("note"))
	},
}

// formInt reads a whole number from the form; anything else is -1, which
// every action refuses with its own message.
func formInt(r *http.Request, name string) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get(name)))
	if err != nil {
		return -1
	}
	return n
}

// foiAction runs one step on an application. A refused step shows the
// page again with the form as typed and the reason.
func (s *Server) foiAction(w http.ResponseWriter, r *http.Request) error {
	a, app, err := s.accountApp(r)
	if err != nil {
		return err
	}
	name := r.PathValue("action")
	act, ok := foiActions[name]
	if !ok {
		return errs.New(errs.NotFound, "error.not_found")
	}
	if name == "reply" {
		err = parseReplyForm(w, r)
	} else if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	var out foi.Application
	if err == nil {
		err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
			var err error
			out, err = act(s, r, tx, *a, app)
			return err
		})
	}
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden {
			return err
		}
		p := s.adminPage(r, "foi.application", "foi")
		p.Title = p.T("foi.application") + " " + app.TrackingNo
		p.Form = r.PostForm
		if p.Form == nil {
			p.Form = url.Values{}
		}
		p.Form.Set("action", name)
		p.Error = i18n.Error(p.Lang, err)
		p.Errors = fieldErrors(p.Lang, err)
		return s.foiPageRender(w, r, p, a, app, statusOf(k))
	}
	next := "/admin/foi/" + strconv.FormatInt(app.ID, 10) + "?done=" + name
	if name == "reply" {
		if m := s.mailReply(r, a.Login, out); m != "" {
			next += "&mail=" + m
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// foiAdminNotice shows or downloads the reply notice in the console.
func (s *Server) foiAdminNotice(docxFormat bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, app, err := s.accountApp(r)
		if err != nil {
			return err
		}
		if app.Result == "" {
			return errs.New(errs.NotFound, "foi.notice_unanswered")
		}
		if docxFormat {
			return s.foiNoticeDocx(w, r, app)
		}
		base := "/admin/foi/" + strconv.FormatInt(app.ID, 10)
		return s.foiNoticePage(w, r, app, base, base+"/notice.docx")
	}
}
