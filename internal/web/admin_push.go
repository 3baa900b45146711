package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/push"
)

// The console's push pages (定向推送): targeted notices with their delivery
// reports, for those who may send them within their scope; the audiences,
// for the city office and administrators; webhooks and the whole outbox,
// for administrators.

// mayPush reports whether a may open the push pages.
func mayPush(a *auth.Account) bool {
	return push.CanNotify(*a) || push.CanEditAudiences(*a) || push.CanManageWebhooks(*a)
}

// pushAccount returns the signed-in account if it may open the push pages.
func pushAccount(r *http.Request, may func(auth.Account) bool) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !may(*a) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	return a, nil
}

// pushPage lists the notices in the account's scope and, for
// administrators, the outbox's counts and latest failures.
func (s *Server) pushPage(w http.ResponseWriter, r *http.Request) error {
	a, err := pushAccount(r, func(a auth.Account) bool { return mayPush(&a) })
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := s.adminPage(r, "push.console", "push")
	notices, err := push.Notices(ctx, s.db, *a, 100)
	if err != nil {
		return err
	}
	data := map[string]any{"Notices": notices, "CanNotify": push.CanNotify(*a), "CanAudiences": push.CanEditAudiences(*a),
		"CanWebhooks": push.CanManageWebhooks(*a)}
	if push.CanManageWebhooks(*a) {
		counts, err := push.Overview(ctx, s.db, s.db.Now().Add(-30*24*time.Hour))
		if err != nil {
			return err
		}
		failures, err := push.Failures(ctx, s.db, 0, 20)
		if err != nil {
			return err
		}
		active, err := push.Active(ctx, s.db)
		if err != nil {
			return err
		}
		data["Report"], data["Failures"], data["Active"] = reportTable(counts), failures, active
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "push", p)
	return nil
}

// reportRow is a channel's line of a delivery report.
type reportRow struct {
	Channel string
	Counts  []int // by push.States
	Total   int
}

// reportTable turns counts into a row per channel that has messages, with
// a column per state, and a total row.
func reportTable(cs []push.Count) []reportRow {
	total := reportRow{Channel: "", Counts: make([]int, len(push.States))}
	var out []reportRow
	for _, ch := range push.Channels {
		row := reportRow{Channel: ch, Counts: make([]int, len(push.States))}
		for _, c := range cs {
			if c.Channel != ch {
				continue
			}
			for i, st := range push.States {
				if c.State == st {
					row.Counts[i] += c.N
					total.Counts[i] += c.N
					row.Total += c.N
					total.Total += c.N
				}
			}
		}
		if row.Total > 0 {
			out = append(out, row)
		}
	}
	return append(out, total)
}

// noticeForm shows the form of a targeted notice.
func (s *Server) noticeNewForm(w http.ResponseWriter, r *http.Request) error {
	a, err := pushAccount(r, push.CanNotify)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "push.notice_new", "push")
	return s.noticeRender(w, r, p, a, http.StatusOK)
}

func (s *Server) noticeRender(w http.ResponseWriter, r *http.Request, p *page, a *auth.Account, status int) error {
	ctx := r.Context()
	groups, err := s.foiUnitGroups(ctx, &a.Unit)
	if err != nil {
		return err
	}
	domains, err := catalog.Domains(ctx, s.db, &a.Unit)
	if err != nil {
		return err
	}
	aud, err := push.Audiences(ctx, s.db)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Groups": groups, "Domains": domains, "Audiences": aud}
	s.render(w, r, status, "push_notice_new", p)
	return nil
}

// noticeSendPost sends a targeted notice; a refused one is shown again as
// typed.
func (s *Server) noticeSendPost(w http.ResponseWriter, r *http.Request) error {
	a, err := pushAccount(r, push.CanNotify)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	aud, err := push.Audiences(ctx, s.db)
	if err != nil {
		return err
	}
	var n push.Notice
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		n, err = push.SendNotice(ctx, tx, *a, push.NoticeInput{Subject: f.Get("subject"), Body: f.Get("body"), Link: f.Get("link"),
			Audiences: f["audiences"], Units: f["units"], Domains: f["domains"]}, aud)
		return err
	})
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid {
			return err
		}
		p := s.adminPage(r, "push.notice_new", "push")
		p.Form, p.Error, p.Errors = f, p.T("form.has_errors"), fieldErrors(p.Lang, err)
		return s.noticeRender(w, r, p, a, http.StatusBadRequest)
	}
	http.Redirect(w, r, "/admin/push/notices/"+strconv.FormatInt(n.ID, 10), http.StatusSeeOther)
	return nil
}

