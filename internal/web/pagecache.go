package web

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"time"
)

// pageCache keeps the portal pages anonymous visitors get, for a few
// seconds, so that a page read by many costs one rendering. Any transaction
// this process commits makes every cached page stale; changes made by other
// processes (the command line, another instance) show within pageTTL.
type pageCache struct {
	mu      sync.RWMutex
	entries map[string]*cachedPage
	gen     func() uint64
	// flights are the pages being rendered: a request for one waits for it
	// instead of rendering it again, so that a page expiring under load
	// costs one rendering, not one per waiting reader.
	flights map[string]chan struct{}
	// waiting, if set, is called when a request starts waiting for a page
	// being rendered: tests know then that it is waiting.
	waiting func()
}

type cachedPage struct {
	status  int
	header  http.Header
	body    []byte
	expires time.Time
	gen     uint64
}

const (
	pageTTL       = 5 * time.Second
	maxCachedPage = 1 << 20
	maxCached     = 5000
)

func newPageCache(gen func() uint64) *pageCache {
	return &pageCache{entries: map[string]*cachedPage{}, gen: gen, flights: map[string]chan struct{}{}}
}

// cacheable reports whether a request's answer may be shared.
func cacheable(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		return false
	}
	p := r.URL.Path
	// The zone view's start page sets the zone's cookie.
	if p == "/zhuanqu/" {
		return false
	}
	// An applicant's own pages (/ysqgk/cx/, /api/v1/foi/), a subscriber's
	// (the pages of their links) and a message writer's (/hudong/cx/,
	// /api/v1/messages/NO) are private.
	if strings.HasPrefix(p, dingyue) && p != dingyue {
		return false
	}
	return !strings.HasPrefix(p, "/admin") && !strings.HasPrefix(p, "/api/v1/admin") && !strings.HasPrefix(p, "/ysqgk/cx/") &&
		!strings.HasPrefix(p, "/api/v1/foi") && !strings.HasPrefix(p, "/hudong/cx/") && !strings.HasPrefix(p, "/api/v1/messages/") &&
		p != "/metrics" && p != "/healthz"
}

// recorder captures a response while passing it on.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
	skip   bool
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.skip {
		if w.buf.Len()+len(b) > maxCachedPage {
			w.skip = true
			w.buf.Reset()
		} else {
			w.buf.Write(b)
		}
	}
	return w.ResponseWriter.Write(b)
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// serve answers from the cache if it holds the page fresh and rendered
// after every commit before gen.
func (c *pageCache) serve(w http.ResponseWriter, r *http.Request, key string, gen uint64) bool {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	if e == nil || e.gen < gen || !time.Now().Before(e.expires) {
		return false
	}
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	modified, _ := http.ParseTime(e.header.Get("Last-Modified"))
	if clientHas(r, e.header.Get("ETag"), modified) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	w.WriteHeader(e.status)
	w.Write(e.body)
	return true
}

// middleware serves cached pages and caches fresh ones.
func (c *pageCache) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cacheable(r) {
			next.ServeHTTP(w, r)
			return
		}
		key := r.URL.RequestURI()
		if l, err := r.Cookie("lang"); err == nil {
			key += "\x00" + l.Value
		}
		// A disclosure zone's screen gets the zone layout (zone.go).
		if z, err := r.Cookie(zoneCookie); err == nil {
			key += "\x00zone" + z.Value
		}
		gen := c.gen()
		if c.serve(w, r, key, gen) {
			return
		}
		c.mu.Lock()
		if flight, ok := c.flights[key]; ok {
			c.mu.Unlock()
			if c.waiting != nil {
				c.waiting()
			}
			select {
			case <-flight:
			case <-r.Context().Done():
				return
			}
			if c.serve(w, r, key, gen) {
				return
			}
		} else {
			flight = make(chan struct{})
			c.flights[key] = flight
			c.mu.Unlock()
			defer func() {
				c.mu.Lock()
				delete(c.flights, key)
				c.mu.Unlock()
				close(flight)
			}()
		}
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status != http.StatusOK || rec.skip || w.Header().Get("Set-Cookie") != "" {
			return
		}
		e := &cachedPage{status: rec.status, header: w.Header().Clone(), body: rec.buf.Bytes(), expires: time.Now().Add(pageTTL), gen: gen}
		c.mu.Lock()
		if len(c.entries) >= maxCached {
			c.entries = map[string]*cachedPage{}
		}
		c.entries[key] = e
		c.mu.Unlock()
	})
}
