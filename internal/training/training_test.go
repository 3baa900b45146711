package training_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/info/infotest"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
	"gongkai/internal/training"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

type world struct {
	d                      *db.DB
	files                  string
	c                      orgtest.City
	gz0, hz0, cgEd, xgEd   auth.Account
	sessionCity, sessionHz training.Session
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{d: d, files: t.TempDir()}
	day := time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China)
	d.SetClock(func() time.Time { return day })
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		w.c = orgtest.Build(t, ctx, tx)
		w.gz0 = orgtest.Account(t, ctx, tx, "gz-office", "", auth.PublicOfficeCity, w.c.City)
		w.hz0 = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, w.c.Haizhu)
		w.cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, w.c.Chigang)
		w.xgEd = orgtest.Account(t, ctx, tx, "xg-editor", "", auth.UnitEditor, w.c.Xingang)
		return nil
	})
	return w
}

func (w *world) tx(t *testing.T, fn func(ctx context.Context, tx *db.Tx) error) {
	t.Helper()
	if err := w.d.InTx(context.Background(), func(tx *db.Tx) error { return fn(context.Background(), tx) }); err != nil {
		t.Fatal(err)
	}
}

func (w *world) try(fn func(ctx context.Context, tx *db.Tx) (training.Session, error)) (training.Session, error) {
	var s training.Session
	err := w.d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		s, err = fn(context.Background(), tx)
		return err
	})
	return s, err
}

