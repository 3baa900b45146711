package cli

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"text/tabwriter"

	"gongkai/internal/app"
	"gongkai/internal/assess"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calstore"
	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/selfreport"
)

// yearFlag reads a year typed on the command line; anything else is 0,
// which the year's check refuses with the years allowed.
func yearFlag(s string) int {
	y, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return y
}

// sources returns the report and assessment sources over d's calendar.
func (e *env) sources(d *db.DB) (selfreport.Sources, assess.Sources, error) {
	cal, err := calstore.Load(e.ctx, d)
	if err != nil {
		return nil, nil, err
	}
	sections, components := app.ReportSources(func() *calendar.Calendar { return cal })
	return sections, components, nil
}

// runReportSelf writes a unit's self-inspection report: gongkai report
// self --unit CODE --year YYYY [--format json|html|docx] [--out FILE].
// The JSON is {"unit","year","sections":[{"key","title","figures","text"}]}.
func runReportSelf(e *env, args []string) error {
	fs, data := e.flags()
	code := fs.String("unit", "", "cli.flag.report_unit")
	yearArg := fs.String("year", "", "cli.flag.selfreport_year")
	format := fs.String("format", "json", "cli.flag.selfreport_format")
	out := fs.String("out", "", "cli.flag.report_out")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 0))
	}
	if *code == "" || *yearArg == "" {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--unit --year"))
	}
	if _, ok := selfreport.MediaTypes[*format]; !ok {
		return usagef("%s", i18n.T(e.lang, "selfreport.format_invalid", *format))
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	year := yearFlag(*yearArg)
	if err := selfreport.ValidYear(d, year); err != nil {
		return err
	}
	u, err := org.ByCode(e.ctx, d, *code)
	if err != nil {
		return err
	}
	sections, _, err := e.sources(d)
	if err != nil {
		return err
	}
	r, err := selfreport.Generate(e.ctx, d, sections, u, year)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := selfreport.Write(&b, r, *format, e.lang); err != nil {
		return err
	}
	return e.writeOut(*out, b.Bytes())
}

// writeOut writes a command's output to the file path, or to standard
// output when path is empty.
func (e *env) writeOut(path string, b []byte) error {
	if path == "" {
		_, err := e.stdout.Write(b)
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// runAssess scores the units under a scope for a year: gongkai assess
// --scope CODE --year YYYY [--json]. The JSON is {"units":[{"code",
// "score","points","components":[{"key","score","weight"}]}]}, a
// component left out with a null score; the plain listing is a table.
func runAssess(e *env, args []string) error {
	fs, data := e.flags()
	scopeArg := fs.String("scope", "", "cli.flag.assess_scope")
	yearArg := fs.String("year", "", "cli.flag.assess_year")
	asJSON := fs.Bool("json", false, "cli.flag.json")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 0))
	}
	if *scopeArg == "" || *yearArg == "" {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--scope --year"))
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	scheme, err := assess.SchemeFor(e.ctx, d, yearFlag(*yearArg))
	if err != nil {
		return err
	}
	scope, err := org.ByCode(e.ctx, d, *scopeArg)
	if err != nil {
		return err
	}
	units, err := assess.Units(e.ctx, d, scope)
	if err != nil {
		return err
	}
	_, components, err := e.sources(d)
	if err != nil {
		return err
	}
	results, err := assess.Assess(e.ctx, d, components, scheme, units)
	if err != nil {
		return err
	}
	if *asJSON {
		return e.printJSON(map[string][]assess.UnitResult{"units": append([]assess.UnitResult{}, results...)})
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "%s\t%s", i18n.T(e.lang, "unit.code"), i18n.T(e.lang, "unit.name"))
	for _, c := range scheme.Components {
		fmt.Fprintf(w, "\t%s", i18n.T(e.lang, "assess.column", assess.ComponentTitle(e.lang, c.Key), c.Weight))
	}
	fmt.Fprintf(w, "\t%s\t%s\n", i18n.T(e.lang, "assess.score"), i18n.T(e.lang, "assess.points", assess.PerformancePoints))
	for _, r := range results {
		fmt.Fprintf(w, "%s\t%s", r.Unit.Code, r.Unit.Name)
		for _, c := range r.Components {
			if c.Available {
				fmt.Fprintf(w, "\t%.2f", c.Score)
			} else {
				fmt.Fprint(w, "\t—")
			}
		}
		fmt.Fprintf(w, "\t%.2f\t%.2f\n", r.Score, r.Points)
	}
	return w.Flush()
}
