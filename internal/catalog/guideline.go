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
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Item is one row of a guideline or a catalog: the elements of
// 国办发〔2019〕54号 in the standard layout.
type Item struct {
	Seq       int    `json:"seq"`
	Level1    string `json:"level1"`
	Level2    string `json:"level2,omitempty"`
	Content   string `json:"content"`
	Basis     string `json:"basis"`
	TimeLimit string `json:"time_limit"`
	Limit     Limit  `json:"limit"`
	Subject   string `json:"subject"`
	Channels  string `json:"channels"`
	Audience  string `json:"audience"`
	Method    string `json:"method"`
	Levels    string `json:"levels,omitempty"`
}

// Key identifies an item across versions: its 一级事项 and 二级事项,
// normalized.
func (it Item) Key() string {
	return NormalizeDomainName(it.Level1) + "/" + NormalizeDomainName(it.Level2)
}

// Name is how people refer to the item: its 二级事项, or its 一级事项 where
// it has none.
func (it Item) Name() string {
	if it.Level2 != "" {
		return it.Level2
	}
	return it.Level1
}

// itemFromRow builds an item from a table row.
func itemFromRow(seq int, r Row) Item {
	c := r.Cells
	it := Item{Seq: seq, Level1: c[ColLevel1], Level2: c[ColLevel2], Content: c[ColContent], Basis: c[ColBasis],
		TimeLimit: c[ColLimit], Subject: c[ColSubject], Channels: c[ColChannels], Audience: c[ColAudience],
		Method: c[ColMethod], Levels: c[ColLevel]}
	if it.Level1 == "" {
		it.Level1, it.Level2 = it.Level2, ""
	}
	if it.Level1 == it.Level2 {
		it.Level2 = ""
	}
	it.Limit = ParseLimit(it.TimeLimit)
	return it
}

// unitLevels maps the words of a 公开层级 cell to unit levels.
var unitLevels = []struct {
	word  string
	level org.Level
}{
	{"市", org.LevelCity}, {"县", org.LevelCounty}, {"区", org.LevelCounty},
	{"乡", org.LevelTownship}, {"镇", org.LevelTownship}, {"街道", org.LevelTownship}, {"村", org.LevelVillage}, {"社区", org.LevelVillage},
}

// ParseLevels reads a 公开层级 cell ("县级、乡级", "乡、村级", "县级/乡级")
// into unit levels. An empty cell gives nil, which applies to every level.
func ParseLevels(s string) []org.Level {
	var out []org.Level
	for _, ul := range unitLevels {
		if strings.Contains(s, ul.word) && !slices.Contains(out, ul.level) {
			out = append(out, ul.level)
		}
	}
	return out
}

// AppliesTo reports whether an item applies to a unit of the given level:
// its 公开层级 names the level, or it names none.
func (it Item) AppliesTo(l org.Level) bool {
	ls := ParseLevels(it.Levels)
	return len(ls) == 0 || slices.Contains(ls, l)
}

