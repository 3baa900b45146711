package web

import (
	"net/http"
	"slices"
	"strconv"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/message"
)

// msgAdminPerPage is the length of a page of the console's list.
const msgAdminPerPage = 50

// msgListPage lists the messages in the account's scope: what is due or
// overdue first, then all of them by filter, newest first.
func (s *Server) msgListPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "msg.admin_title", "messages")
	if message.CanReview(*a, a.Unit) {
		limits, err := message.Limits(r.Context(), s.db, a.Unit)
		if err != nil {
			return err
		}
		for c, n := range limits {
			p.Form.Set("days_"+c, strconv.Itoa(n))
		}
	}
	return s.msgListRender(w, r, p, a, http.StatusOK)
}

func (s *Server) msgListRender(w http.ResponseWriter, r *http.Request, p *page, a *auth.Account, status int) error {
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	f := message.Filter{Scope: a.Unit, Status: q.Get("status"), Category: q.Get("category"), Q: q.Get("q"), Limit: msgAdminPerPage, Offset: (pageNo - 1) * msgAdminPerPage}
	if f.Status != "open" && !slices.Contains(message.Statuses, f.Status) {
		f.Status = ""
	}
	if !message.ValidCategory(f.Category) {
		f.Category = ""
	}
	cal, t := s.cfg.Calendar(), s.today()
	list, total, err := message.List(r.Context(), s.db, cal, f, t)
	if err != nil {
		return err
	}
	urgent, err := message.Urgent(r.Context(), s.db, cal, a.Unit, t)
	if err != nil {
		return err
	}
	const shown = 100 // the most urgent; the filtered list below has them all
	p.Form.Set("status", f.Status)
	p.Form.Set("category", f.Category)
	p.Form.Set("q", f.Q)
	p.Data = map[string]any{"List": list, "Total": total, "Urgent": urgent[:min(len(urgent), shown)], "UrgentMore": max(len(urgent)-shown, 0),
		"Statuses": message.Statuses, "Categories": message.Categories, "Pages": pager(r, pageNo, total, msgAdminPerPage),
		"CanLimit": message.CanReview(*a, a.Unit), "DefaultDays": message.DefaultDays}
	s.render(w, r, status, "msg_list", p)
	return nil
}

// msgLimits saves the reply periods of the account's unit by category.
func (s *Server) msgLimits(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	days := map[string]string{}
	for _, c := range message.Categories {
		days[c] = r.PostForm.Get("days_" + c)
	}
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error { return message.SetLimits(r.Context(), tx, *a, a.Unit, days) })
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p := s.adminPage(r, "msg.admin_title", "messages")
		p.Form = r.PostForm
		p.Error = p.T("form.has_errors")
		p.Errors = fieldErrors(p.Lang, err)
		return s.msgListRender(w, r, p, a, http.StatusBadRequest)
	}
	http.Redirect(w, r, "/admin/messages", http.StatusSeeOther)
	return nil
}

// accountMsg returns the signed-in account and the message of the URL's
// id within its scope.
func (s *Server) accountMsg(r *http.Request) (*auth.Account, message.Message, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, message.Message{}, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, message.Message{}, errs.New(errs.NotFound, "msg.not_found")
	}
	m, err := message.ByID(r.Context(), s.db, id, *a)
	return a, m, err
}

// msgPage shows a message to staff with the forms for what can be done.
func (s *Server) msgPage(w http.ResponseWriter, r *http.Request) error {
	a, m, err := s.accountMsg(r)
	if err != nil {
		return err
	}
	return s.msgPageRender(w, r, s.adminPage(r, "msg.admin_title", "messages"), a, m, http.StatusOK)
}

func (s *Server) msgPageRender(w http.ResponseWriter, r *http.Request, p *page, a *auth.Account, m message.Message, status int) error {
	p.Title = p.T("msg.tracking_no") + " " + m.TrackingNo
	cal := s.cfg.Calendar()
	data := map[string]any{"M": m, "CanHandle": message.CanHandle(*a, m.Unit), "CanReview": message.CanReview(*a, m.Unit),
		"Open": message.Open(m.Status), "MaxExtension": message.MaxExtensionDays, "DaysTaken": m.DaysTaken(cal)}
	if steps, err := m.Steps(cal); err == nil {
		data["Steps"] = steps
	}
	if u, err := m.UrgencyOn(cal, s.today()); err == nil && u.What != "" {
		data["Urgency"] = u
	}
	if data["CanHandle"].(bool) {
		groups, err := s.foiUnitGroups(r.Context(), nil)
		if err != nil {
			return err
		}
		data["Groups"] = groups
	}
	p.Data = data
	s.render(w, r, status, "msg_admin", p)
	return nil
}

// msgActions are the steps staff take on a message, by URL name.
var msgActions = map[string]func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, m message.Message) (message.Message, error){
	"transfer": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, m message.Message) (message.Message, error) {
		return message.Transfer(r.Context(), tx, a, m, r.PostForm.Get("to"), r.PostForm.Get("reason"))
	},
	"extend": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, m message.Message) (message.Message, error) {
		return message.Extend(r.Context(), tx, s.cfg.Calendar(), a, m, r.PostForm.Get("days"), r.PostForm.Get("reason"))
	},
	"draft": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, m message.Message) (message.Message, error) {
		return message.Draft(r.Context(), tx, a, m, r.PostForm.Get("answer"))
	},
	"approve": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, m message.Message) (message.Message, error) {
		return message.Approve(r.Context(), tx, a, m)
	},
	"return": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, m message.Message) (message.Message, error) {
		return message.Return(r.Context(), tx, a, m, r.PostForm.Get("reason"))
	},
	"dismiss": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, m message.Message) (message.Message, error) {
		return message.Dismiss(r.Context(), tx, a, m, r.PostForm.Get("reason"))
	},
}

// msgAction runs one step on a message. A refused step shows the page
// again with the form as typed and the reason.
func (s *Server) msgAction(w http.ResponseWriter, r *http.Request) error {
	a, m, err := s.accountMsg(r)
	if err != nil {
		return err
	}
	name := r.PathValue("action")
	act, ok := msgActions[name]
	if !ok {
		return errs.New(errs.NotFound, "error.not_found")
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	var out message.Message
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		out, err = act(s, r, tx, *a, m)
		return err
	})
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden {
			return err
		}
		p := s.adminPage(r, "msg.admin_title", "messages")
		p.Form = r.PostForm
		p.Form.Set("action", name)
		p.Error = i18n.Error(p.Lang, err)
		p.Errors = fieldErrors(p.Lang, err)
		return s.msgPageRender(w, r, p, a, m, statusOf(k))
	}
	// A message transferred out of the account's scope is no longer
	// theirs to open.
	if !message.CanRead(*a, out.Unit) {
		http.Redirect(w, r, "/admin/messages", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/admin/messages/"+strconv.FormatInt(m.ID, 10), http.StatusSeeOther)
	return nil
}
