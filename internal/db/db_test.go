package db_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

func TestRebind(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{"SELECT '?' , ? -- what?\n, ?", "SELECT '?' , $1 -- what?\n, $2"},
		{`SELECT "a?" FROM t WHERE x = ?`, `SELECT "a?" FROM t WHERE x = $1`},
	}
	for _, tt := range tests {
		if got := db.Rebind(db.Postgres, tt.in); got != tt.want {
			t.Errorf("Rebind(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := db.Rebind(db.SQLite, tt.in); got != tt.in {
			t.Errorf("Rebind(sqlite, %q) changed the query to %q", tt.in, got)
		}
	}
}

func TestMigrateFromEmptyAndTx(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cur, known, err := d.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cur != known || cur < 1 {
			t.Fatalf("schema version %d, known %d", cur, known)
		}
		// Migrating again is a no-op.
		if err := d.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if err := d.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}

		fixed := time.Date(2026, 10, 8, 9, 30, 0, 123456789, time.UTC)
		d.SetClock(func() time.Time { return fixed })
		err = d.InTx(ctx, func(tx *db.Tx) error {
			if !tx.Now().Equal(fixed.Truncate(time.Microsecond)) {
				t.Errorf("tx.Now() = %v, want %v", tx.Now(), fixed)
			}
			_, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "k1", "v1")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// A failing transaction leaves nothing behind.
		boom := errors.New("boom")
		err = d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "k2", "v2"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx error = %v, want boom", err)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM settings WHERE key IN (?, ?)", "k1", "k2").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("rows after rollback = %d, want 1", n)
		}
		// Unique violations are recognised on both engines.
		err = d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "k1", "again")
			return err
		})
		if !db.IsUniqueViolation(err) {
			t.Errorf("IsUniqueViolation(%v) = false", err)
		}
	})
}

func TestRefusesNewerSchema(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.SQL.ExecContext(ctx, db.Rebind(d.Dialect, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)"), 99999, true); err != nil {
			t.Fatal(err)
		}
		if err := d.Migrate(ctx); err == nil {
			t.Fatal("Migrate on a newer schema succeeded, want error")
		}
	})
}
