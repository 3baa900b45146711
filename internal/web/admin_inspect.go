package web

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
)

// inspectScopes are the units an account may start an inspection of: its
// own unit and the districts under it.
func (s *Server) inspectScopes(r *http.Request, a *auth.Account) ([]org.Unit, error) {
	if !inspect.CanRun(*a, a.Unit) {
		return nil, nil
	}
	dir, err := s.units(r.Context())
	if err != nil {
		return nil, err
	}
	out := []org.Unit{a.Unit}
	for _, u := range dir.Subtree(a.Unit)[1:] {
		if u.Kind == org.District || u.Kind == org.Town || u.Kind == org.Street {
			out = append(out, u)
		}
	}
	return out, nil
}

// inspectPage lists the inspections touching the account's scope, with the
// form to start one.
func (s *Server) inspectPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	return s.inspectList(w, r, s.adminPage(r, "admin.inspect", "inspect"), a, http.StatusOK)
}

func (s *Server) inspectList(w http.ResponseWriter, r *http.Request, p *page, a *auth.Account, status int) error {
	runs, err := inspect.Runs(r.Context(), s.db, *a, 100)
	if err != nil {
		return err
	}
	scopes, err := s.inspectScopes(r, a)
	if err != nil {
		return err
	}
	if len(p.Form) == 0 {
		p.Form = map[string][]string{"as_of": {calendar.DateOf(s.db.Now().In(calendar.China)).String()}}
	}
	trend, err := inspect.Trend(r.Context(), s.db, *a, 12)
	if err != nil {
		return err
	}
	var bars []bar
	for _, t := range trend {
		bars = append(bars, bar{Label: p.T("inspect.run_title", t.RunID) + " · " + t.AsOf, Value: t.Avg, Text: fmt.Sprintf("%.1f", t.Avg)})
	}
	data := map[string]any{"Runs": runs, "Scopes": scopes, "CanEditRules": inspect.CanEditRules(*a), "Trend": trend}
	if len(bars) > 0 {
		data["TrendChart"] = barChart(p.T("inspect.trend"), bars, 100)
	}
	p.Data = data
	s.render(w, r, status, "inspect", p)
	return nil
}

// inspectRun runs and saves an inspection, then shows it.
func (s *Server) inspectRun(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	p := s.adminPage(r, "admin.inspect", "inspect")
	p.Form = r.PostForm
	run, ferr := s.startInspection(r, a, r.PostForm.Get("scope"), r.PostForm.Get("as_of"))
	if ferr != nil {
		if errs.KindOf(ferr) != errs.Invalid {
			return ferr
		}
		p.Error = i18n.Error(p.Lang, ferr)
		p.Errors = fieldErrors(p.Lang, ferr)
		return s.inspectList(w, r, p, a, http.StatusBadRequest)
	}
	http.Redirect(w, r, "/admin/inspect/"+strconv.FormatInt(run.ID, 10), http.StatusSeeOther)
	return nil
}

// startInspection checks the scope and date a person gave and runs.
func (s *Server) startInspection(r *http.Request, a *auth.Account, scopeCode, asOf string) (*inspect.Run, error) {
	scope := a.Unit
	if scopeCode != "" {
		dir, err := s.units(r.Context())
		if err != nil {
			return nil, err
		}
		if scope, err = dir.ByCode(scopeCode); err != nil {
			return nil, errs.InvalidField("scope", "unit.not_found", scopeCode)
		}
	}
	var day calendar.Date
	if asOf = strings.TrimSpace(asOf); asOf != "" {
		var err error
		if day, err = calendar.ParseDate(asOf); err != nil {
			return nil, errs.InvalidField("as_of", "inspect.bad_date", asOf)
		}
	}
	return inspect.Inspect(r.Context(), s.db, s.cfg.Calendar(), a, inspect.Options{Scope: scope, AsOf: day, Save: true})
}

// ruleSummary counts a run's findings by rule.
type ruleSummary struct {
	Rule  inspect.Rule
	Count int
	Units int
}

