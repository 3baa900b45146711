package attrs

import (
	"cmp"
	"context"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Statuses of a spot check: open while the office records its answers,
// closed once every document drawn is checked.
const (
	SpotOpen   = "open"
	SpotClosed = "closed"
)

// Sample sizes an office may ask for, per unit.
const (
	DefaultSample = 5
	MaxSample     = 50
	// SpotMonth is the month spot checks start (市政务公开办10月起开展抽查).
	SpotMonth = time.October
	// maxSeed bounds the seed a person types: fifteen digits.
	maxSeed = 999_999_999_999_999
)

// SpotCheck is an office's spot check (抽查) of the documents its units
// issued in Year.
type SpotCheck struct {
	ID         int64
	Office     org.Unit
	Year       int
	SampleSize int
	// Seed is what the sample was drawn with; Sample with the same seed
	// over the same documents draws the same ones again.
	Seed      int64
	Status    string
	CreatedBy string
	CreatedAt time.Time
	ClosedBy  string
	ClosedAt  time.Time
}

// SpotItem is a document drawn, with the checker's answers.
type SpotItem struct {
	ID      int64
	CheckID int64
	Doc     Doc
	Unit    org.Unit
	// Proposed: an attribute was proposed when the document was drafted
	// (拟稿时提出公开属性); Marked: it was marked when the document was
	// issued (发文时标注); Correct: the attribute is right. Yes, No, or
	// empty until checked.
	Proposed, Marked, Correct string
	Note                      string
	CheckedBy                 string
	CheckedAt                 time.Time
}

// Checked reports whether the checker answered.
func (it SpotItem) Checked() bool { return it.Correct != "" }

// Problem reports whether a checked document fails any of the three.
func (it SpotItem) Problem() bool {
	return it.Checked() && (it.Proposed == No || it.Marked == No || it.Correct == No)
}

// SpotInput opens a spot check: the year whose documents are checked, the
// sample size per unit and, optionally, the seed (a number; empty draws
// one).
type SpotInput struct {
	Year, SampleSize, Seed string
}

// Answers is what the checker records for a document.
type Answers struct {
	Proposed, Marked, Correct, Note string
}

// BeforeSpotMonth reports whether day is before October of year, when the
// plan has spot checks start: the console warns, but allows it.
func BeforeSpotMonth(year int, day calendar.Date) bool {
	return day.Year < year || (day.Year == year && day.Month < SpotMonth)
}

// Sample draws n of ids for the unit coded unit with seed: the same ids
// (in any order), seed and unit always draw the same documents, in the
// order of their ids. Fewer than n ids are all drawn.
func Sample(ids []int64, n int, seed int64, unit string) []int64 {
	all := slices.Clone(ids)
	slices.Sort(all)
	h := fnv.New64a()
	h.Write([]byte(unit))
	rng := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
	n = min(n, len(all))
	for i := range n {
		j := i + rng.IntN(len(all)-i)
		all[i], all[j] = all[j], all[i]
	}
	out := all[:n]
	slices.Sort(out)
	return out
}

// validate reads the input's numbers, each problem naming its field.
func (in SpotInput) validate(now time.Time) (year, size int, seed int64, err error) {
	var m errs.Multi
	year, yerr := yearOf("year", in.Year, now)
	if yerr != nil {
		m = append(m, yerr.(*errs.Error))
	}
	size, serr := strconv.Atoi(strings.TrimSpace(in.SampleSize))
	if serr != nil || size < 1 || size > MaxSample {
		m = append(m, errs.InvalidField("sample_size", "attrs.bad_sample", 1, MaxSample))
	}
	if s := strings.TrimSpace(in.Seed); s == "" {
		seed = rand.Int64N(1_000_000_000)
	} else if seed, serr = strconv.ParseInt(s, 10, 64); serr != nil || seed < 0 || seed > maxSeed {
		m = append(m, errs.InvalidField("seed", "attrs.bad_seed"))
	}
	return year, size, seed, m.Err()
}

// OpenSpotCheck opens a's spot check of year over the units of its
// subtree: from the documents each unit issued (written that year,
// approved or published), SampleSize are drawn with the seed, which is
// kept. It returns an Invalid error naming the field at fault (or "year"
// when no unit issued anything that year), Forbidden for all but an
// office, and Conflict if the office has a check of that year already.
func OpenSpotCheck(ctx context.Context, tx *db.Tx, a auth.Account, in SpotInput) (SpotCheck, error) {
	if !IsOffice(a) {
		return SpotCheck{}, errs.New(errs.Forbidden, "attrs.forbidden")
	}
	year, size, seed, err := in.validate(tx.Now())
	if err != nil {
		return SpotCheck{}, err
	}
	byUnit, err := issuedIn(ctx, tx, a.Unit, year)
	if err != nil {
		return SpotCheck{}, err
	}
	if len(byUnit) == 0 {
		return SpotCheck{}, errs.InvalidField("year", "attrs.spot_nothing", year)
	}
	c := SpotCheck{Office: a.Unit, Year: year, SampleSize: size, Seed: seed, Status: SpotOpen, CreatedBy: a.Login, CreatedAt: tx.Now()}
	if err := insertSpotCheck(ctx, tx, &c); err != nil {
		return SpotCheck{}, err
	}
	units, err := unitsOf(ctx, tx, mapKeys(byUnit))
	if err != nil {
		return SpotCheck{}, err
	}
	drawn := 0
	for _, id := range mapKeys(byUnit) {
		for _, rec := range Sample(byUnit[id], size, seed, units[id].Code) {
			if err := insertSpotItem(ctx, tx, c.ID, rec, id); err != nil {
				return SpotCheck{}, err
			}
			drawn++
		}
	}
	return c, audit.Append(ctx, tx, a.Login, "attrs.spot_open", "attr_spot_check", strconv.FormatInt(c.ID, 10),
		map[string]any{"year": year, "sample_size": size, "seed": seed, "units": len(byUnit), "documents": drawn})
}

func mapKeys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// CanRunSpot reports whether a records and closes check c: an office whose
// subtree holds the office that opened it.
func CanRunSpot(a auth.Account, c SpotCheck) bool { return IsOffice(a) && a.InScope(c.Office) }

// Record records the checker's answers for item it of check c. Each answer
// is Yes or No; a document failing any needs a note saying what is wrong.
// It returns an Invalid error naming the field at fault, Forbidden unless
// a may run the check, and Conflict once the check is closed.
func Record(ctx context.Context, tx *db.Tx, a auth.Account, c SpotCheck, it SpotItem, in Answers) (SpotItem, error) {
	if !CanRunSpot(a, c) || it.CheckID != c.ID {
		return SpotItem{}, errs.New(errs.Forbidden, "attrs.forbidden")
	}
	if c.Status != SpotOpen {
		return SpotItem{}, errs.New(errs.Conflict, "attrs.spot_closed")
	}
	var m errs.Multi
	for _, f := range []struct {
		field string
		v     *string
	}{{"proposed", &in.Proposed}, {"marked", &in.Marked}, {"correct", &in.Correct}} {
		if *f.v = strings.TrimSpace(*f.v); *f.v != Yes && *f.v != No {
			m = append(m, errs.InvalidField(f.field, "attrs.answer_required", errs.Msg("attrs.field."+f.field)))
		}
	}
	note, err := cleanNote("note", in.Note)
	if err != nil {
		m = append(m, err.(*errs.Error))
	}
	if len(m) == 0 && note == "" && (in.Proposed == No || in.Marked == No || in.Correct == No) {
		m = append(m, errs.InvalidField("note", "attrs.note_required"))
	}
	if err := m.Err(); err != nil {
		return SpotItem{}, err
	}
	it.Proposed, it.Marked, it.Correct, it.Note, it.CheckedBy, it.CheckedAt = in.Proposed, in.Marked, in.Correct, note, a.Login, tx.Now()
	if err := saveSpotItem(ctx, tx, it); err != nil {
		return SpotItem{}, err
	}
	return it, audit.Append(ctx, tx, a.Login, "attrs.spot_record", "attr_spot_check", strconv.FormatInt(c.ID, 10),
		map[string]any{"record": it.Doc.IndexNo, "proposed": it.Proposed, "marked": it.Marked, "correct": it.Correct, "note": note})
}

// CloseSpotCheck closes check c once every document drawn is checked. It
// returns an Invalid error saying how many are left, Forbidden unless a
// may run the check, and Conflict if it is closed already.
func CloseSpotCheck(ctx context.Context, tx *db.Tx, a auth.Account, c SpotCheck) (SpotCheck, error) {
	if !CanRunSpot(a, c) {
		return SpotCheck{}, errs.New(errs.Forbidden, "attrs.forbidden")
	}
	if c.Status != SpotOpen {
		return SpotCheck{}, errs.New(errs.Conflict, "attrs.spot_closed")
	}
	items, err := SpotItems(ctx, tx, c, nil)
	if err != nil {
		return SpotCheck{}, err
	}
	left := 0
	for _, it := range items {
		if !it.Checked() {
			left++
		}
	}
	if left > 0 {
		return SpotCheck{}, errs.New(errs.Invalid, "attrs.spot_unchecked", left)
	}
	c.Status, c.ClosedBy, c.ClosedAt = SpotClosed, a.Login, tx.Now()
	if err := saveSpotCheck(ctx, tx, c); err != nil {
		return SpotCheck{}, err
	}
	return c, audit.Append(ctx, tx, a.Login, "attrs.spot_close", "attr_spot_check", strconv.FormatInt(c.ID, 10), map[string]any{"documents": len(items)})
}

// UnitResult sums a unit's documents drawn in a check.
type UnitResult struct {
	Unit                                                  org.Unit
	Sampled, Checked, Proposed, Marked, Correct, Problems int
}

// ProposedPct, MarkedPct and CorrectPct are shares of the documents
// checked, in whole percents.
func (r UnitResult) ProposedPct() int { return percent(r.Proposed, r.Checked) }
func (r UnitResult) MarkedPct() int   { return percent(r.Marked, r.Checked) }
func (r UnitResult) CorrectPct() int  { return percent(r.Correct, r.Checked) }

func (r *UnitResult) add(it SpotItem) {
	r.Sampled++
	if !it.Checked() {
		return
	}
	r.Checked++
	if it.Proposed == Yes {
		r.Proposed++
	}
	if it.Marked == Yes {
		r.Marked++
	}
	if it.Correct == Yes {
		r.Correct++
	}
	if it.Problem() {
		r.Problems++
	}
}

// Results sums items per unit, in the order of the units' codes.
func Results(items []SpotItem) []UnitResult {
	return sumByUnit(items, func(it SpotItem) org.Unit { return it.Unit }, func(u org.Unit) UnitResult { return UnitResult{Unit: u} }, (*UnitResult).add)
}

// sumByUnit sums items per unit with add into what start makes for the
// unit, in the order of the units' codes.
func sumByUnit[I, R any](items []I, unit func(I) org.Unit, start func(org.Unit) R, add func(*R, I)) []R {
	at := map[int64]int{}
	var units []org.Unit
	var out []R
	for _, it := range items {
		u := unit(it)
		i, ok := at[u.ID]
		if !ok {
			i = len(out)
			at[u.ID] = i
			units, out = append(units, u), append(out, start(u))
		}
		add(&out[i], it)
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(units[a].Code, units[b].Code) })
	sorted := make([]R, len(out))
	for i, j := range order {
		sorted[i] = out[j]
	}
	return sorted
}

// Findings are the items checked with a problem.
func Findings(items []SpotItem) []SpotItem {
	var out []SpotItem
	for _, it := range items {
		if it.Problem() {
			out = append(out, it)
		}
	}
	return out
}
