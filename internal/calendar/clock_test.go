package calendar

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func pause(t *testing.T, from, to, reason string) Pause {
	t.Helper()
	p := Pause{From: mustDate(t, from), Reason: reason}
	if to != "" {
		p.To = mustDate(t, to)
	}
	return p
}

func TestDeadline(t *testing.T) {
	tests := []struct {
		name   string
		start  string
		days   int
		pauses [][2]string
		want   string
	}{
		{"no pause, National Day", "2024-09-20", 20, nil, "2024-10-23"},
		// The pause takes out (9/25, 10/21]: 9/26, 9/27, Sun 9/29, 9/30,
		// 10/8–11, Sat 10/12, 10/14–18, 10/21 — 15 working days, the third
		// party's period. 3 days counted before it (9/23–25), 17 after:
		// 10/22–25 (4), 10/28–11/1 (9), 11/4–8 (14), 11/11–13 (17). The
		// deadline without the pause, 10/23, plus 15 working days is 11/13.
		{"15-day pause over National Day", "2024-09-20", 20, [][2]string{{"2024-09-25", "2024-10-21"}}, "2024-11-13"},
		// Unpaused the deadline is 3/6: 2/3–6 (4), 2/9–13 (9), Sat 2/14 (10),
		// 2/24–27 (14), Sat 2/28 (15), 3/2–6 (20). The pause (2/5, 3/4]
		// holds 2/6, 2/9–13, Sat 2/14, 2/24–27, Sat 2/28, 3/2–4: 15. Then 3
		// counted before it, 17 after: 3/5–6 (2), 3/9–13 (7), 3/16–20 (12),
		// 3/23–27 (17).
		{"15-day pause over Spring Festival", "2026-02-02", 20, [][2]string{{"2026-02-05", "2026-03-04"}}, "2026-03-27"},
		// A pause over days off only takes out no working day.
		{"pause over the holiday only", "2024-09-20", 20, [][2]string{{"2024-10-01", "2024-10-07"}}, "2024-10-23"},
		// Day A counts, day B does not: (9/20, 9/23] takes out Monday 9/23.
		{"pause from the start day", "2024-09-20", 1, [][2]string{{"2024-09-20", "2024-09-23"}}, "2024-09-24"},
		// A pause that starts on the deadline does not move it.
		{"pause from the deadline", "2024-09-20", 20, [][2]string{{"2024-10-23", "2024-10-30"}}, "2024-10-23"},
		{"empty pause", "2024-09-20", 20, [][2]string{{"2024-09-25", "2024-09-25"}}, "2024-10-23"},
		// Two pauses back to back, (9/24, 9/26] and (9/26, 9/30]: 9/25, 9/26,
		// 9/27, Sun 9/29, 9/30 taken out, so five more days: 10/23 + 5 = 10/30.
		{"adjacent pauses", "2024-09-20", 20, [][2]string{{"2024-09-24", "2024-09-26"}, {"2024-09-26", "2024-09-30"}}, "2024-10-30"},
		{"zero days", "2024-09-30", 0, nil, "2024-09-30"},
		{"zero days with a pause", "2024-09-30", 0, [][2]string{{"2024-09-30", ""}}, "2024-09-30"},
		// An open pause after the deadline does not stop it being known.
		{"open pause after the deadline", "2024-09-20", 20, [][2]string{{"2024-10-25", ""}}, "2024-10-23"},
	}
	cal := Default()
	for _, tt := range tests {
		c := Clock{Start: mustDate(t, tt.start), Days: tt.days}
		for _, p := range tt.pauses {
			c.Pauses = append(c.Pauses, pause(t, p[0], p[1], "征求第三方意见"))
		}
		got, err := c.Deadline(cal)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("%s: Deadline() = %v, want %s", tt.name, got, tt.want)
		}
		if steps, err := c.Steps(cal); err != nil || steps[len(steps)-1].Date != got {
			t.Errorf("%s: Steps() = %v, %v; want it to end on %v", tt.name, steps, err, got)
		}
		if n, err := c.Remaining(cal, got); err != nil || n != 0 {
			t.Errorf("%s: Remaining(deadline) = %d, %v; want 0", tt.name, n, err)
		}
	}
}

