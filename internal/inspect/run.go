package inspect

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Finding is one thing a rule found wrong at a unit.
type Finding struct {
	ID       int64   `json:"id,omitempty"`
	Rule     string  `json:"rule"`
	Unit     string  `json:"-"`
	Target   string  `json:"target"`
	Expected string  `json:"expected"`
	Actual   string  `json:"actual"`
	Points   float64 `json:"points"`
	// Rectification, once a notice was sent: the state (open, closed,
	// reopened), the unit's answer (fixed or disputed) and its note.
	NoticeID   int64  `json:"notice,omitempty"`
	State      string `json:"state,omitempty"`
	Answer     string `json:"answer,omitempty"`
	AnswerNote string `json:"answer_note,omitempty"`
	AnsweredBy string `json:"-"`
	unitID     int64
}

// UnitResult is a unit's score and findings in a run.
type UnitResult struct {
	Unit  org.Unit `json:"-"`
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	Score float64  `json:"score"`
	// Passed: the score is at least PassMark (合格).
	Passed   bool      `json:"passed"`
	Findings []Finding `json:"findings"`
}

// Run is an inspection of the units under a scope as of a date.
type Run struct {
	ID             int64        `json:"id,omitempty"`
	Scope          org.Unit     `json:"-"`
	ScopeCode      string       `json:"scope"`
	AsOf           string       `json:"as_of"`
	RulesVersion   int          `json:"rules_version"`
	StartedBy      string       `json:"started_by"`
	StartedAt      time.Time    `json:"started_at"`
	FinishedAt     time.Time    `json:"finished_at"`
	Units          []UnitResult `json:"units"`
	PublishedAt    sql.NullTime `json:"-"`
	PublishedBy    string       `json:"-"`
	UnitCount      int          `json:"-"`
	FindingCount   int          `json:"-"`
	rules          RuleSet
	cal            *calendar.Calendar
	asOf           calendar.Date
	end            time.Time    // the instant after the as-of day, in China
	Links          *LinkChecker `json:"-"`
	unitByID       map[int64]int
	catalogDomains map[int64]map[string]bool // unit → domain codes with a published catalog
}

// inspected reports whether units of kind k are inspected by the generic
// rules: those that run their own columns, and public institutions, which
// keep their own catalogs and information (plan item 十八). Villages and
// communities publish through their town or street; the village rule
// alone inspects those that keep a list (see keepers in village.go).
func inspected(k org.Kind) bool {
	switch k {
	case org.Village, org.Community:
		return false
	}
	return true
}

// applies reports whether rule id counts against units of kind k. The
// village rule is for villages and communities only. The standard columns
// (指南、制度、法定主动公开内容、年报) are the governments' own under the
// Regulation (Art. 49's annual reports are theirs), so their two rules
// pass over public institutions.
func applies(id string, k org.Kind) bool {
	switch k {
	case org.Village, org.Community:
		return id == VillageConsistency
	case org.PublicInstitution:
		return id != EmptyColumn && id != StaleColumn && id != VillageConsistency
	}
	return id != VillageConsistency
}

// Options say what to inspect.
type Options struct {
	Scope org.Unit
	// AsOf is the day the inspection looks from (records published and
	// catalogs in force by its end); zero means today.
	AsOf calendar.Date
	// Save keeps the run, its scores and findings.
	Save bool
	// Links checks links instead of the rule's settings; nil uses them.
	Links *LinkChecker
	// By names who started a run without an account: "cli" when empty.
	By string
}

// Inspect runs the current rules over the units under o.Scope. actor is
// the account, or nil for the command line. The calendar counts working
// days for the time limits.
func Inspect(ctx context.Context, d *db.DB, cal *calendar.Calendar, actor *auth.Account, o Options) (*Run, error) {
	by := cmp.Or(o.By, "cli")
	if actor != nil {
		if !CanRun(*actor, o.Scope) {
			return nil, errs.New(errs.Forbidden, "error.forbidden")
		}
		by = actor.Login
	}
	today := calendar.DateOf(d.Now().In(calendar.China))
	if o.AsOf.IsZero() {
		o.AsOf = today
	}
	if o.AsOf.After(today) {
		return nil, errs.InvalidField("as_of", "inspect.as_of_future", o.AsOf.String())
	}
	run := &Run{Scope: o.Scope, ScopeCode: o.Scope.Code, AsOf: o.AsOf.String(), StartedBy: by, StartedAt: d.Now(), cal: cal, asOf: o.AsOf, Links: o.Links}
	a := o.AsOf.AddDays(1)
	// UTC, as the databases keep instants: SQLite compares them as text.
	run.end = time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, calendar.China).UTC()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		run.rules, err = CurrentRules(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	run.RulesVersion = run.rules.Version
	if err := run.evaluate(ctx, d); err != nil {
		return nil, err
	}
	run.FinishedAt = d.Now()
	if o.Save {
		if err := d.InTx(ctx, func(tx *db.Tx) error { return run.save(ctx, tx) }); err != nil {
			return nil, err
		}
	}
	return run, nil
}

