package cli

import (
	"fmt"
	"strconv"
	"text/tabwriter"

	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/training"
)

// sessionJSON is a training session as training list --json prints it.
type sessionJSON struct {
	ID        int64  `json:"id"`
	Date      string `json:"date"`
	Organiser string `json:"organiser"` // the unit's code
	Topic     string `json:"topic"`
	Kind      string `json:"kind"`
	Units     int    `json:"units"`
	People    int    `json:"people"`
}

// runTrainingList prints the training sessions of a year that units under
// a scope organised or attended: gongkai training list --scope CODE
// --year Y [--json]. The JSON is {"sessions":[{"id","date","organiser",
// "topic","kind","units","people"}]}, newest first.
func runTrainingList(e *env, args []string) error {
	fs, data := e.flags()
	scope := fs.String("scope", "", "cli.flag.training_scope")
	yearArg := fs.String("year", "", "cli.flag.training_year")
	asJSON := fs.Bool("json", false, "cli.flag.json")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 0))
	}
	if *scope == "" || *yearArg == "" {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--scope --year"))
	}
	year, err := strconv.Atoi(*yearArg)
	if err != nil || year < training.FirstYear || year > 9999 {
		return usagef("%s", i18n.T(e.lang, "training.year_invalid", *yearArg))
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	root, err := org.ByCode(e.ctx, d, *scope)
	if err != nil {
		return err
	}
	list, err := training.List(e.ctx, d, root, year)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]sessionJSON, 0, len(list))
		for _, s := range list {
			out = append(out, sessionJSON{ID: s.ID, Date: s.Date, Organiser: s.Organiser.Code, Topic: s.Topic, Kind: string(s.Kind), Units: s.Units, People: s.People})
		}
		return e.printJSON(map[string][]sessionJSON{"sessions": out})
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, i18n.T(e.lang, "training.cli.none"))
		return nil
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, s := range list {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Date, s.Organiser.Name, i18n.T(e.lang, "training.kind."+string(s.Kind)), s.Topic,
			i18n.T(e.lang, "training.totals_n", s.Units, s.People))
	}
	return w.Flush()
}
