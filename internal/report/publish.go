package report

import (
	"context"
	"encoding/json"
	"fmt"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// replacedNote is the reason recorded on a report's record withdrawn
// because the year was published again.
const replacedNote = "该年度报告已重新发布，以新发布的版本为准"

// Problems returns why report r may not be published: a column failing
// the check of table 3, a section staff must write left empty. It returns
// nil when there is none.
func (r Report) Problems() error {
	var m errs.Multi
	for _, col := range r.Check() {
		m = append(m, errs.New(errs.Invalid, "report.check_column", errs.Msg(ColumnKey(col))))
	}
	for _, k := range required {
		if r.Texts.Text(k) == "" {
			m = append(m, errs.InvalidField(k, "report.text_required", errs.Msg(SectionKey(k))))
		}
	}
	return m.Err()
}

// Publish publishes unit u's report of a year that is over: in the unit's
// 年报 column as an information record titled by Title with the report as
// its body, and as a snapshot that the next year's report carries its
// pending applications over from. Publishing a year again replaces the
// snapshot, and the new record replaces the old one, which is withdrawn.
// It returns a Forbidden error if a may not publish the unit's reports, and
// an Invalid error for a year not over, and for a report with Problems.
func Publish(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, year int) (Report, error) {
	if !CanPublish(a, u) {
		return Report{}, errs.New(errs.Forbidden, "report.publish_forbidden")
	}
	if err := ValidYear(year, tx.Now()); err != nil {
		return Report{}, err
	}
	if year >= tx.Now().In(calendar.China).Year() {
		return Report{}, errs.InvalidField("year", "report.year_open", year)
	}
	// Take the year's row first: two publications of a year then run one
	// after the other (PostgreSQL locks the row, SQLite has one writer), and
	// the second replaces the record of the first.
	if _, err := tx.Exec(ctx, `INSERT INTO annual_reports (unit_id, year, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (unit_id, year) DO UPDATE SET published_by = annual_reports.published_by`, u.ID, year, a.Login, tx.Now()); err != nil {
		return Report{}, fmt.Errorf("publish report %s: %w", key(u, year), err)
	}
	r, err := Annual(ctx, tx, u, year)
	if err != nil {
		return Report{}, err
	}
	if err := r.Problems(); err != nil {
		return Report{}, err
	}
	snapshot, err := json.Marshal(r)
	if err != nil {
		return Report{}, err
	}
	rec, err := publishRecord(ctx, tx, a, r)
	if err != nil {
		return Report{}, err
	}
	now := tx.Now()
	if _, err := tx.Exec(ctx, `UPDATE annual_reports SET snapshot = ?, record_id = ?, published_at = ?, published_by = ? WHERE unit_id = ? AND year = ?`,
		string(snapshot), rec.ID, now, a.Login, u.ID, year); err != nil {
		return Report{}, fmt.Errorf("publish report %s: %w", key(u, year), err)
	}
	r.Status.RecordID, r.Status.PublishedAt, r.Status.PublishedBy = rec.ID, now, a.Login
	return r, audit.Append(ctx, tx, a.Login, "report.publish", "annual_report", key(u, year), map[string]any{"record": rec.IndexNo})
}

// publishRecord publishes report r as a record of its unit's 年报 column,
// withdrawing the record an earlier publication of the year made.
func publishRecord(ctx context.Context, tx *db.Tx, a auth.Account, r Report) (info.Record, error) {
	if id := r.Status.RecordID; id != 0 {
		old, err := info.ByID(ctx, tx, id)
		if err != nil && errs.KindOf(err) != errs.NotFound {
			return info.Record{}, err
		}
		if err == nil && (old.Status == info.Published || old.Status == info.Approved) {
			if _, err := info.Withdraw(ctx, tx, a, old, replacedNote); err != nil {
				return info.Record{}, err
			}
		}
	}
	body, err := Fragment(r, i18n.Zh)
	if err != nil {
		return info.Record{}, err
	}
	rec, err := info.Create(ctx, tx, a, r.Unit, info.Input{Title: Title(i18n.Zh, r.Unit, r.Year), Issuer: r.Unit.Name, Genre: "报告",
		WrittenDate: calendar.DateOf(tx.Now().In(calendar.China)).String(), Body: string(body), Column: info.ColumnReports})
	if err != nil {
		return info.Record{}, err
	}
	if rec, err = info.Submit(ctx, tx, a, rec); err != nil {
		if e := errs.As(err); e != nil && e.Key == "info.screen_blocked" {
			// The texts are the report's only free input: say where to look.
			return info.Record{}, errs.New(errs.Invalid, "report.screen_blocked", e.Args...)
		}
		return info.Record{}, err
	}
	if rec, err = info.Approve(ctx, tx, a, rec); err != nil {
		return info.Record{}, err
	}
	return info.Publish(ctx, tx, a, rec)
}
