package services

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/org"
	"gongkai/internal/tabular"
)

// EventKind says whose event it is: a person's life (个人) or a business's
// (法人).
type EventKind string

// The kinds of event.
const (
	Personal EventKind = "personal" // 个人: 生育, 入学, 就业, 婚姻…
	Business EventKind = "business" // 法人: 开办, 准营, 变更, 纳税…
)

// EventKinds lists the kinds, persons first.
var EventKinds = []EventKind{Personal, Business}

// Event is a life or business event (主题) that bundles the guides a
// person needs to get one thing done (办好一件事).
type Event struct {
	ID int64
	// Code is the event's address on the portal (/bmfw/ybt/440105/shengyu/).
	Code   string
	Name   string // as guides name it in their 主题: 生育
	NameEn string
	Kind   EventKind
	Intro  string
	Sort   int
	// Order lists guide ids in the order the event shows them; guides of
	// the event not in it follow, by unit and name.
	Order     []int64
	UpdatedBy string
	UpdatedAt time.Time
}

// EventInput is what the office writes of an event.
type EventInput struct {
	Code, Name, NameEn, Kind, Intro string
	Sort                            int
}

var reEventCode = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

func (in EventInput) validate() (EventInput, error) {
	var m errs.Multi
	add := func(field, key string, args ...any) { m = append(m, errs.InvalidField(field, key, args...)) }
	in.Code, in.Name, in.NameEn = strings.TrimSpace(in.Code), foi.OneLine(in.Name), foi.OneLine(in.NameEn)
	in.Intro = foi.Clean(in.Intro)
	if !reEventCode.MatchString(in.Code) {
		add("code", "svc.event_code")
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		add("name", "svc.required", errs.Msg("svc.field.event_name"))
	case n > 40 || len(SplitEvents(in.Name)) != 1:
		add("name", "svc.event_name")
	}
	if utf8.RuneCountInString(in.NameEn) > 80 {
		add("name_en", "svc.too_long", errs.Msg("svc.field.event_name_en"), 80)
	}
	if utf8.RuneCountInString(in.Intro) > 2000 {
		add("intro", "svc.too_long", errs.Msg("svc.field.intro"), 2000)
	}
	if !slices.Contains(EventKinds, EventKind(in.Kind)) {
		add("kind", "svc.event_kind")
	}
	if in.Sort < 0 || in.Sort > 9999 {
		add("sort", "svc.event_sort")
	}
	return in, m.Err()
}

const eventCols = `id, code, name, name_en, kind, intro, sort, guide_order, updated_by, updated_at`

func scanEvent(s interface{ Scan(...any) error }) (Event, error) {
	var e Event
	var order string
	if err := s.Scan(&e.ID, &e.Code, &e.Name, &e.NameEn, &e.Kind, &e.Intro, &e.Sort, &order, &e.UpdatedBy, &e.UpdatedAt); err != nil {
		return Event{}, err
	}
	return e, json.Unmarshal([]byte(order), &e.Order)
}

// Events returns every event, persons' first, by sort and name.
func Events(ctx context.Context, q db.Querier) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT `+eventCols+` FROM service_events ORDER BY CASE kind WHEN 'personal' THEN 0 ELSE 1 END, sort, name`)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EventByCode returns the event with the given code, or a NotFound error.
func EventByCode(ctx context.Context, q db.Querier, code string) (Event, error) {
	e, err := scanEvent(q.QueryRow(ctx, `SELECT `+eventCols+` FROM service_events WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, errs.New(errs.NotFound, "svc.event_not_found", code)
	}
	if err != nil {
		return Event{}, fmt.Errorf("load event: %w", err)
	}
	return e, nil
}

// SaveEvent adds an event, or changes the one with in's code. Guides name
// events by their names, so renaming one leaves them; the office renames
// the guides' 主题 too.
func SaveEvent(ctx context.Context, tx *db.Tx, a auth.Account, s Settings, in EventInput) (Event, error) {
	if !s.EditsEvents(a) {
		return Event{}, forbidden()
	}
	in, err := in.validate()
	if err != nil {
		return Event{}, err
	}
	now := tx.Now()
	_, err = tx.Exec(ctx, `INSERT INTO service_events (code, name, name_en, kind, intro, sort, guide_order, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, kind = EXCLUDED.kind, intro = EXCLUDED.intro, sort = EXCLUDED.sort,
		updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`, in.Code, in.Name, in.NameEn, in.Kind, in.Intro, in.Sort, a.Login, now)
	if db.IsUniqueViolation(err) {
		return Event{}, errs.InvalidField("name", "svc.event_name_taken", in.Name)
	}
	if err != nil {
		return Event{}, fmt.Errorf("save event: %w", err)
	}
	e, err := EventByCode(ctx, tx, in.Code)
	if err != nil {
		return Event{}, err
	}
	return e, audit.Append(ctx, tx, a.Login, "service.event", "service_event", e.Code, map[string]any{"name": e.Name, "kind": e.Kind})
}

// DeleteEvent removes an event; its guides keep the name in their 主题.
func DeleteEvent(ctx context.Context, tx *db.Tx, a auth.Account, s Settings, e Event) error {
	if !s.EditsEvents(a) {
		return forbidden()
	}
	if _, err := tx.Exec(ctx, `DELETE FROM service_events WHERE id = ?`, e.ID); err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	return audit.Append(ctx, tx, a.Login, "service.event_delete", "service_event", e.Code, map[string]any{"name": e.Name})
}

