package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/idempotency"
	"gongkai/internal/info"
	"gongkai/internal/throttle"
)

// requireToken returns the live API token the request presents as
// Authorization: Bearer TOKEN, counting the request against the token's
// rate limit. Without a live token it answers 401 with a challenge.
func (s *Server) requireToken(w http.ResponseWriter, r *http.Request) (auth.Token, error) {
	scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	var t auth.Token
	var err error = errs.New(errs.Unauthorized, "token.invalid")
	if strings.EqualFold(scheme, "Bearer") {
		t, err = auth.AuthenticateToken(r.Context(), s.db, strings.TrimSpace(secret))
	}
	if errs.KindOf(err) == errs.Unauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gongkai"`)
	}
	if err != nil {
		return auth.Token{}, err
	}
	rule := s.cfg.TokenRate
	if rule.Max == 0 {
		rule = defaultTokenRate
	}
	ok, err := throttle.Hit(r.Context(), s.db, "api-token:"+strconv.FormatInt(t.ID, 10), rule)
	if err != nil {
		return auth.Token{}, err
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(rule.Window.Seconds())))
		return auth.Token{}, errs.New(errs.TooMany, "api.token_rate", rule.Max, int(rule.Window.Seconds()))
	}
	return t, nil
}

// work is the part of a request that writes, in one transaction: it
// returns the status and the value to answer with.
type work func(tx *db.Tx) (int, any, error)

// idempotent answers a token's request once per Idempotency-Key (see
// package idempotency). prepare runs first, outside the transaction — it
// may fetch files — unless the key has an answer already, which is given
// again with the header Idempotent-Replayed: true. Without a key, the
// request is simply carried out.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, t auth.Token, body []byte, prepare func(ctx context.Context) (work, error)) error {
	ctx := r.Context()
	key, keyed := r.Header.Get("Idempotency-Key"), len(r.Header.Values("Idempotency-Key")) > 0
	fp := idempotency.Fingerprint(r.Method, r.URL.Path, body)
	replay := func() (bool, error) {
		ans, ok, err := idempotency.Lookup(ctx, s.db, s.db.Now(), t.ID, key, fp)
		if ok {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(ans.Status)
			w.Write(ans.Body)
		}
		return ok, err
	}
	if keyed {
		if err := idempotency.CheckKey(key); err != nil {
			return err
		}
		if done, err := replay(); done || err != nil {
			return err
		}
	}
	run, err := prepare(ctx)
	if err != nil {
		return err
	}
	var ans idempotency.Answer
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if keyed {
			if err := idempotency.Claim(ctx, tx, t.ID, key); err != nil {
				return err
			}
		}
		status, v, err := run(tx)
		if err != nil {
			return err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		ans = idempotency.Answer{Status: status, Body: append(b, '\n')}
		if !keyed {
			return nil
		}
		return idempotency.Save(ctx, tx, t.ID, key, fp, ans)
	})
	if errors.Is(err, idempotency.ErrRace) {
		if done, lerr := replay(); done || lerr != nil {
			return lerr
		}
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(ans.Status)
	w.Write(ans.Body)
	return nil
}

// findingJSON is a screening finding as the API reports it: where, what
// kind, the characters it spans and the text masked — never the personal
// data itself, so that error logs along the way do not keep it.
type findingJSON struct {
	Where      string `json:"where"`
	Attachment string `json:"attachment,omitempty"`
	Kind       string `json:"kind"`
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Masked     string `json:"masked"`
}

// apiError is the body of every API error: the kind, the message in the
// request's language, the fields at fault, and for a record refused by
// privacy screening its findings.
func apiError(lang i18n.Lang, err error) map[string]any {
	e := map[string]any{"code": errs.KindOf(err).String(), "message": i18n.Error(lang, err), "fields": fieldErrors(lang, err)}
	var se *info.ScreenError
	if errors.As(err, &se) {
		fs := make([]findingJSON, len(se.Findings))
		for i, f := range se.Findings {
			fs[i] = findingJSON{Where: f.Where, Attachment: f.Attachment, Kind: string(f.Kind), Start: f.Start, End: f.End, Masked: f.Masked}
		}
		e["findings"] = fs
	}
	return map[string]any{"error": e}
}
