package opinion_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/opinion"
	"gongkai/internal/orgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// world is the small city of orgtest with 海珠's and 越秀's offices, the
// city office, and staff of 赤岗, 新港 and 北京, on the real calendar.
type world struct {
	t                                     *testing.T
	d                                     *db.DB
	cal                                   *calendar.Calendar
	c                                     orgtest.City
	city, hz, yx, cgEd, cgRev, xgEd, bjEd auth.Account
	hzEditor, supervisor                  auth.Account
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{t: t, d: d, cal: calendar.Default()}
	w.on("2026-09-30")
	w.tx(func(tx *db.Tx) error {
		ctx := context.Background()
		w.c = orgtest.Build(t, ctx, tx)
		w.city = orgtest.Account(t, ctx, tx, "gz-office", "", auth.PublicOfficeCity, w.c.City)
		w.hz = orgtest.Account(t, ctx, tx, "hz-office", "hz@example.gov.cn", auth.PublicOfficeDistrict, w.c.Haizhu)
		w.yx = orgtest.Account(t, ctx, tx, "yx-office", "", auth.PublicOfficeDistrict, w.c.Yuexiu)
		w.cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "CG@example.gov.cn", auth.UnitEditor, w.c.Chigang)
		w.cgRev = orgtest.Account(t, ctx, tx, "cg-reviewer", "cgrev@example.gov.cn", auth.UnitReviewer, w.c.Chigang)
		w.xgEd = orgtest.Account(t, ctx, tx, "xg-editor", "xg@example.gov.cn", auth.UnitEditor, w.c.Xingang)
		w.bjEd = orgtest.Account(t, ctx, tx, "bj-editor", "bj@example.gov.cn", auth.UnitEditor, w.c.Beijing)
		w.hzEditor = orgtest.Account(t, ctx, tx, "hz-editor", "", auth.UnitEditor, w.c.Haizhu)
		var err error
		w.supervisor, err = auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: "supervisor", Password: "password-2026",
			Role: auth.DomainSupervisor, UnitCode: w.c.City.Code, Domain: "养老服务"})
		return err
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

// try runs fn in a transaction and returns the item it made or its error.
func (w *world) try(fn func(ctx context.Context, tx *db.Tx) (opinion.Item, error)) (opinion.Item, error) {
	var it opinion.Item
	err := w.d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		it, err = fn(context.Background(), tx)
		return err
	})
	return it, err
}

// must is try failing the test on error.
func (w *world) must(fn func(ctx context.Context, tx *db.Tx) (opinion.Item, error)) opinion.Item {
	w.t.Helper()
	it, err := w.try(fn)
	if err != nil {
		w.t.Fatal(err)
	}
	return it
}

func input(level string) opinion.Input {
	return opinion.Input{Title: "网传海珠区某小区停水三天无人处理", Source: opinion.Online, Level: level,
		Summary: "网民在微博发帖称小区停水三天，物业和街道无人回应，联系电话13912345678。", Project: "老旧小区供水管网改造", Found: "2026-09-30T08:30"}
}

func (w *world) register(a auth.Account, level string) opinion.Item {
	w.t.Helper()
	return w.must(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
		return opinion.Register(ctx, tx, a, input(level))
	})
}

func (w *world) assign(a auth.Account, id int64, due string, units ...string) (opinion.Item, error) {
	return w.try(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
		return opinion.Assign(ctx, tx, w.cal, a, id, opinion.AssignInput{Units: units, Due: due})
	})
}

func (w *world) respond(a auth.Account, id, part int64) (opinion.Item, error) {
	return w.try(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
		return opinion.Respond(ctx, tx, a, id, part, opinion.ResponseInput{Handling: "已联系供水企业抢修，当日恢复供水。",
			Response: "经核查，该小区因管网爆裂停水，已于当日抢修完毕恢复供水。", Link: "https://www.haizhu.gov.cn/hdjl/yqhy/1.html"})
	})
}

