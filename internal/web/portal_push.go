package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/push"
	"gongkai/internal/throttle"
)

// Subscriptions on the portal (定向推送, under 互动交流): the form, the code
// an SMS subscriber types, the confirmation link of e-mail and WeChat, and
// the unsubscribe link every message carries, which a POST follows without
// a log-in (RFC 8058). The pages of a link are private: never cached.
const dingyue = push.Path

// Subscribing is limited per visitor's address and per address subscribed,
// so that nobody can flood another's mailbox or phone with confirmations;
// codes are limited per visitor so that they cannot be guessed.
var (
	subscribePerIP      = throttle.Rule{Max: 20, Window: time.Hour}
	subscribePerAddress = throttle.Rule{Max: 5, Window: 24 * time.Hour}
	codePerIP           = throttle.Rule{Max: 20, Window: 10 * time.Minute}
)

// subscribeRequest reads the form or the API's fields into a request.
func subscribeRequest(email, phone, wechat string, units, domains, audiences, topics []string, frequency string, lang i18n.Lang) push.Request {
	return push.Request{Email: email, Phone: phone, WeChat: wechat, Units: units, Domains: domains, Audiences: audiences, Topics: topics,
		Frequency: frequency, Lang: lang}
}

// choices returns what a subscriber may choose from.
func (s *Server) choices(ctx context.Context) (push.Choices, error) {
	aud, err := push.Audiences(ctx, s.db)
	if err != nil {
		return push.Choices{}, err
	}
	topics, err := info.PublishedTopics(ctx, s.db)
	return push.Choices{Audiences: aud, Topics: topics}, err
}

// choiceLists returns the domains, audiences and topics the forms offer.
func (s *Server) choiceLists(ctx context.Context) ([]catalog.Domain, push.Choices, error) {
	domains, err := catalog.Domains(ctx, s.db, nil)
	if err != nil {
		return nil, push.Choices{}, err
	}
	ch, err := s.choices(ctx)
	return domains, ch, err
}

// subscribe checks the limits, records the subscription and sends the
// confirmation at once, for the subscriber waits for it; the outbox
// retries it if it fails now.
func (s *Server) subscribe(r *http.Request, in push.Request) (push.Subscription, error) {
	ctx := r.Context()
	ok, err := throttle.Hit(ctx, s.db, "subscribe-ip:"+s.clientIP(r), subscribePerIP)
	if err != nil {
		return push.Subscription{}, err
	}
	if !ok {
		return push.Subscription{}, errs.New(errs.TooMany, "push.throttled")
	}
	ch, err := s.choices(ctx)
	if err != nil {
		return push.Subscription{}, err
	}
	// Only a request that would send a confirmation counts against its
	// address.
	checked, err := in.Check(ctx, s.db, s.cfg.Push.Enabled, ch)
	if err != nil {
		return push.Subscription{}, err
	}
	if ok, err = throttle.Hit(ctx, s.db, "subscribe-addr:"+checked.Channel+":"+checked.Address, subscribePerAddress); err != nil {
		return push.Subscription{}, err
	}
	if !ok {
		return push.Subscription{}, errs.New(errs.TooMany, "push.throttled")
	}
	var sub push.Subscription
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		sub, err = push.Subscribe(ctx, tx, in, s.cfg.Push.Enabled, ch)
		return err
	})
	if err != nil {
		return sub, err
	}
	s.deliverNow(ctx, push.KindConfirm, sub)
	s.deliverNow(ctx, push.KindCode, sub)
	return sub, nil
}

// deliverNow delivers the messages of a kind about a subscription at once.
func (s *Server) deliverNow(ctx context.Context, kind string, sub push.Subscription) {
	rows, err := push.About(ctx, s.db, kind, sub.Reference())
	if err != nil {
		s.log.Error("find confirmation", "err", err)
		return
	}
	for _, m := range rows {
		if _, err := s.cfg.Push.Deliver(ctx, m.ID); err != nil {
			s.log.Warn("confirmation not delivered yet", "id", m.ID, "err", err)
		}
	}
}

// subscribeForm shows the form; ?unit= and ?domain= preselect what a page
// linked from.
func (s *Server) subscribeForm(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r, "push.subscribe")
	p.Section = "hudong"
	q := r.URL.Query()
	p.Form = url.Values{"frequency": {push.Immediate}, "units": q["unit"], "domains": q["domain"]}
	return s.subscribeRender(w, r, p, http.StatusOK)
}

func (s *Server) subscribeRender(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	ctx := r.Context()
	groups, err := s.foiUnitGroups(ctx, nil)
	if err != nil {
		return err
	}
	domains, ch, err := s.choiceLists(ctx)
	if err != nil {
		return err
	}
	var audiences []push.Audience
	for _, a := range ch.Audiences {
		if !a.Retired {
			audiences = append(audiences, a)
		}
	}
	p.Data = map[string]any{"Groups": groups, "Domains": domains, "Audiences": audiences, "Topics": ch.Topics, "Frequencies": push.Frequencies,
		"EmailOn": s.cfg.Push.Enabled(push.Email), "SMSOn": s.cfg.Push.Enabled(push.SMS), "QR": subscribeQRQuery(r)}
	if status != http.StatusOK {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, status, "dingyue", p)
	return nil
}

