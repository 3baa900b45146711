package calendar

import (
	"errors"
	"fmt"

	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// ErrPaused is wrapped by the error Clock.Deadline returns while a pause
// that began before the deadline is still open: the deadline is not known
// until the clock resumes.
var ErrPaused = errors.New("期限已中止计算，尚未恢复")

// ErrInvalidClock is wrapped by the errors for a Clock whose start, length
// or pauses are inconsistent.
var ErrInvalidClock = errors.New("期限设置有误")

// maxClockDays bounds Clock.Days; statutory periods are tens of working days,
// so a larger figure is a typing error.
const maxClockDays = 1000

// Pause stops a Clock. A pause from A to B stops the clock at the end of day
// A and restarts it at the end of day B: the working days in (A, B], after A
// up to and including B, are not counted, and day A still is.
//
// This is the rule for all periods counted in days (民法典第二百零一条: 开始的
// 当日不计入，自下一日开始计算) applied to both ends: the day a consultation
// letter or fee notice goes out (A) is a day of the main period, and the
// third party's own period starts the next day; the day the reply or the
// payment arrives (B) is, like the day an application is received, not
// counted, and the main period resumes the next day. So a consultation whose
// 15 working days (条例第三十二条) run out on B removes exactly those 15
// working days from the period (第三十三条: 所需时间不计算在前款规定的期限内).
//
// To is the zero Date while the pause is open. A correction (补正,
// 条例第三十条) is not a pause: the period starts again, so set Clock.Start
// to the day the corrected application is received.
type Pause struct {
	From   Date
	To     Date
	Reason string
	// Why, when set, is the reason as a message, said in the reader's language.
	Why i18n.Text `json:"-"`
}

// Open reports whether the pause has not ended.
func (p Pause) Open() bool { return p.To.IsZero() }

// Clock is a statutory period of Days working days counted from Start, the
// day of the event that starts it, which itself is not counted. Pauses, in
// date order and not overlapping, stop it; only the last may be open.
type Clock struct {
	Start  Date
	Days   int
	Pauses []Pause
}

// Step is one line of a Clock's explanation for display.
type Step struct {
	Date Date
	Text string // in Chinese
	// Say is the message Text was built from, to say it in another language.
	Say i18n.Text
}

// step builds a Step from a message, its Text in Chinese.
func step(d Date, key string, args ...any) Step {
	return Step{Date: d, Text: i18n.T(i18n.Zh, key, args...), Say: i18n.Text{Key: key, Args: args}}
}

// Validate checks the clock: a real start date, 0 to 1000 days, and pauses
// that begin no earlier than Start, end no earlier than they begin, come in
// date order without overlapping, and of which only the last is open. Its
// error wraps ErrInvalidClock and says, in Chinese, what is wrong.
func (c Clock) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w：%s", ErrInvalidClock, fmt.Sprintf(format, args...))
	}
	if !c.Start.valid() {
		return bad("起算日期“%s”无效", c.Start)
	}
	if c.Days < 0 || c.Days > maxClockDays {
		return bad("期限%d个工作日不在0到%d之间", c.Days, maxClockDays)
	}
	for i, p := range c.Pauses {
		n := i + 1
		switch {
		case !p.From.valid():
			return bad("第%d次中止的开始日期“%s”无效", n, p.From)
		case p.From.Before(c.Start):
			return bad("第%d次中止自%s开始，早于起算日%s", n, p.From, c.Start)
		case p.Open() && i != len(c.Pauses)-1:
			return bad("第%d次中止尚未恢复，之后不能再有中止", n)
		case !p.Open() && !p.To.valid():
			return bad("第%d次中止的恢复日期“%s”无效", n, p.To)
		case !p.Open() && p.To.Before(p.From):
			return bad("第%d次中止的恢复日期%s早于开始日期%s", n, p.To, p.From)
		case i > 0 && p.From.Before(c.Pauses[i-1].To):
			return bad("第%d次中止（自%s起）与第%d次中止（至%s止）重叠或顺序颠倒", n, p.From, n-1, c.Pauses[i-1].To)
		}
	}
	return nil
}

// trace is the result of running a clock: where it ended and what each
// pause did.
type trace struct {
	deadline Date  // the zero Date if not reached
	counted  []int // working days counted before each pause began
	skipped  []int // working days each pause took out; -1 if it began after the deadline
	open     int   // index of the open pause that stopped the clock, or -1
}

