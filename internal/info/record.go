// Package info keeps government information records (政府信息): their
// metadata, body and attachments, the catalog items they are loaded
// against, their publication workflow with privacy screening, and the
// full-text index the portal searches.
package info

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
	"gongkai/internal/push"
	"gongkai/internal/screen"
)

// Status is where a record stands.
type Status string

const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Approved  Status = "approved"
	Published Status = "published"
	Withdrawn Status = "withdrawn"
)

// Disclosure attributes (公开属性), decided when drafted.
const (
	Active    = "active"     // 主动公开
	OnRequest = "on_request" // 依申请公开
	Withheld  = "withheld"   // 不予公开, with the legal reason
)

// Sub-columns of a unit's disclosure platform: 政府信息公开指南, 制度,
// 法定主动公开内容 (where most information goes) and 年报.
const (
	ColumnGuide   = "zn"
	ColumnRules   = "zd"
	ColumnContent = "fdzdgknr"
	ColumnReports = "nb"
)

// Columns lists the sub-columns in portal order.
var Columns = []string{ColumnGuide, ColumnRules, ColumnContent, ColumnReports}

// Validity (有效性) of a document.
const (
	Valid    = "valid"    // 有效
	Expired  = "expired"  // 失效
	Repealed = "repealed" // 废止
)

// Record is a piece of government information.
type Record struct {
	ID              int64     `json:"-"`
	Unit            org.Unit  `json:"-"`
	IndexNo         string    `json:"index_no"`
	Title           string    `json:"title"`
	DocNumber       string    `json:"doc_number,omitempty"`
	Issuer          string    `json:"issuer,omitempty"`
	WrittenDate     string    `json:"written_date,omitempty"`
	FormedDate      string    `json:"formed_date,omitempty"`
	PublishedAt     time.Time `json:"published_at,omitzero"`
	PublishAt       time.Time `json:"publish_at,omitzero"`
	Topic           string    `json:"topic,omitempty"`
	Genre           string    `json:"genre,omitempty"`
	Keywords        string    `json:"keywords,omitempty"`
	Attribute       string    `json:"attribute"`
	AttributeReason string    `json:"attribute_reason,omitempty"`
	Validity        string    `json:"validity"`
	ValidityDate    string    `json:"validity_date,omitempty"`
	ReplacedBy      string    `json:"replaced_by,omitempty"`
	Body            string    `json:"body,omitempty"`
	BodyText        string    `json:"-"`
	LinkURL         string    `json:"link_url,omitempty"`
	LinkTitle       string    `json:"link_title,omitempty"`
	// Column is the unit's sub-column the record belongs to.
	Column         string    `json:"column"`
	Status         Status    `json:"status"`
	StatusNote     string    `json:"status_note,omitempty"`
	ScreenOverride string    `json:"-"`
	CreatedBy      string    `json:"-"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Items          []ItemRef `json:"items,omitempty"`
	// tokens caches the search tokens Prepare made.
	tokens      string
	personal    string       // what screening found, set by Prepare
	Attachments []Attachment `json:"attachments,omitempty"`
}

// ItemRef names a catalog item a record is loaded against.
type ItemRef struct {
	CatalogID  int64  `json:"-"`
	UnitCode   string `json:"unit"`
	DomainCode string `json:"domain"`
	DomainName string `json:"domain_name"`
	Key        string `json:"key"`
}

// Input is what an editor writes.
type Input struct {
	Title, DocNumber, Issuer   string
	WrittenDate, FormedDate    string
	Topic, Genre, Keywords     string
	Attribute, AttributeReason string
	Validity, ValidityDate     string
	ReplacedBy                 string
	Body                       string
	LinkURL, LinkTitle         string
	Column                     string
	PublishAt                  time.Time
}

// bodyPolicy keeps the tags of ordinary documents (paragraphs, headings,
// lists, tables, links, images) and drops scripts, styles and handlers. It
// keeps the scrolling region a wide table sits in on a phone (a
// div.table-wrap with role=region, a label and tabindex=0, after a
// p.scroll-hint), which the annual report writes around its tables.
var bodyPolicy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^table-wrap$`)).OnElements("div")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^region$`)).OnElements("div")
	p.AllowAttrs("tabindex").Matching(regexp.MustCompile(`^0$`)).OnElements("div")
	p.AllowAttrs("aria-label").OnElements("div")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^scroll-hint$`)).OnElements("p")
	return p
}()