// inspectRunPage shows a run: scores of the units the account may see,
// findings by rule and each unit's findings.
func (s *Server) inspectRunPage(w http.ResponseWriter, r *http.Request) error {
	a, run, rules, err := s.accountRun(r)
	if err != nil {
		return err
	}
	var sums []ruleSummary
	for _, rule := range rules.Rules {
		sum := ruleSummary{Rule: rule}
		for _, u := range run.Units {
			n := 0
			for _, f := range u.Findings {
				if f.Rule == rule.ID {
					n++
				}
			}
			sum.Count += n
			if n > 0 {
				sum.Units++
			}
		}
		sums = append(sums, sum)
	}
	units := slices.Clone(run.Units)
	if r.URL.Query().Get("sort") == "score" {
		slices.SortStableFunc(units, func(x, y inspect.UnitResult) int {
			switch {
			case x.Score < y.Score:
				return -1
			case x.Score > y.Score:
				return 1
			}
			return 0
		})
	}
	notices, err := inspect.RunNotices(r.Context(), s.db, run.ID)
	if err != nil {
		return err
	}
	notify := map[int64]bool{}
	for _, u := range run.Units {
		notify[u.Unit.ID] = len(u.Findings) > 0 && notices[u.Unit.ID] == 0 && inspect.CanRun(*a, u.Unit)
	}
	all, err := inspect.Runs(r.Context(), s.db, *a, 50)
	if err != nil {
		return err
	}
	var earlier []inspect.RunSummary
	for _, o := range all {
		if o.ID < run.ID {
			earlier = append(earlier, o)
		}
	}
	p := s.adminPage(r, "admin.inspect", "inspect")
	p.Title = p.T("inspect.run_title", run.ID)
	if r.URL.Query().Get("published") != "" {
		p.Flash = p.T("inspect.published_flash")
	}
	dir, err := s.units(r.Context())
	if err != nil {
		return err
	}
	var groupBars, ruleBars []bar
	for _, g := range scoreGroups(dir, run) {
		groupBars = append(groupBars, bar{Label: g.Unit.Name, Value: g.Avg, Text: fmt.Sprintf("%.1f", g.Avg)})
	}
	names, most := ruleNames(p.Lang, rules), 0
	for _, sum := range sums {
		if sum.Count > 0 {
			ruleBars = append(ruleBars, bar{Label: names[sum.Rule.ID], Value: float64(sum.Count), Text: strconv.Itoa(sum.Count)})
			most = max(most, sum.Count)
		}
	}
	slices.SortStableFunc(ruleBars, func(x, y bar) int { return cmp.Compare(y.Value, x.Value) })
	p.Data = map[string]any{"Run": run, "Units": units, "Rules": sums, "RuleNames": names, "PassMark": int(inspect.PassMark),
		"GroupChart": barChart(p.T("inspect.chart_groups"), groupBars, 100), "KindChart": barChart(p.T("inspect.chart_kinds"), ruleBars, float64(most)),
		"Notices": notices, "Notify": notify, "CanPublish": inspect.CanRun(*a, run.Scope) && !run.PublishedAt.Valid, "Earlier": earlier}
	s.render(w, r, http.StatusOK, "inspect_run", p)
	return nil
}

// ruleNames names the rules of a rule set in lang.
func ruleNames(lang i18n.Lang, rules inspect.RuleSet) map[string]string {
	names := map[string]string{}
	for _, rule := range rules.Rules {
		names[rule.ID] = rule.Name
		if lang == i18n.En {
			names[rule.ID] = rule.NameEn
		}
	}
	return names
}

