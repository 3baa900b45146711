package web

import (
	"net/http"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// The console's page of API tokens (/admin/tokens): an administrator sees
// and manages the tokens of every unit in scope, a unit's reviewer those
// of the unit itself (auth.CanManageTokens). A new token is shown once,
// on the page that answers its creation.

// mayManageTokens reports whether a may open the tokens page.
func mayManageTokens(a *auth.Account) bool {
	return a.Role == auth.Admin || a.Role == auth.UnitReviewer
}

// tokenUnits returns the units whose tokens a manages.
func (s *Server) tokenUnits(r *http.Request, a *auth.Account) ([]org.Unit, error) {
	if a.Role == auth.UnitReviewer {
		return []org.Unit{a.Unit}, nil
	}
	return org.Subtree(r.Context(), s.db, a.Unit)
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireTokenManager(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.tokens", "tokens")
	if r.URL.Query().Get("done") == "revoked" {
		p.Flash = p.T("token.revoked")
	}
	p.Form.Set("unit", a.Unit.Code)
	return s.renderTokens(w, r, a, p, http.StatusOK, "")
}

func requireTokenManager(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !mayManageTokens(a) {
		return nil, errs.New(errs.Forbidden, "token.forbidden")
	}
	return a, nil
}

// renderTokens shows the tokens page, with a token just made.
func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int, secret string) error {
	tokens, err := auth.Tokens(r.Context(), s.db, a.Unit, a.Role == auth.Admin)
	if err != nil {
		return err
	}
	units, err := s.tokenUnits(r, a)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Tokens": tokens, "Units": units, "Secret": secret}
	s.render(w, r, status, "tokens", p)
	return nil
}

// tokenCreate makes a token and shows it, once.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := requireTokenManager(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var secret string
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		_, secret, err = auth.CreateToken(r.Context(), tx, a.Login, a, auth.NewToken{UnitCode: f.Get("unit"), Name: f.Get("name"), CanPublish: f.Get("publish") == "1"})
		return err
	})
	p := s.adminPage(r, "admin.tokens", "tokens")
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid && k != errs.Forbidden {
			return err
		}
		p.Form, p.Errors, p.Error = f, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
		return s.renderTokens(w, r, a, p, statusOf(errs.KindOf(err)), "")
	}
	// The page holds the token: no cache may keep it.
	w.Header().Set("Cache-Control", "no-store")
	p.Flash = p.T("token.created")
	p.Form.Set("unit", f.Get("unit"))
	return s.renderTokens(w, r, a, p, http.StatusCreated, secret)
}

// tokenRevoke revokes a token; one a may not manage is not found.
func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	a, err := requireTokenManager(r)
	if err != nil {
		return err
	}
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		_, err := auth.RevokeToken(r.Context(), tx, a.Login, a, r.PathValue("id"))
		return err
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/tokens?done=revoked", http.StatusSeeOther)
	return nil
}