// SanitizeBody cleans rich text: only safe tags and attributes remain.
func SanitizeBody(s string) string { return strings.TrimSpace(balance(bodyPolicy.Sanitize(s))) }

// textOf returns the text of an HTML fragment, blocks on their own lines.
func textOf(fragment string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "table":
				b.WriteByte('\n')
			case "td", "th":
				b.WriteByte(' ')
			}
		}
	}
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func validDate(s string) bool {
	if !dateRE.MatchString(s) {
		return false
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// validate checks an input and returns it cleaned.
func (in Input) validate() (Input, error) {
	var m errs.Multi
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		m = append(m, errs.InvalidField("title", "info.title_required"))
	} else if utf8.RuneCountInString(in.Title) > 300 {
		m = append(m, errs.InvalidField("title", "info.title_long", 300))
	}
	for _, d := range []struct{ field, v string }{{"written_date", in.WrittenDate}, {"formed_date", in.FormedDate}, {"validity_date", in.ValidityDate}} {
		if v := strings.TrimSpace(d.v); v != "" && !validDate(v) {
			m = append(m, errs.InvalidField(d.field, "info.bad_date", v))
		}
	}
	if in.Attribute == "" {
		in.Attribute = Active
	}
	switch {
	case in.Attribute != Active && !NeedsReason(in.Attribute):
		m = append(m, errs.InvalidField("attribute", "info.bad_attribute", in.Attribute))
	case NeedsReason(in.Attribute) && strings.TrimSpace(in.AttributeReason) == "":
		m = append(m, errs.InvalidField("attribute_reason", "info.reason_required"))
	}
	if in.Validity == "" {
		in.Validity = Valid
	}
	switch in.Validity {
	case Valid:
	case Expired, Repealed:
		if strings.TrimSpace(in.ValidityDate) == "" {
			m = append(m, errs.InvalidField("validity_date", "info.validity_date_required"))
		}
	default:
		m = append(m, errs.InvalidField("validity", "info.bad_validity", in.Validity))
	}
	if in.LinkURL = strings.TrimSpace(in.LinkURL); in.LinkURL != "" {
		u, err := url.Parse(in.LinkURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			m = append(m, errs.InvalidField("link_url", "info.bad_url", in.LinkURL))
		}
		if strings.TrimSpace(in.LinkTitle) == "" {
			in.LinkTitle = in.Title
		}
	}
	if in.Column == "" {
		in.Column = ColumnContent
	}
	if !slices.Contains(Columns, in.Column) {
		m = append(m, errs.InvalidField("column", "info.bad_column", in.Column))
	}
	in.Body = SanitizeBody(in.Body)
	if in.FormedDate == "" {
		in.FormedDate = in.WrittenDate
	}
	if len(m) > 0 {
		return in, m
	}
	return in, nil
}

// CanEdit reports whether a may write records for unit u.
func CanEdit(a auth.Account, u org.Unit) bool { return a.Writes(u) }

// CanApprove reports whether a may approve, publish and withdraw unit u's
// records and override screening: the unit's reviewer (单位负责人), the
// offices above it and administrators — never an editor.
func CanApprove(a auth.Account, u org.Unit) bool {
	if !a.InScope(u) {
		return false
	}
	switch a.Role {
	case auth.UnitReviewer, auth.PublicOfficeDistrict, auth.PublicOfficeCity, auth.Admin:
		return true
	}
	return false
}

// nextIndexNo makes the next 索引号 for unit u from the deployment's
// pattern: {unit_code}, {year}, {seq:N} (zero-padded to N digits).
func nextIndexNo(ctx context.Context, tx *db.Tx, u org.Unit, year int) (string, error) {
	pattern := "{unit_code}/{year}-{seq:5}"
	var v string
	if err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = 'index_pattern'`).Scan(&v); err == nil && v != "" {
		pattern = v
	}
	var seq int
	err := tx.QueryRow(ctx, `SELECT next FROM info_index_seq WHERE unit_id = ? AND year = ?`, u.ID, year).Scan(&seq)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		seq = 1
		_, err = tx.Exec(ctx, `INSERT INTO info_index_seq (unit_id, year, next) VALUES (?, ?, 2)`, u.ID, year)
	case err == nil:
		_, err = tx.Exec(ctx, `UPDATE info_index_seq SET next = next + 1 WHERE unit_id = ? AND year = ?`, u.ID, year)
	}
	if err != nil {
		return "", fmt.Errorf("next index number: %w", err)
	}
	return FormatIndexNo(pattern, u.Code, year, seq), nil
}

var seqRE = regexp.MustCompile(`\{seq(?::(\d))?\}`)

// FormatIndexNo fills an 索引号 pattern.
func FormatIndexNo(pattern, unitCode string, year, seq int) string {
	s := strings.NewReplacer("{unit_code}", unitCode, "{year}", strconv.Itoa(year)).Replace(pattern)
	return seqRE.ReplaceAllStringFunc(s, func(m string) string {
		width := 0
		if sub := seqRE.FindStringSubmatch(m); sub[1] != "" {
			width, _ = strconv.Atoi(sub[1])
		}
		return fmt.Sprintf("%0*d", width, seq)
	})
}

// Create writes a new draft record for unit u.
func Create(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, in Input) (Record, error) {
	return create(ctx, tx, a, u, in, "")
}

// create is Create with the record's 索引号, or "" for the next one of the
// unit's sequence. A number taken already is a Conflict error.
func create(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, in Input, idx string) (Record, error) {
	if !CanEdit(a, u) {
		return Record{}, errs.New(errs.Forbidden, "info.forbidden")
	}
	in, err := in.validate()
	if err != nil {
		return Record{}, err
	}
	now := tx.Now()
	year := now.In(calendar.China).Year()
	if in.WrittenDate != "" {
		year, _ = strconv.Atoi(in.WrittenDate[:4])
	}
	if idx == "" {
		if idx, err = nextIndexNo(ctx, tx, u, year); err != nil {
			return Record{}, err
		}
	}
	r := recordFrom(in)
	r.Unit, r.IndexNo, r.Status, r.CreatedBy, r.CreatedAt, r.UpdatedAt = u, idx, Draft, a.Login, now, now
	if err := insert(ctx, tx, &r); err != nil {
		return Record{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "info.create", "info", r.IndexNo, map[string]any{"title": r.Title})
}

func recordFrom(in Input) Record {
	return Record{Title: in.Title, DocNumber: strings.TrimSpace(in.DocNumber), Issuer: strings.TrimSpace(in.Issuer),
		WrittenDate: strings.TrimSpace(in.WrittenDate), FormedDate: strings.TrimSpace(in.FormedDate), Topic: strings.TrimSpace(in.Topic),
		Genre: strings.TrimSpace(in.Genre), Keywords: strings.TrimSpace(in.Keywords), Attribute: in.Attribute,
		AttributeReason: strings.TrimSpace(in.AttributeReason), Validity: in.Validity, ValidityDate: strings.TrimSpace(in.ValidityDate),
		ReplacedBy: strings.TrimSpace(in.ReplacedBy), Body: in.Body, BodyText: textOf(in.Body), LinkURL: in.LinkURL,
		LinkTitle: strings.TrimSpace(in.LinkTitle), PublishAt: in.PublishAt, Column: in.Column}
}

// columnOf is the sub-column a record is stored under.
func columnOf(c string) string {
	if c == "" {
		return ColumnContent
	}
	return c
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func insert(ctx context.Context, tx *db.Tx, r *Record) error {
	err := tx.QueryRow(ctx, `INSERT INTO info_records (unit_id, index_no, title, doc_number, issuer, written_date, formed_date, published_at, publish_at,
		topic, genre, keywords, attribute, attribute_reason, validity, validity_date, replaced_by, body, body_text, link_url, link_title,
		status, status_note, screen_override, created_by, created_at, updated_at, column_code)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Unit.ID, r.IndexNo, r.Title, r.DocNumber, r.Issuer, r.WrittenDate, r.FormedDate, nullTime(r.PublishedAt), nullTime(r.PublishAt),
		r.Topic, r.Genre, r.Keywords, r.Attribute, r.AttributeReason, r.Validity, r.ValidityDate, r.ReplacedBy, r.Body, r.BodyText,
		r.LinkURL, r.LinkTitle, r.Status, r.StatusNote, r.ScreenOverride, r.CreatedBy, r.CreatedAt, r.UpdatedAt, columnOf(r.Column)).Scan(&r.ID)
	if db.IsUniqueViolation(err) {
		return errs.New(errs.Conflict, "info.index_taken", r.IndexNo)
	}
	if err != nil {
		return fmt.Errorf("add record: %w", err)
	}
	return nil
}

