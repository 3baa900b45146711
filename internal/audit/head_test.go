package audit_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

// lastEvent returns the id and hash of the newest event, read directly.
func lastEvent(t *testing.T, d *db.DB) (int64, string) {
	t.Helper()
	var id int64
	var hash string
	if err := d.QueryRow(context.Background(), "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1").Scan(&id, &hash); err != nil {
		t.Fatal(err)
	}
	return id, hash
}

func mustPublish(t *testing.T, d *db.DB) audit.Head {
	t.Helper()
	h, _, err := audit.PublishHead(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// unlock drops the append-only triggers of the log, as an intruder with
// database access would.
func unlock(t *testing.T, d *db.DB) {
	t.Helper()
	stmts := []string{"DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"}
	if d.Dialect == db.Postgres {
		stmts = []string{"ALTER TABLE audit_events DISABLE TRIGGER USER"}
	}
	for _, s := range stmts {
		if _, err := d.SQL.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

// rechain rewrites the detail of event from and recomputes the hash of it
// and of every event after it, keeping ids and times, so that the chain is
// whole again. The hash is computed here as an intruder would, from the
// documented encoding, not by the package under test.
func rechain(t *testing.T, d *db.DB, from int64, detail string) {
	t.Helper()
	ctx := context.Background()
	type ev struct {
		id                                          int64
		at                                          time.Time
		actor, action, otype, oid, detail, prevHash string
	}
	rows, err := d.Query(ctx, "SELECT id, at, actor, action, object_type, object_id, detail, prev_hash FROM audit_events WHERE id >= ? ORDER BY id", from)
	if err != nil {
		t.Fatal(err)
	}
	var evs []ev
	for rows.Next() {
		var e ev
		if err := rows.Scan(&e.id, &e.at, &e.actor, &e.action, &e.otype, &e.oid, &e.detail, &e.prevHash); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	rows.Close()
	prev := evs[0].prevHash
	evs[0].detail = detail
	for _, e := range evs {
		b, _ := json.Marshal([]string{prev, e.at.UTC().Format(time.RFC3339Nano), e.actor, e.action, e.otype, e.oid, e.detail})
		sum := sha256.Sum256(b)
		hash := hex.EncodeToString(sum[:])
		if _, err := d.SQL.Exec(db.Rebind(d.Dialect, "UPDATE audit_events SET detail = ?, prev_hash = ?, hash = ? WHERE id = ?"), e.detail, prev, hash, e.id); err != nil {
			t.Fatal(err)
		}
		prev = hash
	}
}

func verify(t *testing.T, d *db.DB) audit.Result {
	t.Helper()
	res, err := audit.Verify(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPublishedHeadsUntouchedChainPasses(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		at := time.Date(2026, 6, 15, 0, 0, 30, 0, time.UTC)
		d.SetClock(func() time.Time { return at })
		appendN(t, d, 5)
		id1, hash1 := lastEvent(t, d)
		h, added, err := audit.PublishHead(ctx, d)
		if err != nil || !added {
			t.Fatalf("PublishHead = %+v, %v, %v; want a new head", h, added, err)
		}
		if h.EventID != id1 || h.Hash != hash1 || !h.PublishedAt.Equal(at) {
			t.Errorf("published %+v, want event %d hash %s at %s", h, id1, hash1, at)
		}
		// The same head again is not a second row, and keeps its first time.
		d.SetClock(func() time.Time { return at.Add(24 * time.Hour) })
		again, added, err := audit.PublishHead(ctx, d)
		if err != nil || added || again.EventID != id1 || !again.PublishedAt.Equal(at) {
			t.Errorf("second PublishHead = %+v, %v, %v; want the first publication, not added", again, added, err)
		}
		appendN(t, d, 3)
		id2, _ := lastEvent(t, d)
		mustPublish(t, d)
		var rows int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_heads").Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != 2 {
			t.Errorf("%d published heads, want 2", rows)
		}
		heads, err := audit.LatestHeads(ctx, d, 10)
		if err != nil || len(heads) != 2 || heads[0].EventID != id2 || heads[1].EventID != id1 {
			t.Errorf("LatestHeads = %+v, %v; want events %d then %d", heads, err, id2, id1)
		}
		appendN(t, d, 2)
		if res := verify(t, d); !res.OK() || res.Events != 10 || res.Heads != 2 {
			t.Fatalf("Verify = %+v, want 10 events, 2 heads, no break", res)
		}
	})
}

// TestTruncationBelowPublishedHeadDetected deletes the newest events,
// including the published head; the chain that is left is whole, so only the
// published head can tell.
func TestTruncationBelowPublishedHeadDetected(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		appendN(t, d, 6)
		head, _ := lastEvent(t, d)
		mustPublish(t, d)
		unlock(t, d)
		if _, err := d.SQL.Exec(db.Rebind(d.Dialect, "DELETE FROM audit_events WHERE id >= ?"), head-1); err != nil {
			t.Fatal(err)
		}
		res := verify(t, d)
		if res.OK() || res.Broken != head || res.Reason != "audit.reason.head_missing" {
			t.Fatalf("Verify after truncation = %+v, want a break at published head %d (missing)", res, head)
		}
		// Events appended after the truncation do not hide it: on SQLite
		// they take the deleted ids with other hashes.
		appendN(t, d, 3)
		if res := verify(t, d); res.OK() || res.Broken != head {
			t.Fatalf("Verify after truncation and new events = %+v, want a break at published head %d", res, head)
		}
	})
}

// TestRechainBeforePublishedHeadDetected rewrites an event before a
// published head and re-chains every event after it, so that each link
// holds again.
func TestRechainBeforePublishedHeadDetected(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		appendN(t, d, 3)
		first, _ := lastEvent(t, d)
		mustPublish(t, d)
		appendN(t, d, 3)
		head, _ := lastEvent(t, d)
		mustPublish(t, d)
		appendN(t, d, 2)
		unlock(t, d)
		rechain(t, d, first+1, `{"name":"篡改"}`)
		res := verify(t, d)
		if res.OK() || res.Broken != head || res.Reason != "audit.reason.head_mismatch" {
			t.Fatalf("Verify after re-chaining = %+v, want a break at published head %d (hash changed)", res, head)
		}
		if res.Err() == nil {
			t.Error("a broken result has no error")
		}
	})
}

