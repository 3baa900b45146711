package services

import (
	"cmp"
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/org"
)

// Statuses of a spot check: open while the office checks the sample,
// circulated (通报) once its results are sent to the units and the city's
// disclosure office.
const (
	CheckOpen       = "open"
	CheckCirculated = "circulated"
)

// Check is a quarterly spot check (抽查) of the published guides of the
// units under Scope (plan item 十五: 每季度抽查办事服务公开的情况并通报).
type Check struct {
	ID      int64
	Quarter string // 2026Q4
	Scope   org.Unit
	// PerUnit is how many guides are drawn from each unit (all of a unit's
	// when it has fewer); Seed makes the draw reproducible (Draw).
	PerUnit      int
	Seed         int64
	Status       string
	Note         string
	CreatedBy    string
	CreatedAt    time.Time
	CirculatedBy string
	CirculatedAt time.Time
	Items        []CheckItem
}

// CheckItem is a sampled guide with the checker's sheet.
type CheckItem struct {
	Seq       int
	ServiceID int64
	Unit      org.Unit
	Name      string
	Version   int // the published version checked
	Sheet
	Checked   bool
	CheckedBy string
	CheckedAt time.Time
}

// Sheet is what the checker finds of a guide (抽查表): accurate (准确),
// complete (完整), up to date (及时更新), with a note.
type Sheet struct {
	Accurate, Complete, Current bool
	Note                        string
}

// Passed reports whether the guide is accurate, complete and up to date.
func (s Sheet) Passed() bool { return s.Accurate && s.Complete && s.Current }

var reQuarter = regexp.MustCompile(`^(20\d\d)Q([1-4])$`)

// ParseQuarter checks a quarter written 2026Q4 and returns its year.
func ParseQuarter(q string) (int, bool) {
	m := reQuarter.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(q)))
	if m == nil {
		return 0, false
	}
	y, _ := strconv.Atoi(m[1])
	return y, true
}

// Draw draws, from each unit's guides, perUnit of them (all when it has
// fewer), the same for the same seed and guides: each unit's guides in id
// order are shuffled by a PCG generator seeded with seed and the unit's id,
// and the first perUnit taken, in id order. Units come in the order of
// their first guide in guides.
func Draw(guides []PublishedGuide, perUnit int, seed int64) []PublishedGuide {
	byUnit := map[int64][]PublishedGuide{}
	var units []int64
	for _, g := range guides {
		if _, ok := byUnit[g.Unit.ID]; !ok {
			units = append(units, g.Unit.ID)
		}
		byUnit[g.Unit.ID] = append(byUnit[g.Unit.ID], g)
	}
	var out []PublishedGuide
	for _, u := range units {
		gs := slices.Clone(byUnit[u])
		slices.SortFunc(gs, func(a, b PublishedGuide) int { return cmp.Compare(a.ID, b.ID) })
		r := rand.New(rand.NewPCG(uint64(seed), uint64(u)))
		r.Shuffle(len(gs), func(i, j int) { gs[i], gs[j] = gs[j], gs[i] })
		gs = gs[:min(perUnit, len(gs))]
		slices.SortFunc(gs, func(a, b PublishedGuide) int { return cmp.Compare(a.ID, b.ID) })
		out = append(out, gs...)
	}
	return out
}

// NewSeed returns a random seed for a draw.
func NewSeed() int64 {
	var b [8]byte
	_, _ = crand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never fails
	return int64(binary.BigEndian.Uint64(b[:]) >> 1)
}

// CheckInput is what the office chooses for a new spot check.
type CheckInput struct {
	Quarter string
	Scope   string // a unit's code
	PerUnit int
	// Seed draws the sample again as it was drawn once (0: a new seed).
	Seed int64
}