// save writes every field of r back.
func save(ctx context.Context, tx *db.Tx, r Record) error {
	_, err := tx.Exec(ctx, `UPDATE info_records SET title = ?, doc_number = ?, issuer = ?, written_date = ?, formed_date = ?, published_at = ?,
		publish_at = ?, topic = ?, genre = ?, keywords = ?, attribute = ?, attribute_reason = ?, validity = ?, validity_date = ?, replaced_by = ?,
		body = ?, body_text = ?, link_url = ?, link_title = ?, status = ?, status_note = ?, screen_override = ?, updated_at = ?, column_code = ? WHERE id = ?`,
		r.Title, r.DocNumber, r.Issuer, r.WrittenDate, r.FormedDate, nullTime(r.PublishedAt), nullTime(r.PublishAt), r.Topic, r.Genre,
		r.Keywords, r.Attribute, r.AttributeReason, r.Validity, r.ValidityDate, r.ReplacedBy, r.Body, r.BodyText, r.LinkURL, r.LinkTitle,
		r.Status, r.StatusNote, r.ScreenOverride, r.UpdatedAt, columnOf(r.Column), r.ID)
	if err != nil {
		return fmt.Errorf("update record: %w", err)
	}
	return nil
}

// Update changes a draft.
func Update(ctx context.Context, tx *db.Tx, a auth.Account, r Record, in Input) (Record, error) {
	if !CanEdit(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.forbidden")
	}
	if r.Status != Draft {
		return Record{}, errs.New(errs.Conflict, "info.not_draft")
	}
	in, err := in.validate()
	if err != nil {
		return Record{}, err
	}
	n := recordFrom(in)
	n.ID, n.Unit, n.IndexNo, n.Status, n.CreatedBy, n.CreatedAt, n.UpdatedAt = r.ID, r.Unit, r.IndexNo, r.Status, r.CreatedBy, r.CreatedAt, tx.Now()
	n.Items, n.Attachments = r.Items, r.Attachments
	if err := save(ctx, tx, n); err != nil {
		return Record{}, err
	}
	return n, audit.Append(ctx, tx, a.Login, "info.update", "info", r.IndexNo, nil)
}

