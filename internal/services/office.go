package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// The settings this package keeps.
const (
	// officeKey holds the code of the office responsible for service
	// disclosure (市政务服务数据管理局 in the plan): it runs the spot checks,
	// handles complaints about guides and compiles the handbook.
	officeKey = "services_office"
	// hallKey holds the address of the online service hall (政务服务网)
	// the portal links to.
	hallKey = "services_hall_url"
)

// Settings are the deployment's choices for service disclosure.
type Settings struct {
	// Office is the office responsible; Office.ID is 0 when none is set.
	Office org.Unit
	// HallURL is the online service hall's address; empty for none.
	HallURL string
}

func setting(ctx context.Context, q db.Querier, key string) (string, error) {
	var v string
	err := q.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

// LoadSettings returns the settings; an office that no longer exists is
// none.
func LoadSettings(ctx context.Context, q db.Querier) (Settings, error) {
	var s Settings
	code, err := setting(ctx, q, officeKey)
	if err != nil {
		return s, err
	}
	if code != "" {
		if s.Office, err = org.ByCode(ctx, q, code); errs.KindOf(err) == errs.NotFound {
			s.Office, err = org.Unit{}, nil
		}
		if err != nil {
			return s, err
		}
	}
	s.HallURL, err = setting(ctx, q, hallKey)
	return s, err
}

// SaveSettings sets the office by its unit code (empty for none) and the
// hall's address (empty, or an http or https address). Only administrators
// may.
func SaveSettings(ctx context.Context, tx *db.Tx, a auth.Account, officeCode, hallURL string) (Settings, error) {
	if !a.IsAdmin() {
		return Settings{}, forbidden()
	}
	var s Settings
	var m errs.Multi
	officeCode, hallURL = strings.TrimSpace(officeCode), strings.TrimSpace(hallURL)
	if officeCode != "" {
		u, err := org.ByCode(ctx, tx, officeCode)
		if err != nil {
			m = append(m, errs.InvalidField("office", "unit.not_found", officeCode))
		}
		s.Office = u
	}
	if hallURL != "" {
		if u, err := url.Parse(hallURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(hallURL) > 500 {
			m = append(m, errs.InvalidField("hall_url", "svc.bad_url"))
		}
	}
	if err := m.Err(); err != nil {
		return Settings{}, err
	}
	s.HallURL = hallURL
	for key, v := range map[string]string{officeKey: officeCode, hallKey: hallURL} {
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, key, v); err != nil {
			return Settings{}, fmt.Errorf("save setting %s: %w", key, err)
		}
	}
	return s, audit.Append(ctx, tx, a.Login, "service.settings", "settings", officeKey, map[string]any{"office": officeCode, "hall_url": hallURL})
}

// IsOffice reports whether a acts for the office responsible: its editors
// and reviewers, and administrators.
func (s Settings) IsOffice(a auth.Account) bool {
	if a.IsAdmin() {
		return true
	}
	return s.Office.ID != 0 && a.Unit.ID == s.Office.ID && (a.Role == auth.UnitEditor || a.Role == auth.UnitReviewer)
}

// EditsEvents reports whether a may keep the list of events and their
// guides' order: the office responsible and the city's disclosure office
// (市政务公开办).
func (s Settings) EditsEvents(a auth.Account) bool {
	return s.IsOffice(a) || a.Role == auth.PublicOfficeCity
}

// Follows reports whether a reads every spot check, complaint and summary
// of the city: the office, and the city's disclosure office that receives
// them (抄送市政务公开办).
func (s Settings) Follows(a auth.Account) bool { return s.EditsEvents(a) }

// CityOf returns the root of u's tree: the city the office serves.
func CityOf(ctx context.Context, q db.Querier, u org.Unit) (org.Unit, error) {
	first, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	id, err := strconv.ParseInt(first, 10, 64)
	if err != nil {
		return org.Unit{}, fmt.Errorf("unit %s has path %q", u.Code, u.Path)
	}
	return org.ByID(ctx, q, id)
}

// ReadScope returns the units whose spot checks, complaints and summaries
// a may read: the whole city for those who follow them, its own subtree
// for anyone else.
func (s Settings) ReadScope(ctx context.Context, q db.Querier, a auth.Account) (org.Unit, error) {
	if s.Follows(a) {
		return CityOf(ctx, q, a.Unit)
	}
	return a.Unit, nil
}
