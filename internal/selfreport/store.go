package selfreport

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/figures"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// stored is what self_reports holds for a unit's year.
type stored struct {
	status   Status
	texts    map[string]string
	snapshot []Section
}

// load returns the stored row of unit u's report of year; a New status
// and no texts when there is none.
func load(ctx context.Context, q db.Querier, u org.Unit, year int) (stored, error) {
	s := stored{texts: map[string]string{}}
	var texts, snapshot string
	var submitted, decided sql.NullTime
	st := &s.status
	err := q.QueryRow(ctx, `SELECT state, texts, snapshot, return_reason, submitted_by, submitted_at, decided_by, decided_at, updated_by, updated_at
		FROM self_reports WHERE unit_id = ? AND year = ?`, u.ID, year).Scan(&st.State, &texts, &snapshot, &st.ReturnReason,
		&st.SubmittedBy, &submitted, &st.DecidedBy, &decided, &st.UpdatedBy, &st.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("load self report %s: %w", key(u, year), err)
	}
	st.SubmittedAt, st.DecidedAt = submitted.Time, decided.Time
	if err := json.Unmarshal([]byte(texts), &s.texts); err != nil {
		return s, fmt.Errorf("self report texts %s: %w", key(u, year), err)
	}
	if snapshot != "" {
		if err := json.Unmarshal([]byte(snapshot), &s.snapshot); err != nil {
			return s, fmt.Errorf("self report snapshot %s: %w", key(u, year), err)
		}
	}
	return s, nil
}

// key names a unit's report of a year in the audit log.
func key(u org.Unit, year int) string { return u.Code + "/" + strconv.Itoa(year) }

// Generate returns unit u's report of year: as submitted, once it was;
// otherwise each section's figures from its source in srcs, with the text
// written from them or the one the unit's staff saved instead. It returns
// an Invalid error for a unit that makes no report.
func Generate(ctx context.Context, q db.Querier, srcs Sources, u org.Unit, year int) (Report, error) {
	if !Files(u) {
		return Report{}, errs.New(errs.Invalid, "selfreport.unit_not_filing", u.Name)
	}
	s, err := load(ctx, q, u, year)
	if err != nil {
		return Report{}, err
	}
	r := Report{Unit: u, Year: year, Status: s.status}
	if !s.status.State.Editable() && len(s.snapshot) > 0 {
		r.Sections = s.snapshot
		return r, nil
	}
	if r.Sections, err = generate(ctx, q, srcs, u, year); err != nil {
		return Report{}, err
	}
	for i := range r.Sections {
		if t, ok := s.texts[r.Sections[i].Key]; ok {
			r.Sections[i].Text, r.Sections[i].Edited = t, true
		}
	}
	return r, nil
}

// generate computes every section from the sources.
func generate(ctx context.Context, q db.Querier, srcs Sources, u org.Unit, year int) ([]Section, error) {
	var out []Section
	for _, k := range Keys {
		s := Section{Key: k, Title: SectionTitle(i18n.Zh, k), Figures: map[string]any{}}
		if src := srcs[k]; src != nil {
			figs, text, err := src(ctx, q, u, year)
			if err != nil {
				return nil, fmt.Errorf("self report section %s: %w", k, err)
			}
			if figs != nil {
				s.Figures = figs
			}
			s.Draft, s.Connected = text, true
		} else if k != Problems {
			s.Draft = i18n.T(i18n.Zh, "selfreport.not_connected")
		}
		out = append(out, s)
	}
	p := &out[len(out)-1]
	p.Figures, p.Draft = problems(u, out)
	p.Connected = true
	for i := range out {
		out[i].Text = out[i].Draft
	}
	return out, nil
}

// Row is a unit's report in a year's list.
type Row struct {
	Unit        org.Unit
	State       State
	SubmittedAt calendar.Date // zero until submitted
	Overdue     bool          // still to submit after the due day
	Late        bool          // submitted after the due day
}

// List returns the units of root's subtree that make a report, in
// hierarchy order, each with where its report of year stands on day today.
func List(ctx context.Context, q db.Querier, root org.Unit, year int, today calendar.Date) ([]Row, error) {
	units, err := org.Subtree(ctx, q, root)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT s.unit_id, s.state, s.submitted_at FROM self_reports s JOIN units u ON u.id = s.unit_id
		WHERE s.year = ? AND u.path LIKE ?`, year, root.Path+"%")
	if err != nil {
		return nil, fmt.Errorf("list self reports: %w", err)
	}
	type saved struct {
		state     State
		submitted sql.NullTime
	}
	byUnit := map[int64]saved{}
	for rows.Next() {
		var id int64
		var s saved
		if err := rows.Scan(&id, &s.state, &s.submitted); err != nil {
			rows.Close()
			return nil, err
		}
		byUnit[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Row
	for _, u := range units {
		if !Files(u) {
			continue
		}
		s := byUnit[u.ID]
		r := Report{Unit: u, Year: year, Status: Status{State: s.state, SubmittedAt: s.submitted.Time}}
		row := Row{Unit: u, State: s.state, Overdue: r.Overdue(today), Late: r.Late()}
		if s.submitted.Valid {
			row.SubmittedAt = calendar.DateOf(s.submitted.Time.In(calendar.China))
		}
		out = append(out, row)
	}
	return out, nil
}

// ValidYear checks that year is one a report can be made for
// (figures.ValidYear).
func ValidYear(q db.Querier, year int) error { return figures.ValidYear(q, year) }
