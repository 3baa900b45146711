package web_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/readertest"
	"gongkai/internal/web"
)

// atomFeed is what the tests read of a feed.
type atomFeed struct {
	Updated string   `xml:"updated"`
	Authors []string `xml:"author>name"`
	Entries []struct {
		ID        string   `xml:"id"`
		Title     string   `xml:"title"`
		Updated   string   `xml:"updated"`
		Published string   `xml:"published"`
		Summary   string   `xml:"summary"`
		Authors   []string `xml:"author>name"`
	} `xml:"entry"`
}

// getFeed fetches a feed, validates it against RFC 4287's grammar and the
// rule the grammar cannot say (a feed without an author needs one on every
// entry: gongkai gives both), and decodes it.
func getFeed(t *testing.T, c *client, path string) (atomFeed, response) {
	t.Helper()
	res := c.get(path)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	readertest.Validate(t, readertest.Atom, []byte(res.Body))
	var f atomFeed
	if err := xml.Unmarshal([]byte(res.Body), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Authors) != 1 {
		t.Errorf("%s: feed authors %v", path, f.Authors)
	}
	for _, e := range f.Entries {
		if len(e.Authors) != 1 || e.Authors[0] == "" {
			t.Errorf("%s: entry %s has authors %v", path, e.ID, e.Authors)
		}
	}
	return f, res
}

// conditional fetches path with the validators of an earlier answer, one
// at a time, and returns the two statuses.
func conditional(t *testing.T, c *client, path string, earlier response) (byETag, byDate int) {
	t.Helper()
	for i, h := range []string{"If-None-Match", "If-Modified-Since"} {
		v := earlier.Header.Get("ETag")
		if i == 1 {
			v = earlier.Header.Get("Last-Modified")
		}
		req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
		req.Header.Set(h, v)
		status := c.do(req).StatusCode
		if i == 0 {
			byETag = status
		} else {
			byDate = status
		}
	}
	return byETag, byDate
}

// A withdrawn record leaves the feed and a 失效 mark reaches its entry: in
// both cases the validators change, so a conditional poll gets the new
// feed, not 304.
func TestFeedFollowsChanges(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		ctx := context.Background()
		const path = "/feeds/440105-001.atom"
		before, first := getFeed(t, c, path)
		if len(before.Entries) != 4 {
			t.Fatalf("%d entries", len(before.Entries))
		}
		if s1, s2 := conditional(t, c, path, first); s1 != http.StatusNotModified || s2 != http.StatusNotModified {
			t.Fatalf("unchanged feed: %d by ETag, %d by date", s1, s2)
		}
		office, _ := auth.ByLogin(ctx, d, "haizhu-office")
		record := func(id string) info.Record {
			t.Helper()
			r, err := info.ByIndexNo(ctx, d, strings.TrimPrefix(id, "urn:gongkai:info:"))
			if err != nil {
				t.Fatal(err)
			}
			return r
		}

		// An hour later the newest record is withdrawn.
		start := d.Now()
		d.SetClock(func() time.Time { return start.Add(time.Hour) })
		gone := before.Entries[0]
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := info.Withdraw(ctx, tx, office, record(gone.ID), "发布有误")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		after, second := getFeed(t, c, path)
		if len(after.Entries) != 3 || after.Entries[0].ID == gone.ID {
			t.Errorf("after the withdrawal: %d entries, first %s", len(after.Entries), after.Entries[0].ID)
		}
		if s1, s2 := conditional(t, c, path, first); s1 != http.StatusOK || s2 != http.StatusOK {
			t.Errorf("after the withdrawal the old validators get %d by ETag, %d by date; want 200", s1, s2)
		}
		if want := start.Add(time.Hour).UTC().Format(http.TimeFormat); second.Header.Get("Last-Modified") != want {
			t.Errorf("Last-Modified %s, want the withdrawal, %s", second.Header.Get("Last-Modified"), want)
		}

		// Two hours later another is marked 失效.
		d.SetClock(func() time.Time { return start.Add(2 * time.Hour) })
		marked := after.Entries[1]
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := info.SetValidity(ctx, tx, office, record(marked.ID), info.Expired, "2026-01-01", "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		third, _ := getFeed(t, c, path)
		if s1, s2 := conditional(t, c, path, second); s1 != http.StatusOK || s2 != http.StatusOK {
			t.Errorf("after the mark the old validators get %d by ETag, %d by date; want 200", s1, s2)
		}
		var found bool
		for _, en := range third.Entries {
			if en.ID != marked.ID {
				continue
			}
			found = true
			if want := start.Add(2 * time.Hour).In(time.FixedZone("", 8*3600)).Format(time.RFC3339); en.Updated != want {
				t.Errorf("the marked entry's updated is %s, want %s", en.Updated, want)
			}
			if en.Published != marked.Published || en.Published == "" {
				t.Errorf("the marked entry's published changed: %s, was %s", en.Published, marked.Published)
			}
			if !strings.HasPrefix(en.Summary, "【失效（2026-01-01）】") {
				t.Errorf("the marked entry's summary does not say so: %q", en.Summary)
			}
		}
		if !found {
			t.Error("the marked entry left the feed")
		}
	})
}

