// Package attrs is the management of disclosure attributes (公开属性, plan
// item 八): the offices' spot checks of whether units proposed an attribute
// when drafting a document and marked it when issuing it (抽查, from
// October), and the July review (每年7月评估调整) in which the drafting
// units propose, for the documents of two years before that were not
// disclosed proactively or are now invalid, to keep them so, disclose
// them or mark them invalid, and the office confirms and publishes the
// outcome. It knows nothing of HTTP: the console, the portal, the API and
// the command line call the same functions.
package attrs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// Answers a checker gives; empty until the document is checked.
const (
	Yes = "yes"
	No  = "no"
)

// Bounds of what people write.
const (
	maxNote     = 1000
	maxApprover = 50
	// FirstYear is the earliest year a check or review may be opened for.
	FirstYear = 2000
)

// IsOffice reports whether a runs the programme for its subtree: the city
// or a district office (市/区政务公开办), which opens spot checks and
// reviews, records checks and confirms proposals.
func IsOffice(a auth.Account) bool {
	return a.Role == auth.PublicOfficeCity || a.Role == auth.PublicOfficeDistrict
}

// IsUnitStaff reports whether a works for a unit's own documents: its
// editors and reviewers, who see the checks and reviews of those
// documents and propose for them in a review.
func IsUnitStaff(a auth.Account) bool {
	return a.Role == auth.UnitEditor || a.Role == auth.UnitReviewer
}

// MayUse reports whether a has anything to do here at all.
func MayUse(a auth.Account) bool { return IsOffice(a) || IsUnitStaff(a) }

// Doc is what a check or a review shows of a document (an information
// record).
type Doc struct {
	ID              int64
	IndexNo         string
	Title           string
	DocNumber       string
	WrittenDate     string
	Attribute       string
	AttributeReason string
	Validity        string
	ValidityDate    string
	Status          info.Status
}

// Public reports whether the document is on the portal.
func (d Doc) Public() bool { return d.Status == info.Published }

// docCols are the columns of a Doc, of info_records r.
const docCols = `r.id, r.index_no, r.title, r.doc_number, r.written_date, r.attribute, r.attribute_reason, r.validity, r.validity_date, r.status`

func scanDoc(dst []any, d *Doc) []any {
	return append(dst, &d.ID, &d.IndexNo, &d.Title, &d.DocNumber, &d.WrittenDate, &d.Attribute, &d.AttributeReason, &d.Validity, &d.ValidityDate, &d.Status)
}

// issued is the condition on info_records r of documents a unit issued:
// approved (a document not disclosed proactively stays there) or
// published; drafts were not issued, withdrawn ones are no longer.
const issued = `r.status IN ('approved', 'published')`

// yearOf reads a year as forms and flags give it: a number from FirstYear
// to the current year (in China at now). It returns an Invalid error on
// field.
func yearOf(field, s string, now time.Time) (int, error) {
	y, err := strconv.Atoi(strings.TrimSpace(s))
	last := now.In(calendar.China).Year()
	if err != nil || y < FirstYear || y > last {
		return 0, errs.InvalidField(field, "attrs.bad_year", strings.TrimSpace(s), FirstYear, last)
	}
	return y, nil
}

// ParseYear reads the year of a check or a review, from FirstYear to the
// current year at now. It returns an Invalid error on field "year".
func ParseYear(s string, now time.Time) (int, error) { return yearOf("year", s, now) }

// cleanNote trims a note and checks its length, returning an Invalid error
// on field.
func cleanNote(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxNote {
		return s, errs.InvalidField(field, "attrs.too_long", errs.Msg("attrs.field."+field), maxNote)
	}
	return s, nil
}

// dayOf checks a day (YYYY-MM-DD) that must not be after today, returning
// an Invalid error on field.
func dayOf(field, s string, today calendar.Date) (string, error) {
	s = strings.TrimSpace(s)
	d, err := calendar.ParseDate(s)
	if err != nil {
		return s, errs.InvalidField(field, "attrs.bad_date", errs.Msg("attrs.field."+field))
	}
	if d.After(today) {
		return s, errs.InvalidField(field, "attrs.future_date", errs.Msg("attrs.field."+field))
	}
	return s, nil
}

// today is the day in China at the transaction's time.
func today(tx *db.Tx) calendar.Date { return calendar.DateOf(tx.Now().In(calendar.China)) }

// unitsOf loads the units of ids once each.
func unitsOf(ctx context.Context, q db.Querier, ids []int64) (map[int64]org.Unit, error) {
	m := org.NewMemo(q)
	out := map[int64]org.Unit{}
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		u, err := m.ByID(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("load unit %d: %w", id, err)
		}
		out[id] = u
	}
	return out, nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// percent is part of whole in whole percents, rounded down; 0 of nothing.
func percent(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return part * 100 / whole
}
