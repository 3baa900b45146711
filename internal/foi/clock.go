package foi

import (
	"errors"
	"fmt"
	"slices"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// weeks lets the clocks run into a year whose holidays are not loaded yet
// (in December, the next year's notice may not be out), counting it as
// plain weeks; Steps and Urgency say so where a date rests on it.
func weeks(cal *calendar.Calendar) *calendar.Calendar { return cal.AssumeWeekends() }

// Clock returns the reply period as a statutory clock: 20 working days
// from the receipt date, or from the day the corrected application arrived
// (条例第三十条: 答复期限自行政机关收到补正的申请之日起计算), plus the
// extension, stopped by consultations and the fee notice. ok is false while
// the clock has not started: pending confirmation of receipt, or waiting
// for a correction.
func (a Application) Clock() (c calendar.Clock, ok bool, err error) {
	if a.ClockStart == "" || (a.Correction.Date != "" && a.Correction.Corrected == "") {
		return calendar.Clock{}, false, nil
	}
	start, err := calendar.ParseDate(a.ClockStart)
	if err != nil {
		return calendar.Clock{}, false, err
	}
	c = calendar.Clock{Start: start, Days: ReplyDays + a.Extension.Days}
	for _, p := range a.Pauses {
		from, err := calendar.ParseDate(p.From)
		if err != nil {
			return calendar.Clock{}, false, err
		}
		cp := calendar.Pause{From: from, Reason: pauseReason(p).In(i18n.Zh), Why: pauseReason(p)}
		if p.To != "" {
			if cp.To, err = calendar.ParseDate(p.To); err != nil {
				return calendar.Clock{}, false, err
			}
		}
		c.Pauses = append(c.Pauses, cp)
	}
	return c, true, nil
}

func pauseReason(p Pause) i18n.Text {
	switch p.Kind {
	case ThirdParty:
		if p.Party == "" {
			// The applicant does not learn who was consulted.
			return i18n.Text{Key: "foi.pause.third_party_unnamed"}
		}
		return i18n.Text{Key: "foi.pause.third_party", Args: []any{p.Party}}
	case Agency:
		return i18n.Text{Key: "foi.pause.agency", Args: []any{p.Party}}
	case FeePause:
		return i18n.Text{Key: "foi.pause.fee"}
	}
	return i18n.Text{Key: "clock.reason", Args: []any{p.Kind}}
}

// Deadline returns the last day to reply, or the zero Date with ok false
// while the clock has not started or an open pause stops it.
func (a Application) Deadline(cal *calendar.Calendar) (d calendar.Date, ok bool, err error) {
	cal = weeks(cal)
	c, started, err := a.Clock()
	if err != nil || !started {
		return calendar.Date{}, false, err
	}
	d, err = c.Deadline(cal)
	if errors.Is(err, calendar.ErrPaused) {
		return calendar.Date{}, false, nil
	}
	return d, err == nil, err
}

// Step is a line of an application's date computations, for display.
type Step struct {
	Date string `json:"date"`
	Text string `json:"text"` // in Chinese, as the law states it
	// Say is the message Text was built from, to say it in another language.
	Say i18n.Text `json:"-"`
}

// step builds a Step from a message, its Text in Chinese.
func step(d, key string, args ...any) Step {
	return Step{Date: d, Text: i18n.T(i18n.Zh, key, args...), Say: i18n.Text{Key: key, Args: args}}
}

// Steps explains every date of the application step by step: the receipt,
// the correction and its period, each pause, the extension and the reply
// deadline, in Chinese as the law states them.
func (a Application) Steps(cal *calendar.Calendar) []Step {
	cal = weeks(cal)
	out := a.steps(cal)
	for _, st := range out {
		if d, err := calendar.ParseDate(st.Date); err == nil && cal.Assumed(d) {
			out = append(out, step(st.Date, "foi.step.assumed", d.Year))
			break
		}
	}
	return out
}

func (a Application) steps(cal *calendar.Calendar) []Step {
	var out []Step
	add := func(d, key string, args ...any) { out = append(out, step(d, key, args...)) }
	if a.ReceivedDate == "" {
		add(a.SubmittedAt.In(calendar.China).Format("2006-01-02"), "foi.step.submitted")
		return out
	}
	add(a.ReceivedDate, "foi.step.received", a.ReceiptNote)
	if c := a.Correction; c.Date != "" {
		limit := ""
		if rd, err := calendar.ParseDate(a.ReceivedDate); err == nil {
			if d, err := cal.AddWorkdays(rd, CorrectionWithin); err == nil {
				limit = d.String()
			}
		}
		add(c.Date, "foi.step.correction", CorrectionWithin, limit, c.Days, c.Due)
		if c.Corrected != "" {
			add(c.Corrected, "foi.step.corrected")
		} else if a.Result == OtherNoCorrection {
			add(a.ResultDate, "foi.step.abandoned")
			return out
		} else {
			add(c.Due, "foi.step.correction_due")
			return out
		}
	}
	for _, p := range a.Pauses {
		switch p.Kind {
		case FeePause:
			add(p.From, "foi.step.fee", feeModeText(a.Fee.Mode), a.Fee.Count, a.Fee.Amount, FeePaymentDays, p.Due)
		default:
			add(p.From, "foi.step.consult", pauseReason(p), ConsultationDays, p.Due)
		}
		if p.To != "" {
			add(p.To, "foi.step.pause_end", pauseReason(p), outcomeText(p))
		}
	}
	if e := a.Extension; e.Days > 0 {
		add(e.Date, "foi.step.extension", e.Approver, e.Days, e.Reason)
	}
	c, started, err := a.Clock()
	if err == nil && started {
		steps, err := c.Steps(cal)
		if err == nil || errors.Is(err, calendar.ErrPaused) {
			for _, s := range steps {
				add(s.Date.String(), "foi.step.clock", s.Say)
			}
		}
	}
	if a.Result != "" {
		add(a.ResultDate, "foi.step.replied")
	}
	if a.DeliveredDate != "" {
		add(a.DeliveredDate, "foi.step.delivered", a.DeliveryNote)
	}
	return out
}

// PublicSteps are the steps as the applicant sees them: a third party
// consulted is not named.
func (a Application) PublicSteps(cal *calendar.Calendar) []Step {
	a.Pauses = slices.Clone(a.Pauses)
	for i := range a.Pauses {
		if a.Pauses[i].Kind == ThirdParty {
			a.Pauses[i].Party = ""
		}
	}
	return a.Steps(cal)
}

func feeModeText(mode string) errs.Msg {
	if mode == "page" {
		return "foi.fee_unit.page"
	}
	return "foi.fee_unit.item"
}

func outcomeText(p Pause) any {
	switch p.Outcome {
	case "agree", "object", "silent", "paid", "waived", "unpaid":
		return errs.Msg("foi.outcome." + p.Outcome)
	}
	return p.Outcome
}

// Urgency says how an open application stands against its dates on a day.
type Urgency struct {
	// What is due: "reply", "correction" (the applicant's), "consultation"
	// (the other party's), "fee" (the applicant's payment) or "receipt"
	// (an online application to confirm).
	What string `json:"what"`
	Due  string `json:"due,omitempty"` // the day it is due; empty if not known
	Left int    `json:"left"`          // working days left; negative when overdue
	// Assumed is set when Due lies in a year whose holidays are not loaded
	// and was counted as plain weeks.
	Assumed bool `json:"assumed,omitempty"`
}

// DueSoonDays is how close a reply deadline counts as due soon.
const DueSoonDays = 3

// Overdue reports whether the date has passed.
func (u Urgency) Overdue() bool { return u.Due != "" && u.Left < 0 }

// Late returns how many working days overdue the date is.
func (u Urgency) Late() int { return -u.Left }

// Soon reports whether the date is within DueSoonDays working days.
func (u Urgency) Soon() bool { return u.Due != "" && u.Left >= 0 && u.Left <= DueSoonDays }

// UrgencyOn returns what the open application waits for on day today and
// how many working days are left for it.
func (a Application) UrgencyOn(cal *calendar.Calendar, today calendar.Date) (Urgency, error) {
	cal = weeks(cal)
	u, err := a.urgencyOn(cal, today)
	if d, perr := calendar.ParseDate(u.Due); perr == nil {
		u.Assumed = cal.Assumed(d)
	}
	return u, err
}

func (a Application) urgencyOn(cal *calendar.Calendar, today calendar.Date) (Urgency, error) {
	left := func(due string) (int, error) {
		d, err := calendar.ParseDate(due)
		if err != nil {
			return 0, err
		}
		return cal.WorkdaysBetween(today, d)
	}
	switch {
	case !Open(a.Status):
		return Urgency{}, nil
	case a.Status == StatusPending:
		// Receipt should be confirmed the next working day.
		sub := calendar.DateOf(a.SubmittedAt.In(calendar.China))
		due, err := cal.AddWorkdays(sub, 1)
		if err != nil {
			return Urgency{}, err
		}
		n, err := cal.WorkdaysBetween(today, due)
		return Urgency{What: "receipt", Due: due.String(), Left: n}, err
	case a.Status == StatusCorrection:
		n, err := left(a.Correction.Due)
		return Urgency{What: "correction", Due: a.Correction.Due, Left: n}, err
	}
	if k := len(a.Pauses); k > 0 && a.Pauses[k-1].Open() {
		p := a.Pauses[k-1]
		what := "consultation"
		if p.Kind == FeePause {
			what = "fee"
		}
		n, err := left(p.Due)
		return Urgency{What: what, Due: p.Due, Left: n}, err
	}
	d, ok, err := a.Deadline(cal)
	if err != nil || !ok {
		return Urgency{What: "reply"}, err
	}
	n, err := cal.WorkdaysBetween(today, d)
	return Urgency{What: "reply", Due: d.String(), Left: n}, err
}

// FeeFor returns the processing fee in yuan for count items or pages under
// 国办函〔2020〕109号, charged progressively (超额累进) by one of the two
// modes, never both:
//
// by item, per applicant within one natural month: up to 10 free; the 11th
// to the 30th 100 yuan each; from the 31st, every further 10 items cost 100
// yuan more each (31–40: 200, 41–50: 300, …);
//
// by page, per application: up to 30 free; the 31st to the 100th 10 yuan a
// page; the 101st to the 200th 20 yuan; beyond 200, 40 yuan a page.
func FeeFor(mode string, count int) (int, error) {
	if count < 0 || count > 1_000_000 {
		return 0, fmt.Errorf("count %d out of range", count)
	}
	switch mode {
	case "item":
		fee := 0
		for n := 11; n <= count; n++ {
			if n <= 30 {
				fee += 100
			} else {
				fee += 100 * (2 + (n-31)/10)
			}
		}
		return fee, nil
	case "page":
		band := func(lo, hi, price int) int {
			if count < lo {
				return 0
			}
			return (min(count, hi) - lo + 1) * price
		}
		return band(31, 100, 10) + band(101, 200, 20) + band(201, count, 40), nil
	}
	return 0, fmt.Errorf("fee mode %q", mode)
}
