package cli

import (
	"path/filepath"

	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/services"
)

// runImportServices imports a unit's service guides from a table and
// prints {"rows","created","updated","incomplete":[{"name","missing"}]}.
func runImportServices(e *env, args []string) error {
	fs, data := e.flags()
	unit := fs.String("unit", "", "cli.flag.services_unit")
	publish := fs.Bool("publish", false, "cli.flag.services_publish")
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *unit == "" || len(pos) != 1 {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--unit FILE"))
	}
	f, err := openFile(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	table, err := services.ReadFile(filepath.Base(pos[0]), f)
	if err != nil {
		return err
	}
	var res services.ImportResult
	err = e.inTx(*data, func(tx *db.Tx) error {
		u, err := org.ByCode(e.ctx, tx, *unit)
		if err != nil {
			return err
		}
		res, err = services.ImportGuides(e.ctx, tx, cliAccount(u), services.Import{Unit: u, Publish: *publish, FileName: filepath.Base(pos[0]), File: table})
		return err
	})
	if err != nil {
		return err
	}
	return e.printJSON(res)
}
