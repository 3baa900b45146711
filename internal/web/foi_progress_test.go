package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/foi"
	"gongkai/internal/push"
)

// An applicant who asks for progress notices by SMS is told of each step
// with the link to their status page; one who asks by e-mail and chose
// delivery by e-mail gets the reply itself as the notice of the answer;
// one who asks for none gets nothing; a landline cannot receive SMS.
func TestFOIProgressNotices(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		pe := newPushEnv(t, d)
		ctx := context.Background()
		reviewer := pe.asDemo(auth.UnitReviewer)
		apply := func(notify, phone string) (string, string) {
			t.Helper()
			f := applyForm()
			f.Set("notify", notify)
			f.Set("phone", phone)
			res := pe.client().postForm("/ysqgk/sq/", f)
			no := text(t, res.Body, "#tracking-no")
			if no == "" {
				t.Fatalf("apply with notify %q: %d %s", notify, res.StatusCode, excerpt(res.Body, "error"))
			}
			return no, appLink(t, reviewer, no)
		}
		res := pe.client().get("/ysqgk/sq/")
		if got := attr(t, res.Body, "input[name=notify][checked]", "value"); got != "" || len(find(t, res.Body, "input[name=notify]")) != 3 {
			t.Errorf("the form offers %d ways, %q checked", len(find(t, res.Body, "input[name=notify]")), got)
		}
		f := applyForm()
		f.Set("notify", "sms")
		res = pe.client().postForm("/ysqgk/sq/", f)
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#phone-error") == "" || attr(t, res.Body, "input[name=notify][checked]", "value") != "sms" {
			t.Errorf("SMS to a landline: %d %q", res.StatusCode, text(t, res.Body, "#phone-error"))
		}

		bySMS, smsApp := apply("sms", "138 0013 8000")
		byMail, mailApp := apply("email", "020-88886666")
		_, quietApp := apply("", "13900139000")
		step := func(app, action string, form url.Values) {
			t.Helper()
			if res := reviewer.postForm(app+"/"+action, form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s %s: %d %s", app, action, res.StatusCode, excerpt(res.Body, "error-box"))
			}
		}
		deliver := func() {
			t.Helper()
			if _, err := pe.out.DeliverDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		deliver()
		if got := pe.lastSMS(); !strings.Contains(got, bySMS) || !strings.Contains(got, "已提交") || !strings.Contains(got, pe.srv.URL+"/ysqgk/cx/?no="+bySMS) {
			t.Errorf("submitted: %q", got)
		}
		for _, app := range []string{smsApp, mailApp, quietApp} {
			step(app, "confirm", url.Values{"day": {"2026-11-23"}})
		}
		deliver()
		if got := pe.lastSMS(); !strings.Contains(got, "已受理") {
			t.Errorf("received: %q", got)
		}
		step(smsApp, "correction", url.Values{"days": {"10"}, "note": {"请说明需要哪个季度"}})
		deliver()
		if got := pe.lastSMS(); !strings.Contains(got, "需要补正") {
			t.Errorf("correction: %q", got)
		}
		step(mailApp, "extend", url.Values{"days": {"10"}, "approver": {"张主任"}, "reason": {"需调取档案"}})
		step(mailApp, "reply", url.Values{"result": {"granted"}, "text": {"名单见附件。"}})
		deliver()

		rows, err := push.About(ctx, d, foi.KindProgress, bySMS)
		if err != nil || len(rows) != 3 {
			t.Errorf("%d progress notices by SMS, want submitted, received, correction: %v", len(rows), err)
		}
		mails := map[string]int{}
		for _, m := range pe.smtp.Messages() {
			mails[m.Subject]++
		}
		for _, want := range []string{"【政务公开】依申请公开办理进展：已提交，待受理（" + byMail + "）", "【政务公开】依申请公开办理进展：已受理（" + byMail + "）",
			"【政务公开】依申请公开办理进展：答复期限已延长（" + byMail + "）"} {
			if mails[want] != 1 {
				t.Errorf("%q sent %d times; sent %v", want, mails[want], mails)
			}
		}
		if n := mails["【政务公开】依申请公开办理进展：已答复（"+byMail+"）"]; n != 0 {
			t.Errorf("the answer's notice went besides the reply mail")
		}
		var quiet int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM push_outbox WHERE kind = ? AND recipient = ?`, foi.KindProgress, "13900139000").Scan(&quiet); err != nil || quiet != 0 {
			t.Errorf("%d notices to one who asked for none", quiet)
		}
	})
}