// evaluate loads what the rules read and applies each enabled rule.
func (run *Run) evaluate(ctx context.Context, d *db.DB) error {
	units, err := org.Subtree(ctx, d, run.Scope)
	if err != nil {
		return err
	}
	keeps, err := keepers(ctx, d, run.Scope)
	if err != nil {
		return err
	}
	run.unitByID = map[int64]int{}
	for _, u := range units {
		if inspected(u.Kind) || keeps[u.ID] {
			run.unitByID[u.ID] = len(run.Units)
			run.Units = append(run.Units, UnitResult{Unit: u, Code: u.Code, Name: u.Name, Findings: []Finding{}})
		}
	}
	in := &inputs{}
	if err := in.load(ctx, d, run); err != nil {
		return err
	}
	for _, r := range run.rules.Rules {
		if !r.Enabled {
			continue
		}
		check, ok := checks[r.ID]
		if !ok {
			continue
		}
		if err := check(ctx, d, run, in, r); err != nil {
			return fmt.Errorf("rule %s: %w", r.ID, err)
		}
	}
	run.score()
	return nil
}

// add records a finding of rule r costing points against the unit with id
// unitID, if that unit is inspected.
func (run *Run) add(r Rule, points float64, unitID int64, target, expected, actual string) {
	i, ok := run.unitByID[unitID]
	if !ok || !applies(r.ID, run.Units[i].Unit.Kind) {
		return
	}
	run.Units[i].Findings = append(run.Units[i].Findings, Finding{Rule: r.ID, Unit: run.Units[i].Code, Target: target, Expected: expected, Actual: actual, Points: points, unitID: unitID})
}

// save keeps the run with its scores and findings.
func (run *Run) save(ctx context.Context, tx *db.Tx) error {
	q := `INSERT INTO inspect_runs (scope_unit_id, as_of, ruleset_version, started_by, started_at, finished_at, units, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	var id int64
	err := tx.QueryRow(ctx, q+` RETURNING id`, run.Scope.ID, run.AsOf, run.RulesVersion, run.StartedBy, run.StartedAt, run.FinishedAt, run.UnitCount, run.FindingCount).Scan(&id)
	if err != nil {
		return fmt.Errorf("save run: %w", err)
	}
	run.ID = id
	scores := make([][]any, 0, len(run.Units))
	var findings [][]any
	for _, u := range run.Units {
		scores = append(scores, []any{id, u.Unit.ID, u.Score, len(u.Findings)})
		for _, f := range u.Findings {
			findings = append(findings, []any{id, f.unitID, f.Rule, f.Target, f.Expected, f.Actual, f.Points})
		}
	}
	if err := insertRows(ctx, tx, `inspect_scores (run_id, unit_id, score, findings)`, scores); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, `inspect_findings (run_id, unit_id, rule, target, expected, actual, points)`, findings); err != nil {
		return err
	}
	if err := audit.Append(ctx, tx, run.StartedBy, "inspect.run", "inspect_run", fmt.Sprint(id),
		map[string]any{"scope": run.ScopeCode, "as_of": run.AsOf, "rules": run.RulesVersion, "units": run.UnitCount, "findings": run.FindingCount}); err != nil {
		return err
	}
	return run.settle(ctx, tx)
}

// insertRows inserts rows into table (with its column list) a few hundred
// at a time.
func insertRows(ctx context.Context, tx *db.Tx, table string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), 200)
		ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ") + ")"
		var args []any
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO `+table+` VALUES `+strings.TrimSuffix(strings.Repeat(ph+", ", n), ", "), args...); err != nil {
			return fmt.Errorf("save %s: %w", strings.Fields(table)[0], err)
		}
		rows = rows[n:]
	}
	return nil
}

