package push

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// Webhooks are subscriptions of business systems, made by administrators:
// a URL that receives a signed POST (see Sign) for every record it follows
// at once, and every targeted notice that reaches it. The secret that
// signs them is shown once, when the webhook is added.

// CanManageWebhooks reports whether a may add and end webhooks:
// administrators whose scope is the whole tree.
func CanManageWebhooks(a auth.Account) bool { return a.Role == auth.Admin && wholeTree(a) }

// WebhookInput is a webhook to add.
type WebhookInput struct {
	URL, Label                        string
	Units, Domains, Audiences, Topics []string
}

// AddWebhook records an active webhook subscription and returns it with
// its secret.
func AddWebhook(ctx context.Context, tx *db.Tx, a auth.Account, in WebhookInput, ch Choices) (Subscription, string, error) {
	if !CanManageWebhooks(a) {
		return Subscription{}, "", errs.New(errs.Forbidden, "error.forbidden")
	}
	sub := Subscription{Channel: Webhook, Address: strings.TrimSpace(in.URL), Frequency: Immediate, Lang: i18n.Zh, State: stateActive,
		Label: strings.TrimSpace(in.Label), Units: clean(in.Units), Domains: clean(in.Domains), Audiences: clean(in.Audiences), Topics: clean(in.Topics)}
	m := checkFilters(ctx, tx, sub.Units, sub.Domains, sub.Audiences, sub.Topics, ch)
	if u, err := url.Parse(sub.Address); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(sub.Address) > 500 {
		m = append(m, errs.InvalidField("url", "push.webhook_url"))
	}
	if sub.Label == "" || utf8.RuneCountInString(sub.Label) > 100 {
		m = append(m, errs.InvalidField("label", "push.webhook_label"))
	}
	if len(m) == 0 && len(sub.Units)+len(sub.Domains)+len(sub.Audiences)+len(sub.Topics) == 0 {
		m = append(m, errs.InvalidField("units", "push.nothing_chosen"))
	}
	if len(m) > 0 {
		return Subscription{}, "", m
	}
	secret := newToken()
	if err := insert(ctx, tx, &sub, "", time.Time{}, secret); err != nil {
		return Subscription{}, "", err
	}
	if _, err := tx.Exec(ctx, `UPDATE push_subscriptions SET created_by = ? WHERE id = ?`, a.Login, sub.ID); err != nil {
		return Subscription{}, "", err
	}
	return sub, secret, audit.Append(ctx, tx, a.Login, "push.webhook_add", "push_subscription", fmt.Sprint(sub.ID), map[string]any{"url": redactURL(sub.Address), "label": sub.Label})
}

// Webhooks returns the webhooks not ended, newest first.
func Webhooks(ctx context.Context, q db.Querier) ([]Subscription, error) {
	subs, err := matching(ctx, q, `s.channel = ? AND s.state <> ?`, Webhook, stateEnded)
	if err != nil {
		return nil, err
	}
	for i := range subs {
		if err := loadFilters(ctx, q, &subs[i]); err != nil {
			return nil, err
		}
	}
	return subs, nil
}

// EndWebhook ends webhook id.
func EndWebhook(ctx context.Context, tx *db.Tx, a auth.Account, id int64) error {
	if !CanManageWebhooks(a) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	sub, err := byID(ctx, tx, id)
	if err != nil || sub.Channel != Webhook {
		return errs.New(errs.NotFound, "push.webhook_not_found")
	}
	if _, err := Unsubscribe(ctx, tx, sub.token); err != nil {
		return err
	}
	return audit.Append(ctx, tx, a.Login, "push.webhook_end", "push_subscription", fmt.Sprint(id), nil)
}

// Active counts the active subscriptions by channel.
func Active(ctx context.Context, q db.Querier) (map[string]int, error) {
	rs, err := q.Query(ctx, `SELECT channel, COUNT(*) FROM push_subscriptions WHERE state = ? GROUP BY channel`, stateActive)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := map[string]int{}
	for rs.Next() {
		var ch string
		var n int
		if err := rs.Scan(&ch, &n); err != nil {
			return nil, err
		}
		out[ch] = n
	}
	return out, rs.Err()
}
