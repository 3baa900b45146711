package cli

import (
	"fmt"

	"gongkai/internal/db"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
)

// runImportFOI loads applications for disclosure handled before gongkai
// from a CSV file (foi.ImportHeader), all or nothing.
func runImportFOI(e *env, args []string) error {
	fs, data := e.flags()
	f, err := e.importFile(fs, args)
	if err != nil {
		return err
	}
	defer f.Close()
	var n int
	err = e.inTx(*data, func(tx *db.Tx) error {
		n, err = foi.Import(e.ctx, tx, cliActor(), f)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "cli.foi_imported", n))
	return nil
}
