package web

import (
	"context"

	"gongkai/internal/catalog"
	"gongkai/internal/org"
)

// unitStatus is a unit in the standardization column with what it has
// published: its own catalogs (Domains) and, over its subtree, how many
// units have at least one (Published of Units).
type unitStatus struct {
	org.Unit
	Domains, Published, Units int
}

// publication counts what the units of the directory have published.
type publication struct {
	dir    *org.Directory
	counts map[int64]int
}

func (s *Server) publication(ctx context.Context, dir *org.Directory) (publication, error) {
	counts := map[int64]int{}
	for _, root := range dir.Roots() {
		cs, err := catalog.PublishedCounts(ctx, s.db, root)
		if err != nil {
			return publication{}, err
		}
		for id, n := range cs {
			counts[id] = n
		}
	}
	return publication{dir, counts}, nil
}

// status returns u with its own and its subtree's publication counts.
func (p publication) status(u org.Unit) unitStatus {
	st := unitStatus{Unit: u, Domains: p.counts[u.ID]}
	for _, v := range p.dir.Subtree(u) {
		st.Units++
		if p.counts[v.ID] > 0 {
			st.Published++
		}
	}
	return st
}

func (p publication) statuses(us []org.Unit) []unitStatus {
	out := make([]unitStatus, len(us))
	for i, u := range us {
		out[i] = p.status(u)
	}
	return out
}
