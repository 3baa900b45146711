package domainreport

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/figures"
	"gongkai/internal/selfreport"
)

// MaxText bounds a section's text, in characters.
const MaxText = 5000

// TextField is the form field of section key's text.
func TextField(key string) string { return "text_" + key }

// ValidYear checks that year is one a report can be made for
// (figures.ValidYear).
func ValidYear(q db.Querier, year int) error { return figures.ValidYear(q, year) }

func key(d catalog.Domain, year int) string { return fmt.Sprintf("%s/%d", d.Code, year) }

// load returns the texts saved for domain d's report of year and its status.
func load(ctx context.Context, q db.Querier, d catalog.Domain, year int) (map[string]string, Status, error) {
	texts := map[string]string{}
	var st Status
	var tj string
	var published sql.NullTime
	err := q.QueryRow(ctx, `SELECT texts, updated_by, updated_at, published_by, published_at FROM domain_reports WHERE domain_id = ? AND year = ?`,
		d.ID, year).Scan(&tj, &st.UpdatedBy, &st.UpdatedAt, &st.PublishedBy, &published)
	if errors.Is(err, sql.ErrNoRows) {
		return texts, st, nil
	}
	if err != nil {
		return nil, st, fmt.Errorf("load domain report %s: %w", key(d, year), err)
	}
	st.Saved, st.PublishedAt = true, published.Time
	return texts, st, json.Unmarshal([]byte(tj), &texts)
}

// Generate returns domain d's report of year as it stands: the rows and
// figures from the data, the texts the lead department saved or those
// written from the figures. It returns an Invalid error when no
// department leads the domain.
func Generate(ctx context.Context, q db.Querier, d catalog.Domain, year int) (Report, error) {
	lead, ok, err := Lead(ctx, q, d)
	if err != nil {
		return Report{}, err
	}
	if !ok {
		return Report{}, errs.New(errs.Invalid, "domainreport.no_lead", d.Name)
	}
	root, err := rootOf(ctx, q, lead)
	if err != nil {
		return Report{}, err
	}
	r := Report{Domain: d, Year: year, Lead: lead, LeadName: lead.Name}
	if r.Rows, err = rows(ctx, q, d, root, figures.PeriodOf(q, year)); err != nil {
		return Report{}, err
	}
	r.Sections = sections(d, year, r.Rows)
	texts, st, err := load(ctx, q, d, year)
	if err != nil {
		return Report{}, err
	}
	r.Status = st
	for i := range r.Sections {
		if t, ok := texts[r.Sections[i].Key]; ok {
			r.Sections[i].Text, r.Sections[i].Edited = t, true
		}
	}
	return r, nil
}

// writable checks that a may write domain d's reports and year is valid.
func writable(ctx context.Context, tx *db.Tx, a auth.Account, d catalog.Domain, year int) error {
	lead, _, err := Lead(ctx, tx, d)
	if err != nil {
		return err
	}
	if !CanWrite(a, d, lead) {
		return errs.New(errs.Forbidden, "domainreport.forbidden")
	}
	return ValidYear(tx, year)
}

// SaveTexts saves the lead department's texts of domain d's report of
// year, by section key; a text left as written from the figures, or
// emptied, keeps following them. It returns every text too long at once,
// each naming its field, and a Forbidden error if a may not write the
// report.
func SaveTexts(ctx context.Context, tx *db.Tx, a auth.Account, d catalog.Domain, year int, texts map[string]string) error {
	if err := writable(ctx, tx, a, d, year); err != nil {
		return err
	}
	var m errs.Multi
	for _, k := range Keys {
		t := selfreport.CleanText(texts[k])
		if utf8.RuneCountInString(t) > MaxText {
			m = append(m, errs.InvalidField(TextField(k), "domainreport.text_too_long", errs.Msg("domainreport.section."+k), MaxText))
		}
		texts[k] = t
	}
	if len(m) > 0 {
		return m
	}
	r, err := Generate(ctx, tx, d, year)
	if err != nil {
		return err
	}
	saved := map[string]string{}
	for _, s := range r.Sections {
		if t := texts[s.Key]; t != "" && t != s.Draft {
			saved[s.Key] = t
		}
	}
	tj, err := json.Marshal(saved)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO domain_reports (domain_id, year, texts, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (domain_id, year) DO UPDATE SET texts = excluded.texts, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		d.ID, year, string(tj), a.Login, tx.Now()); err != nil {
		return fmt.Errorf("save domain report %s: %w", key(d, year), err)
	}
	return audit.Append(ctx, tx, a.Login, "domainreport.save", "domain_report", key(d, year), map[string]any{"edited": len(saved)})
}

