package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Status is where a catalog stands in review.
type Status string

const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Returned  Status = "returned"
	Approved  Status = "approved"
	Published Status = "published"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{Draft, Submitted, Returned, Approved, Published}

// CatalogItem is an item of a unit's catalog.
type CatalogItem struct {
	Item
	// Mandatory items come from the guideline for the unit's level (乡级 and
	// 村级 items for streets and towns) and cannot be removed.
	Mandatory bool `json:"mandatory,omitempty"`
	// Local items were added by the unit beyond the guideline.
	Local bool `json:"local,omitempty"`
	// Comment is the reviewer's remark on the item when it was returned.
	Comment string `json:"comment,omitempty"`
}

// Catalog is a unit's 政务公开事项标准目录 for one domain.
type Catalog struct {
	ID               int64         `json:"-"`
	Unit             org.Unit      `json:"-"`
	Domain           Domain        `json:"domain"`
	Status           Status        `json:"status"`
	Version          int           `json:"version"`
	PublishedVersion int           `json:"published_version,omitempty"`
	GuidelineVersion int           `json:"guideline_version,omitempty"`
	Comment          string        `json:"comment,omitempty"`
	CreatedAt        time.Time     `json:"created_at"`
	UpdatedAt        time.Time     `json:"updated_at"`
	Items            []CatalogItem `json:"items"`
	guidelineID      sql.NullInt64
}

// Editable reports whether the working copy may be changed.
func (c Catalog) Editable() bool {
	return c.Status == Draft || c.Status == Returned || c.Status == Published
}

// MandatoryFor reports whether a unit of level l must list item it: streets
// and towns must list every item of the 乡级 and 村级.
func MandatoryFor(it Item, l org.Level) bool {
	if l != org.LevelTownship && l != org.LevelVillage {
		return false
	}
	ls := ParseLevels(it.Levels)
	return slices.Contains(ls, org.LevelTownship) || slices.Contains(ls, org.LevelVillage)
}

// canEdit: editors and reviewers of the unit, and the offices and
// administrators above it.
func canEdit(a auth.Account, u org.Unit) bool { return a.Writes(u) }

// canReview: the district office of the unit's district (or the city office
// for city departments and districts), and administrators, but never the
// unit's own staff.
func canReview(a auth.Account, u org.Unit) bool {
	if !a.InScope(u) || a.Unit.ID == u.ID && a.Role != auth.Admin {
		return false
	}
	return IsReviewer(a)
}

// IsReviewer reports whether a's role reviews catalogs: the district and
// city offices, and administrators.
func IsReviewer(a auth.Account) bool {
	return a.Role == auth.PublicOfficeDistrict || a.Role == auth.PublicOfficeCity || a.Role == auth.Admin
}

// CanRead reports whether a may see unit u's working catalog for domain d:
// anyone with u in scope, and a domain supervisor for its domain anywhere
// under its own unit's parent government.
func CanRead(a auth.Account, u org.Unit, d Domain) bool {
	if a.Role == auth.DomainSupervisor {
		return NormalizeDomainName(a.Domain) == NormalizeDomainName(d.Name)
	}
	return a.InScope(u)
}

