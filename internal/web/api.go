package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// maxJSON bounds API request bodies.
const maxJSON = 64 << 10

// decodeJSON reads one JSON object into v, refusing another content type
// (415), unknown fields, trailing data, oversized bodies, and text that is
// not valid UTF-8 or holds a NUL (400 naming the field).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := readJSON(w, r, maxJSON)
	if err != nil {
		return err
	}
	return unmarshalJSON(body, v)
}

// readJSON reads a JSON request body of at most limit bytes, refusing
// another content type (415), an oversized body, and text that is not
// valid UTF-8 or holds a NUL (400 naming the field).
func readJSON(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, errs.New(errs.Unsupported, "api.json_required")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errs.New(errs.Invalid, "api.too_large", limit)
		}
		return nil, errs.New(errs.Invalid, "api.bad_json", err.Error())
	}
	return body, checkJSONText(body)
}

// unmarshalJSON decodes one JSON object into v, refusing unknown fields
// and trailing data.
func unmarshalJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &errs.Error{Kind: errs.Invalid, Key: "api.bad_json", Args: []any{err.Error()}, Field: jsonErrField(err)}
	}
	if dec.Decode(&struct{}{}) != io.EOF {
		return errs.New(errs.Invalid, "api.trailing_data")
	}
	return nil
}

// jsonErrField names the member a decoding error is about, when it says.
func jsonErrField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return shownField(strings.Trim(name, `"`))
	}
	return ""
}

// checkJSONText walks a JSON document's tokens and refuses a string (key or
// value) that is not valid UTF-8 or holds a NUL, naming the member it
// belongs to. Syntax errors are left to the decoder.
func checkJSONText(body []byte) error {
	bad := len(body)
	if !utf8.Valid(body) {
		for i := 0; i < len(body); {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n == 1 {
				bad = i
				break
			}
			i += n
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	key, expectKey := "", false
	var stack []bool // true for an object
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		isKey := false
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, true)
				expectKey = true
			case '[':
				stack = append(stack, false)
				expectKey = false
			default:
				stack = stack[:len(stack)-1]
				expectKey = len(stack) > 0 && stack[len(stack)-1]
			}
			continue
		case string:
			if expectKey {
				isKey, key = true, t
			}
			field := key
			if dec.InputOffset() > int64(bad) {
				return errs.InvalidField(shownField(field), "error.bad_encoding", shownField(field))
			}
			if strings.IndexByte(t, 0) >= 0 {
				return errs.InvalidField(shownField(field), "error.nul_character", shownField(field))
			}
		}
		if dec.InputOffset() > int64(bad) {
			return errs.InvalidField(shownField(key), "error.bad_encoding", shownField(key))
		}
		// In an object, a key is followed by its value, then the next key.
		if len(stack) > 0 && stack[len(stack)-1] {
			expectKey = !isKey
		}
	}
}

// stamp is a moment as the API gives it: RFC 3339 to the second in China
// time (calendar.Timestamp), 2026-11-23T09:30:00+08:00. Dates are strings
// of the form 2026-11-23, also in China time.
type stamp time.Time

// IsZero reports whether t is the zero time, for omitzero.
func (t stamp) IsZero() bool { return time.Time(t).IsZero() }

// MarshalJSON writes the moment, or null for the zero time.
func (t stamp) MarshalJSON() ([]byte, error) {
	if time.Time(t).IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(calendar.Timestamp(time.Time(t)))
}

type unitJSON struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	NameEn    string    `json:"name_en,omitempty"`
	Kind      org.Kind  `json:"kind"`
	Level     org.Level `json:"level"`
	Parent    string    `json:"parent,omitempty"`
	Sort      int       `json:"sort"`
	CreatedAt stamp     `json:"created_at"`
	UpdatedAt stamp     `json:"updated_at"`
}

func toUnitJSON(u org.Unit) unitJSON {
	return unitJSON{Code: u.Code, Name: u.Name, NameEn: u.NameEn, Kind: u.Kind, Level: u.Level, Parent: u.ParentCode, Sort: u.Sort, CreatedAt: stamp(u.CreatedAt), UpdatedAt: stamp(u.UpdatedAt)}
}