// Publish publishes domain d's report of year as it stands on the portal,
// in place of any version published before.
func Publish(ctx context.Context, tx *db.Tx, a auth.Account, d catalog.Domain, year int) (Report, error) {
	if err := writable(ctx, tx, a, d, year); err != nil {
		return Report{}, err
	}
	r, err := Generate(ctx, tx, d, year)
	if err != nil {
		return Report{}, err
	}
	js, err := json.Marshal(r)
	if err != nil {
		return Report{}, err
	}
	now := tx.Now()
	if _, err := tx.Exec(ctx, `INSERT INTO domain_reports (domain_id, year, snapshot, updated_by, updated_at, published_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (domain_id, year) DO UPDATE SET snapshot = excluded.snapshot, published_by = excluded.published_by, published_at = excluded.published_at`,
		d.ID, year, string(js), a.Login, now, a.Login, now); err != nil {
		return Report{}, fmt.Errorf("publish domain report %s: %w", key(d, year), err)
	}
	r.Status.PublishedBy, r.Status.PublishedAt = a.Login, now
	return r, audit.Append(ctx, tx, a.Login, "domainreport.publish", "domain_report", key(d, year), map[string]any{"units": len(r.Rows)})
}

// Published returns domain d's report of year as published, or a NotFound
// error when it was not.
func Published(ctx context.Context, q db.Querier, d catalog.Domain, year int) (Report, error) {
	var snapshot string
	var at sql.NullTime
	var by string
	err := q.QueryRow(ctx, `SELECT snapshot, published_by, published_at FROM domain_reports WHERE domain_id = ? AND year = ? AND published_at IS NOT NULL`,
		d.ID, year).Scan(&snapshot, &by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, errs.New(errs.NotFound, "domainreport.not_found", d.Name, year)
	}
	if err != nil {
		return Report{}, fmt.Errorf("load published domain report %s: %w", key(d, year), err)
	}
	r := Report{Domain: d}
	if err := json.Unmarshal([]byte(snapshot), &r); err != nil {
		return Report{}, fmt.Errorf("read published domain report %s: %w", key(d, year), err)
	}
	r.Status = Status{Saved: true, PublishedBy: by, PublishedAt: at.Time}
	return r, nil
}

// PublishedYears returns the years of domain d's published reports,
// newest first.
func PublishedYears(ctx context.Context, q db.Querier, d catalog.Domain) ([]int, error) {
	rows, err := q.Query(ctx, `SELECT year FROM domain_reports WHERE domain_id = ? AND published_at IS NOT NULL ORDER BY year DESC`, d.ID)
	if err != nil {
		return nil, fmt.Errorf("list domain reports: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// Statuses returns the status of each domain's report of year, by domain
// id; a domain with nothing saved is absent.
func Statuses(ctx context.Context, q db.Querier, year int) (map[int64]Status, error) {
	rows, err := q.Query(ctx, `SELECT domain_id, updated_by, updated_at, published_by, published_at FROM domain_reports WHERE year = ?`, year)
	if err != nil {
		return nil, fmt.Errorf("list domain reports: %w", err)
	}
	defer rows.Close()
	out := map[int64]Status{}
	for rows.Next() {
		var id int64
		var st Status
		var at sql.NullTime
		if err := rows.Scan(&id, &st.UpdatedBy, &st.UpdatedAt, &st.PublishedBy, &at); err != nil {
			return nil, err
		}
		st.Saved, st.PublishedAt = true, at.Time
		out[id] = st
	}
	return out, rows.Err()
}
