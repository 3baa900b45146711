package interpret

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// Nomination is an interpretation a unit put forward in a round, with the
// office's scores, one per criterion, and their total out of 100.
type Nomination struct {
	ID             int64
	RoundID        int64
	Interpretation Interpretation
	Unit           org.Unit
	Note           string
	NominatedBy    string
	NominatedAt    time.Time
	Scores         []float64
	Total          float64
	Comment        string
	ScoredBy       string
	ScoredAt       time.Time
	// Rank is the place among the round's scored nominations (ties share
	// one), 0 when not scored.
	Rank int
}

// Scored reports whether the office has scored n.
func (n Nomination) Scored() bool { return !n.ScoredAt.IsZero() }

// Excellent reports whether n is rated excellent: scored at least
// ExcellentAt.
func (n Nomination) Excellent() bool { return n.Scored() && n.Total >= ExcellentAt }

// CanNominate reports whether a may put forward unit u's interpretations:
// its reviewer and the offices above it, as for approving its records.
func CanNominate(a auth.Account, u org.Unit) bool { return info.CanApprove(a, u) }

const maxNote = 2000

// Nominate puts interpretation it forward in open round rd, with a note.
// It must be published within the round's period (Invalid on field
// "interpretation") and be put forward once (Conflict).
func Nominate(ctx context.Context, tx *db.Tx, a auth.Account, rd Round, it Interpretation, note string) (Nomination, error) {
	if !CanNominate(a, it.Record.Unit) {
		return Nomination{}, forbidden()
	}
	if rd.Status != RoundOpen {
		return Nomination{}, errs.New(errs.Conflict, "interpret.round_closed")
	}
	from, to, _ := Span(rd.Period)
	day := calendar.DateOf(it.Record.PublishedAt.In(calendar.China))
	if !it.Public() || day.Before(from) || day.After(to) {
		return Nomination{}, errs.InvalidField("interpretation", "interpret.not_in_period", it.Record.Title, from.String(), to.String())
	}
	if note = strings.TrimSpace(note); utf8.RuneCountInString(note) > maxNote {
		return Nomination{}, errs.InvalidField("note", "interpret.note_long", maxNote)
	}
	n := Nomination{RoundID: rd.ID, Interpretation: it, Unit: it.Record.Unit, Note: note, NominatedBy: a.Login, NominatedAt: tx.Now()}
	err := tx.QueryRow(ctx, `INSERT INTO interpret_nominations (round_id, record_id, unit_id, note, nominated_by, nominated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		n.RoundID, it.Record.ID, n.Unit.ID, n.Note, n.NominatedBy, n.NominatedAt).Scan(&n.ID)
	if db.IsUniqueViolation(err) {
		return Nomination{}, &errs.Error{Kind: errs.Conflict, Key: "interpret.nominated_already", Args: []any{it.Record.Title}, Field: "interpretation"}
	}
	if err != nil {
		return Nomination{}, fmt.Errorf("nominate: %w", err)
	}
	return n, audit.Append(ctx, tx, a.Login, "interpret.nominate", "interpret_round", strconv.FormatInt(rd.ID, 10),
		map[string]any{"record": it.Record.IndexNo, "note": note})
}

// ScoreField is the form field of a nomination's score on criterion i.
func ScoreField(i int) string { return "score_" + strconv.Itoa(i) }

// Score records the office's scores of nomination n in open round rd, one
// per criterion, each from 0 to the criterion's weight in steps of 0.5, as
// typed; a score that is not one is an Invalid error naming its field
// (ScoreField).
func Score(ctx context.Context, tx *db.Tx, a auth.Account, rd Round, n Nomination, scores []string, comment string) (Nomination, error) {
	if !CanRunRounds(a) {
		return Nomination{}, errs.New(errs.Forbidden, "interpret.rounds_forbidden")
	}
	if rd.Status != RoundOpen || n.RoundID != rd.ID {
		return Nomination{}, errs.New(errs.Conflict, "interpret.round_closed")
	}
	var m errs.Multi
	vals := make([]float64, len(rd.Criteria))
	total := 0.0
	for i, c := range rd.Criteria {
		v := ""
		if i < len(scores) {
			v = strings.TrimSpace(scores[i])
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || f < 0 || f > float64(c.Weight) || math.Abs(f*2-math.Round(f*2)) > 1e-9 {
			m = append(m, errs.InvalidField(ScoreField(i), "interpret.bad_score", c.Name, c.Weight))
			continue
		}
		vals[i] = f
		total += f
	}
	if comment = strings.TrimSpace(comment); utf8.RuneCountInString(comment) > maxNote {
		m = append(m, errs.InvalidField("comment", "interpret.note_long", maxNote))
	}
	if err := m.Err(); err != nil {
		return Nomination{}, err
	}
	js, _ := json.Marshal(vals)
	n.Scores, n.Total, n.Comment, n.ScoredBy, n.ScoredAt = vals, total, comment, a.Login, tx.Now()
	if _, err := tx.Exec(ctx, `UPDATE interpret_nominations SET scores = ?, total = ?, comment = ?, scored_by = ?, scored_at = ? WHERE id = ?`,
		string(js), n.Total, n.Comment, n.ScoredBy, n.ScoredAt, n.ID); err != nil {
		return Nomination{}, fmt.Errorf("score nomination: %w", err)
	}
	return n, audit.Append(ctx, tx, a.Login, "interpret.score", "interpret_round", strconv.FormatInt(rd.ID, 10),
		map[string]any{"record": n.Interpretation.Record.IndexNo, "scores": vals, "total": total})
}

// Nominations returns round rd's nominations ranked: the scored ones by
// total, highest first, then the others in the order they came. With
// scope, only those of its subtree.
func Nominations(ctx context.Context, q db.Querier, rd Round, scope *org.Unit) ([]Nomination, error) {
	where, args := `n.round_id = ?`, []any{rd.ID}
	if scope != nil {
		where += ` AND n.unit_id IN (SELECT id FROM units WHERE path LIKE ?)`
		args = append(args, scope.Path+"%")
	}
	rows, err := q.Query(ctx, `SELECT n.id, n.record_id, n.unit_id, n.note, n.nominated_by, n.nominated_at, n.scores, n.total, n.comment, n.scored_by, n.scored_at
		FROM interpret_nominations n WHERE `+where+` ORDER BY n.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list nominations: %w", err)
	}
	var out []Nomination
	for rows.Next() {
		var n Nomination
		var scores string
		var total sql.NullFloat64
		var at sql.NullTime
		if err := rows.Scan(&n.ID, &n.Interpretation.Record.ID, &n.Unit.ID, &n.Note, &n.NominatedBy, &n.NominatedAt, &scores, &total, &n.Comment, &n.ScoredBy, &at); err != nil {
			rows.Close()
			return nil, err
		}
		n.RoundID, n.Total, n.ScoredAt = rd.ID, total.Float64, at.Time
		if scores != "" {
			if err := json.Unmarshal([]byte(scores), &n.Scores); err != nil {
				rows.Close()
				return nil, fmt.Errorf("nomination %d scores: %w", n.ID, err)
			}
		}
		out = append(out, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Interpretation, err = ByRecord(ctx, q, out[i].Interpretation.Record.ID); err != nil {
			return nil, err
		}
		out[i].Unit = out[i].Interpretation.Record.Unit
	}
	rank(out)
	return out, nil
}

// rank orders nominations and gives the scored ones their places.
func rank(ns []Nomination) {
	slices.SortStableFunc(ns, func(a, b Nomination) int {
		switch {
		case a.Scored() != b.Scored():
			if a.Scored() {
				return -1
			}
			return 1
		case a.Total > b.Total:
			return -1
		case a.Total < b.Total:
			return 1
		}
		return 0
	})
	for i := range ns {
		switch {
		case !ns[i].Scored():
			ns[i].Rank = 0
		case i > 0 && ns[i-1].Scored() && ns[i-1].Total == ns[i].Total:
			ns[i].Rank = ns[i-1].Rank
		default:
			ns[i].Rank = i + 1
		}
	}
}

// NominationByID returns nomination id of round rd, or a NotFound error.
func NominationByID(ctx context.Context, q db.Querier, rd Round, id int64) (Nomination, error) {
	ns, err := Nominations(ctx, q, rd, nil)
	if err != nil {
		return Nomination{}, err
	}
	for _, n := range ns {
		if n.ID == id {
			return n, nil
		}
	}
	return Nomination{}, errs.New(errs.NotFound, "interpret.nomination_not_found", id)
}

// Nominable returns the interpretations of scope's subtree that a may put
// forward in round rd: published in its period and not put forward yet.
func Nominable(ctx context.Context, q db.Querier, a auth.Account, rd Round) ([]Interpretation, error) {
	its, _, err := List(ctx, q, Filter{Scope: &a.Unit, Public: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	ns, err := Nominations(ctx, q, rd, &a.Unit)
	if err != nil {
		return nil, err
	}
	from, to, _ := Span(rd.Period)
	var out []Interpretation
	for _, it := range its {
		day := calendar.DateOf(it.Record.PublishedAt.In(calendar.China))
		taken := slices.ContainsFunc(ns, func(n Nomination) bool { return n.Interpretation.Record.ID == it.Record.ID })
		if !taken && !day.Before(from) && !day.After(to) && CanNominate(a, it.Record.Unit) {
			out = append(out, it)
		}
	}
	return out, nil
}
