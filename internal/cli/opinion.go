package cli

import (
	"bytes"
	"encoding/json"
	"os"

	"gongkai/internal/calendar"
	"gongkai/internal/i18n"
	"gongkai/internal/opinion"
	"gongkai/internal/org"
)

// runOpinionSummary writes the month's summary of public-opinion items of
// a scope for the leaders: gongkai opinion summary --scope CODE --month
// YYYY-MM [--format json|xlsx] [--out FILE]. The JSON is opinion.Summary:
// {"scope","scope_name","month","as_of","total","by_level","by_source",
// "by_state","parts","responded","on_time","late","waiting",
// "on_time_rate","items"}; the workbook is the one the console offers.
func runOpinionSummary(e *env, args []string) error {
	fs, data := e.flags()
	code := fs.String("scope", "", "cli.flag.opinion_scope")
	month := fs.String("month", "", "cli.flag.opinion_month")
	format := fs.String("format", "json", "cli.flag.opinion_format")
	out := fs.String("out", "", "cli.flag.report_out")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 0))
	}
	if *code == "" || *month == "" {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--scope --month"))
	}
	if *format != "json" && *format != "xlsx" {
		return usagef("%s", i18n.T(e.lang, "opinion.format_invalid", *format))
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	scope, err := org.ByCode(e.ctx, d, *code)
	if err != nil {
		return err
	}
	s, err := opinion.MonthSummary(e.ctx, d, scope, *month, calendar.DateOf(d.Now().In(calendar.China)))
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if *format == "xlsx" {
		err = opinion.WriteXLSX(&b, s, e.lang)
	} else {
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		err = enc.Encode(s)
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = e.stdout.Write(b.Bytes())
		return err
	}
	return os.WriteFile(*out, b.Bytes(), 0o644)
}
