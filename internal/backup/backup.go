// Package backup makes consistent copies of a gongkai installation while it
// runs — the database (SQLite's VACUUM INTO, or pg_dump for PostgreSQL) and
// the files folder — as one .tar.gz, and restores them into an empty place.
package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/errs"
)

// Manifest describes a backup.
type Manifest struct {
	Format    int        `json:"format"`
	Dialect   db.Dialect `json:"dialect"`
	Schema    int64      `json:"schema_version"`
	CreatedAt time.Time  `json:"created_at"`
}

const (
	manifestName = "manifest.json"
	sqliteName   = "gongkai.db"
	pgName       = "postgres.dump"
	filesPrefix  = "files/"
)

// Create writes a backup of d and the files folder under dataDir to w.
func Create(ctx context.Context, d *db.DB, filesDir string, w io.Writer) error {
	schema, _, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "gongkai-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var dbFile, dbName string
	switch d.Dialect {
	case db.SQLite:
		dbFile, dbName = filepath.Join(tmp, sqliteName), sqliteName
		// VACUUM INTO copies a consistent snapshot while writers go on.
		if _, err := d.SQL.ExecContext(ctx, "VACUUM INTO ?", dbFile); err != nil {
			return fmt.Errorf("copy sqlite database: %w", err)
		}
	case db.Postgres:
		dbFile, dbName = filepath.Join(tmp, pgName), pgName
		// pg_dump reads one snapshot, so the copy is consistent.
		cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", dbFile, "--dbname", d.URL)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("pg_dump: %v: %s", err, strings.TrimSpace(stderr.String()))
		}
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	m, _ := json.MarshalIndent(Manifest{Format: 1, Dialect: d.Dialect, Schema: schema, CreatedAt: time.Now().UTC()}, "", "  ")
	if err := writeEntry(tw, manifestName, m); err != nil {
		return err
	}
	if err := addFile(tw, dbName, dbFile); err != nil {
		return err
	}
	if filesDir != "" {
		err := filepath.WalkDir(filesDir, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) && p == filesDir {
					return filepath.SkipDir
				}
				return err
			}
			if !de.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(filesDir, p)
			if err != nil {
				return err
			}
			return addFile(tw, filesPrefix+filepath.ToSlash(rel), p)
		})
		if err != nil {
			return fmt.Errorf("copy files: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeEntry(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o640, Size: int64(len(b)), ModTime: time.Now()}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

func addFile(tw *tar.Writer, name, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o640, Size: st.Size(), ModTime: st.ModTime()}); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// Restore brings a backup back: the SQLite database and files into dataDir,
// which must be empty or absent, or — for a PostgreSQL backup — the dump
// into the empty database at databaseURL and the files into dataDir.
// Nothing is overwritten; a refused restore changes nothing.
func Restore(ctx context.Context, r io.Reader, dataDir, databaseURL string) (Manifest, error) {
	if entries, err := os.ReadDir(dataDir); err == nil && len(entries) > 0 {
		return Manifest{}, errs.New(errs.Invalid, "backup.data_not_empty", dataDir)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dataDir)), ".gongkai-restore-")
	if err != nil {
		return Manifest{}, err
	}
	defer os.RemoveAll(tmp)
	m, err := extract(r, tmp)
	if err != nil {
		return Manifest{}, err
	}
	switch m.Dialect {
	case db.SQLite:
		if databaseURL != "" {
			return m, errs.New(errs.Invalid, "backup.dialect_mismatch", string(m.Dialect), "postgres")
		}
	case db.Postgres:
		if databaseURL == "" {
			return m, errs.New(errs.Invalid, "backup.dialect_mismatch", string(m.Dialect), "sqlite")
		}
		if err := restorePostgres(ctx, filepath.Join(tmp, pgName), databaseURL); err != nil {
			return m, err
		}
		os.Remove(filepath.Join(tmp, pgName))
	default:
		return m, errs.New(errs.Invalid, "backup.bad_archive", "dialect")
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(dataDir)), 0o750); err != nil {
		return m, err
	}
	os.Remove(dataDir) // empty or absent, checked above
	if err := os.Rename(tmp, dataDir); err != nil {
		return m, fmt.Errorf("move restored data into place: %w", err)
	}
	return m, nil
}

// extract unpacks the archive into dir, refusing unsafe names, and returns
// its manifest.
func extract(r io.Reader, dir string) (Manifest, error) {
	var m Manifest
	gz, err := gzip.NewReader(r)
	if err != nil {
		return m, errs.New(errs.Invalid, "backup.bad_archive", err.Error())
	}
	tr := tar.NewReader(gz)
	seen := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return m, errs.New(errs.Invalid, "backup.bad_archive", err.Error())
		}
		name := path.Clean(h.Name)
		if h.Typeflag != tar.TypeReg || strings.HasPrefix(name, "/") || strings.HasPrefix(name, "..") ||
			!(name == manifestName || name == sqliteName || name == pgName || strings.HasPrefix(name, filesPrefix)) {
			return m, errs.New(errs.Invalid, "backup.bad_archive", h.Name)
		}
		if name == manifestName {
			b, err := io.ReadAll(io.LimitReader(tr, 1<<20))
			if err != nil || json.Unmarshal(b, &m) != nil || m.Format != 1 {
				return m, errs.New(errs.Invalid, "backup.bad_archive", manifestName)
			}
			seen = true
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return m, err
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
		if err != nil {
			return m, err
		}
		_, err = io.Copy(f, tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return m, err
		}
	}
	if !seen {
		return m, errs.New(errs.Invalid, "backup.bad_archive", manifestName)
	}
	return m, nil
}

// restorePostgres loads a pg_dump archive into an empty database.
func restorePostgres(ctx context.Context, dump, url string) error {
	d, err := db.Open(ctx, db.Config{URL: url})
	if err != nil {
		return err
	}
	var n int
	err = d.QueryRow(ctx, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&n)
	d.Close()
	if err != nil {
		return err
	}
	if n > 0 {
		return errs.New(errs.Invalid, "backup.database_not_empty")
	}
	cmd := exec.CommandContext(ctx, "pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", "--dbname", url, dump)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_restore: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
