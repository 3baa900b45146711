package foi

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// ImportHeader is the header line an import file starts with, in this
// column order.
var ImportHeader = []string{"id", "unit", "received_date", "applicant_type", "channel", "description", "result", "result_date"}

// Import limits.
const (
	MaxImportBytes  = 20 << 20
	maxImportErrors = 100 // problems listed for one file; the rest are counted
	maxTrackingNo   = 40
)

// ImportedApplicant stands for the applicant of a migrated application:
// the old records' personal data are not carried over.
const ImportedApplicant = "（迁移数据）"

// importRow is a checked line of an import file.
type importRow struct {
	id                                  string
	unit                                org.Unit
	received                            calendar.Date
	applicantType, channel, description string
	result, resultDate                  string
}

// Import loads applications handled before gongkai from a CSV file
// (UTF-8, with or without a byte-order mark) whose header is ImportHeader.
// Each line's id becomes the tracking number. Dates are taken as recorded:
// they must be real dates, not after today, and a reply not before its
// receipt. Applications with a result are stored as replied, the others as
// processing with their clock running from the receipt date; none has a
// query code, so the public status page cannot open them.
//
// Every line is checked first: if any is bad, Import returns an errs.Multi
// naming each problem with its line (the header is line 1) and writes
// nothing. It returns how many applications it stored.
func Import(ctx context.Context, tx *db.Tx, actor string, r io.Reader) (int, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return 0, fmt.Errorf("read import file: %w", err)
	}
	if len(b) > MaxImportBytes {
		return 0, errs.New(errs.Invalid, "table.too_large", MaxImportBytes>>20)
	}
	rows, err := readImport(ctx, tx, bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	if err != nil {
		return 0, err
	}
	for _, row := range rows {
		if err := insertImported(ctx, tx, actor, row); err != nil {
			return 0, err
		}
	}
	return len(rows), audit.Append(ctx, tx, actor, "foi.import", "foi_application", "", map[string]any{"applications": len(rows)})
}

// readImport parses and checks every line of the file.
func readImport(ctx context.Context, tx *db.Tx, b []byte) ([]importRow, error) {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errs.New(errs.Invalid, "import.empty")
	}
	if err != nil {
		return nil, csvError(err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	if !slices.Equal(header, ImportHeader) {
		return nil, errs.New(errs.Invalid, "foi.import.header", strings.Join(ImportHeader, ","))
	}
	c := &importCheck{ctx: ctx, tx: tx, today: today(tx), seen: map[string]int{}, units: map[string]org.Unit{}}
	var rows []importRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The rest of the file cannot be read reliably.
			c.add(csvError(err))
			break
		}
		line, _ := cr.FieldPos(0)
		row, ok, err := c.row(line, rec)
		if err != nil {
			return nil, err
		}
		if ok {
			rows = append(rows, row)
		}
	}
	if c.more > 0 {
		c.problems = append(c.problems, errs.New(errs.Invalid, "foi.import.more", c.more))
	}
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	if len(rows) == 0 {
		return nil, errs.New(errs.Invalid, "import.empty")
	}
	return rows, nil
}

func csvError(err error) *errs.Error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return errs.New(errs.Invalid, "table.bad_csv", pe.Line, pe.Err.Error())
	}
	return errs.New(errs.Invalid, "table.bad_csv", 0, err.Error())
}

// importCheck checks the lines of one file.
type importCheck struct {
	ctx      context.Context
	tx       *db.Tx
	today    calendar.Date
	seen     map[string]int // tracking number → line
	units    map[string]org.Unit
	problems errs.Multi
	more     int // problems beyond maxImportErrors
}

func (c *importCheck) add(e *errs.Error) {
	if len(c.problems) < maxImportErrors {
		c.problems = append(c.problems, e)
	} else {
		c.more++
	}
}

