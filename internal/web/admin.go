package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
	"gongkai/internal/inspect"
	"gongkai/internal/message"
	"gongkai/internal/opinion"
	"gongkai/internal/org"
)

// maxForm bounds every form body; nothing in the console needs more, and
// uploads have their own limit.
const maxForm = 64 << 10

func parseForm(w http.ResponseWriter, r *http.Request) error { return parseFormN(w, r, maxForm) }

// parseFormN parses a form of at most n bytes.
func parseFormN(w http.ResponseWriter, r *http.Request, n int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, n)
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	return nil
}

func (s *Server) adminPage(r *http.Request, titleKey, section string) *page {
	p := s.newPage(r, titleKey)
	p.Admin = true
	p.Zone = nil
	p.Section = section
	return p
}

// safeNext returns next if it is a local path, or the dashboard.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		if u, err := url.Parse(next); err == nil && u.Host == "" && u.Scheme == "" {
			return next
		}
	}
	return "/admin/"
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if accountOf(r) != nil {
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		return nil
	}
	p := s.adminPage(r, "login.title", "login")
	p.Form.Set("next", r.URL.Query().Get("next"))
	s.render(w, r, http.StatusOK, "login", p)
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	login, password := r.PostForm.Get("login"), r.PostForm.Get("password")
	token, _, err := auth.Login(r.Context(), s.db, login, password, s.clientIP(r), r.UserAgent())
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Unauthorized && k != errs.TooMany {
			return err
		}
		p := s.adminPage(r, "login.title", "login")
		p.Form.Set("login", login)
		p.Form.Set("next", r.PostForm.Get("next"))
		p.Error = i18n.Error(p.Lang, err)
		s.render(w, r, statusOf(k), "login", p)
		return nil
	}
	s.setSessionCookie(w, r, token, auth.AbsoluteTimeout)
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := auth.Logout(r.Context(), s.db, c.Value); err != nil {
			return err
		}
	}
	s.setSessionCookie(w, r, "", -time.Second)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// dashboard shows the signed-in account the work of its role.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := s.adminPage(r, "dash."+string(a.Role), "dashboard")
	data := map[string]any{"Role": string(a.Role)}
	counts, err := org.CountByKind(ctx, s.db, a.Unit)
	if err != nil {
		return err
	}
	var kinds []kindCount
	for _, k := range org.Kinds {
		if counts[k] > 0 {
			kinds = append(kinds, kindCount{Kind: string(k), N: counts[k]})
		}
	}
	data["Kinds"] = kinds
	switch a.Role {
	case auth.Admin:
		accts, err := auth.InScope(ctx, s.db, a.Unit)
		if err != nil {
			return err
		}
		data["Accounts"] = len(accts)
		n, err := audit.Count(ctx, s.db)
		if err != nil {
			return err
		}
		data["AuditEvents"] = n
		data["Years"] = s.cfg.Calendar().Years()
	case auth.PublicOfficeCity, auth.DomainSupervisor:
		ds, err := org.OfKind(ctx, s.db, a.Unit, org.District)
		if err != nil {
			return err
		}
		if a.Unit.Kind != org.City {
			// A district-level supervisor follows its own district.
			ds = []org.Unit{a.Unit}
		}
		data["Districts"] = ds
	case auth.PublicOfficeDistrict:
		children, err := org.Children(ctx, s.db, a.Unit.ID)
		if err != nil {
			return err
		}
		data["Children"] = children
	}
	if a.Role != auth.DomainSupervisor {
		ns, err := catalog.Notices(ctx, s.db, a.Unit)
		if err != nil {
			return err
		}
		data["Notices"] = ns
	}
	if catalog.IsReviewer(*a) {
		review, err := s.reviewQueue(ctx, a)
		if err != nil {
			return err
		}
		data["Review"] = review
	}
	if a.Role != auth.DomainSupervisor {
		// Open rectification notices, the overdue ones first: an office
		// sees its units', a unit its own.
		ns, err := inspect.Notices(ctx, s.db, *a, 200)
		if err != nil {
			return err
		}
		today := s.today()
		var open, overdue []inspect.Notice
		for _, n := range ns {
			switch {
			case n.ClosedAt.Valid:
			case n.Overdue(today):
				overdue = append(overdue, n)
			default:
				open = append(open, n)
			}
		}
		data["Rectification"], data["Overdue"] = append(overdue, open...), len(overdue)
	}
	// Applications for disclosure due soon or overdue in the scope.
	urgent, err := foi.Urgent(ctx, s.db, s.cfg.Calendar(), a.Unit, s.today())
	if err != nil {
		return err
	}
	// The most urgent first; the full list is on the applications page.
	const dashFOI = 20
	data["FOI"], data["FOIMore"] = urgent[:min(len(urgent), dashFOI)], max(len(urgent)-dashFOI, 0)
	// Messages from the public due soon or overdue in the scope.
	msgs, err := message.Urgent(ctx, s.db, s.cfg.Calendar(), a.Unit, s.today())
	if err != nil {
		return err
	}
	data["Messages"], data["MessagesMore"] = msgs[:min(len(msgs), dashFOI)], max(len(msgs)-dashFOI, 0)
	// Public-opinion parts due soon or overdue that the account sees.
	ops, err := opinion.Urgent(ctx, s.db, s.cfg.Calendar(), *a, s.today())
	if err != nil {
		return err
	}
	data["Opinion"], data["OpinionMore"] = ops[:min(len(ops), dashFOI)], max(len(ops)-dashFOI, 0)
	if a.Role == auth.UnitEditor || a.Role == auth.UnitReviewer {
		// Information asked for repeatedly, flagged to the unit (依申请转主动).
		cs, err := foi.Candidates(ctx, s.db, a.Unit, s.today())
		if err != nil {
			return err
		}
		data["Proactive"] = len(cs)
	}
	data["Clock"] = s.clockToday(p.Lang)
	p.Data = data
	s.render(w, r, http.StatusOK, "dashboard", p)
	return nil
}

