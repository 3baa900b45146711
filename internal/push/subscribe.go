package push

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	netmail "net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// Frequencies a subscriber chooses from.
const (
	Immediate = "immediate"
	Daily     = "daily"
	Weekly    = "weekly"
)

// Frequencies lists them in form order.
var Frequencies = []string{Immediate, Daily, Weekly}

// Subscription states.
const (
	statePending = "pending"
	stateActive  = "active"
	stateEnded   = "ended"
)

// Dimensions of what a subscription follows.
const (
	DimUnit     = "unit"
	DimDomain   = "domain"
	DimAudience = "audience"
	DimTopic    = "topic"
)

// Limits on a subscription's choices: enough for any real interest, too
// few for a request to load the database.
const (
	maxUnits     = 50
	maxDomains   = 40
	maxAudiences = 20
	maxTopics    = 30
	maxTopicLen  = 50
)

// How long a confirmation stays open, and how many wrong codes it takes.
const (
	confirmLinkFor = 7 * 24 * time.Hour
	confirmCodeFor = 30 * time.Minute
	maxCodeTries   = 5
)

// Request is what a subscriber asks for: one address (e-mail, mobile
// number or WeChat openid) and what to follow.
type Request struct {
	Email, Phone, WeChat string
	Units, Domains       []string // codes
	Audiences, Topics    []string
	Frequency            string // Immediate when empty
	Lang                 i18n.Lang
}

// Subscription is a subscriber's choice, pending until confirmed.
type Subscription struct {
	ID        int64
	Channel   string
	Address   string
	Frequency string
	Lang      i18n.Lang
	State     string
	Units     []string
	Domains   []string
	Audiences []string
	Topics    []string
	Label     string // a webhook's name
	Created   time.Time
	// token is the unsubscribe token, in every message.
	token string
}

// Active reports whether the subscription is confirmed and not ended.
func (s Subscription) Active() bool { return s.State == stateActive }

// Ended reports whether the subscriber ended it (or a newer one replaced it).
func (s Subscription) Ended() bool { return s.State == stateEnded }

// Path is where subscribing starts on the portal (under 互动交流); the
// pages of the links messages carry lie under it.
const Path = "/hudong/dingyue/"

// UnsubscribePath is the page that ends the subscription.
func (s Subscription) UnsubscribePath() string { return Path + "td/" + s.token + "/" }

// Reference is what the outbox's messages about the subscription refer to.
func (s Subscription) Reference() string { return fmt.Sprint(s.ID) }

