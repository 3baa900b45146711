package cli

import (
	"io"
	"os"
	"unicode/utf8"

	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/screen"
)

// maxScreenInput bounds the text screened in one run.
const maxScreenInput = 64 << 20

// runScreen prints the personal data found in a text file or standard
// input as a JSON array.
func runScreen(e *env, args []string) error {
	fs := e.plainFlags()
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 1))
	}
	in := e.stdin
	if fs.NArg() == 1 {
		f, err := os.Open(fs.Arg(0))
		if os.IsNotExist(err) {
			return errs.New(errs.Invalid, "cli.no_file", fs.Arg(0))
		}
		if err != nil {
			return errs.New(errs.Invalid, "cli.cannot_read", fs.Arg(0), err.Error())
		}
		defer f.Close()
		in = f
	}
	b, err := io.ReadAll(io.LimitReader(in, maxScreenInput+1))
	if err != nil {
		return err
	}
	if len(b) > maxScreenInput {
		return errs.New(errs.Invalid, "screen.too_large", maxScreenInput>>20)
	}
	if !utf8.Valid(b) {
		return errs.New(errs.Invalid, "screen.not_utf8")
	}
	found := screen.Text(string(b))
	if found == nil {
		found = []screen.Finding{}
	}
	return e.printJSON(found)
}