// row checks one line; ok is false if it has problems, which are added to
// c. err is a database failure.
func (c *importCheck) row(line int, rec []string) (row importRow, ok bool, err error) {
	if len(rec) != len(ImportHeader) {
		c.add(errs.New(errs.Invalid, "foi.import.columns", line, len(rec), len(ImportHeader)))
		return row, false, nil
	}
	for _, f := range rec {
		if !utf8.ValidString(f) {
			c.add(errs.New(errs.Invalid, "foi.import.encoding", line))
			return row, false, nil
		}
	}
	n := len(c.problems) + c.more
	bad := func(key string, args ...any) { c.add(errs.New(errs.Invalid, key, append([]any{line}, args...)...)) }
	field := func(i int) string { return strings.TrimSpace(rec[i]) }

	row.id = field(0)
	switch {
	case row.id == "":
		bad("import.line_missing", "id")
	case strings.IndexFunc(row.id, unicode.IsControl) >= 0:
		bad("import.line_bad", "id", shown(row.id))
	case utf8.RuneCountInString(row.id) > maxTrackingNo:
		bad("foi.import.too_long", "id", maxTrackingNo)
	case reservedNo.MatchString(row.id):
		bad("foi.import.reserved", row.id)
	case c.seen[row.id] > 0:
		bad("foi.import.duplicate", row.id, c.seen[row.id])
	default:
		c.seen[row.id] = line
		var one int
		err := c.tx.QueryRow(c.ctx, `SELECT COUNT(*) FROM foi_applications WHERE tracking_no = ?`, row.id).Scan(&one)
		if err != nil {
			return row, false, err
		}
		if one > 0 {
			bad("foi.import.exists", row.id)
		}
	}

	if code := field(1); code == "" {
		bad("import.line_missing", "unit")
	} else if row.unit, err = c.unit(code); errs.KindOf(err) == errs.NotFound || errs.KindOf(err) == errs.Invalid {
		bad("import.line_bad", "unit", shown(code))
	} else if err != nil {
		return row, false, err
	}

	row.received, _ = c.date(line, "received_date", field(2))
	// Say which values are accepted: the old system's words rarely match.
	if row.applicantType = field(3); !oneOf(ApplicantTypes, row.applicantType) {
		bad("foi.import.choice", "applicant_type", shown(row.applicantType), strings.Join(ApplicantTypes, ", "))
	}
	if row.channel = field(4); !oneOf(Channels, row.channel) {
		bad("foi.import.choice", "channel", shown(row.channel), strings.Join(Channels, ", "))
	}
	switch row.description = clean(rec[5]); {
	case row.description == "":
		bad("import.line_missing", "description")
	case utf8.RuneCountInString(row.description) > maxDescription:
		bad("foi.import.too_long", "description", maxDescription)
	}

	row.result = field(6)
	switch {
	case row.result == "" && field(7) != "":
		bad("foi.import.date_without_result")
	case row.result == "":
	case !ValidResult(row.result):
		bad("import.line_bad", "result", shown(row.result))
	default:
		d, ok := c.date(line, "result_date", field(7))
		if ok && !row.received.IsZero() && d.Before(row.received) {
			bad("foi.import.result_before", d.String(), row.received.String())
		}
		row.resultDate = d.String()
	}
	return row, len(c.problems)+c.more == n, nil
}

// unit returns the unit with code, looked up once per file. A code that
// cannot be a unit's is not looked up: a failed query would end a
// PostgreSQL transaction.
func (c *importCheck) unit(code string) (org.Unit, error) {
	if u, ok := c.units[code]; ok {
		return u, nil
	}
	if err := org.ValidateCode(code); err != nil {
		return org.Unit{}, err
	}
	u, err := org.ByCode(c.ctx, c.tx, code)
	if err == nil {
		c.units[code] = u
	}
	return u, err
}

// date parses a required date column: a real date, not after today. ok is
// false if it is missing or bad, which is added to c's problems.
func (c *importCheck) date(line int, col, s string) (d calendar.Date, ok bool) {
	if s == "" {
		c.add(errs.New(errs.Invalid, "import.line_missing", line, col))
		return d, false
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		c.add(errs.New(errs.Invalid, "foi.import.date", line, col, shown(s)))
		return d, false
	}
	if d.After(c.today) {
		c.add(errs.New(errs.Invalid, "foi.import.future", line, col, d.String()))
		return d, false
	}
	return d, true
}

// shown is a value as a message shows it: control characters escaped and
// at most 40 characters.
func shown(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

// insertImported stores one checked line.
func insertImported(ctx context.Context, tx *db.Tx, actor string, row importRow) error {
	status := StatusProcessing
	if row.result != "" {
		status = StatusReplied
	}
	received := row.received.String()
	sub := time.Date(row.received.Year, row.received.Month, row.received.Day, 0, 0, 0, 0, calendar.China).UTC()
	const note = "迁移数据：收到申请之日、办理结果和办结日期按原系统记录"
	now := tx.Now()
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO foi_applications (tracking_no, unit_id, applicant_type, applicant_name, description, channel, submitted_at,
		received_date, receipt_note, status, clock_start, result, result_date, imported, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		row.id, row.unit.ID, row.applicantType, ImportedApplicant, row.description, row.channel, sub,
		received, note, status, received, row.result, row.resultDate, true, actor, now, now).Scan(&id)
	if err != nil {
		return fmt.Errorf("import application %s: %w", row.id, err)
	}
	return event(ctx, tx, id, actor, "imported", received, note)
}
