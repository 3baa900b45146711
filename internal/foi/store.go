package foi

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
	"gongkai/internal/tracking"
)

// CanRead reports whether a may see applications to unit u: everyone whose
// scope holds it.
func CanRead(a auth.Account, u org.Unit) bool { return a.InScope(u) }

// CanHandle reports whether a may act on applications to unit u: the
// unit's editors and reviewers, the offices above it and administrators.
func CanHandle(a auth.Account, u org.Unit) bool { return a.Writes(u) }

// CanApproveExtension reports whether a may approve an extension: the head
// of the disclosure work (条例第三十三条) — a unit's reviewer, an office or an
// administrator, not an editor.
func CanApproveExtension(a auth.Account, u org.Unit) bool {
	return CanHandle(a, u) && a.Role != auth.UnitEditor
}

func today(tx *db.Tx) calendar.Date { return calendar.DateOf(tx.Now().In(calendar.China)) }

// Apply records an application submitted on the portal. Its receipt awaits
// confirmation by the unit (条例第三十一条第三项). It returns the application
// and its query code, shown to the applicant once and kept only as a hash.
func Apply(ctx context.Context, tx *db.Tx, in Input) (Application, string, error) {
	return create(ctx, tx, "portal", in, Online, "", "")
}

// Register records an application a clerk received at the counter, by
// post, by fax or by e-mail. received is the day the law counts as receipt
// for the channel (条例第三十一条): the day of the visit, the day the post was
// signed for (for unsigned mail, the day confirmed with the applicant), or
// the day both sides confirmed a fax or e-mail.
func Register(ctx context.Context, tx *db.Tx, a auth.Account, in Input, channel, received, note string) (Application, string, error) {
	if !oneOf(StaffChannels, channel) {
		return Application{}, "", errs.InvalidField("channel", "foi.channel_invalid")
	}
	day, err := calendar.ParseDate(strings.TrimSpace(received))
	if err != nil {
		return Application{}, "", errs.InvalidField("received", "foi.date_invalid", received)
	}
	if day.After(today(tx)) {
		return Application{}, "", errs.InvalidField("received", "foi.date_future", day.String())
	}
	if day.Before(today(tx).AddDays(-366)) {
		return Application{}, "", errs.InvalidField("received", "foi.date_too_old", day.String())
	}
	// The scope is checked on the unit the application will go to: the code
	// as create cleans it.
	in = in.normalize()
	if u, err := org.ByCode(ctx, tx, in.UnitCode); err == nil && !CanHandle(a, u) {
		return Application{}, "", errs.New(errs.Forbidden, "error.forbidden")
	}
	return create(ctx, tx, a.Login, in, channel, day.String(), receiptNote(channel, oneLine(note)))
}

// receiptNote states the receipt rule applied.
func receiptNote(channel, note string) string {
	s := map[string]string{
		Online:   "网上提交，以双方确认之日为收到申请之日（条例第三十一条第三项）",
		Email:    "通过互联网渠道提交，以双方确认之日为收到申请之日（条例第三十一条第三项）",
		Fax:      "通过传真提交，以双方确认之日为收到申请之日（条例第三十一条第三项）",
		InPerson: "当面提交，以提交之日为收到申请之日（条例第三十一条第一项）",
		Post:     "以邮寄方式提交，以签收之日为收到申请之日（条例第三十一条第二项）",
	}[channel]
	if note != "" {
		s += "；" + note
	}
	return s
}