// RunSummary is a saved run as lists show it.
type RunSummary struct {
	ID           int64
	Scope        org.Unit
	AsOf         string
	RulesVersion int
	StartedBy    string
	StartedAt    time.Time
	Units        int
	Findings     int
	PublishedAt  sql.NullTime
}

const runCols = `r.id, r.scope_unit_id, r.as_of, r.ruleset_version, r.started_by, r.started_at, r.finished_at, r.units, r.findings, r.published_at, r.published_by`

// visibleRun is the condition that a run touches the subtree at path: its
// scope is inside the subtree, or the subtree inside its scope.
const visibleRun = `(s.path LIKE ? OR ? LIKE s.path || '%')`

// Runs lists the newest saved runs that touch a's scope.
func Runs(ctx context.Context, q db.Querier, a auth.Account, limit int) ([]RunSummary, error) {
	return runs(ctx, q, visibleRun+` ORDER BY r.id DESC LIMIT ?`, a.Unit.Path+"%", a.Unit.Path, limit)
}

func runs(ctx context.Context, q db.Querier, where string, args ...any) ([]RunSummary, error) {
	rows, err := q.Query(ctx, `SELECT r.id, r.scope_unit_id, r.as_of, r.ruleset_version, r.started_by, r.started_at, r.units, r.findings, r.published_at
		FROM inspect_runs r JOIN units s ON s.id = r.scope_unit_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var out []RunSummary
	for rows.Next() {
		var s RunSummary
		if err := rows.Scan(&s.ID, &s.Scope.ID, &s.AsOf, &s.RulesVersion, &s.StartedBy, &s.StartedAt, &s.Units, &s.Findings, &s.PublishedAt); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	dir, err := org.LoadDirectory(ctx, q)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Scope, err = dir.ByID(out[i].Scope.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LoadRun returns a saved run with the scores and findings of the units
// in a's scope: an office sees its district or city, a unit itself.
func LoadRun(ctx context.Context, q db.Querier, id int64, a auth.Account) (*Run, error) {
	return loadRun(ctx, q, id, a.Unit.Path, "")
}

// LoadPublished returns a run whose results were published, whole.
func LoadPublished(ctx context.Context, q db.Querier, id int64) (*Run, error) {
	return loadRun(ctx, q, id, "", ` AND r.published_at IS NOT NULL`)
}

// PublishedRuns lists the runs whose results were published, newest first.
func PublishedRuns(ctx context.Context, q db.Querier) ([]RunSummary, error) {
	return runs(ctx, q, `r.published_at IS NOT NULL ORDER BY r.published_at DESC LIMIT 200`)
}

// loadRun loads a run with the units under path; cond narrows the runs.
func loadRun(ctx context.Context, q db.Querier, id int64, path, cond string) (*Run, error) {
	run := &Run{ID: id}
	var scopeID int64
	var units, findingCount int
	err := q.QueryRow(ctx, `SELECT `+runCols+` FROM inspect_runs r JOIN units s ON s.id = r.scope_unit_id WHERE r.id = ? AND `+visibleRun+cond, id, path+"%", path).
		Scan(&run.ID, &scopeID, &run.AsOf, &run.RulesVersion, &run.StartedBy, &run.StartedAt, &run.FinishedAt, &units, &findingCount, &run.PublishedAt, &run.PublishedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "inspect.run_not_found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("load run: %w", err)
	}
	if run.Scope, err = org.ByID(ctx, q, scopeID); err != nil {
		return nil, err
	}
	run.ScopeCode = run.Scope.Code
	if run.rules, err = RulesVersion(ctx, q, run.RulesVersion); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT sc.unit_id, sc.score FROM inspect_scores sc JOIN units u ON u.id = sc.unit_id
		WHERE sc.run_id = ? AND u.path LIKE ? ORDER BY u.path`, id, path+"%")
	if err != nil {
		return nil, fmt.Errorf("load scores: %w", err)
	}
	run.unitByID = map[int64]int{}
	var ids []int64
	var scores []float64
	for rows.Next() {
		var uid int64
		var score float64
		if err := rows.Scan(&uid, &score); err != nil {
			rows.Close()
			return nil, err
		}
		ids, scores = append(ids, uid), append(scores, score)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	dir, err := org.LoadDirectory(ctx, q)
	if err != nil {
		return nil, err
	}
	for i, uid := range ids {
		u, err := dir.ByID(uid)
		if err != nil {
			return nil, err
		}
		run.unitByID[uid] = len(run.Units)
		run.Units = append(run.Units, UnitResult{Unit: u, Code: u.Code, Name: u.Name, Score: scores[i], Passed: passes(scores[i]), Findings: []Finding{}})
	}
	fs, err := findings(ctx, q, `f.run_id = ? AND u.path LIKE ?`, id, path+"%")
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if i, ok := run.unitByID[f.unitID]; ok {
			f.Unit = run.Units[i].Code
			run.Units[i].Findings = append(run.Units[i].Findings, f)
		}
	}
	run.UnitCount, run.FindingCount = units, findingCount
	return run, nil
}