func (w *world) count(table string) int {
	w.t.Helper()
	var n int
	if err := w.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// fields lists the fields an error names.
func fields(err error) []string {
	var out []string
	var m errs.Multi
	if errors.As(err, &m) {
		for _, e := range m {
			out = append(out, e.Field)
		}
	} else if e := errs.As(err); e != nil && e.Field != "" {
		out = append(out, e.Field)
	}
	return out
}

func partFor(t *testing.T, it opinion.Item, code string) opinion.Assignment {
	t.Helper()
	for _, p := range it.Parts {
		if p.Unit.Code == code {
			return p
		}
	}
	t.Fatalf("no part for %s in %+v", code, it.Parts)
	return opinion.Assignment{}
}

// The whole handling of a major item over 国庆 2026: registered and given
// to 赤岗 and 新港 on 30 September, due on the first working day after the
// holiday; a leader's instruction; 赤岗 answers in time, 新港 is urged
// and answers late; the office closes and publishes it.
func TestWorkflow(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		it := w.register(w.hz, opinion.Major)
		if it.State != opinion.Registered || it.Office.Code != "440105" || it.FoundDate != "2026-09-30" || it.FoundAt.Hour() != 8 {
			t.Fatalf("registered %+v", it)
		}
		it, err := w.assign(w.hz, it.ID, "", "440105-001", "440105-002", " 440105-001 ")
		if err != nil {
			t.Fatal(err)
		}
		if it.State != opinion.Assigned || len(it.Parts) != 2 {
			t.Fatalf("assigned %+v", it)
		}
		cg, xg := partFor(t, it, "440105-001"), partFor(t, it, "440105-002")
		// 重大: one working day after 30 September is 8 October, after 国庆.
		if cg.Due.String() != "2026-10-08" || cg.Days != 1 || cg.Assigned.String() != "2026-09-30" {
			t.Errorf("due %s after %d days from %s, want 2026-10-08", cg.Due, cg.Days, cg.Assigned)
		}
		it = w.must(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
			return opinion.Instruct(ctx, tx, w.hz, it.ID, opinion.InstructionInput{Leader: "区长", Day: "2026-09-30", Text: "请迅速核实，及时回应群众关切。"})
		})
		if len(it.Instructions) != 1 || it.Instructions[0].Leader != "区长" {
			t.Errorf("instructions %+v", it.Instructions)
		}

		w.on("2026-10-08")
		if it, err = w.respond(w.cgEd, it.ID, cg.ID); err != nil {
			t.Fatal(err)
		}
		if cg = partFor(t, it, "440105-001"); !cg.Responded || !cg.OnTime() || cg.RespondedOn != "2026-10-08" || it.State != opinion.Assigned {
			t.Errorf("赤岗 responded %+v, item %s", cg, it.State)
		}

		w.on("2026-10-09")
		it = w.must(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
			return opinion.Urge(ctx, tx, w.hz, it.ID, xg.ID, "请今天内回应", true, "https://gongkai.example.gov.cn/")
		})
		if len(it.Urges) != 1 || !slices.Equal(it.Urges[0].Recipients, []string{"xg@example.gov.cn"}) || it.Urges[0].Unit.Code != "440105-002" {
			t.Errorf("urges %+v", it.Urges)
		}
		var subject, body string
		if err := d.QueryRow(context.Background(), `SELECT subject, body FROM push_outbox WHERE kind = ? AND recipient = ?`,
			opinion.KindUrge, "xg@example.gov.cn").Scan(&subject, &body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(subject, "2026-10-08") || !strings.Contains(body, "https://gongkai.example.gov.cn/admin/opinion/") || !strings.Contains(body, "请今天内回应") {
			t.Errorf("urge %q\n%s", subject, body)
		}
		if _, err := w.try(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
			return opinion.Close(ctx, tx, w.hz, it.ID, "已处置完毕。")
		}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("closed with 新港 pending: %v", err)
		}
		if it, err = w.respond(w.xgEd, it.ID, xg.ID); err != nil {
			t.Fatal(err)
		}
		if xg = partFor(t, it, "440105-002"); xg.OnTime() || it.State != opinion.Responded {
			t.Errorf("新港 late %+v, item %s", xg, it.State)
		}
		if _, err := w.try(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
			return opinion.Urge(ctx, tx, w.hz, it.ID, xg.ID, "", true, "")
		}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("urged a unit that responded: %v", err)
		}
		it = w.must(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
			return opinion.Close(ctx, tx, w.hz, it.ID, "两街道已回应，供水恢复正常，群众联系电话13912345678已回访。")
		})
		if it.State != opinion.Closed || it.ClosedDate != "2026-10-09" || it.ClosedBy != "hz-office" {
			t.Errorf("closed %+v", it)
		}
		if _, err := w.respond(w.cgEd, it.ID, cg.ID); errs.KindOf(err) != errs.Conflict {
			t.Errorf("responded on a closed item: %v", err)
		}
		it = w.must(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
			return opinion.Publish(ctx, tx, w.hz, it.ID, true)
		})
		if !it.Published || it.PublishedBy != "hz-office" {
			t.Errorf("published %+v", it)
		}
		pub, err := opinion.PublishedByID(context.Background(), d, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(pub.Summary, "13912345678") || strings.Contains(pub.Conclusion, "13912345678") || len(pub.Responses) != 2 ||
			pub.Responses[0].Link == "" || pub.Closed != "2026-10-09" {
			t.Errorf("public %+v", pub)
		}
		var actions []string
		rows, err := d.Query(context.Background(), `SELECT action FROM audit_events WHERE object_type = 'opinion' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a string
			rows.Scan(&a)
			actions = append(actions, a)
		}
		rows.Close()
		want := []string{"opinion.registered", "opinion.assigned", "opinion.assigned", "opinion.instructed", "opinion.responded", "opinion.urged",
			"opinion.responded", "opinion.closed", "opinion.published"}
		if !slices.Equal(actions, want) {
			t.Errorf("audit %v, want %v", actions, want)
		}
		w.must(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
			return opinion.Publish(ctx, tx, w.hz, it.ID, false)
		})
		if _, err := opinion.PublishedByID(context.Background(), d, it.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("withdrawn item still public: %v", err)
		}
	})
}

// The default due dates of each level across 中秋 and 国庆 2026 and the
// adjusted working days around them (Sunday 20 September and Saturday
// 10 October are working days).
func TestDefaultDueAcrossHolidays(t *testing.T) {
	cal := calendar.Default()
	for _, c := range []struct{ from, level, want string }{
		{"2026-09-30", opinion.Major, "2026-10-08"},
		{"2026-09-30", opinion.Significant, "2026-10-10"},
		{"2026-09-30", opinion.General, "2026-10-13"},
		{"2026-09-18", opinion.Significant, "2026-09-22"},
		{"2026-09-24", opinion.General, "2026-10-09"},
		// 2027's holidays are not loaded: plain weeks, 1 January a Friday
		// like any other until they are.
		{"2026-12-31", opinion.Major, "2027-01-01"},
	} {
		from, _ := calendar.ParseDate(c.from)
		got, err := opinion.DefaultDue(cal, c.level, from)
		if err != nil || got.String() != c.want {
			t.Errorf("%s %s: got %s %v, want %s", c.from, c.level, got, err, c.want)
		}
	}
}

// Who sees and does what: the offices above the item manage it, another
// district's office sees nothing, a unit sees only its own part and
// answers only for it, a domain supervisor has no part.
func TestScope(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		it := w.register(w.hz, opinion.General)
		it, err := w.assign(w.hz, it.ID, "2026-10-12", "440105-001", "440105-002")
		if err != nil {
			t.Fatal(err)
		}
		cg, xg := partFor(t, it, "440105-001"), partFor(t, it, "440105-002")
		for _, c := range []struct {
			who   auth.Account
			sees  bool
			parts int
		}{{w.hz, true, 2}, {w.city, true, 2}, {w.yx, false, 0}, {w.cgEd, true, 1}, {w.cgRev, true, 1}, {w.xgEd, true, 1},
			{w.bjEd, false, 0}, {w.hzEditor, true, 2}, {w.supervisor, false, 0}} {
			got, err := opinion.ByID(ctx, d, c.who, it.ID)
			switch {
			case c.sees && (err != nil || len(got.Parts) != c.parts):
				t.Errorf("%s: %v, %d parts, want %d", c.who.Login, err, len(got.Parts), c.parts)
			case !c.sees && errs.KindOf(err) != errs.NotFound:
				t.Errorf("%s sees the item: %v", c.who.Login, err)
			}
			list, total, err := opinion.List(ctx, d, opinion.Filter{Account: c.who})
			if err != nil || (total == 1) != c.sees || len(list) != total {
				t.Errorf("%s lists %d (%v), sees %v", c.who.Login, total, err, c.sees)
			}
		}
		if got, _ := opinion.ByID(ctx, d, w.cgEd, it.ID); got.Parts[0].Unit.Code != "440105-001" {
			t.Errorf("赤岗 sees %s's part", got.Parts[0].Unit.Code)
		}
		before := w.count("audit_events")
		for _, c := range []struct {
			what string
			kind errs.Kind
			fn   func(ctx context.Context, tx *db.Tx) (opinion.Item, error)
		}{
			{"赤岗 answers for 新港", errs.NotFound, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Respond(ctx, tx, w.cgEd, it.ID, xg.ID, opinion.ResponseInput{Handling: "越界", Response: "越界"})
			}},
			{"北京 answers", errs.NotFound, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Respond(ctx, tx, w.bjEd, it.ID, cg.ID, opinion.ResponseInput{Handling: "越界", Response: "越界"})
			}},
			{"the office answers for 赤岗", errs.Forbidden, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Respond(ctx, tx, w.hz, it.ID, cg.ID, opinion.ResponseInput{Handling: "越界", Response: "越界"})
			}},
			{"赤岗 assigns", errs.Forbidden, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Assign(ctx, tx, w.cal, w.cgEd, it.ID, opinion.AssignInput{Units: []string{"440105-001-01"}})
			}},
			{"越秀 assigns", errs.NotFound, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Assign(ctx, tx, w.cal, w.yx, it.ID, opinion.AssignInput{Units: []string{"440104-001"}})
			}},
			{"越秀 urges", errs.NotFound, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Urge(ctx, tx, w.yx, it.ID, cg.ID, "", true, "")
			}},
			{"赤岗 urges", errs.Forbidden, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Urge(ctx, tx, w.cgRev, it.ID, cg.ID, "", true, "")
			}},
			{"越秀 closes", errs.NotFound, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Close(ctx, tx, w.yx, it.ID, "越界")
			}},
			{"赤岗 publishes", errs.Forbidden, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Publish(ctx, tx, w.cgEd, it.ID, true)
			}},
			{"the supervisor instructs", errs.NotFound, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Instruct(ctx, tx, w.supervisor, it.ID, opinion.InstructionInput{Leader: "某", Day: "2026-09-30", Text: "越界"})
			}},
			{"北京's editor registers an item", errs.Forbidden, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Register(ctx, tx, w.bjEd, input(opinion.General))
			}},
			{"海珠 gives the item to 北京", errs.Invalid, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Assign(ctx, tx, w.cal, w.hz, it.ID, opinion.AssignInput{Units: []string{"440104-001"}})
			}},
		} {
			if _, err := w.try(c.fn); errs.KindOf(err) != c.kind {
				t.Errorf("%s: %v, want %v", c.what, err, c.kind)
			}
		}
		if n := w.count("audit_events"); n != before {
			t.Errorf("refused steps wrote %d audit events", n-before)
		}
		// The city office, above 海珠, may take every office step.
		if _, err := w.assign(w.city, it.ID, "", "440100"); err != nil {
			t.Errorf("the city office assigns: %v", err)
		}
	})
}
