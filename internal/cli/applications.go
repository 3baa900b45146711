package cli

import (
	"fmt"
	"text/tabwriter"

	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calstore"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
)

// runFOIDue lists the applications for disclosure due within 3 working
// days or overdue: gongkai foi due [--scope CODE] [--json].
func runFOIDue(e *env, args []string) error {
	fs, data := e.flags()
	scope := fs.String("scope", "", "cli.flag.foi_scope")
	asJSON := fs.Bool("json", false, "cli.flag.json")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 0))
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	root, err := e.scope(d, *scope)
	if err != nil {
		return err
	}
	cal, err := calstore.Load(e.ctx, d)
	if err != nil {
		return err
	}
	today := calendar.DateOf(d.Now().In(calendar.China))
	urgent, err := foi.Urgent(e.ctx, d, cal, root, today)
	if err != nil {
		return err
	}
	if *asJSON {
		type row struct {
			TrackingNo string      `json:"tracking_no"`
			Unit       string      `json:"unit"`
			Status     string      `json:"status"`
			Handler    string      `json:"handler,omitempty"`
			Waiting    foi.Urgency `json:"waiting_for"`
		}
		out := []row{}
		for _, l := range urgent {
			out = append(out, row{l.TrackingNo, l.Unit.Code, l.Status, l.Handler, l.Urgency})
		}
		return e.printJSON(map[string]any{"today": today.String(), "applications": out})
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, l := range urgent {
		left := i18n.N(e.lang, "foi.days_left", l.Urgency.Left)
		if l.Urgency.Overdue() {
			left = i18n.N(e.lang, "foi.overdue_by", l.Urgency.Late())
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", l.TrackingNo, l.Unit.Name, i18n.T(e.lang, "foi.urgency."+l.Urgency.What), l.Urgency.Due, left)
	}
	return w.Flush()
}