func unitsJSON(us []org.Unit) []unitJSON {
	out := make([]unitJSON, len(us))
	for i, u := range us {
		out[i] = toUnitJSON(u)
	}
	return out
}

// apiPublicUnits lists every unit with its code, name, kind and parent: the
// public directory behind the portal's navigation.
func (s *Server) apiPublicUnits(w http.ResponseWriter, r *http.Request) error {
	dir, err := s.units(r.Context())
	if err != nil {
		return err
	}
	var all []org.Unit
	for _, root := range dir.Roots() {
		all = append(all, dir.Subtree(root)...)
	}
	type pub struct {
		Code   string    `json:"code"`
		Name   string    `json:"name"`
		Kind   org.Kind  `json:"kind"`
		Level  org.Level `json:"level"`
		Parent string    `json:"parent,omitempty"`
	}
	out := make([]pub, len(all))
	for i, u := range all {
		out[i] = pub{u.Code, u.Name, u.Kind, u.Level, u.ParentCode}
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": out})
	return nil
}

func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	us, err := org.Subtree(r.Context(), s.db, a.Unit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": unitsJSON(us)})
	return nil
}

func (s *Server) apiUnit(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	u, err := s.scopedUnit(r, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toUnitJSON(u))
	return nil
}

func (s *Server) apiUnitCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	var in struct {
		Code   string `json:"code"`
		Name   string `json:"name"`
		NameEn string `json:"name_en"`
		Kind   string `json:"kind"`
		Parent string `json:"parent"`
		Sort   int    `json:"sort"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var u org.Unit
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		u, err = org.Create(r.Context(), tx, a.Login, &a.Unit, org.NewUnit{Code: in.Code, Name: in.Name, NameEn: in.NameEn, Kind: org.Kind(in.Kind), ParentCode: in.Parent, Sort: in.Sort})
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/admin/units/"+u.Code)
	writeJSON(w, http.StatusCreated, toUnitJSON(u))
	return nil
}

func (s *Server) apiUnitUpdate(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	u, err := s.scopedUnit(r, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	var in struct {
		Name   string `json:"name"`
		NameEn string `json:"name_en"`
		Sort   int    `json:"sort"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		u, err = org.Update(r.Context(), tx, a.Login, &a.Unit, u.Code, org.UnitChange{Name: strings.TrimSpace(in.Name), NameEn: strings.TrimSpace(in.NameEn), Sort: in.Sort})
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toUnitJSON(u))
	return nil
}

type accountJSON struct {
	Login       string    `json:"login"`
	DisplayName string    `json:"display_name"`
	Email       string    `json:"email,omitempty"`
	Role        auth.Role `json:"role"`
	Unit        string    `json:"unit"`
	Domain      string    `json:"domain,omitempty"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   stamp     `json:"created_at"`
}

func toAccountJSON(a auth.Account) accountJSON {
	return accountJSON{a.Login, a.DisplayName, a.Email, a.Role, a.Unit.Code, a.Domain, a.Disabled, stamp(a.CreatedAt)}
}

func (s *Server) apiAccounts(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	accts, err := auth.InScope(r.Context(), s.db, a.Unit)
	if err != nil {
		return err
	}
	out := make([]accountJSON, len(accts))
	for i, ac := range accts {
		out[i] = toAccountJSON(ac)
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out})
	return nil
}

func (s *Server) apiAccount(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	acc, err := s.scopedAccount(r, a, r.PathValue("login"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAccountJSON(acc))
	return nil
}

func (s *Server) apiAccountCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	var in struct {
		Login       string `json:"login"`
		DisplayName string `json:"display_name"`
		Email       string `json:"email"`
		Password    string `json:"password"`
		Role        string `json:"role"`
		Unit        string `json:"unit"`
		Domain      string `json:"domain"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var acc auth.Account
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		acc, err = auth.CreateAccount(r.Context(), tx, a.Login, &a.Unit, auth.NewAccount{Login: in.Login, DisplayName: in.DisplayName,
			Email: in.Email, Password: in.Password, Role: auth.Role(in.Role), UnitCode: in.Unit, Domain: in.Domain})
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/admin/accounts/"+acc.Login)
	writeJSON(w, http.StatusCreated, toAccountJSON(acc))
	return nil
}

