package web

import (
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
	"gongkai/internal/org"
	"gongkai/internal/rules"
)

// rulesRoutes registers the workflow rules (制度) of the console, the
// portal's recommended rules (优秀制度) and the API.
func (s *Server) rulesRoutes(mux router) {
	mux.Handle("GET /zwgk/zd/yx/{$}", s.h(s.rulesRecommended))
	mux.Handle("GET /api/v1/units/{code}/rules", s.h(s.apiUnitRules))

	mux.Handle("GET /admin/rules", s.h(s.rulesAdminList))
	mux.Handle("GET /admin/rules/new", s.h(s.ruleNewPage))
	mux.Handle("POST /admin/rules", s.h(s.ruleSubmit))
	mux.Handle("GET /admin/rules/{id}", s.h(s.ruleAdminPage))
	// Every form of a rule posts to it: the revision as a multipart form
	// (with its files), the office's steps naming themselves with do=….
	mux.Handle("POST /admin/rules/{id}", s.h(s.rulePost))
	mux.Handle("GET /admin/rules/{id}/files/{version}/{seq}", s.h(s.ruleFile))
}

func adminRuleURL(id int64) string { return "/admin/rules/" + strconv.FormatInt(id, 10) }

// rulesAccount returns the signed-in account if it works on units' rules:
// as for records, everyone but a domain supervisor.
func rulesAccount(r *http.Request) (*auth.Account, error) { return consultAccount(r) }

// rulesAdminList shows the office's queue, the rules of the account's
// units, and the rules recommended to all.
func (s *Server) rulesAdminList(w http.ResponseWriter, r *http.Request) error {
	a, err := rulesAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	st := rules.State(r.URL.Query().Get("state"))
	if !slices.Contains(rules.States, st) {
		st = ""
	}
	mine, err := rules.List(ctx, s.db, rules.Filter{Scope: &a.Unit, State: st, Limit: 300})
	if err != nil {
		return err
	}
	recommended, err := rules.List(ctx, s.db, rules.Filter{Recommended: true, Limit: 100})
	if err != nil {
		return err
	}
	data := map[string]any{"Mine": mine, "Recommended": recommended, "State": string(st), "States": rules.States, "Office": rules.IsOffice(*a)}
	if rules.IsOffice(*a) {
		f := rules.Filter{Scope: &a.Unit, State: rules.Submitted, Limit: 300}
		if a.Role != auth.Admin {
			f.NotUnit = a.Unit.ID
		}
		if data["Queue"], err = rules.List(ctx, s.db, f); err != nil {
			return err
		}
	}
	units, err := s.ruleUnits(ctx, a)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.rules", "rules")
	data["CanSubmit"] = len(units) > 0
	p.Data = data
	s.render(w, r, http.StatusOK, "rules_admin_list", p)
	return nil
}

// ruleUnits returns the units a may submit rules for: those it writes for
// that have an office above them.
func (s *Server) ruleUnits(ctx context.Context, a *auth.Account) ([]org.Unit, error) {
	return s.unitsWhere(ctx, a, func(a auth.Account, u org.Unit) bool { return rules.CanSubmit(a, u) && u.ParentID != 0 })
}

func (s *Server) ruleNewPage(w http.ResponseWriter, r *http.Request) error {
	a, err := rulesAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "rules.new", "rules")
	p.Form = url.Values{"unit": {r.URL.Query().Get("unit")}, "adopted": {s.today().String()}}
	return s.ruleNewRender(w, r, a, p, http.StatusOK)
}

func (s *Server) ruleNewRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	units, err := s.ruleUnits(r.Context(), a)
	if err != nil {
		return err
	}
	if p.Form.Get("unit") == "" && len(units) > 0 {
		p.Form.Set("unit", units[0].Code)
	}
	p.Data = map[string]any{"Units": units, "Categories": rules.Categories}
	s.render(w, r, status, "rules_new", p)
	return nil
}