func create(ctx context.Context, tx *db.Tx, actor string, in Input, channel, received, note string) (Application, string, error) {
	in = in.normalize()
	if m := in.validate(); len(m) > 0 {
		return Application{}, "", m
	}
	u, err := org.ByCode(ctx, tx, in.UnitCode)
	if err != nil {
		return Application{}, "", errs.InvalidField("unit", "foi.unit_unknown", in.UnitCode)
	}
	if utf8len(note) > maxNote {
		return Application{}, "", errs.InvalidField("note", "foi.too_long", errs.Msg("foi.field.note"), maxNote)
	}
	code := tracking.NewCode()
	now := tx.Now()
	// The clerk who registers an application handles it until someone is
	// assigned; an online one waits for whoever confirms its receipt.
	status, start, handler := StatusProcessing, received, actor
	if received == "" {
		status, handler = StatusPending, ""
	}
	ap := in.Applicant
	no, err := newTrackingNo(ctx, tx, now)
	if err != nil {
		return Application{}, "", fmt.Errorf("tracking number: %w", err)
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO foi_applications (tracking_no, query_hash, unit_id, applicant_type, applicant_name, id_type, id_number, legal_rep, contact_name,
		phone, email, address, postcode, description, purpose, medium, delivery, notify, notify_lang, channel, submitted_at, received_date, receipt_note, status, clock_start, handler, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		no, tracking.HashCode(code), u.ID, ap.Type, ap.Name, ap.IDType, ap.IDNumber, ap.LegalRep, ap.Contact,
		ap.Phone, ap.Email, ap.Address, ap.Postcode, in.Description, in.Purpose, in.Medium, in.Delivery, in.Notify, notifyLang(in), channel, now, received, note, status, start, handler, actor, now, now).Scan(&id)
	if err != nil {
		return Application{}, "", fmt.Errorf("save application: %w", err)
	}
	kind := "submitted"
	if received != "" {
		kind = "registered"
	}
	if err := event(ctx, tx, id, actor, kind, received, note); err != nil {
		return Application{}, "", err
	}
	if err := audit.Append(ctx, tx, actor, "foi."+kind, "foi_application", no, map[string]any{"unit": u.Code, "channel": channel}); err != nil {
		return Application{}, "", err
	}
	app, err := load(ctx, tx, `a.id = ?`, id)
	if err != nil {
		return Application{}, "", err
	}
	return app, code, notifyProgress(ctx, tx, app, kind)
}

func utf8len(s string) int { return len([]rune(s)) }

func event(ctx context.Context, tx *db.Tx, id int64, actor, kind, day, note string) error {
	_, err := tx.Exec(ctx, `INSERT INTO foi_events (application_id, at, actor, kind, day, note) VALUES (?, ?, ?, ?, ?, ?)`, id, tx.Now(), actor, kind, day, note)
	return err
}

const appCols = `a.id, a.tracking_no, a.unit_id, a.applicant_type, a.applicant_name, a.id_type, a.id_number, a.legal_rep, a.contact_name, a.phone, a.email, a.address, a.postcode,
	a.description, a.purpose, a.medium, a.delivery, a.notify, a.notify_lang, a.channel, a.submitted_at, a.received_date, a.receipt_note, a.status, a.clock_start,
	a.correction_date, a.correction_days, a.correction_due, a.correction_note, a.corrected_date,
	a.extension_days, a.extension_date, a.extension_approver, a.extension_reason, a.fee_mode, a.fee_count, a.fee_amount,
	a.handler, a.result, a.result_date, a.reply, a.other_agency, a.replied_by, a.delivered_date, a.delivered_by, a.delivery_note,
	a.proactive, a.proactive_note, a.imported, a.created_by, a.created_at, a.updated_at`

func scanApp(s interface{ Scan(...any) error }) (Application, error) {
	var a Application
	p := &a.Applicant
	err := s.Scan(&a.ID, &a.TrackingNo, &a.Unit.ID, &p.Type, &p.Name, &p.IDType, &p.IDNumber, &p.LegalRep, &p.Contact, &p.Phone, &p.Email, &p.Address, &p.Postcode,
		&a.Description, &a.Purpose, &a.Medium, &a.Delivery, &a.Notify, &a.NotifyLang, &a.Channel, &a.SubmittedAt, &a.ReceivedDate, &a.ReceiptNote, &a.Status, &a.ClockStart,
		&a.Correction.Date, &a.Correction.Days, &a.Correction.Due, &a.Correction.Note, &a.Correction.Corrected,
		&a.Extension.Days, &a.Extension.Date, &a.Extension.Approver, &a.Extension.Reason, &a.Fee.Mode, &a.Fee.Count, &a.Fee.Amount,
		&a.Handler, &a.Result, &a.ResultDate, &a.Reply, &a.OtherAgency, &a.RepliedBy, &a.DeliveredDate, &a.DeliveredBy, &a.DeliveryNote,
		&a.Proactive, &a.ProactiveNote, &a.Imported, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt)
	a.SubmittedAt = a.SubmittedAt.In(calendar.China)
	return a, err
}

// load returns one application with its unit, pauses, events and appeals.
func load(ctx context.Context, q db.Querier, where string, arg any) (Application, error) {
	a, err := scanApp(q.QueryRow(ctx, `SELECT `+appCols+` FROM foi_applications a WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Application{}, errs.New(errs.NotFound, "foi.not_found")
	}
	if err != nil {
		return Application{}, err
	}
	if a.Unit, err = org.ByID(ctx, q, a.Unit.ID); err != nil {
		return Application{}, err
	}
	if a.Pauses, err = pausesOf(ctx, q, a.ID); err != nil {
		return Application{}, err
	}
	rows, err := q.Query(ctx, `SELECT at, actor, kind, day, note FROM foi_events WHERE application_id = ? ORDER BY id`, a.ID)
	if err != nil {
		return Application{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.At, &e.Actor, &e.Kind, &e.Day, &e.Note); err != nil {
			return Application{}, err
		}
		e.At = e.At.In(calendar.China)
		a.Events = append(a.Events, e)
	}
	if err := rows.Err(); err != nil {
		return Application{}, err
	}
	if a.Appeals, err = appealsOf(ctx, q, a.ID); err != nil {
		return Application{}, err
	}
	a.Files, a.Links, err = disclosedOf(ctx, q, a.ID)
	return a, err
}

func pausesOf(ctx context.Context, q db.Querier, id int64) ([]Pause, error) {
	rows, err := q.Query(ctx, `SELECT seq, kind, party, from_date, due_date, to_date, note, outcome FROM foi_pauses WHERE application_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []Pause
	for rows.Next() {
		var p Pause
		if err := rows.Scan(&p.Seq, &p.Kind, &p.Party, &p.From, &p.Due, &p.To, &p.Note, &p.Outcome); err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

func appealsOf(ctx context.Context, q db.Querier, id int64) ([]Appeal, error) {
	rows, err := q.Query(ctx, `SELECT id, kind, filed_date, outcome, decided_date, note, recorded_by, recorded_at FROM foi_appeals WHERE application_id = ? ORDER BY filed_date, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var as []Appeal
	for rows.Next() {
		var x Appeal
		if err := rows.Scan(&x.ID, &x.Kind, &x.Filed, &x.Outcome, &x.Decided, &x.Note, &x.RecordedBy, &x.RecordedAt); err != nil {
			return nil, err
		}
		as = append(as, x)
	}
	return as, rows.Err()
}

// ByID returns an application a may read.
func ByID(ctx context.Context, q db.Querier, id int64, a auth.Account) (Application, error) {
	app, err := load(ctx, q, `a.id = ?`, id)
	if err != nil {
		return Application{}, err
	}
	if !CanRead(a, app.Unit) {
		return Application{}, errs.New(errs.NotFound, "foi.not_found")
	}
	return app, nil
}

// ByTracking returns the application with tracking number no if code is
// its query code. A wrong number and a wrong code give the same error.
func ByTracking(ctx context.Context, q db.Querier, no, code string) (Application, error) {
	no = NormalizeNo(no)
	if !WellFormedNo(no) {
		return Application{}, errs.New(errs.NotFound, "foi.query_failed")
	}
	id, ok, err := tracking.Find(ctx, q, "foi_applications", no, code)
	if err != nil {
		return Application{}, err
	}
	if !ok {
		return Application{}, errs.New(errs.NotFound, "foi.query_failed")
	}
	return load(ctx, q, `a.id = ?`, id)
}

// touch saves the application's state after an action and logs it.
//
// The update applies only if the application is as app was read (same
// status and last change): an action taken on a stale copy — a second
// click, two clerks at once, the daily sweep meanwhile — changes nothing
// and is refused.
func touch(ctx context.Context, tx *db.Tx, app Application, actor, kind, day, note string, sets string, args ...any) (Application, error) {
	args = append(args, tx.Now(), app.ID, app.Status, app.UpdatedAt)
	res, err := tx.Exec(ctx, `UPDATE foi_applications SET `+sets+`, updated_at = ? WHERE id = ? AND status = ? AND updated_at = ?`, args...)
	if err != nil {
		return Application{}, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return Application{}, err
	} else if n != 1 {
		return Application{}, errs.New(errs.Conflict, "foi.changed")
	}
	if err := event(ctx, tx, app.ID, actor, kind, day, note); err != nil {
		return Application{}, err
	}
	if err := audit.Append(ctx, tx, actor, "foi."+kind, "foi_application", app.TrackingNo, map[string]any{"day": day, "note": note}); err != nil {
		return Application{}, err
	}
	out, err := load(ctx, tx, `a.id = ?`, app.ID)
	if err != nil {
		return Application{}, err
	}
	return out, notifyProgress(ctx, tx, out, kind)
}

// handle checks that a may act on app and that it is in one of the
// statuses.
func handle(a auth.Account, app Application, statuses ...string) error {
	if !CanHandle(a, app.Unit) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	if len(statuses) > 0 && !oneOf(statuses, app.Status) {
		return errs.New(errs.Conflict, "foi.wrong_status", errs.Msg("foi.status."+app.Status))
	}
	return nil
}

// dayArg parses a date a clerk gave for an event: not before from, not
// after today. An empty string means today.
func dayArg(tx *db.Tx, field, s, from string) (calendar.Date, error) {
	t := today(tx)
	if strings.TrimSpace(s) == "" {
		return t, nil
	}
	d, err := calendar.ParseDate(strings.TrimSpace(s))
	if err != nil {
		return calendar.Date{}, errs.InvalidField(field, "foi.date_invalid", s)
	}
	if d.After(t) {
		return calendar.Date{}, errs.InvalidField(field, "foi.date_future", d.String())
	}
	if f, err := calendar.ParseDate(from); err == nil && d.Before(f) {
		return calendar.Date{}, errs.InvalidField(field, "foi.date_before", d.String(), f.String())
	}
	return d, nil
}

// ConfirmReceipt confirms receipt of an application submitted online; day
// (empty: today) is the receipt date and the clock starts from it.
func ConfirmReceipt(ctx context.Context, tx *db.Tx, a auth.Account, app Application, day string) (Application, error) {
	if err := handle(a, app, StatusPending); err != nil {
		return Application{}, err
	}
	sub := calendar.DateOf(app.SubmittedAt.In(calendar.China)).String()
	d, err := dayArg(tx, "day", day, sub)
	if err != nil {
		return Application{}, err
	}
	note := receiptNote(app.Channel, "")
	return touch(ctx, tx, app, a.Login, "confirmed", d.String(), note,
		`status = ?, received_date = ?, clock_start = ?, receipt_note = ?, handler = CASE WHEN handler = '' THEN ? ELSE handler END`,
		StatusProcessing, d.String(), d.String(), note, a.Login)
}

// RequestCorrection sends the one notice to correct (一次性告知补正), today,
// which must be within 7 working days of receipt; the applicant has days
// working days to answer and the clock waits.
func RequestCorrection(ctx context.Context, tx *db.Tx, cal *calendar.Calendar, a auth.Account, app Application, days int, note string) (Application, error) {
	cal = weeks(cal)
	if err := handle(a, app, StatusProcessing); err != nil {
		return Application{}, err
	}
	if app.Correction.Date != "" {
		return Application{}, errs.New(errs.Conflict, "foi.correction_once")
	}
	note = clean(note)
	if note == "" {
		return Application{}, errs.InvalidField("note", "foi.required", errs.Msg("foi.field.correction_note"))
	}
	if utf8len(note) > maxNote {
		return Application{}, errs.InvalidField("note", "foi.too_long", errs.Msg("foi.field.correction_note"), maxNote)
	}
	if days < 1 || days > MaxCorrectionDays {
		return Application{}, errs.InvalidField("days", "foi.correction_days", MaxCorrectionDays)
	}
	if len(app.Pauses) > 0 {
		return Application{}, errs.New(errs.Conflict, "foi.correction_after_pause")
	}
	t := today(tx)
	rd, err := calendar.ParseDate(app.ReceivedDate)
	if err != nil {
		return Application{}, err
	}
	last, err := cal.AddWorkdays(rd, CorrectionWithin)
	if err != nil {
		return Application{}, err
	}
	if t.After(last) {
		return Application{}, errs.New(errs.Conflict, "foi.correction_late", last.String())
	}
	due, err := cal.AddWorkdays(t, days)
	if err != nil {
		return Application{}, err
	}
	return touch(ctx, tx, app, a.Login, "correction_requested", t.String(), note,
		`status = ?, correction_date = ?, correction_days = ?, correction_due = ?, correction_note = ?`,
		StatusCorrection, t.String(), days, due.String(), note)
}

// Correct records the corrected application: the applicant's text is added
// to the description and the 20 working days start again from day (empty:
// today). by is the clerk who took it, or "applicant" when the applicant
// corrected online.
//
// A clerk may also record a correction that arrived within its period but
// was entered after the daily sweep closed the application as abandoned:
// the application opens again.
func Correct(ctx context.Context, tx *db.Tx, by string, app Application, text, day string) (Application, error) {
	reopen := by != "applicant" && swept(app, OtherNoCorrection)
	if app.Status != StatusCorrection && !reopen {
		return Application{}, errs.New(errs.Conflict, "foi.wrong_status", errs.Msg("foi.status."+app.Status))
	}
	text = clean(text)
	if utf8len(text) < 5 {
		return Application{}, errs.InvalidField("correction", "foi.correction_short")
	}
	if utf8len(app.Description)+utf8len(text) > maxDescription+maxNote {
		return Application{}, errs.InvalidField("correction", "foi.too_long", errs.Msg("foi.field.correction"), maxNote)
	}
	d, err := dayArg(tx, "day", day, app.Correction.Date)
	if err != nil {
		return Application{}, err
	}
	if reopen && d.After(mustDate(app.Correction.Due)) {
		return Application{}, errs.InvalidField("day", "foi.arrived_late", app.Correction.Due)
	}
	desc := app.Description + "\n【补正 " + d.String() + "】" + text
	return touch(ctx, tx, app, by, "corrected", d.String(), text,
		`status = ?, corrected_date = ?, clock_start = ?, description = ?, result = '', result_date = '', reply = '', replied_by = ''`,
		StatusProcessing, d.String(), d.String(), desc)
}

// swept reports whether the daily sweep closed app as abandoned with result.
func swept(app Application, result string) bool {
	return app.Status == StatusReplied && app.Result == result && app.RepliedBy == "system"
}

// CorrectByClerk records a correction received at the counter, by post or
// by fax on the applicant's behalf.
func CorrectByClerk(ctx context.Context, tx *db.Tx, a auth.Account, app Application, text, day string) (Application, error) {
	if err := handle(a, app); err != nil {
		return Application{}, err
	}
	return Correct(ctx, tx, a.Login, app, text, day)
}

// openPause returns the open pause, if any.
func (a Application) openPause() (Pause, bool) {
	if k := len(a.Pauses); k > 0 && a.Pauses[k-1].Open() {
		return a.Pauses[k-1], true
	}
	return Pause{}, false
}

func addPause(ctx context.Context, tx *db.Tx, app Application, kind, party, from, due, note string) error {
	_, err := tx.Exec(ctx, `INSERT INTO foi_pauses (application_id, seq, kind, party, from_date, due_date, note) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		app.ID, len(app.Pauses)+1, kind, party, from, due, note)
	return err
}

// checkRunning refuses to start a pause or extend the period once the
// deadline has passed: the clock can only be stopped while it runs.
func checkRunning(cal *calendar.Calendar, app Application, t calendar.Date) error {
	d, ok, err := app.Deadline(cal)
	if err != nil {
		return err
	}
	if ok && t.After(d) {
		return errs.New(errs.Conflict, "foi.deadline_passed", d.String())
	}
	return nil
}

// Consult starts a consultation of a third party (条例第三十二条) or another
// agency (第三十四条) today; it has 15 working days to answer and the reply
// clock stops meanwhile.
func Consult(ctx context.Context, tx *db.Tx, cal *calendar.Calendar, a auth.Account, app Application, kind, party, note string) (Application, error) {
	cal = weeks(cal)
	if err := handle(a, app, StatusProcessing); err != nil {
		return Application{}, err
	}
	if kind != ThirdParty && kind != Agency {
		return Application{}, errs.InvalidField("kind", "foi.consult_kind")
	}
	party, note = oneLine(party), clean(note)
	if party == "" {
		return Application{}, errs.InvalidField("party", "foi.required", errs.Msg("foi.field.party"))
	}
	if utf8len(party) > maxName || utf8len(note) > maxNote {
		return Application{}, errs.InvalidField("party", "foi.too_long", errs.Msg("foi.field.party"), maxName)
	}
	t := today(tx)
	if err := checkRunning(cal, app, t); err != nil {
		return Application{}, err
	}
	if k := len(app.Pauses); k > 0 && !t.After(mustDate(app.Pauses[k-1].To)) {
		return Application{}, errs.New(errs.Conflict, "foi.pause_same_day")
	}
	due, err := cal.AddWorkdays(t, ConsultationDays)
	if err != nil {
		return Application{}, err
	}
	if err := addPause(ctx, tx, app, kind, party, t.String(), due.String(), note); err != nil {
		return Application{}, err
	}
	return touch(ctx, tx, app, a.Login, "consulted_"+kind, t.String(), party, `status = ?`, StatusConsulting)
}

func mustDate(s string) calendar.Date {
	d, _ := calendar.ParseDate(s)
	return d
}

// EndConsultation records the answer of the party consulted on day (empty:
// today): outcome "agree", "object" or "silent" (no answer within its 15
// working days: for another agency, consent, 条例第三十四条).
func EndConsultation(ctx context.Context, tx *db.Tx, cal *calendar.Calendar, a auth.Account, app Application, outcome, day, note string) (Application, error) {
	if err := handle(a, app, StatusConsulting); err != nil {
		return Application{}, err
	}
	p, ok := app.openPause()
	if !ok || p.Kind == FeePause {
		return Application{}, errs.New(errs.Conflict, "foi.wrong_status", errs.Msg("foi.status."+app.Status))
	}
	if outcome != "agree" && outcome != "object" && outcome != "silent" {
		return Application{}, errs.InvalidField("outcome", "foi.consult_outcome")
	}
	d, err := dayArg(tx, "day", day, p.From)
	if err != nil {
		return Application{}, err
	}
	due := mustDate(p.Due)
	switch {
	case outcome == "silent" && !today(tx).After(due):
		// Silence is known only once the period is over.
		return Application{}, errs.New(errs.Conflict, "foi.consult_not_over", p.Due)
	case d.After(due):
		// The party's 15 working days are all the clock stops for; after
		// them the agency decides on its own (条例第三十二条).
		d = due
	}
	note = clean(note)
	if utf8len(note) > maxNote {
		return Application{}, errs.InvalidField("note", "foi.too_long", errs.Msg("foi.field.note"), maxNote)
	}
	if _, err := tx.Exec(ctx, `UPDATE foi_pauses SET to_date = ?, outcome = ?, note = CASE WHEN ? = '' THEN note ELSE ? END WHERE application_id = ? AND seq = ?`,
		d.String(), outcome, note, note, app.ID, p.Seq); err != nil {
		return Application{}, err
	}
	return touch(ctx, tx, app, a.Login, "consultation_ended", d.String(), p.Party+"："+outcome, `status = ?`, StatusProcessing)
}

// Extend records the one extension of the reply period (条例第三十三条): at
// most 20 working days, approved by the head of the disclosure work, asked
// while the period runs.
func Extend(ctx context.Context, tx *db.Tx, cal *calendar.Calendar, a auth.Account, app Application, days int, approver, reason string) (Application, error) {
	if err := handle(a, app, StatusProcessing, StatusConsulting, StatusFee); err != nil {
		return Application{}, err
	}
	if !CanApproveExtension(a, app.Unit) {
		return Application{}, errs.New(errs.Forbidden, "foi.extension_forbidden")
	}
	if app.Extension.Days > 0 {
		return Application{}, errs.New(errs.Conflict, "foi.extension_once")
	}
	if days < 1 || days > MaxExtensionDays {
		return Application{}, errs.InvalidField("days", "foi.extension_days", MaxExtensionDays)
	}
	approver, reason = oneLine(approver), clean(reason)
	if approver == "" {
		approver = a.DisplayName
	}
	if reason == "" {
		return Application{}, errs.InvalidField("reason", "foi.required", errs.Msg("foi.field.reason"))
	}
	if utf8len(reason) > maxNote || utf8len(approver) > maxName {
		return Application{}, errs.InvalidField("reason", "foi.too_long", errs.Msg("foi.field.reason"), maxNote)
	}
	t := today(tx)
	if err := checkRunning(cal, app, t); err != nil {
		return Application{}, err
	}
	return touch(ctx, tx, app, a.Login, "extended", t.String(), fmt.Sprintf("%d：%s", days, reason),
		`extension_days = ?, extension_date = ?, extension_approver = ?, extension_reason = ?`, days, t.String(), approver, reason)
}

// FeeQuote is a fee computed for a notice.
type FeeQuote struct {
	Mode   string
	Count  int // items of this application, or its pages
	Prior  int // items the applicant asked for earlier in the natural month (by item)
	Amount int // yuan
}

// QuoteFee computes the fee for app: by item, counting the items the
// applicant asked this agency for earlier in the natural month of its
// receipt (an application is one item unless a fee notice counted more);
// by page, for this application alone.
func QuoteFee(ctx context.Context, q db.Querier, app Application, mode string, count int) (FeeQuote, error) {
	if mode != "item" && mode != "page" {
		return FeeQuote{}, errs.InvalidField("mode", "foi.fee_mode")
	}
	if count < 1 || count > 100000 {
		return FeeQuote{}, errs.InvalidField("count", "foi.fee_count")
	}
	fq := FeeQuote{Mode: mode, Count: count}
	if mode == "item" {
		if len(app.ReceivedDate) < 7 {
			return FeeQuote{}, errs.New(errs.Conflict, "foi.wrong_status", errs.Msg("foi.status."+app.Status))
		}
		if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN fee_mode = 'item' THEN fee_count ELSE 1 END), 0) FROM foi_applications
			WHERE unit_id = ? AND id_number = ? AND applicant_type = ? AND received_date LIKE ? AND (received_date < ? OR (received_date = ? AND id < ?))`,
			app.Unit.ID, app.Applicant.IDNumber, app.Applicant.Type, app.ReceivedDate[:7]+"-%", app.ReceivedDate, app.ReceivedDate, app.ID).Scan(&fq.Prior); err != nil {
			return FeeQuote{}, err
		}
		all, err := FeeFor(mode, fq.Prior+count)
		if err != nil {
			return FeeQuote{}, err
		}
		before, _ := FeeFor(mode, fq.Prior)
		fq.Amount = all - before
		return fq, nil
	}
	amount, err := FeeFor(mode, count)
	fq.Amount = amount
	return fq, err
}

// NoticeFee sends a fee notice today; the clock stops until the fee is paid
// or waived, within 20 working days.
func NoticeFee(ctx context.Context, tx *db.Tx, cal *calendar.Calendar, a auth.Account, app Application, mode string, count int) (Application, error) {
	cal = weeks(cal)
	if err := handle(a, app, StatusProcessing); err != nil {
		return Application{}, err
	}
	if app.Fee.Mode != "" {
		return Application{}, errs.New(errs.Conflict, "foi.fee_once")
	}
	fq, err := QuoteFee(ctx, tx, app, mode, count)
	if err != nil {
		return Application{}, err
	}
	if fq.Amount == 0 {
		return Application{}, errs.New(errs.Invalid, "foi.fee_free")
	}
	t := today(tx)
	if err := checkRunning(cal, app, t); err != nil {
		return Application{}, err
	}
	if k := len(app.Pauses); k > 0 && !t.After(mustDate(app.Pauses[k-1].To)) {
		return Application{}, errs.New(errs.Conflict, "foi.pause_same_day")
	}
	due, err := cal.AddWorkdays(t, FeePaymentDays)
	if err != nil {
		return Application{}, err
	}
	note := fmt.Sprintf("%s %d，此前本月 %d 件，%d 元", mode, fq.Count, fq.Prior, fq.Amount)
	if err := addPause(ctx, tx, app, FeePause, "", t.String(), due.String(), note); err != nil {
		return Application{}, err
	}
	return touch(ctx, tx, app, a.Login, "fee_noticed", t.String(), note,
		`status = ?, fee_mode = ?, fee_count = ?, fee_amount = ?`, StatusFee, mode, fq.Count, fq.Amount)
}

// FeeSettled records the fee paid (outcome "paid") or waived ("waived") on
// day (empty: today); the clock runs again.
//
// A payment made within the period but recorded after the daily sweep closed
// the application opens it again.
func FeeSettled(ctx context.Context, tx *db.Tx, a auth.Account, app Application, outcome, day string) (Application, error) {
	reopen := swept(app, OtherNoFee) && len(app.Pauses) > 0 && app.Pauses[len(app.Pauses)-1].Kind == FeePause
	if reopen {
		if err := handle(a, app); err != nil {
			return Application{}, err
		}
	} else if err := handle(a, app, StatusFee); err != nil {
		return Application{}, err
	}
	if outcome != "paid" && outcome != "waived" {
		return Application{}, errs.InvalidField("outcome", "foi.fee_outcome")
	}
	p := app.Pauses[len(app.Pauses)-1]
	d, err := dayArg(tx, "day", day, p.From)
	if err != nil {
		return Application{}, err
	}
	if d.After(mustDate(p.Due)) {
		return Application{}, errs.InvalidField("day", "foi.fee_late", p.Due)
	}
	if _, err := tx.Exec(ctx, `UPDATE foi_pauses SET to_date = ?, outcome = ? WHERE application_id = ? AND seq = ?`, d.String(), outcome, app.ID, p.Seq); err != nil {
		return Application{}, err
	}
	return touch(ctx, tx, app, a.Login, "fee_"+outcome, d.String(), "", `status = ?, result = '', result_date = '', reply = '', replied_by = ''`, StatusProcessing)
}

// Deliver records how and when the reply notice reached the applicant.
func Deliver(ctx context.Context, tx *db.Tx, a auth.Account, app Application, day, note string) (Application, error) {
	if err := handle(a, app, StatusReplied); err != nil {
		return Application{}, err
	}
	note = oneLine(note)
	if note == "" {
		return Application{}, errs.InvalidField("note", "foi.required", errs.Msg("foi.field.delivery_note"))
	}
	if utf8len(note) > 300 {
		return Application{}, errs.InvalidField("note", "foi.too_long", errs.Msg("foi.field.delivery_note"), 300)
	}
	d, err := dayArg(tx, "day", day, app.ResultDate)
	if err != nil {
		return Application{}, err
	}
	return touch(ctx, tx, app, a.Login, "delivered", d.String(), note,
		`status = ?, delivered_date = ?, delivered_by = ?, delivery_note = ?`, StatusDelivered, d.String(), a.Login, note)
}

// Assign makes login the application's handler.
func Assign(ctx context.Context, tx *db.Tx, a auth.Account, app Application, login string) (Application, error) {
	if err := handle(a, app); err != nil {
		return Application{}, err
	}
	h, err := auth.ByLogin(ctx, tx, strings.TrimSpace(login))
	if err != nil || !CanHandle(h, app.Unit) || h.Disabled {
		return Application{}, errs.InvalidField("handler", "foi.handler_invalid", login)
	}
	return touch(ctx, tx, app, a.Login, "assigned", "", h.Login, `handler = ?`, h.Login)
}

// AddAppeal records an administrative review or lawsuit against the reply.
func AddAppeal(ctx context.Context, tx *db.Tx, a auth.Account, app Application, kind, filed, outcome, decided, note string) (Application, error) {
	if err := handle(a, app, StatusReplied, StatusDelivered); err != nil {
		return Application{}, err
	}
	x, err := appealInput(tx, app, kind, filed, outcome, decided, note)
	if err != nil {
		return Application{}, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO foi_appeals (application_id, kind, filed_date, outcome, decided_date, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		app.ID, x.Kind, x.Filed, x.Outcome, x.Decided, x.Note, a.Login, tx.Now()); err != nil {
		return Application{}, err
	}
	return touch(ctx, tx, app, a.Login, "appeal_"+x.Kind, x.Filed, x.Outcome, `status = status`)
}

// DecideAppeal records the outcome of an appeal.
func DecideAppeal(ctx context.Context, tx *db.Tx, a auth.Account, app Application, appealID int64, outcome, decided, note string) (Application, error) {
	if err := handle(a, app); err != nil {
		return Application{}, err
	}
	var cur Appeal
	found := false
	for _, x := range app.Appeals {
		if x.ID == appealID {
			cur, found = x, true
		}
	}
	if !found {
		return Application{}, errs.New(errs.NotFound, "foi.appeal_not_found")
	}
	if strings.TrimSpace(note) == "" {
		note = cur.Note
	}
	x, err := appealInput(tx, app, cur.Kind, cur.Filed, outcome, decided, note)
	if err != nil {
		return Application{}, err
	}
	if _, err := tx.Exec(ctx, `UPDATE foi_appeals SET outcome = ?, decided_date = ?, note = ? WHERE id = ?`, x.Outcome, x.Decided, x.Note, appealID); err != nil {
		return Application{}, err
	}
	return touch(ctx, tx, app, a.Login, "appeal_decided", x.Decided, x.Outcome, `status = status`)
}

func appealInput(tx *db.Tx, app Application, kind, filed, outcome, decided, note string) (Appeal, error) {
	x := Appeal{Kind: kind, Outcome: outcome, Note: clean(note)}
	if !oneOf(AppealKinds, kind) {
		return x, errs.InvalidField("kind", "foi.appeal_kind")
	}
	if !oneOf(Outcomes, outcome) {
		return x, errs.InvalidField("outcome", "foi.appeal_outcome")
	}
	if strings.TrimSpace(filed) == "" {
		return x, errs.InvalidField("filed", "foi.required", errs.Msg("foi.field.filed"))
	}
	f, err := dayArg(tx, "filed", filed, app.ResultDate)
	if err != nil {
		return x, err
	}
	x.Filed = f.String()
	if outcome != Pending {
		if strings.TrimSpace(decided) == "" {
			return x, errs.InvalidField("decided", "foi.required", errs.Msg("foi.field.decided"))
		}
		d, err := dayArg(tx, "decided", decided, x.Filed)
		if err != nil {
			return x, err
		}
		x.Decided = d.String()
	}
	if utf8len(x.Note) > maxNote {
		return x, errs.InvalidField("note", "foi.too_long", errs.Msg("foi.field.note"), maxNote)
	}
	return x, nil
}

// Sweep closes, as of day today, the applications whose applicants let the
// correction period or the fee period run out: the application is taken as
// abandoned (条例第三十条; 国办函〔2020〕109号) and counted under 其他处理 in
// the annual report. It returns how many it closed.
func Sweep(ctx context.Context, tx *db.Tx, t calendar.Date) (int, error) {
	waiting, err := listed(ctx, tx, `SELECT `+appCols+` FROM foi_applications a WHERE a.status IN (?, ?)`, StatusCorrection, StatusFee)
	if err == nil {
		err = attach(ctx, tx, waiting)
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, l := range waiting {
		app := l.Application
		due, result, text := app.Correction.Due, OtherNoCorrection, "申请人无正当理由逾期不补正，视为放弃申请，本机关不再处理该政府信息公开申请（条例第三十条）。"
		if app.Status == StatusFee {
			p, _ := app.openPause()
			due, result, text = p.Due, OtherNoFee, "申请人逾期未按收费通知要求缴纳费用，本机关不再处理该政府信息公开申请（国办函〔2020〕109号）。"
		}
		if !t.After(mustDate(due)) {
			continue
		}
		if p, open := app.openPause(); open && p.Kind == FeePause {
			if _, err := tx.Exec(ctx, `UPDATE foi_pauses SET to_date = ?, outcome = 'unpaid' WHERE application_id = ? AND seq = ?`, due, app.ID, p.Seq); err != nil {
				return n, err
			}
		}
		if _, err := touch(ctx, tx, app, "system", "abandoned", t.String(), result,
			`status = ?, result = ?, result_date = ?, reply = ?, replied_by = 'system'`, StatusReplied, result, t.String(), text); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
