package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
)

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title     string     `xml:"title"`
	ID        string     `xml:"id"`
	Link      atomLink   `xml:"link"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
	Author    atomPerson `xml:"author"`
	Summary   string     `xml:"summary,omitempty"`
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

// feed serves an Atom feed of a unit's published information, or of one
// domain's catalog of the unit, or of one item of it (by number).
//
//	/feeds/{unit}.atom  /feeds/{unit}/{domain}.atom  /feeds/{unit}/{domain}/{item}.atom
//
// Its validators follow its content: the ETag is a hash of the feed as
// sent, and Last-Modified the newest of its entries' changes, the last
// withdrawal among its records and, for an empty feed, when the unit or
// catalog appeared — so that a poll after a withdrawal gets the feed
// without the entry instead of 304.
func (s *Server) feed(w http.ResponseWriter, r *http.Request) error {
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/feeds/"), ".atom"), "/")
	if !strings.HasSuffix(r.URL.Path, ".atom") || len(parts) > 3 {
		return errNotFoundPage
	}
	ctx := r.Context()
	u, err := s.unitByCode(ctx, parts[0])
	if err != nil {
		return errNotFoundPage
	}
	f := info.Filter{UnitID: u.ID, Limit: 50}
	title := u.Name
	self := unitFeedPage(u.Code, "")
	changed := u.CreatedAt
	if len(parts) >= 2 {
		pc, err := catalog.PublishedFor(r.Context(), s.db, u, parts[1])
		if err != nil {
			return errNotFoundPage
		}
		f = info.Filter{CatalogID: pc.ID, Limit: 50}
		title += " · " + pc.Domain.Name
		self = unitFeedPage(u.Code, pc.Domain.Code)
		changed = latest(changed, pc.PublishedAt)
		if len(parts) == 3 {
			n, err := strconv.Atoi(parts[2])
			if err != nil || n < 1 || n > len(pc.Items) {
				return errNotFoundPage
			}
			it := pc.Items[n-1]
			f.ItemKey = it.Key()
			title += " · " + it.Name()
		}
	}
	recs, err := info.PublishedRecords(ctx, s.db, f)
	if err != nil {
		return err
	}
	withdrawn, err := info.LastWithdrawal(ctx, s.db, f)
	if err != nil {
		return err
	}
	changed = latest(changed, withdrawn)
	base, lang := s.baseURL(r), langOf(r)
	author := atomPerson{Name: u.Name}
	feed := atomFeed{Title: title, ID: base + r.URL.Path, Author: author, Links: []atomLink{{Href: base + self}, {Href: base + r.URL.Path, Rel: "self"}}}
	for _, rec := range recs {
		updated := entryUpdated(rec)
		changed = latest(changed, updated)
		feed.Entries = append(feed.Entries, atomEntry{Title: rec.Title, ID: "urn:gongkai:info:" + rec.IndexNo, Link: atomLink{Href: base + infoURL(rec.ID)},
			Published: calendar.Timestamp(rec.PublishedAt), Updated: calendar.Timestamp(updated), Author: author, Summary: entrySummary(lang, rec)})
	}
	feed.Updated = calendar.Timestamp(changed)
	var body bytes.Buffer
	body.WriteString(xml.Header)
	if err := xml.NewEncoder(&body).Encode(feed); err != nil {
		return err
	}
	sum := sha256.Sum256(body.Bytes())
	if conditional(w, r, changed, `"`+hex.EncodeToString(sum[:12])+`"`) {
		return nil
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, err = w.Write(body.Bytes())
	return err
}

// unitFeedPage is the portal page a unit's feed, or its catalog's in a
// domain, stands for.
func unitFeedPage(unit, domain string) string {
	if domain == "" {
		return "/zwgk/bzh/" + unit + "/"
	}
	return "/zwgk/bzh/" + unit + "/" + domain + "/"
}

// latest returns the later of two times.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// marked reports whether a record carries a 失效 or 废止 mark or a
// replacement.
func marked(rec info.Record) bool {
	return (rec.Validity != "" && rec.Validity != info.Valid) || rec.ReplacedBy != ""
}

// entryUpdated is when a record last changed in a way its feed's readers
// should see: its publication, or a later mark. Other changes of
// updated_at (an import, which keeps the original publication date) are
// not news.
func entryUpdated(rec info.Record) time.Time {
	if marked(rec) {
		return latest(rec.PublishedAt, rec.UpdatedAt)
	}
	return rec.PublishedAt
}

// entrySummary is the start of a record's text, after its mark if it has
// one: 【失效（2026-01-01）】已被……替代。
func entrySummary(lang i18n.Lang, rec info.Record) string {
	summary := []rune(rec.BodyText)
	if len(summary) > 200 {
		summary = append(summary[:200], '…')
	}
	if !marked(rec) {
		return string(summary)
	}
	var mark string
	if rec.Validity != "" && rec.Validity != info.Valid {
		v := i18n.T(lang, "info.validity."+rec.Validity)
		mark = i18n.T(lang, "feed.mark", v)
		if rec.ValidityDate != "" {
			mark = i18n.T(lang, "feed.mark_dated", v, rec.ValidityDate)
		}
	}
	if rec.ReplacedBy != "" {
		mark += i18n.T(lang, "feed.replaced_by", rec.ReplacedBy)
	}
	return mark + string(summary)
}

// robots serves /robots.txt: crawlers may read the portal but not the
// console or the staff API, and find the sitemap at the public address.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := fmt.Fprintf(w, "User-agent: *\nDisallow: /admin/\nDisallow: /api/v1/admin/\n\nSitemap: %s/sitemap.xml\n", s.baseURL(r))
	return err
}

// sitemapPage is how many records one sitemap file lists.
const sitemapPage = 10000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemapIndex serves /sitemap.xml: the site's pages, then one file per
// 10,000 published records.
func (s *Server) sitemapIndex(w http.ResponseWriter, r *http.Request) error {
	n, err := info.PublishedCount(r.Context(), s.db)
	if err != nil {
		return err
	}
	base := s.baseURL(r)
	type sm struct {
		Loc string `xml:"loc"`
	}
	idx := struct {
		XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
		Sitemaps []sm     `xml:"sitemap"`
	}{Sitemaps: []sm{{base + "/sitemap-pages.xml"}}}
	for i := 0; i*sitemapPage < n; i++ {
		idx.Sitemaps = append(idx.Sitemaps, sm{fmt.Sprintf("%s/sitemap-info-%d.xml", base, i+1)})
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	return xml.NewEncoder(w).Encode(idx)
}

func writeURLSet(w http.ResponseWriter, urls []sitemapURL) error {
	set := struct {
		XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []sitemapURL `xml:"url"`
	}{URLs: urls}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	return xml.NewEncoder(w).Encode(set)
}

// sitemapPages lists the portal's columns, units and published catalogs.
func (s *Server) sitemapPages(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	base := s.baseURL(r)
	urls := []sitemapURL{{Loc: base + "/"}, {Loc: base + "/zwgk/"}, {Loc: base + "/zwgk/bzh/"}, {Loc: base + "/ysqgk/"}, {Loc: base + "/hudong/"}, {Loc: base + "/bmfw/"}}
	dir, err := s.units(ctx)
	if err != nil {
		return err
	}
	for _, root := range dir.Roots() {
		for _, u := range dir.Subtree(root) {
			urls = append(urls, sitemapURL{Loc: base + "/zwgk/bzh/" + u.Code + "/"})
		}
		cs, err := catalog.PublishedIn(ctx, s.db, root, true)
		if err != nil {
			return err
		}
		for _, c := range cs {
			urls = append(urls, sitemapURL{Loc: base + "/zwgk/bzh/" + c.Unit.Code + "/" + c.Domain.Code + "/", LastMod: c.PublishedAt.UTC().Format("2006-01-02")})
		}
	}
	return writeURLSet(w, urls)
}

// sitemapInfo lists one page of published records: /sitemap-info-N.xml.
func (s *Server) sitemapInfo(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	if !strings.HasPrefix(name, "sitemap-info-") || !strings.HasSuffix(name, ".xml") {
		return errNotFoundPage
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "sitemap-info-"), ".xml"))
	if err != nil || n < 1 {
		return errNotFoundPage
	}
	// Page n holds the records after the first (n-1)*sitemapPage ids.
	var after int64
	for i := 1; i < n; i++ {
		st, err := info.PublishedStamps(r.Context(), s.db, after, sitemapPage)
		if err != nil {
			return err
		}
		if len(st) == 0 {
			return errNotFoundPage
		}
		after = st[len(st)-1].ID
	}
	st, err := info.PublishedStamps(r.Context(), s.db, after, sitemapPage)
	if err != nil {
		return err
	}
	if len(st) == 0 {
		return errNotFoundPage
	}
	base := s.baseURL(r)
	urls := make([]sitemapURL, len(st))
	for i, x := range st {
		urls[i] = sitemapURL{Loc: base + infoURL(x.ID), LastMod: x.Changed.UTC().Format("2006-01-02")}
	}
	return writeURLSet(w, urls)
}
