package interpret

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// The half-yearly excellence evaluation of interpretations (优秀政策解读
// 评选): in January and July the city office opens a round for the
// half-year before, units nominate their interpretations published in it,
// the office scores each on the round's criteria sheet and publishes the
// ranked results; an important policy judged poorly interpreted goes back
// to its unit for re-interpretation (returns.go).

// Round statuses.
const (
	RoundOpen      = "open"      // nominations and scoring
	RoundPublished = "published" // results on the portal
)

// Criterion is one line of a round's criteria sheet: what is judged and
// its weight, the points it is scored out of. The weights of a sheet add
// up to 100.
type Criterion struct {
	Name   string `json:"name"`
	NameEn string `json:"name_en"`
	Weight int    `json:"weight"`
}

// DefaultCriteria is the sheet a round starts from, written from the plan
// (第十项: 解读要及时、准确、通俗易懂，形式多样，扩大传播).
func DefaultCriteria() []Criterion {
	return []Criterion{
		{"解读及时", "Timely", 25},
		{"内容准确", "Accurate", 25},
		{"通俗易懂", "Plain and clear", 20},
		{"形式多样", "Varied forms", 15},
		{"传播效果", "Reach", 15},
	}
}

// MaxCriteria bounds a sheet.
const MaxCriteria = 10

// ExcellentAt is the total from which a scored interpretation is rated
// excellent (优秀) in the results.
const ExcellentAt = 85

// Round is one evaluation.
type Round struct {
	ID          int64
	Period      string // 2026H1, 2026H2
	Title       string
	Criteria    []Criterion
	Status      string
	OpenedBy    string
	OpenedAt    time.Time
	PublishedBy string
	PublishedAt time.Time
}

var periodRE = regexp.MustCompile(`^(\d{4})H([12])$`)

// Span returns the first and last days of a period (2026H2: 2026-07-01 to
// 2026-12-31); ok is false for a malformed one.
func Span(period string) (from, to calendar.Date, ok bool) {
	m := periodRE.FindStringSubmatch(period)
	if m == nil {
		return from, to, false
	}
	y, _ := strconv.Atoi(m[1])
	if y < 2000 || y > 2100 {
		return from, to, false
	}
	if m[2] == "1" {
		return calendar.Date{Year: y, Month: time.January, Day: 1}, calendar.Date{Year: y, Month: time.June, Day: 30}, true
	}
	return calendar.Date{Year: y, Month: time.July, Day: 1}, calendar.Date{Year: y, Month: time.December, Day: 31}, true
}

// DefaultPeriod is the half-year a round opened on day evaluates: in July
// to December the first half of the year, in January to June the second
// half of the year before.
func DefaultPeriod(day calendar.Date) string {
	if day.Month >= time.July {
		return fmt.Sprintf("%dH1", day.Year)
	}
	return fmt.Sprintf("%dH2", day.Year-1)
}

// PeriodTitle is a round's default title in Chinese.
func PeriodTitle(period string) string {
	m := periodRE.FindStringSubmatch(period)
	if m == nil {
		return ""
	}
	half := "上半年"
	if m[2] == "2" {
		half = "下半年"
	}
	return m[1] + "年" + half + "优秀政策解读评选"
}

// CanRunRounds reports whether a runs the evaluation: the city office
// (市政务公开办), the city unit's staff with its role.
func CanRunRounds(a auth.Account) bool {
	return a.Role == auth.PublicOfficeCity && a.Unit.Kind == org.City
}

// checkCriteria checks a sheet: 1 to MaxCriteria lines, each with its
// name in Chinese (at most 30 characters), in English (at most 60) and
// a weight of 1 to 100, the weights adding up to 100.
func checkCriteria(cs []Criterion) ([]Criterion, error) {
	var m errs.Multi
	var out []Criterion
	sum := 0
	for i, c := range cs {
		c.Name, c.NameEn = strings.TrimSpace(c.Name), strings.TrimSpace(c.NameEn)
		if c.Name == "" && c.NameEn == "" && c.Weight == 0 {
			continue
		}
		field := fmt.Sprintf("criteria_%d", i)
		switch {
		case c.Name == "" || utf8.RuneCountInString(c.Name) > 30:
			m = append(m, errs.InvalidField(field, "interpret.criterion_name", i+1, 30))
		case c.NameEn == "" || utf8.RuneCountInString(c.NameEn) > 60:
			m = append(m, errs.InvalidField(field, "interpret.criterion_name_en", i+1, 60))
		case c.Weight < 1 || c.Weight > 100:
			m = append(m, errs.InvalidField(field, "interpret.criterion_weight", i+1))
		}
		sum += c.Weight
		out = append(out, c)
	}
	switch {
	case len(m) > 0:
		return nil, m
	case len(out) == 0 || len(out) > MaxCriteria:
		return nil, errs.InvalidField("criteria", "interpret.criteria_count", MaxCriteria)
	case sum != 100:
		return nil, errs.InvalidField("criteria", "interpret.criteria_sum", sum)
	}
	return out, nil
}

