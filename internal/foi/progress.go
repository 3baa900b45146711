package foi

import (
	"context"
	"net/url"

	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/push"
)

// Progress notices (plan item 十六: 事中进展实时掌握, 事后结果及时获知): an
// applicant who asked for them (Input.Notify) is told of every step of
// their application by e-mail or SMS, through the outbox, in the
// transaction of the step.

// KindProgress is the outbox's kind of progress notices; KindReply of the
// reply sent by e-mail; KindReminder of reminders to handlers.
const (
	KindProgress = "foi.progress"
	KindReply    = "foi.reply"
	KindReminder = "foi.reminder"
)

// progressSteps maps the timeline's kinds of event to the step an
// applicant is told of; events not listed (assignment, appeals, the
// applicant's own correction) are not notices.
var progressSteps = map[string]string{
	"submitted":             "submitted",
	"registered":            "received",
	"confirmed":             "received",
	"correction_requested":  "correction",
	"consulted_third_party": "consultation",
	"consulted_agency":      "consultation",
	"consultation_ended":    "consultation_ended",
	"extended":              "extended",
	"fee_noticed":           "fee",
	"fee_paid":              "fee_settled",
	"fee_waived":            "fee_settled",
	"replied":               "answered",
	"abandoned":             "answered",
}

func notifyLang(in Input) string {
	switch {
	case in.Notify == "":
		return ""
	case in.NotifyLang == string(i18n.En):
		return string(i18n.En)
	}
	return string(i18n.Zh)
}

// StatusLink is the page an applicant follows their application on: the
// look-up form with the tracking number filled in; the query code is
// never sent.
func StatusLink(app Application) string { return "/ysqgk/cx/?no=" + url.QueryEscape(app.TrackingNo) }

// notifyProgress queues the notice of step kind to app's applicant, if
// they asked for notices and kind is a step they are told of. The reply
// itself, when it goes by e-mail to the address notices go to, is the
// notice of the answer.
func notifyProgress(ctx context.Context, tx *db.Tx, app Application, kind string) error {
	step, ok := progressSteps[kind]
	if !ok || app.Notify == "" {
		return nil
	}
	if step == "answered" && app.Notify == "email" && app.WantsMail() {
		return nil
	}
	lang := i18n.Lang(app.NotifyLang)
	if lang != i18n.En {
		lang = i18n.Zh
	}
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	link := push.Site + StatusLink(app)
	what := t("foi.progress." + step)
	detail := progressDetail(lang, app, step)
	m := push.Message{Kind: KindProgress, Reference: app.TrackingNo, Link: link,
		Subject: t("foi.progress.subject", what, app.TrackingNo)}
	switch app.Notify {
	case "sms":
		m.Channel, m.Recipient = push.SMS, push.NormalizeMobile(app.Applicant.Phone)
		m.Body = t("push.sms.prefix") + t("foi.progress.short", app.TrackingNo, what, link)
	default:
		m.Channel, m.Recipient = push.Email, app.Applicant.Email
		m.Body = t("foi.progress.body", app.Applicant.Name, app.TrackingNo, app.Unit.Name, what, detail, link)
	}
	if m.Recipient == "" {
		return nil
	}
	_, err := push.Queue(ctx, tx, m)
	return err
}

// progressDetail says what the step means for the applicant: what to do
// and by when.
func progressDetail(lang i18n.Lang, app Application, step string) string {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	switch step {
	case "correction":
		return t("foi.progress.correction_detail", app.Correction.Due, app.Correction.Note)
	case "extended":
		return t("foi.progress.extended_detail", app.Extension.Days)
	case "fee":
		return t("foi.progress.fee_detail", app.Fee.Amount)
	case "answered":
		return t("foi.progress.answered_detail")
	case "received":
		return t("foi.progress.received_detail", app.ReceivedDate)
	}
	return t("foi.progress.detail")
}
