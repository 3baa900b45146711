package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"gongkai/internal/attrs"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// attrsRoutes registers the console pages of disclosure attributes (公开属性,
// plan item 八): spot checks and the July review, the API's list of a
// unit's documents under review, and the portal's review outcomes.
func (s *Server) attrsRoutes(mux router) {
	mux.Handle("GET /admin/attributes", s.h(s.attrsPage))
	mux.Handle("POST /admin/attributes/spot", s.h(s.spotOpen))
	mux.Handle("GET /admin/attributes/spot/{id}", s.h(s.spotPage))
	mux.Handle("POST /admin/attributes/spot/{id}", s.h(s.spotPost))
	mux.Handle("GET /admin/attributes/spot/{id}/results.xlsx", s.h(s.spotXLSX))
	mux.Handle("GET /admin/attributes/spot/{id}/{item}", s.h(s.spotItemPage))
	mux.Handle("POST /admin/attributes/spot/{id}/{item}", s.h(s.spotItemPost))
	mux.Handle("POST /admin/attributes/review", s.h(s.reviewOpen))
	mux.Handle("GET /admin/attributes/review/{id}", s.h(s.reviewPage))
	mux.Handle("POST /admin/attributes/review/{id}", s.h(s.reviewPost))
	mux.Handle("GET /admin/attributes/review/{id}/{item}", s.h(s.reviewItemPage))
	mux.Handle("POST /admin/attributes/review/{id}/{item}", s.h(s.reviewItemPost))
	mux.Handle("GET /api/v1/admin/attributes/review", s.h(s.apiAttrsReview))
	mux.Handle("GET /zwgk/gksxsc/{$}", s.h(s.outcomesPage))
	mux.Handle("GET /zwgk/gksxsc/{unit}/{year}/{$}", s.h(s.outcomePage))
}

// mayUseAttrs reports whether a opens the attributes pages: the offices
// and the units' staff; anyone else finds nothing there.
func mayUseAttrs(a *auth.Account) bool { return attrs.MayUse(*a) }

// attrsAccount returns the signed-in account if it may use the attributes
// pages, and a NotFound error for any other.
func attrsAccount(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !mayUseAttrs(a) {
		return nil, errNotFoundPage
	}
	return a, nil
}

// attrsIndex is what the attributes page shows.
type attrsIndex struct {
	Office   bool
	Checks   []attrs.SpotCheck
	Reviews  []attrs.Review
	OffMonth bool // today is not in July
	// EarlySpot says today is before October: spot checks start then.
	EarlySpot bool
}

// attrsPage lists the spot checks and reviews the account sees, with an
// office's forms to open them.
func (s *Server) attrsPage(w http.ResponseWriter, r *http.Request) error {
	a, err := attrsAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "attrs.title", "attributes")
	flash(r, p)
	year := strconv.Itoa(s.today().Year)
	p.Form = url.Values{"review_year": {year}, "year": {year}, "sample_size": {strconv.Itoa(attrs.DefaultSample)}}
	return s.attrsRender(w, r, a, p, http.StatusOK)
}

func (s *Server) attrsRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	ctx := r.Context()
	checks, err := attrs.SpotChecks(ctx, s.db, *a)
	if err != nil {
		return err
	}
	reviews, err := attrs.Reviews(ctx, s.db, *a)
	if err != nil {
		return err
	}
	today := s.today()
	p.Data = attrsIndex{Office: attrs.IsOffice(*a), Checks: checks, Reviews: reviews, OffMonth: attrs.OffMonth(today),
		EarlySpot: attrs.BeforeSpotMonth(today.Year, today)}
	s.render(w, r, status, "attrs", p)
	return nil
}

// attrsFormAgain shows the attributes page again after err with what was
// typed, or returns err if it is not the user's.
func (s *Server) attrsFormAgain(w http.ResponseWriter, r *http.Request, a *auth.Account, err error) error {
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Forbidden && k != errs.Conflict {
		return err
	}
	p := s.adminPage(r, "attrs.title", "attributes")
	p.Form, p.Errors, p.Error = r.PostForm, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.attrsRender(w, r, a, p, statusOf(k))
}

// officeAccount is attrsAccount for an office's steps: the form is not
// there for anyone else, who finds nothing.
func officeAccount(r *http.Request) (*auth.Account, error) {
	a, err := attrsAccount(r)
	if err == nil && !attrs.IsOffice(*a) {
		return nil, errNotFoundPage
	}
	return a, err
}

// spotOpen opens a spot check and goes to it.
func (s *Server) spotOpen(w http.ResponseWriter, r *http.Request) error {
	a, err := officeAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var c attrs.SpotCheck
	err = s.db.InTx(r.Context(), func(tx *db.Tx) (err error) {
		c, err = attrs.OpenSpotCheck(r.Context(), tx, *a, attrs.SpotInput{Year: f.Get("year"), SampleSize: f.Get("sample_size"), Seed: f.Get("seed")})
		return err
	})
	if err != nil {
		return s.attrsFormAgain(w, r, a, err)
	}
	http.Redirect(w, r, spotURL(c.ID)+"?done=spot_opened", http.StatusSeeOther)
	return nil
}

// reviewOpen opens a review and goes to it. Its year is the form's
// review_year, apart from the spot check's year.
func (s *Server) reviewOpen(w http.ResponseWriter, r *http.Request) error {
	a, err := officeAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	var rv attrs.Review
	err = s.db.InTx(r.Context(), func(tx *db.Tx) (err error) {
		rv, err = attrs.OpenReview(r.Context(), tx, *a, r.PostForm.Get("review_year"))
		return err
	})
	if e := errs.As(err); e != nil && e.Field == "year" {
		e.Field = "review_year"
	}
	if err != nil {
		return s.attrsFormAgain(w, r, a, err)
	}
	http.Redirect(w, r, reviewURL(rv.ID)+"?done=review_opened", http.StatusSeeOther)
	return nil
}

func spotURL(id int64) string   { return "/admin/attributes/spot/" + strconv.FormatInt(id, 10) }
func reviewURL(id int64) string { return "/admin/attributes/review/" + strconv.FormatInt(id, 10) }

// pathID reads the path value name as an id; anything else is not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFoundPage
	}
	return id, nil
}

// attrsStep is one change, run in a transaction once the account may see
// what it changes.
type attrsStep func(ctx context.Context, tx *db.Tx) error

// attrsDo runs step and redirects to next?done=done, or, on the user's
// error, shows the page again with again.
func (s *Server) attrsDo(w http.ResponseWriter, r *http.Request, next, done string, step attrsStep, again func(p *page, status int) error) error {
	err := s.db.InTx(r.Context(), func(tx *db.Tx) error { return step(r.Context(), tx) })
	if err == nil {
		http.Redirect(w, r, next+"?done="+done, http.StatusSeeOther)
		return nil
	}
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden {
		return err
	}
	p := s.adminPage(r, "attrs.title", "attributes")
	p.Form, p.Errors, p.Error = r.PostForm, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return again(p, statusOf(k))
}

// flash sets the page's confirmation of ?done=.
func flash(r *http.Request, p *page) {
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("attrs.done."+m) {
		p.Flash = p.T("attrs.done." + m)
	}
}
