package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// Annual builds unit u's report for year: table 2 from the unit's
// published information records and the figures staff entered, table 3
// from the applications to the unit itself (not the units under it), table
// 4 from the appeals against their replies, and the texts staff saved.
// Applications carried over from the year before are those the previous
// year's published report carried forward; without one they are computed.
// It returns an Invalid error for a unit that makes no report.
func Annual(ctx context.Context, q db.Querier, u org.Unit, year int) (Report, error) {
	if !Files(u) {
		return Report{}, errs.New(errs.Invalid, "report.unit_not_filing", u.Name)
	}
	r := Report{Unit: u, Year: year}
	s, err := load(ctx, q, u, year)
	if err != nil {
		return Report{}, err
	}
	r.Texts, r.Table2.Figures, r.Status = s.texts, s.figures, s.status
	p := yearOf(year)
	if r.Table2.Regulations, r.Table2.Normative, err = documents(ctx, q, u, p); err != nil {
		return Report{}, err
	}
	if r.Table3, err = applications(ctx, q, u, p); err != nil {
		return Report{}, err
	}
	if r.Table4, err = appeals(ctx, q, u, p); err != nil {
		return Report{}, err
	}
	return r, nil
}

// period is a calendar year as the dates stored as YYYY-MM-DD text, which
// compare as strings.
type period struct {
	year     int
	from, to string
}

func yearOf(year int) period {
	y := fmt.Sprintf("%04d", year)
	return period{year: year, from: y + "-01-01", to: y + "-12-31"}
}

// has reports whether day falls in the period; an empty day never does.
func (p period) has(day string) bool { return day >= p.from && day <= p.to }

// Genres (文种) of the records table 2 counts under 第二十条第（一）项.
const regulation = "规章"

var normative = []string{"规范性文件", "行政规范性文件"}

