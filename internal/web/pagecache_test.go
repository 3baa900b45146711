package web

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

func TestPageCache(t *testing.T) {
	var gen atomic.Uint64
	var renders atomic.Int32
	release := make(chan struct{})
	c := newPageCache(gen.Load)
	waiting := make(chan struct{}, 10)
	c.waiting = func() { waiting <- struct{}{} }
	h := c.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		renders.Add(1)
		if r.URL.Query().Get("slow") != "" {
			<-release
		}
		w.Write([]byte("page " + r.URL.Path))
	}))
	get := func(path string, cookie bool) string {
		req := httptest.NewRequest("GET", path, nil)
		if cookie {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: "x"})
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Body.String()
	}

	// Readers arriving while a page renders wait for it: one rendering.
	var wg sync.WaitGroup
	bodies := make([]string, 10)
	for i := range bodies {
		wg.Go(func() { bodies[i] = get("/zwgk/?slow=1", false) })
	}
	// One renders; release it once the nine others wait for it.
	for range len(bodies) - 1 {
		<-waiting
	}
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("10 readers of an expired page caused %d renderings", n)
	}
	for _, b := range bodies {
		if b != "page /zwgk/" {
			t.Fatalf("a reader got %q", b)
		}
	}
	// A commit makes the page stale; a signed-in reader is never cached.
	get("/zwgk/?slow=1", false)
	if renders.Load() != 1 {
		t.Error("a fresh page was rendered again")
	}
	gen.Add(1)
	get("/zwgk/?slow=1", false)
	if renders.Load() != 2 {
		t.Error("a page cached before a commit was served after it")
	}
	get("/zwgk/?slow=1", true)
	get("/zwgk/?slow=1", true)
	if renders.Load() != 4 {
		t.Errorf("signed-in readers: %d renderings, want 2 more", renders.Load()-2)
	}
}
