package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/opinion"
	"gongkai/internal/org"
	"gongkai/internal/push"
)

// opinionRoutes registers the public-opinion items (舆情回应) of the
// console, the portal and the API.
func (s *Server) opinionRoutes(mux router) {
	mux.Handle("GET /hudong/yqhy/{$}", s.h(s.opinionPublicList))
	mux.Handle("GET /hudong/yqhy/{id}/{$}", s.h(s.opinionPublicPage))
	mux.Handle("GET /api/v1/opinion", s.h(s.apiOpinion))

	mux.Handle("GET /admin/opinion", s.h(s.opinionListPage))
	mux.Handle("POST /admin/opinion", s.h(s.opinionCreate))
	mux.Handle("GET /admin/opinion/new", s.h(s.opinionNewPage))
	mux.Handle("GET /admin/opinion/{id}", s.h(s.opinionPage))
	mux.Handle("POST /admin/opinion/{id}/{step}", s.h(s.opinionStep))
	mux.Handle("GET /admin/opinion/summary/{$}", s.h(s.opinionSummaryIndex))
	mux.Handle("GET /admin/opinion/summary/{month}/{$}", s.h(s.opinionSummaryPage))
	mux.Handle("GET /admin/opinion/summary/{file}", s.h(s.opinionSummaryXLSX))
}

const opinionPerPage = 50

func opinionURL(id int64) string { return "/admin/opinion/" + strconv.FormatInt(id, 10) }

// opinionAccount returns the signed-in account if it has a part in the
// handling of items: the offices and the units' staff.
func opinionAccount(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !opinion.MayOpen(*a) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	return a, nil
}

// mayOpinion is the menu's check: the one opinionAccount makes.
func mayOpinion(a *auth.Account) bool { return opinion.MayOpen(*a) }

// opinionFilter reads the list's filters. A value that is none of the
// choices is refused naming its field, as is a unit outside a's subtree.
func (s *Server) opinionFilter(r *http.Request, a *auth.Account) (opinion.Filter, int, error) {
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	f := opinion.Filter{Account: *a, State: q.Get("state"), Level: q.Get("level"), Limit: opinionPerPage, Offset: (pageNo - 1) * opinionPerPage}
	var bad errs.Multi
	if f.State != "" && !opinion.ValidState(f.State) {
		bad = append(bad, errs.InvalidField("state", "opinion.state_invalid"))
	}
	if f.Level != "" && !opinion.ValidLevel(f.Level) {
		bad = append(bad, errs.InvalidField("level", "opinion.level_invalid"))
	}
	if code := strings.TrimSpace(q.Get("unit")); code != "" {
		u, err := s.unitByCode(r.Context(), code)
		if err != nil || !a.InScope(u) {
			bad = append(bad, errs.InvalidField("unit", "opinion.unit_unknown", code))
		} else {
			f.Unit = &u
		}
	}
	return f, pageNo, bad.Err()
}

// opinionListPage lists the items the account sees, with the parts due or
// overdue first.
func (s *Server) opinionListPage(w http.ResponseWriter, r *http.Request) error {
	a, err := opinionAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := s.adminPage(r, "opinion.admin_title", "opinion")
	q := r.URL.Query()
	p.Form = url.Values{"state": {q.Get("state")}, "level": {q.Get("level")}, "unit": {q.Get("unit")}}
	status := http.StatusOK
	f, pageNo, err := s.opinionFilter(r, a)
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		// The list as it would be without the filters refused.
		p.Error, p.Errors, status = i18n.Error(p.Lang, err), fieldErrors(p.Lang, err), http.StatusBadRequest
		f, pageNo = opinion.Filter{Account: *a, Limit: opinionPerPage}, 1
	}
	list, total, err := opinion.List(ctx, s.db, f)
	if err != nil {
		return err
	}
	urgent, err := opinion.Urgent(ctx, s.db, s.cfg.Calendar(), *a, s.today())
	if err != nil {
		return err
	}
	groups, err := s.foiUnitGroups(ctx, &a.Unit)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"List": list, "Total": total, "Urgent": urgent, "Office": opinion.IsOffice(*a), "Groups": groups,
		"States": opinion.States, "Levels": opinion.Levels, "Pages": pager(r, pageNo, total, opinionPerPage), "Month": s.today().String()[:7]}
	s.render(w, r, status, "opinion_admin_list", p)
	return nil
}