// Guideline is one version of a domain's 标准指引.
type Guideline struct {
	ID        int64     `json:"-"`
	Domain    Domain    `json:"domain"`
	Version   int       `json:"version"`
	Title     string    `json:"title"`
	DocNumber string    `json:"doc_number,omitempty"`
	FileName  string    `json:"file_name,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Items     []Item    `json:"items"`
}

// GuidelineImport describes a guideline version to import.
type GuidelineImport struct {
	Domain    Domain
	Title     string
	DocNumber string
	FileName  string
	Table     *Table
}

// ImportReport summarizes an import.
type ImportReport struct {
	Rows           int      `json:"rows"`
	UnparsedLimits []string `json:"unparsed_limits"`
	IgnoredColumns []string `json:"ignored_columns"`
	MissingColumns []string `json:"missing_columns,omitempty"`
}

// ImportGuideline stores the table as the domain's next guideline version.
// Each row needs an item name and its content; any row without them fails
// the whole import with its line. Limits that cannot be parsed are kept and
// reported.
func ImportGuideline(ctx context.Context, tx *db.Tx, actor string, in GuidelineImport) (Guideline, ImportReport, error) {
	rep := ImportReport{UnparsedLimits: []string{}, IgnoredColumns: in.Table.Ignored}
	if rep.IgnoredColumns == nil {
		rep.IgnoredColumns = []string{}
	}
	for _, c := range []Column{ColContent, ColBasis, ColLimit, ColSubject, ColChannels, ColAudience, ColMethod, ColLevel} {
		if !slices.Contains(in.Table.Columns, c) {
			rep.MissingColumns = append(rep.MissingColumns, string(c))
		}
	}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = in.Domain.Guideline
	}
	if title == "" {
		title = in.Domain.Name + "领域基层政务公开标准指引"
	}
	var items []Item
	var m errs.Multi
	for _, r := range in.Table.Rows {
		it := itemFromRow(len(items)+1, r)
		if it.Level1 == "" {
			m = append(m, rowError(r, ColLevel1))
			continue
		}
		if it.Content == "" {
			m = append(m, rowError(r, ColContent))
			continue
		}
		if it.Limit.Kind == Unparsed && it.TimeLimit != "" && !slices.Contains(rep.UnparsedLimits, it.TimeLimit) {
			rep.UnparsedLimits = append(rep.UnparsedLimits, it.TimeLimit)
		}
		items = append(items, it)
	}
	if len(m) > 0 {
		return Guideline{}, rep, m
	}
	if len(items) == 0 {
		return Guideline{}, rep, errs.New(errs.Invalid, "table.no_rows")
	}
	rep.Rows = len(items)
	var version int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM guidelines WHERE domain_id = ?`, in.Domain.ID).Scan(&version); err != nil {
		return Guideline{}, rep, fmt.Errorf("next guideline version: %w", err)
	}
	g := Guideline{Domain: in.Domain, Version: version, Title: title, DocNumber: strings.TrimSpace(in.DocNumber), FileName: in.FileName,
		CreatedBy: actor, CreatedAt: tx.Now(), Items: items}
	if err := tx.QueryRow(ctx, `INSERT INTO guidelines (domain_id, version, title, doc_number, file_name, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Domain.ID, version, g.Title, g.DocNumber, g.FileName, actor, g.CreatedAt).Scan(&g.ID); err != nil {
		return Guideline{}, rep, fmt.Errorf("add guideline: %w", err)
	}
	for _, it := range items {
		if err := insertItem(ctx, tx, "guideline_items", "guideline_id", g.ID, it); err != nil {
			return Guideline{}, rep, err
		}
	}
	if err := notifyCatalogs(ctx, tx, g); err != nil {
		return Guideline{}, rep, err
	}
	err := audit.Append(ctx, tx, actor, "guideline.import", "guideline", fmt.Sprintf("%s/v%d", in.Domain.Code, version),
		map[string]any{"domain": in.Domain.Name, "title": g.Title, "items": len(items), "file": in.FileName})
	return g, rep, err
}

// rowError names the line and the element a row lacks.
func rowError(r Row, c Column) *errs.Error {
	if r.Sheet != "" {
		return errs.New(errs.Invalid, "table.row_missing_sheet", r.Sheet, r.Line, errs.Msg("catcol."+string(c)))
	}
	return errs.New(errs.Invalid, "table.row_missing", r.Line, errs.Msg("catcol."+string(c)))
}

// insertItem writes an item into a table of items keyed by parent.
func insertItem(ctx context.Context, tx *db.Tx, table, parentCol string, parent int64, it Item) error {
	rule, _ := json.Marshal(it.Limit)
	_, err := tx.Exec(ctx, `INSERT INTO `+table+` (`+parentCol+`, seq, item_key, level1, level2, content, basis, time_limit, limit_rule, subject, channels, audience, method, levels)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		parent, it.Seq, it.Key(), it.Level1, it.Level2, it.Content, it.Basis, it.TimeLimit, string(rule), it.Subject, it.Channels, it.Audience, it.Method, it.Levels)
	if err != nil {
		return fmt.Errorf("add item %d: %w", it.Seq, err)
	}
	return nil
}

const itemCols = `seq, level1, level2, content, basis, time_limit, limit_rule, subject, channels, audience, method, levels`

