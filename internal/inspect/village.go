package inspect

import (
	"context"
	"fmt"

	"gongkai/internal/db"
	"gongkai/internal/org"
	"gongkai/internal/village"
)

// keepers returns the villages and communities under scope that keep a
// list, which join the run for the village rule.
func keepers(ctx context.Context, d *db.DB, scope org.Unit) (map[int64]bool, error) {
	ids, err := village.Keepers(ctx, d, scope)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// checkVillageConsistency lists, for each village and community in the
// run, the entries of items shared with its town whose content differs
// from the town's newest published information, or which the town has not
// published. It reads the lists as they stand, not as of the run's day:
// entries keep no history.
func checkVillageConsistency(ctx context.Context, d *db.DB, run *Run, _ *inputs, r Rule) error {
	for _, u := range run.Units {
		if !village.Keeps(u.Unit.Kind) {
			continue
		}
		l, err := village.ListOf(ctx, d, u.Unit)
		if err != nil {
			return fmt.Errorf("village %s: %w", u.Code, err)
		}
		for _, e := range l.Differences() {
			target := say("inspect.f.item", e.Category, e.Name)
			if e.TownRecord == nil {
				run.add(r, r.Deduction, u.Unit.ID, target, say("inspect.f.village_same", l.Town.Name), say("inspect.f.town_unpublished", l.Town.Name))
				continue
			}
			run.add(r, r.Deduction, u.Unit.ID, target, say("inspect.f.village_same_as", l.Town.Name, e.TownRecord.IndexNo), say("inspect.f.village_differs"))
		}
	}
	return nil
}