func TestPauseShiftsByItsWorkingDays(t *testing.T) {
	cal := Default()
	for _, start := range []string{"2024-09-20", "2025-01-20", "2020-01-10", "2026-09-15"} {
		from := mustDate(t, start)
		plain, err := Clock{Start: from, Days: 20}.Deadline(cal)
		if err != nil {
			t.Fatal(err)
		}
		a := from.AddDays(3)
		b, err := cal.AddWorkdays(a, 15)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Clock{Start: from, Days: 20, Pauses: []Pause{{From: a, To: b}}}.Deadline(cal)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := cal.AddWorkdays(plain, 15)
		if got != want {
			t.Errorf("start %s, pause (%v, %v]: deadline %v, want %v", start, a, b, got, want)
		}
	}
}

func TestOpenPause(t *testing.T) {
	c := Clock{Start: mustDate(t, "2024-09-20"), Days: 20,
		Pauses: []Pause{pause(t, "2024-09-25", "2024-10-21", "征求第三方意见"), pause(t, "2024-10-24", "", "等待缴费")}}
	_, err := c.Deadline(Default())
	if !errors.Is(err, ErrPaused) || !strings.Contains(err.Error(), "2024-10-24") || !strings.Contains(err.Error(), "等待缴费") {
		t.Errorf("Deadline() error %v, want ErrPaused naming the pause", err)
	}
	steps, err := c.Steps(Default())
	if !errors.Is(err, ErrPaused) {
		t.Errorf("Steps() error %v, want ErrPaused", err)
	}
	want := []Step{
		{Date: Date{2024, 9, 20}, Text: "起算（当日不计入），期限为20个工作日"},
		{Date: Date{2024, 9, 25}, Text: "中止计算（征求第三方意见）：此前已计3个工作日，尚余17个工作日"},
		{Date: Date{2024, 10, 21}, Text: "恢复计算（当日不计入）：中止期间15个工作日不计入期限，期限相应顺延"},
		{Date: Date{2024, 10, 24}, Text: "中止计算（等待缴费）：此前已计6个工作日，尚余14个工作日"},
		{Date: Date{2024, 10, 24}, Text: "尚未恢复计算，恢复后才能确定期限"},
	}
	if diff := cmp.Diff(want, steps, cmpopts.IgnoreFields(Step{}, "Say")); diff != "" {
		t.Errorf("Steps() mismatch (-want +got):\n%s", diff)
	}
}

func TestSteps(t *testing.T) {
	c := Clock{Start: mustDate(t, "2024-09-20"), Days: 20,
		Pauses: []Pause{pause(t, "2024-09-25", "2024-10-21", ""), pause(t, "2024-11-13", "2024-11-20", "征求其他机关意见")}}
	steps, err := c.Steps(Default())
	if err != nil {
		t.Fatal(err)
	}
	want := []Step{
		{Date: Date{2024, 9, 20}, Text: "起算（当日不计入），期限为20个工作日"},
		{Date: Date{2024, 9, 25}, Text: "中止计算（未注明原因）：此前已计3个工作日，尚余17个工作日"},
		{Date: Date{2024, 10, 21}, Text: "恢复计算（当日不计入）：中止期间15个工作日不计入期限，期限相应顺延"},
		{Date: Date{2024, 11, 13}, Text: "中止计算（征求其他机关意见）：在期限届满之后，不影响期限"},
		{Date: Date{2024, 11, 13}, Text: "期限届满：第20个工作日（已扣除中止期间的15个工作日）"},
	}
	if diff := cmp.Diff(want, steps, cmpopts.IgnoreFields(Step{}, "Say")); diff != "" {
		t.Errorf("Steps() mismatch (-want +got):\n%s", diff)
	}
}

func TestElapsed(t *testing.T) {
	cal := Default()
	c := Clock{Start: mustDate(t, "2024-09-20"), Days: 20, Pauses: []Pause{pause(t, "2024-09-25", "2024-10-21", "")}}
	tests := []struct {
		asOf string
		want int
	}{
		{"2024-09-01", 0},
		{"2024-09-20", 0},
		{"2024-09-23", 1},
		{"2024-09-25", 3},
		{"2024-10-10", 3}, // paused
		{"2024-10-21", 3}, // the day the pause ends is not counted
		{"2024-10-22", 4},
		{"2024-11-13", 20},
		{"2024-11-14", 21}, // overdue by one
	}
	for _, tt := range tests {
		got, err := c.Elapsed(cal, mustDate(t, tt.asOf))
		if err != nil || got != tt.want {
			t.Errorf("Elapsed(%s) = %d, %v; want %d", tt.asOf, got, err, tt.want)
		}
		rem, err := c.Remaining(cal, mustDate(t, tt.asOf))
		if err != nil || rem != 20-tt.want {
			t.Errorf("Remaining(%s) = %d, %v; want %d", tt.asOf, rem, err, 20-tt.want)
		}
	}
	// An open pause holds the count.
	c.Pauses = append(c.Pauses, pause(t, "2024-10-24", "", "等待缴费"))
	for _, asOf := range []string{"2024-10-24", "2024-12-31"} {
		if got, err := c.Elapsed(cal, mustDate(t, asOf)); err != nil || got != 6 {
			t.Errorf("Elapsed(%s) with open pause = %d, %v; want 6", asOf, got, err)
		}
	}
	if _, err := c.Elapsed(cal, Date{2024, 2, 30}); err == nil {
		t.Error("Elapsed(invalid date): no error")
	}
}

