package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/opinion"
	"gongkai/internal/org"
	"gongkai/internal/readertest"
)

// opinionWorld gives 海珠区 an item found on the 10th of last month, given
// to 赤岗 who answered the same day, and returns its month.
func opinionWorld(t *testing.T, data string) string {
	t.Helper()
	ctx := context.Background()
	d, err := app.OpenDB(ctx, app.Config{DataDir: data, DatabaseURL: os.Getenv("GONGKAI_DATABASE_URL")})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	now := time.Now().In(calendar.China)
	day := time.Date(now.Year(), now.Month()-1, 10, 9, 0, 0, 0, calendar.China)
	d.SetClock(func() time.Time { return day })
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for _, n := range []org.NewUnit{
			{Code: "440100", Name: "广州市人民政府", Kind: org.City},
			{Code: "440105", Name: "海珠区人民政府", Kind: org.District, ParentCode: "440100"},
			{Code: "440105-001", Name: "赤岗街道办事处", Kind: org.Street, ParentCode: "440105"},
		} {
			if _, err := org.Create(ctx, tx, "test", nil, n); err != nil {
				return err
			}
		}
		office, err := auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: "hz-office", Password: "password-2026", Role: auth.PublicOfficeDistrict, UnitCode: "440105"})
		if err != nil {
			return err
		}
		editor, err := auth.CreateAccount(ctx, tx, "test", nil, auth.NewAccount{Login: "cg-editor", Password: "password-2026", Role: auth.UnitEditor, UnitCode: "440105-001"})
		if err != nil {
			return err
		}
		it, err := opinion.Register(ctx, tx, office, opinion.Input{Title: "网传某小区停水", Source: opinion.Press, Level: opinion.Major, Summary: "报纸报道小区停水。",
			Found: day.Format("2006-01-02") + "T08:00"})
		if err != nil {
			return err
		}
		if it, err = opinion.Assign(ctx, tx, calendar.Default(), office, it.ID, opinion.AssignInput{Units: []string{"440105-001"}}); err != nil {
			return err
		}
		_, err = opinion.Respond(ctx, tx, editor, it.ID, it.Parts[0].ID, opinion.ResponseInput{Handling: "已抢修", Response: "已恢复供水"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return day.Format("2006-01")
}

func TestOpinionSummary(t *testing.T) {
	engines(t, func(t *testing.T, data string) {
		month := opinionWorld(t, data)
		args := func(more ...string) []string {
			return append([]string{"opinion", "summary", "--data", data, "--scope", "440105", "--month", month}, more...)
		}
		st, out, errOut := run(t, "", args()...)
		var s struct {
			Scope      string   `json:"scope"`
			Month      string   `json:"month"`
			Total      int      `json:"total"`
			OnTime     int      `json:"on_time"`
			OnTimeRate *float64 `json:"on_time_rate"`
			ByLevel    []struct {
				Key string `json:"key"`
				N   int    `json:"n"`
			} `json:"by_level"`
			Items []struct {
				Title string `json:"title"`
				Units []struct {
					Code   string `json:"code"`
					OnTime *bool  `json:"on_time"`
				} `json:"units"`
			} `json:"items"`
		}
		if st != 0 || json.Unmarshal([]byte(out), &s) != nil {
			t.Fatalf("json: %d %q %s", st, errOut, out)
		}
		if s.Scope != "440105" || s.Month != month || s.Total != 1 || s.OnTime != 1 || s.OnTimeRate == nil || *s.OnTimeRate != 1 ||
			s.ByLevel[2].Key != "major" || s.ByLevel[2].N != 1 || len(s.Items) != 1 || s.Items[0].Units[0].Code != "440105-001" || !*s.Items[0].Units[0].OnTime {
			t.Errorf("summary %s", out)
		}
		file := filepath.Join(t.TempDir(), "summary.xlsx")
		since := time.Now()
		if st, out, errOut := run(t, "", args("--format", "xlsx", "--out", file)...); st != 0 || out != "" {
			t.Fatalf("xlsx: %d %q %q", st, out, errOut)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		wb := readertest.MustOpenXLSX(t, b)
		readertest.CheckWorkbook(t, wb, since)
		if l := wb.Sheet(t, "事项明细"); len(l.Rows) != 3 || l.Cell(3, 3) != "网传某小区停水" {
			t.Errorf("xlsx rows %v", l.Rows)
		}
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"opinion", "summary", "--data", data, "--month", month}, "--scope"},
			{[]string{"opinion", "summary", "--data", data, "--scope", "440105"}, "--month"},
			{args("--format", "pdf"), "pdf"},
			{[]string{"opinion", "summary", "--data", data, "--scope", "440105", "--month", "2026-13"}, "2026-13"},
			{[]string{"opinion", "summary", "--data", data, "--scope", "440105", "--month", "2999-01"}, "2999-01"},
			{[]string{"opinion", "summary", "--data", data, "--scope", "999999", "--month", month}, "999999"},
			{args("extra"), ""},
		} {
			st, out, errOut := run(t, "", c.args...)
			if st != 2 || out != "" || !strings.Contains(errOut, c.want) {
				t.Errorf("%v: %d %q %q", c.args, st, out, errOut)
			}
		}
	})
}
