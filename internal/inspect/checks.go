package inspect

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/message"
)

// check applies one rule, adding its findings to the run.
type check func(ctx context.Context, d *db.DB, run *Run, in *inputs, r Rule) error

var checks = map[string]check{
	CatalogCompleteness: checkCompleteness,
	CatalogElements:     checkElements,
	Loading:             checkLoading,
	Timeliness:          checkTimeliness,
	Periodic:            checkPeriodic,
	ValidityMarking:     checkValidity,
	EmptyColumn:         checkEmptyColumns,
	StaleColumn:         checkStaleColumns,
	Privacy:             checkPrivacy,
	DeadLink:            checkLinks,
	FOIOverdue:          checkFOIOverdue,
	// The rule of consultations is in participation.go.
	ConsultationFeedback: checkConsultationFeedback,
	MessageOverdue:       checkMessageOverdue,
	// The rule of interpretations is in interpret.go.
	InterpretationSync: checkInterpretationSync,
	// The rule of village affairs is in village.go.
	VillageConsistency: checkVillageConsistency,
	// The rule of service guides is in services.go.
	ServiceGuideElements: checkServiceGuides,
}

// inScope is the condition that a record r belongs to a unit under the
// path given as its argument (with % appended).
const inScope = `r.unit_id IN (SELECT id FROM units WHERE path LIKE ?)`

// indexedBy makes SQLite use the named index, which its planner passes
// over for a scan of every record; the partial indexes hold the few
// records a rule is about. PostgreSQL plans these well by itself.
func indexedBy(d *db.DB, index string) string {
	if d.Dialect == db.SQLite {
		return ` INDEXED BY ` + index
	}
	return ""
}

// itemRef names an item of a published catalog.
type itemRef struct {
	catalogID int64
	key       string
}

// late is a record published after its item's time limit.
type late struct {
	unitID          int64
	indexNo         string
	due, published  calendar.Date
	limit           catalog.Limit
	formed          string
	catalog, itemNm string
}

// column is what a unit has published in one of its sub-columns.
type column struct {
	count int
	last  calendar.Date
}

// inputs are what the rules read, loaded once per run.
type inputs struct {
	catalogs   []catalog.PublishedCatalog
	guidelines map[int64]catalog.Guideline // by domain id
	domains    []catalog.Domain            // the pilot domains
	loaded     map[itemRef]int             // published records per item
	lastByItem map[itemRef]calendar.Date   // newest publication per item
	periodHit  map[itemRef]bool            // periodic items with a record in the window
	windows    map[itemRef][2]calendar.Date
	late       []late
	timed      map[int64]int               // unit → item links whose time limit is counted in days
	columns    map[int64]map[string]column // unit → column code
	owed       map[int64][]duty            // unit → what it owes by domain, once worked out
}

// day is the date in China of a publication instant.
func day(t time.Time) calendar.Date { return calendar.DateOf(t.In(calendar.China)) }