// documents counts the unit's published 规章 and 行政规范性文件.
func documents(ctx context.Context, q db.Querier, u org.Unit, p period) (regs, norms Documents, err error) {
	rows, err := q.Query(ctx, `SELECT genre, written_date, validity, validity_date FROM info_records
		WHERE unit_id = ? AND status = ? AND genre IN (?, ?, ?)`, u.ID, info.Published, regulation, normative[0], normative[1])
	if err != nil {
		return regs, norms, fmt.Errorf("count documents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var genre, written, validity, ended string
		if err := rows.Scan(&genre, &written, &validity, &ended); err != nil {
			return regs, norms, err
		}
		d := &norms
		if genre == regulation {
			d = &regs
		}
		d.count(p, written, validity, ended)
	}
	return regs, norms, rows.Err()
}

// count adds a document written on day written, with its validity and the
// day it ended (失效 or 废止). A document marked ended without a date is
// taken as ended before the period's end: it is not in force, and not
// counted as repealed in any one year.
func (d *Documents) count(p period, written, validity, ended string) {
	gone := validity == info.Expired || validity == info.Repealed
	if p.has(written) {
		d.Made++
	}
	if gone && p.has(ended) {
		d.Repealed++
	}
	if written != "" && written <= p.to && (!gone || ended > p.to) {
		d.InForce++
	}
}

// applications fills table 3. An application counts as received on its
// receipt day (条例第三十一条); one made online counts on the day it was
// submitted, in China, before and after its receipt is confirmed, so that a
// year's report stays true when a confirmation falls in the next year. It
// counts as answered on its result date.
func applications(ctx context.Context, q db.Querier, u org.Unit, p period) (Table3, error) {
	t := newTable3()
	computedOver := make(Counts, len(Columns))
	rows, err := q.Query(ctx, `SELECT applicant_type, channel, received_date, submitted_at, result, result_date FROM foi_applications
		WHERE unit_id = ? AND (result_date = '' OR result_date >= ?)`, u.ID, p.from)
	if err != nil {
		return Table3{}, fmt.Errorf("count applications: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var typ, channel, received, result, answered string
		var submitted time.Time
		if err := rows.Scan(&typ, &channel, &received, &submitted, &result, &answered); err != nil {
			return Table3{}, err
		}
		col := slices.Index(foi.ApplicantTypes, typ)
		if col < 0 {
			continue
		}
		if received == "" || channel == foi.Online {
			received = calendar.DateOf(submitted.In(calendar.China)).String()
		}
		switch {
		case p.has(received):
			t.Row(NewReceived)[col]++
		case received < p.from:
			// Not answered before the year: the query leaves out the rest.
			computedOver[col]++
		}
		if p.has(answered) && foi.ValidResult(result) {
			t.Row(result)[col]++
		}
		if received <= p.to && (answered == "" || answered > p.to) {
			t.Row(CarriedForward)[col]++
		}
	}
	if err := rows.Err(); err != nil {
		return Table3{}, err
	}
	over, ok, err := forwardOf(ctx, q, u, p.year-1)
	if err != nil {
		return Table3{}, err
	}
	if !ok {
		over = computedOver
	}
	copy(t.Row(CarriedOver), over)
	t.sum()
	return t, nil
}

// sum fills the total row of the results and the total column.
func (t Table3) sum() {
	total := t.Row(TotalProcessed)
	for _, k := range foi.Results {
		for i, v := range t.Row(k) {
			total[i] += v
		}
	}
	for _, r := range t.Rows {
		last := len(r.Values) - 1
		r.Values[last] = 0
		for _, v := range r.Values[:last] {
			r.Values[last] += v
		}
	}
}

// forwardOf returns what unit u's published report of year carried
// forward, and false when there is no such report.
func forwardOf(ctx context.Context, q db.Querier, u org.Unit, year int) (Counts, bool, error) {
	var snapshot string
	err := q.QueryRow(ctx, `SELECT snapshot FROM annual_reports WHERE unit_id = ? AND year = ? AND published_at IS NOT NULL`, u.ID, year).Scan(&snapshot)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && snapshot == "") {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("load report %d: %w", year, err)
	}
	var s struct {
		Table3 Table3 `json:"table3"`
	}
	if err := json.Unmarshal([]byte(snapshot), &s); err != nil {
		return nil, false, fmt.Errorf("read the published report of %d: %w", year, err)
	}
	c := s.Table3.Row(CarriedForward)
	return c, len(c) == len(Columns), nil
}

// appeals fills table 4 from the appeals filed in the year against the
// replies of unit u; an outcome decided after the year counts as pending
// (尚未审结).
func appeals(ctx context.Context, q db.Querier, u org.Unit, p period) (Table4, error) {
	t := newTable4()
	rows, err := q.Query(ctx, `SELECT x.kind, x.outcome, x.decided_date FROM foi_appeals x JOIN foi_applications a ON a.id = x.application_id
		WHERE a.unit_id = ? AND x.filed_date >= ? AND x.filed_date <= ?`, u.ID, p.from, p.to)
	if err != nil {
		return Table4{}, fmt.Errorf("count appeals: %w", err)
	}
	defer rows.Close()
	pending := slices.Index(foi.Outcomes, foi.Pending)
	for rows.Next() {
		var kind, outcome, decided string
		if err := rows.Scan(&kind, &outcome, &decided); err != nil {
			return Table4{}, err
		}
		g := t.group(kind)
		if g == nil {
			continue
		}
		col := slices.Index(foi.Outcomes, outcome)
		if col < 0 || decided == "" || decided > p.to {
			col = pending
		}
		g[col]++
		g[len(g)-1]++
	}
	return t, rows.Err()
}

// stored is what annual_reports holds for a unit's year.
type stored struct {
	texts   Texts
	figures Figures
	status  Status
}

// load returns the stored texts, figures and status of unit u's report of
// year; zero values when nothing was saved.
func load(ctx context.Context, q db.Querier, u org.Unit, year int) (stored, error) {
	var s stored
	var texts, figures string
	var record sql.NullInt64
	var published sql.NullTime
	err := q.QueryRow(ctx, `SELECT texts, figures, record_id, published_at, published_by, updated_by, updated_at FROM annual_reports WHERE unit_id = ? AND year = ?`,
		u.ID, year).Scan(&texts, &figures, &record, &published, &s.status.PublishedBy, &s.status.UpdatedBy, &s.status.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("load report %s/%d: %w", u.Code, year, err)
	}
	if err := json.Unmarshal([]byte(texts), &s.texts); err != nil {
		return s, fmt.Errorf("report texts %s/%d: %w", u.Code, year, err)
	}
	if err := json.Unmarshal([]byte(figures), &s.figures); err != nil {
		return s, fmt.Errorf("report figures %s/%d: %w", u.Code, year, err)
	}
	s.status.RecordID, s.status.PublishedAt = record.Int64, published.Time
	return s, nil
}

// key names a unit's report of a year in the audit log.
func key(u org.Unit, year int) string { return u.Code + "/" + strconv.Itoa(year) }
