package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"gongkai/internal/cli"
)

// TestTaskListJSON: all forty tasks with exactly the documented keys.
func TestTaskListJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := cli.Run(context.Background(), []string{"task", "list", "--json"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var got struct {
		Tasks []map[string]json.RawMessage `json:"tasks"`
	}
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got.Tasks) != 40 {
		t.Fatalf("got %d tasks, want 40", len(got.Tasks))
	}
	wantKeys := []string{"due_text", "no", "plan_items", "recurrence", "task", "units"}
	for i, tk := range got.Tasks {
		var keys []string
		for k := range tk {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, wantKeys) {
			t.Fatalf("task %d keys %v, want %v", i+1, keys, wantKeys)
		}
		var no int
		if err := json.Unmarshal(tk["no"], &no); err != nil || no != i+1 {
			t.Errorf("task %d: no %s", i+1, tk["no"])
		}
		var items []string
		if err := json.Unmarshal(tk["plan_items"], &items); err != nil || len(items) == 0 || !strings.HasPrefix(items[0], "（") {
			t.Errorf("task %d: plan_items %s", i+1, tk["plan_items"])
		}
	}
	var first struct {
		Units      string
		Recurrence struct {
			Kind       string
			Date       string
			Exceptions []struct{ Unit, Date string }
		}
	}
	b, _ := json.Marshal(got.Tasks[0])
	if err := json.Unmarshal(b, &first); err != nil {
		t.Fatal(err)
	}
	if first.Units != "各区政府" || first.Recurrence.Kind != "once" || first.Recurrence.Date != "2020-10-31" ||
		len(first.Recurrence.Exceptions) != 1 || first.Recurrence.Exceptions[0].Date != "2020-09-30" {
		t.Errorf("task 1 = %+v", first)
	}
	var second struct{ Units string }
	b, _ = json.Marshal(got.Tasks[1])
	json.Unmarshal(b, &second) //nolint:errcheck
	if second.Units != "各区政府" {
		t.Errorf("task 2 units %q, want the cell above (各区政府)", second.Units)
	}
}

func TestTaskListPlain(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := cli.Run(context.Background(), []string{"task", "list"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	s := out.String()
	for _, want := range []string{"40\t市政务公开办\t开展方案任务落实情况考核", "2020-10-31前（海珠区：2020-09-30前）", "40项任务的完成时间均已识别"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "!!") {
		t.Errorf("output has a missing message:\n%s", s)
	}
	if code := cli.Run(context.Background(), []string{"task", "list", "extra"}, strings.NewReader(""), &out, &errOut); code != 2 {
		t.Errorf("extra argument: exit %d, want 2", code)
	}
}
