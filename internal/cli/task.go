package cli

import (
	"fmt"

	"gongkai/internal/i18n"
	"gongkai/internal/task"
)

// runTaskList prints the tasks of Attachment 1: gongkai task list [--json].
// The JSON is {"tasks":[{"no","units","task","due_text","plan_items",
// "recurrence"}]}, recurrence null where the due text could not be read;
// the plain listing ends with those tasks, for a person to read.
func runTaskList(e *env, args []string) error {
	fs := e.plainFlags()
	asJSON := fs.Bool("json", false, "cli.flag.json")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 0))
	}
	if *asJSON {
		return e.printJSON(map[string][]task.Task{"tasks": task.All()})
	}
	for _, t := range task.All() {
		fmt.Fprintf(e.stdout, "%d\t%s\t%s\n\t%s\n\t→ %s\n", t.No, t.Units, t.Task, t.DueText, t.Recurrence.Words(e.lang))
	}
	unread := task.Unreadable()
	if len(unread) == 0 {
		fmt.Fprintln(e.stdout, i18n.T(e.lang, "task.cli.unreadable_none"))
		return nil
	}
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "task.cli.unreadable", len(unread)))
	for _, t := range unread {
		fmt.Fprintf(e.stdout, "%d\t%s\n", t.No, t.DueText)
	}
	return nil
}
