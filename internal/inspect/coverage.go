package inspect

import (
	"context"

	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/org"
)

// duty is what a unit owes in one domain: the guideline's items required
// at its level, and its catalog there with the required items it lacks
// (all of them when it has published none).
type duty struct {
	domain   catalog.Domain
	catalog  *catalog.PublishedCatalog // nil: none published
	required []catalog.Item
	missing  []catalog.Item
}

// publishes reports whether units of kind k must publish catalogs: the
// plan has districts, towns and streets compile one for each domain
// (穗府办函〔2020〕53号). Departments and the city may publish theirs.
func publishes(k org.Kind) bool {
	return k == org.District || k == org.Town || k == org.Street
}

// required reports whether a guideline item must be in a catalog of a
// unit at level l: at a town or street the items of their level (乡、村级
// included), elsewhere those applying to the level.
func required(it catalog.Item, l org.Level) bool {
	if l == org.LevelTownship {
		return catalog.MandatoryFor(it, l)
	}
	return it.AppliesTo(l)
}

// duties returns what each inspected unit owes in each domain with a
// guideline: the domains of its published catalogs, and, for units that
// must publish, every domain with items required at their level.
// Two rules read them; they are worked out once.
func (in *inputs) duties(run *Run) map[int64][]duty {
	if in.owed != nil {
		return in.owed
	}
	byUnit := map[int64]map[string]*catalog.PublishedCatalog{}
	for i, c := range in.catalogs {
		if byUnit[c.Unit.ID] == nil {
			byUnit[c.Unit.ID] = map[string]*catalog.PublishedCatalog{}
		}
		byUnit[c.Unit.ID][c.Domain.Code] = &in.catalogs[i]
	}
	out := map[int64][]duty{}
	for _, u := range run.Units {
		for _, dm := range in.domains {
			g, ok := in.guidelines[dm.ID]
			if !ok {
				continue
			}
			d := duty{domain: dm, catalog: byUnit[u.Unit.ID][dm.Code]}
			for _, it := range g.Items {
				if required(it, u.Unit.Level) {
					d.required = append(d.required, it)
				}
			}
			if d.catalog == nil && (!publishes(u.Unit.Kind) || len(d.required) == 0) {
				continue
			}
			have := map[string]bool{}
			if d.catalog != nil {
				for _, it := range d.catalog.Items {
					have[it.Key()] = true
				}
			}
			for _, it := range d.required {
				if !have[it.Key()] {
					d.missing = append(d.missing, it)
				}
			}
			out[u.Unit.ID] = append(out[u.Unit.ID], d)
		}
	}
	in.owed = out
	return out
}

// checkCompleteness costs each unit the share of its required items that
// are not in its published catalogs, a missing catalog counting all of its
// domain's; a unit that must publish catalogs and has none fails.
func checkCompleteness(_ context.Context, _ *db.DB, run *Run, in *inputs, r Rule) error {
	published := map[int64]bool{}
	for _, c := range in.catalogs {
		published[c.Unit.ID] = true
	}
	duties := in.duties(run)
	for _, u := range run.Units {
		id := u.Unit.ID
		if publishes(u.Unit.Kind) && !published[id] {
			run.veto(r, id, say("inspect.f.catalog_published"), say("inspect.f.no_catalog"))
		}
		total := 0
		for _, d := range duties[id] {
			total += len(d.required)
		}
		for _, d := range duties[id] {
			if d.catalog == nil {
				run.add(r, r.cost(len(d.missing), total), id, say("inspect.f.domain", d.domain.Name), say("inspect.f.domain_catalog"), say("inspect.f.unpublished"))
				continue
			}
			for _, it := range d.missing {
				run.add(r, r.cost(1, total), id, itemTarget(d.domain.Name, it), say("inspect.f.listed"), say("inspect.f.not_listed"))
			}
		}
	}
	return nil
}

// checkLoading costs each unit the share of the items of its catalogs,
// and of the required items its catalogs lack, without published
// information: an item left out of a catalog has none either.
func checkLoading(_ context.Context, _ *db.DB, run *Run, in *inputs, r Rule) error {
	total := map[int64]int{}
	for _, c := range in.catalogs {
		total[c.Unit.ID] += len(c.Items)
	}
	duties := in.duties(run)
	for id, ds := range duties {
		for _, d := range ds {
			total[id] += len(d.missing)
		}
	}
	for _, c := range in.catalogs {
		for _, it := range c.Items {
			if in.loaded[itemRef{c.ID, it.Key()}] == 0 {
				run.add(r, r.cost(1, total[c.Unit.ID]), c.Unit.ID, itemTarget(c.Domain.Name, it.Item), say("inspect.f.has_info"), say("inspect.f.no_info"))
			}
		}
	}
	for id, ds := range duties {
		for _, d := range ds {
			if d.catalog == nil {
				run.add(r, r.cost(len(d.missing), total[id]), id, say("inspect.f.domain", d.domain.Name), say("inspect.f.has_info"), say("inspect.f.no_catalog_no_info"))
				continue
			}
			for _, it := range d.missing {
				run.add(r, r.cost(1, total[id]), id, itemTarget(d.domain.Name, it), say("inspect.f.has_info"), say("inspect.f.not_listed_no_info"))
			}
		}
	}
	return nil
}
