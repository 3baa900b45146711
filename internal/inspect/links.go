package inspect

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// LinkChecker checks that links answer: each URL is fetched with a time
// limit, a few at a time, and tried again before it counts as dead; a URL
// is checked once however many records link to it.
type LinkChecker struct {
	Timeout     time.Duration // for one attempt, redirects included
	Retries     int           // further attempts after a failure
	Concurrency int
	Client      *http.Client // nil: a client that follows up to 5 redirects
}

// LinkResult is what checking a link found.
type LinkResult struct {
	OK     bool
	Status int    // the final HTTP status, 0 when none came
	Error  string // why it failed, in Chinese
}

// Check checks every URL and returns the result for each.
func (c LinkChecker) Check(ctx context.Context, urls []string) map[string]LinkResult {
	client := c.Client
	if client == nil {
		client = &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errTooManyRedirects
			}
			return nil
		}}
	}
	out := make(map[string]LinkResult, len(urls))
	var mu sync.Mutex
	todo := make(chan string)
	var wg sync.WaitGroup
	for range max(c.Concurrency, 1) {
		wg.Go(func() {
			for u := range todo {
				res := c.checkOne(ctx, client, u)
				mu.Lock()
				out[u] = res
				mu.Unlock()
			}
		})
	}
	seen := map[string]bool{}
	for _, u := range urls {
		if !seen[u] {
			seen[u] = true
			todo <- u
		}
	}
	close(todo)
	wg.Wait()
	return out
}

var errTooManyRedirects = errors.New("too many redirects")

func (c LinkChecker) checkOne(ctx context.Context, client *http.Client, raw string) LinkResult {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return LinkResult{Error: say("inspect.f.link_invalid")}
	}
	var res LinkResult
	for attempt := 0; attempt <= c.Retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return LinkResult{Error: say("inspect.f.link_cancelled")}
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
			}
		}
		if res = c.fetch(ctx, client, raw); res.OK || res.Status == http.StatusNotFound || res.Status == http.StatusGone {
			return res // a clear answer needs no retry
		}
	}
	return res
}

func (c LinkChecker) fetch(ctx context.Context, client *http.Client, raw string) LinkResult {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return LinkResult{Error: say("inspect.f.link_invalid")}
	}
	req.Header.Set("User-Agent", "gongkai-inspect/1 (政务公开网上巡查)")
	resp, err := client.Do(req)
	if err != nil {
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			return LinkResult{Error: sayN("inspect.f.link_timeout", int(c.Timeout.Seconds()), int(c.Timeout.Seconds()))}
		case errors.Is(err, errTooManyRedirects):
			return LinkResult{Error: say("inspect.f.link_redirects")}
		}
		return LinkResult{Error: say("inspect.f.link_unreachable")}
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 400 {
		return LinkResult{Status: resp.StatusCode, Error: say("inspect.f.link_status", resp.StatusCode)}
	}
	return LinkResult{OK: true, Status: resp.StatusCode}
}
