package push

import (
	"context"
	"database/sql"
	"errors"
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
	"gongkai/internal/org"
)

// NoticeInput is a targeted notice staff send by hand: a text for the
// subscribers of some audiences, units and domains.
type NoticeInput struct {
	Subject, Body, Link string
	Audiences, Units    []string
	Domains             []string
}

// Notice is a targeted notice sent.
type Notice struct {
	ID         int64
	Unit       *org.Unit // the unit whose subscribers it went to; nil for the whole city
	Subject    string
	Body       string
	Link       string
	Audiences  []string
	Units      []string
	Domains    []string
	Recipients int
	CreatedBy  string
	Created    time.Time
}

// CanNotify reports whether a may send targeted notices: those who approve
// publications — reviewers, the offices and administrators — within their
// scope.
func CanNotify(a auth.Account) bool {
	switch a.Role {
	case auth.UnitReviewer, auth.PublicOfficeDistrict, auth.PublicOfficeCity, auth.Admin:
		return true
	}
	return false
}

// wholeTree reports whether a's scope is every unit.
func wholeTree(a auth.Account) bool { return a.Unit.ParentID == 0 }

// SendNotice queues a notice to every active subscriber it reaches, at
// once whatever their frequency. A notice reaches a subscriber who chose
// one of its audiences, one of its units or a unit under one of them, and
// one of its domains — each only where the notice names some. Staff below
// the city reach the subscribers of their own units only: the units they
// name must be theirs, and without any the notice goes to their own unit.
func SendNotice(ctx context.Context, tx *db.Tx, a auth.Account, in NoticeInput, audiences []Audience) (Notice, error) {
	if !CanNotify(a) {
		return Notice{}, errs.New(errs.Forbidden, "error.forbidden")
	}
	n := Notice{Subject: strings.TrimSpace(in.Subject), Body: strings.TrimSpace(in.Body), Link: strings.TrimSpace(in.Link),
		Audiences: clean(in.Audiences), Units: clean(in.Units), Domains: clean(in.Domains), CreatedBy: a.Login, Created: tx.Now()}
	m := checkFilters(ctx, tx, n.Units, n.Domains, n.Audiences, nil, Choices{Audiences: audiences})
	if n.Subject == "" || utf8.RuneCountInString(n.Subject) > 100 {
		m = append(m, errs.InvalidField("subject", "push.notice_subject"))
	}
	if n.Body == "" || utf8.RuneCountInString(n.Body) > 2000 {
		m = append(m, errs.InvalidField("body", "push.notice_body"))
	}
	if n.Link != "" {
		if u, err := url.Parse(n.Link); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(n.Link) > 500 {
			m = append(m, errs.InvalidField("link", "push.notice_link"))
		}
	}
	if len(m) > 0 {
		return Notice{}, m
	}
	var units []org.Unit
	for _, code := range n.Units {
		u, err := org.ByCode(ctx, tx, code)
		if err != nil {
			return Notice{}, err
		}
		if !a.InScope(u) {
			return Notice{}, errs.InvalidField("units", "push.unit_out_of_scope", u.Name)
		}
		units = append(units, u)
	}
	if len(units) == 0 && !wholeTree(a) {
		units, n.Units = []org.Unit{a.Unit}, []string{a.Unit.Code}
	}
	if len(units) == 0 && len(n.Audiences) == 0 && len(n.Domains) == 0 {
		return Notice{}, errs.InvalidField("audiences", "push.notice_nobody")
	}
	if !wholeTree(a) || len(units) == 1 {
		n.Unit = &units[0]
		if len(units) > 1 {
			n.Unit = &a.Unit
		}
	}
	var unitID any
	if n.Unit != nil {
		unitID = n.Unit.ID
	}
	err := tx.QueryRow(ctx, `INSERT INTO push_notices (unit_id, subject, body, link, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		unitID, n.Subject, n.Body, n.Link, n.CreatedBy, n.Created).Scan(&n.ID)
	if err != nil {
		return Notice{}, fmt.Errorf("save notice: %w", err)
	}
	if err := saveFilters(ctx, tx, "push_notice_filters", "notice_id", n.ID, n.Units, n.Domains, n.Audiences, nil); err != nil {
		return Notice{}, err
	}
	subs, err := reached(ctx, tx, units, n.Domains, n.Audiences)
	if err != nil {
		return Notice{}, err
	}
	for _, sub := range subs {
		t := func(key string, args ...any) string { return i18n.T(sub.Lang, key, args...) }
		body := n.Body
		if n.Link != "" {
			body += "\n\n" + t("push.notice.link", n.Link)
		}
		msg := compose(sub, KindNotice, fmt.Sprint(n.ID), t("push.notice.subject", n.Subject), body, n.Subject+" "+n.Link, n.Link)
		msg.NoticeID = n.ID
		if _, err := Queue(ctx, tx, msg); err != nil {
			return Notice{}, err
		}
	}
	n.Recipients = len(subs)
	if _, err := tx.Exec(ctx, `UPDATE push_notices SET recipients = ? WHERE id = ?`, n.Recipients, n.ID); err != nil {
		return Notice{}, err
	}
	return n, audit.Append(ctx, tx, a.Login, "push.notice", "push_notice", fmt.Sprint(n.ID),
		map[string]any{"subject": n.Subject, "units": n.Units, "domains": n.Domains, "audiences": n.Audiences, "recipients": n.Recipients})
}

// reached returns the active subscriptions a notice to units (and their
// subtrees), domains and audiences reaches.
func reached(ctx context.Context, q db.Querier, units []org.Unit, domains, audiences []string) ([]Subscription, error) {
	where, args := `s.state = ?`, []any{stateActive}
	if len(units) > 0 {
		var paths []string
		for _, u := range units {
			paths = append(paths, `u.path LIKE ?`)
			args = append(args, u.Path+"%")
		}
		where += ` AND EXISTS (SELECT 1 FROM push_filters f JOIN units u ON u.code = f.value WHERE f.subscription_id = s.id AND f.dim = '` + DimUnit +
			`' AND (` + strings.Join(paths, " OR ") + `))`
	}
	for _, c := range []struct {
		dim    string
		values []string
	}{{DimDomain, domains}, {DimAudience, audiences}} {
		if len(c.values) > 0 {
			w, a := follows(c.dim, c.values)
			where, args = where+" AND "+w, append(args, a...)
		}
	}
	return matching(ctx, q, where, args...)
}

const noticeCols = `n.id, n.unit_id, n.subject, n.body, n.link, n.recipients, n.created_by, n.created_at`

func scanNotice(s interface{ Scan(...any) error }) (Notice, int64, error) {
	var n Notice
	var unit sql.NullInt64
	err := s.Scan(&n.ID, &unit, &n.Subject, &n.Body, &n.Link, &n.Recipients, &n.CreatedBy, &n.Created)
	return n, unit.Int64, err
}

// withUnit sets the unit of n from its id, 0 for none.
func withUnit(ctx context.Context, q db.Querier, n *Notice, unitID int64) error {
	if unitID == 0 {
		return nil
	}
	u, err := org.ByID(ctx, q, unitID)
	n.Unit = &u
	return err
}

// visible reports whether a may see notice n: one of a unit in a's scope,
// or a city-wide one for those whose scope is the whole tree.
func visible(a auth.Account, n Notice) bool {
	if n.Unit == nil {
		return wholeTree(a)
	}
	return a.InScope(*n.Unit)
}

// NoticeByID returns a notice a may see, with its choices. It returns an
// errs.NotFound error for one that does not exist or lies outside a's
// scope.
func NoticeByID(ctx context.Context, q db.Querier, a auth.Account, id int64) (Notice, error) {
	n, unitID, err := scanNotice(q.QueryRow(ctx, `SELECT `+noticeCols+` FROM push_notices n WHERE n.id = ?`, id))
	if err == nil {
		err = withUnit(ctx, q, &n, unitID)
	}
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !visible(a, n)) {
		return Notice{}, errs.New(errs.NotFound, "push.notice_not_found")
	}
	if err != nil {
		return Notice{}, err
	}
	var topics []string
	err = readFilters(ctx, q, `SELECT dim, value FROM push_notice_filters WHERE notice_id = ? ORDER BY dim, value`, id, &n.Units, &n.Domains, &n.Audiences, &topics)
	return n, err
}