// subscribeQRQuery is the query of the form's QR code: the unit and domain
// the form was opened for, in the order qrSubscribe writes them.
func subscribeQRQuery(r *http.Request) string {
	q, out := r.URL.Query(), url.Values{}
	for _, k := range []string{"unit", "domain"} {
		if v := q.Get(k); v != "" && r.Method == http.MethodGet {
			out.Set(k, v)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "?" + out.Encode()
}

// subscribePost takes the form. A refused form is shown again as typed.
func (s *Server) subscribePost(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	f := r.PostForm
	p := s.newPage(r, "push.subscribe")
	p.Section = "hudong"
	p.Form = f
	sub, err := s.subscribe(r, subscribeRequest(f.Get("email"), f.Get("phone"), "", f["units"], f["domains"], f["audiences"], f["topics"], f.Get("frequency"), p.Lang))
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.TooMany {
			return err
		}
		p.Error = i18n.Error(p.Lang, err)
		if k == errs.Invalid {
			p.Error = p.T("form.has_errors")
		}
		p.Errors = fieldErrors(p.Lang, err)
		return s.subscribeRender(w, r, p, statusOf(k))
	}
	p = s.newPage(r, "push.subscribe_sent")
	p.Section = "hudong"
	p.Form = url.Values{"phone": {sub.Address}}
	p.Data = map[string]any{"Sub": sub}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "dingyue_sent", p)
	return nil
}

// subscribeCode takes the code an SMS subscriber received.
func (s *Server) subscribeCode(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "error.bad_form")
	}
	sub, err := s.confirmCode(r, r.PostForm.Get("phone"), r.PostForm.Get("code"))
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.TooMany {
			return err
		}
		p := s.newPage(r, "push.subscribe_sent")
		p.Section = "hudong"
		p.Form = url.Values{"phone": {r.PostForm.Get("phone")}}
		p.Error = i18n.Error(p.Lang, err)
		p.Errors = fieldErrors(p.Lang, err)
		p.Data = map[string]any{"Sub": push.Subscription{Channel: push.SMS}}
		s.render(w, r, statusOf(k), "dingyue_sent", p)
		return nil
	}
	return s.subscriptionPage(w, r, "push.confirmed", sub)
}

// confirmCode checks an SMS code within the visitor's limit.
func (s *Server) confirmCode(r *http.Request, phone, code string) (push.Subscription, error) {
	ok, err := throttle.Hit(r.Context(), s.db, "subscribe-code:"+s.clientIP(r), codePerIP)
	if err != nil {
		return push.Subscription{}, err
	}
	if !ok {
		return push.Subscription{}, errs.New(errs.TooMany, "push.throttled")
	}
	return push.ConfirmCode(r.Context(), s.db, phone, code)
}

// subscribeConfirm confirms a subscription by the link of its
// confirmation message.
func (s *Server) subscribeConfirm(w http.ResponseWriter, r *http.Request) error {
	var sub push.Subscription
	err := s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		sub, err = push.Confirm(r.Context(), tx, r.PathValue("token"))
		return err
	})
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		return err
	}
	return s.subscriptionPage(w, r, "push.confirmed", sub)
}

// unsubscribeForm shows what the link's subscription follows and the
// button that ends it; a GET changes nothing, for mail scanners open links.
func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	sub, err := push.ByToken(r.Context(), s.db, r.PathValue("token"))
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		return err
	}
	return s.subscriptionPage(w, r, "push.unsubscribe", sub)
}

// unsubscribe ends the link's subscription: the button's POST, or a mail
// program's one-click POST.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	var sub push.Subscription
	err := s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		sub, err = push.Unsubscribe(r.Context(), tx, r.PathValue("token"))
		return err
	})
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		return err
	}
	return s.subscriptionPage(w, r, "push.unsubscribed", sub)
}

// subscriptionPage shows a subscription: its address, partly hidden, and
// what it follows.
func (s *Server) subscriptionPage(w http.ResponseWriter, r *http.Request, titleKey string, sub push.Subscription) error {
	p := s.newPage(r, titleKey)
	p.Section = "hudong"
	lines, err := push.Describe(r.Context(), s.db, sub, p.Lang)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Sub": sub, "Address": push.MaskAddress(sub.Address), "Lines": lines, "Token": r.PathValue("token"),
		"Unsubscribe": strings.HasPrefix(titleKey, "push.unsubscribe")}
	s.render(w, r, http.StatusOK, "dingyue_sub", p)
	return nil
}

// apiSubscribe takes a subscription as JSON: one of email, phone and
// wechat_openid, what to follow and the frequency. 202: the subscriber
// confirms by the link or the code sent.
func (s *Server) apiSubscribe(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email     string   `json:"email"`
		Phone     string   `json:"phone"`
		WeChat    string   `json:"wechat_openid"`
		Units     []string `json:"units"`
		Domains   []string `json:"domains"`
		Audiences []string `json:"audiences"`
		Topics    []string `json:"topics"`
		Frequency string   `json:"frequency"`
		Lang      string   `json:"lang"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	lang, ok := i18n.Parse(in.Lang)
	if !ok {
		lang = langOf(r)
	}
	sub, err := s.subscribe(r, subscribeRequest(in.Email, in.Phone, in.WeChat, in.Units, in.Domains, in.Audiences, in.Topics, in.Frequency, lang))
	if err != nil {
		return err
	}
	confirm := "link"
	if sub.Channel == push.SMS {
		confirm = "code"
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "pending", "channel": sub.Channel, "confirm": confirm})
	return nil
}

// apiSubscribeConfirm takes the code of an SMS subscription:
// {"phone", "code"}.
func (s *Server) apiSubscribeConfirm(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Phone string `json:"phone"`
		Code  string `json:"code"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if _, err := s.confirmCode(r, in.Phone, in.Code); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"status": "active"})
	return nil
}

// Chosen reports whether the form holds value among the values of field,
// for checkboxes and multiple selects shown again as chosen.
func (p *page) Chosen(field, value string) bool { return slices.Contains(p.Form[field], value) }
