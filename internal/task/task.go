// Package task tracks the tasks of Attachment 1 of the Guangzhou plan
// (任务清单, plan item 二十): the forty tasks as data, their due texts read
// into rules, the breakdown of a task by an office to units and people with
// due dates, the units' reports with evidence, the office's acceptance or
// return, reminders before a due date, and the overdue board.
//
// It knows no HTTP: the console and the API call the functions here.
package task

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Task is one row of Attachment 1 (广州市基层政务公开标准化规范化工作任务清单).
type Task struct {
	No    int    `json:"no"`
	Units string `json:"units"` // 责任单位, filled down where the plan leaves the cell blank
	Task  string `json:"task"`  // 工作任务
	// DueText is 完成时间及方式 as written: the date and the form of the
	// result (在区政府门户网站以文件汇编形式公开).
	DueText   string   `json:"due_text"`
	PlanItems []string `json:"plan_items"` // 方案项目: （一）
	// Recurrence is DueText read into a rule; nil when it cannot be read,
	// for a person to read instead.
	Recurrence *Rule `json:"recurrence"`
}

//go:embed data/tasks.tsv
var tasksTSV string

var (
	loadOnce sync.Once
	all      []Task
)

// All returns the forty tasks of Attachment 1 in the plan's order. The
// slice is shared: callers must not change it.
func All() []Task {
	loadOnce.Do(func() {
		ts, err := parseTSV(tasksTSV)
		if err != nil {
			panic(err) // the embedded data is checked by the tests
		}
		all = ts
	})
	return all
}

// ByNo returns task number no and false when Attachment 1 has none.
func ByNo(no int) (Task, bool) {
	ts := All()
	if no < 1 || no > len(ts) {
		return Task{}, false
	}
	return ts[no-1], true
}

// Unreadable returns the tasks whose due text no rule was read from.
func Unreadable() []Task {
	var out []Task
	for _, t := range All() {
		if t.Recurrence == nil {
			out = append(out, t)
		}
	}
	return out
}

// tsvHeader is the first line of data/tasks.tsv.
const tsvHeader = "no\tunits\ttask\tdue_text\tplan_items"

// parseTSV reads data/tasks.tsv: a header, then one task a line, its plan
// items joined by 、 as the plan writes them.
func parseTSV(s string) ([]Task, error) {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) == 0 || lines[0] != tsvHeader {
		return nil, fmt.Errorf("tasks.tsv: header is not %q", tsvHeader)
	}
	var out []Task
	for i, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("tasks.tsv line %d: %d fields, want 5", i+2, len(f))
		}
		no, err := strconv.Atoi(f[0])
		if err != nil || no != i+1 {
			return nil, fmt.Errorf("tasks.tsv line %d: number %q, want %d", i+2, f[0], i+1)
		}
		out = append(out, Task{No: no, Units: f[1], Task: f[2], DueText: f[3],
			PlanItems: strings.Split(f[4], "、"), Recurrence: ParseDue(f[3])})
	}
	return out, nil
}

// formatTSV writes tasks as data/tasks.tsv.
func formatTSV(ts []Task) string {
	var b strings.Builder
	b.WriteString(tsvHeader + "\n")
	for _, t := range ts {
		fmt.Fprintf(&b, "%d\t%s\t%s\t%s\t%s\n", t.No, t.Units, t.Task, t.DueText, strings.Join(t.PlanItems, "、"))
	}
	return b.String()
}