// ruleForm reads the rule form, a multipart form with its files (field
// file, several allowed) and, on a revision, the previous files to keep.
// It returns what was typed, to show the form again.
func ruleForm(w http.ResponseWriter, r *http.Request) (rules.Input, url.Values, error) {
	if err := parseReplyForm(w, r); err != nil {
		return rules.Input{}, nil, err
	}
	if r.MultipartForm == nil {
		if err := parseFormN(w, r, maxConsoleForm); err != nil {
			return rules.Input{}, nil, err
		}
		return ruleInput(r.PostForm), r.PostForm, nil
	}
	f := url.Values(r.MultipartForm.Value)
	if err := checkValues(f); err != nil {
		return rules.Input{}, f, err
	}
	in := ruleInput(f)
	ups, err := replyUploads(r)
	if err != nil {
		return in, f, err
	}
	for _, u := range ups {
		if err := checkText("file", u.Name); err != nil {
			return in, f, err
		}
		in.Files = append(in.Files, rules.File{Name: u.Name, Data: u.Data})
	}
	return in, f, nil
}

func ruleInput(f url.Values) rules.Input {
	in := rules.Input{Title: f.Get("title"), Category: f.Get("category"), Adopted: f.Get("adopted"), Body: f.Get("body")}
	for _, k := range f["keep"] {
		n, err := strconv.Atoi(k)
		if err != nil {
			n = -1 // named as a file that does not exist
		}
		in.Keep = append(in.Keep, n)
	}
	return in
}

// ruleSubmit sends a new rule to the unit's office.
func (s *Server) ruleSubmit(w http.ResponseWriter, r *http.Request) error {
	a, err := rulesAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	in, form, err := ruleForm(w, r)
	var rule rules.Rule
	if err == nil {
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			u, err := org.ByCode(ctx, tx, form.Get("unit"))
			if err != nil || !a.InScope(u) {
				return errs.InvalidField("unit", "unit.not_found", form.Get("unit"))
			}
			rule, err = rules.Submit(ctx, tx, *a, s.cfg.Files, u, in)
			return err
		})
	}
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Forbidden {
			return err
		}
		p := s.adminPage(r, "rules.new", "rules")
		p.Form, p.Errors, p.Error = orEmpty(form), fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
		return s.ruleNewRender(w, r, a, p, statusOf(k))
	}
	http.Redirect(w, r, adminRuleURL(rule.ID)+"?done=submitted", http.StatusSeeOther)
	return nil
}

func orEmpty(f url.Values) url.Values {
	if f == nil {
		return url.Values{}
	}
	return f
}

// scopedRule loads the rule of the path if a may see it; one outside a's
// scope is not found, as for records.
func (s *Server) scopedRule(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account) (rules.Rule, error) {
	return scopedByID(r, "rules.not_found", func(id int64) (rules.Rule, error) { return rules.ByID(ctx, q, id) },
		func(x rules.Rule) bool { return rules.CanSee(*a, x.Unit) })
}

// scopedByID loads with load the object the path's {id} names if may lets
// the account see it. A malformed id, a missing object and one the
// account may not see are the same NotFound error (key), so that nothing
// outside a scope is told to exist.
func scopedByID[T any](r *http.Request, key string, load func(id int64) (T, error), may func(T) bool) (T, error) {
	var none T
	notFound := errs.New(errs.NotFound, key, r.PathValue("id"))
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return none, notFound
	}
	v, err := load(id)
	if errs.KindOf(err) == errs.NotFound || (err == nil && !may(v)) {
		return none, notFound
	}
	return v, err
}

func (s *Server) ruleAdminPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	rule, err := s.scopedRule(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.rules", "rules")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("rules.done."+m) {
		p.Flash = p.T("rules.done." + m)
	}
	return s.ruleAdminRender(w, r, a, p, rule, http.StatusOK)
}

// ruleAdminData is what the console page of a rule shows.
type ruleAdminData struct {
	Rule       rules.Rule
	Versions   []rules.Version
	Categories []rules.Category
	// Kept marks the files of the revision form that stay ticked.
	Kept                                            map[int]bool
	CanRevise, CanReview, CanRecommend, CanWithdraw bool
}