// A feed with nothing in it says when its unit was created, not 2019.
func TestEmptyFeed(t *testing.T) {
	since := time.Now().Add(-time.Second)
	e := newEnv(t, dbtest.SQLite(t))
	f, _ := getFeed(t, e.client(), "/feeds/440104-001.atom")
	updated, err := time.Parse(time.RFC3339, f.Updated)
	if err != nil || len(f.Entries) != 0 || updated.Before(since) || updated.After(time.Now()) {
		t.Errorf("empty feed: updated %s (%v), %d entries; want the unit's creation, after %s", f.Updated, err, len(f.Entries), since.Format(time.RFC3339))
	}
}

// The unit and catalog pages point feed readers at their feeds.
func TestPagesLinkTheirFeeds(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	for page, feed := range map[string]string{
		"/zwgk/bzh/440105-001/":    "/feeds/440105-001.atom",
		"/zwgk/bzh/440105-001/21/": "/feeds/440105-001/21.atom",
	} {
		res := c.get(page)
		if n := len(find(t, res.Body, `head link[rel="alternate"][type="application/atom+xml"][href="`+feed+`"]`)); n != 1 {
			t.Errorf("%s: %d alternate links to %s", page, n, feed)
		}
	}
	if n := len(find(t, c.get("/zwgk/").Body, `head link[rel="alternate"]`)); n != 0 {
		t.Errorf("a page without a feed has %d alternate links", n)
	}
}

// With a public address, sitemaps, feeds and robots.txt name it; sitemaps
// validate against the sitemaps.org protocol.
func TestPublicURLInSitemapsAndFeeds(t *testing.T) {
	const pub = "https://gk.example.gov.cn"
	e := newEnv(t, dbtest.SQLite(t), func(c *web.Config) { c.PublicURL = pub + "/" })
	c := e.client()
	for _, path := range []string{"/sitemap.xml", "/sitemap-pages.xml", "/sitemap-info-1.xml"} {
		res := c.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		readertest.Validate(t, readertest.Sitemap, []byte(res.Body))
		if n, m := strings.Count(res.Body, "<loc>"), strings.Count(res.Body, "<loc>"+pub+"/"); n == 0 || n != m {
			t.Errorf("%s: %d of %d locations at %s", path, m, n, pub)
		}
	}
	feed := c.get("/feeds/440105-001.atom").Body
	if strings.Contains(feed, e.srv.URL) || !strings.Contains(feed, `href="`+pub+`/zwgk/info/`) {
		t.Errorf("the feed does not link to %s", pub)
	}
	res := c.get("/robots.txt")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("robots.txt: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := strings.Split(res.Body, "\n")
	for _, want := range []string{"User-agent: *", "Disallow: /admin/", "Disallow: /api/v1/admin/", "Sitemap: " + pub + "/sitemap.xml"} {
		found := false
		for _, l := range lines {
			found = found || l == want
		}
		if !found {
			t.Errorf("robots.txt lacks the line %q:\n%s", want, res.Body)
		}
	}
}