var (
	mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	openIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{10,64}$`)
)

// NormalizeMobile returns a mainland mobile number as its 11 digits, with
// spaces, hyphens and a +86 prefix dropped, or "" if s is not one.
func NormalizeMobile(s string) string {
	s = strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "0086")
	if !mobileRE.MatchString(s) {
		return ""
	}
	return s
}

// ValidEmail reports whether s is a bare e-mail address.
func ValidEmail(s string) bool {
	a, err := netmail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s && len(s) <= 200 && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// address checks the request's one address and returns its channel, the
// address as kept and the form field it came from.
func (in Request) address() (channel, addr, field string, err error) {
	given := 0
	for _, s := range []string{in.Email, in.Phone, in.WeChat} {
		if strings.TrimSpace(s) != "" {
			given++
		}
	}
	if given != 1 {
		return "", "", "email", errs.InvalidField("email", "push.address_one")
	}
	switch {
	case strings.TrimSpace(in.Email) != "":
		e := strings.ToLower(strings.TrimSpace(in.Email))
		if !ValidEmail(e) {
			return "", "", "email", errs.InvalidField("email", "push.email_invalid")
		}
		return Email, e, "email", nil
	case strings.TrimSpace(in.Phone) != "":
		p := NormalizeMobile(in.Phone)
		if p == "" {
			return "", "", "phone", errs.InvalidField("phone", "push.phone_invalid")
		}
		return SMS, p, "phone", nil
	}
	w := strings.TrimSpace(in.WeChat)
	if !openIDRE.MatchString(w) {
		return "", "", "wechat_openid", errs.InvalidField("wechat_openid", "push.openid_invalid")
	}
	return WeChat, w, "wechat_openid", nil
}

// clean trims the values of a list, drops empty ones and repeats.
func clean(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Choices are the audiences and topics a subscriber may pick: the
// audiences in use and the topics of published information.
type Choices struct {
	Audiences []Audience
	Topics    []string
}

// tooMany refuses lists longer than their limits.
func tooMany(units, domains, audiences, topics []string) errs.Multi {
	var m errs.Multi
	for _, c := range []struct {
		field  string
		n, max int
	}{{"units", len(units), maxUnits}, {"domains", len(domains), maxDomains}, {"audiences", len(audiences), maxAudiences}, {"topics", len(topics), maxTopics}} {
		if c.n > c.max {
			m = append(m, errs.InvalidField(c.field, "push.too_many", c.max))
		}
	}
	return m
}

// checkFilters checks what a subscription or a notice follows and returns
// every problem at once, each naming its field.
func checkFilters(ctx context.Context, q db.Querier, units, domains, audiences, topics []string, ch Choices) errs.Multi {
	m := tooMany(units, domains, audiences, topics)
	if len(m) > 0 {
		return m
	}
	add := func(field, key string, args ...any) { m = append(m, errs.InvalidField(field, key, args...)) }
	for _, code := range units {
		if _, err := org.ByCode(ctx, q, code); err != nil {
			add("units", "push.unit_unknown", code)
			break
		}
	}
	for _, code := range domains {
		if _, err := catalog.DomainByCode(ctx, q, code); err != nil {
			add("domains", "push.domain_unknown", code)
			break
		}
	}
	for _, code := range audiences {
		if !slices.ContainsFunc(ch.Audiences, func(a Audience) bool { return a.Code == code && !a.Retired }) {
			add("audiences", "push.audience_unknown", code)
			break
		}
	}
	for _, t := range topics {
		if len([]rune(t)) > maxTopicLen || !slices.Contains(ch.Topics, t) {
			add("topics", "push.topic_unknown", t)
			break
		}
	}
	return m
}

// Check checks a request as Subscribe does, writing nothing, and returns
// the subscription it would record: callers limit requests per address
// (Subscription.Address) before subscribing.
func (in Request) Check(ctx context.Context, q db.Querier, enabled func(string) bool, ch Choices) (Subscription, error) {
	channel, addr, field, err := in.address()
	if err != nil {
		return Subscription{}, err
	}
	if !enabled(channel) {
		return Subscription{}, errs.InvalidField(field, "push.channel_off")
	}
	sub := Subscription{Channel: channel, Address: addr, Frequency: in.Frequency, Lang: in.Lang, State: statePending,
		Units: clean(in.Units), Domains: clean(in.Domains), Audiences: clean(in.Audiences), Topics: clean(in.Topics)}
	if sub.Frequency == "" {
		sub.Frequency = Immediate
	}
	if sub.Lang == "" {
		sub.Lang = i18n.Zh
	}
	// The lists as sent are bounded too: repeats are no reason to read a
	// long request.
	m := tooMany(in.Units, in.Domains, in.Audiences, in.Topics)
	if len(m) == 0 {
		m = checkFilters(ctx, q, sub.Units, sub.Domains, sub.Audiences, sub.Topics, ch)
	}
	if !oneOf(Frequencies, sub.Frequency) {
		m = append(m, errs.InvalidField("frequency", "push.frequency_invalid"))
	}
	if len(m) == 0 && len(sub.Units)+len(sub.Domains)+len(sub.Audiences)+len(sub.Topics) == 0 {
		m = append(m, errs.InvalidField("units", "push.nothing_chosen"))
	}
	if len(m) > 0 {
		return Subscription{}, m
	}
	return sub, nil
}

// Subscribe records a pending subscription and queues the message that
// confirms it: a link for e-mail and WeChat, a code for SMS. enabled says
// which channels are on; ch what may be chosen. A subscription must follow
// something: a unit, a domain, a topic or an audience (audiences alone
// receive targeted notices only).
func Subscribe(ctx context.Context, tx *db.Tx, in Request, enabled func(string) bool, ch Choices) (Subscription, error) {
	sub, err := in.Check(ctx, tx, enabled, ch)
	if err != nil {
		return Subscription{}, err
	}
	secret, expires := newToken(), tx.Now().Add(confirmLinkFor)
	if sub.Channel == SMS {
		secret, expires = newCode(), tx.Now().Add(confirmCodeFor)
	}
	if err := insert(ctx, tx, &sub, hashSecret(secret), expires, ""); err != nil {
		return Subscription{}, err
	}
	msg := confirmMessage(sub, secret)
	if _, err := Queue(ctx, tx, msg); err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// insert writes sub with its filters and a new unsubscribe token.
func insert(ctx context.Context, tx *db.Tx, sub *Subscription, confirmHash string, expires time.Time, secret string) error {
	sub.token, sub.Created = newToken(), tx.Now()
	var exp any
	if !expires.IsZero() {
		exp = expires
	}
	var confirmed any
	if sub.State == stateActive {
		confirmed = tx.Now()
	}
	err := tx.QueryRow(ctx, `INSERT INTO push_subscriptions (channel, address, frequency, lang, state, unsubscribe_token, confirm_hash, confirm_expires,
		secret, label, created_at, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sub.Channel, sub.Address, sub.Frequency, string(sub.Lang), sub.State, sub.token, confirmHash, exp, secret, sub.Label, sub.Created, confirmed).Scan(&sub.ID)
	if err != nil {
		return fmt.Errorf("save subscription: %w", err)
	}
	return saveFilters(ctx, tx, "push_filters", "subscription_id", sub.ID, sub.Units, sub.Domains, sub.Audiences, sub.Topics)
}

