package main_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gongkai/internal/db"
)

// TestAuditHeadCommands publishes a head from the command line, then
// deletes the newest events as an intruder with database access would: the
// chain that is left is whole, and only the published head shows the loss.
func TestAuditHeadCommands(t *testing.T) {
	engines(t, func(t *testing.T, env []string, data string) {
		url := strings.TrimPrefix(strings.Join(env, ""), "GONGKAI_DATABASE_URL=")
		env = append(env, "GONGKAI_LANG=en")
		must := func(r result) result {
			t.Helper()
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			return r
		}
		must(gongkai(t, env, "", "migrate", "--data", data))
		if r := must(gongkai(t, env, "", "audit", "publish-head", "--data", data)); !strings.Contains(r.stdout, "empty") {
			t.Errorf("publish-head on an empty log says %q", r.stdout)
		}
		if r := must(gongkai(t, env, "", "audit", "verify", "--data", data)); !strings.Contains(r.stdout, "No head has been published") {
			t.Errorf("verify without heads says %q", r.stdout)
		}
		for _, args := range [][]string{
			{"unit", "add", "--data", data, "--code", "440100", "--name", "广州市人民政府", "--kind", "city"},
			{"unit", "add", "--data", data, "--code", "440105", "--name", "海珠区人民政府", "--kind", "district", "--parent", "440100"},
			{"unit", "add", "--data", data, "--code", "440106", "--name", "天河区人民政府", "--kind", "district", "--parent", "440100"},
		} {
			must(gongkai(t, env, "", args...))
		}
		d, err := db.Open(context.Background(), db.Config{DataDir: data, URL: url})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		var head int64
		var hash string
		if err := d.QueryRow(context.Background(), "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1").Scan(&head, &hash); err != nil {
			t.Fatal(err)
		}
		r := must(gongkai(t, env, "", "audit", "publish-head", "--data", data))
		if !strings.Contains(r.stdout, fmt.Sprintf("event %d", head)) || !strings.Contains(r.stdout, hash) {
			t.Errorf("publish-head says %q, want event %d and hash %s", r.stdout, head, hash)
		}
		if r := must(gongkai(t, env, "", "audit", "publish-head", "--data", data)); !strings.Contains(r.stdout, "already published") {
			t.Errorf("publishing the same head again says %q", r.stdout)
		}
		if r := must(gongkai(t, env, "", "audit", "verify", "--data", data)); !strings.Contains(r.stdout, "matches every published and given head (1)") {
			t.Errorf("verify says %q", r.stdout)
		}
		// A head archived elsewhere is checked too; a malformed one is bad input.
		if r := must(gongkai(t, env, "", "audit", "verify", "--data", data, "--head", fmt.Sprintf("%d:%s", head, strings.ToUpper(hash)))); !strings.Contains(r.stdout, "(2)") {
			t.Errorf("verify with the archived head says %q", r.stdout)
		}
		wrong := fmt.Sprintf("%d:%s", head-1, hash)
		if r := gongkai(t, env, "", "audit", "verify", "--data", data, "--head", wrong); r.code != 1 || !strings.Contains(r.stderr, "given head") {
			t.Errorf("verify with a head that does not match: exit %d %q", r.code, r.stderr)
		}
		for _, bad := range []string{"", "12", "x:" + hash, "0:" + hash, "3:abc", fmt.Sprintf("%d:%sz", head, hash[1:])} {
			if r := gongkai(t, env, "", "audit", "verify", "--data", data, "--head", bad); r.code != 2 || !strings.Contains(r.stderr, "--head must be") {
				t.Errorf("verify --head %q: exit %d %q, want 2", bad, r.code, r.stderr)
			}
		}
		if r := gongkai(t, env, "", "audit", "publish-head", "--data", data, "extra"); r.code != 2 {
			t.Errorf("publish-head with an extra argument: exit %d %q", r.code, r.stderr)
		}

		disable := []string{"DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"}
		if d.Dialect == db.Postgres {
			disable = []string{"ALTER TABLE audit_events DISABLE TRIGGER USER"}
		}
		for _, s := range disable {
			if _, err := d.SQL.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.SQL.Exec(db.Rebind(d.Dialect, "DELETE FROM audit_events WHERE id = ?"), head); err != nil {
			t.Fatal(err)
		}
		r = gongkai(t, env, "", "audit", "verify", "--data", data)
		if r.code != 1 || !strings.Contains(r.stderr, fmt.Sprintf("event %d", head)) || !strings.Contains(r.stderr, hash) || !strings.Contains(r.stderr, "truncated") {
			t.Errorf("truncated log: exit %d %q, want 1 naming the published head (event %d, %s)", r.code, r.stderr, head, hash)
		}
		// A tampered log is not vouched for by a new head.
		if r := gongkai(t, env, "", "audit", "publish-head", "--data", data); r.code != 1 {
			t.Errorf("publish-head on a truncated log: exit %d %q", r.code, r.stdout)
		}
	})
}
