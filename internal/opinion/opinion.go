// Package opinion runs the response to public opinion (舆情回应, plan item
// 十一 of the Guangzhou plan; 穗府办函〔2015〕106号 and 〔2018〕169号): an
// office (市/区政务公开办) registers an item it found — its source, level,
// summary and the policy or project it concerns — assigns it to units under
// it with due dates in working days, records leaders' instructions (批示),
// urges a unit that has not answered (督办) through the push outbox, and
// closes the item with a conclusion; each assigned unit records its
// response. The office may publish the handling on the portal, personal
// data masked. Overdue parts join the dashboards and the daily reminders,
// and the month's items are summarized for the leaders.
//
// It knows no HTTP: the console, the portal, the API and the command line
// call the functions here.
package opinion

import (
	"slices"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/foi"
	"gongkai/internal/org"
)

// Sources of an item: where the office found it.
const (
	Online    = "online"    // 网络媒体
	Press     = "press"     // 报刊
	Broadcast = "broadcast" // 广播电视
	Hotline   = "hotline"   // 12345热线
	Netizen   = "netizen"   // 网民留言
	Other     = "other"     // 其他
)

// Sources lists them in the form's order.
var Sources = []string{Online, Press, Broadcast, Hotline, Netizen, Other}

// Levels of an item, from the lightest.
const (
	General     = "general"     // 一般
	Significant = "significant" // 较大
	Major       = "major"       // 重大
)

// Levels lists them from the lightest.
var Levels = []string{General, Significant, Major}

// DefaultDays is the working days a unit has to respond to an item of each
// level unless the office sets another due date: the graver, the sooner.
var DefaultDays = map[string]int{Major: 1, Significant: 3, General: 5}

// States of an item: registered, assigned to units, responded by every
// unit it was assigned to, closed by the office.
const (
	Registered = "registered"
	Assigned   = "assigned"
	Responded  = "responded"
	Closed     = "closed"
)

// States lists them in the order of the workflow.
var States = []string{Registered, Assigned, Responded, Closed}

// Field limits in characters.
const (
	maxTitle    = 100
	maxSummary  = 3000
	maxProject  = 200
	maxLeader   = 50
	maxText     = 3000
	maxResponse = 5000
	maxNote     = 500
	maxLink     = 500
)

// Item is one public-opinion item.
type Item struct {
	ID int64
	// Office is the unit of the office that registered the item: every
	// office whose subtree holds it manages the item.
	Office   org.Unit
	Title    string
	Source   string
	Level    string
	Summary  string
	PolicyID int64  // the information record the item concerns; 0 for none
	Project  string // the project it concerns (重大项目), as typed
	FoundAt  time.Time
	// FoundDate is the day in China it was found, which month it counts in.
	FoundDate   string
	State       string
	Conclusion  string
	ClosedDate  string
	ClosedBy    string
	Published   bool
	PublishedAt time.Time
	PublishedBy string
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time

	Parts        []Assignment
	Instructions []Instruction
	Urges        []UrgeNotice
}

// Assignment is one unit's part of an item (交办).
type Assignment struct {
	ID         int64
	ItemID     int64
	Unit       org.Unit
	Assigned   calendar.Date // the day it was given
	Due        calendar.Date
	Days       int // the working days counted from Assigned; 0 when the office typed the due date
	AssignedBy string
	// Responded is set once the unit recorded its response.
	Responded   bool
	Handling    string // what was done (处置情况)
	Response    string // the response to the public (回应内容)
	Link        string // where the response was published
	RespondedOn string // the day of the first response
	RespondedBy string
	UpdatedAt   time.Time
}

// Open reports whether the unit still has to respond.
func (as Assignment) Open() bool { return !as.Responded }

// Overdue reports whether the part is still open after its due date on day
// today.
func (as Assignment) Overdue(today calendar.Date) bool { return as.Open() && as.Due.Before(today) }

// OnTime reports whether the response came by the due date.
func (as Assignment) OnTime() bool {
	return as.Responded && as.RespondedOn <= as.Due.String()
}

// Instruction is a leader's instruction on an item (领导批示).
type Instruction struct {
	ID         int64
	Leader     string
	Day        string
	Text       string
	RecordedBy string
	RecordedAt time.Time
}

