package cli

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/report"
)

// runReportAnnual writes, and with --publish first publishes, a unit's annual
// report: gongkai report annual --unit CODE --year YYYY
// [--format json|html|xlsx] [--out FILE] [--publish].
func runReportAnnual(e *env, args []string) error {
	fs, data := e.flags()
	code := fs.String("unit", "", "cli.flag.report_unit")
	yearArg := fs.String("year", "", "cli.flag.report_year")
	format := fs.String("format", "json", "cli.flag.report_format")
	out := fs.String("out", "", "cli.flag.report_out")
	publish := fs.Bool("publish", false, "cli.flag.report_publish")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 0))
	}
	if *code == "" || *yearArg == "" {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--unit --year"))
	}
	if _, ok := report.MediaTypes[*format]; !ok {
		return usagef("%s", i18n.T(e.lang, "report.format_invalid", *format))
	}
	year, err := strconv.Atoi(*yearArg)
	if err != nil {
		year = 0 // refused below with the years allowed
	}
	if err := report.ValidYear(year, time.Now()); err != nil {
		return err
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	u, err := org.ByCode(e.ctx, d, *code)
	if err != nil {
		return err
	}
	var r report.Report
	if *publish {
		err = d.InTx(e.ctx, func(tx *db.Tx) error {
			r, err = report.Publish(e.ctx, tx, cliAccount(u), u, year)
			return err
		})
	} else {
		r, err = report.Annual(e.ctx, d, u, year)
	}
	if err != nil {
		return err
	}
	if *publish {
		fmt.Fprintln(e.stderr, i18n.T(e.lang, "report.cli_published", report.Title(e.lang, u, year)))
	}
	var b bytes.Buffer
	if err := report.Write(&b, r, *format); err != nil {
		return err
	}
	return e.writeOut(*out, b.Bytes())
}