// Compile starts unit u's catalog for domain d from the newest guideline:
// the items that apply to the unit's level, with 乡级 and 村级 items
// mandatory for streets and towns.
func Compile(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, d Domain) (Catalog, error) {
	if !canEdit(a, u) {
		return Catalog{}, errs.New(errs.Forbidden, "catalog.forbidden")
	}
	if d.Local() && !strings.Contains(u.Path, fmt.Sprintf("/%d/", d.unitID)) {
		// A local domain serves the unit that added it and those under it.
		return Catalog{}, errs.InvalidField("domain", "domain.not_found", d.Name)
	}
	g, err := LatestGuideline(ctx, tx, d)
	if errs.KindOf(err) == errs.NotFound && d.Local() {
		// A local domain has no State Council guideline: the unit writes
		// its items itself.
		g, err = Guideline{}, nil
	}
	if err != nil {
		return Catalog{}, err
	}
	var items []CatalogItem
	for _, it := range g.Items {
		if it.AppliesTo(u.Level) {
			it.Seq = len(items) + 1
			items = append(items, CatalogItem{Item: it, Mandatory: MandatoryFor(it, u.Level)})
		}
	}
	c, err := create(ctx, tx, u, d, sql.NullInt64{Int64: g.ID, Valid: g.ID != 0}, items)
	if err != nil {
		return Catalog{}, err
	}
	return c, audit.Append(ctx, tx, a.Login, "catalog.compile", "catalog", c.ref(), map[string]any{"guideline_version": g.Version, "items": len(items)})
}

func create(ctx context.Context, tx *db.Tx, u org.Unit, d Domain, guideline sql.NullInt64, items []CatalogItem) (Catalog, error) {
	now := tx.Now()
	c := Catalog{Unit: u, Domain: d, Status: Draft, Version: 1, CreatedAt: now, UpdatedAt: now, Items: items, guidelineID: guideline}
	err := tx.QueryRow(ctx, `INSERT INTO catalogs (unit_id, domain_id, status, version, guideline_id, created_at, updated_at)
		VALUES (?, ?, ?, 1, ?, ?, ?) RETURNING id`, u.ID, d.ID, Draft, guideline, now, now).Scan(&c.ID)
	if db.IsUniqueViolation(err) {
		return Catalog{}, errs.New(errs.Conflict, "catalog.exists", u.Name, d.Name)
	}
	if err != nil {
		return Catalog{}, fmt.Errorf("add catalog: %w", err)
	}
	return c, c.saveItems(ctx, tx)
}

func (c Catalog) ref() string { return c.Unit.Code + "/" + c.Domain.Code }

