package task

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite data/tasks.tsv from testdata/attachment1.txt")

// planPath is the plan text beside the repository, where the project keeps
// it; testdata/attachment1.txt is its Attachment 1, verbatim.
const planPath = "../../../shared/domain/guangzhou-plan-2020.txt"

// parseAttachment reads Attachment 1 as the plan text lays it out: a title,
// a header of five tab-indented cells, then one block of five tab-indented
// cells per task (序号, 责任单位, 工作任务, 完成时间及方式, 方案项目)
// separated by blank lines. A blank 责任单位 means the same as above.
func parseAttachment(text string) ([]Task, error) {
	var blocks [][]string
	var cur []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "\t") {
			cur = append(cur, strings.TrimSpace(line))
			continue
		}
		if len(cur) > 0 {
			blocks = append(blocks, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	if len(blocks) == 0 || strings.Join(blocks[0], "|") != "序号|责任单位|工作任务|完成时间及方式|方案项目" {
		return nil, fmt.Errorf("no header row")
	}
	var out []Task
	units := ""
	for i, b := range blocks[1:] {
		if len(b) != 5 {
			return nil, fmt.Errorf("row %d: %d cells, want 5: %q", i+1, len(b), b)
		}
		if b[0] != fmt.Sprint(i+1) {
			return nil, fmt.Errorf("row %d numbered %q", i+1, b[0])
		}
		if b[1] != "" {
			units = b[1]
		}
		if units == "" {
			return nil, fmt.Errorf("row %d: no responsible unit above it", i+1)
		}
		out = append(out, Task{No: i + 1, Units: units, Task: b[2], DueText: b[3], PlanItems: strings.Split(b[4], "、")})
	}
	return out, nil
}

// TestDataFromPlan re-derives data/tasks.tsv from the plan's text and
// compares, so the shipped data cannot drift from the plan.
func TestDataFromPlan(t *testing.T) {
	raw, err := os.ReadFile("testdata/attachment1.txt")
	if err != nil {
		t.Fatal(err)
	}
	if plan, err := os.ReadFile(planPath); err == nil {
		_, att, ok := strings.Cut(string(plan), "\n附件1\n")
		if !ok || "附件1\n"+att != string(raw) {
			t.Errorf("testdata/attachment1.txt is not Attachment 1 of %s", planPath)
		}
	}
	tasks, err := parseAttachment(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 40 {
		t.Fatalf("got %d tasks, want 40", len(tasks))
	}
	want := formatTSV(tasks)
	if *update {
		if err := os.WriteFile("data/tasks.tsv", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("data/tasks.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("data/tasks.tsv differs from the plan (-plan +data); run with -update:\n%s", diff)
	}
}

func TestParseAttachmentRefuses(t *testing.T) {
	for _, in := range []string{
		"",
		"\t序号\n\t责任单位\n\t工作任务\n\t完成时间及方式\n\t方案项目\n\n\t1\n\t\n\tx\n\ty\n\t（一）\n",  // blank unit with none above
		"\t序号\n\t责任单位\n\t工作任务\n\t完成时间及方式\n\t方案项目\n\n\t2\n\tA\n\tx\n\ty\n\t（一）\n", // numbered 2 first
		"\t序号\n\t责任单位\n\t工作任务\n\t完成时间及方式\n\t方案项目\n\n\t1\n\tA\n\tx\n\t（一）\n",      // 4 cells
	} {
		if _, err := parseAttachment(in); err == nil {
			t.Errorf("parseAttachment(%q) succeeded, want an error", in)
		}
	}
}