func (s *Server) ruleAdminRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, rule rules.Rule, status int) error {
	vs, err := rules.Versions(r.Context(), s.db, rule.ID)
	if err != nil {
		return err
	}
	kept := map[int]bool{}
	if p.Form.Get("form") != "revise" {
		// Not the revision form shown again: it starts from the rule.
		p.Form = url.Values{"title": {rule.Title}, "category": {string(rule.Category)}, "adopted": {rule.Adopted}, "body": {rule.Body},
			"reason": p.Form["reason"], "withdraw_reason": p.Form["withdraw_reason"]}
		for _, f := range rule.Files {
			kept[f.Seq] = true
		}
	} else {
		for _, k := range p.Form["keep"] {
			n, _ := strconv.Atoi(k)
			kept[n] = true
		}
	}
	p.Title = rule.Title
	p.Data = ruleAdminData{Rule: rule, Versions: vs, Categories: rules.Categories, Kept: kept,
		CanRevise:    rules.CanSubmit(*a, rule.Unit) && (rule.State == rules.Returned || rule.State == rules.Accepted),
		CanReview:    rules.CanReview(*a, rule.Unit) && rule.State == rules.Submitted,
		CanRecommend: rules.CanReview(*a, rule.Unit) && rule.Published(),
		CanWithdraw:  rules.CanWithdraw(*a, rule) && rule.State != rules.Withdrawn}
	s.render(w, r, status, "rule_admin", p)
	return nil
}

// rulePost runs the step a form of the rule's page names: the revision
// (a multipart form with the rule's fields and files), or accept,
// return, recommend, unrecommend or withdraw (do=…).
func (s *Server) rulePost(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := s.scopedRule(ctx, s.db, r, a); err != nil {
		return err
	}
	var in rules.Input
	var f url.Values
	do := "revise"
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		in, f, err = ruleForm(w, r)
	} else if err = parseFormN(w, r, maxConsoleForm); err == nil {
		f, do = r.PostForm, r.PostForm.Get("do")
	}
	var id int64
	if err == nil {
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			cur, err := s.scopedRule(ctx, tx, r, a)
			if err != nil {
				return err
			}
			id = cur.ID
			switch do {
			case "revise":
				_, err = rules.Revise(ctx, tx, *a, s.cfg.Files, cur, in)
			case "accept":
				_, err = rules.Accept(ctx, tx, *a, s.cfg.Files, cur)
			case "return":
				_, err = rules.Return(ctx, tx, *a, cur, f.Get("reason"))
			case "recommend", "unrecommend":
				_, err = rules.Recommend(ctx, tx, *a, cur, do == "recommend")
			case "withdraw":
				_, err = rules.Withdraw(ctx, tx, *a, cur, f.Get("withdraw_reason"))
				if e := errs.As(err); e != nil && e.Field == "reason" {
					e.Field = "withdraw_reason"
				}
			default:
				err = errNotFoundPage
			}
			return err
		})
	}
	if err == nil {
		http.Redirect(w, r, adminRuleURL(id)+"?done="+do, http.StatusSeeOther)
		return nil
	}
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden && k != errs.Unprocessable {
		return err
	}
	rule, lerr := s.scopedRule(ctx, s.db, r, a)
	if lerr != nil {
		return lerr
	}
	p := s.adminPage(r, "admin.rules", "rules")
	p.Form, p.Errors, p.Error = orEmpty(f), fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.ruleAdminRender(w, r, a, p, rule, statusOf(k))
}

// ruleFile downloads a file of a version of a rule in scope; nothing
// keeps it (a version not published is the unit's).
func (s *Server) ruleFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	rule, err := s.scopedRule(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	vs, err := rules.Versions(r.Context(), s.db, rule.ID)
	if err != nil {
		return err
	}
	v, _ := strconv.Atoi(r.PathValue("version"))
	i := slices.IndexFunc(vs, func(x rules.Version) bool { return x.Version == v })
	if i < 0 {
		return errs.New(errs.NotFound, "rules.file_not_found", r.PathValue("seq"))
	}
	at, err := vs[i].File(fileSeq(r))
	if err != nil {
		return err
	}
	return s.serveStored(w, r, at.SHA256, at.Name, at.MIME, false)
}
