package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"gongkai/internal/app"
	"gongkai/internal/backup"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

func runBackup(e *env, args []string) error {
	fs, data := e.flags()
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 1))
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	out := pos[0]
	tmp, err := os.CreateTemp(filepath.Dir(out), ".gongkai-backup-*")
	if err != nil {
		return errs.New(errs.Invalid, "cli.cannot_write", out, err.Error())
	}
	defer os.Remove(tmp.Name())
	filesDir := app.Config{DataDir: *data}.FilesDir()
	if err := backup.Create(e.ctx, d, filesDir, tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "cli.backup_done", out))
	return nil
}

func runRestore(e *env, args []string) error {
	fs, data := e.flags()
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 1))
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return errs.New(errs.Invalid, "cli.cannot_read", pos[0], err.Error())
	}
	defer f.Close()
	m, err := backup.Restore(e.ctx, f, *data, databaseURL())
	if err != nil {
		return err
	}
	// Bring the restored schema up to this release.
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	d.Close()
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "cli.restore_done", pos[0], m.CreatedAt.Format("2006-01-02 15:04:05 UTC")))
	return nil
}
