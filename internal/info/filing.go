package info

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Filing is a whole record as a unit's business system sends it through
// the API (plan item 四, 嵌入部门业务系统): the console's fields, the
// catalog items it is loaded against, its files, and whether to publish.
// It goes through the console's own steps — Create, AddAttachment,
// Submit, Approve, Publish — so whatever publishing does (search tokens,
// the audit log, notifications) happens for it too.
type Filing struct {
	Input
	// IndexNo is the record's 索引号, or "" for the next of the unit's.
	IndexNo string
	Items   []ItemSel
	Files   []File
	// Publish asks for the record to be published: it is, when the filer
	// may approve the unit's records, and is submitted for review
	// otherwise. Without it the record stays a draft.
	Publish bool
	// Unreviewed is the note the audit log keeps when the filer approves
	// its own record ("published without review by token").
	Unreviewed string
}

// ItemSel names a catalog item of the unit's published catalogs: by the
// domain's code and the item's name or key. Without a domain, the item
// is looked for in every published catalog of the unit.
type ItemSel struct {
	Domain, Item string
	// Field names the input it came from, for errors.
	Field string
}

// File is a file sent with a filing.
type File struct {
	Name string
	Data []byte
	// Field names the input it came from, for errors.
	Field string
}

// ScreenError is personal data found by screening in a filing, which is
// then not written. It is an Unprocessable error.
type ScreenError struct{ Findings []Finding }

func (e *ScreenError) Error() string { return fmt.Sprintf("screening found %d items", len(e.Findings)) }

// Unwrap gives the error's kind and message.
func (e *ScreenError) Unwrap() error {
	return errs.New(errs.Unprocessable, "info.screen_findings", len(e.Findings))
}

// filed is a filing checked before anything is written.
type filed struct {
	in    Input
	files []Attachment
	links []ItemRef
}

// check validates every part of a filing for unit u — fields, files,
// items, personal data — before anything is written, so that a file with
// personal data is never stored.
func (f Filing) check(ctx context.Context, q db.Querier, u org.Unit) (filed, error) {
	in, err := f.Input.validate()
	if err != nil {
		return filed{}, err
	}
	var out filed
	out.in = in
	for _, file := range f.Files {
		at, err := CheckFile(file.Name, file.Data)
		if e := errs.As(err); e != nil {
			return filed{}, errs.InvalidField(file.Field, e.Key, e.Args...)
		}
		if err != nil {
			return filed{}, err
		}
		out.files = append(out.files, at)
	}
	if out.links, err = resolveItems(ctx, q, u, f.Items); err != nil {
		return filed{}, err
	}
	probe := recordFrom(in)
	probe.Attachments = out.files
	if fs := probe.Findings(); len(fs) > 0 {
		return filed{}, &ScreenError{Findings: fs}
	}
	return out, nil
}

// resolveItems finds the catalog items sels name in unit u's published
// catalogs. An item not there is an Invalid error on its field.
func resolveItems(ctx context.Context, q db.Querier, u org.Unit, sels []ItemSel) ([]ItemRef, error) {
	if len(sels) == 0 {
		return nil, nil
	}
	cs, err := catalog.PublishedIn(ctx, q, u, false)
	if err != nil {
		return nil, err
	}
	var out []ItemRef
	for _, sel := range sels {
		var found *ItemRef
		for _, c := range cs {
			if sel.Domain != "" && c.Domain.Code != sel.Domain {
				continue
			}
			if key := itemKey(c.Items, strings.TrimSpace(sel.Item)); key != "" {
				found = &ItemRef{CatalogID: c.ID, UnitCode: u.Code, DomainCode: c.Domain.Code, DomainName: c.Domain.Name, Key: key}
				break
			}
		}
		switch {
		case found == nil && sel.Domain == "":
			return nil, errs.InvalidField(sel.Field, "info.no_published_item_any", u.Name, sel.Item)
		case found == nil:
			return nil, errs.InvalidField(sel.Field, "info.no_published_item", u.Name, sel.Domain, sel.Item)
		}
		out = append(out, *found)
	}
	return out, nil
}

// FileRecord writes a filing as a new record of unit u and takes it as far
// as f.Publish asks and a may go. Screening findings are a *ScreenError;
// nothing is written on any error.
func FileRecord(ctx context.Context, tx *db.Tx, a auth.Account, files string, u org.Unit, f Filing) (Record, error) {
	if !CanEdit(a, u) {
		return Record{}, errs.New(errs.Forbidden, "info.forbidden")
	}
	c, err := f.check(ctx, tx, u)
	if err != nil {
		return Record{}, err
	}
	r, err := create(ctx, tx, a, u, c.in, strings.TrimSpace(f.IndexNo))
	if err != nil {
		return Record{}, err
	}
	return fill(ctx, tx, a, files, r, f, c)
}

