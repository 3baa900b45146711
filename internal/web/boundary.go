package web

import (
	"errors"
	"mime"
	"net/http"
	"net/netip"
	"sort"
	"strings"
	"unicode/utf8"

	"gongkai/internal/errs"
)

// What every request may carry, decided here once for every form, query
// and API: text is valid UTF-8 without NUL characters (PostgreSQL refuses
// both, SQLite would store them raw and serve them back), and a form body
// is small. Uploads (multipart) have limits of their own, per handler, and
// their text fields are checked where they are read (readUpload).
const (
	// maxPublicForm bounds the body of a form posted to the portal.
	maxPublicForm = 64 << 10
	// maxConsoleForm bounds a form posted to the console, where a record's
	// body (rich text) is the largest field.
	maxConsoleForm = 4 << 20
)

// boundary refuses a request whose path, query or form carries text that is
// not valid UTF-8 or holds a NUL, naming the field, and bounds form bodies.
// Forms are parsed here, so handlers find r.PostForm filled.
func (s *Server) boundary(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkRequestText(w, r); err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func checkRequestText(w http.ResponseWriter, r *http.Request) error {
	if err := checkText("path", r.URL.Path); err != nil {
		return err
	}
	if err := checkValues(r.URL.Query()); err != nil {
		return err
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return nil
	}
	limit := int64(maxPublicForm)
	if strings.HasPrefix(r.URL.Path, "/admin/") {
		limit = maxConsoleForm
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.New(errs.Invalid, "error.form_too_large", limit>>10)
		}
		return errs.New(errs.Invalid, "error.bad_form")
	}
	return checkValues(r.PostForm)
}

// checkValues checks every name and value of a form or query, in name
// order so that the field named is the same on every try.
func checkValues(vs map[string][]string) error {
	names := make([]string, 0, len(vs))
	for k := range vs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if err := checkText(k, k); err != nil {
			return err
		}
		for _, v := range vs[k] {
			if err := checkText(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkText refuses text that is not valid UTF-8 or holds a NUL character,
// naming field.
func checkText(field, v string) error {
	if !utf8.ValidString(v) {
		return errs.InvalidField(shownField(field), "error.bad_encoding", shownField(field))
	}
	if strings.IndexByte(v, 0) >= 0 {
		return errs.InvalidField(shownField(field), "error.nul_character", shownField(field))
	}
	return nil
}

// shownField makes a field name safe to show: a name that is itself broken
// is shown with its bad bytes replaced, and cut short.
func shownField(name string) string {
	name = strings.ToValidUTF8(strings.ReplaceAll(name, "\x00", ""), "\uFFFD")
	if utf8.RuneCountInString(name) > 40 {
		name = string([]rune(name)[:40]) + "…"
	}
	return name
}

// clientIP returns the address of the client, without port. A request
// that comes through one of the trusted proxies is taken from the address
// the nearest untrusted hop gave in X-Forwarded-For.
func (s *Server) clientIP(r *http.Request) string {
	addr, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	ip := addr.Addr().Unmap()
	if !s.trustedProxy(ip) {
		return ip.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		ip = hop.Unmap()
		if !s.trustedProxy(ip) {
			break
		}
	}
	return ip.String()
}

func (s *Server) trustedProxy(ip netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
