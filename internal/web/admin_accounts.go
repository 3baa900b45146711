package web

import (
	"net/http"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// scopedAccount returns the account with the given login if its unit lies in
// a's scope; otherwise it is reported as not found.
func (s *Server) scopedAccount(r *http.Request, a *auth.Account, login string) (auth.Account, error) {
	acc, err := auth.ByLogin(r.Context(), s.db, login)
	if err != nil {
		return auth.Account{}, err
	}
	if !a.InScope(acc.Unit) {
		return auth.Account{}, errs.New(errs.NotFound, "account.not_found", login)
	}
	return acc, nil
}

func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	accts, err := auth.InScope(r.Context(), s.db, a.Unit)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.accounts", "accounts")
	if c := r.URL.Query().Get("created"); c != "" {
		p.Flash = p.T("account.created", c)
	}
	p.Data = map[string]any{"Accounts": accts}
	s.render(w, r, http.StatusOK, "accounts", p)
	return nil
}

func (s *Server) accountForm(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, tmpl string, status int, extra map[string]any) error {
	units, err := org.Subtree(r.Context(), s.db, a.Unit)
	if err != nil {
		return err
	}
	data := map[string]any{"Units": unitRows(units, a.Unit), "Roles": auth.Roles}
	for k, v := range extra {
		data[k] = v
	}
	p.Data = data
	s.render(w, r, status, tmpl, p)
	return nil
}

func (s *Server) accountNewForm(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "account.new", "accounts")
	p.Form.Set("unit", r.URL.Query().Get("unit"))
	return s.accountForm(w, r, a, p, "account_new", http.StatusOK, nil)
}

func (s *Server) accountCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	n := auth.NewAccount{Login: f.Get("login"), DisplayName: f.Get("display_name"), Email: f.Get("email"), Password: f.Get("password"),
		Role: auth.Role(f.Get("role")), UnitCode: f.Get("unit"), Domain: f.Get("domain")}
	var acc auth.Account
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		acc, err = auth.CreateAccount(r.Context(), tx, a.Login, &a.Unit, n)
		return err
	})
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid && k != errs.Forbidden {
			return err
		}
		p := s.adminPage(r, "account.new", "accounts")
		p.Form = f
		p.Form.Del("password")
		p.Errors = fieldErrors(p.Lang, err)
		p.Error = i18n.Error(p.Lang, err)
		return s.accountForm(w, r, a, p, "account_new", statusOf(errs.KindOf(err)), nil)
	}
	http.Redirect(w, r, "/admin/accounts?created="+urlQueryEscape(acc.Login), http.StatusSeeOther)
	return nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	acc, err := s.scopedAccount(r, a, r.PathValue("login"))
	if err != nil {
		return err
	}
	p := s.adminPage(r, "account.edit", "accounts")
	p.Title = acc.Login
	p.Form.Set("display_name", acc.DisplayName)
	p.Form.Set("email", acc.Email)
	p.Form.Set("role", string(acc.Role))
	p.Form.Set("unit", acc.Unit.Code)
	p.Form.Set("domain", acc.Domain)
	if acc.Disabled {
		p.Form.Set("disabled", "1")
	}
	switch {
	case r.URL.Query().Get("saved") != "":
		p.Flash = p.T("account.saved")
	case r.URL.Query().Get("password") != "":
		p.Flash = p.T("account.password_reset")
	}
	return s.accountForm(w, r, a, p, "account", http.StatusOK, map[string]any{"Account": acc})
}

func (s *Server) accountUpdate(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	acc, err := s.scopedAccount(r, a, r.PathValue("login"))
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	c := auth.AccountChange{DisplayName: f.Get("display_name"), Email: f.Get("email"), Role: auth.Role(f.Get("role")),
		UnitCode: f.Get("unit"), Domain: f.Get("domain"), Disabled: f.Get("disabled") != ""}
	if acc.ID == a.ID && (c.Disabled || c.Role != auth.Admin) {
		err = errs.InvalidField("role", "account.cannot_demote_self")
	} else {
		err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
			_, err := auth.UpdateAccount(r.Context(), tx, a.Login, &a.Unit, acc.Login, c)
			return err
		})
	}
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid && k != errs.Forbidden {
			return err
		}
		p := s.adminPage(r, "account.edit", "accounts")
		p.Title = acc.Login
		p.Form = f
		p.Errors = fieldErrors(p.Lang, err)
		p.Error = i18n.Error(p.Lang, err)
		return s.accountForm(w, r, a, p, "account", statusOf(errs.KindOf(err)), map[string]any{"Account": acc})
	}
	http.Redirect(w, r, "/admin/accounts/"+urlQueryEscape(acc.Login)+"?saved=1", http.StatusSeeOther)
	return nil
}

func (s *Server) accountResetPassword(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	acc, err := s.scopedAccount(r, a, r.PathValue("login"))
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		return auth.SetPassword(r.Context(), tx, a.Login, &a.Unit, acc.Login, r.PostForm.Get("password"), "")
	})
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p := s.adminPage(r, "account.edit", "accounts")
		p.Title = acc.Login
		p.Form.Set("display_name", acc.DisplayName)
		p.Form.Set("email", acc.Email)
		p.Form.Set("role", string(acc.Role))
		p.Form.Set("unit", acc.Unit.Code)
		p.Form.Set("domain", acc.Domain)
		p.Errors = fieldErrors(p.Lang, err)
		p.Error = i18n.Error(p.Lang, err)
		return s.accountForm(w, r, a, p, "account", http.StatusBadRequest, map[string]any{"Account": acc})
	}
	http.Redirect(w, r, "/admin/accounts/"+urlQueryEscape(acc.Login)+"?password=1", http.StatusSeeOther)
	return nil
}
