package foi

import (
	"errors"
	"fmt"
	"slices"

	"gongkai/internal/calendar"
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
		cp := calendar.Pause{From: from, Reason: pauseReason(p)}
		if p.To != "" {
			if cp.To, err = calendar.ParseDate(p.To); err != nil {
				return calendar.Clock{}, false, err
			}
		}
		c.Pauses = append(c.Pauses, cp)
	}
	return c, true, nil
}

func pauseReason(p Pause) string {
	switch p.Kind {
	case ThirdParty:
		return "征求第三方意见：" + p.Party
	case Agency:
		return "征求其他机关意见：" + p.Party
	case FeePause:
		return "收费通知至缴费"
	}
	return p.Kind
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
	Text string `json:"text"`
}

// Steps explains every date of the application step by step: the receipt,
// the correction and its period, each pause, the extension and the reply
// deadline, in Chinese as the law states them.
func (a Application) Steps(cal *calendar.Calendar) []Step {
	cal = weeks(cal)
	out := a.steps(cal)
	for _, st := range out {
		if d, err := calendar.ParseDate(st.Date); err == nil && cal.Assumed(d) {
			out = append(out, Step{st.Date, fmt.Sprintf("注：%d年节假日安排尚未载入，该年的日期暂按常规周末推算，载入后自动重新计算", d.Year)})
			break
		}
	}
	return out
}

func (a Application) steps(cal *calendar.Calendar) []Step {
	var out []Step
	add := func(d, format string, args ...any) { out = append(out, Step{d, fmt.Sprintf(format, args...)}) }
	if a.ReceivedDate == "" {
		add(a.SubmittedAt.In(calendar.China).Format("2006-01-02"), "网上提交，待双方确认收到申请（条例第三十一条第三项）；确认之日为收到申请之日")
		return out
	}
	add(a.ReceivedDate, "收到申请：%s", a.ReceiptNote)
	if c := a.Correction; c.Date != "" {
		limit := ""
		if rd, err := calendar.ParseDate(a.ReceivedDate); err == nil {
			if d, err := cal.AddWorkdays(rd, CorrectionWithin); err == nil {
				limit = d.String()
			}
		}
		add(c.Date, "一次性告知补正（条例第三十条，应在收到申请之日起%d个工作日内，即%s前发出），补正期限%d个工作日，至%s止", CorrectionWithin, limit, c.Days, c.Due)
		if c.Corrected != "" {
			add(c.Corrected, "收到补正后的申请，答复期限自当日起重新计算")
		} else if a.Result == OtherNoCorrection {
			add(a.ResultDate, "逾期未补正，视为放弃申请（条例第三十条）")
			return out
		} else {
			add(c.Due, "补正期限届满之日；逾期无正当理由不补正的，视为放弃申请")
			return out
		}
	}
	for _, p := range a.Pauses {
		switch p.Kind {
		case FeePause:
			add(p.From, "发出收费通知：按%s计%d，应缴%d元（国办函〔2020〕109号），缴费期限%d个工作日，至%s止；期间不计入答复期限", feeModeText(a.Fee.Mode), a.Fee.Count, a.Fee.Amount, FeePaymentDays, p.Due)
		default:
			add(p.From, "%s，对方应在%d个工作日内（至%s）提出意见；期间不计入答复期限（条例第三十三条）", pauseReason(p), ConsultationDays, p.Due)
		}
		if p.To != "" {
			add(p.To, "%s结束（%s）", pauseReason(p), outcomeText(p))
		}
	}
	if e := a.Extension; e.Days > 0 {
		add(e.Date, "经%s批准延长答复期限%d个工作日（条例第三十三条，最长20个工作日）：%s", e.Approver, e.Days, e.Reason)
	}
	c, started, err := a.Clock()
	if err == nil && started {
		steps, err := c.Steps(cal)
		if err == nil || errors.Is(err, calendar.ErrPaused) {
			for _, s := range steps {
				add(s.Date.String(), "答复期限：%s", s.Text)
			}
		}
	}
	if a.Result != "" {
		add(a.ResultDate, "作出答复")
	}
	if a.DeliveredDate != "" {
		add(a.DeliveredDate, "送达：%s", a.DeliveryNote)
	}
	return out
}

// PublicSteps are the steps as the applicant sees them: a third party
// consulted is not named.
func (a Application) PublicSteps(cal *calendar.Calendar) []Step {
	a.Pauses = slices.Clone(a.Pauses)
	for i := range a.Pauses {
		if a.Pauses[i].Kind == ThirdParty {
			a.Pauses[i].Party = "第三方"
		}
	}
	return a.Steps(cal)
}

func feeModeText(mode string) string {
	if mode == "page" {
		return "页"
	}
	return "件"
}

func outcomeText(p Pause) string {
	switch p.Outcome {
	case "agree":
		return "同意公开"
	case "object":
		return "不同意公开"
	case "silent":
		return "逾期未提出意见"
	case "paid":
		return "已缴费"
	case "waived":
		return "减免"
	case "unpaid":
		return "逾期未缴费"
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
