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

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/app"
	"gongkai/internal/attrs"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// cityWorld opens the database at data (or GONGKAI_DATABASE_URL) with the
// city, 海珠区 and 赤岗街道.
func cityWorld(t *testing.T, data string) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := app.OpenDB(ctx, app.Config{DataDir: data, DatabaseURL: os.Getenv("GONGKAI_DATABASE_URL")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
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
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// writeLines writes a JSON Lines file and returns its path.
func writeLines(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "records.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportAndReviewAttributes(t *testing.T) {
	engines(t, func(t *testing.T, data string) {
		d := cityWorld(t, data)
		ctx := context.Background()
		lines := []string{
			`{"unit":"440105-001","index_no":"CG-2","title":"赤岗街道关于某事项的请示","written_date":"2024-05-06","attribute":"不予公开","reason":"过程性信息（条例第十六条）"}`,
			`{"unit":"440105-001","index_no":"CG-1","title":"赤岗街道社区网格化管理工作方案","written_date":"2024-02-01","attribute":"依申请公开","reason":"涉及个人信息（条例第十五条）"}`,
			`{"unit":"440105-001","index_no":"CG-3","title":"赤岗街道2024年工作要点","written_date":"2024-03-01","published_date":"2024-03-04","validity":"失效"}`,
			`{"unit":"440105-001","index_no":"CG-4","title":"赤岗街道2024年民生实事","written_date":"2024-03-01","published_date":"2024-03-04"}`,
			`{"unit":"440105-001","index_no":"CG-5","title":"赤岗街道2025年内部文件","written_date":"2025-03-01","attribute":"withheld","reason":"内部事务"}`,
		}
		// A bad attribute or a missing reason: exit 2 naming the line,
		// nothing written.
		for _, bad := range []string{
			`{"unit":"440105-001","index_no":"X-1","title":"坏文件","written_date":"2024-01-01","attribute":"半公开","reason":"x"}`,
			`{"unit":"440105-001","index_no":"X-1","title":"坏文件","written_date":"2024-01-01","attribute":"依申请公开"}`,
		} {
			st, out, errOut := run(t, "", "import", "info", writeLines(t, append(slices.Clone(lines), bad)...), "--data", data)
			if st != 2 || out != "" || !strings.Contains(errOut, "第6行") {
				t.Errorf("bad line: exit %d, %q %q", st, out, errOut)
			}
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM info_records`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d records after refused imports (%v)", n, err)
		}
		if st, out, errOut := run(t, "", "import", "info", writeLines(t, lines...), "--data", data); st != 0 || !strings.Contains(out, `"created":5`) {
			t.Fatalf("import: %d %q %q", st, out, errOut)
		}

		args := []string{"review", "attributes", "--unit", "440105-001", "--year", "2026", "--data", data}
		st, out, errOut := run(t, "", append(args, "--json")...)
		if st != 0 {
			t.Fatalf("review --json: %d %q", st, errOut)
		}
		var got struct {
			Window struct {
				From string `json:"from"`
				To   string `json:"to"`
			} `json:"window"`
			Documents []struct {
				IndexNo     string `json:"index_no"`
				Title       string `json:"title"`
				WrittenDate string `json:"written_date"`
				Attribute   string `json:"attribute"`
			} `json:"documents"`
		}
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		var raw map[string]json.RawMessage
		json.Unmarshal([]byte(out), &raw)
		if len(raw) != 2 {
			t.Errorf("top-level keys: %s", out)
		}
		var docs []map[string]any
		json.Unmarshal(raw["documents"], &docs)
		for _, doc := range docs {
			if len(doc) != 4 {
				t.Errorf("document keys: %v", doc)
			}
		}
		if got.Window.From != "2024-01-01" || got.Window.To != "2024-12-31" {
			t.Errorf("window %+v", got.Window)
		}
		type row struct{ IndexNo, Title, WrittenDate, Attribute string }
		var rows []row
		for _, d := range got.Documents {
			rows = append(rows, row{d.IndexNo, d.Title, d.WrittenDate, d.Attribute})
		}
		want := []row{{"CG-1", "赤岗街道社区网格化管理工作方案", "2024-02-01", "on_request"}, {"CG-3", "赤岗街道2024年工作要点", "2024-03-01", "active"},
			{"CG-2", "赤岗街道关于某事项的请示", "2024-05-06", "withheld"}}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("documents (-want +got):\n%s", diff)
		}
		// Without documents in scope: an empty list, not null.
		if st, out, _ := run(t, "", "review", "attributes", "--unit", "440105", "--year", "2026", "--data", data, "--json"); st != 0 ||
			out != `{"documents":[],"window":{"from":"2024-01-01","to":"2024-12-31"}}`+"\n" {
			t.Errorf("no documents: %d %q", st, out)
		}

		// Once the office opens the review, the table says where each
		// document stands.
		err := d.InTx(ctx, func(tx *db.Tx) error {
			hz, err := org.ByCode(ctx, tx, "440105")
			if err != nil {
				return err
			}
			_, err = attrs.OpenReview(ctx, tx, auth.Account{Login: "hz-office", Role: auth.PublicOfficeDistrict, Unit: hz}, "2026")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		st, out, errOut = run(t, "", args...)
		if st != 0 {
			t.Fatalf("review table: %d %q", st, errOut)
		}
		for _, s := range []string{"赤岗街道办事处（440105-001）2026年公开属性评估调整", "成文日期2024-01-01至2024-12-31", "CG-1", "依申请公开", "待单位提出意见", "赤岗街道关于某事项的请示", "共3件。"} {
			if !strings.Contains(out, s) {
				t.Errorf("the table lacks %q:\n%s", s, out)
			}
		}
		if strings.Contains(out, "CG-4") || strings.Contains(out, "CG-5") {
			t.Errorf("the table lists documents out of scope:\n%s", out)
		}

		next := strconv.Itoa(time.Now().Year() + 1)
		for _, bad := range [][]string{
			{"review", "attributes", "--data", data, "--unit", "440105-001"},
			{"review", "attributes", "--data", data, "--year", "2026"},
			{"review", "attributes", "--data", data, "--unit", "nowhere", "--year", "2026"},
			{"review", "attributes", "--data", data, "--unit", "440105-001", "--year", "二〇二六"},
			{"review", "attributes", "--data", data, "--unit", "440105-001", "--year", next},
			{"review", "attributes", "--data", data, "--unit", "440105-001", "--year", "1999", "--json"},
			{"review", "attributes", "--data", data, "--unit", "440105-001", "--year", "2026", "extra"},
			{"review", "attributes", "--data", data, "--unit", "440105-001", "--year", "2026", "--json=maybe"},
			{"review", "nonsense"},
		} {
			st, out, errOut := run(t, "", bad...)
			if st != 2 || out != "" || errOut == "" || strings.Contains(errOut, "goroutine") {
				t.Errorf("%v: exit %d, out %q, stderr %q", bad[2:], st, out, errOut)
			}
		}
		if _, _, errOut := run(t, "", "review", "attributes", "--data", data, "--unit", "nowhere", "--year", "2026"); !strings.Contains(errOut, "nowhere") {
			t.Errorf("bad unit: %q", errOut)
		}
		if _, _, errOut := run(t, "", "review", "attributes", "--data", data, "--unit", "440105-001", "--year", "1999"); !strings.Contains(errOut, "1999") {
			t.Errorf("bad year: %q", errOut)
		}
	})
}

// The English listing says its words in English.
func TestReviewAttributesInEnglish(t *testing.T) {
	data := t.TempDir()
	cityWorld(t, data)
	t.Setenv("GONGKAI_LANG", "en")
	st, out, errOut := run(t, "", "review", "attributes", "--unit", "440105-001", "--year", "2026", "--data", data)
	if st != 0 {
		t.Fatalf("exit %d: %s", st, errOut)
	}
	if want := "Attribute review 2026 of 赤岗街道办事处 (440105-001)\nDocuments written from 2024-01-01 to 2024-12-31\nNo documents in scope.\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}
