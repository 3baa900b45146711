// Package cli implements gongkai's command line: serve, migrate, user, unit,
// calendar, imports, inspection, reports, audit, backup and restore. Every
// command answers --help with what it does and each of its flags.
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
	"slices"
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
	fs     *flag.FlagSet // the flags of the command run, for --help
}

// command is one command line: a command ("serve") or a command and its
// subcommand ("calendar days").
type command struct {
	name string // the words after "gongkai"
	args string // flags and operands, for the usage line
	help string // message key: what the command does
	run  func(e *env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"serve", "[--data DIR] [--addr 127.0.0.1:8080] [--public-url URL] [--trusted-proxy LIST] [--demo] [--debug-addr ADDR]", "cli.help.serve", runServe},
		{"migrate", "[--data DIR]", "cli.help.migrate", runMigrate},
		{"user add", "--unit CODE --role ROLE --name LOGIN [--display-name NAME] [--email ADDRESS] [--domain DOMAIN] [--data DIR]", "cli.help.user_add", runUserAdd},
		{"token add", "--unit CODE --name NAME [--publish] [--data DIR]", "cli.help.token_add", runTokenAdd},
		{"token list", "[--unit CODE] [--json] [--data DIR]", "cli.help.token_list", runTokenList},
		{"token revoke", "ID|PREFIX [--data DIR]", "cli.help.token_revoke", runTokenRevoke},
		{"unit add", "--code CODE --name NAME [--name-en NAME] --kind KIND [--parent CODE] [--data DIR]", "cli.help.unit_add", runUnitAdd},
		{"calendar days", "FROM TO [--assume-weekends] [--data DIR]", "cli.help.calendar_days", runCalendarDays},
		{"calendar add", "FROM N [--assume-weekends] [--data DIR]", "cli.help.calendar_add", runCalendarAdd},
		{"calendar load", "FILE [--data DIR]", "cli.help.calendar_load", runCalendarLoad},
		{"catalog parse-limit", "TEXT", "cli.help.catalog_parse_limit", runCatalogParseLimit},
		{"guideline import", "--domain NAME [--title TITLE] [--doc 文号] FILE [--data DIR]", "cli.help.guideline_import", runGuidelineImport},
		{"import catalog", "--unit CODE [--domain NAME] [--publish] FILE [--data DIR]", "cli.help.import_catalog", runImportCatalog},
		{"import info", "[--unit CODE] FILE.jsonl [--data DIR]", "cli.help.import_info", runImportInfo},
		{"import foi", "FILE.csv [--data DIR]", "cli.help.import_foi", runImportFOI},
		{"import services", "--unit CODE [--publish] FILE [--data DIR]", "cli.help.import_services", runImportServices},
		{"foi due", "[--scope CODE] [--json] [--data DIR]", "cli.help.foi_due", runFOIDue},
		{"inspect run", "[--scope CODE] [--as-of YYYY-MM-DD] [--json] [--data DIR]", "cli.help.inspect_run", runInspectRun},
		{"report annual", "--unit CODE --year YYYY [--format json|html|xlsx] [--out FILE] [--publish] [--data DIR]", "cli.help.report_annual", runReportAnnual},
		{"report self", "--unit CODE --year YYYY [--format json|html|docx] [--out FILE] [--data DIR]", "cli.help.report_self", runReportSelf},
		{"assess", "--scope CODE --year YYYY [--json] [--data DIR]", "cli.help.assess", runAssess},
		{"task list", "[--json]", "cli.help.task_list", runTaskList},
		{"training list", "--scope CODE --year YYYY [--json] [--data DIR]", "cli.help.training_list", runTrainingList},
		{"review attributes", "--unit CODE --year YYYY [--json] [--data DIR]", "cli.help.review_attributes", runReviewAttributes},
		{"opinion summary", "--scope CODE --month YYYY-MM [--format json|xlsx] [--out FILE] [--data DIR]", "cli.help.opinion_summary", runOpinionSummary},
		{"screen", "[FILE]", "cli.help.screen", runScreen},
		{"seed synthetic", "[--units 3000] [--records 100000] [--seed 1] [--data DIR]", "cli.help.seed_synthetic", runSeedSynthetic},
		{"audit verify", "[--head EVENT:HASH]... [--data DIR]", "cli.help.audit_verify", runAuditVerify},
		{"audit publish-head", "[--data DIR]", "cli.help.audit_publish_head", runAuditPublishHead},
		{"backup", "[--data DIR] FILE", "cli.help.backup", runBackup},
		{"restore", "[--data DIR] FILE", "cli.help.restore", runRestore},
	}
}

