package fetch_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"gongkai/internal/errs"
	"gongkai/internal/fetch"
)

func TestPublic(t *testing.T) {
	for _, s := range []string{"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
		"224.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2001:db8::1", "255.255.255.255"} {
		if fetch.Public(netip.MustParseAddr(s)) {
			t.Errorf("%s counted as public", s)
		}
	}
	for _, s := range []string{"8.8.8.8", "114.114.114.114", "2400:3200::1", "::ffff:8.8.8.8"} {
		if !fetch.Public(netip.MustParseAddr(s)) {
			t.Errorf("%s counted as not public", s)
		}
	}
}

func key(err error) string {
	if e := errs.As(err); e != nil {
		return e.Key
	}
	return "not a user error: " + err.Error()
}

func TestGet(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/files/%E9%80%9A%E7%9F%A5.pdf", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("%PDF-1.4 body")) })
	mux.HandleFunc("/named", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Disposition", `attachment; filename="report.xlsx"`)
		w.Write([]byte("x"))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(strings.Repeat("a", 1025))) })
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		for range 5 {
			w.Write([]byte(strings.Repeat("a", 300)))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	open := fetch.Getter{MaxBytes: 1024, Timeout: 2 * time.Second, AllowPrivate: true}
	ctx := context.Background()

	f, err := open.Get(ctx, srv.URL+"/files/%E9%80%9A%E7%9F%A5.pdf")
	if err != nil || f.Name != "通知.pdf" || string(f.Data) != "%PDF-1.4 body" {
		t.Errorf("get: %+v %v", f, err)
	}
	if f, err := open.Get(ctx, srv.URL+"/named"); err != nil || f.Name != "report.xlsx" {
		t.Errorf("named: %+v %v", f, err)
	}
	for _, tc := range []struct{ url, key string }{
		{srv.URL + "/big", "fetch.too_large"},
		{srv.URL + "/big-chunked", "fetch.too_large"},
		{srv.URL + "/missing", "fetch.status"},
		{srv.URL + "/loop", "fetch.failed"},
		{"ftp://example.com/a.pdf", "fetch.bad_url"},
		{"file:///etc/passwd", "fetch.bad_url"},
		{"http://user:pw@example.com/a.pdf", "fetch.bad_url"},
		{"/relative.pdf", "fetch.bad_url"},
	} {
		if _, err := open.Get(ctx, tc.url); err == nil || key(err) != tc.key {
			t.Errorf("%s: %v, want %s", tc.url, err, tc.key)
		}
	}
	quick := open
	quick.Timeout = 200 * time.Millisecond
	if _, err := quick.Get(ctx, srv.URL+"/hang"); err == nil || key(err) != "fetch.failed" {
		t.Errorf("hanging server: %v, want fetch.failed", err)
	}

	// Without AllowPrivate the same server is out of reach, by address and
	// by a name that resolves to it, and a redirect there is refused.
	guarded := fetch.Getter{MaxBytes: 1024, Timeout: 2 * time.Second}
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, u := range []string{srv.URL + "/named", "http://localhost" + port + "/named", "http://[::1]" + port + "/named"} {
		if _, err := guarded.Get(ctx, u); err == nil || key(err) != "fetch.blocked" && key(err) != "fetch.failed" {
			t.Errorf("%s: %v, want fetch.blocked", u, err)
		} else if strings.Contains(u, "127.0.0.1") && key(err) != "fetch.blocked" {
			t.Errorf("%s: %s, want fetch.blocked", u, key(err))
		}
	}
}