// StartCheck draws the sample of a spot check of the published guides of
// the units under the scope: only the office responsible may. One check a
// quarter per scope.
func StartCheck(ctx context.Context, tx *db.Tx, a auth.Account, s Settings, in CheckInput) (Check, error) {
	if !s.IsOffice(a) {
		return Check{}, forbidden()
	}
	var m errs.Multi
	in.Quarter = strings.ToUpper(strings.TrimSpace(in.Quarter))
	if _, ok := ParseQuarter(in.Quarter); !ok {
		m = append(m, errs.InvalidField("quarter", "svc.bad_quarter"))
	}
	if in.PerUnit < 1 || in.PerUnit > 50 {
		m = append(m, errs.InvalidField("per_unit", "svc.bad_per_unit", 50))
	}
	if in.Seed < 0 {
		m = append(m, errs.InvalidField("seed", "svc.bad_seed"))
	}
	scope, err := org.ByCode(ctx, tx, strings.TrimSpace(in.Scope))
	city, cerr := CityOf(ctx, tx, a.Unit)
	if cerr != nil {
		return Check{}, cerr
	}
	if err != nil || !city.Contains(scope) {
		m = append(m, errs.InvalidField("scope", "unit.not_found", in.Scope))
	}
	if err := m.Err(); err != nil {
		return Check{}, err
	}
	if in.Seed == 0 {
		in.Seed = NewSeed()
	}
	guides, err := PublishedIn(ctx, tx, scope)
	if err != nil {
		return Check{}, err
	}
	sample := Draw(guides, in.PerUnit, in.Seed)
	if len(sample) == 0 {
		return Check{}, errs.InvalidField("scope", "svc.nothing_to_check", scope.Name)
	}
	c := Check{Quarter: in.Quarter, Scope: scope, PerUnit: in.PerUnit, Seed: in.Seed, Status: CheckOpen, CreatedBy: a.Login, CreatedAt: tx.Now()}
	err = tx.QueryRow(ctx, `INSERT INTO service_checks (quarter, scope_unit_id, per_unit, seed, status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Quarter, scope.ID, c.PerUnit, c.Seed, c.Status, c.CreatedBy, c.CreatedAt).Scan(&c.ID)
	if db.IsUniqueViolation(err) {
		return Check{}, errs.InvalidField("quarter", "svc.check_exists", c.Quarter, scope.Name)
	}
	if err != nil {
		return Check{}, fmt.Errorf("add spot check: %w", err)
	}
	for i, g := range sample {
		it := CheckItem{Seq: i + 1, ServiceID: g.ID, Unit: g.Unit, Name: g.Name, Version: g.Version}
		if _, err := tx.Exec(ctx, `INSERT INTO service_check_items (check_id, seq, service_id, unit_id, name, version) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ID, it.Seq, it.ServiceID, g.Unit.ID, it.Name, it.Version); err != nil {
			return Check{}, fmt.Errorf("add sampled guide: %w", err)
		}
		c.Items = append(c.Items, it)
	}
	return c, audit.Append(ctx, tx, a.Login, "service.check", "service_check", itoa(c.ID),
		map[string]any{"quarter": c.Quarter, "scope": scope.Code, "per_unit": c.PerUnit, "seed": c.Seed, "sampled": len(sample)})
}

const checkCols = `id, quarter, scope_unit_id, per_unit, seed, status, note, created_by, created_at, circulated_by, circulated_at`

