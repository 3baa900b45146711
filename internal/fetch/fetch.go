// Package fetch downloads a file a client names by URL (an attachment a
// business system sends as a link), guarded: http and https only, a time
// limit, a size limit, a few redirects, and no connection to loopback,
// private, link-local or other non-public addresses — checked on the
// address actually dialled, so a name that resolves to an inside address,
// or a redirect to one, is refused too. What the file is, and whether it
// holds personal data, is for the caller to check.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strings"
	"syscall"
	"time"

	"gongkai/internal/errs"
)

// Getter fetches files. The zero value is not usable: set MaxBytes and
// Timeout.
type Getter struct {
	MaxBytes int64
	Timeout  time.Duration // the whole fetch, redirects and body included
	// AllowPrivate lets tests fetch from a server on 127.0.0.1. Never set
	// it in production: it opens the inside network to API clients.
	AllowPrivate bool
}

// File is a fetched file.
type File struct {
	Name string // from Content-Disposition, or the URL's last segment
	Data []byte
}

// maxRedirects bounds the redirects followed.
const maxRedirects = 3

// Get fetches raw. Its errors are *errs.Error of kind Invalid without a
// field (the caller knows which field held the URL): fetch.bad_url,
// fetch.blocked, fetch.too_large, fetch.status, fetch.failed.
func (g Getter) Get(ctx context.Context, raw string) (File, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return File{}, errs.New(errs.Invalid, "fetch.bad_url", raw)
	}
	ctx, cancel := context.WithTimeout(ctx, g.Timeout)
	defer cancel()
	client := &http.Client{
		// One connection per fetch: nothing would reuse a kept one.
		Transport: Transport(g.Timeout, g.AllowPrivate, true),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects || req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return errBadRedirect
			}
			return nil
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return File{}, errs.New(errs.Invalid, "fetch.bad_url", raw)
	}
	req.Header.Set("User-Agent", "gongkai attachment fetch")
	res, err := client.Do(req)
	if err != nil {
		if errors.Is(err, ErrBlocked) {
			return File{}, errs.New(errs.Invalid, "fetch.blocked", raw)
		}
		return File{}, &errs.Error{Kind: errs.Invalid, Key: "fetch.failed", Args: []any{raw}, Err: err}
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return File{}, errs.New(errs.Invalid, "fetch.status", raw, res.StatusCode)
	}
	if res.ContentLength > g.MaxBytes {
		return File{}, errs.New(errs.Invalid, "fetch.too_large", raw, g.MaxBytes>>20)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, g.MaxBytes+1))
	if err != nil {
		return File{}, &errs.Error{Kind: errs.Invalid, Key: "fetch.failed", Args: []any{raw}, Err: err}
	}
	if int64(len(data)) > g.MaxBytes {
		return File{}, errs.New(errs.Invalid, "fetch.too_large", raw, g.MaxBytes>>20)
	}
	return File{Name: fileName(res), Data: data}, nil
}

// Dialer returns a dialer that refuses, on the address actually dialled,
// every address that is not Public unless allowPrivate: a name that
// resolves to an inside address, or a redirect to one, is refused too.
// Its error wraps ErrBlocked.
func Dialer(timeout time.Duration, allowPrivate bool) *net.Dialer {
	return &net.Dialer{Timeout: timeout, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !allowPrivate && !Public(ap.Addr()) {
			return ErrBlocked
		}
		return nil
	}}
}

// Transport returns an HTTP transport over Dialer, without a proxy from
// the environment (the address check must see the address the answer
// comes from), with its time limits set to timeout, and without kept
// connections when oneShot.
func Transport(timeout time.Duration, allowPrivate, oneShot bool) *http.Transport {
	return &http.Transport{Proxy: nil, DialContext: Dialer(timeout, allowPrivate).DialContext, TLSHandshakeTimeout: timeout,
		ResponseHeaderTimeout: timeout, MaxResponseHeaderBytes: 64 << 10, DisableKeepAlives: oneShot, IdleConnTimeout: 90 * time.Second}
}

// ErrBlocked is why a connection to an address that is not public was
// refused.
var ErrBlocked = errors.New("address not public")

var (
	errBadRedirect = fmt.Errorf("more than %d redirects, or to a scheme other than http and https", maxRedirects)
)

// fileName is the name the server gives the file, or the last segment of
// the final URL's path.
func fileName(res *http.Response) string {
	if _, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		return params["filename"]
	}
	return path.Base(strings.TrimSuffix(res.Request.URL.Path, "/"))
}

// nonPublic are ranges that are not the public internet beyond what
// netip's predicates cover: shared address space (CGNAT), IETF protocol
// assignments, benchmarking, reserved, NAT64 (which reaches IPv4 inside
// addresses) and documentation.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// Public reports whether ip is a public unicast address: not loopback,
// private, link-local, multicast, unspecified or one of nonPublic.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}