// run counts the clock forward day by day until the deadline or an open
// pause.
func (c Clock) run(cal *Calendar) (trace, error) {
	tr := trace{counted: make([]int, len(c.Pauses)), skipped: make([]int, len(c.Pauses)), open: -1}
	if err := c.Validate(); err != nil {
		return tr, err
	}
	n, pi, d := 0, 0, c.Start
	for n < c.Days {
		for pi < len(c.Pauses) && c.Pauses[pi].From == d {
			p := c.Pauses[pi]
			tr.counted[pi] = n
			if p.Open() {
				tr.open = pi
				return tr, nil
			}
			k, err := cal.WorkdaysBetween(p.From, p.To)
			if err != nil {
				return tr, err
			}
			tr.skipped[pi], d = k, p.To
			pi++
		}
		d = d.next()
		work, err := cal.IsWorkday(d)
		if err != nil {
			return tr, err
		}
		if work {
			n++
		}
	}
	tr.deadline = d
	for ; pi < len(c.Pauses); pi++ {
		tr.counted[pi], tr.skipped[pi] = n, -1
	}
	return tr, nil
}

// Deadline returns the last day of the period: the Days-th working day after
// Start not inside a pause. It returns an error wrapping ErrInvalidClock for
// an invalid clock, one wrapping ErrPaused if an open pause began before the
// deadline, and one matching ErrNoData if the count reaches a year cal has no
// data for.
func (c Clock) Deadline(cal *Calendar) (Date, error) {
	tr, err := c.run(cal)
	if err != nil {
		return Date{}, err
	}
	if tr.open >= 0 {
		p := c.Pauses[tr.open]
		return Date{}, fmt.Errorf("%w：自%s起中止（%s），恢复后才能确定期限", ErrPaused, p.From, p.Reason)
	}
	return tr.deadline, nil
}

// Steps explains the clock for display: the start, each pause as it stopped
// and restarted the clock with the working days it took out, and the
// deadline. While an open pause stops the clock, Steps returns the steps up
// to that pause together with an error wrapping ErrPaused, so a page can show
// how far the clock got. Other errors are Deadline's, with no steps.
func (c Clock) Steps(cal *Calendar) ([]Step, error) {
	tr, err := c.run(cal)
	if err != nil {
		return nil, err
	}
	steps := []Step{step(c.Start, "clock.start", c.Days)}
	for i, p := range c.Pauses {
		var reason any = p.Reason
		switch {
		case p.Why.Key != "":
			reason = p.Why
		case reason == "":
			reason = errs.Msg("clock.no_reason")
		}
		if tr.skipped[i] < 0 {
			steps = append(steps, step(p.From, "clock.paused_late", reason))
			continue
		}
		steps = append(steps, step(p.From, "clock.paused", reason, tr.counted[i], c.Days-tr.counted[i]))
		if i == tr.open {
			steps = append(steps, step(p.From, "clock.paused_open"))
			return steps, fmt.Errorf("%w：自%s起中止（%s）", ErrPaused, p.From, i18n.T(i18n.Zh, "clock.reason", reason))
		}
		steps = append(steps, step(p.To, "clock.resumed", tr.skipped[i]))
	}
	total := 0
	for _, k := range tr.skipped {
		if k > 0 {
			total += k
		}
	}
	if total > 0 {
		return append(steps, step(tr.deadline, "clock.due_paused", c.Days, total)), nil
	}
	return append(steps, step(tr.deadline, "clock.due", c.Days)), nil
}

// Elapsed returns the working days of the period counted by the end of day
// asOf: those in (Start, asOf] not inside a pause, an open pause counting
// as running through asOf. It is 0 when asOf is not after Start, and it may exceed Days
// once the deadline has passed. Its errors are Validate's, and one matching
// ErrNoData if the range reaches a year cal has no data for.
func (c Clock) Elapsed(cal *Calendar, asOf Date) (int, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	if !asOf.valid() {
		return 0, invalidDate(asOf)
	}
	n, pi := 0, 0
	for d := c.Start; d.Before(asOf); {
		if pi < len(c.Pauses) && c.Pauses[pi].From == d {
			p := c.Pauses[pi]
			if p.Open() || !p.To.Before(asOf) {
				break
			}
			d, pi = p.To, pi+1
			continue
		}
		d = d.next()
		work, err := cal.IsWorkday(d)
		if err != nil {
			return 0, err
		}
		if work {
			n++
		}
	}
	return n, nil
}

// Remaining returns Days minus Elapsed: the working days left on asOf, zero
// on the deadline, negative once it has passed by that many working days.
// Its errors are Elapsed's.
func (c Clock) Remaining(cal *Calendar, asOf Date) (int, error) {
	n, err := c.Elapsed(cal, asOf)
	if err != nil {
		return 0, err
	}
	return c.Days - n, nil
}
