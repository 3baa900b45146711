package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"gongkai/internal/audit"
	"gongkai/internal/backup"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

func addUnit(ctx context.Context, d *db.DB, n org.NewUnit) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		_, err := org.Create(ctx, tx, "test", nil, n)
		return err
	})
}

func unitCodes(t *testing.T, d *db.DB) map[string]bool {
	t.Helper()
	rows, err := d.Query(context.Background(), "SELECT code FROM units")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		out[c] = true
	}
	return out
}

// emptyPostgres creates an empty database and returns its URL.
func emptyPostgres(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	admin, err := db.Open(ctx, db.Config{URL: dbtest.AdminURL()})
	if err != nil {
		if dbtest.Required() {
			t.Fatal(err)
		}
		t.Skip("PostgreSQL:", err)
	}
	defer admin.Close()
	name := fmt.Sprintf("gongkai_restore_%d", os.Getpid()) + rand.Text()[:8]
	name = filepathSafe(name)
	if _, err := admin.SQL.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := db.Open(context.Background(), db.Config{URL: dbtest.AdminURL()})
		if err == nil {
			a.SQL.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	u, _ := url.Parse(dbtest.AdminURL())
	u.Path = "/" + name
	return u.String()
}

func filepathSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

func TestBackupWhileWritingAndRestore(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := addUnit(ctx, d, org.NewUnit{Code: "440100", Name: "广州市", Kind: org.City}); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 20; i++ {
			if err := addUnit(ctx, d, org.NewUnit{Code: fmt.Sprintf("440100-%02d", i), Name: fmt.Sprintf("部门%d", i), Kind: org.CityDepartment, ParentCode: "440100"}); err != nil {
				t.Fatal(err)
			}
		}
		before := unitCodes(t, d)
		files := t.TempDir()
		blob := []byte(rand.Text() + rand.Text())
		os.MkdirAll(filepath.Join(files, "ab", "cd"), 0o750)
		os.WriteFile(filepath.Join(files, "ab", "cd", "attachment.pdf"), blob, 0o640)

		// A writer keeps adding units while the backup runs.
		var wg sync.WaitGroup
		var stop atomic.Bool
		var written atomic.Int64
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 100; !stop.Load() && i < 2000; i++ {
				if err := addUnit(ctx, d, org.NewUnit{Code: fmt.Sprintf("440100-%04d", i), Name: "新部门", Kind: org.CityDepartment, ParentCode: "440100"}); err != nil {
					t.Error(err)
					return
				}
				written.Add(1)
			}
		}()
		var archive bytes.Buffer
		err := backup.Create(ctx, d, files, &archive)
		stop.Store(true)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		after := unitCodes(t, d)

		dataDir := filepath.Join(t.TempDir(), "restored")
		pgURL := ""
		if d.Dialect == db.Postgres {
			pgURL = emptyPostgres(t)
		}
		m, err := backup.Restore(ctx, bytes.NewReader(archive.Bytes()), dataDir, pgURL)
		if err != nil {
			t.Fatal(err)
		}
		if m.Dialect != d.Dialect || m.Schema == 0 {
			t.Errorf("manifest %+v", m)
		}
		r, err := db.Open(ctx, db.Config{DataDir: dataDir, URL: pgURL})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if err := r.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
		got := unitCodes(t, r)
		for c := range before {
			if !got[c] {
				t.Errorf("unit %s, written before the backup, is missing", c)
			}
		}
		for c := range got {
			if !after[c] {
				t.Errorf("restored unit %s never existed", c)
			}
		}
		t.Logf("%d units restored; %d written during the backup", len(got), written.Load())
		// The snapshot is consistent: the audit chain matches the units.
		res, err := audit.Verify(ctx, r)
		if err != nil || res.Broken != 0 {
			t.Fatalf("restored audit chain: %+v %v", res, err)
		}
		if n, _ := audit.Count(ctx, r); n != len(got) {
			t.Errorf("%d audit events for %d units: the copy is not one moment", n, len(got))
		}
		b, err := os.ReadFile(filepath.Join(dataDir, "files", "ab", "cd", "attachment.pdf"))
		if err != nil || !bytes.Equal(b, blob) {
			t.Errorf("restored file differs: %v", err)
		}

		// A second restore into the same place is refused and changes nothing.
		_, err = backup.Restore(ctx, bytes.NewReader(archive.Bytes()), dataDir, pgURL)
		if e := errs.As(err); e == nil || e.Key != "backup.data_not_empty" {
			t.Errorf("restore over data: %v", err)
		}
		if d.Dialect == db.Postgres {
			// Into a database that is not empty.
			_, err = backup.Restore(ctx, bytes.NewReader(archive.Bytes()), filepath.Join(t.TempDir(), "x"), pgURL)
			if e := errs.As(err); e == nil || e.Key != "backup.database_not_empty" {
				t.Errorf("restore over a database: %v", err)
			}
		}
	})
}

func TestRestoreRefusesUnsafeArchives(t *testing.T) {
	for name, entries := range map[string][]string{
		"path traversal": {"manifest.json", "../escape.txt"},
		"absolute path":  {"manifest.json", "/tmp/escape.txt"},
		"unknown entry":  {"manifest.json", "etc/passwd"},
		"no manifest":    {"gongkai.db"},
	} {
		var buf bytes.Buffer
		gz := gzip.NewWriter(&buf)
		tw := tar.NewWriter(gz)
		for _, e := range entries {
			body := []byte("x")
			if e == "manifest.json" {
				body = []byte(`{"format":1,"dialect":"sqlite","schema_version":1}`)
			}
			tw.WriteHeader(&tar.Header{Name: e, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg})
			tw.Write(body)
		}
		tw.Close()
		gz.Close()
		parent := t.TempDir()
		dataDir := filepath.Join(parent, "data")
		_, err := backup.Restore(context.Background(), &buf, dataDir, "")
		if e := errs.As(err); e == nil || e.Key != "backup.bad_archive" {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := os.Stat(filepath.Join(parent, "escape.txt")); err == nil {
			t.Errorf("%s: a file was written outside the data directory", name)
		}
		if _, err := os.Stat(dataDir); err == nil {
			t.Errorf("%s: a refused restore created the data directory", name)
		}
	}
	// Not a gzip file at all.
	if _, err := backup.Restore(context.Background(), bytes.NewReader([]byte("junk")), filepath.Join(t.TempDir(), "d"), ""); errs.KindOf(err) != errs.Invalid {
		t.Errorf("junk: %v", err)
	}
}
