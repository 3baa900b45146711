package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrations embed.FS

func (d *DB) provider() (*goose.Provider, error) {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if d.Dialect == Postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, d.SQL, fsys)
}

// Migrate applies every pending migration, each in its own transaction. It
// refuses a database whose schema is newer than this program knows, since
// running on it could corrupt data written by a newer release.
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.provider()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > target {
		return fmt.Errorf("database schema version %d is newer than this program knows (%d); upgrade gongkai", current, target)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range res {
		slog.Debug("migration applied", "version", r.Source.Version, "duration", r.Duration)
	}
	return d.migrateRiver(ctx)
}

// SchemaVersion returns the applied schema version and the newest version
// this program knows.
func (d *DB) SchemaVersion(ctx context.Context) (current, known int64, err error) {
	p, err := d.provider()
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}

// CheckSchema returns an error unless the database is at exactly the schema
// version this program knows.
func (d *DB) CheckSchema(ctx context.Context) error {
	cur, known, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if cur != known {
		return fmt.Errorf("database schema version %d, this program needs %d; run gongkai migrate", cur, known)
	}
	return nil
}
