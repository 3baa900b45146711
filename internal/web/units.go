package web

import (
	"context"
	"sync"
	"time"

	"gongkai/internal/org"
)

// unitCache keeps a snapshot of every unit for the public pages, so that a
// page's breadcrumbs and unit names cost no queries. Like the page cache,
// any transaction this process commits makes it stale, and changes made by
// other processes show within pageTTL.
type unitCache struct {
	mu     sync.Mutex
	dir    *org.Directory
	gen    uint64
	loaded time.Time
}

// units returns a current snapshot of the units.
func (s *Server) units(ctx context.Context) (*org.Directory, error) {
	c := &s.unitCache
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := s.db.Generation()
	if c.dir != nil && c.gen == gen && time.Since(c.loaded) < pageTTL {
		return c.dir, nil
	}
	dir, err := org.LoadDirectory(ctx, s.db)
	if err != nil {
		return nil, err
	}
	c.dir, c.gen, c.loaded = dir, gen, time.Now()
	return dir, nil
}

// unitByCode returns the unit with the given code from the snapshot.
func (s *Server) unitByCode(ctx context.Context, code string) (org.Unit, error) {
	dir, err := s.units(ctx)
	if err != nil {
		return org.Unit{}, err
	}
	return dir.ByCode(code)
}

// ancestors returns the units above u, from the root down, from the
// snapshot.
func (s *Server) ancestors(ctx context.Context, u org.Unit) ([]org.Unit, error) {
	dir, err := s.units(ctx)
	if err != nil {
		return nil, err
	}
	return dir.Ancestors(u), nil
}
