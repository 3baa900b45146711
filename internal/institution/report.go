package institution

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// Status is where a supervision report stands: a draft the department
// writes, or submitted to the disclosure office and published.
type Status string

const (
	Draft     Status = "draft"
	Published Status = "published"
)

// FirstYear is the first year a report may be for: the plan's
// (穗府办函〔2020〕53号).
const FirstYear = 2020

const maxText = 20000

// Report is a department's yearly report on the disclosure of the public
// institutions it supervises (plan item 十八: 指导监督工作机制、公共服务信息
// 公开情况、存在问题、下一步提升计划).
type Report struct {
	ID          int64
	Unit        org.Unit // the department
	Year        int
	Mechanism   string // 指导监督工作机制
	Disclosed   string // 公共服务信息公开情况
	Problems    string // 存在问题
	NextSteps   string // 下一步提升计划
	Status      Status
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time
	PublishedBy string
}

// Input is what the department writes.
type Input struct{ Mechanism, Disclosed, Problems, NextSteps string }

// Fields names the report's fields in order, as forms and errors do.
var Fields = []string{"mechanism", "disclosed", "problems", "next_steps"}

func (in Input) values() []*string {
	return []*string{&in.Mechanism, &in.Disclosed, &in.Problems, &in.NextSteps}
}

// Input returns what r holds as an input.
func (r Report) Input() Input {
	return Input{Mechanism: r.Mechanism, Disclosed: r.Disclosed, Problems: r.Problems, NextSteps: r.NextSteps}
}

// CanWrite reports whether a may write department dept's report: its
// editors and reviewers, the offices above it and administrators.
func CanWrite(a auth.Account, dept org.Unit) bool {
	return IsDepartment(dept.Kind) && info.CanEdit(a, dept)
}

// CanSubmit reports whether a may submit and publish it: its reviewer
// (负责人), the offices above it and administrators.
func CanSubmit(a auth.Account, dept org.Unit) bool {
	return IsDepartment(dept.Kind) && info.CanApprove(a, dept)
}

// ValidYear checks a report's year: from FirstYear to the current one.
func ValidYear(year int, now time.Time) error {
	if year < FirstYear || year > now.In(calendar.China).Year() {
		return errs.InvalidField("year", "inst.bad_year", FirstYear, now.In(calendar.China).Year())
	}
	return nil
}

// clean trims the input and checks each field's length; complete also
// requires every field.
func (in Input) clean(complete bool) (Input, error) {
	var m errs.Multi
	vs := in.values()
	for i, p := range vs {
		*p = foi.Clean(*p)
		if utf8.RuneCountInString(*p) > maxText {
			m = append(m, errs.InvalidField(Fields[i], "inst.too_long", errs.Msg("inst.field."+Fields[i]), maxText))
		}
		if complete && *p == "" {
			m = append(m, errs.InvalidField(Fields[i], "inst.required", errs.Msg("inst.field."+Fields[i])))
		}
	}
	out := Input{Mechanism: *vs[0], Disclosed: *vs[1], Problems: *vs[2], NextSteps: *vs[3]}
	return out, m.Err()
}

const reportCols = `id, unit_id, year, mechanism, disclosed, problems, next_steps, status, created_by, created_at, updated_at, published_at, published_by`

func scanReport(s interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var pub sql.NullTime
	err := s.Scan(&r.ID, &r.Unit.ID, &r.Year, &r.Mechanism, &r.Disclosed, &r.Problems, &r.NextSteps, &r.Status, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt, &pub, &r.PublishedBy)
	r.PublishedAt = pub.Time
	return r, err
}

// ReportOf returns department dept's report for year. It returns a
// NotFound error when there is none.
func ReportOf(ctx context.Context, q db.Querier, dept org.Unit, year int) (Report, error) {
	r, err := scanReport(q.QueryRow(ctx, `SELECT `+reportCols+` FROM supervision_reports WHERE unit_id = ? AND year = ?`, dept.ID, year))
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, errs.New(errs.NotFound, "inst.report_not_found", dept.Name, year)
	}
	if err != nil {
		return Report{}, fmt.Errorf("load report: %w", err)
	}
	r.Unit = dept
	return r, nil
}

