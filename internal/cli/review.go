package cli

import (
	"fmt"
	"text/tabwriter"

	"gongkai/internal/attrs"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// reviewDocJSON is a document of `review attributes --json`.
type reviewDocJSON struct {
	IndexNo     string `json:"index_no"`
	Title       string `json:"title"`
	WrittenDate string `json:"written_date"`
	Attribute   string `json:"attribute"`
}

// runReviewAttributes lists the documents of a unit in scope of the July
// review (公开属性评估调整) held in a year: gongkai review attributes
// --unit CODE --year Y [--json]. The JSON is {"window":{"from","to"},
// "documents":[{"index_no","title","written_date","attribute"}]}, the
// attribute being the one under review; the plain listing adds each
// document's state in the review.
func runReviewAttributes(e *env, args []string) error {
	fs, data := e.flags()
	unit := fs.String("unit", "", "cli.flag.review_unit")
	year := fs.String("year", "", "cli.flag.review_year")
	asJSON := fs.Bool("json", false, "cli.flag.json")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.extra_args", fs.Arg(0)))
	}
	if *unit == "" || *year == "" {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--unit --year"))
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	y, err := attrs.ParseYear(*year, d.Now())
	if err != nil {
		return usagef("%s", i18n.Error(e.lang, err))
	}
	u, err := org.ByCode(e.ctx, d, *unit)
	if errs.KindOf(err) == errs.NotFound {
		return usagef("%s", i18n.T(e.lang, "unit.not_found", *unit))
	}
	if err != nil {
		return err
	}
	win, docs, err := attrs.Documents(e.ctx, d, u, y)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]reviewDocJSON, 0, len(docs))
		for _, doc := range docs {
			out = append(out, reviewDocJSON{IndexNo: doc.IndexNo, Title: doc.Title, WrittenDate: doc.WrittenDate, Attribute: doc.Attribute})
		}
		return e.printJSON(map[string]any{"window": win, "documents": out})
	}
	return e.printReviewTable(u, y, win, docs)
}

// printReviewTable writes the documents in scope as a table for a person.
func (e *env) printReviewTable(u org.Unit, year int, win attrs.Window, docs []attrs.Document) error {
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "attrs.cli.title", u.Name, u.Code, year))
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "attrs.cli.window", win.From, win.To))
	if len(docs) == 0 {
		fmt.Fprintln(e.stdout, i18n.T(e.lang, "attrs.cli.none"))
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", i18n.T(e.lang, "info.index_no"), i18n.T(e.lang, "info.written_date"),
		i18n.T(e.lang, "info.attribute"), i18n.T(e.lang, "attrs.state"), i18n.T(e.lang, "info.title"))
	for _, d := range docs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.IndexNo, d.WrittenDate, i18n.T(e.lang, "info.attribute."+d.Attribute),
			i18n.T(e.lang, "attrs.state."+d.State()), d.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, i18n.N(e.lang, "attrs.cli.count", len(docs)))
	return nil
}
