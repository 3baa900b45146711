package web_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

func TestInformationOnThePortal(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		ctx := context.Background()
		// The catalog table lists each item's information.
		page := c.get("/zwgk/bzh/440105-001/21/").Body
		links := find(t, page, `ul.item-info a`)
		if len(links) != 3 {
			t.Fatalf("%d information links in the catalog table", len(links))
		}
		href := attr(t, page, `ul.item-info a`, "href")
		res := c.get(href)
		if res.StatusCode != http.StatusOK || text(t, res.Body, "table.meta-table") == "" {
			t.Fatalf("detail %s: %d", href, res.StatusCode)
		}
		// Repeat visits cost nothing.
		req, _ := http.NewRequest("GET", e.srv.URL+href, nil)
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		if r := c.do(req); r.StatusCode != http.StatusNotModified || r.Body != "" {
			t.Errorf("conditional GET: %d", r.StatusCode)
		}

		// Search page and API.
		res = c.get("/search?q=" + url.QueryEscape("长者饭堂"))
		if res.StatusCode != http.StatusOK || len(find(t, res.Body, "ol.hits li")) != 1 || len(find(t, res.Body, "ol.hits mark")) == 0 {
			t.Fatalf("search page: %d %s", res.StatusCode, excerpt(res.Body, "hits"))
		}
		var js struct {
			Total int
			Hits  []struct {
				IndexNo                              string `json:"index_no"`
				DocNumber                            string `json:"doc_number"`
				Title, Unit, Published, URL, Snippet string
			}
		}
		decode(t, c.get("/api/v1/search?q="+url.QueryEscape("海赤街〔2026〕15号")), &js)
		if js.Total != 1 || js.Hits[0].DocNumber != "海赤街〔2026〕15号" || js.Hits[0].Unit != "440105-001" || js.Hits[0].Published == "" || !strings.HasPrefix(js.Hits[0].URL, "/zwgk/info/") {
			t.Fatalf("API search: %+v", js)
		}
		noticeIdx := js.Hits[0].IndexNo
		decode(t, c.get("/api/v1/search?q="+url.QueryEscape("津贴")+"&unit=440104"), &js)
		if js.Total != 0 {
			t.Errorf("unit filter: %d", js.Total)
		}
		decode(t, c.get("/api/v1/search?q="+url.QueryEscape("津贴")+"&domain=21"), &js)
		if js.Total != 1 {
			t.Errorf("domain filter: %d", js.Total)
		}
		for _, q := range []string{`" OR 1=1`, "*", "'; DROP TABLE units;--", "NEAR(", "&|!:*"} {
			if res := c.get("/api/v1/search?q=" + url.QueryEscape(q)); res.StatusCode != http.StatusOK {
				t.Errorf("hostile %q: %d", q, res.StatusCode)
			}
		}
		if res := c.get("/api/v1/search?q=" + strings.Repeat("长", 101)); res.StatusCode != http.StatusBadRequest {
			t.Errorf("long query: %d", res.StatusCode)
		}
		if res := c.get("/search?q=" + strings.Repeat("x", 10000)); res.StatusCode != http.StatusBadRequest {
			t.Errorf("10 KB query page: %d", res.StatusCode)
		}

		// Drafts and withdrawn records are not reachable by URL, search or API.
		u, _ := org.ByCode(ctx, d, "440105-001")
		office, _ := auth.ByLogin(ctx, d, "haizhu-office")
		var draft, gone info.Record
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			if draft, err = info.Create(ctx, tx, office, u, info.Input{Title: "尚未发布的草稿通知"}); err != nil {
				return err
			}
			gone, err = info.ByIndexNo(ctx, tx, noticeIdx)
			if err != nil {
				return err
			}
			gone, err = info.Withdraw(ctx, tx, office, gone, "测试撤回")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []info.Record{draft, gone} {
			if res := c.get("/zwgk/info/" + strconv.FormatInt(r.ID, 10) + "/"); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s by URL: %d", r.Status, res.StatusCode)
			}
		}
		decode(t, c.get("/api/v1/search?q="+url.QueryEscape("草稿通知")), &js)
		if js.Total != 0 {
			t.Error("a draft is found")
		}
		decode(t, c.get("/api/v1/search?q="+url.QueryEscape(gone.Title)), &js)
		if js.Total != 0 {
			t.Error("a withdrawn record is found")
		}
		if strings.Contains(c.get("/zwgk/bzh/440105-001/21/").Body, gone.Title) {
			t.Error("a withdrawn record is listed in the catalog")
		}
	})
}