// UrgeNotice is an urge notice (督办) an office sent about a unit's part.
type UrgeNotice struct {
	ID         int64
	PartID     int64
	Unit       org.Unit
	Note       string
	Recipients []string // the addresses queued; none while mail is off
	SentBy     string
	Day        string
}

// Pending returns the parts whose units have not responded.
func (it Item) Pending() []Assignment {
	var out []Assignment
	for _, as := range it.Parts {
		if as.Open() {
			out = append(out, as)
		}
	}
	return out
}

// Part returns the part with id, and false when the item has none.
func (it Item) Part(id int64) (Assignment, bool) {
	i := slices.IndexFunc(it.Parts, func(as Assignment) bool { return as.ID == id })
	if i < 0 {
		return Assignment{}, false
	}
	return it.Parts[i], true
}

// Publishable reports whether there is handling to publish: a response, or
// a conclusion.
func (it Item) Publishable() bool {
	return it.State == Closed || slices.ContainsFunc(it.Parts, func(as Assignment) bool { return as.Responded })
}

// IsOffice reports whether a is a 政务公开办, which registers and manages
// items within its unit subtree.
func IsOffice(a auth.Account) bool {
	return a.Role == auth.PublicOfficeCity || a.Role == auth.PublicOfficeDistrict
}

// Manages reports whether a manages it: an office whose subtree holds the
// office that registered it.
func Manages(a auth.Account, it Item) bool { return IsOffice(a) && a.InScope(it.Office) }

// takesPart reports whether a's role may work on parts of items: the
// units' staff and the offices. Domain supervisors and administrators
// have no part in the handling.
func takesPart(a auth.Account) bool {
	switch a.Role {
	case auth.UnitEditor, auth.UnitReviewer, auth.PublicOfficeCity, auth.PublicOfficeDistrict:
		return true
	}
	return false
}

// MayOpen reports whether a has a list of items at all.
func MayOpen(a auth.Account) bool { return takesPart(a) }

// SeesPart reports whether a sees part as of item it: the offices that
// manage the item see every part, the staff of a unit those of units in
// their subtree.
func SeesPart(a auth.Account, it Item, as Assignment) bool {
	return Manages(a, it) || (takesPart(a) && a.InScope(as.Unit))
}

// Sees reports whether a may open item it: it manages it, or a part of it
// is for a unit in a's subtree.
func Sees(a auth.Account, it Item) bool {
	return Manages(a, it) || slices.ContainsFunc(it.Parts, func(as Assignment) bool { return SeesPart(a, it, as) })
}

// Responds reports whether a records the response of part as: the editors
// and reviewers of the unit or of one above it, or the office whose own
// unit it is (a district given an item by the city). An office does not
// answer for the units it assigned.
func Responds(a auth.Account, as Assignment) bool {
	if !a.InScope(as.Unit) {
		return false
	}
	return a.Role == auth.UnitEditor || a.Role == auth.UnitReviewer || (IsOffice(a) && a.Unit.ID == as.Unit.ID)
}

// For returns the item as a sees it: the parts, and the urges about them,
// of units in a's view only.
func (it Item) For(a auth.Account) Item {
	if Manages(a, it) {
		return it
	}
	out := it
	out.Parts = slices.DeleteFunc(slices.Clone(it.Parts), func(as Assignment) bool { return !SeesPart(a, it, as) })
	out.Urges = slices.DeleteFunc(slices.Clone(it.Urges), func(u UrgeNotice) bool {
		_, ok := out.Part(u.PartID)
		return !ok
	})
	return out
}

// ValidSource, ValidLevel and ValidState report whether s is one.
func ValidSource(s string) bool { return slices.Contains(Sources, s) }
func ValidLevel(s string) bool  { return slices.Contains(Levels, s) }
func ValidState(s string) bool  { return slices.Contains(States, s) }

// clean and oneLine clean what staff type by the rules of every form
// (foi.Clean, foi.OneLine).
func clean(s string) string   { return foi.Clean(s) }
func oneLine(s string) string { return foi.OneLine(s) }

func today(now time.Time) calendar.Date { return calendar.DateOf(now.In(calendar.China)) }
