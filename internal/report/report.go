// Package report builds the statutory annual report on government
// information disclosure (政府信息公开工作年度报告) in the format of
// 国办公开办函〔2021〕30号: six sections, three of them with tables computed
// from the unit's information records and applications for disclosure,
// staff-entered texts and figures, the check of table 3, writers for JSON,
// HTML and XLSX, and publication in the unit's 年报 column.
package report

import (
	"slices"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// FirstYear is the first year a report can be made for: the 条例 took
// effect on 1 May 2008.
const FirstYear = 2008

// Report is one unit's annual report for one year.
type Report struct {
	Unit   org.Unit
	Year   int
	Texts  Texts
	Table2 Table2
	Table3 Table3
	Table4 Table4
	// Status says whether and when the report was saved and published; it
	// is not part of the report's content.
	Status Status
}

// Status is what the console shows about a report's stored inputs and
// publication.
type Status struct {
	UpdatedBy   string
	UpdatedAt   time.Time
	PublishedBy string
	PublishedAt time.Time // zero while unpublished
	RecordID    int64     // the info record in the 年报 column, 0 while unpublished
}

// Texts are the report's texts entered by staff: sections 一, 五 and 六,
// and optional commentary for the tables of sections 二 to 四.
type Texts struct {
	Overview  string `json:"overview"`  // 一、总体情况
	Proactive string `json:"proactive"` // 二、主动公开政府信息情况 (commentary)
	Requests  string `json:"requests"`  // 三、收到和处理政府信息公开申请情况 (commentary)
	Appeals   string `json:"appeals"`   // 四、政府信息公开行政复议、行政诉讼情况 (commentary)
	Problems  string `json:"problems"`  // 五、存在的主要问题及改进情况
	Other     string `json:"other"`     // 六、其他需要报告的事项
}

// Sections lists the section keys in report order; each is also the key
// of its text and of its form field.
var Sections = []string{"overview", "proactive", "requests", "appeals", "problems", "other"}

// required are the sections staff must write before publishing.
var required = []string{"overview", "problems", "other"}

// field returns a pointer to the text of section key.
func (t *Texts) field(key string) *string {
	switch key {
	case "overview":
		return &t.Overview
	case "proactive":
		return &t.Proactive
	case "requests":
		return &t.Requests
	case "appeals":
		return &t.Appeals
	case "problems":
		return &t.Problems
	case "other":
		return &t.Other
	}
	panic("report: no section " + key)
}

// Text returns the text of section key.
func (t Texts) Text(key string) string { return *t.field(key) }

// SectionKey is the message key of a section's title.
func SectionKey(key string) string { return "report.section." + key }

// Columns are the columns of table 3: the applicant types, then the total.
var Columns = append(slices.Clone(foi.ApplicantTypes), "total")

// Counts holds one row of table 3, a value per column.
type Counts []int

// Row keys of table 3 besides the results of foi.
const (
	NewReceived    = "new_received"    // 一、本年新收政府信息公开申请数量
	CarriedOver    = "carried_over"    // 二、上年结转政府信息公开申请数量
	TotalProcessed = "total_processed" // 三（七）总计
	CarriedForward = "carried_forward" // 四、结转下年度继续办理
)

// Rows are the row keys of table 3 in table order.
var Rows = slices.Concat([]string{NewReceived, CarriedOver}, foi.Results, []string{TotalProcessed, CarriedForward})

// RowKey is the message key of a row's label in table 3.
func RowKey(row string) string { return "report.t3." + row }

// ColumnKey is the message key of a column's label in table 3.
func ColumnKey(col string) string { return "report.col." + col }

// Table3 is 收到和处理政府信息公开申请情况.
type Table3 struct {
	Columns []string `json:"columns"`
	Rows    []Row    `json:"rows"`
}

// Row is a row of table 3.
type Row struct {
	Key    string `json:"key"`
	Values Counts `json:"values"`
}

// newTable3 returns table 3 with every row at zero.
func newTable3() Table3 {
	t := Table3{Columns: Columns}
	for _, k := range Rows {
		t.Rows = append(t.Rows, Row{Key: k, Values: make(Counts, len(Columns))})
	}
	return t
}

// Row returns the values of row key; nil if the table has no such row.
func (t Table3) Row(key string) Counts {
	for _, r := range t.Rows {
		if r.Key == key {
			return r.Values
		}
	}
	return nil
}

// Check tests 一 + 二 = 三（七）+ 四 for every column and returns the keys
// of the columns where it fails, in table order; none when it holds.
func (r Report) Check() []string {
	t := r.Table3
	in, over, done, forward := t.Row(NewReceived), t.Row(CarriedOver), t.Row(TotalProcessed), t.Row(CarriedForward)
	var failing []string
	for i, col := range Columns {
		if in[i]+over[i] != done[i]+forward[i] {
			failing = append(failing, col)
		}
	}
	return failing
}

// Table2 is 主动公开政府信息情况.
type Table2 struct {
	Regulations Documents `json:"regulations"`         // 规章
	Normative   Documents `json:"normative_documents"` // 行政规范性文件
	Figures
}

// Documents counts a kind of document (第二十条第（一）项).
type Documents struct {
	Made     int `json:"made"`     // 本年制发件数
	Repealed int `json:"repealed"` // 本年废止件数
	InForce  int `json:"in_force"` // 现行有效件数
}

// Figures are the figures of table 2 that come from other systems and are
// entered by staff.
type Figures struct {
	Licensing   int `json:"licensing"`   // 行政许可 本年处理决定数量
	Penalty     int `json:"penalty"`     // 行政处罚 本年处理决定数量
	Enforcement int `json:"enforcement"` // 行政强制 本年处理决定数量
	// Fees is 行政事业性收费 本年收费金额 in units of 10,000 yuan (万元), a
	// decimal with at most 4 places, kept exact as written.
	Fees Amount `json:"fees"`
}

// Table4 is 政府信息公开行政复议、行政诉讼情况: per appeal kind, the
// outcomes and their total.
type Table4 struct {
	Columns         []string `json:"columns"`
	Review          []int    `json:"review"`            // 行政复议
	SuitDirect      []int    `json:"suit_direct"`       // 行政诉讼 未经复议直接起诉
	SuitAfterReview []int    `json:"suit_after_review"` // 行政诉讼 复议后起诉
}

// Table4Columns are the columns of each group of table 4.
var Table4Columns = append(slices.Clone(foi.Outcomes), "total")

func newTable4() Table4 {
	n := len(Table4Columns)
	return Table4{Columns: Table4Columns, Review: make([]int, n), SuitDirect: make([]int, n), SuitAfterReview: make([]int, n)}
}

// group returns the counts of an appeal kind.
func (t Table4) group(kind string) []int {
	switch kind {
	case foi.Review:
		return t.Review
	case foi.SuitDirect:
		return t.SuitDirect
	case foi.SuitAfterReview:
		return t.SuitAfterReview
	}
	return nil
}

// Files reports whether unit u makes an annual report: governments and
// their departments, towns and streets; villages, communities and public
// institutions do not.
func Files(u org.Unit) bool {
	switch u.Kind {
	case org.City, org.CityDepartment, org.District, org.DistrictDepartment, org.Town, org.Street:
		return true
	}
	return false
}

// CanEdit reports whether a may see and fill in unit u's reports: the
// unit's editors and reviewers, the offices above it and administrators.
func CanEdit(a auth.Account, u org.Unit) bool { return a.Writes(u) && Files(u) }

// CanPublish reports whether a may publish unit u's reports: those who
// approve its publications, never an editor.
func CanPublish(a auth.Account, u org.Unit) bool { return info.CanApprove(a, u) && Files(u) }

// ValidYear checks that year is one a report can be made for at time now:
// from FirstYear to the current year in China.
func ValidYear(year int, now time.Time) error {
	if last := now.In(calendar.China).Year(); year < FirstYear || year > last {
		return errs.InvalidField("year", "report.year_invalid", FirstYear, last)
	}
	return nil
}

// Title is the title of unit u's report for year in lang: in Chinese
// "{unit name}{year}年政府信息公开工作年度报告".
func Title(lang i18n.Lang, u org.Unit, year int) string {
	return i18n.T(lang, "report.title", u.Name, year)
}