func (in *inputs) load(ctx context.Context, d *db.DB, run *Run) error {
	var err error
	if in.catalogs, err = catalog.PublishedAsOf(ctx, d, run.Scope, run.end); err != nil {
		return err
	}
	run.catalogDomains = map[int64]map[string]bool{}
	items := map[itemRef]catalog.CatalogItem{}
	in.windows = map[itemRef][2]calendar.Date{}
	for _, c := range in.catalogs {
		if run.catalogDomains[c.Unit.ID] == nil {
			run.catalogDomains[c.Unit.ID] = map[string]bool{}
		}
		run.catalogDomains[c.Unit.ID][c.Domain.Code] = true
		for _, it := range c.Items {
			ref := itemRef{c.ID, it.Key()}
			items[ref] = it
			if due, from, ok := it.Limit.LastDue(run.asOf); ok {
				in.windows[ref] = [2]calendar.Date{from, due}
			}
		}
	}
	all, err := catalog.Domains(ctx, d, nil)
	if err != nil {
		return err
	}
	in.guidelines = map[int64]catalog.Guideline{}
	for _, dm := range all {
		if dm.Local() {
			continue
		}
		in.domains = append(in.domains, dm)
		g, err := catalog.LatestGuideline(ctx, d, dm)
		if errs.KindOf(err) == errs.NotFound {
			continue
		}
		if err != nil {
			return err
		}
		in.guidelines[dm.ID] = g
	}
	// One pass over the item links: loading, timeliness and periods.
	in.loaded, in.lastByItem, in.periodHit = map[itemRef]int{}, map[itemRef]calendar.Date{}, map[itemRef]bool{}
	in.timed = map[int64]int{}
	names := map[int64]string{}
	for _, c := range in.catalogs {
		names[c.ID] = c.Domain.Name
	}
	rows, err := d.Query(ctx, `SELECT i.catalog_id, i.item_key, r.unit_id, r.index_no, r.formed_date, r.published_at
		FROM info_items i JOIN info_records r`+indexedBy(d, "info_records_lite")+` ON r.id = i.record_id
		WHERE `+inScope+` AND r.status = 'published' AND r.published_at < ?`, run.Scope.Path+"%", run.end)
	if err != nil {
		return fmt.Errorf("load item links: %w", err)
	}
	for rows.Next() {
		var ref itemRef
		var unitID int64
		var indexNo, formed string
		var at time.Time
		if err := rows.Scan(&ref.catalogID, &ref.key, &unitID, &indexNo, &formed, &at); err != nil {
			rows.Close()
			return err
		}
		it, ok := items[ref]
		if !ok {
			continue // a catalog not in force on the day
		}
		pub := day(at)
		in.loaded[ref]++
		if pub.After(in.lastByItem[ref]) {
			in.lastByItem[ref] = pub
		}
		if w, ok := in.windows[ref]; ok && !pub.Before(w[0]) {
			in.periodHit[ref] = true
		}
		due, ok := it.Limit.Due(run.cal, formed)
		if ok {
			in.timed[unitID]++
		}
		if ok && pub.After(due) {
			in.late = append(in.late, late{unitID: unitID, indexNo: indexNo, due: due, published: pub, formed: formed,
				limit: it.Limit, catalog: names[ref.catalogID], itemNm: it.Name()})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// What each unit has in its sub-columns.
	in.columns = map[int64]map[string]column{}
	// The column index covers the query; SQLite's planner would read
	// every record instead.
	rows, err = d.Query(ctx, `SELECT r.unit_id, r.column_code, COUNT(*), MAX(r.published_at) FROM info_records r`+indexedBy(d, "info_records_column")+`
		WHERE `+inScope+` AND r.status = 'published' AND r.published_at < ? GROUP BY r.unit_id, r.column_code`, run.Scope.Path+"%", run.end)
	if err != nil {
		return fmt.Errorf("load columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var unitID int64
		var code string
		var c column
		var last any
		if err := rows.Scan(&unitID, &code, &c.count, &last); err != nil {
			return err
		}
		t, err := timeOf(last)
		if err != nil {
			return err
		}
		c.last = day(t)
		if in.columns[unitID] == nil {
			in.columns[unitID] = map[string]column{}
		}
		in.columns[unitID][code] = c
	}
	return rows.Err()
}

func itemTarget(domain string, it catalog.Item) string {
	return say("inspect.f.item", domain, it.Name())
}

func checkElements(_ context.Context, _ *db.DB, run *Run, in *inputs, r Rule) error {
	for _, c := range in.catalogs {
		err := catalog.Catalog{Items: c.Items}.Validate()
		var m errs.Multi
		if errors.As(err, &m) {
			for _, e := range m {
				run.add(r, r.Deduction, c.Unit.ID, say("inspect.f.domain", c.Domain.Name), say("inspect.f.elements_valid"), i18n.Error(i18n.Zh, e))
			}
		} else if err != nil {
			run.add(r, r.Deduction, c.Unit.ID, say("inspect.f.domain", c.Domain.Name), say("inspect.f.elements_valid"), i18n.Error(i18n.Zh, err))
		}
		for _, it := range c.Items {
			if it.Limit.Kind == catalog.Unparsed {
				run.add(r, r.Params["unparsed_limit"], c.Unit.ID, itemTarget(c.Domain.Name, it.Item), say("inspect.f.limit_readable"), say("inspect.f.limit_unreadable", it.TimeLimit))
			}
		}
	}
	return nil
}

func checkTimeliness(_ context.Context, _ *db.DB, run *Run, in *inputs, r Rule) error {
	for _, l := range in.late {
		key := "inspect.f.publish_by_days"
		if l.limit.Kind == catalog.WorkingDays {
			key = "inspect.f.publish_by_workdays"
		}
		run.add(r, r.cost(1, in.timed[l.unitID]), l.unitID, l.indexNo,
			sayN(key, l.limit.Days, l.due.String(), l.formed, l.catalog, l.itemNm, l.limit.Days),
			say("inspect.f.published_on", l.published.String()))
	}
	return nil
}

func checkPeriodic(_ context.Context, _ *db.DB, run *Run, in *inputs, r Rule) error {
	due := map[int64]int{} // unit → periodic items
	for _, c := range in.catalogs {
		for _, it := range c.Items {
			if _, ok := in.windows[itemRef{c.ID, it.Key()}]; ok {
				due[c.Unit.ID]++
			}
		}
	}
	for _, c := range in.catalogs {
		for _, it := range c.Items {
			ref := itemRef{c.ID, it.Key()}
			w, ok := in.windows[ref]
			if !ok || in.periodHit[ref] {
				continue
			}
			actual := say("inspect.f.no_info")
			if last, ok := in.lastByItem[ref]; ok {
				actual = say("inspect.f.last_published", last.String())
			}
			run.add(r, r.cost(1, due[c.Unit.ID]), c.Unit.ID, itemTarget(c.Domain.Name, it.Item),
				say("inspect.f.period_due", w[0].String(), w[1].String(), it.TimeLimit), actual)
		}
	}
	return nil
}

func checkValidity(ctx context.Context, d *db.DB, run *Run, _ *inputs, r Rule) error {
	rows, err := d.Query(ctx, `SELECT r.unit_id, r.index_no, r.validity, r.validity_date, r.replaced_by,
			(SELECT COUNT(*) FROM info_records n WHERE n.index_no = r.replaced_by AND n.status = 'published' AND n.published_at < ?)
		FROM info_records r`+indexedBy(d, "info_records_validity")+`
		WHERE (r.validity <> 'valid' OR r.replaced_by <> '') AND `+inScope+` AND r.status = 'published' AND r.published_at < ?`,
		run.end, run.Scope.Path+"%", run.end)
	if err != nil {
		return fmt.Errorf("load validity: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var unitID int64
		var indexNo, validity, date, replacedBy string
		var successor int
		if err := rows.Scan(&unitID, &indexNo, &validity, &date, &replacedBy, &successor); err != nil {
			return err
		}
		if (validity == info.Expired || validity == info.Repealed) && date == "" {
			run.add(r, r.Deduction, unitID, indexNo, say("inspect.f.mark_"+validity+"_date"), say("inspect.f."+validity+"_undated"))
		}
		if replacedBy != "" && successor == 0 {
			run.add(r, r.Deduction, unitID, indexNo, say("inspect.f.link_replacement"), say("inspect.f.no_replacement", replacedBy))
		}
	}
	return rows.Err()
}

func columnName(code string) string { return i18n.T(i18n.Zh, "col."+code) }

// checkEmptyColumns costs each empty standard column its share; a unit
// whose standard columns are all empty fails (国办秘函〔2019〕19号 fails a
// site for empty columns outright).
func checkEmptyColumns(_ context.Context, _ *db.DB, run *Run, in *inputs, r Rule) error {
	for _, u := range run.Units {
		empty := 0
		for _, code := range info.Columns {
			if in.columns[u.Unit.ID][code].count == 0 {
				run.add(r, r.cost(1, len(info.Columns)), u.Unit.ID, say("inspect.f.column", columnName(code)), say("inspect.f.column_filled"), say("inspect.f.column_empty"))
				empty++
			}
		}
		if empty == len(info.Columns) {
			run.veto(r, u.Unit.ID, say("inspect.f.columns_filled"), say("inspect.f.columns_empty"))
		}
	}
	return nil
}

func checkStaleColumns(_ context.Context, _ *db.DB, run *Run, in *inputs, r Rule) error {
	for _, u := range run.Units {
		for _, code := range info.Columns {
			c := in.columns[u.Unit.ID][code]
			days := int(r.Params[code+"_days"])
			if c.count == 0 || days <= 0 {
				continue // an empty column is the other rule's finding
			}
			if since := run.asOf.AddDays(-days); c.last.Before(since) {
				run.add(r, r.Deduction, u.Unit.ID, say("inspect.f.column", columnName(code)),
					sayN("inspect.f.updated_within", days, days, since.String()), say("inspect.f.last_updated", c.last.String()))
			}
		}
	}
	return nil
}

// checkPrivacy lists published records holding personal data that no
// reviewer released. Records are screened when they are indexed, so this
// reads the index of those that hold some.
func checkPrivacy(ctx context.Context, d *db.DB, run *Run, _ *inputs, r Rule) error {
	rows, err := d.Query(ctx, `SELECT r.unit_id, r.index_no, r.personal_data FROM info_records r`+indexedBy(d, "info_records_personal")+`
		WHERE r.personal_data <> '' AND `+inScope+` AND r.status = 'published' AND r.published_at < ? AND r.screen_override = ''`, run.Scope.Path+"%", run.end)
	if err != nil {
		return fmt.Errorf("load personal data: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var unitID int64
		var indexNo, found string
		if err := rows.Scan(&unitID, &indexNo, &found); err != nil {
			return err
		}
		run.add(r, r.Deduction, unitID, indexNo, say("inspect.f.masked"), say("inspect.f.unmasked", found))
	}
	return rows.Err()
}

// checkLinks fetches the addresses that published information links to
// instead of holding the text, and lists those that do not answer.
func checkLinks(ctx context.Context, d *db.DB, run *Run, _ *inputs, r Rule) error {
	rows, err := d.Query(ctx, `SELECT r.unit_id, r.index_no, r.link_url FROM info_records r`+indexedBy(d, "info_records_links")+`
		WHERE r.link_url <> '' AND `+inScope+` AND r.status = 'published' AND r.published_at < ?`, run.Scope.Path+"%", run.end)
	if err != nil {
		return fmt.Errorf("load links: %w", err)
	}
	type link struct {
		unitID       int64
		indexNo, url string
	}
	var links []link
	var urls []string
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.unitID, &l.indexNo, &l.url); err != nil {
			rows.Close()
			return err
		}
		links, urls = append(links, l), append(urls, l.url)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(links) == 0 {
		return err
	}
	checker := run.Links
	if checker == nil {
		checker = &LinkChecker{Timeout: time.Duration(r.Params["timeout_seconds"] * float64(time.Second)),
			Retries: int(r.Params["retries"]), Concurrency: int(r.Params["concurrency"])}
	}
	results := checker.Check(ctx, urls)
	for _, l := range links {
		if res := results[l.url]; !res.OK {
			run.add(r, r.Deduction, l.unitID, l.indexNo, say("inspect.f.link_opens", l.url), res.Error)
		}
	}
	return nil
}

// timeOf reads an aggregate of a timestamp column: PostgreSQL gives a time,
// SQLite the text the driver stored.
func timeOf(v any) (time.Time, error) {
	switch v := v.(type) {
	case time.Time:
		return v, nil
	case string:
		return parseStored(v)
	case []byte:
		return parseStored(string(v))
	}
	return time.Time{}, fmt.Errorf("inspect: unexpected time %T", v)
}

func parseStored(s string) (time.Time, error) {
	for _, f := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.Parse(f, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("inspect: unreadable time %q", s)
}

// checkFOIOverdue lists applications for disclosure answered late or
// unanswered past their deadline.
func checkFOIOverdue(ctx context.Context, d *db.DB, run *Run, _ *inputs, r Rule) error {
	late, err := foi.LateOn(ctx, d, run.cal, run.Scope, run.asOf)
	if err != nil {
		return fmt.Errorf("load applications: %w", err)
	}
	for _, l := range late {
		actual := say("inspect.f.unanswered", run.asOf.String())
		if l.Result != "" && l.ResultDate <= run.asOf.String() {
			actual = say("inspect.f.replied_on", l.ResultDate)
		}
		run.add(r, r.Deduction, l.Unit.ID, say("inspect.f.application", l.TrackingNo), say("inspect.f.reply_by", l.Deadline.String()), actual)
	}
	return nil
}

// checkMessageOverdue lists valid messages unanswered for more than
// message.OverdueMonths, one finding each, and fails a unit with at least
// the rule's fail_at of them (0 never fails one).
func checkMessageOverdue(ctx context.Context, d *db.DB, run *Run, _ *inputs, r Rule) error {
	late, err := message.OverdueOn(ctx, d, run.Scope, run.asOf)
	if err != nil {
		return fmt.Errorf("load messages: %w", err)
	}
	per := map[int64]int{}
	for _, o := range late {
		per[o.Unit.ID]++
		run.add(r, r.Deduction, o.Unit.ID, say("inspect.f.message", o.TrackingNo), say("inspect.f.reply_by", o.Since.String()), say("inspect.f.unanswered", run.asOf.String()))
	}
	failAt := int(r.Params["fail_at"])
	for unitID, n := range per {
		if failAt > 0 && n >= failAt {
			run.veto(r, unitID, sayN("inspect.f.messages_within", message.OverdueMonths, message.OverdueMonths),
				sayN("inspect.f.messages_overdue", n, n, message.OverdueMonths))
		}
	}
	return nil
}