// CheckByID returns a spot check with its sample, or a NotFound error.
func CheckByID(ctx context.Context, q db.Querier, id int64) (Check, error) {
	cs, err := checks(ctx, q, `id = ?`, id)
	if err != nil {
		return Check{}, err
	}
	if len(cs) == 0 {
		return Check{}, errs.New(errs.NotFound, "svc.check_not_found", itoa(id))
	}
	c := cs[0]
	rows, err := q.Query(ctx, `SELECT seq, service_id, unit_id, name, version, checked, accurate, complete, current, note, checked_by, checked_at
		FROM service_check_items WHERE check_id = ? ORDER BY seq`, c.ID)
	if err != nil {
		return Check{}, fmt.Errorf("load sample: %w", err)
	}
	for rows.Next() {
		var it CheckItem
		var at sql.NullTime
		if err := rows.Scan(&it.Seq, &it.ServiceID, &it.Unit.ID, &it.Name, &it.Version, &it.Checked, &it.Accurate, &it.Complete, &it.Current, &it.Note, &it.CheckedBy, &at); err != nil {
			rows.Close()
			return Check{}, err
		}
		it.CheckedAt = at.Time
		c.Items = append(c.Items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Check{}, err
	}
	us := make([]*org.Unit, len(c.Items))
	for i := range c.Items {
		us[i] = &c.Items[i].Unit
	}
	return c, fillUnits(ctx, q, us)
}

// Checks returns the spot checks of year (every year when 0), newest
// quarter first.
func Checks(ctx context.Context, q db.Querier, year int) ([]Check, error) {
	if year == 0 {
		return checks(ctx, q, `1 = 1`)
	}
	return checks(ctx, q, `quarter LIKE ?`, strconv.Itoa(year)+"Q%")
}

func checks(ctx context.Context, q db.Querier, where string, args ...any) ([]Check, error) {
	rows, err := q.Query(ctx, `SELECT `+checkCols+` FROM service_checks WHERE `+where+` ORDER BY quarter DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list spot checks: %w", err)
	}
	var out []Check
	for rows.Next() {
		var c Check
		var at sql.NullTime
		if err := rows.Scan(&c.ID, &c.Quarter, &c.Scope.ID, &c.PerUnit, &c.Seed, &c.Status, &c.Note, &c.CreatedBy, &c.CreatedAt, &c.CirculatedBy, &at); err != nil {
			rows.Close()
			return nil, err
		}
		c.CirculatedAt = at.Time
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	us := make([]*org.Unit, len(out))
	for i := range out {
		us[i] = &out[i].Scope
	}
	return out, fillUnits(ctx, q, us)
}

// Record fills in the sheet of sampled guide seq: only the office, and only
// before the results are circulated.
func Record(ctx context.Context, tx *db.Tx, a auth.Account, s Settings, c Check, seq int, sh Sheet) (Check, error) {
	if !s.IsOffice(a) {
		return Check{}, forbidden()
	}
	if c.Status != CheckOpen {
		return Check{}, errs.New(errs.Conflict, "svc.check_circulated")
	}
	i := slices.IndexFunc(c.Items, func(it CheckItem) bool { return it.Seq == seq })
	if i < 0 {
		return Check{}, errs.InvalidField("seq", "svc.check_no_item", seq)
	}
	sh.Note = foi.OneLine(sh.Note)
	if utf8.RuneCountInString(sh.Note) > 1000 {
		return Check{}, errs.InvalidField(fmt.Sprintf("note_%d", seq), "svc.too_long", errs.Msg("svc.field.note"), 1000)
	}
	if !sh.Passed() && sh.Note == "" {
		return Check{}, errs.InvalidField(fmt.Sprintf("note_%d", seq), "svc.check_note_needed")
	}
	it := &c.Items[i]
	it.Sheet, it.Checked, it.CheckedBy, it.CheckedAt = sh, true, a.Login, tx.Now()
	if _, err := tx.Exec(ctx, `UPDATE service_check_items SET checked = ?, accurate = ?, complete = ?, current = ?, note = ?, checked_by = ?, checked_at = ? WHERE check_id = ? AND seq = ?`,
		true, sh.Accurate, sh.Complete, sh.Current, sh.Note, a.Login, it.CheckedAt, c.ID, seq); err != nil {
		return Check{}, fmt.Errorf("record spot check: %w", err)
	}
	return c, audit.Append(ctx, tx, a.Login, "service.check_record", "service_check", itoa(c.ID),
		map[string]any{"seq": seq, "service": it.ServiceID, "accurate": sh.Accurate, "complete": sh.Complete, "current": sh.Current})
}

// Circulate sends the results to the units and the city's disclosure
// office (通报, 抄送市政务公开办), once every sampled guide is checked.
func Circulate(ctx context.Context, tx *db.Tx, a auth.Account, s Settings, c Check, note string) (Check, error) {
	if !s.IsOffice(a) {
		return Check{}, forbidden()
	}
	if c.Status != CheckOpen {
		return Check{}, errs.New(errs.Conflict, "svc.check_circulated")
	}
	for _, it := range c.Items {
		if !it.Checked {
			return Check{}, errs.New(errs.Invalid, "svc.check_unfinished", it.Seq, it.Name)
		}
	}
	note = foi.Clean(note)
	if utf8.RuneCountInString(note) > 4000 {
		return Check{}, errs.InvalidField("note", "svc.too_long", errs.Msg("svc.field.note"), 4000)
	}
	c.Status, c.Note, c.CirculatedBy, c.CirculatedAt = CheckCirculated, note, a.Login, tx.Now()
	if _, err := tx.Exec(ctx, `UPDATE service_checks SET status = ?, note = ?, circulated_by = ?, circulated_at = ? WHERE id = ?`,
		c.Status, c.Note, c.CirculatedBy, c.CirculatedAt, c.ID); err != nil {
		return Check{}, fmt.Errorf("circulate spot check: %w", err)
	}
	return c, audit.Append(ctx, tx, a.Login, "service.check_circulate", "service_check", itoa(c.ID), map[string]any{"quarter": c.Quarter})
}

// UnitResult is one unit's results in a spot check.
type UnitResult struct {
	Unit                                                  org.Unit
	Sampled, Checked, Accurate, Complete, Current, Passed int
}

// Rate is the share of sampled guides that passed, in percent.
func (r UnitResult) Rate() int {
	if r.Sampled == 0 {
		return 0
	}
	return r.Passed * 100 / r.Sampled
}

// Results returns the check's results per unit, in the order of the
// sample, for the units inside scope.
func (c Check) Results(scope org.Unit) []UnitResult {
	var out []UnitResult
	idx := map[int64]int{}
	for _, it := range c.Items {
		if !scope.Contains(it.Unit) {
			continue
		}
		i, ok := idx[it.Unit.ID]
		if !ok {
			i = len(out)
			idx[it.Unit.ID] = i
			out = append(out, UnitResult{Unit: it.Unit})
		}
		r := &out[i]
		r.Sampled++
		if !it.Checked {
			continue
		}
		r.Checked++
		for _, f := range []struct {
			ok bool
			n  *int
		}{{it.Accurate, &r.Accurate}, {it.Complete, &r.Complete}, {it.Current, &r.Current}, {it.Passed(), &r.Passed}} {
			if f.ok {
				*f.n++
			}
		}
	}
	return out
}

// ItemsIn returns the sampled guides of units inside scope.
func (c Check) ItemsIn(scope org.Unit) []CheckItem {
	var out []CheckItem
	for _, it := range c.Items {
		if scope.Contains(it.Unit) {
			out = append(out, it)
		}
	}
	return out
}

// CanRead reports whether a may see the check, and of it the units inside
// the scope ReadScope gives: those who follow checks see them all the
// time, units only once circulated.
func (s Settings) CanRead(a auth.Account, c Check) bool {
	return s.Follows(a) || c.Status == CheckCirculated
}