// saveItems replaces the working items with c.Items, numbered in order.
func (c *Catalog) saveItems(ctx context.Context, tx *db.Tx) error {
	if _, err := tx.Exec(ctx, `DELETE FROM catalog_items WHERE catalog_id = ?`, c.ID); err != nil {
		return fmt.Errorf("clear items: %w", err)
	}
	for i := range c.Items {
		it := &c.Items[i]
		it.Seq = i + 1
		it.Limit = ParseLimit(it.TimeLimit)
		rule, _ := json.Marshal(it.Limit)
		if _, err := tx.Exec(ctx, `INSERT INTO catalog_items (catalog_id, seq, item_key, level1, level2, content, basis, time_limit, limit_rule, subject, channels, audience, method, levels, mandatory, local, comment)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, it.Seq, it.Key(), it.Level1, it.Level2, it.Content, it.Basis, it.TimeLimit, string(rule), it.Subject, it.Channels, it.Audience, it.Method, it.Levels, it.Mandatory, it.Local, it.Comment); err != nil {
			return fmt.Errorf("add catalog item %d: %w", it.Seq, err)
		}
	}
	return nil
}

const catalogCols = `id, status, version, published_version, guideline_id, comment, created_at, updated_at`

// Load returns unit u's catalog for domain d with its working items.
func Load(ctx context.Context, q db.Querier, u org.Unit, d Domain) (Catalog, error) {
	c := Catalog{Unit: u, Domain: d}
	err := q.QueryRow(ctx, `SELECT `+catalogCols+` FROM catalogs WHERE unit_id = ? AND domain_id = ?`, u.ID, d.ID).
		Scan(&c.ID, &c.Status, &c.Version, &c.PublishedVersion, &c.guidelineID, &c.Comment, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Catalog{}, errs.New(errs.NotFound, "catalog.not_found", u.Name, d.Name)
	}
	if err != nil {
		return Catalog{}, fmt.Errorf("load catalog: %w", err)
	}
	if c.guidelineID.Valid {
		if err := q.QueryRow(ctx, `SELECT version FROM guidelines WHERE id = ?`, c.guidelineID.Int64).Scan(&c.GuidelineVersion); err != nil {
			return Catalog{}, fmt.Errorf("load catalog guideline: %w", err)
		}
	}
	rows, err := q.Query(ctx, `SELECT `+itemCols+`, mandatory, local, comment FROM catalog_items WHERE catalog_id = ? ORDER BY seq`, c.ID)
	if err != nil {
		return Catalog{}, fmt.Errorf("load catalog items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it CatalogItem
		var rule string
		if err := rows.Scan(&it.Seq, &it.Level1, &it.Level2, &it.Content, &it.Basis, &it.TimeLimit, &rule, &it.Subject, &it.Channels, &it.Audience, &it.Method, &it.Levels, &it.Mandatory, &it.Local, &it.Comment); err != nil {
			return Catalog{}, err
		}
		_ = json.Unmarshal([]byte(rule), &it.Limit)
		c.Items = append(c.Items, it)
	}
	return c, rows.Err()
}

// SetItems replaces the working items of a catalog (edits, local items,
// removals). Mandatory items cannot be removed; a published catalog opens
// its next version as a draft.
func SetItems(ctx context.Context, tx *db.Tx, a auth.Account, c Catalog, items []CatalogItem) (Catalog, error) {
	if !canEdit(a, c.Unit) {
		return Catalog{}, errs.New(errs.Forbidden, "catalog.forbidden")
	}
	if !c.Editable() {
		return Catalog{}, errs.New(errs.Conflict, "catalog.not_editable", errs.Msg("catalog.status."+string(c.Status)))
	}
	kept := map[string]bool{}
	for _, it := range items {
		kept[it.Key()] = true
	}
	for _, it := range c.Items {
		if it.Mandatory && !kept[it.Key()] {
			return Catalog{}, errs.New(errs.Invalid, "catalog.mandatory_removed", it.Name())
		}
	}
	if len(items) == 0 {
		return Catalog{}, errs.New(errs.Invalid, "catalog.no_items")
	}
	if c.Status == Published || c.Status == Returned {
		c.Version++ // each submission is a version of its own
	}
	c.Status, c.Items, c.UpdatedAt = Draft, items, tx.Now()
	if err := c.saveItems(ctx, tx); err != nil {
		return Catalog{}, err
	}
	if err := c.saveHead(ctx, tx); err != nil {
		return Catalog{}, err
	}
	return c, audit.Append(ctx, tx, a.Login, "catalog.edit", "catalog", c.ref(), map[string]any{"version": c.Version, "items": len(items)})
}

func (c Catalog) saveHead(ctx context.Context, tx *db.Tx) error {
	_, err := tx.Exec(ctx, `UPDATE catalogs SET status = ?, version = ?, published_version = ?, comment = ?, updated_at = ? WHERE id = ?`,
		c.Status, c.Version, c.PublishedVersion, c.Comment, c.UpdatedAt, c.ID)
	if err != nil {
		return fmt.Errorf("update catalog: %w", err)
	}
	return nil
}

// Validate names every missing or invalid element of every item.
func (c Catalog) Validate() error {
	var m errs.Multi
	if len(c.Items) == 0 {
		return errs.New(errs.Invalid, "catalog.no_items")
	}
	seen := map[string]int{}
	for _, it := range c.Items {
		for _, col := range it.missing() {
			m = append(m, errs.New(errs.Invalid, "catalog.item_missing", it.Seq, it.Name(), errs.Msg("catcol."+string(col))))
		}
		if it.Method != "" && !strings.Contains(it.Method, "主动") && !strings.Contains(it.Method, "依申请") {
			m = append(m, errs.New(errs.Invalid, "catalog.item_bad_method", it.Seq, it.Name(), it.Method))
		}
		if it.Audience != "" && !strings.Contains(it.Audience, "全社会") && !strings.Contains(it.Audience, "特定群体") {
			m = append(m, errs.New(errs.Invalid, "catalog.item_bad_audience", it.Seq, it.Name(), it.Audience))
		}
		if it.Channels != "" && len(ParseChannels(it.Channels)) == 0 {
			m = append(m, errs.New(errs.Invalid, "catalog.item_no_channel", it.Seq, it.Name()))
		}
		if prev, ok := seen[it.Key()]; ok {
			m = append(m, errs.New(errs.Invalid, "catalog.item_duplicate", it.Seq, it.Name(), prev))
		}
		seen[it.Key()] = it.Seq
	}
	if len(m) > 0 {
		return m
	}
	return nil
}

// requiredColumns are the elements every catalog item must have.
var requiredColumns = []Column{ColLevel1, ColContent, ColBasis, ColLimit, ColSubject, ColChannels, ColAudience, ColMethod}

// missing returns the required elements an item lacks.
func (it Item) missing() []Column {
	var out []Column
	for _, c := range requiredColumns {
		if strings.TrimSpace(it.Field(c)) == "" {
			out = append(out, c)
		}
	}
	return out
}

// snapshot keeps the current items as version c.Version in status s.
func (c Catalog) snapshot(ctx context.Context, tx *db.Tx, actor string, s Status, comment string) error {
	items, err := json.Marshal(c.Items)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO catalog_versions (catalog_id, version, status, items, comment, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Version, s, string(items), comment, actor, tx.Now())
	if err != nil {
		return fmt.Errorf("keep catalog version: %w", err)
	}
	return nil
}

// transition moves c to status to after the checks, keeping a snapshot.
func (c Catalog) transition(ctx context.Context, tx *db.Tx, a auth.Account, to Status, comment string) (Catalog, error) {
	from := c.Status
	c.Status, c.Comment, c.UpdatedAt = to, comment, tx.Now()
	if to == Published {
		c.PublishedVersion = c.Version
	}
	if err := c.saveHead(ctx, tx); err != nil {
		return Catalog{}, err
	}
	if to != Returned {
		if err := c.snapshot(ctx, tx, a.Login, to, comment); err != nil {
			return Catalog{}, err
		}
	}
	return c, audit.Append(ctx, tx, a.Login, "catalog."+string(to), "catalog", c.ref(),
		map[string]any{"from": from, "version": c.Version, "comment": comment})
}

// Submit sends a draft or returned catalog for review, once it validates.
func Submit(ctx context.Context, tx *db.Tx, a auth.Account, c Catalog) (Catalog, error) {
	if !canEdit(a, c.Unit) {
		return Catalog{}, errs.New(errs.Forbidden, "catalog.forbidden")
	}
	if c.Status != Draft && c.Status != Returned {
		return Catalog{}, errs.New(errs.Conflict, "catalog.bad_transition", errs.Msg("catalog.status."+string(c.Status)), errs.Msg("catalog.status.submitted"))
	}
	if err := c.Validate(); err != nil {
		return Catalog{}, err
	}
	if c.Status == Returned {
		c.Version++
	}
	for i := range c.Items {
		c.Items[i].Comment = ""
	}
	if err := c.saveItems(ctx, tx); err != nil {
		return Catalog{}, err
	}
	return c.transition(ctx, tx, a, Submitted, "")
}

// Return sends a submitted catalog back with a comment and remarks on
// items, keyed by item number.
func Return(ctx context.Context, tx *db.Tx, a auth.Account, c Catalog, comment string, itemComments map[int]string) (Catalog, error) {
	if !canReview(a, c.Unit) {
		return Catalog{}, errs.New(errs.Forbidden, "catalog.review_forbidden")
	}
	if c.Status != Submitted {
		return Catalog{}, errs.New(errs.Conflict, "catalog.bad_transition", errs.Msg("catalog.status."+string(c.Status)), errs.Msg("catalog.status.returned"))
	}
	comment = strings.TrimSpace(comment)
	n := 0
	for i := range c.Items {
		c.Items[i].Comment = strings.TrimSpace(itemComments[c.Items[i].Seq])
		if c.Items[i].Comment != "" {
			n++
		}
	}
	if comment == "" && n == 0 {
		return Catalog{}, errs.InvalidField("comment", "catalog.return_needs_comment")
	}
	if err := c.saveItems(ctx, tx); err != nil {
		return Catalog{}, err
	}
	return c.transition(ctx, tx, a, Returned, comment)
}

// Approve approves a submitted catalog.
func Approve(ctx context.Context, tx *db.Tx, a auth.Account, c Catalog, comment string) (Catalog, error) {
	if !canReview(a, c.Unit) {
		return Catalog{}, errs.New(errs.Forbidden, "catalog.review_forbidden")
	}
	if c.Status != Submitted {
		return Catalog{}, errs.New(errs.Conflict, "catalog.bad_transition", errs.Msg("catalog.status."+string(c.Status)), errs.Msg("catalog.status.approved"))
	}
	return c.transition(ctx, tx, a, Approved, strings.TrimSpace(comment))
}

// Publish publishes an approved catalog on the portal.
func Publish(ctx context.Context, tx *db.Tx, a auth.Account, c Catalog) (Catalog, error) {
	if !canReview(a, c.Unit) {
		return Catalog{}, errs.New(errs.Forbidden, "catalog.review_forbidden")
	}
	if c.Status != Approved {
		return Catalog{}, errs.New(errs.Conflict, "catalog.bad_transition", errs.Msg("catalog.status."+string(c.Status)), errs.Msg("catalog.status.published"))
	}
	return c.transition(ctx, tx, a, Published, c.Comment)
}

// Version is a kept version of a catalog.
type Version struct {
	Version int           `json:"version"`
	Status  Status        `json:"status"`
	Comment string        `json:"comment,omitempty"`
	Actor   string        `json:"actor"`
	At      time.Time     `json:"at"`
	Items   []CatalogItem `json:"items"`
}

// Versions returns the kept versions of a catalog, oldest first.
func Versions(ctx context.Context, q db.Querier, c Catalog) ([]Version, error) {
	rows, err := q.Query(ctx, `SELECT version, status, items, comment, actor, at FROM catalog_versions WHERE catalog_id = ? ORDER BY id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("list catalog versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var items string
		if err := rows.Scan(&v.Version, &v.Status, &items, &v.Comment, &v.Actor, &v.At); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(items), &v.Items); err != nil {
			return nil, fmt.Errorf("catalog version %d: %w", v.Version, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// PublishedItems returns the items of the published version of a catalog.
func PublishedItems(ctx context.Context, q db.Querier, c Catalog) ([]CatalogItem, error) {
	if c.PublishedVersion == 0 {
		return nil, errs.New(errs.NotFound, "catalog.not_published", c.Unit.Name, c.Domain.Name)
	}
	var items string
	err := q.QueryRow(ctx, `SELECT items FROM catalog_versions WHERE catalog_id = ? AND version = ? AND status = ?`, c.ID, c.PublishedVersion, Published).Scan(&items)
	if err != nil {
		return nil, fmt.Errorf("load published catalog: %w", err)
	}
	var out []CatalogItem
	return out, json.Unmarshal([]byte(items), &out)
}

// Items returns the plain items of catalog items, for diffs.
func Items(cs []CatalogItem) []Item {
	out := make([]Item, len(cs))
	for i, c := range cs {
		out[i] = c.Item
	}
	return out
}

// CanEditCatalog reports whether a may compile and change unit u's catalogs.
func CanEditCatalog(a auth.Account, u org.Unit) bool { return canEdit(a, u) }

// CanReviewCatalog reports whether a may return, approve and publish unit
// u's catalogs.
func CanReviewCatalog(a auth.Account, u org.Unit) bool { return canReview(a, u) }