// Notices returns the latest notices a may see, newest first.
func Notices(ctx context.Context, q db.Querier, a auth.Account, limit int) ([]Notice, error) {
	where, args := `1 = 1`, []any{}
	if !wholeTree(a) {
		where, args = `n.unit_id IN (SELECT id FROM units WHERE path LIKE ?)`, []any{a.Unit.Path + "%"}
	}
	rs, err := q.Query(ctx, `SELECT `+noticeCols+` FROM push_notices n WHERE `+where+` ORDER BY n.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	var out []Notice
	var units []int64
	for rs.Next() {
		n, unitID, err := scanNotice(rs)
		if err != nil {
			rs.Close()
			return nil, err
		}
		out, units = append(out, n), append(units, unitID)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := withUnit(ctx, q, &out[i], units[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Count is a number of messages of one channel in one state.
type Count struct {
	Channel, State string
	N              int
}

// Report counts the messages of notice id by channel and state.
func Report(ctx context.Context, q db.Querier, id int64) ([]Count, error) {
	return counts(ctx, q, `WHERE notice_id = ?`, id)
}

// Overview counts every message of the outbox queued since by channel and
// state, for administrators.
func Overview(ctx context.Context, q db.Querier, since time.Time) ([]Count, error) {
	return counts(ctx, q, `WHERE created_at >= ?`, since)
}

func counts(ctx context.Context, q db.Querier, where string, args ...any) ([]Count, error) {
	rs, err := q.Query(ctx, `SELECT channel, state, COUNT(*) FROM push_outbox `+where+` GROUP BY channel, state ORDER BY channel, state`, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []Count
	for rs.Next() {
		var c Count
		if err := rs.Scan(&c.Channel, &c.State, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rs.Err()
}

// Failures returns the failed messages of notice id (every failed message
// when id is 0), newest first, with their reasons.
func Failures(ctx context.Context, q db.Querier, id int64, limit int) ([]Row, error) {
	if id == 0 {
		return rows(ctx, q, `SELECT `+rowCols+` FROM push_outbox WHERE state = ? ORDER BY id DESC LIMIT ?`, Failed, limit)
	}
	return rows(ctx, q, `SELECT `+rowCols+` FROM push_outbox WHERE notice_id = ? AND state = ? ORDER BY id DESC LIMIT ?`, id, Failed, limit)
}