func TestClockInvalid(t *testing.T) {
	start := "2024-09-20"
	tests := []struct {
		name  string
		clock Clock
		msg   string
	}{
		{"bad start", Clock{Start: Date{2024, 2, 30}, Days: 20}, "起算日期"},
		{"negative days", Clock{Start: mustDate(t, start), Days: -1}, "期限-1个工作日"},
		{"too many days", Clock{Start: mustDate(t, start), Days: maxClockDays + 1}, "不在0到"},
		{"pause before start", Clock{Start: mustDate(t, start), Days: 20,
			Pauses: []Pause{pause(t, "2024-09-19", "2024-09-23", "")}}, "早于起算日"},
		{"pause ends before it begins", Clock{Start: mustDate(t, start), Days: 20,
			Pauses: []Pause{pause(t, "2024-09-25", "2024-09-24", "")}}, "早于开始日期"},
		{"overlapping pauses", Clock{Start: mustDate(t, start), Days: 20,
			Pauses: []Pause{pause(t, "2024-09-23", "2024-09-27", ""), pause(t, "2024-09-26", "2024-09-30", "")}}, "重叠"},
		{"pauses out of order", Clock{Start: mustDate(t, start), Days: 20,
			Pauses: []Pause{pause(t, "2024-10-23", "2024-10-27", ""), pause(t, "2024-09-26", "2024-09-30", "")}}, "第2次中止"},
		{"open pause not last", Clock{Start: mustDate(t, start), Days: 20,
			Pauses: []Pause{pause(t, "2024-09-23", "", ""), pause(t, "2024-09-26", "2024-09-30", "")}}, "尚未恢复"},
		{"pause without start", Clock{Start: mustDate(t, start), Days: 20, Pauses: []Pause{{}}}, "开始日期"},
		{"bad pause end", Clock{Start: mustDate(t, start), Days: 20,
			Pauses: []Pause{{From: mustDate(t, start), To: Date{2024, 9, 31}}}}, "恢复日期"},
	}
	cal := Default()
	for _, tt := range tests {
		err := tt.clock.Validate()
		if !errors.Is(err, ErrInvalidClock) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: Validate() = %v, want ErrInvalidClock mentioning %q", tt.name, err, tt.msg)
		}
		if _, err := tt.clock.Deadline(cal); !errors.Is(err, ErrInvalidClock) {
			t.Errorf("%s: Deadline() error %v, want ErrInvalidClock", tt.name, err)
		}
		if steps, err := tt.clock.Steps(cal); !errors.Is(err, ErrInvalidClock) || steps != nil {
			t.Errorf("%s: Steps() = %v, %v; want ErrInvalidClock", tt.name, steps, err)
		}
		if _, err := tt.clock.Elapsed(cal, mustDate(t, "2024-10-01")); !errors.Is(err, ErrInvalidClock) {
			t.Errorf("%s: Elapsed() error %v, want ErrInvalidClock", tt.name, err)
		}
	}
}

func TestClockNoData(t *testing.T) {
	c := Clock{Start: mustDate(t, "2026-12-20"), Days: 20}
	if _, err := c.Deadline(Default()); !errors.Is(err, ErrNoData) {
		t.Errorf("Deadline() into 2027: error %v, want ErrNoData", err)
	}
	// A pause reaching into 2027 cannot be measured either.
	c = Clock{Start: mustDate(t, "2026-12-01"), Days: 20, Pauses: []Pause{pause(t, "2026-12-02", "2027-01-05", "")}}
	if _, err := c.Steps(Default()); !errors.Is(err, ErrNoData) {
		t.Errorf("Steps() into 2027: error %v, want ErrNoData", err)
	}
	if got, err := c.Deadline(Default().AssumeWeekends()); err != nil || got.Year != 2027 {
		t.Errorf("Deadline() assuming weekends = %v, %v", got, err)
	}
}
