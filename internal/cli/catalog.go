package cli

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// runCatalogParseLimit prints the rule read from a 公开时限 as JSON.
func runCatalogParseLimit(e *env, args []string) error {
	fs := e.plainFlags()
	if err := e.parse(fs, args); err != nil {
		return err
	}
	text := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(text) == "" {
		return usagef("%s", i18n.T(e.lang, "cli.args", 1))
	}
	return e.printJSON(catalog.ParseLimit(text))
}

// printJSON writes v as one line of JSON, with Chinese left readable.
func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// openFile opens a file named on the command line; its errors say which.
func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, errs.New(errs.Invalid, "cli.no_file", path)
	}
	if err != nil {
		return nil, errs.New(errs.Invalid, "cli.cannot_read", path, err.Error())
	}
	return f, nil
}

// readTableFile reads a CSV or XLSX file as a catalog table.
func readTableFile(path string) (*catalog.Table, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return catalog.ReadTable(filepath.Base(path), f)
}

// cliAccount acts for the command line: an administrator of unit u.
func cliAccount(u org.Unit) auth.Account {
	return auth.Account{Login: cliActor(), Role: auth.Admin, Unit: u}
}

// runGuidelineImport imports a domain's guideline version.
func runGuidelineImport(e *env, args []string) error {
	fs, data := e.flags()
	domain := fs.String("domain", "", "cli.flag.guideline_domain")
	title := fs.String("title", "", "cli.flag.guideline_title")
	doc := fs.String("doc", "", "cli.flag.guideline_doc")
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *domain == "" || len(pos) != 1 {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--domain FILE"))
	}
	t, err := readTableFile(pos[0])
	if err != nil {
		return err
	}
	var rep catalog.ImportReport
	var g catalog.Guideline
	err = e.inTx(*data, func(tx *db.Tx) error {
		dom, ok, err := catalog.ResolveDomain(e.ctx, tx, nil, *domain)
		if err != nil {
			return err
		}
		if !ok {
			return errs.New(errs.Invalid, "domain.not_found", *domain)
		}
		g, rep, err = catalog.ImportGuideline(e.ctx, tx, cliActor(), catalog.GuidelineImport{Domain: dom, Title: *title, DocNumber: *doc, FileName: filepath.Base(pos[0]), Table: t})
		return err
	})
	if err != nil {
		return err
	}
	return e.printJSON(map[string]any{"domain": g.Domain.Name, "version": g.Version, "title": g.Title, "rows": rep.Rows,
		"unparsed_limits": rep.UnparsedLimits, "ignored_columns": rep.IgnoredColumns, "missing_columns": rep.MissingColumns})
}

// runImportCatalog imports a unit's catalog kept before gongkai.
func runImportCatalog(e *env, args []string) error {
	fs, data := e.flags()
	unit := fs.String("unit", "", "cli.flag.catalog_unit")
	domain := fs.String("domain", "", "cli.flag.catalog_domain")
	publish := fs.Bool("publish", false, "cli.flag.catalog_publish")
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *unit == "" || len(pos) != 1 {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--unit FILE"))
	}
	t, err := readTableFile(pos[0])
	if err != nil {
		return err
	}
	var sum catalog.ImportSummary
	err = e.inTx(*data, func(tx *db.Tx) error {
		u, err := org.ByCode(e.ctx, tx, *unit)
		if err != nil {
			return err
		}
		sum, err = catalog.ImportCatalog(e.ctx, tx, cliAccount(u), catalog.CatalogImport{Unit: u, Domain: *domain, Publish: *publish, FileName: filepath.Base(pos[0]), Table: t})
		return err
	})
	if err != nil {
		return err
	}
	return e.printJSON(sum)
}

// inTx opens the database at dataDir and runs fn in one transaction.
func (e *env) inTx(dataDir string, fn func(tx *db.Tx) error) error {
	d, err := e.openDB(dataDir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.InTx(e.ctx, fn)
}

// importFile parses an import subcommand's flags and opens the one file it
// names.
func (e *env) importFile(fs *flag.FlagSet, args []string) (*os.File, error) {
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != 1 {
		return nil, usagef("%s", i18n.T(e.lang, "cli.args", 1))
	}
	return openFile(pos[0])
}

// runImportInfo loads records published elsewhere from a JSON Lines file.
func runImportInfo(e *env, args []string) error {
	fs, data := e.flags()
	unit := fs.String("unit", "", "cli.flag.info_unit")
	f, err := e.importFile(fs, args)
	if err != nil {
		return err
	}
	defer f.Close()
	var res info.ImportResult
	err = e.inTx(*data, func(tx *db.Tx) error {
		var def *org.Unit
		if *unit != "" {
			u, err := org.ByCode(e.ctx, tx, *unit)
			if err != nil {
				return err
			}
			def = &u
		}
		res, err = info.Import(e.ctx, tx, cliActor(), def, f)
		return err
	})
	if err != nil {
		return err
	}
	return e.printJSON(res)
}
