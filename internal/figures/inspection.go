package figures

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"

	"gongkai/internal/db"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
)

// Inspection is what online inspections (网上巡查) found of a unit in a
// year, and how it rectified.
type Inspection struct {
	// Runs counts the saved runs, as of a day in the year, that scored
	// the unit; Mean is its mean score in them, to two decimals.
	Runs int
	Mean float64
	// Last is its score in the last of them (by as-of day), LastRun that
	// run's id and LastAsOf its day; Passed whether it passed (合格).
	Last     float64
	LastRun  int64
	LastAsOf string
	Passed   bool
	// Findings counts the findings of the last run (the mark of a veto
	// not counted); Rules lists the ids of the rules that found them, in
	// the order of the default rules.
	Findings int
	Rules    []string
	// Notices counts the rectification notices (整改通知) sent to the unit
	// in the year, NoticeFindings their findings, Rectified those closed
	// by a re-check, and OverdueNotices the notices past their due day
	// with findings still open.
	Notices, NoticeFindings, Rectified, OverdueNotices int
}

// Map returns the figures by key.
func (f Inspection) Map() map[string]any {
	m := map[string]any{"runs": f.Runs, "findings": f.Findings, "rectification_notices": f.Notices,
		"notice_findings": f.NoticeFindings, "rectified": f.Rectified, "overdue_notices": f.OverdueNotices, "failing_rules": slices.Clone(f.Rules)}
	if f.Runs > 0 {
		m["mean_score"], m["last_score"], m["passed"] = f.Mean, f.Last, f.Passed
	}
	if m["failing_rules"] == nil {
		m["failing_rules"] = []string{}
	}
	return m
}

// InspectionOf counts unit u's inspections for period p.
func InspectionOf(ctx context.Context, q db.Querier, u org.Unit, p Period) (Inspection, error) {
	var f Inspection
	rows, err := q.Query(ctx, `SELECT r.id, r.as_of, s.score FROM inspect_scores s JOIN inspect_runs r ON r.id = s.run_id
		WHERE s.unit_id = ? AND r.as_of >= ? AND r.as_of <= ? ORDER BY r.as_of, r.id`, u.ID, p.From.String(), p.To.String())
	if err != nil {
		return f, fmt.Errorf("load scores: %w", err)
	}
	sum := 0.0
	for rows.Next() {
		if err := rows.Scan(&f.LastRun, &f.LastAsOf, &f.Last); err != nil {
			rows.Close()
			return f, err
		}
		f.Runs++
		sum += f.Last
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return f, err
	}
	if f.Runs > 0 {
		f.Mean = math.Round(sum/float64(f.Runs)*100) / 100
		f.Passed = f.Last >= inspect.PassMark
		if err := f.lastFindings(ctx, q, u); err != nil {
			return f, err
		}
	}
	return f, f.notices(ctx, q, u, p)
}

// lastFindings counts the findings of the last run and names their rules.
func (f *Inspection) lastFindings(ctx context.Context, q db.Querier, u org.Unit) error {
	rows, err := q.Query(ctx, `SELECT rule, target FROM inspect_findings WHERE run_id = ? AND unit_id = ?`, f.LastRun, u.ID)
	if err != nil {
		return fmt.Errorf("load findings: %w", err)
	}
	defer rows.Close()
	rules := map[string]bool{}
	for rows.Next() {
		var rule, target string
		if err := rows.Scan(&rule, &target); err != nil {
			return err
		}
		rules[rule] = true
		if target != inspect.VetoTarget {
			f.Findings++
		}
	}
	for _, r := range inspect.DefaultRules() {
		if rules[r.ID] {
			f.Rules = append(f.Rules, r.ID)
			delete(rules, r.ID)
		}
	}
	for id := range rules {
		f.Rules = append(f.Rules, id) // a rule the program no longer has
	}
	slices.Sort(f.Rules[len(f.Rules)-len(rules):])
	return rows.Err()
}

// notices counts the rectification notices sent in the year.
func (f *Inspection) notices(ctx context.Context, q db.Querier, u org.Unit, p Period) error {
	rows, err := q.Query(ctx, `SELECT n.due_date, n.closed_at,
		(SELECT COUNT(*) FROM inspect_findings x WHERE x.notice_id = n.id),
		(SELECT COUNT(*) FROM inspect_findings x WHERE x.notice_id = n.id AND x.state = ?)
		FROM inspect_notices n WHERE n.unit_id = ? AND n.issued_at >= ? AND n.issued_at < ?`, inspect.StateClosed, u.ID, p.Start, p.End)
	if err != nil {
		return fmt.Errorf("load notices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n inspect.Notice
		var closed sql.NullTime
		var all, done int
		if err := rows.Scan(&n.Due, &closed, &all, &done); err != nil {
			return err
		}
		n.ClosedAt = closed
		f.Notices++
		f.NoticeFindings += all
		f.Rectified += done
		if n.Overdue(p.AsOf) {
			f.OverdueNotices++
		}
	}
	return rows.Err()
}
