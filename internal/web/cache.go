package web

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"gongkai/internal/info"
)

// notModified sets Last-Modified and an ETag from the time a resource last
// changed and the page's language, and answers 304 when the client has it.
func notModified(w http.ResponseWriter, r *http.Request, changed time.Time) bool {
	changed = changed.UTC().Truncate(time.Second)
	return conditional(w, r, changed, fmt.Sprintf(`W/"%x-%s"`, changed.UnixNano(), langOf(r)))
}

// conditional sets Last-Modified and the ETag etag, and answers 304 when
// the client's copy matches: by the ETag when it sends one, else by date.
func conditional(w http.ResponseWriter, r *http.Request, changed time.Time, etag string) bool {
	changed = changed.UTC().Truncate(time.Second)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", changed.Format(http.TimeFormat))
	// Revalidate every time: a withdrawn record must not linger in a
	// browser or proxy, and a 304 costs almost nothing.
	h.Set("Cache-Control", "public, no-cache")
	h.Add("Vary", "Cookie")
	if clientHas(r, etag, changed) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// clientHas reports whether the client's copy is current: by its
// If-None-Match when it sends one, else by its If-Modified-Since.
func clientHas(r *http.Request, etag string, changed time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return etag != "" && inm == etag
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !changed.IsZero() && !changed.After(ims)
}

// serveAttachment sends a stored file under its original name.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, at info.Attachment) error {
	return s.serveStored(w, r, at.SHA256, at.Name, at.MIME, true)
}

// serveStored sends the stored file of SHA-256 sum (info.FilePath) as a
// download named name. A public file may be kept by any cache forever: its
// address changes with its content. A private one (an applicant's) is kept
// by none.
func (s *Server) serveStored(w http.ResponseWriter, r *http.Request, sum, name, mediaType string, public bool) error {
	f, err := os.Open(info.FilePath(s.cfg.Files, sum))
	if err != nil {
		return fmt.Errorf("open stored file %s: %w", sum, err)
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", mediaType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	if public {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("ETag", `"`+sum+`"`)
	} else {
		h.Set("Cache-Control", "no-store")
	}
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

// page is one link of a pager.
type pageLink struct {
	N       int
	URL     string
	Current bool
}

// pager returns links to the pages around the current one.
func pager(r *http.Request, page, total, size int) []pageLink {
	last := (total + size - 1) / size
	if last <= 1 {
		return nil
	}
	var out []pageLink
	for n := max(1, page-4); n <= min(last, page+4); n++ {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(n))
		out = append(out, pageLink{N: n, URL: r.URL.Path + "?" + q.Encode(), Current: n == page})
	}
	return out
}