// saveFilters writes the filters of a subscription or a notice.
func saveFilters(ctx context.Context, tx *db.Tx, table, key string, id int64, units, domains, audiences, topics []string) error {
	for dim, vs := range map[string][]string{DimUnit: units, DimDomain: domains, DimAudience: audiences, DimTopic: topics} {
		for _, v := range vs {
			if _, err := tx.Exec(ctx, `INSERT INTO `+table+` (`+key+`, dim, value) VALUES (?, ?, ?)`, id, dim, v); err != nil {
				return fmt.Errorf("save filter: %w", err)
			}
		}
	}
	return nil
}

// Confirm activates the subscription whose confirmation link holds token,
// and ends any earlier active subscription of the same address, which it
// replaces. Opening the link again is not an error. It returns an
// errs.NotFound error for an unknown or expired link.
func Confirm(ctx context.Context, tx *db.Tx, token string) (Subscription, error) {
	sub, expires, err := byConfirm(ctx, tx, hashSecret(token))
	if err != nil || sub.Channel == SMS {
		return Subscription{}, errs.New(errs.NotFound, "push.link_unknown")
	}
	switch {
	case sub.State == stateActive:
		return sub, nil
	case sub.State != statePending || tx.Now().After(expires):
		return Subscription{}, errs.New(errs.NotFound, "push.link_unknown")
	}
	return activate(ctx, tx, sub)
}

// ConfirmCode activates the latest pending SMS subscription of mobile
// number phone if code is its code. Every guess counts against the
// subscription, which takes maxCodeTries; the count is kept even though
// the confirmation fails, so it runs in transactions of its own.
func ConfirmCode(ctx context.Context, d *db.DB, phone, code string) (Subscription, error) {
	phone = NormalizeMobile(phone)
	if phone == "" {
		return Subscription{}, errs.InvalidField("phone", "push.phone_invalid")
	}
	var sub Subscription
	var wrong bool
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		var hash string
		var tries int
		var expires sql.NullTime
		err := tx.QueryRow(ctx, `SELECT id, confirm_hash, confirm_tries, confirm_expires FROM push_subscriptions
			WHERE channel = ? AND address = ? AND state = ? ORDER BY id DESC LIMIT 1`, SMS, phone, statePending).Scan(&id, &hash, &tries, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.InvalidField("code", "push.code_wrong")
		}
		if err != nil {
			return err
		}
		if tries >= maxCodeTries || !expires.Valid || tx.Now().After(expires.Time) {
			return errs.InvalidField("code", "push.code_expired")
		}
		// The try is taken before the code is compared, by an update that
		// counts only below the limit: guesses made side by side wait for
		// each other's row lock, and none is compared past maxCodeTries.
		res, err := tx.Exec(ctx, `UPDATE push_subscriptions SET confirm_tries = confirm_tries + 1 WHERE id = ? AND confirm_tries < ?`, id, maxCodeTries)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errs.InvalidField("code", "push.code_expired")
		}
		if subtle.ConstantTimeCompare([]byte(hash), []byte(hashSecret(strings.TrimSpace(code)))) != 1 {
			wrong = true
			return nil
		}
		if sub, err = byID(ctx, tx, id); err != nil {
			return err
		}
		sub, err = activate(ctx, tx, sub)
		return err
	})
	if err == nil && wrong {
		err = errs.InvalidField("code", "push.code_wrong")
	}
	return sub, err
}