func TestFeedsAndSitemap(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	entries := func(path string) int {
		t.Helper()
		res := c.get(path)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "atom") {
			t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		var f struct {
			Entry []struct {
				Title string `xml:"title"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(res.Body), &f); err != nil {
			t.Fatal(err)
		}
		return len(f.Entry)
	}
	if n := entries("/feeds/440105-001.atom"); n != 4 {
		t.Errorf("unit feed: %d entries", n)
	}
	if n := entries("/feeds/440105-001/21.atom"); n != 3 {
		t.Errorf("domain feed: %d entries", n)
	}
	if n := entries("/feeds/440105-001/21/1.atom"); n != 1 {
		t.Errorf("item feed: %d entries", n)
	}
	for _, p := range []string{"/feeds/nope.atom", "/feeds/440105-002/21.atom", "/feeds/440105-001/21/99.atom", "/feeds/440105-001"} {
		if res := c.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	idx := c.get("/sitemap.xml").Body
	if !strings.Contains(idx, "/sitemap-pages.xml") || !strings.Contains(idx, "/sitemap-info-1.xml") {
		t.Fatalf("sitemap index: %s", idx)
	}
	pages := c.get("/sitemap-pages.xml").Body
	if !strings.Contains(pages, "/zwgk/bzh/440105-001/21/") || strings.Contains(pages, "/zwgk/bzh/440105-002/21/") {
		t.Error("sitemap pages: published catalogs only")
	}
	infos := c.get("/sitemap-info-1.xml").Body
	if strings.Count(infos, "<loc>") != 4 {
		t.Errorf("sitemap info: %s", infos)
	}
	if res := c.get("/sitemap-info-2.xml"); res.StatusCode != http.StatusNotFound {
		t.Errorf("empty sitemap page: %d", res.StatusCode)
	}
}

func TestUnitColumnsAndPaging(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	ctx := context.Background()
	count := func(path string) int {
		t.Helper()
		res := c.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		return len(find(t, res.Body, "ul.info-list li"))
	}
	if n := count("/zwgk/bzh/440105-001/zn/"); n != 1 {
		t.Errorf("the unit's guide column lists %d", n)
	}
	if n := count("/zwgk/zn/"); n != 1 {
		t.Errorf("the city's guide column lists %d", n)
	}
	if n := count("/zwgk/bzh/440105-001/nb/"); n != 0 {
		t.Errorf("the annual reports column lists %d", n)
	}
	// 25 more records: the unit's information runs to two pages.
	u, _ := org.ByCode(ctx, e.db, "440105-001")
	office, _ := auth.ByLogin(ctx, e.db, "haizhu-office")
	err := e.db.InTx(ctx, func(tx *db.Tx) error {
		for i := 0; i < 25; i++ {
			r, err := info.Create(ctx, tx, office, u, info.Input{Title: "社区通知第" + strconv.Itoa(i+1) + "期"})
			if err == nil {
				r, err = info.Submit(ctx, tx, office, r)
			}
			if err == nil {
				r, err = info.Approve(ctx, tx, office, r)
			}
			if err == nil {
				_, err = info.Publish(ctx, tx, office, r)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count("/zwgk/bzh/440105-001/info/"); n != 20 {
		t.Errorf("page 1 lists %d", n)
	}
	if n := count("/zwgk/bzh/440105-001/info/?page=2"); n != 9 {
		t.Errorf("page 2 lists %d", n)
	}
	if n := count("/zwgk/bzh/440105-001/fdzdgknr/?page=2"); n != 8 {
		t.Errorf("the statutory column's page 2 lists %d", n)
	}
	if res := c.get("/zwgk/bzh/440105-001/info/"); len(find(t, res.Body, `nav.pager a[href*="page=2"]`)) != 1 {
		t.Error("no link to page 2")
	}
	if res := c.get("/zwgk/bzh/nope/zn/"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown unit: %d", res.StatusCode)
	}
}