// SetOrder sets the order of an event's guides: ids in order; guides of
// the event left out follow them.
func SetOrder(ctx context.Context, tx *db.Tx, a auth.Account, s Settings, e Event, ids []int64) (Event, error) {
	if !s.EditsEvents(a) {
		return Event{}, forbidden()
	}
	var clean []int64
	for _, id := range ids {
		if !slices.Contains(clean, id) {
			clean = append(clean, id)
		}
	}
	if len(clean) > 500 {
		return Event{}, errs.InvalidField("order", "svc.too_many", errs.Msg("svc.field.order"), 500)
	}
	js, _ := json.Marshal(clean)
	if clean == nil {
		js = []byte("[]")
	}
	if _, err := tx.Exec(ctx, `UPDATE service_events SET guide_order = ?, updated_by = ?, updated_at = ? WHERE id = ?`, string(js), a.Login, tx.Now(), e.ID); err != nil {
		return Event{}, fmt.Errorf("order event: %w", err)
	}
	e.Order, e.UpdatedBy, e.UpdatedAt = clean, a.Login, tx.Now()
	return e, audit.Append(ctx, tx, a.Login, "service.event_order", "service_event", e.Code, map[string]any{"order": clean})
}

// HasEvent reports whether c names event e among its 主题.
func (c Content) HasEvent(e Event) bool {
	for _, n := range c.Events {
		if tabular.Fold(n) == tabular.Fold(e.Name) {
			return true
		}
	}
	return false
}

// CombinedMaterial is a material of an event's bundle: the same material
// asked by several of its guides is listed once, with each guide that asks
// for it.
type CombinedMaterial struct {
	Name     string
	Original bool // an original is shown for at least one guide
	Copies   int  // the most copies one guide asks for
	Form     string
	Guides   []string
}

// Bundle is an event with its guides in order (办好一件事): the combined
// materials and the total time.
type Bundle struct {
	Event  Event
	Guides []PublishedGuide
	// Materials are the guides' materials without duplicates: two of the
	// same name (compared folded) are one.
	Materials []CombinedMaterial
	// PromisedDays sums each guide's time limit (TimeLimit: promised, or
	// statutory), LegalDays the statutory ones, in working days; NoLimit
	// counts the guides that give none, which the sums leave out.
	PromisedDays, LegalDays, NoLimit int
}

// BundleOf picks, from guides, those of event e, in the event's order
// (guides it does not order follow, by unit and name), and combines their
// materials and time.
func BundleOf(e Event, guides []PublishedGuide) Bundle {
	b := Bundle{Event: e}
	for _, g := range guides {
		if g.HasEvent(e) {
			b.Guides = append(b.Guides, g)
		}
	}
	pos := func(id int64) int {
		if i := slices.Index(e.Order, id); i >= 0 {
			return i
		}
		return len(e.Order)
	}
	slices.SortStableFunc(b.Guides, func(x, y PublishedGuide) int { return cmp.Compare(pos(x.ID), pos(y.ID)) })
	byName := map[string]int{}
	for _, g := range b.Guides {
		if d := g.TimeLimit(); d != nil {
			b.PromisedDays += *d
		} else {
			b.NoLimit++
		}
		if g.LegalDays != nil {
			b.LegalDays += *g.LegalDays
		}
		for _, m := range g.Materials {
			key := tabular.Fold(m.Name)
			i, ok := byName[key]
			if !ok {
				i = len(b.Materials)
				byName[key] = i
				b.Materials = append(b.Materials, CombinedMaterial{Name: m.Name, Form: m.Form})
			}
			cm := &b.Materials[i]
			cm.Original = cm.Original || m.Original
			cm.Copies = max(cm.Copies, m.Copies)
			if cm.Form != m.Form {
				cm.Form = FormEither
			}
			if !slices.Contains(cm.Guides, g.Name) {
				cm.Guides = append(cm.Guides, g.Name)
			}
		}
	}
	return b
}

// Handbook is the 办事一本通 of a district or the city: its events with
// their guides.
type Handbook struct {
	Root org.Unit
	// Bundles are the events that have guides here, persons' first.
	Bundles []Bundle
	// Guides are all the handbook's published guides.
	Guides []PublishedGuide
}

// HandbookRoot checks that u compiles a handbook: the city (its own and
// its departments' guides) or a district (every guide in it). Anything
// else is not found.
func HandbookRoot(u org.Unit) error {
	if u.Kind != org.City && u.Kind != org.District {
		return errs.New(errs.NotFound, "svc.no_handbook", u.Code)
	}
	return nil
}

// CompileHandbook compiles the handbook of root, a city or a district.
func CompileHandbook(ctx context.Context, q db.Querier, root org.Unit) (Handbook, error) {
	if err := HandbookRoot(root); err != nil {
		return Handbook{}, err
	}
	all, err := PublishedIn(ctx, q, root)
	if err != nil {
		return Handbook{}, err
	}
	h := Handbook{Root: root}
	for _, g := range all {
		// The city's handbook is the city level's (市级): the districts
		// compile theirs.
		if root.Kind == org.City && g.Unit.Level != org.LevelCity {
			continue
		}
		h.Guides = append(h.Guides, g)
	}
	events, err := Events(ctx, q)
	if err != nil {
		return Handbook{}, err
	}
	for _, e := range events {
		if b := BundleOf(e, h.Guides); len(b.Guides) > 0 {
			h.Bundles = append(h.Bundles, b)
		}
	}
	return h, nil
}

// Bundle returns the handbook's bundle of the event with the given code,
// or a NotFound error when the event has no guides here.
func (h Handbook) Bundle(code string) (Bundle, error) {
	for _, b := range h.Bundles {
		if b.Event.Code == code {
			return b, nil
		}
	}
	return Bundle{}, errs.New(errs.NotFound, "svc.event_not_found", code)
}
