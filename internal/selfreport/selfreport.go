// Package selfreport makes a unit's yearly self-inspection report on its
// disclosure work (政务公开工作自查报告, plan items 六, 八, 十一, 十六, 二十一;
// due to the office above by 5 January): eleven sections, each with
// figures from the data and a text written from them, which the unit's
// staff edit before the report is submitted to the 政务公开办 above, which
// accepts it or returns it with a reason.
//
// Each section's figures come from a source registered under the
// section's key (Sources), so that the capabilities built apart —
// interpretation, public opinion, training, disclosure attributes — plug
// in with one line where the program is wired (internal/app). A section
// without a source shows no figures and says its data is not connected.
package selfreport

import (
	"context"
	"slices"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/report"
)

// The section keys.
const (
	Catalogs       = "catalogs"       // 目录编制和信息加载
	Information    = "information"    // 政府信息主动公开
	Attributes     = "attributes"     // 公开属性标注和评估调整 (plan item 八)
	Participation  = "participation"  // 政民互动和公众参与
	Interpretation = "interpretation" // 政策解读
	Opinion        = "opinion"        // 舆情回应 (plan item 十一)
	Push           = "push"           // 定向推送 (plan item 十六)
	Training       = "training"       // 教育培训 (plan item 二十一)
	Applications   = "applications"   // 依申请公开
	Inspection     = "inspection"     // 网上巡查、整改和任务落实
	Problems       = "problems"       // 存在问题和下一步工作计划
)

// Keys lists the sections in report order.
var Keys = []string{Catalogs, Information, Attributes, Participation, Interpretation, Opinion, Push, Training, Applications, Inspection, Problems}

// SectionSource gives the figures of one section of unit u's report of
// year, and the section's text written from them in Chinese. Figures are
// numbers, booleans, strings or lists of strings, by key; a key has a
// label in the message catalogs as "selfreport.fig.KEY".
type SectionSource func(ctx context.Context, q db.Querier, u org.Unit, year int) (figures map[string]any, text string, err error)

// Sources are the section sources by key. Problems takes none: its
// figures and text come from the other sections.
type Sources map[string]SectionSource

// Section is one section of a report.
//
// A submitted report keeps its sections as this JSON; the report's own
// JSON (MarshalJSON) gives the first four fields only.
type Section struct {
	Key     string         `json:"key"`
	Title   string         `json:"title"` // in Chinese, numbered
	Figures map[string]any `json:"figures"`
	Text    string         `json:"text"`
	// Draft is the text written from the figures; Edited says the staff
	// replaced it, Text being theirs.
	Draft  string `json:"draft"`
	Edited bool   `json:"edited"`
	// Connected says a source gave the figures.
	Connected bool `json:"connected"`
}

// State is where a report stands with the office.
type State string

// The states. A report nobody saved is New.
const (
	New       State = ""
	Draft     State = "draft"
	Submitted State = "submitted"
	Accepted  State = "accepted"
	Returned  State = "returned"
)

// States lists the states in the order of the workflow.
var States = []State{New, Draft, Submitted, Accepted, Returned}

// Editable reports whether a report in state s may be edited and
// submitted.
func (s State) Editable() bool { return s == New || s == Draft || s == Returned }

// Key is the message key of the state's name.
func (s State) Key() string {
	if s == New {
		return "selfreport.state.new"
	}
	return "selfreport.state." + string(s)
}

// Status is what the workflow recorded about a report.
type Status struct {
	State        State
	ReturnReason string
	SubmittedBy  string
	SubmittedAt  time.Time
	DecidedBy    string
	DecidedAt    time.Time
	UpdatedBy    string
	UpdatedAt    time.Time
}

// Report is unit Unit's self-inspection report of Year.
type Report struct {
	Unit     org.Unit
	Year     int
	Sections []Section
	Status   Status
}

// Section returns the section with key, and false if there is none.
func (r Report) Section(key string) (Section, bool) {
	i := slices.IndexFunc(r.Sections, func(s Section) bool { return s.Key == key })
	if i < 0 {
		return Section{}, false
	}
	return r.Sections[i], true
}

// DueDay is when the report of year is due at the office: 5 January of
// the next year (每年1月5日前报送).
func DueDay(year int) calendar.Date {
	return calendar.Date{Year: year + 1, Month: time.January, Day: 5}
}

// Due is the report's due day.
func (r Report) Due() calendar.Date { return DueDay(r.Year) }

// Overdue reports whether the report is still to be submitted after its
// due day, on day today.
func (r Report) Overdue(today calendar.Date) bool {
	return r.Status.State.Editable() && today.After(r.Due())
}

// Late reports whether the report was submitted after its due day.
func (r Report) Late() bool {
	return !r.Status.SubmittedAt.IsZero() && calendar.DateOf(r.Status.SubmittedAt.In(calendar.China)).After(r.Due())
}

// Title is the report's title in lang: "{unit}{year}年政务公开工作自查报告".
func Title(lang i18n.Lang, u org.Unit, year int) string {
	return i18n.T(lang, "selfreport.title", u.Name, year)
}

// SectionTitle is the title of section key in lang.
func SectionTitle(lang i18n.Lang, key string) string { return i18n.T(lang, "selfreport.section."+key) }

// Files reports whether unit u makes a self-inspection report: the units
// that make an annual report (report.Files) except the city government,
// whose office receives them.
func Files(u org.Unit) bool { return report.Files(u) && u.Kind != org.City }

// isOffice reports whether a is a 政务公开办.
func isOffice(a auth.Account) bool {
	return a.Role == auth.PublicOfficeCity || a.Role == auth.PublicOfficeDistrict
}

// CanSee reports whether a may read unit u's reports: anyone whose scope
// holds u — the unit itself and the offices above it.
func CanSee(a auth.Account, u org.Unit) bool { return Files(u) && a.InScope(u) }

// CanEdit reports whether a may edit unit u's report: the unit's editors
// and reviewers, and the office of a government for its own report.
func CanEdit(a auth.Account, u org.Unit) bool {
	if !CanSee(a, u) {
		return false
	}
	return a.Role == auth.UnitEditor || a.Role == auth.UnitReviewer || (isOffice(a) && a.Unit.ID == u.ID)
}

// CanSubmit reports whether a may submit unit u's report: its reviewers
// (单位负责人), and the office of a government for its own.
func CanSubmit(a auth.Account, u org.Unit) bool {
	return CanEdit(a, u) && a.Role != auth.UnitEditor
}

// Office returns the unit whose 政务公开办 receives unit u's report: the
// nearest district or city above it. It returns false for a unit with
// none.
func Office(ctx context.Context, q db.Querier, u org.Unit) (org.Unit, bool, error) {
	anc, err := org.Ancestors(ctx, q, u)
	if err != nil {
		return org.Unit{}, false, err
	}
	for i := len(anc) - 1; i >= 0; i-- {
		if anc[i].Kind == org.District || anc[i].Kind == org.City {
			return anc[i], true, nil
		}
	}
	return org.Unit{}, false, nil
}

// CanReview reports whether a may accept or return unit u's report: an
// office account of the government whose office receives it.
func CanReview(ctx context.Context, q db.Querier, a auth.Account, u org.Unit) (bool, error) {
	if !isOffice(a) || !CanSee(a, u) {
		return false, nil
	}
	o, ok, err := Office(ctx, q, u)
	return ok && o.ID == a.Unit.ID, err
}