// loadItems reads the items of one parent in order.
func loadItems(ctx context.Context, q db.Querier, table, parentCol string, parent int64) ([]Item, error) {
	rows, err := q.Query(ctx, `SELECT `+itemCols+` FROM `+table+` WHERE `+parentCol+` = ? ORDER BY seq`, parent)
	if err != nil {
		return nil, fmt.Errorf("load items: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		var rule string
		if err := rows.Scan(&it.Seq, &it.Level1, &it.Level2, &it.Content, &it.Basis, &it.TimeLimit, &rule, &it.Subject, &it.Channels, &it.Audience, &it.Method, &it.Levels); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(rule), &it.Limit); err != nil {
			it.Limit = ParseLimit(it.TimeLimit)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// LatestGuideline returns the newest guideline version of a domain, with
// its items.
func LatestGuideline(ctx context.Context, q db.Querier, d Domain) (Guideline, error) {
	return guideline(ctx, q, d, `SELECT id, version, title, doc_number, file_name, created_by, created_at FROM guidelines WHERE domain_id = ? ORDER BY version DESC LIMIT 1`, d.ID)
}

// GuidelineVersion returns one version of a domain's guideline.
func GuidelineVersion(ctx context.Context, q db.Querier, d Domain, version int) (Guideline, error) {
	return guideline(ctx, q, d, `SELECT id, version, title, doc_number, file_name, created_by, created_at FROM guidelines WHERE domain_id = ? AND version = ?`, d.ID, version)
}

func guideline(ctx context.Context, q db.Querier, d Domain, query string, args ...any) (Guideline, error) {
	g := Guideline{Domain: d}
	err := q.QueryRow(ctx, query, args...).Scan(&g.ID, &g.Version, &g.Title, &g.DocNumber, &g.FileName, &g.CreatedBy, &g.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Guideline{}, errs.New(errs.NotFound, "guideline.not_found", d.Name)
	}
	if err != nil {
		return Guideline{}, fmt.Errorf("load guideline: %w", err)
	}
	g.Items, err = loadItems(ctx, q, "guideline_items", "guideline_id", g.ID)
	return g, err
}

// Change is one item's difference between two versions.
type Change struct {
	Key    string   `json:"key"`
	Name   string   `json:"name"`
	Fields []string `json:"fields,omitempty"`
	Old    *Item    `json:"old,omitempty"`
	New    *Item    `json:"new,omitempty"`
}

// Diff lists the items added, removed and changed from old to new, matched
// by Key, in the order of new (removed ones in the order of old).
type Diff struct {
	Added   []Change `json:"added"`
	Removed []Change `json:"removed"`
	Changed []Change `json:"changed"`
}

// Empty reports whether the versions hold the same items.
func (d Diff) Empty() bool { return len(d.Added)+len(d.Removed)+len(d.Changed) == 0 }

// DiffItems compares two lists of items.
func DiffItems(old, new []Item) Diff {
	d := Diff{Added: []Change{}, Removed: []Change{}, Changed: []Change{}}
	byKey := map[string]*Item{}
	for i := range old {
		byKey[old[i].Key()] = &old[i]
	}
	seen := map[string]bool{}
	for i := range new {
		n := &new[i]
		k := n.Key()
		seen[k] = true
		o, ok := byKey[k]
		if !ok {
			d.Added = append(d.Added, Change{Key: k, Name: n.Name(), New: n})
			continue
		}
		if fs := changedFields(*o, *n); len(fs) > 0 {
			d.Changed = append(d.Changed, Change{Key: k, Name: n.Name(), Fields: fs, Old: o, New: n})
		}
	}
	for i := range old {
		if !seen[old[i].Key()] {
			d.Removed = append(d.Removed, Change{Key: old[i].Key(), Name: old[i].Name(), Old: &old[i]})
		}
	}
	return d
}

// Field returns the element of the item in column c.
func (it Item) Field(c Column) string {
	switch c {
	case ColLevel1:
		return it.Level1
	case ColLevel2:
		return it.Level2
	case ColContent:
		return it.Content
	case ColBasis:
		return it.Basis
	case ColLimit:
		return it.TimeLimit
	case ColSubject:
		return it.Subject
	case ColChannels:
		return it.Channels
	case ColAudience:
		return it.Audience
	case ColMethod:
		return it.Method
	case ColLevel:
		return it.Levels
	}
	return ""
}

// elementColumns are the elements compared between versions.
var elementColumns = []Column{ColContent, ColBasis, ColLimit, ColSubject, ColChannels, ColAudience, ColMethod, ColLevel}

// changedFields names the elements that differ between two items.
func changedFields(a, b Item) []string {
	var fs []string
	for _, c := range elementColumns {
		if strings.TrimSpace(a.Field(c)) != strings.TrimSpace(b.Field(c)) {
			fs = append(fs, string(c))
		}
	}
	return fs
}