func (w *world) must(t *testing.T, fn func(ctx context.Context, tx *db.Tx) (training.Session, error)) training.Session {
	t.Helper()
	s, err := w.try(fn)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var citySession = training.Input{Date: "2026-04-16", Topic: "2026年政府信息公开申请办理工作业务培训", Kind: string(training.Applications),
	Audience: "各区、市直各部门依申请公开经办人员", AudienceKinds: []string{"district", "city_department", "district"}, Place: "市政府礼堂"}

func TestSessionsAndAttendance(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()

		// Bad input names every field at fault.
		_, err := w.try(func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Create(ctx, tx, w.gz0, w.c.City, training.Input{Date: "2026-02-30", Topic: "", Kind: "party", AudienceKinds: []string{"moon"}})
		})
		if got, want := errs.Fields(err), []string{"audience_kinds", "date", "kind", "topic"}; !slices.Equal(got, want) {
			t.Errorf("bad session: fields %v, want %v (%v)", got, want, err)
		}
		if _, err := w.try(func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Create(ctx, tx, w.gz0, w.c.City, training.Input{Date: "2026-04-16", Topic: "培训", Kind: "general"})
		}); !slices.Equal(errs.Fields(err), []string{"audience"}) {
			t.Errorf("no audience: %v", err)
		}
		// A street's editor may not record the city's sessions.
		if _, err := w.try(func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Create(ctx, tx, w.cgEd, w.c.City, citySession)
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a street records the city's session: %v", err)
		}

		city := w.must(t, func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Create(ctx, tx, w.gz0, w.c.City, citySession)
		})
		if !slices.Equal(city.AudienceKinds, []org.Kind{org.CityDepartment, org.District}) || !city.CitySession() {
			t.Errorf("city session: kinds %v, city %v", city.AudienceKinds, city.CitySession())
		}
		city = w.must(t, func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.AddFile(ctx, tx, w.gz0, w.files, city, "课件.docx", infotest.DOCX("申请办理答复规范"))
		})
		if _, err := w.try(func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.AddFile(ctx, tx, w.gz0, w.files, city, "x.exe", []byte("MZ"))
		}); !slices.Equal(errs.Fields(err), []string{"file"}) {
			t.Errorf("bad material: %v", err)
		}

		// Attendance: bad input, a unit outside the recorder's subtree.
		if _, err := w.try(func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Attend(ctx, tx, w.gz0, city, training.AttendanceInput{Unit: "nowhere", People: "0"})
		}); !slices.Equal(errs.Fields(err), []string{"people", "unit"}) {
			t.Errorf("bad attendance: %v", err)
		}
		for _, in := range []training.AttendanceInput{{Unit: "440105", People: "3"}, {Unit: "440105-001", People: "2", Names: "张三、李四"},
			{Unit: "440104", People: "4"}} {
			city = w.must(t, func(ctx context.Context, tx *db.Tx) (training.Session, error) {
				return training.Attend(ctx, tx, w.gz0, city, in)
			})
		}
		// Recording again replaces the number.
		city = w.must(t, func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Attend(ctx, tx, w.gz0, city, training.AttendanceInput{Unit: "440105", People: "5"})
		})
		if len(city.Attendance) != 3 || city.People != 11 || city.Units != 3 {
			t.Errorf("attendance: %d rows, %d people, %d units", len(city.Attendance), city.People, city.Units)
		}

		// 海珠区's own session, for its streets; it may not record 越秀区.
		hz := w.must(t, func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Create(ctx, tx, w.hz0, w.c.Haizhu, training.Input{Date: "2026-06-10", Topic: "基层政务公开标准化规范化培训", Kind: "general",
				AudienceKinds: []string{"street"}})
		})
		if _, err := w.try(func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Attend(ctx, tx, w.hz0, hz, training.AttendanceInput{Unit: "440104-001", People: "2"})
		}); !slices.Equal(errs.Fields(err), []string{"unit"}) {
			t.Errorf("海珠 records 北京街道: %v", err)
		}
		hz = w.must(t, func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Attend(ctx, tx, w.hz0, hz, training.AttendanceInput{Unit: "440105-001", People: "6"})
		})
		hz = w.must(t, func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Attend(ctx, tx, w.hz0, hz, training.AttendanceInput{Unit: "440105-002", People: "1"})
		})
		hz = w.must(t, func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Unattend(ctx, tx, w.hz0, hz, "440105-002")
		})
		if _, err := w.try(func(ctx context.Context, tx *db.Tx) (training.Session, error) {
			return training.Unattend(ctx, tx, w.hz0, hz, "440105-002")
		}); errs.KindOf(err) != errs.NotFound {
			t.Errorf("unattend twice: %v", err)
		}

		// Who sees what: 赤岗 attended both; 新港 none; a unit that attended
		// sees only its own row of another's session.
		for _, c := range []struct {
			a    auth.Account
			root org.Unit
			want []int64
		}{{w.cgEd, w.c.Chigang, []int64{hz.ID, city.ID}}, {w.xgEd, w.c.Xingang, nil}, {w.hz0, w.c.Haizhu, []int64{hz.ID, city.ID}},
			{w.gz0, w.c.City, []int64{hz.ID, city.ID}}} {
			list, err := training.List(ctx, d, c.root, 2026)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, s := range list {
				got = append(got, s.ID)
				full, _ := training.ByID(ctx, d, s.ID)
				if !training.CanSee(c.a, full) {
					t.Errorf("%s lists session %d it may not see", c.a.Login, s.ID)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s lists %v, want %v", c.a.Login, got, c.want)
			}
		}
		full, _ := training.ByID(ctx, d, city.ID)
		if training.CanSee(w.xgEd, full) {
			t.Error("新港 sees the city's session it did not attend")
		}
		if shown := training.Shown(w.cgEd, full); len(shown) != 1 || shown[0].Unit.Code != "440105-001" || shown[0].Names != "张三、李四" {
			t.Errorf("赤岗 is shown %+v", shown)
		}
		if list, _ := training.List(ctx, d, w.c.City, 2025); len(list) != 0 {
			t.Errorf("2025 lists %d sessions", len(list))
		}

		// The figures of the self-inspection report.
		figs, err := training.FiguresOf(ctx, d, w.c.Haizhu, 2026)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			Code                        string
			Organised, Attended, People int
			City                        bool
		}
		var got []row
		for _, f := range figs {
			got = append(got, row{f.Unit.Code, f.Organised, f.Attended, f.People, f.CitySession})
		}
		want := []row{{"440105", 1, 1, 5, true}, {"440105-001", 0, 2, 8, true}, {"440105-001-01", 0, 0, 0, false}, {"440105-002", 0, 0, 0, false}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("figures mismatch (-want +got):\n%s", diff)
		}
		if f, err := training.ForUnit(ctx, d, w.c.Xingang, 2026); err != nil || f.Attended != 0 || f.CitySession {
			t.Errorf("新港: %+v %v", f, err)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'training.%'`).Scan(&n); err != nil || n != 10 {
			t.Errorf("audit events: %d %v", n, err)
		}
	})
}
