package report

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Input is what staff enter for a year's report: the texts, and the figures
// of table 2 from other systems as they were typed.
type Input struct {
	Texts       Texts
	Licensing   string // 行政许可 本年处理决定数量
	Penalty     string // 行政处罚 本年处理决定数量
	Enforcement string // 行政强制 本年处理决定数量
	Fees        string // 行政事业性收费 本年收费金额（万元）
}

// FigureFields are the form fields of the figures, in table order.
var FigureFields = []string{"licensing", "penalty", "enforcement", "fees"}

// Limits on the texts, in characters.
const (
	MaxText    = 20000 // a section staff write (一、五、六)
	MaxComment = 5000  // commentary on a table (二、三、四)
	maxCount   = 999999999
)

// Amount is a sum in units of 10,000 yuan (万元): a decimal of at most 4
// places kept exactly as text, written to JSON as a number.
type Amount string

var amountRE = regexp.MustCompile(`^([0-9]{1,9})(\.[0-9]{1,4})?$`)

// ParseAmount reads a non-negative amount of at most 4 decimal places;
// empty means 0. It reports false for anything else.
func ParseAmount(s string) (Amount, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "0", true
	}
	m := amountRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	whole, _ := strconv.Atoi(m[1])
	return Amount(strconv.Itoa(whole) + m[2]), true
}

// String returns the amount, "0" when unset.
func (a Amount) String() string {
	if a == "" {
		return "0"
	}
	return string(a)
}

// MarshalJSON writes the amount as a JSON number.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalJSON reads an amount written as a JSON number.
func (a *Amount) UnmarshalJSON(b []byte) error {
	v, ok := ParseAmount(string(b))
	if !ok {
		return fmt.Errorf("report: bad amount %s", b)
	}
	*a = v
	return nil
}

// parseCount reads a count of decisions; empty means 0.
func parseCount(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	if strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 || len(s) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= maxCount
}

// cleanText trims a text, keeps line breaks as \n and drops other control
// characters.
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s))
}

// parse checks the input and returns it cleaned, with every problem at
// once, each naming its form field.
func (in Input) parse() (Texts, Figures, errs.Multi) {
	var m errs.Multi
	var t Texts
	for _, k := range Sections {
		s, limit := cleanText(in.Texts.Text(k)), MaxComment
		if slices.Contains(required, k) {
			limit = MaxText
		}
		if utf8.RuneCountInString(s) > limit {
			m = append(m, errs.InvalidField(k, "report.text_too_long", errs.Msg(SectionKey(k)), limit))
		}
		*t.field(k) = s
	}
	var f Figures
	for _, c := range []struct {
		field, typed string
		n            *int
	}{{"licensing", in.Licensing, &f.Licensing}, {"penalty", in.Penalty, &f.Penalty}, {"enforcement", in.Enforcement, &f.Enforcement}} {
		n, ok := parseCount(c.typed)
		if !ok {
			m = append(m, errs.InvalidField(c.field, "report.count_invalid"))
		}
		*c.n = n
	}
	fees, ok := ParseAmount(in.Fees)
	if !ok {
		m = append(m, errs.InvalidField("fees", "report.amount_invalid"))
	}
	f.Fees = fees
	return t, f, m
}

// InputOf returns the input that gives report r's texts and figures, to
// fill a form.
func InputOf(r Report) Input {
	f := r.Table2.Figures
	return Input{Texts: r.Texts, Licensing: strconv.Itoa(f.Licensing), Penalty: strconv.Itoa(f.Penalty),
		Enforcement: strconv.Itoa(f.Enforcement), Fees: f.Fees.String()}
}

// SaveInputs checks and saves the texts and figures staff entered for
// unit u's report of year; a published report keeps what was published
// until it is published again. It returns every problem of the input at
// once, each naming its form field, and a Forbidden error if a may not
// edit the unit's reports.
func SaveInputs(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, year int, in Input) error {
	if !CanEdit(a, u) {
		return errs.New(errs.Forbidden, "report.forbidden")
	}
	if err := ValidYear(year, tx.Now()); err != nil {
		return err
	}
	texts, figures, m := in.parse()
	if len(m) > 0 {
		return m
	}
	tj, err := json.Marshal(texts)
	if err != nil {
		return err
	}
	fj, err := json.Marshal(figures)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO annual_reports (unit_id, year, texts, figures, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (unit_id, year) DO UPDATE SET texts = excluded.texts, figures = excluded.figures, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		u.ID, year, string(tj), string(fj), a.Login, tx.Now()); err != nil {
		return fmt.Errorf("save report %s: %w", key(u, year), err)
	}
	return audit.Append(ctx, tx, a.Login, "report.save", "annual_report", key(u, year), map[string]any{"figures": figures})
}
