package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/report"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// engines runs fn with a data directory on SQLite and with a fresh
// PostgreSQL database named in the environment, as the command reads it.
func engines(t *testing.T, fn func(t *testing.T, data string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, t.TempDir()) })
	t.Run("postgres", func(t *testing.T) {
		t.Setenv("GONGKAI_DATABASE_URL", dbtest.NewPostgresURL(t))
		fn(t, t.TempDir())
	})
}

// reportWorld gives 赤岗街道 two applications received in 2025, one of them
// answered, and returns the open database.
func reportWorld(t *testing.T, data string) *db.DB {
	t.Helper()
	ctx := context.Background()
	d := cityWorld(t, data)
	err := d.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.ByCode(ctx, tx, "440105-001")
		if err != nil {
			return err
		}
		for i, a := range [][4]string{{"natural_person", "2025-03-02", "granted", "2025-03-10"}, {"commercial_enterprise", "2025-12-29", "", ""}} {
			if _, err := tx.Exec(ctx, `INSERT INTO foi_applications (tracking_no, unit_id, applicant_type, applicant_name, description, channel, submitted_at,
				received_date, status, result, result_date, created_at, updated_at) VALUES (?, ?, ?, '申请人', '申请公开某项信息', 'in_person', ?, ?, 'processing', ?, ?, ?, ?)`,
				"C"+strconv.Itoa(i), u.ID, a[0], tx.Now(), a[1], a[2], a[3], tx.Now(), tx.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestReportAnnual(t *testing.T) {
	engines(t, func(t *testing.T, data string) {
		d := reportWorld(t, data)
		args := func(more ...string) []string {
			return append([]string{"report", "annual", "--data", data, "--unit", "440105-001", "--year", "2025"}, more...)
		}
		st, out, errOut := run(t, "", args()...)
		var js struct {
			Table3 struct {
				Rows []struct {
					Key    string
					Values []int
				}
			}
			Check struct{ OK bool }
		}
		if st != 0 || json.Unmarshal([]byte(out), &js) != nil || len(js.Table3.Rows) != 25 || !js.Check.OK {
			t.Fatalf("json: %d %q %s", st, errOut, out)
		}
		if got := js.Table3.Rows[0].Values; !slices.Equal(got, []int{1, 1, 0, 0, 0, 0, 2}) {
			t.Errorf("new_received %v", got)
		}
		file := filepath.Join(t.TempDir(), "report.html")
		if st, out, errOut := run(t, "", args("--format", "html", "--out", file)...); st != 0 || out != "" {
			t.Fatalf("html: %d %q %q", st, out, errOut)
		}
		if page, _ := os.ReadFile(file); !strings.HasPrefix(string(page), "<!doctype html>") || !strings.Contains(string(page), "<h1>赤岗街道办事处2025年政府信息公开工作年度报告</h1>") {
			t.Errorf("html file: %.200s", page)
		}
		if st, out, _ := run(t, "", args("--format", "xlsx")...); st != 0 {
			t.Errorf("xlsx: %d %.20q", st, out)
		} else if f, err := excelize.OpenReader(strings.NewReader(out)); err != nil {
			t.Errorf("xlsx: not a workbook: %v", err)
		} else {
			title, _ := f.GetCellValue(f.GetSheetList()[0], "A1")
			f.Close()
			if title != "赤岗街道办事处2025年政府信息公开工作年度报告" {
				t.Errorf("xlsx: title %q", title)
			}
		}
		next := strconv.Itoa(time.Now().Year() + 1)
		for _, bad := range [][]string{
			{"report", "annual", "--data", data, "--unit", "440105-001", "--year", "2025", "--format", "pdf"},
			{"report", "annual", "--data", data, "--unit", "nowhere", "--year", "2025"},
			{"report", "annual", "--data", data, "--unit", "440105", "--year", next},
			{"report", "annual", "--data", data, "--unit", "440105", "--year", "MMXXV"},
			{"report", "annual", "--data", data, "--unit", "440105"},
			{"report", "annual", "--data", data, "--unit", "440105", "--year", "2025", "extra"},
			{"report", "weekly"},
		} {
			if st, out, errOut := run(t, "", bad...); st != 2 || out != "" || errOut == "" || strings.Contains(errOut, "goroutine") {
				t.Errorf("%v: exit %d, out %q, stderr %q", bad[2:], st, out, errOut)
			}
		}
		if _, _, errOut := run(t, "", args("--format", "pdf")...); !strings.Contains(errOut, "pdf") {
			t.Errorf("bad format: %q", errOut)
		}

		// Publishing: refused without the texts, naming them; the current
		// year is refused; then the report is published in the 年报 column.
		st, out, errOut = run(t, "", args("--publish")...)
		if st != 2 || out != "" || !strings.Contains(errOut, "一、总体情况") {
			t.Errorf("publish without texts: %d %q", st, errOut)
		}
		this := []string{"report", "annual", "--data", data, "--unit", "440105-001", "--year", strconv.Itoa(time.Now().Year()), "--publish"}
		if st, _, errOut := run(t, "", this...); st != 2 || !strings.Contains(errOut, "尚未结束") {
			t.Errorf("publish this year: %d %q", st, errOut)
		}
		ctx := context.Background()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			u, err := org.ByCode(ctx, tx, "440105-001")
			if err != nil {
				return err
			}
			a := auth.Account{Login: "test", Role: auth.UnitEditor, Unit: u}
			return report.SaveInputs(ctx, tx, a, u, 2025, report.Input{Texts: report.Texts{Overview: "总体情况。", Problems: "问题。", Other: "无。"}, Licensing: "3"})
		})
		if err != nil {
			t.Fatal(err)
		}
		st, out, errOut = run(t, "", args("--publish", "--format", "html")...)
		if st != 0 || !strings.Contains(errOut, "已发布") || !strings.Contains(out, "<td>3</td>") {
			t.Fatalf("publish: %d %q %.100s", st, errOut, out)
		}
		recs, err := info.PublishedRecords(ctx, d, info.Filter{Column: info.ColumnReports})
		if err != nil || len(recs) != 1 || recs[0].Title != "赤岗街道办事处2025年政府信息公开工作年度报告" {
			t.Errorf("年报 column: %v %v", recs, err)
		}
	})
}
