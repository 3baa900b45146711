package db

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// The durable job queue is River's, in the same database as everything
// else: its tables are created by Migrate, and a job is enqueued in the
// transaction of the change that causes it, so that the change and its
// follow-up work (a message to send, a notice to push) commit or roll back
// together. Package jobs runs the workers.

// RiverDriver returns River's driver for the engine d runs on: the SQLite
// driver, or the database/sql driver over pgx for PostgreSQL. Both work on
// the *sql.DB that d already holds, so there is one pool per process.
func (d *DB) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if d.Dialect == Postgres {
		return riverdatabasesql.New(d.SQL)
	}
	return riversqlite.New(d.SQL)
}

// migrateRiver brings River's tables to the version this program's River
// needs. River keeps its own record of applied versions (river_migration).
func (d *DB) migrateRiver(ctx context.Context) error {
	m, err := rivermigrate.New(d.RiverDriver(), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	for _, v := range res.Versions {
		slog.Debug("job queue migration applied", "version", v.Version, "duration", v.Duration)
	}
	return nil
}

// inserter returns the insert-only River client of d, made on first use. It
// knows no workers, so it enqueues every kind of job; the workers are
// registered by the client that works them (package jobs).
func (d *DB) inserter() (*river.Client[*sql.Tx], error) {
	d.insertOnce.Do(func() {
		d.insert, d.insertErr = river.NewClient(d.RiverDriver(), &river.Config{
			Logger: slog.New(slog.DiscardHandler),
		})
	})
	return d.insert, d.insertErr
}

// Enqueue adds a job to the queue in transaction t: it is worked only if
// t commits. opts may be nil. A unique job (opts.UniqueOpts) that is
// already queued is not added again, and that is not an error.
func (t *Tx) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	c, err := t.db.inserter()
	if err != nil {
		return nil, err
	}
	res, err := c.InsertTx(ctx, t.tx, args, opts)
	if err != nil {
		return nil, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return res, nil
}

// EnqueueMany adds jobs to the queue in transaction t, in one statement
// where the engine allows: what a fan-out to many recipients uses.
func (t *Tx) EnqueueMany(ctx context.Context, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	c, err := t.db.inserter()
	if err != nil {
		return err
	}
	if _, err := c.InsertManyTx(ctx, t.tx, params); err != nil {
		return fmt.Errorf("enqueue %d %s jobs: %w", len(params), params[0].Args.Kind(), err)
	}
	return nil
}

// Enqueue adds a job to the queue in a transaction of its own.
func (d *DB) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (res *rivertype.JobInsertResult, err error) {
	err = d.InTx(ctx, func(tx *Tx) error {
		res, err = tx.Enqueue(ctx, args, opts)
		return err
	})
	return res, err
}
