package cli

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"

	"gongkai/internal/i18n"
)

// runIn runs args in lang and returns the env it ran in, with the flags
// its command defined.
func runIn(lang i18n.Lang, args ...string) (*env, int, string, string) {
	var out, errOut bytes.Buffer
	e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, lang: lang}
	code := e.run(args)
	return e, code, out.String(), errOut.String()
}

// TestHelpOnEveryCommand: --help on every command and subcommand exits 0
// and describes each flag the command takes, in each language; the usage
// line names every flag.
func TestHelpOnEveryCommand(t *testing.T) {
	if len(commands) < 20 {
		t.Fatalf("only %d commands", len(commands))
	}
	for _, c := range commands {
		for _, lang := range i18n.Langs {
			for _, h := range []string{"--help", "-h"} {
				args := append(strings.Fields(c.name), h)
				e, code, out, errOut := runIn(lang, args...)
				if code != 0 || errOut != "" {
					t.Errorf("%s %v: exit %d, stderr %q", lang, args, code, errOut)
					continue
				}
				if !strings.Contains(out, "gongkai "+c.name) || strings.Contains(out, "!!") {
					t.Errorf("%s %v: %q", lang, args, out)
				}
				if e.fs == nil {
					continue // a command without flags: nothing to describe
				}
				e.fs.VisitAll(func(f *flag.Flag) {
					desc := i18n.T(lang, f.Usage)
					if !i18n.Has(f.Usage) || !strings.Contains(out, "--"+f.Name) || !strings.Contains(out, desc) {
						t.Errorf("%s %v: flag --%s (%s) not described: %q", lang, args, f.Name, f.Usage, out)
					}
					if !strings.Contains(c.args+" ", "--"+f.Name+" ") && !strings.Contains(c.args, "--"+f.Name+"]") {
						t.Errorf("usage of %s does not name --%s: %q", c.name, f.Name, c.args)
					}
				})
			}
		}
	}
}

// TestEveryCommandHasFlagsForHelp: every command runs far enough with
// --help to define its flags; only catalog parse-limit, screen and task
// list take no --data.
func TestEveryCommandHasFlagsForHelp(t *testing.T) {
	for _, c := range commands {
		e, _, _, _ := runIn(i18n.Zh, append(strings.Fields(c.name), "--help")...)
		if e.fs == nil {
			t.Errorf("%s: no flag set", c.name)
			continue
		}
		noData := c.name == "catalog parse-limit" || c.name == "screen" || c.name == "task list"
		if (e.fs.Lookup("data") == nil) != noData {
			t.Errorf("%s: --data defined = %v", c.name, e.fs.Lookup("data") != nil)
		}
	}
}

func TestGroupsAndUnknownCommands(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		out  string // in stdout, or stderr when the exit is not 0
	}{
		{[]string{"calendar"}, 2, "days, add, load"},
		{[]string{"calendar", "nonsense"}, 2, "gongkai calendar load FILE"},
		{[]string{"calendar", "--help"}, 0, "gongkai calendar add FROM N"},
		{[]string{"--help"}, 0, "gongkai import foi FILE.csv"},
		{[]string{"help"}, 0, "gongkai restore"},
		{[]string{}, 2, "gongkai serve"},
		{[]string{"nonsense"}, 2, "nonsense"},
	} {
		_, code, out, errOut := runIn(i18n.En, c.args...)
		got := out
		if c.code != 0 {
			got = errOut
		}
		if code != c.code || !strings.Contains(got, c.out) {
			t.Errorf("%v: exit %d, %q %q", c.args, code, out, errOut)
		}
	}
}

// TestFlagErrorsInTheUsersLanguage: the flag package's English never
// reaches a Chinese user.
func TestFlagErrorsInTheUsersLanguage(t *testing.T) {
	for _, c := range []struct {
		args   []string
		zh, en string
	}{
		{[]string{"seed", "synthetic", "--units", "x"}, "“x”不是选项 --units 的有效值", "“x” is not a valid value for --units"},
		{[]string{"foi", "due", "--json=maybe"}, "“maybe”不是选项 --json 的有效值", "“maybe” is not a valid value for --json"},
		{[]string{"migrate", "--nonsense"}, "没有 --nonsense 这个选项", "there is no flag --nonsense"},
		{[]string{"migrate", "--data"}, "选项 --data 需要一个值", "the flag --data needs a value"},
		{[]string{"migrate", "---data"}, "无法识别的选项写法：---data", "cannot read the flag ---data"},
	} {
		for lang, want := range map[i18n.Lang]string{i18n.Zh: c.zh, i18n.En: c.en} {
			_, code, _, errOut := runIn(lang, c.args...)
			if code != 2 || !strings.Contains(errOut, want) || strings.Contains(errOut, "flag provided") || strings.Contains(errOut, "invalid value") {
				t.Errorf("%s %v: exit %d, %q", lang, c.args, code, errOut)
			}
		}
	}
}