// TestPublishHeadRefusesBrokenChain: a head is published only for a log that
// verifies, so a tampered log is never vouched for.
func TestPublishHeadRefusesBrokenChain(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		appendN(t, d, 4)
		unlock(t, d)
		if _, err := d.SQL.Exec(`UPDATE audit_events SET detail = '{"name":"篡改"}' WHERE id = (SELECT MIN(id) FROM audit_events)`); err != nil {
			t.Fatal(err)
		}
		if _, _, err := audit.PublishHead(ctx, d); err == nil {
			t.Fatal("PublishHead published the head of a broken chain")
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_heads").Scan(&n); err != nil || n != 0 {
			t.Errorf("%d published heads (%v), want none", n, err)
		}
	})
}

func TestPublishHeadEmptyLog(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		if _, _, err := audit.PublishHead(context.Background(), d); !errors.Is(err, audit.ErrEmpty) {
			t.Fatalf("PublishHead on an empty log: %v, want ErrEmpty", err)
		}
		if _, err := audit.CurrentHead(context.Background(), d); !errors.Is(err, audit.ErrEmpty) {
			t.Fatalf("CurrentHead on an empty log: %v, want ErrEmpty", err)
		}
	})
}

// TestPublishedHeadsAppendOnly: the database refuses to change or remove a
// published head.
func TestPublishedHeadsAppendOnly(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		appendN(t, d, 2)
		mustPublish(t, d)
		for _, s := range []string{"UPDATE audit_heads SET hash = 'x'", "DELETE FROM audit_heads"} {
			if _, err := d.SQL.Exec(s); err == nil {
				t.Errorf("%s succeeded; published heads must be kept", s)
			}
		}
	})
}

// TestVerifyAgainstArchivedHead: an intruder who can rewrite the log can also
// empty the table of published heads; a head the operator archived elsewhere
// and passes to Verify still catches the rewrite.
func TestVerifyAgainstArchivedHead(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		appendN(t, d, 4)
		id, hash := lastEvent(t, d)
		archived := audit.Head{EventID: id, Hash: hash}
		mustPublish(t, d)
		if res, err := audit.Verify(context.Background(), d, archived); err != nil || !res.OK() || res.Heads != 2 {
			t.Fatalf("Verify with the archived head of an untouched log = %+v, %v; want no break, 2 heads checked", res, err)
		}
		unlock(t, d)
		stmts := []string{"DROP TRIGGER audit_heads_no_delete", "DELETE FROM audit_heads"}
		if d.Dialect == db.Postgres {
			stmts = []string{"ALTER TABLE audit_heads DISABLE TRIGGER USER", "DELETE FROM audit_heads"}
		}
		for _, s := range stmts {
			if _, err := d.SQL.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		rechain(t, d, 2, `{"name":"篡改"}`)
		if res := verify(t, d); !res.OK() {
			t.Fatalf("Verify without heads = %+v; the test's intruder left a whole chain", res)
		}
		res, err := audit.Verify(context.Background(), d, archived)
		if err != nil {
			t.Fatal(err)
		}
		if res.OK() || res.Broken != id || res.Reason != "audit.reason.head_mismatch" || res.Err() == nil {
			t.Fatalf("Verify with the archived head = %+v, want a break at event %d (hash changed)", res, id)
		}
	})
}
