// Package cli implements gongkai's command line: serve, migrate, user, unit,
// calendar, audit, backup and restore.
//
// Exit status: 0 on success, 2 for bad usage or input, 1 for failures. User
// errors are one line in the user's language (GONGKAI_LANG, default
// Chinese); internal details go only to the log.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// env is what a command runs with.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	lang   i18n.Lang
}

type command struct {
	name  string
	usage string // usage line after "gongkai "
	run   func(e *env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"serve", "serve [--data DIR] [--addr 127.0.0.1:8080] [--demo] [--debug-addr ADDR]", runServe},
		{"migrate", "migrate [--data DIR]", runMigrate},
		{"user", "user add --unit CODE --role ROLE --name LOGIN [--display-name NAME] [--domain DOMAIN] [--data DIR]  (password on stdin)", runUser},
		{"unit", "unit add --code CODE --name NAME --kind KIND [--parent CODE] [--data DIR]", runUnit},
		{"calendar", "calendar days FROM TO | calendar add FROM N | calendar load FILE  [--assume-weekends] [--data DIR]", runCalendar},
		{"catalog", "catalog parse-limit TEXT", runCatalog},
		{"guideline", "guideline import --domain NAME [--title TITLE] [--doc 文号] FILE [--data DIR]", runGuideline},
		{"import", "import catalog --unit CODE [--domain NAME] [--publish] FILE | import info [--unit CODE] FILE.jsonl | import foi FILE.csv  [--data DIR]", runImport},
		{"foi", "foi due [--scope CODE] [--json] [--data DIR]", runFOI},
		{"inspect", "inspect run [--scope CODE] [--as-of YYYY-MM-DD] [--json] [--data DIR]", runInspect},
		{"report", "report annual --unit CODE --year YYYY [--format json|html|xlsx] [--out FILE] [--publish] [--data DIR]", runReport},
		{"screen", "screen [FILE]  (text on stdin without FILE)", runScreen},
		{"seed", "seed synthetic [--units 3000] [--records 100000] [--seed 1] [--data DIR]", runSeed},
		{"audit", "audit verify [--head EVENT:HASH]... | audit publish-head  [--data DIR]", runAudit},
		{"backup", "backup [--data DIR] FILE", runBackup},
		{"restore", "restore [--data DIR] FILE", runRestore},
	}
}

// usageError is bad usage: exit status 2, message plus the command's usage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// Run runs the command line args and returns the exit status.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	lang := i18n.Zh
	if l, ok := i18n.Parse(os.Getenv("GONGKAI_LANG")); ok {
		lang = l
	}
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, lang: lang}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return e.finish(c, c.run(e, args[1:]))
		}
	}
	fmt.Fprintf(stderr, "gongkai: %s\n", i18n.T(lang, "cli.unknown_command", args[0]))
	printUsage(stderr)
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage:")
	for _, c := range commands {
		fmt.Fprintln(w, "  gongkai "+c.usage)
	}
}

// finish prints err in one line and maps it to an exit status.
func (e *env) finish(c command, err error) int {
	if err == nil {
		return exitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "gongkai %s: %s\nusage: gongkai %s\n", c.name, ue.msg, c.usage)
		return exitUsage
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitUsage
	}
	if ue := errs.As(err); ue != nil {
		fmt.Fprintf(e.stderr, "gongkai %s: %s\n", c.name, i18n.Error(e.lang, err))
		if ue.Kind == errs.Invalid || ue.Kind == errs.NotFound || ue.Kind == errs.Forbidden || ue.Kind == errs.Conflict {
			return exitUsage
		}
		return exitFailure
	}
	var m errs.Multi
	if errors.As(err, &m) {
		fmt.Fprintf(e.stderr, "gongkai %s: %s\n", c.name, i18n.Error(e.lang, m))
		return exitUsage
	}
	// A failure: say what failed without a stack trace.
	fmt.Fprintf(e.stderr, "gongkai %s: %s\n", c.name, oneLine(err.Error()))
	return exitFailure
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// flags returns a flag set for a command with the shared --data flag.
func (e *env) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", "./data", "data directory")
	return fs, data
}

// parse parses args, turning flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	return nil
}

// parseInterspersed parses flags that may come before or after positional
// arguments, returning the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func databaseURL() string { return os.Getenv("GONGKAI_DATABASE_URL") }
