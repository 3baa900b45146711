// Package db opens gongkai's database — SQLite by default, PostgreSQL when a
// postgres:// URL is given — runs its embedded migrations and provides a
// transaction helper that carries an injectable clock.
//
// SQL in gongkai is written once with ? placeholders in a portable subset;
// the Tx methods rebind placeholders for PostgreSQL. Where dialects must
// differ, callers switch on Dialect explicitly.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
	"github.com/riverqueue/river"   // registers the "pgx" driver
)

// Dialect names the database engine in use.
type Dialect string

// The supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Config says which database to open.
type Config struct {
	// DataDir holds the SQLite database file and the files folder.
	DataDir string
	// URL, when it starts with postgres:// or postgresql://, selects PostgreSQL.
	URL string
}

// DB is an open database with its dialect and clock.
type DB struct {
	SQL     *sql.DB
	Dialect Dialect
	// Path is the SQLite file, empty for PostgreSQL.
	Path string
	// URL is the PostgreSQL connection string, empty for SQLite.
	URL string

	mu  sync.RWMutex
	now func() time.Time
	gen atomic.Uint64

	// The insert-only job queue client (jobs.go), made on first use.
	insertOnce sync.Once
	insert     *river.Client[*sql.Tx]
	insertErr  error
}

// Generation counts the transactions this process has committed; caches
// of what the database holds compare it to know they are stale.
func (d *DB) Generation() uint64 { return d.gen.Load() }

// IsPostgresURL reports whether u selects PostgreSQL.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Open opens the database described by cfg, creating the data directory and
// the SQLite file on first use. It does not run migrations; see Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.URL != "" {
		if !IsPostgresURL(cfg.URL) {
			return nil, fmt.Errorf("database URL must start with postgres://, got %q", redact(cfg.URL))
		}
		sqldb, err := sql.Open("pgx", cfg.URL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqldb.SetMaxOpenConns(20)
		sqldb.SetMaxIdleConns(10)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		d := &DB{SQL: sqldb, Dialect: Postgres, URL: cfg.URL, now: time.Now}
		if err := d.Ping(ctx); err != nil {
			sqldb.Close()
			return nil, fmt.Errorf("connect to postgres %s: %w", redact(cfg.URL), err)
		}
		return d, nil
	}
	if err := checkFTS5(ctx); err != nil {
		return nil, err
	}
	dir := cfg.DataDir
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, "gongkai.db")
	sqldb, err := sql.Open("sqlite3", sqliteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// One writer at a time is SQLite's rule; _txlock=immediate makes each
	// transaction take the write lock at BEGIN so that two writers never
	// deadlock upgrading read locks, and busy_timeout makes them queue.
	sqldb.SetMaxOpenConns(8)
	sqldb.SetMaxIdleConns(8)
	d := &DB{SQL: sqldb, Dialect: SQLite, Path: path, now: time.Now}
	if err := d.Ping(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return d, nil
}

// ErrNoFTS5 means the program was built without SQLite's full-text search.
var ErrNoFTS5 = errors.New("this gongkai was built without SQLite FTS5: build it with -tags sqlite_fts5 (see README)")

// checkFTS5 makes sure the SQLite library has FTS5, which search needs.
func checkFTS5(ctx context.Context) error {
	mem, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	defer mem.Close()
	var used int
	if err := mem.QueryRowContext(ctx, "SELECT sqlite_compileoption_used('ENABLE_FTS5')").Scan(&used); err != nil {
		return fmt.Errorf("check sqlite: %w", err)
	}
	if used != 1 {
		return ErrNoFTS5
	}
	return nil
}

// sqliteDSN returns the connection string for the SQLite file at path.
// synchronous=FULL with WAL makes every acknowledged commit durable even on
// power loss, not only on a process crash.
func sqliteDSN(path string) string {
	return "file:" + path + "?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=10000&_foreign_keys=on&_txlock=immediate&_cache_size=-65536"
}

func redact(u string) string {
	if i := strings.Index(u, "@"); i > 0 {
		if j := strings.Index(u, "://"); j >= 0 && j < i {
			return u[:j+3] + "…" + u[i:]
		}
	}
	return u
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.SQL.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Close closes the database.
func (d *DB) Close() error { return d.SQL.Close() }

// SetClock replaces the clock that transactions report through Tx.Now; tests
// use it to control statutory deadlines.
func (d *DB) SetClock(now func() time.Time) {
	d.mu.Lock()
	d.now = now
	d.mu.Unlock()
}

// Now returns the current time by the database's clock, in UTC, truncated to
// microseconds so that both engines store and return the same value.
func (d *DB) Now() time.Time {
	d.mu.RLock()
	now := d.now
	d.mu.RUnlock()
	return now().UTC().Truncate(time.Microsecond)
}

// Tx is a transaction with the clock of the DB that began it.
type Tx struct {
	db      *DB
	tx      *sql.Tx
	dialect Dialect
	now     time.Time
}

// Dialect returns the engine the transaction runs on.
func (t *Tx) Dialect() Dialect { return t.dialect }

// Now returns the time fixed when the transaction began; every row a
// transaction writes carries the same time.
func (t *Tx) Now() time.Time { return t.now }

// At returns the transaction with its clock set to now, for records that
// happened on another day than the one they are loaded on (the demo's
// history, imports). Both share the one transaction.
func (t *Tx) At(now time.Time) *Tx {
	c := *t
	c.now = now.UTC().Truncate(time.Microsecond)
	return &c
}

// Exec runs a statement written with ? placeholders.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, Rebind(t.dialect, query), args...)
}

// Query runs a query written with ? placeholders.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, Rebind(t.dialect, query), args...)
}

// QueryRow runs a query written with ? placeholders that returns one row.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, Rebind(t.dialect, query), args...)
}

// InTx runs fn in a transaction and commits it if fn returns nil; otherwise
// it rolls back and returns fn's error. A panic in fn rolls back and is
// re-raised.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqltx, err := d.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{db: d, tx: sqltx, dialect: d.Dialect, now: d.Now()}
	defer func() {
		if p := recover(); p != nil {
			sqltx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rbErr := sqltx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := sqltx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	d.gen.Add(1)
	return nil
}

// Rebind rewrites ? placeholders as $1, $2… for PostgreSQL, leaving string
// literals, quoted identifiers and comments alone.
func Rebind(d Dialect, query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query) - i
			}
			b.WriteString(query[i : i+j])
			i += j - 1
			continue
		case c == '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// Query runs a read outside any transaction, with ? placeholders.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.SQL.QueryContext(ctx, Rebind(d.Dialect, query), args...)
}

// QueryRow runs a one-row read outside any transaction, with ? placeholders.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return d.SQL.QueryRowContext(ctx, Rebind(d.Dialect, query), args...)
}

// Querier is what both *DB and *Tx offer for reads, so that lookups can run
// inside a caller's transaction or on their own.
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}
