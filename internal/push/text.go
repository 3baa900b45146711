package push

import (
	"context"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// Texts of the messages to subscribers, in the subscriber's language. Each
// channel gets its own shape: e-mail the whole text with the unsubscribe
// link at its foot, SMS one short line with the link, WeChat a title, a
// short text and the link, a webhook the title, the text and the link.

// compose makes the message to sub: subject and body for e-mail, webhooks
// and WeChat, short for SMS, link the page it is about.
func compose(sub Subscription, kind, ref, subject, body, short, link string) Message {
	t := func(key string, args ...any) string { return i18n.T(sub.Lang, key, args...) }
	unsub := Site + sub.UnsubscribePath()
	m := Message{Channel: sub.Channel, Recipient: sub.Address, Subject: subject, Link: link, Unsubscribe: unsub, Kind: kind, Reference: ref,
		SubscriptionID: sub.ID}
	switch sub.Channel {
	case Email:
		m.Body = body + "\n\n——\n" + t("push.footer", unsub) + "\n"
	case SMS:
		m.Body = t("push.sms.prefix") + short + " " + t("push.sms.unsubscribe", unsub)
	case WeChat:
		m.Body = short
	default:
		m.Body = body
	}
	return m
}

// confirmMessage asks the subscriber to confirm: the link for e-mail and
// WeChat, the code by SMS.
func confirmMessage(sub Subscription, secret string) Message {
	t := func(key string, args ...any) string { return i18n.T(sub.Lang, key, args...) }
	m := Message{Channel: sub.Channel, Recipient: sub.Address, Kind: KindConfirm, Reference: sub.Reference(), SubscriptionID: sub.ID}
	link := Site + Path + "qr/" + secret + "/"
	switch sub.Channel {
	case SMS:
		m.Kind, m.Subject = KindCode, t("push.code.subject")
		m.Body = t("push.sms.prefix") + t("push.code.text", secret)
	case WeChat:
		m.Subject, m.Body, m.Link = t("push.confirm.subject"), t("push.confirm.short"), link
	default:
		m.Subject, m.Body, m.Link = t("push.confirm.subject"), t("push.confirm.body", link), link
	}
	return m
}

// Describe says what a subscription follows, a line per kind of choice,
// with names in lang.
func Describe(ctx context.Context, q db.Querier, sub Subscription, lang i18n.Lang) ([]string, error) {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	var lines []string
	list := func(key string, names []string) {
		if len(names) > 0 {
			lines = append(lines, t(key)+t("sep.colon")+strings.Join(names, t("sep.list")))
		}
	}
	var units, domains, audiences []string
	for _, code := range sub.Units {
		u, err := org.ByCode(ctx, q, code)
		if err != nil {
			units = append(units, code)
			continue
		}
		units = append(units, unitName(u, lang))
	}
	for _, code := range sub.Domains {
		d, err := catalog.DomainByCode(ctx, q, code)
		if err != nil {
			domains = append(domains, code)
			continue
		}
		domains = append(domains, d.Name)
	}
	all, err := Audiences(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, code := range sub.Audiences {
		name := code
		for _, a := range all {
			if a.Code == code {
				name = a.In(lang)
			}
		}
		audiences = append(audiences, name)
	}
	list("push.units", units)
	list("push.domains", domains)
	list("push.audiences", audiences)
	list("push.topics", sub.Topics)
	lines = append(lines, t("push.frequency")+t("sep.colon")+t("push.frequency."+sub.Frequency))
	return lines, nil
}

func unitName(u org.Unit, lang i18n.Lang) string {
	if lang == i18n.En && u.NameEn != "" {
		return u.NameEn
	}
	return u.Name
}
