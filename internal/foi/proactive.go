package foi

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Proactive states of an application (依申请转主动).
const (
	Converted = "converted" // the information is now published proactively
	Dismissed = "dismissed" // looked at, not worth publishing
)

// Thresholds of the candidates for proactive disclosure.
const (
	SimilarAt        = 0.5 // bigram Jaccard similarity of two descriptions
	CandidateMinimum = 3   // distinct applicants
	candidateMonths  = 12
	maxMarkedAtOnce  = 500
	maxProactiveNote = 500
)

// Candidate is information several applicants asked one unit for within a
// year: worth publishing proactively (依申请转主动, 条例第四十四条).
type Candidate struct {
	Unit         org.Unit
	Applications []CandidateApp // by receipt date
	Description  string         // the description most like the others
	Count        int            // applications
	Applicants   int            // distinct applicants
}

// CandidateApp is an application in a Candidate.
type CandidateApp struct {
	ID           int64
	TrackingNo   string
	ReceivedDate string
	Description  string
}

// Candidates returns, as of day today, the groups of applications to one
// unit in scope received in the last 12 months whose descriptions are
// similar (SimilarAt, linked in chains) from at least CandidateMinimum
// distinct applicants, largest first. Applications already marked converted
// or dismissed are left out. Applicants are told apart by ID number;
// imported applications, which have none, each count as one.
func Candidates(ctx context.Context, q db.Querier, scope org.Unit, today calendar.Date) ([]Candidate, error) {
	since := time.Date(today.Year, today.Month, today.Day, 0, 0, 0, 0, calendar.China).AddDate(0, -candidateMonths, 0)
	rows, err := q.Query(ctx, `SELECT a.id, a.tracking_no, a.unit_id, a.received_date, a.submitted_at, a.description, a.id_number, a.imported
		FROM foi_applications a JOIN units u ON u.id = a.unit_id
		WHERE u.path LIKE ? AND a.proactive = '' AND (a.received_date >= ? OR (a.received_date = '' AND a.submitted_at >= ?))
		ORDER BY a.unit_id, a.id`, scope.Path+"%", calendar.DateOf(since).String(), since.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byUnit := map[int64][]sample{}
	var unitIDs []int64
	for rows.Next() {
		var s sample
		var unitID int64
		var submitted time.Time
		var idNumber string
		var imported bool
		if err := rows.Scan(&s.app.ID, &s.app.TrackingNo, &unitID, &s.app.ReceivedDate, &submitted, &s.app.Description, &idNumber, &imported); err != nil {
			return nil, err
		}
		if s.app.ReceivedDate == "" {
			s.app.ReceivedDate = calendar.DateOf(submitted.In(calendar.China)).String()
		}
		if s.app.ReceivedDate > today.String() {
			continue
		}
		s.applicant = idNumber
		if imported || idNumber == "" {
			s.applicant = "#" + s.app.TrackingNo
		}
		s.grams = bigrams(s.app.Description)
		if len(byUnit[unitID]) == 0 {
			unitIDs = append(unitIDs, unitID)
		}
		byUnit[unitID] = append(byUnit[unitID], s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	dir, err := org.LoadDirectory(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []Candidate
	for _, id := range unitIDs {
		u, err := dir.ByID(id)
		if err != nil {
			return nil, err
		}
		for _, g := range groupSimilar(byUnit[id]) {
			if c := candidateOf(u, g); c.Applicants >= CandidateMinimum {
				out = append(out, c)
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Candidate) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Unit.Path, y.Unit.Path))
	})
	return out, nil
}

// sample is an application being grouped.
type sample struct {
	app       CandidateApp
	applicant string
	grams     []uint64
}

// groupSimilar links every two samples at least SimilarAt alike and
// returns the groups of more than one (single-link clustering).
func groupSimilar(ss []sample) [][]sample {
	parent := make([]int, len(ss))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	for i := range ss {
		for j := i + 1; j < len(ss); j++ {
			if jaccard(ss[i].grams, ss[j].grams) >= SimilarAt {
				parent[find(j)] = find(i)
			}
		}
	}
	groups := map[int][]sample{}
	var roots []int
	for i := range ss {
		r := find(i)
		if len(groups[r]) == 0 {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], ss[i])
	}
	var out [][]sample
	for _, r := range roots {
		if len(groups[r]) > 1 {
			out = append(out, groups[r])
		}
	}
	return out
}

// candidateOf describes a group: its applications by receipt date and the
// description most like the others.
func candidateOf(u org.Unit, g []sample) Candidate {
	c := Candidate{Unit: u, Count: len(g)}
	people := map[string]bool{}
	best, bestScore := 0, -1.0
	for i, s := range g {
		people[s.applicant] = true
		score := 0.0
		for j, o := range g {
			if i != j {
				score += jaccard(s.grams, o.grams)
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
		c.Applications = append(c.Applications, s.app)
	}
	c.Applicants = len(people)
	c.Description = g[best].app.Description
	slices.SortStableFunc(c.Applications, func(x, y CandidateApp) int { return cmp.Compare(x.ReceivedDate, y.ReceivedDate) })
	return c
}

// fillers are words nearly every application has, longest first so that
// a phrase goes before the words in it.
var fillers = []string{"政府信息公开", "依申请公开", "申请公开", "政府信息", "请予公开", "予以公开", "本人", "申请", "公开", "关于", "有关", "相关", "请求", "希望", "需要", "提供", "获取", "查询", "信息", "贵单位", "贵局", "贵机关", "请", "的", "我"}

var fillerReplacer = func() *strings.Replacer {
	var pairs []string
	for _, f := range fillers {
		pairs = append(pairs, f, " ")
	}
	return strings.NewReplacer(pairs...)
}()

// normalize keeps what tells descriptions apart: Chinese characters,
// letters (lower-cased) and digits, without punctuation, spaces and the
// filler words.
func normalize(s string) string {
	s = fillerReplacer.Replace(strings.ToLower(s))
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Han, r) || unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// bigrams returns the sorted distinct character bigrams of the normalized
// description; a single character stands alone.
func bigrams(s string) []uint64 {
	r := []rune(normalize(s))
	var out []uint64
	if len(r) == 1 {
		out = append(out, uint64(r[0]))
	}
	for i := 0; i+1 < len(r); i++ {
		out = append(out, uint64(r[i])<<32|uint64(r[i+1]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// jaccard returns |a∩b| / |a∪b| of two sorted sets; 0 when both are empty.
func jaccard(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// MarkProactive records that the applications ids were looked at for
// proactive disclosure: state Converted, with note naming what was
// published (its 索引号), or Dismissed, with the reason. a must be able to
// handle every one; nothing is marked otherwise. It returns a NotFound
// error for an application a cannot see and a Conflict error for one
// marked already.
func MarkProactive(ctx context.Context, tx *db.Tx, a auth.Account, ids []int64, state, note string) error {
	var m errs.Multi
	if state != Converted && state != Dismissed {
		m = append(m, errs.InvalidField("state", "foi.proactive.state"))
	}
	switch note = oneLine(note); {
	case note == "":
		m = append(m, errs.InvalidField("note", "foi.required", errs.Msg("foi.field.proactive_note")))
	case utf8len(note) > maxProactiveNote:
		m = append(m, errs.InvalidField("note", "foi.too_long", errs.Msg("foi.field.proactive_note"), maxProactiveNote))
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 || len(ids) > maxMarkedAtOnce {
		m = append(m, errs.InvalidField("ids", "foi.proactive.none"))
	}
	if len(m) > 0 {
		return m
	}
	for _, id := range ids {
		app, err := ByID(ctx, tx, id, a)
		if err != nil {
			return err
		}
		if err := handle(a, app); err != nil {
			return err
		}
		if app.Proactive != "" {
			return errs.New(errs.Conflict, "foi.proactive.done", app.TrackingNo)
		}
		if _, err := touch(ctx, tx, app, a.Login, "proactive", "", state+"："+note, `proactive = ?, proactive_note = ?`, state, note); err != nil {
			return err
		}
	}
	return nil
}
