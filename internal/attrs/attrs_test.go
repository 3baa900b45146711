package attrs_test

import (
	"context"
	"encoding/json"
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
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/orgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// world is the small city of orgtest with 海珠区's and 越秀区's offices,
// the city office, and the staff of 赤岗, 新港 and 北京.
type world struct {
	d                              *db.DB
	city, hz, cg, xg, bj           org.Unit
	cityOffice, hzOffice, yxOffice auth.Account
	cgEd, cgRev, xgEd, bjEd        auth.Account
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{d: d}
	w.at("2026-07-15")
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		c := orgtest.Build(t, ctx, tx)
		w.city, w.hz, w.cg, w.xg, w.bj = c.City, c.Haizhu, c.Chigang, c.Xingang, c.Beijing
		w.cityOffice = orgtest.Account(t, ctx, tx, "gz-office", "", auth.PublicOfficeCity, c.City)
		w.hzOffice = orgtest.Account(t, ctx, tx, "hz-office", "", auth.PublicOfficeDistrict, c.Haizhu)
		w.yxOffice = orgtest.Account(t, ctx, tx, "yx-office", "", auth.PublicOfficeDistrict, c.Yuexiu)
		w.cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, c.Chigang)
		w.cgRev = orgtest.Account(t, ctx, tx, "cg-reviewer", "", auth.UnitReviewer, c.Chigang)
		w.xgEd = orgtest.Account(t, ctx, tx, "xg-editor", "", auth.UnitEditor, c.Xingang)
		w.bjEd = orgtest.Account(t, ctx, tx, "bj-editor", "", auth.UnitEditor, c.Beijing)
		return nil
	})
	return w
}

// at sets the database clock to 09:00 China time on day.
func (w *world) at(day string) {
	d, err := calendar.ParseDate(day)
	if err != nil {
		panic(err)
	}
	t := time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, calendar.China)
	w.d.SetClock(func() time.Time { return t })
}

func (w *world) tx(t *testing.T, fn func(ctx context.Context, tx *db.Tx) error) {
	t.Helper()
	if err := w.try(fn); err != nil {
		t.Fatal(err)
	}
}

func (w *world) try(fn func(ctx context.Context, tx *db.Tx) error) error {
	ctx := context.Background()
	return w.d.InTx(ctx, func(tx *db.Tx) error { return fn(ctx, tx) })
}

// doc is a line of an import: a document of unit, written on a day, of an
// attribute ("" for 主动公开, published the next day), and validity.
type doc struct {
	unit, index, written, attribute, validity string
}

// load imports docs through info.Import, as records kept elsewhere arrive.
func (w *world) load(t *testing.T, docs ...doc) {
	t.Helper()
	var lines []string
	for _, d := range docs {
		l := map[string]string{"unit": d.unit, "index_no": d.index, "title": "文件" + d.index, "written_date": d.written, "body_text": "正文"}
		if d.attribute != "" {
			l["attribute"], l["reason"] = d.attribute, "《政府信息公开条例》第十六条"
		} else {
			day, _ := calendar.ParseDate(d.written)
			l["published_date"] = day.AddDays(1).String()
		}
		if d.validity != "" {
			l["validity"] = d.validity
		}
		b, _ := json.Marshal(l)
		lines = append(lines, string(b))
	}
	w.tx(t, func(ctx context.Context, tx *db.Tx) error {
		_, err := info.Import(ctx, tx, "test", nil, strings.NewReader(strings.Join(lines, "\n")))
		return err
	})
}

func (w *world) record(t *testing.T, index string) info.Record {
	t.Helper()
	r, err := info.ByIndexNo(context.Background(), w.d, index)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// count counts the rows of a table.
func (w *world) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fields returns the fields an error names, sorted.
func fields(err error) []string {
	var out []string
	var m errs.Multi
	if errors.As(err, &m) {
		for _, e := range m {
			out = append(out, e.Field)
		}
	} else if e := errs.As(err); e != nil {
		out = append(out, e.Field)
	}
	slices.Sort(out)
	return out
}

func wantKind(t *testing.T, what string, err error, k errs.Kind) {
	t.Helper()
	if errs.KindOf(err) != k {
		t.Errorf("%s: %v (kind %v), want kind %v", what, err, errs.KindOf(err), k)
	}
}

func wantFields(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := fields(err); !slices.Equal(got, want) || errs.KindOf(err) != errs.Invalid {
		t.Errorf("%s: fields %v (%v), want %v", what, got, err, want)
	}
}