// fill attaches the checked files and items to draft r and submits,
// approves and publishes it as the filing asks.
func fill(ctx context.Context, tx *db.Tx, a auth.Account, files string, r Record, f Filing, c filed) (Record, error) {
	var err error
	for i, at := range c.files {
		if r, err = attach(ctx, tx, a, files, r, at, f.Files[i].Data); err != nil {
			return Record{}, err
		}
	}
	if r, err = setItems(ctx, tx, a, r, c.links); err != nil {
		return Record{}, err
	}
	if !f.Publish {
		return r, nil
	}
	if r, err = Submit(ctx, tx, a, r); err != nil || !CanApprove(a, r.Unit) {
		return r, err
	}
	if r, err = approve(ctx, tx, a, r, f.Unreviewed); err != nil {
		return Record{}, err
	}
	return Publish(ctx, tx, a, r)
}

// setItems replaces the record's catalog items with links.
func setItems(ctx context.Context, tx *db.Tx, a auth.Account, r Record, links []ItemRef) (Record, error) {
	if len(links) == 0 && len(r.Items) == 0 {
		return r, nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM info_items WHERE record_id = ?`, r.ID); err != nil {
		return Record{}, fmt.Errorf("clear record items: %w", err)
	}
	var keys []string
	for _, it := range links {
		if _, err := tx.Exec(ctx, `INSERT INTO info_items (record_id, catalog_id, item_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, r.ID, it.CatalogID, it.Key); err != nil {
			return Record{}, fmt.Errorf("link record item: %w", err)
		}
		keys = append(keys, it.DomainCode+":"+it.Key)
	}
	var err error
	if r.Items, err = itemsOf(ctx, tx, r.ID); err != nil {
		return Record{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "info.link_items", "info", r.IndexNo, map[string]any{"items": keys})
}

// ReplaceRecord replaces record r with a filing, as the console would
// change it:
//   - a draft is changed in place, its files and items replaced;
//   - a submitted or approved record is first returned to draft, which
//     only someone who may approve it may do (Conflict otherwise: it is
//     with its reviewer);
//   - a published record is not changed: the filing becomes a new record,
//     published, and r is marked 失效 (expired) and replaced by it — the
//     console's 有效性 step — so its page stays and points to the new one.
//     This needs a filer who may publish and f.Publish.
//
// A withdrawn record is not replaced (Conflict). It returns the record the
// filing became and whether it is a new one.
func ReplaceRecord(ctx context.Context, tx *db.Tx, a auth.Account, files string, r Record, f Filing) (Record, bool, error) {
	if !CanEdit(a, r.Unit) {
		return Record{}, false, errs.New(errs.Forbidden, "info.forbidden")
	}
	c, err := f.check(ctx, tx, r.Unit)
	if err != nil {
		return Record{}, false, err
	}
	switch r.Status {
	case Published:
		return newVersion(ctx, tx, a, files, r, f, c)
	case Withdrawn:
		return Record{}, false, errs.New(errs.Conflict, "info.bad_transition")
	case Submitted, Approved:
		if !CanApprove(a, r.Unit) {
			return Record{}, false, errs.New(errs.Conflict, "info.under_review")
		}
		if r, err = ReturnToDraft(ctx, tx, a, r, "replaced by its filer"); err != nil {
			return Record{}, false, err
		}
	}
	if idx := strings.TrimSpace(f.IndexNo); idx != "" && idx != r.IndexNo {
		return Record{}, false, errs.InvalidField("index_no", "info.index_fixed", r.IndexNo)
	}
	if r, err = Update(ctx, tx, a, r, c.in); err != nil {
		return Record{}, false, err
	}
	for len(r.Attachments) > 0 {
		if r, err = RemoveAttachment(ctx, tx, a, r, r.Attachments[0].Seq); err != nil {
			return Record{}, false, err
		}
	}
	r, err = fill(ctx, tx, a, files, r, f, c)
	return r, false, err
}

// newVersion files f as the record that replaces published record old.
func newVersion(ctx context.Context, tx *db.Tx, a auth.Account, files string, old Record, f Filing, c filed) (Record, bool, error) {
	if !CanApprove(a, old.Unit) {
		return Record{}, false, errs.New(errs.Forbidden, "info.review_forbidden")
	}
	if !f.Publish {
		return Record{}, false, errs.InvalidField("publish", "info.new_version_publish")
	}
	r, err := create(ctx, tx, a, old.Unit, c.in, strings.TrimSpace(f.IndexNo))
	if err != nil {
		return Record{}, false, err
	}
	if r, err = fill(ctx, tx, a, files, r, f, c); err != nil {
		return Record{}, false, err
	}
	if r.Status != Published {
		// Scheduled: the old record stays in force until a person marks it.
		return r, true, nil
	}
	today := calendar.DateOf(tx.Now().In(calendar.China)).String()
	if _, err := SetValidity(ctx, tx, a, old, Expired, today, r.IndexNo); err != nil {
		return Record{}, false, err
	}
	return r, true, nil
}

// ScheduleDay turns the day a filing names for publication (published_date,
// 2026-11-23) into a moment: the start of that day in China. It returns an
// Invalid error on field for anything but a date.
func ScheduleDay(field, day string) (time.Time, error) {
	if day = strings.TrimSpace(day); day == "" {
		return time.Time{}, nil
	}
	if !validDate(day) {
		return time.Time{}, errs.InvalidField(field, "info.bad_date", day)
	}
	t, _ := time.ParseInLocation("2006-01-02", day, calendar.China)
	return t, nil
}
