package message

import (
	"context"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
)

// world is the small city of orgtest with staff of 赤岗, 新港 and 北京 and
// 海珠's office, on the real calendar.
type world struct {
	t                              *testing.T
	d                              *db.DB
	cal                            *calendar.Calendar
	c                              orgtest.City
	cgEd, cgRev, xgEd, bjEd, hzOff auth.Account
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{t: t, d: d, cal: calendar.Default()}
	w.on("2026-09-28")
	w.tx(func(tx *db.Tx) error {
		ctx := context.Background()
		w.c = orgtest.Build(t, ctx, tx)
		w.cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, w.c.Chigang)
		w.cgRev = orgtest.Account(t, ctx, tx, "cg-reviewer", "", auth.UnitReviewer, w.c.Chigang)
		w.xgEd = orgtest.Account(t, ctx, tx, "xg-editor", "", auth.UnitEditor, w.c.Xingang)
		w.bjEd = orgtest.Account(t, ctx, tx, "bj-editor", "", auth.UnitEditor, w.c.Beijing)
		w.hzOff = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, w.c.Haizhu)
		return nil
	})
	return w
}

// on sets the database clock to 09:00 China time on day.
func (w *world) on(day string) {
	d, err := calendar.ParseDate(day)
	if err != nil {
		w.t.Fatal(err)
	}
	at := time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, calendar.China)
	w.d.SetClock(func() time.Time { return at })
}

func (w *world) tx(fn func(tx *db.Tx) error) {
	w.t.Helper()
	if err := w.d.InTx(context.Background(), fn); err != nil {
		w.t.Fatal(err)
	}
}

// try runs fn in a transaction and returns its error.
func (w *world) try(fn func(tx *db.Tx) error) error { return w.d.InTx(context.Background(), fn) }

func input(u org.Unit) Input {
	return Input{UnitCode: u.Code, Category: Consult, Title: "长者饭堂开放时间", Content: "请问赤岗街道长者饭堂周末是否开放？我的手机13912345678。",
		Name: "李明", Phone: "13912345678", Email: "liming@example.com", Public: true}
}

func (w *world) submit(in Input) (Message, string) {
	w.t.Helper()
	var m Message
	var code string
	w.tx(func(tx *db.Tx) error {
		var err error
		m, code, err = Submit(context.Background(), tx, in)
		return err
	})
	return m, code
}

func (w *world) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.d.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func kindIs(t *testing.T, what string, err error, k errs.Kind) {
	t.Helper()
	if errs.KindOf(err) != k {
		t.Fatalf("%s: got %v (%v), want %v", what, errs.KindOf(err), err, k)
	}
}

func fields(err error) map[string]bool {
	out := map[string]bool{}
	var m errs.Multi
	if e, ok := err.(errs.Multi); ok {
		m = e
	} else if e := errs.As(err); e != nil {
		m = errs.Multi{e}
	}
	for _, e := range m {
		out[e.Field] = true
	}
	return out
}

