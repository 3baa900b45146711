package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/app"
	"gongkai/internal/assess"
	"gongkai/internal/calendar"
	"gongkai/internal/figures/figurestest"
	"gongkai/internal/readertest"
)

// yearWorld opens the data directory's database and does 赤岗街道's known
// year in it.
func yearWorld(t *testing.T, data string) *figurestest.World {
	t.Helper()
	d, err := app.OpenDB(context.Background(), app.Config{DataDir: data, DatabaseURL: os.Getenv("GONGKAI_DATABASE_URL")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	w := figurestest.New(t, d)
	w.Year2026()
	return w
}

func TestReportSelf(t *testing.T) {
	engines(t, func(t *testing.T, data string) {
		yearWorld(t, data)
		args := func(more ...string) []string {
			return append([]string{"report", "self", "--data", data, "--unit", "440105-001", "--year", "2026"}, more...)
		}
		st, out, errOut := run(t, "", args()...)
		if st != 0 {
			t.Fatalf("json: %d %s", st, errOut)
		}
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		var doc struct {
			Unit     string `json:"unit"`
			Year     int    `json:"year"`
			Sections []struct {
				Key     string         `json:"key"`
				Title   string         `json:"title"`
				Figures map[string]any `json:"figures"`
				Text    string         `json:"text"`
			} `json:"sections"`
		}
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("%v: %.300s", err, out)
		}
		var keys []string
		for _, s := range doc.Sections {
			keys = append(keys, s.Key)
			if s.Key == "applications" {
				want := map[string]any{}
				b, _ := json.Marshal(figurestest.Want.Applications.Map())
				json.Unmarshal(b, &want)
				if diff := cmp.Diff(want, s.Figures); diff != "" {
					t.Errorf("applications (-want +got):\n%s", diff)
				}
			}
		}
		if doc.Unit != "440105-001" || doc.Year != 2026 || !slices.Equal(keys, []string{"catalogs", "information", "attributes", "participation",
			"interpretation", "opinion", "push", "training", "applications", "inspection", "problems"}) {
			t.Errorf("unit %q year %d sections %v", doc.Unit, doc.Year, keys)
		}
		file := filepath.Join(t.TempDir(), "report.docx")
		if st, out, errOut := run(t, "", args("--format", "docx", "--out", file)...); st != 0 || out != "" {
			t.Fatalf("docx: %d %q %q", st, out, errOut)
		}
		b, _ := os.ReadFile(file)
		if text := readertest.DocxText(t, b); !strings.Contains(text, "赤岗街道办事处2026年政务公开工作自查报告") || !strings.Contains(text, "九、依申请公开情况") {
			t.Errorf("docx: %.300s", text)
		}
		if st, out, _ := run(t, "", args("--format", "html")...); st != 0 || !strings.HasPrefix(out, "<!doctype html>") {
			t.Errorf("html: %d %.100s", st, out)
		}
		for _, bad := range [][]string{
			args("--format", "pdf"),
			{"report", "self", "--data", data, "--unit", "nowhere", "--year", "2026"},
			{"report", "self", "--data", data, "--unit", "440105-001-01", "--year", "2026"}, // a community makes none
			{"report", "self", "--data", data, "--unit", "440105-001", "--year", "2019"},
			{"report", "self", "--data", data, "--unit", "440105-001", "--year", "二〇二六"},
			{"report", "self", "--data", data, "--unit", "440105-001"},
			args("extra"),
		} {
			if st, out, errOut := run(t, "", bad...); st != 2 || out != "" || errOut == "" {
				t.Errorf("%v: exit %d, out %q, stderr %q", bad[2:], st, out, errOut)
			}
		}
	})
}

func TestAssessCommand(t *testing.T) {
	engines(t, func(t *testing.T, data string) {
		w := yearWorld(t, data)
		st, out, errOut := run(t, "", "assess", "--data", data, "--scope", "440105", "--year", "2026", "--json")
		if st != 0 {
			t.Fatalf("json: %d %s", st, errOut)
		}
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		var doc struct {
			Units []struct {
				Code       string  `json:"code"`
				Score      float64 `json:"score"`
				Points     float64 `json:"points"`
				Components []struct {
					Key    string   `json:"key"`
					Score  *float64 `json:"score"`
					Weight int      `json:"weight"`
				} `json:"components"`
			} `json:"units"`
		}
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		var codes []string
		for _, u := range doc.Units {
			codes = append(codes, u.Code)
		}
		if !slices.Equal(codes, []string{"440105", "440105-001", "440105-002"}) {
			t.Fatalf("units %v", codes)
		}
		// The command's score is the library's, on the same data.
		ctx := context.Background()
		s, _ := assess.SchemeFor(ctx, w.D, 2026)
		want, err := assess.Score(ctx, w.D, assess.Builtin(func() *calendar.Calendar { return w.Cal }), s, w.Chigang)
		if err != nil {
			t.Fatal(err)
		}
		cg := doc.Units[1]
		if cg.Score != want.Score || cg.Points != want.Points || len(cg.Components) != 6 || cg.Components[3].Key != "interpretation" ||
			cg.Components[3].Score != nil || cg.Components[1].Score == nil || *cg.Components[1].Score != 33.33 {
			t.Errorf("赤岗 %+v, want score %v points %v", cg, want.Score, want.Points)
		}
		st, out, _ = run(t, "", "assess", "--data", data, "--scope", "440105", "--year", "2026")
		if st != 0 || !strings.Contains(out, "440105-001") || !strings.Contains(out, "—") {
			t.Errorf("table: %d %s", st, out)
		}
		for _, bad := range [][]string{
			{"assess", "--data", data, "--scope", "nowhere", "--year", "2026"},
			{"assess", "--data", data, "--scope", "440105", "--year", "2019"},
			{"assess", "--data", data, "--scope", "440105", "--year", "x"},
			{"assess", "--data", data, "--year", "2026"},
			{"assess", "--data", data, "--scope", "440105"},
			{"assess", "--data", data, "--scope", "440105", "--year", "2026", "extra"},
		} {
			if st, out, errOut := run(t, "", bad...); st != 2 || out != "" || errOut == "" {
				t.Errorf("%v: exit %d, out %q, stderr %q", bad[1:], st, out, errOut)
			}
		}
	})
}
