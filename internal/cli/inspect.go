package cli

import (
	"fmt"
	"text/tabwriter"

	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calstore"
	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
)

// runInspectRun runs an online inspection:
// gongkai inspect run [--scope CODE] [--as-of DATE] [--json].
func runInspectRun(e *env, args []string) error {
	fs, data := e.flags()
	scope := fs.String("scope", "", "cli.flag.inspect_scope")
	asOf := fs.String("as-of", "", "cli.flag.as_of")
	asJSON := fs.Bool("json", false, "cli.flag.json")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 0))
	}
	var day calendar.Date
	if *asOf != "" {
		var err error
		if day, err = calendar.ParseDate(*asOf); err != nil {
			return err
		}
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	root, err := e.scope(d, *scope)
	if err != nil {
		return err
	}
	cal, err := calstore.Load(e.ctx, d)
	if err != nil {
		return err
	}
	run, err := inspect.Inspect(e.ctx, d, cal, nil, inspect.Options{Scope: root, AsOf: day, Save: true})
	if err != nil {
		return err
	}
	if *asJSON {
		return e.printJSON(map[string]any{"run": run.ID, "scope": run.ScopeCode, "as_of": run.AsOf, "rules_version": run.RulesVersion, "units": run.Units})
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, i18n.T(e.lang, "inspect.cli_head", run.ID, run.ScopeCode, run.AsOf, run.RulesVersion))
	for _, u := range run.Units {
		verdict := i18n.T(e.lang, u.VerdictKey())
		if len(u.Vetoes()) > 0 {
			verdict = i18n.T(e.lang, "inspect.fail_veto")
		}
		fmt.Fprintf(w, "%s\t%s\t%.1f\t%s\t%d\n", u.Code, u.Name, u.Score, verdict, len(u.Findings))
	}
	return w.Flush()
}

// scope returns the unit of code, or the city (the first root) when code
// is empty.
func (e *env) scope(d *db.DB, code string) (org.Unit, error) {
	if code != "" {
		return org.ByCode(e.ctx, d, code)
	}
	roots, err := org.Roots(e.ctx, d)
	if err != nil {
		return org.Unit{}, err
	}
	if len(roots) == 0 {
		return org.Unit{}, usagef("%s", i18n.T(e.lang, "inspect.no_units"))
	}
	return roots[0], nil
}
