package app

import (
	"context"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/task"
)

// LoadDemoTasks breaks the district tasks of Attachment 1 (numbers 1 to 16,
// 各区政府) down for 海珠区, once, after LoadDemo: each to 赤岗街道 and
// 新港街道, due on dates around the day they load, so that some are done
// (reported and accepted), one is reported and waits for the office, and
// some are overdue. It reports whether it loaded anything.
func LoadDemoTasks(ctx context.Context, d *db.DB) (bool, error) {
	return loadOnce(ctx, d, "demo_tasks", "demo tasks", demoTasks)
}

func demoTasks(ctx context.Context, tx *db.Tx) error {
	office, err := auth.ByLogin(ctx, tx, "haizhu-office")
	if err != nil {
		return err
	}
	editor, err := auth.ByLogin(ctx, tx, "chigang-editor")
	if err != nil {
		return err
	}
	today := calendar.DateOf(tx.Now().In(calendar.China))
	for no := 1; no <= 16; no++ {
		// Tasks 1–5 fell due a month ago, 6–10 fall due in a week, the rest
		// in two months.
		due := today.AddDays(-30)
		switch {
		case no > 10:
			due = today.AddDays(60)
		case no > 5:
			due = today.AddDays(7)
		}
		for _, code := range []string{"440105-001", "440105-002"} {
			in := task.AssignInput{TaskNo: no, UnitCode: code, Due: due.String()}
			if code == "440105-001" {
				in.Assignee = editor.Login
			}
			as, err := task.Assign(ctx, tx, office, in)
			if err != nil {
				return err
			}
			// 赤岗 did tasks 1–3 and 6 (accepted) and reported 4; 新港's
			// overdue ones stay open.
			if code != "440105-001" || (no > 4 && no != 6) {
				continue
			}
			if as, err = task.Report(ctx, tx, editor, "", "", as, task.ReportInput{Note: "已按要求完成，并在区政府门户网站公开。",
				Links: []string{"/zwgk/bzh/440105-001/"}}); err != nil {
				return err
			}
			if no != 4 {
				if _, err = task.Accept(ctx, tx, office, as); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
