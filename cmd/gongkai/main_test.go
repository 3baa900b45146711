package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

// bin is the gongkai binary built once for these tests.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gongkai-bin-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "gongkai")
	if out, err := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	dbtest.DropTemplate()
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// gongkai runs the binary with env added to the environment.
func gongkai(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errb.String(), "goroutine ") || strings.Contains(errb.String(), "panic") {
		t.Errorf("gongkai %v printed a stack trace: %s", args, errb.String())
	}
	return result{code, out.String(), errb.String()}
}

func TestCalendarCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	// 2024 National Day: 1–7 October off, Sunday 29 September and Saturday
	// 12 October worked (国办发明电〔2023〕7号).
	r := gongkai(t, nil, "", "calendar", "days", "2024-09-28", "2024-10-13", "--data", data)
	want := "2024-09-28 off\n2024-09-29 work\n2024-09-30 work\n2024-10-01 off\n2024-10-02 off\n2024-10-03 off\n2024-10-04 off\n2024-10-05 off\n2024-10-06 off\n2024-10-07 off\n2024-10-08 work\n2024-10-09 work\n2024-10-10 work\n2024-10-11 work\n2024-10-12 work\n2024-10-13 off\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("calendar days: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(data); err == nil {
		t.Error("a calendar query created the data directory")
	}
	// 2025 Spring Festival: 28 January – 4 February off, Sunday 26 January
	// and Saturday 8 February worked (国办发明电〔2024〕12号). From Friday
	// 24 January, 5 working days: 26, 27 January, 5, 6, 7 February.
	if r := gongkai(t, nil, "", "calendar", "add", "2025-01-24", "5"); r.code != 0 || r.stdout != "2025-02-07\n" {
		t.Errorf("calendar add: %d %q %s", r.code, r.stdout, r.stderr)
	}
	// Outside the data: a clear refusal, unless told to assume weekends.
	r = gongkai(t, []string{"GONGKAI_LANG=en"}, "", "calendar", "add", "2030-01-02", "3")
	if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "--assume-weekends") {
		t.Errorf("2030: %d %q", r.code, r.stderr)
	}
	if r := gongkai(t, nil, "", "calendar", "add", "2030-01-04", "1", "--assume-weekends"); r.code != 0 || !strings.HasPrefix(r.stdout, "2030-01-07\n") {
		t.Errorf("2030 assumed: %d %q %q", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"calendar"}, {"calendar", "add", "2025-13-01", "1"}, {"calendar", "add", "2025-01-01", "x"}, {"calendar", "days", "2025-01-01"}, {"nonsense"}, {}} {
		if r := gongkai(t, nil, "", args...); r.code != 2 || r.stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

// engines runs fn with the environment of each database: a SQLite data
// directory, and a fresh PostgreSQL database.
func engines(t *testing.T, fn func(t *testing.T, env []string, data string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, nil, filepath.Join(t.TempDir(), "data")) })
	t.Run("postgres", func(t *testing.T) {
		fn(t, []string{"GONGKAI_DATABASE_URL=" + dbtest.NewPostgresURL(t)}, filepath.Join(t.TempDir(), "data"))
	})
}

func TestUnitsUsersAndAudit(t *testing.T) {
	engines(t, func(t *testing.T, env []string, data string) {
		must := func(r result) result {
			t.Helper()
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			return r
		}
		must(gongkai(t, env, "", "migrate", "--data", data))
		must(gongkai(t, env, "", "unit", "add", "--data", data, "--code", "440100", "--name", "广州市人民政府", "--kind", "city"))
		r := must(gongkai(t, env, "", "unit", "add", "--data", data, "--code", "440105", "--name", "海珠区人民政府", "--kind", "district", "--parent", "440100"))
		if !strings.Contains(r.stdout, "440105") || !strings.Contains(r.stdout, "县级") {
			t.Errorf("unit add says %q", r.stdout)
		}
		if r := gongkai(t, env, "", "unit", "add", "--data", data, "--code", "440106", "--name", "x", "--kind", "castle", "--parent", "440100"); r.code != 2 || r.stderr == "" {
			t.Errorf("bad kind: %d %q", r.code, r.stderr)
		}
		if r := gongkai(t, env, "", "unit", "add", "--data", data, "--code", "440105", "--name", "重复", "--kind", "district", "--parent", "440100"); r.code != 2 {
			t.Errorf("duplicate code: %d %q", r.code, r.stderr)
		}
		must(gongkai(t, env, "hz-admin-2026\n", "user", "add", "--data", data, "--unit", "440105", "--role", "admin", "--name", "hz-admin"))
		if r := gongkai(t, env, "short\n", "user", "add", "--data", data, "--unit", "440105", "--role", "admin", "--name", "hz-admin2"); r.code != 2 {
			t.Errorf("short password: %d %q", r.code, r.stderr)
		}
		if r := gongkai(t, env, "long-enough-2026\n", "user", "add", "--data", data, "--unit", "440105", "--role", "king", "--name", "hz-king"); r.code != 2 {
			t.Errorf("bad role: %d %q", r.code, r.stderr)
		}
		// Two units and an account: three events.
		r = must(gongkai(t, env, "", "audit", "verify", "--data", data))
		if !strings.Contains(r.stdout, "共3条记录") {
			t.Errorf("audit verify: %q", r.stdout)
		}

		// Tamper with the second event, as someone with database access
		// could, and verify names it.
		d, err := db.Open(context.Background(), db.Config{DataDir: data, URL: strings.TrimPrefix(strings.Join(env, ""), "GONGKAI_DATABASE_URL=")})
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := d.QueryRow(context.Background(), "SELECT id FROM audit_events ORDER BY id LIMIT 1 OFFSET 1").Scan(&id); err != nil {
			t.Fatal(err)
		}
		disable := "DROP TRIGGER audit_no_update"
		if d.Dialect == db.Postgres {
			disable = "ALTER TABLE audit_events DISABLE TRIGGER USER"
		}
		if _, err := d.SQL.Exec(disable); err != nil {
			t.Fatal(err)
		}
		if _, err := d.SQL.Exec(db.Rebind(d.Dialect, "UPDATE audit_events SET actor = 'someone-else' WHERE id = ?"), id); err != nil {
			t.Fatal(err)
		}
		d.Close()
		r = gongkai(t, append(env, "GONGKAI_LANG=en"), "", "audit", "verify", "--data", data)
		if r.code != 1 || !strings.Contains(r.stderr, fmt.Sprintf("event %d", id)) {
			t.Errorf("tampered log: exit %d %q", r.code, r.stderr)
		}
	})
}

func TestBackupAndRestoreCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, args := range [][]string{
		{"unit", "add", "--data", data, "--code", "440100", "--name", "广州市人民政府", "--kind", "city"},
		{"unit", "add", "--data", data, "--code", "440117", "--name", "从化区人民政府", "--kind", "district", "--parent", "440100"},
	} {
		if r := gongkai(t, nil, "", args...); r.code != 0 {
			t.Fatal(r.stderr)
		}
	}
	os.MkdirAll(filepath.Join(data, "files", "x"), 0o750)
	os.WriteFile(filepath.Join(data, "files", "x", "notice.pdf"), []byte("%PDF-1.7 test"), 0o640)
	archive := filepath.Join(t.TempDir(), "backup.tar.gz")
	if r := gongkai(t, nil, "", "backup", "--data", data, archive); r.code != 0 {
		t.Fatal(r.stderr)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if r := gongkai(t, nil, "", "restore", "--data", restored, archive); r.code != 0 {
		t.Fatal(r.stderr)
	}
	// The two units' events came back.
	if r := gongkai(t, nil, "", "audit", "verify", "--data", restored); r.code != 0 || !strings.Contains(r.stdout, "共2条记录") {
		t.Errorf("restored audit: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(restored, "files", "x", "notice.pdf")); string(b) != "%PDF-1.7 test" {
		t.Errorf("restored file: %q", b)
	}
	// Restoring over data is refused with exit 2.
	if r := gongkai(t, nil, "", "restore", "--data", data, archive); r.code != 2 || r.stderr == "" {
		t.Errorf("restore over data: %d %q", r.code, r.stderr)
	}
}

func TestInspectCommand(t *testing.T) {
	engines(t, func(t *testing.T, env []string, data string) {
		if r := gongkai(t, env, "", "seed", "synthetic", "--data", data, "--units", "60", "--records", "400"); r.code != 0 {
			t.Fatalf("seed: %d %s", r.code, r.stderr)
		}
		r := gongkai(t, env, "", "inspect", "run", "--data", data, "--json")
		if r.code != 0 {
			t.Fatalf("inspect: %d %s", r.code, r.stderr)
		}
		var out struct {
			Run   int64 `json:"run"`
			Units []struct {
				Code     string   `json:"code"`
				Score    *float64 `json:"score"`
				Findings []struct {
					Rule     string   `json:"rule"`
					Target   string   `json:"target"`
					Expected string   `json:"expected"`
					Actual   string   `json:"actual"`
					Points   *float64 `json:"points"`
				} `json:"findings"`
			} `json:"units"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("inspect --json: %v: %.300s", err, r.stdout)
		}
		findings := 0
		for _, u := range out.Units {
			if u.Code == "" || u.Score == nil || *u.Score < 0 || *u.Score > 100 {
				t.Errorf("unit %+v", u)
			}
			for _, f := range u.Findings {
				if f.Rule == "" || f.Target == "" || f.Expected == "" || f.Actual == "" || f.Points == nil {
					t.Errorf("finding %+v", f)
				}
			}
			findings += len(u.Findings)
		}
		if out.Run == 0 || len(out.Units) < 20 || findings == 0 {
			t.Errorf("run %d: %d units, %d findings", out.Run, len(out.Units), findings)
		}
		// One unit's subtree as of a past day, as a table.
		scope := out.Units[1].Code
		r = gongkai(t, env, "", "inspect", "run", "--data", data, "--scope", scope, "--as-of", "2025-06-30")
		if r.code != 0 || !strings.Contains(r.stdout, "2025-06-30") || !strings.Contains(r.stdout, scope) {
			t.Errorf("scoped run: %d %q %s", r.code, r.stdout, r.stderr)
		}
		for _, bad := range [][]string{{"--scope", "nowhere"}, {"--as-of", "2026-13-01"}, {"--as-of", "2999-01-01"}, {"extra"}} {
			if r := gongkai(t, env, "", append([]string{"inspect", "run", "--data", data}, bad...)...); r.code == 0 || r.stderr == "" {
				t.Errorf("inspect %v: exit %d, %q", bad, r.code, r.stderr)
			}
		}
	})
}
