package task

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// CheckLink checks a link sent as evidence and returns it as stored. A link
// to this portal (a path, or an address on site's host) must name a page
// that is published now: a record (/zwgk/info/ID/), a unit's column
// (/zwgk/bzh/CODE/) or a unit's published catalog (/zwgk/bzh/CODE/DOMAIN/);
// anything else of this portal is refused, so evidence cannot point at a
// draft or a console page. A link to another site is stored as given: it
// is not fetched (the office reads it), only checked to be an http(s)
// address. Errors are Invalid on field links, naming the link.
func CheckLink(ctx context.Context, q db.Querier, site, raw string) (string, error) {
	bad := func(key string) error { return errs.InvalidField("links", key, raw) }
	if len(raw) > MaxLink || strings.ContainsAny(raw, " \t\r\n") {
		return "", bad("task.link_invalid")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", bad("task.link_invalid")
	}
	internal := u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/")
	if !internal {
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", bad("task.link_invalid")
		}
		if s, err := url.Parse(site); err == nil && site != "" && strings.EqualFold(s.Host, u.Host) {
			internal = true
		}
	}
	if !internal {
		return raw, nil
	}
	ok, err := publishedPage(ctx, q, u.Path)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", bad("task.link_not_published")
	}
	return raw, nil
}

// publishedPage reports whether path is a published record, unit or
// catalog page of the portal.
func publishedPage(ctx context.Context, q db.Querier, path string) (bool, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	found := func(err error) (bool, error) {
		if errs.KindOf(err) == errs.NotFound {
			return false, nil
		}
		return err == nil, err
	}
	switch {
	case len(parts) == 3 && parts[0] == "zwgk" && parts[1] == "info":
		id, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil {
			return false, nil
		}
		r, err := info.ByID(ctx, q, id)
		if ok, err := found(err); !ok {
			return false, err
		}
		return r.Public(), nil
	case (len(parts) == 3 || len(parts) == 4) && parts[0] == "zwgk" && parts[1] == "bzh":
		u, err := org.ByCode(ctx, q, parts[2])
		if ok, err := found(err); !ok || len(parts) == 3 {
			return ok, err
		}
		_, err = catalog.PublishedFor(ctx, q, u, parts[3])
		return found(err)
	}
	return false, nil
}
