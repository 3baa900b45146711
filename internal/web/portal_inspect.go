package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"gongkai/internal/inspect"
	"gongkai/internal/org"
)

// pingyiList lists the published inspection results (评议结果).
func (s *Server) pingyiList(w http.ResponseWriter, r *http.Request) error {
	runs, err := inspect.PublishedRuns(r.Context(), s.db)
	if err != nil {
		return err
	}
	p := s.newPage(r, "col.pingyi")
	p.Section = "zwgk"
	p.Data = map[string]any{"Runs": runs}
	s.render(w, r, http.StatusOK, "pingyi", p)
	return nil
}

// groupScore is the average score of a group of units and how many of
// them passed.
type groupScore struct {
	Unit   org.Unit
	Avg    float64
	Units  int
	Passed int
}

// pingyiRun shows a published run: average scores by district, findings
// by kind, and every unit's score.
func (s *Server) pingyiRun(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	run, err := inspect.LoadPublished(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	rules, err := inspect.RulesVersion(r.Context(), s.db, run.RulesVersion)
	if err != nil {
		return err
	}
	dir, err := s.units(r.Context())
	if err != nil {
		return err
	}
	p := s.newPage(r, "col.pingyi")
	p.Section = "zwgk"
	p.Title = p.T("inspect.public_title", run.Scope.Name, run.AsOf)
	names := ruleNames(p.Lang, rules)
	groups, byRule := scoreGroups(dir, run), map[string][2]int{}
	for _, u := range run.Units {
		seen := map[string]bool{}
		for _, f := range u.Findings {
			c := byRule[f.Rule]
			c[0]++
			if !seen[f.Rule] {
				c[1]++
				seen[f.Rule] = true
			}
			byRule[f.Rule] = c
		}
	}
	var groupBars, ruleBars []bar
	for _, g := range groups {
		groupBars = append(groupBars, bar{Label: g.Unit.Name, Value: g.Avg, Text: fmt.Sprintf("%.1f", g.Avg)})
	}
	type kind struct {
		Name         string
		Count, Units int
	}
	var kinds []kind
	maxCount := 0
	for _, rule := range rules.Rules {
		if c := byRule[rule.ID]; c[0] > 0 {
			kinds = append(kinds, kind{names[rule.ID], c[0], c[1]})
			maxCount = max(maxCount, c[0])
		}
	}
	slices.SortStableFunc(kinds, func(a, b kind) int { return cmp.Compare(b.Count, a.Count) })
	for _, k := range kinds {
		ruleBars = append(ruleBars, bar{Label: k.Name, Value: float64(k.Count), Text: strconv.Itoa(k.Count)})
	}
	p.Data = map[string]any{"Run": run, "Groups": groups, "Kinds": kinds, "PassMark": int(inspect.PassMark),
		"GroupChart": barChart(p.T("inspect.chart_groups"), groupBars, 100),
		"KindChart":  barChart(p.T("inspect.chart_kinds"), ruleBars, float64(maxCount))}
	s.render(w, r, http.StatusOK, "pingyi_run", p)
	return nil
}

// scoreGroups averages the run's scores by the districts (or, in a
// district's run, the units directly) under its scope; units at the
// scope's own level count as its own group.
func scoreGroups(dir *org.Directory, run *inspect.Run) []groupScore {
	children := dir.Children(run.Scope.ID)
	sums := map[int64]*groupScore{}
	var order []int64
	for _, u := range run.Units {
		g := run.Scope
		for _, c := range children {
			if c.Contains(u.Unit) && (c.Kind == org.District || len(dir.Children(c.ID)) > 0) {
				g = c
				break
			}
		}
		if sums[g.ID] == nil {
			sums[g.ID] = &groupScore{Unit: g}
			order = append(order, g.ID)
		}
		sums[g.ID].Avg += u.Score
		sums[g.ID].Units++
		if u.Passed {
			sums[g.ID].Passed++
		}
	}
	out := make([]groupScore, 0, len(order))
	for _, id := range order {
		g := *sums[id]
		g.Avg = float64(int(g.Avg/float64(g.Units)*10+0.5)) / 10
		out = append(out, g)
	}
	return out
}
