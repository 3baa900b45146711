package cli

import (
	"fmt"

	"gongkai/internal/i18n"
	"gongkai/internal/seed"
)

// runSeedSynthetic makes synthetic data: gongkai seed synthetic --units N --records M.
func runSeedSynthetic(e *env, args []string) error {
	fs, data := e.flags()
	units := fs.Int("units", 3000, "cli.flag.seed_units")
	records := fs.Int("records", 100000, "cli.flag.seed_records")
	s := fs.Uint64("seed", 1, "cli.flag.seed_seed")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *records < 0 || *records > 20000000 {
		return usagef("%s", i18n.T(e.lang, "cli.bad_count", *records))
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	next := 100000
	res, err := seed.Synthetic(e.ctx, d, seed.Options{Units: *units, Records: *records, Seed: *s, Progress: func(done int) {
		if done >= next {
			fmt.Fprintf(e.stderr, "%d\n", done)
			next += 100000
		}
	}})
	if err != nil {
		return err
	}
	return e.printJSON(map[string]any{"units": res.Units, "catalogs": res.Catalogs, "records": res.Records,
		"seconds": res.Elapsed.Seconds(), "records_per_second": int(res.Rate)})
}
