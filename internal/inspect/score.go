package inspect

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// PassMark is the lowest passing score: below it a unit fails (不合格), as
// in the 政府网站与政务新媒体检查指标 of 国办秘函〔2019〕19号.
const PassMark = 60.0

// VetoTarget is the target of the finding that fails a unit outright,
// whatever its score (单项否决): no published catalog, or every standard
// column empty. The finding costs no points itself; it caps the score
// below PassMark. Saved runs keep it as any other finding, so a run read
// back knows why a unit failed.
var VetoTarget = say("inspect.f.veto")

// Veto reports whether the finding fails its unit outright.
func (f Finding) Veto() bool { return f.Target == VetoTarget }

// passes reports whether a score passes.
func passes(score float64) bool { return score >= PassMark }

// cost is what n of the total things a rule expects of a unit cost it
// when they are missing or wrong. A proportional rule deducts its weight
// in proportion, so that a unit doing nothing loses the whole weight and
// one doing more never loses more for it; any other rule deducts its
// fixed points per finding.
func (r Rule) cost(n, total int) float64 {
	if !r.Proportional {
		return r.Deduction
	}
	if total <= 0 {
		return 0
	}
	return r.Weight * float64(n) / float64(total)
}

// veto records that rule r fails the unit with id unitID outright, if the
// rule carries a veto.
func (run *Run) veto(r Rule, unitID int64, expected, actual string) {
	if r.Veto {
		run.add(r, 0, unitID, VetoTarget, expected, actual)
	}
}

// score sets each unit's points: each rule's findings deduct their points,
// up to the rule's weight; a score is 100 less the deductions, at least 0.
// A vetoed unit scores at most one point below the pass mark.
func (run *Run) score() {
	weights := map[string]float64{}
	for _, r := range run.rules.Rules {
		weights[r.ID] = r.Weight
	}
	run.UnitCount, run.FindingCount = len(run.Units), 0
	for i := range run.Units {
		u := &run.Units[i]
		by := map[string]float64{}
		vetoed := false
		for _, f := range u.Findings {
			by[f.Rule] += f.Points
			vetoed = vetoed || f.Veto()
		}
		total := 0.0
		for id, p := range by {
			total += min(p, weights[id])
		}
		u.Score = math.Max(0, math.Round((100-total)*10)/10)
		if vetoed {
			u.Score = min(u.Score, PassMark-1)
		}
		u.Passed = passes(u.Score)
		slices.SortStableFunc(u.Findings, func(a, b Finding) int {
			return cmp.Or(cmp.Compare(ruleOrder(run.rules, a.Rule), ruleOrder(run.rules, b.Rule)),
				-compareBool(a.Veto(), b.Veto()), strings.Compare(a.Target, b.Target))
		})
		run.FindingCount += len(u.Findings)
	}
}

func ruleOrder(s RuleSet, id string) int {
	for i, r := range s.Rules {
		if r.ID == id {
			return i
		}
	}
	return len(s.Rules)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// Vetoes returns the findings that fail the unit outright.
func (u UnitResult) Vetoes() []Finding {
	var out []Finding
	for _, f := range u.Findings {
		if f.Veto() {
			out = append(out, f)
		}
	}
	return out
}

// VerdictKey is the message key of the unit's verdict: 合格 or 不合格.
func (u UnitResult) VerdictKey() string {
	if u.Passed {
		return "inspect.pass"
	}
	return "inspect.fail"
}