func (s *Server) apiAccountUpdate(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	acc, err := s.scopedAccount(r, a, r.PathValue("login"))
	if err != nil {
		return err
	}
	var in struct {
		DisplayName string `json:"display_name"`
		Email       string `json:"email"`
		Role        string `json:"role"`
		Unit        string `json:"unit"`
		Domain      string `json:"domain"`
		Disabled    bool   `json:"disabled"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if acc.ID == a.ID && (in.Disabled || auth.Role(in.Role) != auth.Admin) {
		return errs.InvalidField("role", "account.cannot_demote_self")
	}
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		acc, err = auth.UpdateAccount(r.Context(), tx, a.Login, &a.Unit, acc.Login, auth.AccountChange{DisplayName: in.DisplayName,
			Email: in.Email, Role: auth.Role(in.Role), UnitCode: in.Unit, Domain: in.Domain, Disabled: in.Disabled})
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAccountJSON(acc))
	return nil
}

// parseDateParam reads a YYYY-MM-DD query parameter.
func parseDateParam(r *http.Request, name string) (calendar.Date, error) {
	d, err := calendar.ParseDate(r.URL.Query().Get(name))
	if err != nil {
		return calendar.Date{}, errs.InvalidField(name, "calendar.bad_date", r.URL.Query().Get(name))
	}
	return d, inAPIYears(name, d)
}

// The calendar API answers for dates from 1900 to 2200: working days mean
// nothing outside them, and near year 0 or 9999 the arithmetic would leave
// the dates Go can write.
const minAPIYear, maxAPIYear = 1900, 2200

func inAPIYears(field string, d calendar.Date) error {
	if d.Year < minAPIYear || d.Year > maxAPIYear {
		return errs.InvalidField(field, "calendar.year_out_of_range", d.String(), minAPIYear, maxAPIYear)
	}
	return nil
}

// calendarFor applies ?assume_weekends=1.
func (s *Server) calendarFor(r *http.Request) *calendar.Calendar {
	cal := s.cfg.Calendar()
	if r.URL.Query().Get("assume_weekends") == "1" {
		cal = cal.AssumeWeekends()
	}
	return cal
}

func calendarErr(err error) error {
	var nd *calendar.NoDataError
	if errors.As(err, &nd) {
		return nd.UserError()
	}
	return err
}

// maxCalendarSpan bounds /api/v1/calendar/days.
const maxCalendarSpan = 366 * 2

func (s *Server) apiCalendarDays(w http.ResponseWriter, r *http.Request) error {
	from, err := parseDateParam(r, "from")
	if err != nil {
		return err
	}
	to, err := parseDateParam(r, "to")
	if err != nil {
		return err
	}
	if to.Before(from) {
		return errs.InvalidField("to", "calendar.to_before_from")
	}
	if to.Time().Sub(from.Time()) > maxCalendarSpan*24*time.Hour {
		return errs.InvalidField("to", "calendar.span_too_long", maxCalendarSpan)
	}
	cal := s.calendarFor(r)
	type day struct {
		Date    string `json:"date"`
		Work    bool   `json:"work"`
		Holiday string `json:"holiday,omitempty"`
		Assumed bool   `json:"assumed,omitempty"`
	}
	var days []day
	for d := from; !d.After(to); d = d.AddDays(1) {
		work, err := cal.IsWorkday(d)
		if err != nil {
			return calendarErr(err)
		}
		days = append(days, day{Date: d.String(), Work: work, Holiday: cal.Holiday(d), Assumed: cal.Assumed(d)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"days": days})
	return nil
}

func (s *Server) apiCalendarAdd(w http.ResponseWriter, r *http.Request) error {
	from, err := parseDateParam(r, "from")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 0 || n > 1000 {
		return errs.InvalidField("n", "calendar.bad_n", r.URL.Query().Get("n"))
	}
	cal := s.calendarFor(r)
	if err := inAPIYears("n", from.AddDays(2*n+30)); err != nil {
		return err
	}
	d, err := cal.AddWorkdays(from, n)
	if err != nil {
		return calendarErr(err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from.String(), "n": n, "date": d.String(), "assumed": cal.Assumed(d)})
	return nil
}