// OpenRound opens the round of period (2026H1) with its title ("" for
// the default) and criteria sheet. The period may not start after today;
// a period has one round (Conflict).
func OpenRound(ctx context.Context, tx *db.Tx, a auth.Account, period, title string, criteria []Criterion) (Round, error) {
	if !CanRunRounds(a) {
		return Round{}, errs.New(errs.Forbidden, "interpret.rounds_forbidden")
	}
	period = strings.TrimSpace(period)
	from, _, ok := Span(period)
	var m errs.Multi
	switch {
	case !ok:
		m = append(m, errs.InvalidField("period", "interpret.bad_period", period))
	case from.After(calendar.DateOf(tx.Now().In(calendar.China))):
		m = append(m, errs.InvalidField("period", "interpret.future_period", period))
	}
	if title = strings.TrimSpace(title); title == "" {
		title = PeriodTitle(period)
	} else if utf8.RuneCountInString(title) > maxTitle {
		m = append(m, errs.InvalidField("title", "interpret.title_long", maxTitle))
	}
	cs, err := checkCriteria(criteria)
	if err != nil {
		var more errs.Multi
		if errors.As(err, &more) {
			m = append(m, more...)
		} else {
			m = append(m, errs.As(err))
		}
	}
	if err := m.Err(); err != nil {
		return Round{}, err
	}
	js, _ := json.Marshal(cs)
	rd := Round{Period: period, Title: title, Criteria: cs, Status: RoundOpen, OpenedBy: a.Login, OpenedAt: tx.Now()}
	err = tx.QueryRow(ctx, `INSERT INTO interpret_rounds (period, title, criteria, status, opened_by, opened_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		rd.Period, rd.Title, string(js), rd.Status, rd.OpenedBy, rd.OpenedAt).Scan(&rd.ID)
	if db.IsUniqueViolation(err) {
		return Round{}, &errs.Error{Kind: errs.Conflict, Key: "interpret.round_exists", Args: []any{period}, Field: "period"}
	}
	if err != nil {
		return Round{}, fmt.Errorf("open round: %w", err)
	}
	return rd, audit.Append(ctx, tx, a.Login, "interpret.round_open", "interpret_round", strconv.FormatInt(rd.ID, 10),
		map[string]any{"period": period, "criteria": cs})
}

const roundCols = `id, period, title, criteria, status, opened_by, opened_at, published_by, published_at`

func scanRound(s interface{ Scan(...any) error }) (Round, error) {
	var rd Round
	var criteria string
	var pub sql.NullTime
	if err := s.Scan(&rd.ID, &rd.Period, &rd.Title, &criteria, &rd.Status, &rd.OpenedBy, &rd.OpenedAt, &rd.PublishedBy, &pub); err != nil {
		return rd, err
	}
	rd.PublishedAt = pub.Time
	return rd, json.Unmarshal([]byte(criteria), &rd.Criteria)
}

// RoundByID returns a round, or a NotFound error.
func RoundByID(ctx context.Context, q db.Querier, id int64) (Round, error) {
	rd, err := scanRound(q.QueryRow(ctx, `SELECT `+roundCols+` FROM interpret_rounds WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Round{}, errs.New(errs.NotFound, "interpret.round_not_found", id)
	}
	if err != nil {
		return Round{}, fmt.Errorf("load round: %w", err)
	}
	return rd, nil
}

// Rounds returns the rounds, newest period first: the published ones only
// when published.
func Rounds(ctx context.Context, q db.Querier, published bool) ([]Round, error) {
	where := ""
	var args []any
	if published {
		where, args = ` WHERE status = ?`, []any{RoundPublished}
	}
	rows, err := q.Query(ctx, `SELECT `+roundCols+` FROM interpret_rounds`+where+` ORDER BY period DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list rounds: %w", err)
	}
	defer rows.Close()
	var out []Round
	for rows.Next() {
		rd, err := scanRound(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rd)
	}
	return out, rows.Err()
}

// PublishRound publishes a round's results once every nomination is
// scored: Invalid while some are not or there are none, Conflict when
// published already.
func PublishRound(ctx context.Context, tx *db.Tx, a auth.Account, rd Round) (Round, error) {
	if !CanRunRounds(a) {
		return Round{}, errs.New(errs.Forbidden, "interpret.rounds_forbidden")
	}
	if rd.Status != RoundOpen {
		return Round{}, errs.New(errs.Conflict, "interpret.round_closed")
	}
	ns, err := Nominations(ctx, tx, rd, nil)
	if err != nil {
		return Round{}, err
	}
	unscored := 0
	for _, n := range ns {
		if !n.Scored() {
			unscored++
		}
	}
	switch {
	case len(ns) == 0:
		return Round{}, errs.New(errs.Invalid, "interpret.no_nominations")
	case unscored > 0:
		return Round{}, errs.New(errs.Invalid, "interpret.unscored", unscored)
	}
	rd.Status, rd.PublishedBy, rd.PublishedAt = RoundPublished, a.Login, tx.Now()
	if _, err := tx.Exec(ctx, `UPDATE interpret_rounds SET status = ?, published_by = ?, published_at = ? WHERE id = ?`,
		rd.Status, rd.PublishedBy, rd.PublishedAt, rd.ID); err != nil {
		return Round{}, fmt.Errorf("publish round: %w", err)
	}
	return rd, audit.Append(ctx, tx, a.Login, "interpret.round_publish", "interpret_round", strconv.FormatInt(rd.ID, 10),
		map[string]any{"nominations": len(ns)})
}