// findings returns the saved findings matching a condition on f and their
// unit u, in the order they were found.
func findings(ctx context.Context, q db.Querier, where string, args ...any) ([]Finding, error) {
	rows, err := q.Query(ctx, `SELECT f.id, f.unit_id, f.rule, f.target, f.expected, f.actual, f.points, COALESCE(f.notice_id, 0), f.state, f.answer, f.answer_note, f.answered_by
		FROM inspect_findings f JOIN units u ON u.id = f.unit_id WHERE `+where+` ORDER BY f.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("load findings: %w", err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		if err := rows.Scan(&f.ID, &f.unitID, &f.Rule, &f.Target, &f.Expected, &f.Actual, &f.Points, &f.NoticeID, &f.State, &f.Answer, &f.AnswerNote, &f.AnsweredBy); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Comparison is what changed between an earlier and a later run: findings
// new in the later one, fixed since the earlier, and persisting. Findings
// are the same when rule, unit and target are.
type Comparison struct {
	Earlier, Later *Run
	New, Fixed     []Finding
	Persisting     []Finding
}

// Compare compares two runs, over the units both hold.
func Compare(earlier, later *Run) Comparison {
	c := Comparison{Earlier: earlier, Later: later}
	key := func(f Finding) string { return f.Unit + "\x00" + f.Rule + "\x00" + f.Target }
	units := map[string]bool{}
	before := map[string]bool{}
	for _, u := range earlier.Units {
		units[u.Code] = true
		for _, f := range u.Findings {
			before[key(f)] = true
		}
	}
	after := map[string]bool{}
	for _, u := range later.Units {
		if !units[u.Code] {
			continue
		}
		for _, f := range u.Findings {
			after[key(f)] = true
			if before[key(f)] {
				c.Persisting = append(c.Persisting, f)
			} else {
				c.New = append(c.New, f)
			}
		}
	}
	for _, u := range earlier.Units {
		for _, f := range u.Findings {
			if !after[key(f)] && later.hasUnit(u.Code) {
				c.Fixed = append(c.Fixed, f)
			}
		}
	}
	return c
}

func (run *Run) hasUnit(code string) bool {
	for _, u := range run.Units {
		if u.Code == code {
			return true
		}
	}
	return false
}

// TrendPoint is the average score of the units in a scope in one run.
type TrendPoint struct {
	RunID int64
	AsOf  string
	Avg   float64
	Units int
}

// Trend returns, for the newest runs touching a's scope, the average
// score of the units of a's scope in each, oldest first.
func Trend(ctx context.Context, q db.Querier, a auth.Account, limit int) ([]TrendPoint, error) {
	rows, err := q.Query(ctx, `SELECT r.id, r.as_of, AVG(sc.score), COUNT(*) FROM inspect_runs r
		JOIN inspect_scores sc ON sc.run_id = r.id JOIN units u ON u.id = sc.unit_id
		WHERE u.path LIKE ? GROUP BY r.id, r.as_of ORDER BY r.id DESC LIMIT ?`, a.Unit.Path+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	defer rows.Close()
	var out []TrendPoint
	for rows.Next() {
		var p TrendPoint
		if err := rows.Scan(&p.RunID, &p.AsOf, &p.Avg, &p.Units); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	slices.Reverse(out)
	return out, rows.Err()
}