// SetValidity marks a record 有效, 失效 or 废止 at any stage, with the date
// and what replaced it: the record stays online, marked.
func SetValidity(ctx context.Context, tx *db.Tx, a auth.Account, r Record, validity, date, replacedBy string) (Record, error) {
	if !CanEdit(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.forbidden")
	}
	in := Input{Title: r.Title, Attribute: r.Attribute, AttributeReason: r.AttributeReason, Validity: validity, ValidityDate: date, Body: r.Body, LinkURL: r.LinkURL, LinkTitle: r.LinkTitle, Column: r.Column}
	if _, err := in.validate(); err != nil {
		return Record{}, err
	}
	if replacedBy = strings.TrimSpace(replacedBy); replacedBy != "" {
		if _, err := ByIndexNo(ctx, tx, replacedBy); err != nil {
			return Record{}, errs.InvalidField("replaced_by", "info.not_found", replacedBy)
		}
	}
	r.Validity, r.ValidityDate, r.ReplacedBy, r.UpdatedAt = validity, strings.TrimSpace(date), replacedBy, tx.Now()
	if err := save(ctx, tx, r); err != nil {
		return Record{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "info.validity", "info", r.IndexNo, map[string]any{"validity": validity, "date": date, "replaced_by": replacedBy})
}

// Findings screens the record's title, body and attachment text.
func (r Record) Findings() []Finding {
	var out []Finding
	for _, part := range []struct{ where, text string }{{"title", r.Title}, {"body", r.BodyText}} {
		for _, f := range screen.Text(part.text) {
			out = append(out, Finding{Where: part.where, Finding: f})
		}
	}
	for _, at := range r.Attachments {
		for _, f := range screen.Text(at.Text) {
			out = append(out, Finding{Where: "attachment", Attachment: at.Name, Finding: f})
		}
	}
	return out
}

// Finding is personal data found in a part of a record.
type Finding struct {
	Where      string `json:"where"`
	Attachment string `json:"attachment,omitempty"`
	screen.Finding
}

// Submit sends a draft for approval. Personal data found by screening blocks
// it until masked or overridden by a reviewer.
func Submit(ctx context.Context, tx *db.Tx, a auth.Account, r Record) (Record, error) {
	if !CanEdit(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.forbidden")
	}
	if r.Status != Draft {
		return Record{}, errs.New(errs.Conflict, "info.not_draft")
	}
	if fs := r.Findings(); len(fs) > 0 && r.ScreenOverride == "" {
		return Record{}, errs.New(errs.Invalid, "info.screen_blocked", len(fs))
	}
	return transition(ctx, tx, a, r, Submitted, "")
}

// MaskAll applies the official masks to the title and body of a draft.
// Attachments cannot be masked in place: replace them or ask a reviewer.
func MaskAll(ctx context.Context, tx *db.Tx, a auth.Account, r Record) (Record, error) {
	if !CanEdit(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.forbidden")
	}
	if r.Status != Draft {
		return Record{}, errs.New(errs.Conflict, "info.not_draft")
	}
	n := 0
	mask := func(s string) string {
		fs := screen.Text(s)
		n += len(fs)
		return screen.Mask(s, fs)
	}
	r.Title, r.Body = mask(r.Title), mask(r.Body)
	r.BodyText, r.UpdatedAt = textOf(r.Body), tx.Now()
	if err := save(ctx, tx, r); err != nil {
		return Record{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "info.mask", "info", r.IndexNo, map[string]any{"masked": n})
}

// ReleaseReason checks the reason a reviewer gives to release content in
// which screening found personal data: at least 5 characters. It returns the
// reason trimmed, or an Invalid error on field "reason".
func ReleaseReason(reason string) (string, error) {
	if reason = strings.TrimSpace(reason); utf8.RuneCountInString(reason) < 5 {
		return "", errs.InvalidField("reason", "info.override_reason")
	}
	return reason, nil
}

// OverrideScreening lets a reviewer release a record whose findings are not
// personal data to protect, with a written reason.
func OverrideScreening(ctx context.Context, tx *db.Tx, a auth.Account, r Record, reason string) (Record, error) {
	if !CanApprove(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.review_forbidden")
	}
	reason, err := ReleaseReason(reason)
	if err != nil {
		return Record{}, err
	}
	r.ScreenOverride, r.UpdatedAt = a.Login+"："+reason, tx.Now()
	if err := save(ctx, tx, r); err != nil {
		return Record{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "info.screen_override", "info", r.IndexNo, map[string]any{"reason": reason, "findings": len(r.Findings())})
}

// Approve approves a submitted record; ReturnToDraft sends it back.
func Approve(ctx context.Context, tx *db.Tx, a auth.Account, r Record) (Record, error) {
	return approve(ctx, tx, a, r, "")
}

// ApproveNoted is Approve with a note for the audit log and the record's
// status note ("published without review by token").
func ApproveNoted(ctx context.Context, tx *db.Tx, a auth.Account, r Record, note string) (Record, error) {
	return approve(ctx, tx, a, r, note)
}

// approve is Approve with a note for the audit log.
func approve(ctx context.Context, tx *db.Tx, a auth.Account, r Record, note string) (Record, error) {
	if !CanApprove(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.review_forbidden")
	}
	if r.Status != Submitted {
		return Record{}, errs.New(errs.Conflict, "info.bad_transition")
	}
	return transition(ctx, tx, a, r, Approved, note)
}

// ReturnToDraft sends a submitted record back to its editor with a note.
func ReturnToDraft(ctx context.Context, tx *db.Tx, a auth.Account, r Record, note string) (Record, error) {
	if !CanApprove(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.review_forbidden")
	}
	if r.Status != Submitted && r.Status != Approved {
		return Record{}, errs.New(errs.Conflict, "info.bad_transition")
	}
	return transition(ctx, tx, a, r, Draft, strings.TrimSpace(note))
}

// Publish publishes an approved record now, or at r.PublishAt if that is
// later (scheduled publishing); PublishDue publishes it then.
func Publish(ctx context.Context, tx *db.Tx, a auth.Account, r Record) (Record, error) {
	if !CanApprove(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.review_forbidden")
	}
	if r.Status != Approved {
		return Record{}, errs.New(errs.Conflict, "info.bad_transition")
	}
	if r.Attribute != Active {
		return Record{}, errs.New(errs.Invalid, "info.not_active")
	}
	if r.PublishAt.After(tx.Now()) {
		return r, audit.Append(ctx, tx, a.Login, "info.schedule", "info", r.IndexNo, map[string]any{"publish_at": r.PublishAt})
	}
	return publish(ctx, tx, a.Login, r)
}

// Reschedule sets when a submitted or approved record is published, so
// that records released together (a policy and its interpretations, 三同步)
// go out at the same moment; the zero time publishes it when approved.
func Reschedule(ctx context.Context, tx *db.Tx, a auth.Account, r Record, at time.Time) (Record, error) {
	if !CanApprove(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.review_forbidden")
	}
	if r.Status != Submitted && r.Status != Approved {
		return Record{}, errs.New(errs.Conflict, "info.bad_transition")
	}
	if r.PublishAt.Equal(at) {
		return r, nil
	}
	r.PublishAt, r.UpdatedAt = at, tx.Now()
	if err := save(ctx, tx, r); err != nil {
		return Record{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "info.reschedule", "info", r.IndexNo, map[string]any{"publish_at": nullTime(at)})
}

func publish(ctx context.Context, tx *db.Tx, actor string, r Record) (Record, error) {
	r.PublishedAt = tx.Now()
	r, err := transition(ctx, tx, auth.Account{Login: actor}, r, Published, "")
	if err != nil {
		return Record{}, err
	}
	if err := index(ctx, tx, r); err != nil {
		return Record{}, err
	}
	return r, tellSubscribers(ctx, tx, r)
}

// tellSubscribers asks, in the publishing transaction, for the subscribers
// who follow r to be told (定向推送). Records loaded by Import and
// LoadPublished were published elsewhere before; they never pass here.
func tellSubscribers(ctx context.Context, tx *db.Tx, r Record) error {
	var domains []string
	for _, it := range r.Items {
		if !slices.Contains(domains, it.DomainCode) {
			domains = append(domains, it.DomainCode)
		}
	}
	return push.Published(ctx, tx, push.Item{Reference: r.IndexNo, Title: r.Title, Link: fmt.Sprintf("/zwgk/info/%d/", r.ID),
		Unit: r.Unit, Domains: domains, Topic: r.Topic, Published: r.PublishedAt})
}

// PublishDue publishes the approved records whose scheduled time has come.
func PublishDue(ctx context.Context, d *db.DB) (int, error) {
	rows, err := d.Query(ctx, `SELECT id FROM info_records WHERE status = ? AND publish_at IS NOT NULL AND publish_at <= ?`, Approved, d.Now())
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	n := 0
	for _, id := range ids {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			r, err := ByID(ctx, tx, id)
			if err != nil || r.Status != Approved {
				return err
			}
			_, err = publish(ctx, tx, "system:schedule", r)
			return err
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Withdraw takes a published record off the portal, with the reason.
func Withdraw(ctx context.Context, tx *db.Tx, a auth.Account, r Record, reason string) (Record, error) {
	if !CanApprove(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.review_forbidden")
	}
	if r.Status != Published && r.Status != Approved {
		return Record{}, errs.New(errs.Conflict, "info.bad_transition")
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return Record{}, errs.InvalidField("reason", "info.withdraw_reason")
	}
	r, err := transition(ctx, tx, a, r, Withdrawn, reason)
	if err != nil {
		return Record{}, err
	}
	return r, unindex(ctx, tx, r.ID)
}

func transition(ctx context.Context, tx *db.Tx, a auth.Account, r Record, to Status, note string) (Record, error) {
	from := r.Status
	r.Status, r.StatusNote, r.UpdatedAt = to, note, tx.Now()
	if err := save(ctx, tx, r); err != nil {
		return Record{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "info."+string(to), "info", r.IndexNo, map[string]any{"from": from, "note": note})
}

const recordCols = `r.id, r.unit_id, r.index_no, r.title, r.doc_number, r.issuer, r.written_date, r.formed_date, r.published_at, r.publish_at,
	r.topic, r.genre, r.keywords, r.attribute, r.attribute_reason, r.validity, r.validity_date, r.replaced_by, r.body, r.body_text,
	r.link_url, r.link_title, r.status, r.status_note, r.screen_override, r.created_by, r.created_at, r.updated_at, r.column_code`

// listCols are recordCols without the body and its text, for lists that
// show titles and dates.
var listCols = strings.Replace(recordCols, `r.body, r.body_text,`, `'', '',`, 1)

func scanRecord(s interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var pub, at sql.NullTime
	err := s.Scan(&r.ID, &r.Unit.ID, &r.IndexNo, &r.Title, &r.DocNumber, &r.Issuer, &r.WrittenDate, &r.FormedDate, &pub, &at,
		&r.Topic, &r.Genre, &r.Keywords, &r.Attribute, &r.AttributeReason, &r.Validity, &r.ValidityDate, &r.ReplacedBy, &r.Body, &r.BodyText,
		&r.LinkURL, &r.LinkTitle, &r.Status, &r.StatusNote, &r.ScreenOverride, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt, &r.Column)
	if pub.Valid {
		r.PublishedAt = pub.Time
	}
	if at.Valid {
		r.PublishAt = at.Time
	}
	return r, err
}

// ByID returns a record with its unit, items and attachments.
func ByID(ctx context.Context, q db.Querier, id int64) (Record, error) {
	return one(ctx, q, `r.id = ?`, id)
}

// ByIndexNo returns the record with the given 索引号.
func ByIndexNo(ctx context.Context, q db.Querier, indexNo string) (Record, error) {
	return one(ctx, q, `r.index_no = ?`, indexNo)
}

func one(ctx context.Context, q db.Querier, where string, arg any) (Record, error) {
	r, err := scanRecord(q.QueryRow(ctx, `SELECT `+recordCols+` FROM info_records r WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, errs.New(errs.NotFound, "info.not_found", fmt.Sprint(arg))
	}
	if err != nil {
		return Record{}, fmt.Errorf("load record: %w", err)
	}
	if r.Unit, err = org.ByID(ctx, q, r.Unit.ID); err != nil {
		return Record{}, err
	}
	if r.Items, err = itemsOf(ctx, q, r.ID); err != nil {
		return Record{}, err
	}
	r.Attachments, err = attachmentsOf(ctx, q, r.ID)
	return r, err
}

// Public reports whether the record may be shown to anyone.
func (r Record) Public() bool { return r.Status == Published }
