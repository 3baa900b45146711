package message

import (
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/foi"
)

// weeks lets the clock run into a year whose holidays are not loaded yet,
// counting it as plain weeks, as the applications' clocks do.
func weeks(cal *calendar.Calendar) *calendar.Calendar { return cal.AssumeWeekends() }

// Clock returns the reply period as a statutory clock: the unit's working
// days for the category, plus the extension, counted from the day the
// message came (that day not counted, 民法典第二百零一条). A transfer does
// not restart it: the writer waits no longer because the message went to
// the wrong unit first.
func (m Message) Clock() (calendar.Clock, error) {
	start, err := calendar.ParseDate(m.StartDate)
	if err != nil {
		return calendar.Clock{}, err
	}
	return calendar.Clock{Start: start, Days: m.Days + m.Extension.Days}, nil
}

// Due returns the last day to answer.
func (m Message) Due(cal *calendar.Calendar) (calendar.Date, error) {
	c, err := m.Clock()
	if err != nil {
		return calendar.Date{}, err
	}
	return c.Deadline(weeks(cal))
}

// Steps explains the due date: the start, the period and the deadline, in
// the clock's words.
func (m Message) Steps(cal *calendar.Calendar) ([]calendar.Step, error) {
	c, err := m.Clock()
	if err != nil {
		return nil, err
	}
	return c.Steps(weeks(cal))
}

// DaysTaken returns the working days from the day the message came to
// the day it was answered; 0 for a message not answered.
func (m Message) DaysTaken(cal *calendar.Calendar) int {
	end, err := calendar.ParseDate(m.AnsweredOn)
	if err != nil {
		return 0
	}
	c, err := m.Clock()
	if err != nil {
		return 0
	}
	n, _ := c.Elapsed(weeks(cal), end)
	return n
}

// UrgencyOn says how an open message stands against its due date on day
// today; the zero Urgency for one answered or dismissed.
func (m Message) UrgencyOn(cal *calendar.Calendar, today calendar.Date) (foi.Urgency, error) {
	if !Open(m.Status) {
		return foi.Urgency{}, nil
	}
	cal = weeks(cal)
	d, err := m.Due(cal)
	if err != nil {
		return foi.Urgency{What: "reply"}, err
	}
	n, err := cal.WorkdaysBetween(today, d)
	return foi.Urgency{What: "reply", Due: d.String(), Left: n, Assumed: cal.Assumed(d)}, err
}

// OverdueSince returns the day after which a message unanswered counts as
// overdue for inspection: OverdueMonths calendar months after it came.
func (m Message) OverdueSince() (calendar.Date, error) {
	start, err := calendar.ParseDate(m.StartDate)
	if err != nil {
		return calendar.Date{}, err
	}
	return addMonths(start, OverdueMonths), nil
}

// addMonths adds n calendar months to d; a day the month lacks becomes its
// last day (30 November + 3 months is 28 or 29 February).
func addMonths(d calendar.Date, n int) calendar.Date {
	first := time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return calendar.Date{Year: first.Year(), Month: first.Month(), Day: min(d.Day, last)}
}
