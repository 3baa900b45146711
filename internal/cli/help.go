package cli

import (
	"flag"
	"fmt"
	"regexp"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// printHelp answers --help: the usage line, what the command does, and each
// flag with its description and default, in the user's language.
func (e *env) printHelp(c command) {
	w := e.stdout
	fmt.Fprintln(w, i18n.T(e.lang, "cli.usage_line", "gongkai "+c.usage()))
	var args []any
	if f := helpArgs[c.name]; f != nil {
		args = f()
	}
	fmt.Fprintln(w, i18n.T(e.lang, c.help, args...))
	if e.fs == nil {
		return
	}
	first := true
	e.fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprintln(w, "\n"+i18n.T(e.lang, "cli.flags"))
			first = false
		}
		line := "  --" + f.Name
		if !isBool(f) {
			line += " " + placeholder(c.args, f.Name)
		}
		desc := i18n.T(e.lang, f.Usage)
		if f.DefValue != "" && !isBool(f) {
			desc += i18n.T(e.lang, "cli.flag_default", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n      %s\n", line, desc)
	})
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// placeholder returns the word that stands for the value of --name in a
// usage line ("--unit CODE" gives CODE), or VALUE.
func placeholder(usage, name string) string {
	m := regexp.MustCompile(`--` + regexp.QuoteMeta(name) + ` ([^\s\[\]-][^\s\]]*)`).FindStringSubmatch(usage)
	if m == nil {
		return "VALUE"
	}
	return m[1]
}

// helpArgs gives the arguments of some commands' help messages: the values
// a flag or a file column accepts, from the code that checks them.
var helpArgs = map[string]func() []any{
	"import foi": func() []any {
		return []any{strings.Join(foi.ImportHeader, ","), strings.Join(foi.Channels, ", "), strings.Join(foi.ApplicantTypes, ", ")}
	},
	"user add": func() []any { return []any{joinStrings(auth.Roles)} },
	"unit add": func() []any { return []any{joinStrings(org.Kinds)} },
}

func joinStrings[S ~string](vs []S) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}

// Errors of the flag package, which are in English.
var (
	flagUnknown  = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	flagNoValue  = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	flagBadValue = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]*):`)
	flagSyntax   = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// flagError says what is wrong with the flags in the user's language.
func (e *env) flagError(err error) string {
	msg := err.Error()
	if m := flagUnknown.FindStringSubmatch(msg); m != nil {
		return i18n.T(e.lang, "cli.flag_unknown", "--"+m[1])
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return i18n.T(e.lang, "cli.flag_no_value", "--"+m[1])
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		return i18n.T(e.lang, "cli.flag_bad_value", m[1], "--"+m[2])
	}
	if m := flagSyntax.FindStringSubmatch(msg); m != nil {
		return i18n.T(e.lang, "cli.flag_syntax", m[1])
	}
	return i18n.T(e.lang, "cli.flag_syntax", strings.TrimSpace(msg))
}
