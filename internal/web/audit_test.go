package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

// headJSON is the documented shape of a head in GET /api/v1/audit/head.
type headJSON struct {
	EventID     int64  `json:"event_id"`
	Hash        string `json:"hash"`
	EventAt     string `json:"event_at"`
	PublishedAt string `json:"published_at"`
}

// getHead reads GET /api/v1/audit/head, refusing any field the README does
// not document.
func getHead(t *testing.T, c *client) (published, current *headJSON) {
	t.Helper()
	res := c.get("/api/v1/audit/head")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/audit/head: %d %s", res.StatusCode, res.Body)
	}
	var v struct{ Published, Current *headJSON }
	dec := json.NewDecoder(strings.NewReader(res.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("GET /api/v1/audit/head: %v in %s", err, res.Body)
	}
	return v.Published, v.Current
}

// lastEvent reads the newest audit event directly.
func lastEvent(t *testing.T, d *db.DB) (int64, string) {
	t.Helper()
	var id int64
	var hash string
	if err := d.QueryRow(context.Background(), "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1").Scan(&id, &hash); err != nil {
		t.Fatal(err)
	}
	return id, hash
}

func TestAuditHeadAPI(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		id, hash := lastEvent(t, d)
		published, current := getHead(t, c)
		if published != nil {
			t.Errorf("published head %+v before any publication, want null", published)
		}
		if current == nil || current.EventID != id || current.Hash != hash || current.PublishedAt != "" {
			t.Fatalf("current head %+v, want event %d, hash %s, unpublished", current, id, hash)
		}

		d.SetClock(func() time.Time { return time.Date(2026, 6, 15, 16, 0, 30, 0, time.UTC) })
		if _, _, err := audit.PublishHead(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		// A change after the publication moves the current head only.
		err := d.InTx(context.Background(), func(tx *db.Tx) error {
			return audit.Append(context.Background(), tx, "tester", "unit.update", "unit", "440105", nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		newID, newHash := lastEvent(t, d)
		published, current = getHead(t, c)
		want := headJSON{EventID: id, Hash: hash, EventAt: published.EventAt, PublishedAt: "2026-06-16T00:00:30+08:00"}
		if published == nil || *published != want {
			t.Errorf("published head %+v, want %+v", published, want)
		}
		if current == nil || current.EventID != newID || current.Hash != newHash || newID == id {
			t.Errorf("current head %+v, want event %d, hash %s", current, newID, newHash)
		}
		if _, err := time.Parse(time.RFC3339, published.EventAt); err != nil || !strings.HasSuffix(published.EventAt, "+08:00") {
			t.Errorf("event_at %q is not an RFC 3339 China time", published.EventAt)
		}
	})
}

// TestAuditHeadPublicOnly: the head is public by design, so that anyone can
// keep it; the route shows the head and nothing of the events, and changes
// nothing.
func TestAuditHeadPublicOnly(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		for _, method := range []string{"POST", "PUT", "DELETE"} {
			res := c.sendJSON(method, "/api/v1/audit/head", map[string]any{"event_id": 1, "hash": strings.Repeat("0", 64)})
			if res.StatusCode == http.StatusOK {
				t.Errorf("%s /api/v1/audit/head: %d, want a refusal", method, res.StatusCode)
			}
		}
		var heads int
		if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_heads").Scan(&heads); err != nil || heads != 0 {
			t.Errorf("%d published heads after refused requests (%v), want none", heads, err)
		}
		res := c.get("/api/v1/audit/head")
		for _, secret := range []string{"admin", "actor", "detail", "unit.create"} {
			if strings.Contains(res.Body, secret) {
				t.Errorf("GET /api/v1/audit/head shows %q: %s", secret, res.Body)
			}
		}
	})
}

func TestAuditHeadsPage(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		if res := c.get("/zwgk/audit/"); res.StatusCode != http.StatusOK || text(t, res.Body, "#published-heads-none") == "" {
			t.Fatalf("GET /zwgk/audit/ before publication: %d, no 'none yet' line", res.StatusCode)
		}
		id, hash := lastEvent(t, d)
		if _, _, err := audit.PublishHead(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		res := c.get("/zwgk/audit/")
		if got := text(t, res.Body, "#published-heads tbody tr .event"); got != strconv.FormatInt(id, 10) {
			t.Errorf("published head's event %q, want %d", got, id)
		}
		if got := text(t, res.Body, "#published-heads tbody tr .hash"); got != hash {
			t.Errorf("published head's hash %q, want %s", got, hash)
		}
		if got := text(t, res.Body, "#current-head .hash"); got != hash {
			t.Errorf("current head's hash %q, want %s", got, hash)
		}
		if h1 := text(t, c.get("/zwgk/audit/?lang=en").Body, "h1"); h1 != "Published audit heads" {
			t.Errorf("English title %q", h1)
		}
		// Every portal page links to it from the footer.
		var links []string
		for _, n := range find(t, c.get("/").Body, "footer a") {
			for _, a := range n.Attr {
				if a.Key == "href" {
					links = append(links, a.Val)
				}
			}
		}
		if !slices.Contains(links, "/zwgk/audit/") {
			t.Errorf("footer links %v, want /zwgk/audit/", links)
		}
	})
}

// TestAdminAuditPageShowsHeadBreak: the console's audit page checks the log
// against the published heads too, and names the head a truncated log no
// longer reaches.
func TestAdminAuditPageShowsHeadBreak(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.asDemo(auth.Admin)
		if _, _, err := audit.PublishHead(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		id, hash := lastEvent(t, d)
		if got := text(t, admin.get("/admin/audit?lang=en").Body, "[role=alert]"); got != "" {
			t.Fatalf("untouched log: alert %q", got)
		}
		unlock := []string{"DROP TRIGGER audit_no_delete"}
		if d.Dialect == db.Postgres {
			unlock = []string{"ALTER TABLE audit_events DISABLE TRIGGER USER"}
		}
		for _, s := range unlock {
			if _, err := d.SQL.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.SQL.Exec(db.Rebind(d.Dialect, "DELETE FROM audit_events WHERE id = ?"), id); err != nil {
			t.Fatal(err)
		}
		got := text(t, admin.get("/admin/audit?lang=en").Body, "[role=alert]")
		if !strings.Contains(got, "event "+strconv.FormatInt(id, 10)) || !strings.Contains(got, hash) || !strings.Contains(got, "truncated") {
			t.Errorf("truncated log: alert %q, want the published head (event %d, %s) named", got, id, hash)
		}
	})
}