// PublishedReports returns department dept's published reports, newest
// year first.
func PublishedReports(ctx context.Context, q db.Querier, dept org.Unit) ([]Report, error) {
	rows, err := q.Query(ctx, `SELECT `+reportCols+` FROM supervision_reports WHERE unit_id = ? AND status = ? ORDER BY year DESC`, dept.ID, Published)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		r.Unit = dept
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveDraft writes department dept's draft report for year. It returns a
// Conflict error once the report is published.
func SaveDraft(ctx context.Context, tx *db.Tx, a auth.Account, dept org.Unit, year int, in Input) (Report, error) {
	if !CanWrite(a, dept) {
		return Report{}, errs.New(errs.Forbidden, "inst.forbidden")
	}
	if err := ValidYear(year, tx.Now()); err != nil {
		return Report{}, err
	}
	in, err := in.clean(false)
	if err != nil {
		return Report{}, err
	}
	cur, err := ReportOf(ctx, tx, dept, year)
	now := tx.Now()
	switch {
	case errs.KindOf(err) == errs.NotFound:
		cur = Report{Unit: dept, Year: year, Status: Draft, CreatedBy: a.Login, CreatedAt: now}
		err = tx.QueryRow(ctx, `INSERT INTO supervision_reports (unit_id, year, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			dept.ID, year, Draft, a.Login, now, now).Scan(&cur.ID)
		if err != nil {
			return Report{}, fmt.Errorf("add report: %w", err)
		}
	case err != nil:
		return Report{}, err
	case cur.Status == Published:
		return Report{}, errs.New(errs.Conflict, "inst.report_published")
	}
	cur.Mechanism, cur.Disclosed, cur.Problems, cur.NextSteps, cur.UpdatedAt = in.Mechanism, in.Disclosed, in.Problems, in.NextSteps, now
	if err := saveReport(ctx, tx, cur); err != nil {
		return Report{}, err
	}
	return cur, audit.Append(ctx, tx, a.Login, "inst.report_save", "supervision_report", reportRef(cur), nil)
}

// Submit saves in as department dept's report for year and publishes it,
// every field filled: the plan has it sent to the disclosure office
// (报市政务公开办), and the portal shows it under the department.
func Submit(ctx context.Context, tx *db.Tx, a auth.Account, dept org.Unit, year int, in Input) (Report, error) {
	if !CanSubmit(a, dept) {
		return Report{}, errs.New(errs.Forbidden, "inst.submit_forbidden")
	}
	if _, err := in.clean(true); err != nil {
		return Report{}, err
	}
	r, err := SaveDraft(ctx, tx, a, dept, year, in)
	if err != nil {
		return Report{}, err
	}
	now := tx.Now()
	r.Status, r.PublishedAt, r.PublishedBy, r.UpdatedAt = Published, now, a.Login, now
	if err := saveReport(ctx, tx, r); err != nil {
		return Report{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "inst.report_submit", "supervision_report", reportRef(r), nil)
}

func reportRef(r Report) string { return fmt.Sprintf("%s/%d", r.Unit.Code, r.Year) }

func saveReport(ctx context.Context, tx *db.Tx, r Report) error {
	var pub any
	if !r.PublishedAt.IsZero() {
		pub = r.PublishedAt.UTC()
	}
	_, err := tx.Exec(ctx, `UPDATE supervision_reports SET mechanism = ?, disclosed = ?, problems = ?, next_steps = ?, status = ?, updated_at = ?,
		published_at = ?, published_by = ? WHERE id = ?`, r.Mechanism, r.Disclosed, r.Problems, r.NextSteps, r.Status, r.UpdatedAt, pub, r.PublishedBy, r.ID)
	if err != nil {
		return fmt.Errorf("save report: %w", err)
	}
	return nil
}

// Prefill drafts a report for department dept from the figures of the
// institutions it supervises: what is disclosed (catalogs, items loaded,
// records, inspection scores) and the problems the figures show. The
// department rewrites it; nothing is saved.
func Prefill(ctx context.Context, q db.Querier, dept org.Unit, year int) (Input, error) {
	units, err := Supervised(ctx, q, dept)
	if err != nil {
		return Input{}, err
	}
	fs, err := Overview(ctx, q, units)
	if err != nil {
		return Input{}, err
	}
	var catalogs, published, items, loaded, records int
	var lines, problems []string
	for _, f := range fs {
		catalogs, published, items, loaded, records = catalogs+len(f.Catalogs), published+f.Published, items+f.Items, loaded+f.Loaded, records+f.Records
		line := fmt.Sprintf("%s：公开目录%d个（已发布%d个），目录事项%d项，已挂载信息%d项，发布信息%d条", f.Unit.Name, len(f.Catalogs), f.Published, f.Items, f.Loaded, f.Records)
		if f.Inspected {
			line += fmt.Sprintf("，%s网上巡查得分%s分", f.Inspection.AsOf, score(f.Inspection.Score))
		}
		lines = append(lines, line+"。")
		switch {
		case f.Published == 0:
			problems = append(problems, f.Unit.Name+"尚未发布公开目录。")
		case f.Loaded < f.Items:
			problems = append(problems, fmt.Sprintf("%s有%d项目录事项尚未挂载信息。", f.Unit.Name, f.Items-f.Loaded))
		}
		if f.Inspected && !f.Inspection.Passed {
			problems = append(problems, fmt.Sprintf("%s网上巡查不合格（%s分）。", f.Unit.Name, score(f.Inspection.Score)))
		}
	}
	in := Input{
		Mechanism: fmt.Sprintf("%d年，本部门指导监督%d家公共企事业单位开展公共服务信息公开。", year, len(fs)),
		Disclosed: fmt.Sprintf("共编制公开目录%d个，已发布%d个，目录事项%d项，已挂载信息%d项，发布信息%d条。\n%s",
			catalogs, published, items, loaded, records, strings.Join(lines, "\n")),
		Problems: strings.Join(problems, "\n"),
	}
	if len(problems) == 0 {
		in.Problems = "未发现突出问题。"
	}
	return in, nil
}

func score(s float64) string {
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", s), "0"), ".")
}

// Field returns the text of the field named as in Fields.
func (r Report) Field(name string) string {
	switch name {
	case "mechanism":
		return r.Mechanism
	case "disclosed":
		return r.Disclosed
	case "problems":
		return r.Problems
	case "next_steps":
		return r.NextSteps
	}
	return ""
}
