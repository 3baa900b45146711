package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ParsePublicURL checks a public address (--public-url) and returns it
// without a trailing slash: an absolute http or https URL with a host, and
// neither query nor fragment. An empty address stays empty.
func ParsePublicURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("public URL %q: want an address such as https://gongkai.example.gov.cn", raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// baseURL is the site's address for links that leave the page (feeds,
// sitemaps, e-mails): the public URL when one is set, else the origin the
// request reached.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// secure reports whether cookies must be Secure: the request came over TLS,
// or the public address is https (TLS ends at a proxy in front).
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.cfg.PublicURL, "https://")
}