// activate confirms a pending subscription, ending the address's earlier
// one.
func activate(ctx context.Context, tx *db.Tx, sub Subscription) (Subscription, error) {
	if _, err := tx.Exec(ctx, `UPDATE push_subscriptions SET state = ?, ended_at = ?, ended_how = 'replaced' WHERE channel = ? AND address = ? AND state = ? AND id <> ?`,
		stateEnded, tx.Now(), sub.Channel, sub.Address, stateActive, sub.ID); err != nil {
		return Subscription{}, err
	}
	if _, err := tx.Exec(ctx, `UPDATE push_subscriptions SET state = ?, confirmed_at = ? WHERE id = ?`, stateActive, tx.Now(), sub.ID); err != nil {
		return Subscription{}, err
	}
	sub.State = stateActive
	return sub, audit.Append(ctx, tx, "subscriber", "push.subscribe", "push_subscription", fmt.Sprint(sub.ID),
		map[string]any{"channel": sub.Channel, "frequency": sub.Frequency})
}

// ByToken returns the subscription whose unsubscribe link holds token. It
// returns an errs.NotFound error if there is none.
func ByToken(ctx context.Context, q db.Querier, token string) (Subscription, error) {
	if len(token) != tokenLen {
		return Subscription{}, errs.New(errs.NotFound, "push.link_unknown")
	}
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM push_subscriptions WHERE unsubscribe_token = ?`, token).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Subscription{}, errs.New(errs.NotFound, "push.link_unknown")
	}
	if err != nil {
		return Subscription{}, err
	}
	return byID(ctx, q, id)
}

// Unsubscribe ends the subscription whose unsubscribe link holds token;
// ending an ended one again is not an error. Its messages still queued are
// not sent.
func Unsubscribe(ctx context.Context, tx *db.Tx, token string) (Subscription, error) {
	sub, err := ByToken(ctx, tx, token)
	if err != nil || sub.State == stateEnded {
		return sub, err
	}
	if _, err := tx.Exec(ctx, `UPDATE push_subscriptions SET state = ?, ended_at = ?, ended_how = 'unsubscribed' WHERE id = ?`, stateEnded, tx.Now(), sub.ID); err != nil {
		return Subscription{}, err
	}
	sub.State = stateEnded
	return sub, audit.Append(ctx, tx, "subscriber", "push.unsubscribe", "push_subscription", fmt.Sprint(sub.ID), map[string]any{"channel": sub.Channel})
}

const subCols = `id, channel, address, frequency, lang, state, unsubscribe_token, label, created_at`

func scanSub(s interface{ Scan(...any) error }) (Subscription, error) {
	var sub Subscription
	var lang string
	err := s.Scan(&sub.ID, &sub.Channel, &sub.Address, &sub.Frequency, &lang, &sub.State, &sub.token, &sub.Label, &sub.Created)
	sub.Lang = i18n.Lang(lang)
	return sub, err
}

func byID(ctx context.Context, q db.Querier, id int64) (Subscription, error) {
	sub, err := scanSub(q.QueryRow(ctx, `SELECT `+subCols+` FROM push_subscriptions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Subscription{}, errs.New(errs.NotFound, "push.link_unknown")
	}
	if err != nil {
		return Subscription{}, err
	}
	return sub, loadFilters(ctx, q, &sub)
}

func byConfirm(ctx context.Context, q db.Querier, hash string) (Subscription, time.Time, error) {
	var id int64
	var expires sql.NullTime
	err := q.QueryRow(ctx, `SELECT id, confirm_expires FROM push_subscriptions WHERE confirm_hash = ?`, hash).Scan(&id, &expires)
	if err != nil {
		return Subscription{}, time.Time{}, err
	}
	sub, err := byID(ctx, q, id)
	return sub, expires.Time, err
}

func loadFilters(ctx context.Context, q db.Querier, sub *Subscription) error {
	return readFilters(ctx, q, `SELECT dim, value FROM push_filters WHERE subscription_id = ? ORDER BY dim, value`, sub.ID,
		&sub.Units, &sub.Domains, &sub.Audiences, &sub.Topics)
}

// readFilters reads the (dim, value) rows of a subscription's or a notice's
// choices into the lists of each dimension.
func readFilters(ctx context.Context, q db.Querier, query string, id int64, units, domains, audiences, topics *[]string) error {
	rs, err := q.Query(ctx, query, id)
	if err != nil {
		return err
	}
	defer rs.Close()
	lists := map[string]*[]string{DimUnit: units, DimDomain: domains, DimAudience: audiences, DimTopic: topics}
	for rs.Next() {
		var dim, v string
		if err := rs.Scan(&dim, &v); err != nil {
			return err
		}
		if l := lists[dim]; l != nil {
			*l = append(*l, v)
		}
	}
	return rs.Err()
}