// A message sent on Monday 28 September 2026 is due ten working days later
// across the National Day holiday (1–7 October off, Saturday 10 October a
// working day): 16 October, not 12 October as plain weeks would give.
func TestSubmitDueAcrossHoliday(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		m, code := w.submit(input(w.c.Chigang))
		if !strings.HasPrefix(m.TrackingNo, "LY20260928") || !WellFormedNo(m.TrackingNo) || len(code) != 8 {
			t.Fatalf("number %q, code %q", m.TrackingNo, code)
		}
		due, err := m.Due(w.cal)
		if err != nil || due.String() != "2026-10-16" {
			t.Fatalf("due %s, %v; want 2026-10-16", due, err)
		}
		if plain, _ := m.Due(calendar.New()); plain.String() != "2026-10-12" {
			t.Errorf("in plain weeks due %s, want 2026-10-12", plain)
		}
		if m.Status != StatusOpen || m.Days != DefaultDays || m.Unit.ID != w.c.Chigang.ID || len(m.Events) != 1 {
			t.Errorf("message %+v", m)
		}
		got, err := ByTracking(context.Background(), d, strings.ToLower(m.TrackingNo), " "+strings.ToLower(code)+" ")
		if err != nil || got.ID != m.ID {
			t.Fatalf("by tracking: %v", err)
		}
		for _, c := range []struct{ no, code string }{{m.TrackingNo, "AAAAAAAA"}, {m.TrackingNo, ""}, {"LY20260928AAAAAA", code}, {"YSQ20260928AAAAAA", code}} {
			_, err := ByTracking(context.Background(), d, c.no, c.code)
			if e := errs.As(err); e == nil || e.Key != "msg.query_failed" {
				t.Errorf("%s/%s: %v", c.no, c.code, err)
			}
		}
		if a := w.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'message.submitted' AND object_id = ?`, m.TrackingNo); a != 1 {
			t.Errorf("%d audit events", a)
		}
	})
}

// Bad input names every field at fault and writes nothing.
func TestSubmitBadInput(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		cases := []struct {
			name  string
			edit  func(*Input)
			field []string
		}{
			{"empty", func(in *Input) { *in = Input{} }, []string{"unit", "category", "title", "content", "name", "phone"}},
			{"unknown unit", func(in *Input) { in.UnitCode = "999999" }, []string{"unit"}},
			{"category", func(in *Input) { in.Category = "praise" }, []string{"category"}},
			{"short", func(in *Input) { in.Content = "太短了" }, []string{"content"}},
			{"long title", func(in *Input) { in.Title = strings.Repeat("长", maxTitle+1) }, []string{"title"}},
			{"long content", func(in *Input) { in.Content = strings.Repeat("长", maxContent+1) }, []string{"content"}},
			{"phone", func(in *Input) { in.Phone = "call me" }, []string{"phone"}},
			{"email", func(in *Input) { in.Email = "a@b" }, []string{"email"}},
			{"no contact", func(in *Input) { in.Phone, in.Email = "", "" }, []string{"phone"}},
			{"control only", func(in *Input) { in.Title = "\x00\x07" }, []string{"title"}},
		}
		for _, c := range cases {
			in := input(w.c.Chigang)
			c.edit(&in)
			err := w.try(func(tx *db.Tx) error { _, _, err := Submit(context.Background(), tx, in); return err })
			kindIs(t, c.name, err, errs.Invalid)
			got := fields(err)
			for _, f := range c.field {
				if !got[f] {
					t.Errorf("%s: no error on %s: %v", c.name, f, err)
				}
			}
			if len(got) != len(c.field) {
				t.Errorf("%s: errors on %v, want %v", c.name, got, c.field)
			}
		}
		if n := w.count(`SELECT COUNT(*) FROM messages`); n != 0 {
			t.Errorf("%d messages written", n)
		}
		// E-mail alone is enough.
		in := input(w.c.Chigang)
		in.Phone = ""
		w.submit(in)
	})
}

// Periods per unit and category: set by a reviewer or an office, inherited
// by the units below, refused to editors and out of range.
func TestLimits(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		days := map[string]string{Consult: "10", Suggest: "15", Complaint: "5", Help: "3", Other: "10"}
		kindIs(t, "editor", w.try(func(tx *db.Tx) error { return SetLimits(ctx, tx, w.cgEd, w.c.Chigang, days) }), errs.Forbidden)
		kindIs(t, "other district", w.try(func(tx *db.Tx) error { return SetLimits(ctx, tx, w.hzOff, w.c.Beijing, days) }), errs.Forbidden)
		bad := map[string]string{Consult: "0", Suggest: "61", Complaint: "x", Help: "3", Other: ""}
		err := w.try(func(tx *db.Tx) error { return SetLimits(ctx, tx, w.hzOff, w.c.Haizhu, bad) })
		if f := fields(err); !f["days_consult"] || !f["days_suggest"] || !f["days_complaint"] || !f["days_other"] || f["days_help"] {
			t.Fatalf("bad limits: %v", err)
		}
		w.tx(func(tx *db.Tx) error { return SetLimits(ctx, tx, w.hzOff, w.c.Haizhu, days) })
		w.tx(func(tx *db.Tx) error {
			return SetLimits(ctx, tx, w.cgRev, w.c.Chigang, map[string]string{Consult: "10", Suggest: "15", Complaint: "7", Help: "3", Other: "10"})
		})
		in := input(w.c.Xingang)
		in.Category = Complaint
		if m, _ := w.submit(in); m.Days != 5 {
			t.Errorf("新港 complaint: %d days, want 海珠's 5", m.Days)
		}
		in.UnitCode = w.c.Chigang.Code
		if m, _ := w.submit(in); m.Days != 7 {
			t.Errorf("赤岗 complaint: %d days, want its own 7", m.Days)
		}
		in.UnitCode = w.c.Beijing.Code
		if m, _ := w.submit(in); m.Days != DefaultDays {
			t.Errorf("北京 complaint: %d days, want the default", m.Days)
		}
	})
}

// A transfer moves the message and its scope, keeps its start, takes the
// new unit's period and shows on the writer's timeline.
func TestTransfer(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		m, _ := w.submit(input(w.c.Chigang))
		w.on("2026-09-29")
		kindIs(t, "北京 transfers", w.try(func(tx *db.Tx) error {
			_, err := Transfer(ctx, tx, w.bjEd, m, w.c.Xingang.Code, "不属本单位")
			return err
		}), errs.NotFound)
		kindIs(t, "same unit", w.try(func(tx *db.Tx) error { _, err := Transfer(ctx, tx, w.cgEd, m, w.c.Chigang.Code, "x"); return err }), errs.Invalid)
		kindIs(t, "unknown unit", w.try(func(tx *db.Tx) error { _, err := Transfer(ctx, tx, w.cgEd, m, "nope", "x"); return err }), errs.Invalid)
		err := w.try(func(tx *db.Tx) error { _, err := Transfer(ctx, tx, w.cgEd, m, w.c.Xingang.Code, "  "); return err })
		if !fields(err)["reason"] {
			t.Fatalf("no reason: %v", err)
		}
		var moved Message
		w.tx(func(tx *db.Tx) error {
			var err error
			moved, err = Transfer(ctx, tx, w.cgEd, m, w.c.Xingang.Code, "属新港街道辖区")
			return err
		})
		if moved.Unit.ID != w.c.Xingang.ID || moved.FirstUnit.ID != w.c.Chigang.ID || moved.StartDate != "2026-09-28" {
			t.Fatalf("moved %+v", moved)
		}
		last := moved.Events[len(moved.Events)-1]
		if last.Kind != "transferred" || last.Unit != "新港街道办事处" || last.Note != "属新港街道辖区" || !last.Public() || last.Day != "2026-09-29" {
			t.Errorf("event %+v", last)
		}
		if _, err := ByID(ctx, d, m.ID, w.cgEd); errs.KindOf(err) != errs.NotFound {
			t.Errorf("赤岗 still reads it: %v", err)
		}
		if _, err := ByID(ctx, d, m.ID, w.xgEd); err != nil {
			t.Errorf("新港 cannot read it: %v", err)
		}
		if _, err := ByID(ctx, d, m.ID, w.hzOff); err != nil {
			t.Errorf("海珠 cannot read it: %v", err)
		}
		// The copy read before the transfer is stale.
		kindIs(t, "stale", w.try(func(tx *db.Tx) error { _, err := Draft(ctx, tx, w.cgEd, m, "答复"); return err }), errs.Conflict)
	})
}

// One extension, by a reviewer, moves the due date by its working days.
func TestExtend(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		m, _ := w.submit(input(w.c.Chigang))
		kindIs(t, "editor", w.try(func(tx *db.Tx) error {
			_, err := Extend(ctx, tx, w.cal, w.cgEd, m, "5", "需要现场核实")
			return err
		}), errs.Forbidden)
		for _, days := range []string{"0", "11", "x", ""} {
			err := w.try(func(tx *db.Tx) error {
				_, err := Extend(ctx, tx, w.cal, w.cgRev, m, days, "需要现场核实")
				return err
			})
			if !fields(err)["days"] {
				t.Errorf("%q days: %v", days, err)
			}
		}
		w.tx(func(tx *db.Tx) error {
			var err error
			m, err = Extend(ctx, tx, w.cal, w.cgRev, m, "5", "需要现场核实")
			return err
		})
		if due, _ := m.Due(w.cal); due.String() != "2026-10-23" {
			t.Errorf("extended due %s, want 2026-10-23", due)
		}
		kindIs(t, "twice", w.try(func(tx *db.Tx) error { _, err := Extend(ctx, tx, w.cal, w.cgRev, m, "2", "再延"); return err }), errs.Conflict)
		if m.Extension.By != "cg-reviewer" || m.Extension.Date != "2026-09-28" {
			t.Errorf("extension %+v", m.Extension)
		}
		// Past its due day (16 October) a message cannot be extended.
		late, _ := w.submit(input(w.c.Chigang))
		w.on("2026-10-19")
		kindIs(t, "overdue", w.try(func(tx *db.Tx) error {
			_, err := Extend(ctx, tx, w.cal, w.cgRev, late, "5", "需要现场核实")
			return err
		}), errs.Conflict)
		w.on("2026-10-16")
		w.tx(func(tx *db.Tx) error {
			_, err := Extend(ctx, tx, w.cal, w.cgRev, late, "5", "需要现场核实")
			return err
		})
	})
}

// A reply is drafted, returned, drafted again and approved by a reviewer,
// then rated once; the public archive shows it masked, searchable, with
// the working days taken.
func TestReviewRateArchive(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		m, _ := w.submit(input(w.c.Chigang))
		private := input(w.c.Chigang)
		private.Public, private.Title = false, "不公开的留言"
		p, _ := w.submit(private)
		kindIs(t, "approve nothing", w.try(func(tx *db.Tx) error { _, err := Approve(ctx, tx, w.cgRev, m); return err }), errs.Conflict)
		kindIs(t, "rate early", w.try(func(tx *db.Tx) error { _, err := Rate(ctx, tx, m, Satisfied, ""); return err }), errs.Conflict)
		if err := w.try(func(tx *db.Tx) error { _, err := Draft(ctx, tx, w.cgEd, m, " "); return err }); !fields(err)["answer"] {
			t.Fatalf("empty draft: %v", err)
		}
		step := func(what string, fn func(tx *db.Tx) (Message, error)) {
			t.Helper()
			w.tx(func(tx *db.Tx) error {
				var err error
				m, err = fn(tx)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				return nil
			})
		}
		step("draft", func(tx *db.Tx) (Message, error) { return Draft(ctx, tx, w.cgEd, m, "周末照常开放。") })
		if m.Status != StatusReview {
			t.Fatalf("status %s", m.Status)
		}
		kindIs(t, "editor approves", w.try(func(tx *db.Tx) error { _, err := Approve(ctx, tx, w.cgEd, m); return err }), errs.Forbidden)
		kindIs(t, "新港 approves", w.try(func(tx *db.Tx) error { _, err := Approve(ctx, tx, w.xgEd, m); return err }), errs.NotFound)
		step("return", func(tx *db.Tx) (Message, error) { return Return(ctx, tx, w.cgRev, m, "请写明开放时间") })
		if m.Status != StatusOpen || m.Draft != "周末照常开放。" {
			t.Fatalf("returned: %s %q", m.Status, m.Draft)
		}
		w.on("2026-10-09")
		step("draft again", func(tx *db.Tx) (Message, error) {
			return Draft(ctx, tx, w.cgEd, m, "周末照常开放，时间为上午11时至下午1时。如有疑问请致电13800138000。")
		})
		if pub, _, _ := Archive(ctx, d, w.cal, ArchiveFilter{}); len(pub) != 0 {
			t.Errorf("a draft is public: %+v", pub)
		}
		step("approve", func(tx *db.Tx) (Message, error) { return Approve(ctx, tx, w.cgRev, m) })
		if m.Status != StatusAnswered || m.AnsweredOn != "2026-10-09" || m.AnsweredBy != "cg-reviewer" || !strings.Contains(m.Answer, "上午11时") {
			t.Fatalf("answered %+v", m)
		}
		// 29, 30 September, 8 and 9 October.
		if n := m.DaysTaken(w.cal); n != 4 {
			t.Errorf("days taken %d, want 4", n)
		}
		for _, e := range m.Events {
			if (e.Kind == "drafted" || e.Kind == "returned") == e.Public() {
				t.Errorf("event %s public: %v", e.Kind, e.Public())
			}
		}
		// The private one answered too, to show it stays out of the archive.
		w.tx(func(tx *db.Tx) error {
			p, err := Draft(ctx, tx, w.cgRev, p, "已答复。")
			if err != nil {
				return err
			}
			_, err = Approve(ctx, tx, w.cgRev, p)
			return err
		})

		if err := w.try(func(tx *db.Tx) error { _, err := Rate(ctx, tx, m, "great", ""); return err }); !fields(err)["rating"] {
			t.Fatalf("bad rating: %v", err)
		}
		step("rate", func(tx *db.Tx) (Message, error) { return Rate(ctx, tx, m, Basically, "回复及时") })
		if m.Rating != Basically || m.RatingNote != "回复及时" {
			t.Errorf("rating %q %q", m.Rating, m.RatingNote)
		}
		kindIs(t, "rate twice", w.try(func(tx *db.Tx) error { _, err := Rate(ctx, tx, m, Satisfied, ""); return err }), errs.Conflict)

		pub, total, err := Archive(ctx, d, w.cal, ArchiveFilter{})
		if err != nil || total != 1 || len(pub) != 1 {
			t.Fatalf("archive: %d %v", total, err)
		}
		a := pub[0]
		if a.TrackingNo != m.TrackingNo || strings.Contains(a.Content, "13912345678") || !strings.Contains(a.Content, "139****5678") ||
			strings.Contains(a.Answer, "13800138000") || a.Asked != "2026-09-28" || a.Answered != "2026-10-09" || a.DaysTaken != 4 {
			t.Errorf("archived %+v", a)
		}
		for _, c := range []struct {
			f    ArchiveFilter
			want int
		}{
			{ArchiveFilter{Q: "上午11时"}, 1}, {ArchiveFilter{Q: "长者饭堂"}, 1}, {ArchiveFilter{Q: "不公开"}, 0}, {ArchiveFilter{Q: "100%"}, 0},
			{ArchiveFilter{Unit: w.c.Haizhu}, 1}, {ArchiveFilter{Unit: w.c.Yuexiu}, 0}, {ArchiveFilter{Category: Consult}, 1}, {ArchiveFilter{Category: Help}, 0},
		} {
			if _, n, err := Archive(ctx, d, w.cal, c.f); err != nil || n != c.want {
				t.Errorf("%+v: %d, %v; want %d", c.f, n, err, c.want)
			}
		}
		if _, err := Published(ctx, d, w.cal, p.TrackingNo); errs.KindOf(err) != errs.NotFound {
			t.Errorf("private message published: %v", err)
		}
		if got, err := Published(ctx, d, w.cal, m.TrackingNo); err != nil || got.Answer != a.Answer {
			t.Errorf("published: %v", err)
		}
	})
}

// Dismissed messages close with a reason the writer sees; only reviewers
// dismiss.
func TestDismiss(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		m, _ := w.submit(input(w.c.Chigang))
		kindIs(t, "editor", w.try(func(tx *db.Tx) error { _, err := Dismiss(ctx, tx, w.cgEd, m, "广告"); return err }), errs.Forbidden)
		w.tx(func(tx *db.Tx) error {
			var err error
			m, err = Dismiss(ctx, tx, w.cgRev, m, "重复留言")
			return err
		})
		if m.Status != StatusInvalid || m.Dismissed != "重复留言" || !m.Events[len(m.Events)-1].Public() {
			t.Errorf("dismissed %+v", m)
		}
		kindIs(t, "draft after", w.try(func(tx *db.Tx) error { _, err := Draft(ctx, tx, w.cgEd, m, "答复"); return err }), errs.Conflict)
	})
}

// A valid message counts overdue for inspection the day after three
// calendar months have passed unanswered; dismissed ones do not, and one
// answered later counts when seen from before the answer.
func TestOverdueOn(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		w.on("2026-06-15")
		late, _ := w.submit(input(w.c.Chigang))
		dismissed, _ := w.submit(input(w.c.Chigang))
		answered, _ := w.submit(input(w.c.Xingang))
		w.on("2026-06-20")
		w.tx(func(tx *db.Tx) error { _, err := Dismiss(ctx, tx, w.hzOff, dismissed, "广告"); return err })
		w.on("2026-10-10")
		w.tx(func(tx *db.Tx) error {
			m, err := Draft(ctx, tx, w.hzOff, answered, "答复")
			if err == nil {
				_, err = Approve(ctx, tx, w.hzOff, m)
			}
			return err
		})
		check := func(day string, want ...string) {
			t.Helper()
			got, err := OverdueOn(ctx, d, w.c.City, mustDate(day))
			if err != nil {
				t.Fatal(err)
			}
			var nos []string
			for _, o := range got {
				nos = append(nos, o.TrackingNo)
				if o.Since.String() != "2026-09-15" || o.Asked != "2026-06-15" {
					t.Errorf("%+v", o)
				}
			}
			if strings.Join(nos, ",") != strings.Join(want, ",") {
				t.Errorf("%s: overdue %v, want %v", day, nos, want)
			}
		}
		check("2026-09-15")
		check("2026-09-16", late.TrackingNo, answered.TrackingNo)
		check("2026-10-10", late.TrackingNo)
		if got, _ := OverdueOn(ctx, d, w.c.Beijing, mustDate("2026-10-10")); len(got) != 0 {
			t.Errorf("北京 has %v", got)
		}
	})
}

func TestAddMonths(t *testing.T) {
	for _, c := range [][2]string{{"2026-01-31", "2026-04-30"}, {"2025-11-30", "2026-02-28"}, {"2026-06-15", "2026-09-15"}, {"2026-10-31", "2027-01-31"}} {
		if got := addMonths(mustDate(c[0]), 3).String(); got != c[1] {
			t.Errorf("%s + 3 months = %s, want %s", c[0], got, c[1])
		}
	}
}

func mustDate(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
