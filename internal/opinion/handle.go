package opinion

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// maxUnits bounds the units one assignment names.
const maxUnits = 50

// ByID returns item id as a sees it. It returns a NotFound error for an
// item a may not see, as for one that does not exist.
func ByID(ctx context.Context, q db.Querier, a auth.Account, id int64) (Item, error) {
	it, err := Load(ctx, q, id)
	if err != nil {
		return Item{}, err
	}
	if !Sees(a, it) {
		return Item{}, errNotFound()
	}
	return it.For(a), nil
}

// office reads item id again inside tx for a step only an office that
// manages it may take: NotFound for an item a may not see, Forbidden for
// one a sees without managing.
func office(ctx context.Context, tx *db.Tx, a auth.Account, id int64) (Item, error) {
	it, err := Load(ctx, tx, id)
	switch {
	case err != nil:
		return Item{}, err
	case !Sees(a, it):
		return Item{}, errNotFound()
	case !Manages(a, it):
		return Item{}, errs.New(errs.Forbidden, "opinion.office_only")
	}
	return it, nil
}

// managed is office for a step on an open item: Conflict once it is
// closed.
func managed(ctx context.Context, tx *db.Tx, a auth.Account, id int64) (Item, error) {
	it, err := office(ctx, tx, a, id)
	if err == nil && it.State == Closed {
		return Item{}, errs.New(errs.Conflict, "opinion.closed")
	}
	return it, err
}

// DefaultDue returns the due date of a part of an item of level given on
// day from: DefaultDays[level] working days after it, the day itself not
// counted. A year whose holidays are not loaded counts as plain weeks.
func DefaultDue(cal *calendar.Calendar, level string, from calendar.Date) (calendar.Date, error) {
	return calendar.Clock{Start: from, Days: DefaultDays[level]}.Deadline(cal.AssumeWeekends())
}

// AssignInput is an office's assignment of an item to units.
type AssignInput struct {
	Units []string // unit codes
	// Due is the day the units must respond by, YYYY-MM-DD; empty for the
	// level's DefaultDays working days from today.
	Due string
}