type kindCount struct {
	Kind string
	N    int
}

// todayClock tells a clerk whether today is a working day and when 20
// working days from today fall, the most common statutory period.
type todayClock struct {
	Today    string
	Workday  bool
	Deadline string
	Error    string
}

func (s *Server) clockToday(lang i18n.Lang) todayClock {
	cal := s.cfg.Calendar()
	today := calendar.DateOf(s.db.Now().In(calendar.China))
	c := todayClock{Today: today.String()}
	ok, err := cal.IsWorkday(today)
	if err == nil {
		var d calendar.Date
		d, err = cal.AddWorkdays(today, 20)
		c.Deadline = d.String()
	}
	if err != nil {
		c.Error = i18n.T(lang, "calendar.no_data_today")
	}
	c.Workday = ok
	return c
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAccount(r); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "password", s.adminPage(r, "admin.password", "password"))
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	p := s.adminPage(r, "admin.password", "password")
	current, next, confirm := r.PostForm.Get("current"), r.PostForm.Get("new"), r.PostForm.Get("confirm")
	var ferr error
	switch {
	case next != confirm:
		ferr = errs.InvalidField("confirm", "account.password_mismatch")
	default:
		// Re-checking the current password goes through Login's throttle.
		if _, err := auth.CheckCredentials(r.Context(), s.db, a.Login, current, s.clientIP(r)); err != nil {
			if k := errs.KindOf(err); k != errs.Unauthorized && k != errs.TooMany {
				return err
			}
			ferr = errs.InvalidField("current", "account.password_current_wrong")
			break
		}
		c, _ := r.Cookie(sessionCookie)
		ferr = s.db.InTx(r.Context(), func(tx *db.Tx) error {
			return auth.SetPassword(r.Context(), tx, a.Login, nil, a.Login, next, c.Value)
		})
	}
	if ferr != nil {
		if errs.KindOf(ferr) != errs.Invalid {
			return ferr
		}
		p.Errors = fieldErrors(p.Lang, ferr)
		p.Error = i18n.Error(p.Lang, ferr)
		s.render(w, r, http.StatusBadRequest, "password", p)
		return nil
	}
	p.Flash = p.T("account.password_changed")
	s.render(w, r, http.StatusOK, "password", p)
	return nil
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	res, err := audit.Verify(r.Context(), s.db)
	if err != nil {
		return err
	}
	events, err := audit.Recent(r.Context(), s.db, "", "", 100)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.audit", "audit")
	p.Data = map[string]any{"Result": res, "Problem": i18n.Error(p.Lang, res.Err()), "Events": events}
	s.render(w, r, http.StatusOK, "audit", p)
	return nil
}