// opinionOffice returns the signed-in account if it is an office.
func opinionOffice(r *http.Request) (*auth.Account, error) {
	a, err := opinionAccount(r)
	if err == nil && !opinion.IsOffice(*a) {
		err = errs.New(errs.Forbidden, "opinion.office_only")
	}
	return a, err
}

// opinionNewPage shows the form that registers an item, found now.
func (s *Server) opinionNewPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := opinionOffice(r); err != nil {
		return err
	}
	p := s.adminPage(r, "opinion.new", "opinion")
	p.Form = url.Values{"level": {opinion.General}, "source": {opinion.Online}, "found": {s.db.Now().In(calendar.China).Format("2006-01-02T15:04")}}
	return s.opinionNewRender(w, r, p, http.StatusOK)
}

func (s *Server) opinionNewRender(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	p.Data = map[string]any{"Sources": opinion.Sources, "Levels": opinion.Levels, "Days": opinion.DefaultDays}
	s.render(w, r, status, "opinion_new", p)
	return nil
}

// opinionCreate registers an item; a refused one shows the form again as
// typed.
func (s *Server) opinionCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := opinionOffice(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	in := opinion.Input{Title: f.Get("title"), Source: f.Get("source"), Level: f.Get("level"), Summary: f.Get("summary"),
		Policy: f.Get("policy"), Project: f.Get("project"), Found: f.Get("found")}
	var it opinion.Item
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		it, err = opinion.Register(r.Context(), tx, *a, in)
		return err
	})
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p := s.adminPage(r, "opinion.new", "opinion")
		p.Form, p.Errors, p.Error = f, fieldErrors(p.Lang, err), p.T("form.has_errors")
		return s.opinionNewRender(w, r, p, http.StatusBadRequest)
	}
	http.Redirect(w, r, opinionURL(it.ID)+"?done=registered", http.StatusSeeOther)
	return nil
}

// opinionItem returns the signed-in account and the item of the path as
// it sees it; NotFound for an item it may not see.
func (s *Server) opinionItem(r *http.Request) (*auth.Account, opinion.Item, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, opinion.Item{}, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, opinion.Item{}, errs.New(errs.NotFound, "opinion.not_found")
	}
	it, err := opinion.ByID(r.Context(), s.db, *a, id)
	return a, it, err
}

// opinionPage shows an item with the forms for the steps the account may
// take.
func (s *Server) opinionPage(w http.ResponseWriter, r *http.Request) error {
	a, it, err := s.opinionItem(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "opinion.admin_title", "opinion")
	if d := r.URL.Query().Get("done"); d != "" && i18n.Has("opinion.done."+d) {
		p.Flash = p.T("opinion.done." + d)
	}
	return s.opinionRender(w, r, p, a, it, http.StatusOK)
}

// partView is a part on the item's page with what the account may do.
type partView struct {
	opinion.Assignment
	Responds bool
	Urgency  foi.Urgency
}

func (s *Server) opinionRender(w http.ResponseWriter, r *http.Request, p *page, a *auth.Account, it opinion.Item, status int) error {
	ctx := r.Context()
	cal, today := s.cfg.Calendar(), s.today()
	manages := opinion.Manages(*a, it)
	var parts []partView
	for _, as := range it.Parts {
		parts = append(parts, partView{as, opinion.Responds(*a, as) && it.State != opinion.Closed, opinion.UrgencyOn(cal, as, today)})
	}
	chosen := map[string]bool{}
	for _, c := range p.Form["unit"] {
		chosen[c] = true
	}
	data := map[string]any{"It": it, "Parts": parts, "Manages": manages, "Open": it.State != opinion.Closed, "Today": today.String(), "Chosen": chosen}
	if it.PolicyID != 0 {
		if rec, err := info.ByID(ctx, s.db, it.PolicyID); err == nil {
			data["Policy"] = rec
		}
	}
	if manages && it.State != opinion.Closed {
		groups, err := s.foiUnitGroups(ctx, &a.Unit)
		if err != nil {
			return err
		}
		due, err := opinion.DefaultDue(cal, it.Level, today)
		if err != nil {
			return err
		}
		data["Groups"], data["DefaultDue"], data["DefaultDays"] = groups, due.String(), opinion.DefaultDays[it.Level]
		data["Pending"] = it.Pending()
	}
	p.Title = it.Title
	p.Data = data
	s.render(w, r, status, "opinion_admin", p)
	return nil
}