// Assign gives item id to units in a's subtree, due on in.Due or by
// default on the level's working days from today. A unit that has the
// item already and has not responded gets the new due date; one that has
// responded is refused. Bad input comes back as Invalid errors naming the
// field (unit, due), with nothing written.
func Assign(ctx context.Context, tx *db.Tx, cal *calendar.Calendar, a auth.Account, id int64, in AssignInput) (Item, error) {
	it, err := managed(ctx, tx, a, id)
	if err != nil {
		return Item{}, err
	}
	var m errs.Multi
	var units []org.Unit
	var codes []string
	for _, c := range in.Units {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	switch {
	case len(codes) == 0:
		m = append(m, errs.InvalidField("unit", "opinion.unit_required"))
	case len(codes) > maxUnits:
		m = append(m, errs.InvalidField("unit", "opinion.units_too_many", maxUnits))
		codes = nil
	}
	for _, c := range codes {
		u, err := org.ByCode(ctx, tx, c)
		switch {
		case errs.KindOf(err) == errs.NotFound:
			m = append(m, errs.InvalidField("unit", "opinion.unit_unknown", c))
			continue
		case err != nil:
			return Item{}, err
		case !a.InScope(u):
			m = append(m, errs.InvalidField("unit", "opinion.unit_outside", u.Name))
			continue
		}
		if p, ok := partOf(it, u); ok && p.Responded {
			m = append(m, errs.InvalidField("unit", "opinion.unit_responded", u.Name))
			continue
		}
		units = append(units, u)
	}
	day := today(tx.Now())
	due, days := calendar.Date{}, 0
	if s := strings.TrimSpace(in.Due); s != "" {
		d, err := calendar.ParseDate(s)
		if err != nil || d.Before(day) || d.After(day.AddDays(366)) {
			m = append(m, errs.InvalidField("due", "opinion.due_invalid", s))
		}
		due = d
	} else {
		days = DefaultDays[it.Level]
		if due, err = DefaultDue(cal, it.Level, day); err != nil {
			return Item{}, err
		}
	}
	if err := m.Err(); err != nil {
		return Item{}, err
	}
	for _, u := range units {
		if p, ok := partOf(it, u); ok {
			_, err = tx.Exec(ctx, `UPDATE opinion_assignments SET due_date = ?, days = ?, assigned_date = ?, assigned_by = ?, updated_at = ? WHERE id = ?`,
				due.String(), days, day.String(), a.Login, tx.Now(), p.ID)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO opinion_assignments (item_id, unit_id, assigned_date, due_date, days, assigned_by, state, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, it.ID, u.ID, day.String(), due.String(), days, a.Login, partOpen, tx.Now())
		}
		if err != nil {
			return Item{}, err
		}
		if err := audit.Append(ctx, tx, a.Login, "opinion.assigned", "opinion", idOf(it.ID), map[string]any{"unit": u.Code, "due": due.String(), "days": days}); err != nil {
			return Item{}, err
		}
	}
	if err := settle(ctx, tx, it.ID); err != nil {
		return Item{}, err
	}
	return Load(ctx, tx, it.ID)
}

func partOf(it Item, u org.Unit) (Assignment, bool) {
	i := slices.IndexFunc(it.Parts, func(as Assignment) bool { return as.Unit.ID == u.ID })
	if i < 0 {
		return Assignment{}, false
	}
	return it.Parts[i], true
}

// InstructionInput is a leader's instruction as the office types it.
type InstructionInput struct {
	Leader string
	Day    string // YYYY-MM-DD
	Text   string
}

// Instruct records a leader's instruction (批示) on item id: who, on which
// day (not before the item was found nor after today) and what.
func Instruct(ctx context.Context, tx *db.Tx, a auth.Account, id int64, in InstructionInput) (Item, error) {
	it, err := managed(ctx, tx, a, id)
	if err != nil {
		return Item{}, err
	}
	var m errs.Multi
	leader := field(&m, "leader", in.Leader, maxLeader, false)
	text := field(&m, "text", in.Text, maxText, true)
	day, derr := calendar.ParseDate(strings.TrimSpace(in.Day))
	if derr != nil || day.String() < it.FoundDate || day.After(today(tx.Now())) {
		m = append(m, errs.InvalidField("day", "opinion.day_invalid", strings.TrimSpace(in.Day), it.FoundDate))
	}
	if err := m.Err(); err != nil {
		return Item{}, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO opinion_instructions (item_id, leader, day, text, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`,
		it.ID, leader, day.String(), text, a.Login, tx.Now()); err != nil {
		return Item{}, err
	}
	if err := touch(ctx, tx, it.ID); err != nil {
		return Item{}, err
	}
	if err := audit.Append(ctx, tx, a.Login, "opinion.instructed", "opinion", idOf(it.ID), map[string]any{"leader": leader, "day": day.String()}); err != nil {
		return Item{}, err
	}
	return Load(ctx, tx, it.ID)
}

// ResponseInput is a unit's response to its part.
type ResponseInput struct {
	Handling string // what was done (处置情况)
	Response string // the response to the public
	Link     string // where it was published: this site's path or an http(s) address; optional
}

// checkLink returns the link cleaned, or an Invalid error naming field
// link: a path on this site (/zwgk/info/12/) or an http or https address.
func checkLink(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	bad := errs.InvalidField("link", "opinion.link_invalid")
	if len(s) > maxLink || strings.ContainsAny(s, " \t\r\n") {
		return "", bad
	}
	if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
		return s, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", bad
	}
	return s, nil
}

// Respond records the response of part partID of item id, for its unit.
// A response may be written again while the item is open; the day of the
// first one stays, as on-time counts it. Only the unit's own staff (and
// those above it, not the office that assigned it) respond: another unit
// gets NotFound, an office Forbidden.
func Respond(ctx context.Context, tx *db.Tx, a auth.Account, id, partID int64, in ResponseInput) (Item, error) {
	it, err := Load(ctx, tx, id)
	if err != nil {
		return Item{}, err
	}
	p, ok := it.Part(partID)
	switch {
	case !ok || !SeesPart(a, it, p):
		return Item{}, errNotFound()
	case !Responds(a, p):
		return Item{}, errs.New(errs.Forbidden, "opinion.respond_own")
	case it.State == Closed:
		return Item{}, errs.New(errs.Conflict, "opinion.closed")
	}
	var m errs.Multi
	handling := field(&m, "handling", in.Handling, maxText, true)
	response := field(&m, "response", in.Response, maxResponse, true)
	link, lerr := checkLink(in.Link)
	if lerr != nil {
		m = append(m, errs.As(lerr))
	}
	if err := m.Err(); err != nil {
		return Item{}, err
	}
	on := p.RespondedOn
	if on == "" {
		on = today(tx.Now()).String()
	}
	if _, err := tx.Exec(ctx, `UPDATE opinion_assignments SET state = ?, handling = ?, response = ?, link = ?, responded_date = ?, responded_by = ?, updated_at = ?
		WHERE id = ?`, partResponded, handling, response, link, on, a.Login, tx.Now(), p.ID); err != nil {
		return Item{}, err
	}
	if err := settle(ctx, tx, it.ID); err != nil {
		return Item{}, err
	}
	p.RespondedOn, p.Responded = on, true
	if err := audit.Append(ctx, tx, a.Login, "opinion.responded", "opinion", idOf(it.ID), map[string]any{"unit": p.Unit.Code, "link": link,
		"on_time": p.OnTime(), "again": p.RespondedBy != ""}); err != nil {
		return Item{}, err
	}
	return Load(ctx, tx, it.ID)
}

// Close closes item id with the office's conclusion, once every unit it
// was assigned to has responded (Conflict while one has not).
func Close(ctx context.Context, tx *db.Tx, a auth.Account, id int64, conclusion string) (Item, error) {
	it, err := managed(ctx, tx, a, id)
	if err != nil {
		return Item{}, err
	}
	var m errs.Multi
	conclusion = field(&m, "conclusion", conclusion, maxText, true)
	if err := m.Err(); err != nil {
		return Item{}, err
	}
	if n := len(it.Pending()); n > 0 {
		return Item{}, errs.New(errs.Conflict, "opinion.pending", n)
	}
	if _, err := tx.Exec(ctx, `UPDATE opinion_items SET state = ?, conclusion = ?, closed_date = ?, closed_by = ?, updated_at = ? WHERE id = ?`,
		Closed, conclusion, today(tx.Now()).String(), a.Login, tx.Now(), it.ID); err != nil {
		return Item{}, err
	}
	if err := audit.Append(ctx, tx, a.Login, "opinion.closed", "opinion", idOf(it.ID), nil); err != nil {
		return Item{}, err
	}
	return Load(ctx, tx, it.ID)
}

// Publish shows the handling of item id on the portal — the summary, the
// units' responses and links, the conclusion and the dates, personal data
// masked — once there is a response or a conclusion to show. Withdraw
// (publish false) takes it off. Unlike the other steps it may be taken on
// a closed item.
func Publish(ctx context.Context, tx *db.Tx, a auth.Account, id int64, publish bool) (Item, error) {
	it, err := office(ctx, tx, a, id)
	if err != nil {
		return Item{}, err
	}
	switch {
	case it.Published == publish && publish:
		return Item{}, errs.New(errs.Conflict, "opinion.already_published")
	case it.Published == publish:
		return Item{}, errs.New(errs.Conflict, "opinion.not_published")
	case publish && !it.Publishable():
		return Item{}, errs.New(errs.Conflict, "opinion.nothing_to_publish")
	}
	var at any
	by := ""
	if publish {
		at, by = tx.Now(), a.Login
	}
	if _, err := tx.Exec(ctx, `UPDATE opinion_items SET published = ?, published_at = ?, published_by = ?, updated_at = ? WHERE id = ?`,
		publish, at, by, tx.Now(), it.ID); err != nil {
		return Item{}, err
	}
	action, detail := "opinion.withdrawn", map[string]any{}
	if publish {
		action, detail["masked"] = "opinion.published", findings(it)
	}
	if err := audit.Append(ctx, tx, a.Login, action, "opinion", idOf(it.ID), detail); err != nil {
		return Item{}, err
	}
	return Load(ctx, tx, it.ID)
}

// touch marks the item changed.
func touch(ctx context.Context, tx *db.Tx, id int64) error {
	_, err := tx.Exec(ctx, `UPDATE opinion_items SET updated_at = ? WHERE id = ?`, tx.Now(), id)
	return err
}

// noteOf checks an optional note.
func noteOf(s string) (string, error) {
	s = clean(s)
	if utf8.RuneCountInString(s) > maxNote {
		return "", errs.InvalidField("note", "opinion.too_long", errs.Msg("opinion.field.note"), maxNote)
	}
	return s, nil
}