// usage returns the command's usage line after "gongkai ".
func (c command) usage() string { return c.name + " " + c.args }

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
	return e.run(args)
}

// run finds the command args name and runs it.
func (e *env) run(args []string) int {
	if len(args) == 0 {
		e.printUsage(e.stderr, "")
		return exitUsage
	}
	if isHelp(args[0]) || args[0] == "help" {
		e.printUsage(e.stdout, "")
		return exitOK
	}
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && slices.Equal(args[:len(words)], words) {
			return e.finish(c, c.run(e, args[len(words):]))
		}
	}
	if !e.isGroup(args[0]) {
		fmt.Fprintf(e.stderr, "gongkai: %s\n", i18n.T(e.lang, "cli.unknown_command", args[0]))
		e.printUsage(e.stderr, "")
		return exitUsage
	}
	// A command named without its subcommand, or with an unknown one.
	if len(args) > 1 && isHelp(args[1]) {
		e.printUsage(e.stdout, args[0])
		return exitOK
	}
	var subs []string
	for _, c := range commands {
		if group, sub, ok := strings.Cut(c.name, " "); ok && group == args[0] {
			subs = append(subs, sub)
		}
	}
	fmt.Fprintf(e.stderr, "gongkai %s: %s\n", args[0], i18n.T(e.lang, "cli.subcommand", strings.Join(subs, ", ")))
	e.printUsage(e.stderr, args[0])
	return exitUsage
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// isGroup reports whether name is a command that has subcommands.
func (e *env) isGroup(name string) bool {
	for _, c := range commands {
		if group, _, ok := strings.Cut(c.name, " "); ok && group == name {
			return true
		}
	}
	return false
}

// printUsage lists the usage lines of every command, or of group's.
func (e *env) printUsage(w io.Writer, group string) {
	fmt.Fprintln(w, i18n.T(e.lang, "cli.usage"))
	for _, c := range commands {
		if group == "" || strings.HasPrefix(c.name, group+" ") {
			fmt.Fprintln(w, "  gongkai "+c.usage())
		}
	}
	if group == "" {
		fmt.Fprintln(w, i18n.T(e.lang, "cli.usage_more"))
	}
}

// finish prints err in one line and maps it to an exit status.
func (e *env) finish(c command, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		e.printHelp(c)
		return exitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "gongkai %s: %s\n%s\n", c.name, ue.msg, i18n.T(e.lang, "cli.usage_line", "gongkai "+c.usage()))
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
// Each flag's usage is a message key, shown by --help in the user's
// language.
func (e *env) flags() (*flag.FlagSet, *string) {
	fs := e.plainFlags()
	data := fs.String("data", "./data", "cli.flag.data")
	return fs, data
}

// plainFlags returns a flag set for a command without a data directory.
func (e *env) plainFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("gongkai", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	e.fs = fs
	return fs
}

// parse parses args, turning flag errors into usage errors in the user's
// language; --help comes back as flag.ErrHelp.
func (e *env) parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError{e.flagError(err)}
}

// parseInterspersed parses flags that may come before or after positional
// arguments, returning the positional ones.
func (e *env) parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := e.parse(fs, args); err != nil {
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