// opinionSteps are the steps on an item, by URL name.
var opinionSteps = map[string]func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, it opinion.Item) (opinion.Item, error){
	"assign": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, it opinion.Item) (opinion.Item, error) {
		return opinion.Assign(r.Context(), tx, s.cfg.Calendar(), a, it.ID, opinion.AssignInput{Units: r.PostForm["unit"], Due: r.PostForm.Get("due")})
	},
	"instruct": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, it opinion.Item) (opinion.Item, error) {
		f := r.PostForm
		return opinion.Instruct(r.Context(), tx, a, it.ID, opinion.InstructionInput{Leader: f.Get("leader"), Day: f.Get("day"), Text: f.Get("text")})
	},
	"respond": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, it opinion.Item) (opinion.Item, error) {
		f := r.PostForm
		return opinion.Respond(r.Context(), tx, a, it.ID, partID(f.Get("part")), opinion.ResponseInput{Handling: f.Get("handling"),
			Response: f.Get("response"), Link: f.Get("link")})
	},
	"urge": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, it opinion.Item) (opinion.Item, error) {
		return opinion.Urge(r.Context(), tx, a, it.ID, partID(r.PostForm.Get("part")), r.PostForm.Get("note"), s.cfg.Push.Enabled(push.Email), s.baseURL(r))
	},
	"close": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, it opinion.Item) (opinion.Item, error) {
		return opinion.Close(r.Context(), tx, a, it.ID, r.PostForm.Get("conclusion"))
	},
	"publish": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, it opinion.Item) (opinion.Item, error) {
		return opinion.Publish(r.Context(), tx, a, it.ID, true)
	},
	"withdraw": func(s *Server, r *http.Request, tx *db.Tx, a auth.Account, it opinion.Item) (opinion.Item, error) {
		return opinion.Publish(r.Context(), tx, a, it.ID, false)
	},
}

// partID reads a part's id from a form; 0, which no part has, when it is
// not a number.
func partID(s string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return id
}

// opinionStep takes one step on an item. A refused step shows the page
// again with the form as typed and the reason.
func (s *Server) opinionStep(w http.ResponseWriter, r *http.Request) error {
	a, it, err := s.opinionItem(r)
	if err != nil {
		return err
	}
	name := r.PathValue("step")
	step, ok := opinionSteps[name]
	if !ok {
		return errs.New(errs.NotFound, "error.not_found")
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		_, err := step(s, r, tx, *a, it)
		return err
	})
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden {
			return err
		}
		p := s.adminPage(r, "opinion.admin_title", "opinion")
		p.Form = r.PostForm
		p.Form.Set("step", name)
		p.Error, p.Errors = i18n.Error(p.Lang, err), fieldErrors(p.Lang, err)
		return s.opinionRender(w, r, p, a, it, statusOf(k))
	}
	http.Redirect(w, r, opinionURL(it.ID)+"?done="+name, http.StatusSeeOther)
	return nil
}

// opinionScope returns the subtree a summary covers: ?scope=CODE in the
// office's own subtree, or its unit.
func (s *Server) opinionScope(r *http.Request, a *auth.Account) (org.Unit, error) {
	code := strings.TrimSpace(r.URL.Query().Get("scope"))
	if code == "" || code == a.Unit.Code {
		return a.Unit, nil
	}
	u, err := s.unitByCode(r.Context(), code)
	if err != nil || !a.InScope(u) {
		return org.Unit{}, errs.InvalidField("scope", "opinion.unit_unknown", code)
	}
	return u, nil
}
