package audit_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"gongkai/internal/audit"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

func appendN(t *testing.T, d *db.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			return audit.Append(ctx, tx, "tester", "unit.create", "unit", fmt.Sprint(i), map[string]any{"name": fmt.Sprintf("单位%d", i)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestChainVerifies(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		appendN(t, d, 5)
		res, err := audit.Verify(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		if !res.OK() || res.Events != 5 {
			t.Fatalf("Verify = %+v, want 5 events and no break", res)
		}
	})
}

// TestTamperDetected edits one event behind the database's back (dropping the
// append-only trigger first, as an intruder with database access would) and
// checks that Verify names exactly that event.
func TestTamperDetected(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		appendN(t, d, 6)
		if _, err := d.SQL.ExecContext(ctx, "UPDATE audit_events SET actor = 'x' WHERE id = 3"); err == nil {
			t.Fatal("UPDATE of an audit event succeeded; the log must be append-only")
		}
		drop := "DROP TRIGGER audit_no_update"
		if d.Dialect == db.Postgres {
			drop += " ON audit_events"
		}
		if _, err := d.SQL.ExecContext(ctx, drop); err != nil {
			t.Fatal(err)
		}
		if _, err := d.SQL.ExecContext(ctx, `UPDATE audit_events SET detail = '{"name":"篡改"}' WHERE id = 4`); err != nil {
			t.Fatal(err)
		}
		res, err := audit.Verify(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if res.Broken != 4 {
			t.Fatalf("Verify = %+v, want first broken link at event 4", res)
		}
	})
}
