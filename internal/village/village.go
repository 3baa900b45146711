package village

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// Where an item of a list comes from.
const (
	SourceStandard = "standard" // 国办发〔2019〕54号 (十一)
	SourceTown     = "town"     // a 村级 item of the town's catalog
)

const (
	maxContent = 5000
	maxLink    = 500
)

// Entry is one item of a village's list with what the village shows for
// it. An item shared with the town shows the town's newest published
// information unless the village wrote its own content, which then must
// say the same (village_consistency).
type Entry struct {
	Key                    string // "std:CODE" or "town:DOMAIN/ITEM"
	Source                 string
	Category, CategoryEn   string // for town items, the domain's name
	Name, NameEn           string
	Frequency, FrequencyEn string
	Content, LinkURL       string // what the village wrote
	UpdatedBy              string
	UpdatedAt              time.Time
	TownRecord             *info.Record // town items: the town's newest published record, body included
	catalogID              int64
	itemKey                string
}

// Shared reports whether the item is one of the town's catalog.
func (e Entry) Shared() bool { return e.Source == SourceTown }

// FromTown reports whether the entry shows the town's information: a
// shared item the village wrote nothing of its own for.
func (e Entry) FromTown() bool {
	return e.Shared() && e.Content == "" && e.LinkURL == "" && e.TownRecord != nil
}

// Published reports whether the entry shows anything.
func (e Entry) Published() bool { return e.Content != "" || e.LinkURL != "" || e.TownRecord != nil }

// Updated is when what the entry shows last changed: the village's own
// content, or the town record's publication.
func (e Entry) Updated() time.Time {
	if e.FromTown() {
		return e.TownRecord.PublishedAt
	}
	return e.UpdatedAt
}

// Differs reports whether the village's own content for a shared item
// says something other than the town's published information, or the
// town has published none.
func (e Entry) Differs() bool {
	if !e.Shared() || e.Content == "" {
		return false
	}
	return e.TownRecord == nil || normalize(e.Content) != normalize(e.TownRecord.BodyText)
}

// normalize drops white space, which a notice board copy may break
// differently.
func normalize(s string) string { return strings.Join(strings.Fields(s), "") }

// List is a village's or community's 村（居）务公开 list.
type List struct {
	Unit, Town org.Unit
	Entries    []Entry
}

// Differences returns the entries whose content differs from the town's.
func (l List) Differences() []Entry {
	var out []Entry
	for _, e := range l.Entries {
		if e.Differs() {
			out = append(out, e)
		}
	}
	return out
}

// Entry returns the entry with key, or a NotFound error.
func (l List) Entry(key string) (Entry, error) {
	for _, e := range l.Entries {
		if e.Key == key {
			return e, nil
		}
	}
	return Entry{}, errs.New(errs.NotFound, "village.item_not_found", key)
}

// ListOf returns unit v's list: the standard items, then the 村级 items of
// its town's published catalogs, each with what v shows. It returns an
// Invalid error when v is not a village or community.
func ListOf(ctx context.Context, q db.Querier, v org.Unit) (List, error) {
	if !Keeps(v.Kind) {
		return List{}, errs.InvalidField("unit", "village.not_village", v.Name)
	}
	town, err := org.ByID(ctx, q, v.ParentID)
	if err != nil {
		return List{}, err
	}
	l := List{Unit: v, Town: town}
	for _, s := range Standards() {
		l.Entries = append(l.Entries, Entry{Key: "std:" + s.Code, Source: SourceStandard, Category: s.Category, CategoryEn: s.CategoryEn,
			Name: s.Name, NameEn: s.NameEn, Frequency: s.Frequency, FrequencyEn: s.FrequencyEn})
	}
	cs, err := catalog.PublishedIn(ctx, q, town, false)
	if err != nil {
		return List{}, err
	}
	for _, c := range cs {
		var recs map[string][]info.Record
		for _, it := range c.Items {
			if !villageLevel(it.Item) {
				continue
			}
			if recs == nil {
				if recs, err = info.CatalogRecords(ctx, q, c.ID, 1); err != nil {
					return List{}, err
				}
			}
			e := Entry{Key: "town:" + c.Domain.Code + "/" + it.Key(), Source: SourceTown, Category: c.Domain.Name,
				Name: it.Name(), Frequency: it.TimeLimit, catalogID: c.ID, itemKey: it.Key()}
			if rs := recs[it.Key()]; len(rs) > 0 {
				r, err := info.ByID(ctx, q, rs[0].ID)
				if err != nil {
					return List{}, err
				}
				e.TownRecord = &r
			}
			l.Entries = append(l.Entries, e)
		}
	}
	stored, err := entriesOf(ctx, q, v.ID)
	if err != nil {
		return List{}, err
	}
	for i := range l.Entries {
		if s, ok := stored[l.Entries[i].Key]; ok {
			l.Entries[i].Content, l.Entries[i].LinkURL, l.Entries[i].UpdatedBy, l.Entries[i].UpdatedAt = s.Content, s.LinkURL, s.UpdatedBy, s.UpdatedAt
		}
	}
	return l, nil
}