// inspectXLSX downloads a run's scores and findings, as the account sees
// them.
func (s *Server) inspectXLSX(w http.ResponseWriter, r *http.Request) error {
	_, run, rules, err := s.accountRun(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := inspect.WriteXLSX(&buf, run, ruleNames(i18n.Zh, rules)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="inspection-%d.xlsx"`, run.ID))
	w.Write(buf.Bytes())
	return nil
}

// inspectPublish publishes a run's results on the portal.
func (s *Server) inspectPublish(w http.ResponseWriter, r *http.Request) error {
	a, id, err := accountAndID(r, "id")
	if err != nil {
		return err
	}
	if err := s.db.InTx(r.Context(), func(tx *db.Tx) error { return inspect.Publish(r.Context(), tx, *a, id) }); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/inspect/%d?published=1", id), http.StatusSeeOther)
	return nil
}

// noticeSend sends a unit its findings in a run, to fix within a number
// of working days.
func (s *Server) noticeSend(w http.ResponseWriter, r *http.Request) error {
	a, id, err := accountAndID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	if _, err := inspect.LoadRun(r.Context(), s.db, id, *a); err != nil {
		return err
	}
	u, err := s.unitByCode(r.Context(), r.PostForm.Get("unit"))
	if err != nil {
		return errs.InvalidField("unit", "unit.not_found", r.PostForm.Get("unit"))
	}
	days, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("days")))
	if err != nil {
		days = -1
	}
	var n inspect.Notice
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		n, err = inspect.SendNotice(r.Context(), tx, s.cfg.Calendar(), *a, id, u, days, r.PostForm.Get("note"))
		return err
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/rectification/%d", n.ID), http.StatusSeeOther)
	return nil
}

// noticesPage lists the rectification notices in the account's scope,
// open ones first, overdue ones marked.
func (s *Server) noticesPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	ns, err := inspect.Notices(r.Context(), s.db, *a, 500)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "inspect.notices", "rectification")
	p.Data = map[string]any{"Notices": ns, "Today": s.today()}
	s.render(w, r, http.StatusOK, "inspect_notices", p)
	return nil
}

func (s *Server) today() calendar.Date { return calendar.DateOf(s.db.Now().In(calendar.China)) }

// noticePage shows a notice: the findings with the unit's answers, the
// answer forms for the unit and the re-check for the office.
func (s *Server) noticePage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	return s.notice(w, r, s.adminPage(r, "inspect.notice", "rectification"), a, http.StatusOK)
}

func (s *Server) notice(w http.ResponseWriter, r *http.Request, p *page, a *auth.Account, status int) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	n, err := inspect.NoticeByID(r.Context(), s.db, id, *a)
	if err != nil {
		return err
	}
	var rules inspect.RuleSet
	if run, err := inspect.LoadRun(r.Context(), s.db, n.RunID, *a); err == nil {
		rules, _ = inspect.RulesVersion(r.Context(), s.db, run.RulesVersion)
	}
	p.Title = p.T("inspect.notice_title", n.ID, n.Unit.Name)
	switch {
	case r.URL.Query().Get("rechecked") != "":
		p.Flash = p.T("inspect.rechecked", n.Open)
	case r.URL.Query().Get("answered") != "":
		p.Flash = p.T("inspect.answered")
	}
	p.Data = map[string]any{"Notice": n, "RuleNames": ruleNames(p.Lang, rules), "CanAnswer": a.Writes(n.Unit) && !n.ClosedAt.Valid,
		"CanRecheck": inspect.CanRun(*a, n.Unit) && !n.ClosedAt.Valid, "Overdue": n.Overdue(s.today())}
	s.render(w, r, status, "inspect_notice", p)
	return nil
}

// findingAnswer records a unit's answer to a finding.
func (s *Server) findingAnswer(w http.ResponseWriter, r *http.Request) error {
	a, fid, err := accountAndID(r, "finding")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	ferr := s.db.InTx(r.Context(), func(tx *db.Tx) error {
		return inspect.AnswerFinding(r.Context(), tx, *a, fid, r.PostForm.Get("answer"), r.PostForm.Get("note"))
	})
	if ferr != nil {
		if errs.KindOf(ferr) != errs.Invalid {
			return ferr
		}
		p := s.adminPage(r, "inspect.notice", "rectification")
		p.Form = r.PostForm
		p.Error = i18n.Error(p.Lang, ferr)
		p.Errors = map[string]string{"finding": r.PathValue("finding")}
		return s.notice(w, r, p, a, http.StatusBadRequest)
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/rectification/%s?answered=1#f%d", r.PathValue("id"), fid), http.StatusSeeOther)
	return nil
}

// noticeRecheck re-inspects the notice's unit and settles its findings.
func (s *Server) noticeRecheck(w http.ResponseWriter, r *http.Request) error {
	a, id, err := accountAndID(r, "id")
	if err != nil {
		return err
	}
	if _, err := inspect.Recheck(r.Context(), s.db, s.cfg.Calendar(), *a, id); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/rectification/%d?rechecked=1", id), http.StatusSeeOther)
	return nil
}

// accountRun returns the signed-in account, the run in the path as it
// sees it, and the rules the run used.
func (s *Server) accountRun(r *http.Request) (*auth.Account, *inspect.Run, inspect.RuleSet, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, nil, inspect.RuleSet{}, err
	}
	run, err := s.loadRun(r, a)
	if err != nil {
		return nil, nil, inspect.RuleSet{}, err
	}
	rules, err := inspect.RulesVersion(r.Context(), s.db, run.RulesVersion)
	return a, run, rules, err
}

func (s *Server) loadRun(r *http.Request, a *auth.Account) (*inspect.Run, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, errNotFoundPage
	}
	return inspect.LoadRun(r.Context(), s.db, id, *a)
}

// inspectRulesPage shows the rules in force and, to those who may, the
// form to change them.
func (s *Server) inspectRulesPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	return s.inspectRules(w, r, s.adminPage(r, "inspect.rules", "inspect"), a, http.StatusOK)
}

func (s *Server) inspectRules(w http.ResponseWriter, r *http.Request, p *page, a *auth.Account, status int) error {
	var rules inspect.RuleSet
	err := s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		rules, err = inspect.CurrentRules(r.Context(), tx)
		return err
	})
	if err != nil {
		return err
	}
	if len(p.Form) == 0 {
		p.Form = map[string][]string{}
		for _, rule := range rules.Rules {
			p.Form.Set("weight_"+rule.ID, fmtPoints(rule.Weight))
			p.Form.Set("deduction_"+rule.ID, fmtPoints(rule.Deduction))
			if rule.Enabled {
				p.Form.Set("enabled_"+rule.ID, "on")
			}
		}
	}
	day, err := inspect.ScheduleDay(r.Context(), s.db)
	if err != nil {
		return err
	}
	if p.V("day") == "" {
		p.Form.Set("day", strconv.Itoa(day))
	}
	p.Data = map[string]any{"Rules": rules, "CanEdit": inspect.CanEditRules(*a), "Day": day}
	s.render(w, r, status, "inspect_rules", p)
	return nil
}

// inspectSchedule sets the day of the month the city is inspected on.
func (s *Server) inspectSchedule(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	day, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("day")))
	if err != nil {
		day = -1
	}
	ferr := s.db.InTx(r.Context(), func(tx *db.Tx) error { return inspect.SetScheduleDay(r.Context(), tx, *a, day) })
	if ferr != nil {
		if errs.KindOf(ferr) != errs.Invalid {
			return ferr
		}
		p := s.adminPage(r, "inspect.rules", "inspect")
		p.Form = r.PostForm
		p.Error = i18n.Error(p.Lang, ferr)
		p.Errors = fieldErrors(p.Lang, ferr)
		return s.inspectRules(w, r, p, a, http.StatusBadRequest)
	}
	http.Redirect(w, r, "/admin/inspect/rules?scheduled=1", http.StatusSeeOther)
	return nil
}

func fmtPoints(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }

// inspectRulesSave saves a new version of the rules from the form.
func (s *Server) inspectRulesSave(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if !inspect.CanEditRules(*a) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	p := s.adminPage(r, "inspect.rules", "inspect")
	p.Form = r.PostForm
	var changes []inspect.RuleChange
	var bad errs.Multi
	for _, rule := range inspect.DefaultRules() {
		wt, err1 := strconv.ParseFloat(strings.TrimSpace(r.PostForm.Get("weight_"+rule.ID)), 64)
		de, err2 := strconv.ParseFloat(strings.TrimSpace(r.PostForm.Get("deduction_"+rule.ID)), 64)
		if err1 != nil || err2 != nil {
			bad = append(bad, errs.InvalidField("rule_"+rule.ID, "inspect.rule_points", rule.Name))
			continue
		}
		changes = append(changes, inspect.RuleChange{ID: rule.ID, Enabled: r.PostForm.Get("enabled_"+rule.ID) != "", Weight: wt, Deduction: de})
	}
	var ferr error = bad.Err()
	if ferr == nil {
		ferr = s.db.InTx(r.Context(), func(tx *db.Tx) error {
			_, err := inspect.EditRules(r.Context(), tx, *a, changes, r.PostForm.Get("comment"))
			return err
		})
	}
	if ferr != nil {
		if errs.KindOf(ferr) != errs.Invalid {
			return ferr
		}
		p.Error = i18n.Error(p.Lang, ferr)
		p.Errors = fieldErrors(p.Lang, ferr)
		return s.inspectRules(w, r, p, a, http.StatusBadRequest)
	}
	http.Redirect(w, r, "/admin/inspect/rules?saved=1", http.StatusSeeOther)
	return nil
}

// apiInspect runs an inspection: POST /api/v1/admin/inspect with
// {"scope": CODE, "as_of": DATE}; it answers as `gongkai inspect run --json`.
func (s *Server) apiInspect(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	var in struct {
		Scope string `json:"scope"`
		AsOf  string `json:"as_of"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	run, err := s.startInspection(r, a, in.Scope, in.AsOf)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, runJSON(run))
	return nil
}

// apiInspectRun returns a saved run, the units in the caller's scope.
func (s *Server) apiInspectRun(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	run, err := s.loadRun(r, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, runJSON(run))
	return nil
}

func runJSON(run *inspect.Run) map[string]any {
	return map[string]any{"run": run.ID, "scope": run.ScopeCode, "as_of": run.AsOf, "rules_version": run.RulesVersion, "units": run.Units}
}

// accountAndID returns the signed-in account and the number in the path
// segment name.
func accountAndID(r *http.Request, name string) (*auth.Account, int64, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return nil, 0, errNotFoundPage
	}
	return a, id, nil
}

// inspectCompare compares the run in the path with another
// (?with=ID): new, fixed and persisting findings, in the account's scope.
func (s *Server) inspectCompare(w http.ResponseWriter, r *http.Request) error {
	a, later, rules, err := s.accountRun(r)
	if err != nil {
		return err
	}
	with, err := strconv.ParseInt(r.URL.Query().Get("with"), 10, 64)
	if err != nil {
		return errs.InvalidField("with", "inspect.compare_pick")
	}
	earlier, err := inspect.LoadRun(r.Context(), s.db, with, *a)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "inspect.compare", "inspect")
	p.Title = p.T("inspect.compare_title", earlier.ID, later.ID)
	p.Data = map[string]any{"Cmp": inspect.Compare(earlier, later), "RuleNames": ruleNames(p.Lang, rules)}
	s.render(w, r, http.StatusOK, "inspect_compare", p)
	return nil
}
