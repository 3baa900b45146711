// Package dbtest gives tests a fresh, migrated database on every engine:
// SQLite in a per-test temporary file and PostgreSQL in a per-test database
// cloned from a migrated template.
//
// PostgreSQL is found through GONGKAI_TEST_POSTGRES (a URL to a database the
// tests may create databases from), defaulting to the local server. When it
// does not answer, PostgreSQL subtests are skipped — except under CI
// (CI=true) or GONGKAI_REQUIRE_POSTGRES=1, where they fail.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/db"
)

// DefaultPostgresURL is used when GONGKAI_TEST_POSTGRES is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Engines runs fn as a subtest on each engine, with a fresh migrated database.
func Engines(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// EnginesB runs fn as a sub-benchmark on each engine, with a fresh migrated
// database.
func EnginesB(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Helper()
	b.Run("sqlite", func(b *testing.B) { fn(b, SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, Postgres(b)) })
}

// SQLite returns a fresh migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, db.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return d
}

// Required reports whether a missing PostgreSQL must fail the tests.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("GONGKAI_REQUIRE_POSTGRES") == "1"
}

// AdminURL returns the URL of the PostgreSQL database tests create
// databases from.
func AdminURL() string {
	if u := os.Getenv("GONGKAI_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

var (
	tmplOnce sync.Once
	tmplName string
	tmplErr  error
)

// Postgres returns a fresh migrated PostgreSQL database, dropped when the
// test ends.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	u := NewPostgresURL(t)
	ctx := context.Background()
	d, err := db.Open(ctx, db.Config{URL: u})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// NewPostgresURL creates a fresh migrated PostgreSQL database and returns its
// URL; the database is dropped when the test ends.
func NewPostgresURL(t testing.TB) string {
	t.Helper()
	admin, err := sql.Open("pgx", AdminURL())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if Required() {
			t.Fatalf("PostgreSQL is required under CI but does not answer at %s: %v", AdminURL(), err)
		}
		t.Skipf("PostgreSQL not available at %s: %v", AdminURL(), err)
	}
	defer admin.Close()
	tmplOnce.Do(func() { tmplName, tmplErr = makeTemplate(admin) })
	if tmplErr != nil {
		t.Fatalf("prepare postgres template: %v", tmplErr)
	}
	name := "gongkai_t_" + randomSuffix()
	if _, err := admin.Exec(fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmplName)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", AdminURL())
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return withDatabase(AdminURL(), name)
}

// makeTemplate creates and migrates a template database for this test
// process. Templates of processes that died are dropped on the way.
func makeTemplate(admin *sql.DB) (string, error) {
	ctx := context.Background()
	name := "gongkai_tmpl_" + randomSuffix()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	d, err := db.Open(ctx, db.Config{URL: withDatabase(AdminURL(), name)})
	if err != nil {
		return "", err
	}
	err = d.Migrate(ctx)
	d.Close()
	if err != nil {
		return "", err
	}
	return name, nil
}

// DropTemplate drops this process's template database; call it from TestMain
// after m.Run.
func DropTemplate() {
	if tmplName == "" {
		return
	}
	a, err := sql.Open("pgx", AdminURL())
	if err != nil {
		return
	}
	defer a.Close()
	a.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", tmplName))
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	if !strings.Contains(u.RawQuery, "sslmode") {
		q := u.Query()
		q.Set("sslmode", "disable")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
