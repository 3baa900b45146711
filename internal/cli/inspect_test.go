package cli_test

import (
	"strings"
	"testing"
)

// A street with nothing published fails outright, and says so.
func TestInspectRunVerdicts(t *testing.T) {
	dir := t.TempDir()
	for _, u := range [][]string{
		{"--code", "440100", "--name", "广州市", "--kind", "city"},
		{"--code", "440105", "--name", "海珠区", "--kind", "district", "--parent", "440100"},
		{"--code", "440105-001", "--name", "赤岗街道", "--kind", "street", "--parent", "440105"},
	} {
		if st, _, e := run(t, "", append([]string{"unit", "add", "--data", dir}, u...)...); st != 0 {
			t.Fatalf("unit add: %s", e)
		}
	}
	st, out, e := run(t, "", "inspect", "run", "--data", dir, "--scope", "440105")
	if st != 0 {
		t.Fatalf("inspect run: %d %s", st, e)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		if f := strings.Fields(line); len(f) != 5 || f[3] != "不合格（单项否决）" {
			t.Errorf("row %q, want the unit failed outright", line)
		}
	}
	t.Setenv("GONGKAI_LANG", "en")
	if st, out, _ := run(t, "", "inspect", "run", "--data", dir, "--scope", "440105-001"); st != 0 || !strings.Contains(out, "Fail (outright)") {
		t.Errorf("in English: %d %q", st, out)
	}
}