// villageLevel reports whether a catalog item's 公开层级 includes 村级.
func villageLevel(it catalog.Item) bool {
	for _, l := range catalog.ParseLevels(it.Levels) {
		if l == org.LevelVillage {
			return true
		}
	}
	return false
}

func entriesOf(ctx context.Context, q db.Querier, unitID int64) (map[string]Entry, error) {
	rows, err := q.Query(ctx, `SELECT item_key, content, link_url, updated_by, updated_at FROM village_entries WHERE unit_id = ?`, unitID)
	if err != nil {
		return nil, fmt.Errorf("load village entries: %w", err)
	}
	defer rows.Close()
	out := map[string]Entry{}
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Key, &e.Content, &e.LinkURL, &e.UpdatedBy, &e.UpdatedAt); err != nil {
			return nil, err
		}
		out[e.Key] = e
	}
	return out, rows.Err()
}

// CanEdit reports whether a may write unit v's list: its own staff, the
// town's above it, the offices and administrators.
func CanEdit(a auth.Account, v org.Unit) bool { return Keeps(v.Kind) && info.CanEdit(a, v) }

// SaveEntry sets what village v shows for the item with key: its own
// content and a link, both empty to show the town's information again.
// It returns an Invalid error naming the field at fault.
func SaveEntry(ctx context.Context, tx *db.Tx, a auth.Account, v org.Unit, key, content, link string) (Entry, error) {
	if !CanEdit(a, v) {
		return Entry{}, errs.New(errs.Forbidden, "village.forbidden")
	}
	l, err := ListOf(ctx, tx, v)
	if err != nil {
		return Entry{}, err
	}
	e, err := l.Entry(key)
	if err != nil {
		return Entry{}, errs.InvalidField("item", "village.item_not_found", key)
	}
	content, link = foi.Clean(content), strings.TrimSpace(link)
	var m errs.Multi
	if utf8.RuneCountInString(content) > maxContent {
		m = append(m, errs.InvalidField("content", "village.content_long", maxContent))
	}
	if link != "" {
		if u, err := url.Parse(link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(link) > maxLink {
			m = append(m, errs.InvalidField("link_url", "village.bad_link"))
		}
	}
	if !e.Shared() && content == "" && link == "" {
		m = append(m, errs.InvalidField("content", "village.content_required"))
	}
	if err := m.Err(); err != nil {
		return Entry{}, err
	}
	now := tx.Now()
	if content == "" && link == "" {
		_, err = tx.Exec(ctx, `DELETE FROM village_entries WHERE unit_id = ? AND item_key = ?`, v.ID, key)
	} else {
		_, err = tx.Exec(ctx, `INSERT INTO village_entries (unit_id, item_key, content, link_url, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (unit_id, item_key) DO UPDATE SET content = excluded.content, link_url = excluded.link_url,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`, v.ID, key, content, link, a.Login, now)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("save village entry: %w", err)
	}
	e.Content, e.LinkURL, e.UpdatedBy, e.UpdatedAt = content, link, a.Login, now
	return e, audit.Append(ctx, tx, a.Login, "village.entry", "unit", v.Code, map[string]any{"item": key, "chars": utf8.RuneCountInString(content), "link": link})
}

// Keepers returns the villages and communities under scope that wrote any
// entry of their list: those the village rule inspects.
func Keepers(ctx context.Context, q db.Querier, scope org.Unit) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT e.unit_id FROM village_entries e JOIN units u ON u.id = e.unit_id WHERE u.path LIKE ? ORDER BY e.unit_id`, scope.Path+"%")
	if err != nil {
		return nil, fmt.Errorf("list village keepers: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Anchor is a stable HTML id for the entry on its list's page.
func (e Entry) Anchor() string {
	sum := sha1.Sum([]byte(e.Key))
	return "item-" + hex.EncodeToString(sum[:4])
}