// noticePage shows a notice with its delivery report.
func (s *Server) noticeReportPage(w http.ResponseWriter, r *http.Request) error {
	a, err := pushAccount(r, func(a auth.Account) bool { return mayPush(&a) })
	if err != nil {
		return err
	}
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errs.New(errs.NotFound, "push.notice_not_found")
	}
	n, err := push.NoticeByID(ctx, s.db, *a, id)
	if err != nil {
		return err
	}
	counts, err := push.Report(ctx, s.db, id)
	if err != nil {
		return err
	}
	failures, err := push.Failures(ctx, s.db, id, 50)
	if err != nil {
		return err
	}
	if !push.CanManageWebhooks(*a) {
		for i := range failures {
			failures[i] = failures[i].Masked()
		}
	}
	p := s.adminPage(r, "push.notice", "push")
	p.Title = n.Subject
	lines, err := push.Describe(ctx, s.db, push.Subscription{Units: n.Units, Domains: n.Domains, Audiences: n.Audiences, Frequency: push.Immediate}, p.Lang)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Notice": n, "Report": reportTable(counts), "Failures": failures, "Lines": lines[:len(lines)-1]}
	s.render(w, r, http.StatusOK, "push_notice", p)
	return nil
}

// audiencesPage lists the audiences with a form for each and one to add.
func (s *Server) audiencesPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := pushAccount(r, push.CanEditAudiences); err != nil {
		return err
	}
	return s.audiencesRender(w, r, s.adminPage(r, "push.audiences_title", "push"), http.StatusOK)
}

func (s *Server) audiencesRender(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	aud, err := push.Audiences(r.Context(), s.db)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Audiences": aud}
	s.render(w, r, status, "push_audiences", p)
	return nil
}

// audienceSave adds or changes an audience.
func (s *Server) audienceSave(w http.ResponseWriter, r *http.Request) error {
	a, err := pushAccount(r, push.CanEditAudiences)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	sort, err := strconv.Atoi(strings.TrimSpace(f.Get("sort")))
	if err != nil {
		sort = -1
	}
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		_, err := push.SaveAudience(r.Context(), tx, *a, push.Audience{Code: f.Get("code"), Name: f.Get("name"), NameEn: f.Get("name_en"), Sort: sort,
			Retired: f.Get("retired") != ""})
		return err
	})
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p := s.adminPage(r, "push.audiences_title", "push")
		p.Form, p.Error, p.Errors = f, i18n.Error(p.Lang, err), fieldErrors(p.Lang, err)
		return s.audiencesRender(w, r, p, http.StatusBadRequest)
	}
	http.Redirect(w, r, "/admin/push/audiences?done=1", http.StatusSeeOther)
	return nil
}

// webhooksPage lists the webhooks with the form to add one.
func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := pushAccount(r, push.CanManageWebhooks); err != nil {
		return err
	}
	return s.webhooksRender(w, r, s.adminPage(r, "push.webhooks", "push"), http.StatusOK)
}

func (s *Server) webhooksRender(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	ctx := r.Context()
	hooks, err := push.Webhooks(ctx, s.db)
	if err != nil {
		return err
	}
	domains, ch, err := s.choiceLists(ctx)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Webhooks": hooks, "Domains": domains, "Audiences": ch.Audiences, "Topics": ch.Topics}
	if status == http.StatusOK || p.Flash != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, status, "push_webhooks", p)
	return nil
}

// webhookAdd adds a webhook and shows its secret, once.
func (s *Server) webhookAdd(w http.ResponseWriter, r *http.Request) error {
	a, err := pushAccount(r, push.CanManageWebhooks)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	ch, err := s.choices(ctx)
	if err != nil {
		return err
	}
	var secret string
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		_, secret, err = push.AddWebhook(ctx, tx, *a, push.WebhookInput{URL: f.Get("url"), Label: f.Get("label"), Units: splitCodes(f.Get("units")),
			Domains: f["domains"], Audiences: f["audiences"], Topics: f["topics"]}, ch)
		return err
	})
	p := s.adminPage(r, "push.webhooks", "push")
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p.Form, p.Error, p.Errors = f, p.T("form.has_errors"), fieldErrors(p.Lang, err)
		return s.webhooksRender(w, r, p, http.StatusBadRequest)
	}
	p.Flash = p.T("push.webhook_secret", secret)
	return s.webhooksRender(w, r, p, http.StatusOK)
}

// webhookEnd ends a webhook.
func (s *Server) webhookEnd(w http.ResponseWriter, r *http.Request) error {
	a, err := pushAccount(r, push.CanManageWebhooks)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errs.New(errs.NotFound, "push.webhook_not_found")
	}
	if err := s.db.InTx(r.Context(), func(tx *db.Tx) error { return push.EndWebhook(r.Context(), tx, *a, id) }); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/push/webhooks", http.StatusSeeOther)
	return nil
}

// splitCodes reads codes separated by spaces, commas or line breaks.
func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}
