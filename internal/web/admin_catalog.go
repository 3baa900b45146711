package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// catalogsPage lists the catalogs in the account's scope and offers to
// compile new ones.
func (s *Server) catalogsPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if !keepsUnitRecords(a) {
		http.Redirect(w, r, "/admin/domain", http.StatusSeeOther)
		return nil
	}
	p := s.adminPage(r, "admin.catalogs", "catalogs")
	if r.URL.Query().Get("domain_added") != "" {
		p.Flash = p.T("domain.added")
		p.Form.Set("domain", r.URL.Query().Get("domain_added"))
	}
	return s.catalogList(w, r, a, p, http.StatusOK)
}

func (s *Server) catalogList(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	ctx := r.Context()
	list, err := catalog.List(ctx, s.db, a.Unit, nil)
	if err != nil {
		return err
	}
	units, err := org.Subtree(ctx, s.db, a.Unit)
	if err != nil {
		return err
	}
	domains, err := catalog.Domains(ctx, s.db, &a.Unit)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Catalogs": list, "Review": submitted(list, a), "CanReview": catalog.IsReviewer(*a), "Units": units, "Domains": domains}
	s.render(w, r, status, "catalogs", p)
	return nil
}

// submitted picks the catalogs awaiting a's review from list.
func submitted(list []catalog.Summary, a *auth.Account) []catalog.Summary {
	var out []catalog.Summary
	for _, c := range list {
		if c.Status == catalog.Submitted && c.UnitCode != a.Unit.Code {
			out = append(out, c)
		}
	}
	return out
}

// reviewQueue lists the catalogs in a's scope awaiting review.
func (s *Server) reviewQueue(ctx context.Context, a *auth.Account) ([]catalog.Summary, error) {
	list, err := catalog.List(ctx, s.db, a.Unit, nil)
	return submitted(list, a), err
}

// catalogCompile starts a unit's catalog for a domain from the guideline.
func (s *Server) catalogCompile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	var c catalog.Catalog
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.ByCode(ctx, tx, r.PostForm.Get("unit"))
		if err != nil || !a.InScope(u) {
			return errs.InvalidField("unit", "unit.not_found", r.PostForm.Get("unit"))
		}
		d, err := catalog.DomainByCode(ctx, tx, r.PostForm.Get("domain"))
		if err != nil {
			return errs.InvalidField("domain", "domain.not_found", r.PostForm.Get("domain"))
		}
		c, err = catalog.Compile(ctx, tx, *a, u, d)
		return err
	})
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid && k != errs.NotFound && k != errs.Conflict && k != errs.Forbidden {
			return err
		}
		p := s.adminPage(r, "admin.catalogs", "catalogs")
		p.Form = r.PostForm
		p.Errors = fieldErrors(p.Lang, err)
		p.Error = i18n.Error(p.Lang, err)
		return s.catalogList(w, r, a, p, statusOf(errs.KindOf(err)))
	}
	http.Redirect(w, r, catalogURL(c.Unit.Code, c.Domain.Code), http.StatusSeeOther)
	return nil
}

func catalogURL(unit, domain string) string {
	return "/admin/catalogs/" + url.PathEscape(unit) + "/" + url.PathEscape(domain)
}

// scopedCatalog loads the catalog named in the path if a may read it;
// anything else is not found.
func (s *Server) scopedCatalog(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account) (catalog.Catalog, error) {
	notFound := errs.New(errs.NotFound, "catalog.not_found", r.PathValue("unit"), r.PathValue("domain"))
	u, err := org.ByCode(ctx, q, r.PathValue("unit"))
	if err != nil {
		return catalog.Catalog{}, notFound
	}
	d, err := catalog.DomainByCode(ctx, q, r.PathValue("domain"))
	if err != nil || !catalog.CanRead(*a, u, d) {
		return catalog.Catalog{}, notFound
	}
	return catalog.Load(ctx, q, u, d)
}

// accountCatalog returns the signed-in account and the catalog named in
// the path, if the account may read it.
func (s *Server) accountCatalog(r *http.Request) (*auth.Account, catalog.Catalog, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, catalog.Catalog{}, err
	}
	c, err := s.scopedCatalog(r.Context(), s.db, r, a)
	return a, c, err
}

// catalogView is what the catalog page shows.
type catalogView struct {
	Catalog   catalog.Catalog
	Versions  []catalog.Version
	CanEdit   bool
	CanSubmit bool
	CanReview bool
	Notices   []catalog.Notice
	Rows      []formRow
	Fields    []string
	Channels  []string
}

// formRow is one item of the edit form, with what the form holds for it.
type formRow struct {
	N         int
	Values    map[string]string
	Key       string
	Mandatory bool
	Comment   string
	// Channels marks the standard channels the item selects.
	Channels map[string]bool
}

func channelSet(text string) map[string]bool {
	m := map[string]bool{}
	for _, c := range catalog.ParseChannels(text) {
		m[c] = true
	}
	return m
}

// formRows lists the items of the form f, marking the mandatory ones and
// carrying the reviewer's remarks.
func formRows(f url.Values, items []catalog.CatalogItem) []formRow {
	byKey := map[string]catalog.CatalogItem{}
	for _, it := range items {
		byKey[it.Key()] = it
	}
	n, _ := strconv.Atoi(f.Get("count"))
	rows := make([]formRow, 0, n)
	for i := 0; i < min(n, 1000); i++ {
		row := formRow{N: i, Values: map[string]string{}, Key: f.Get(fmt.Sprintf("i.%d.key", i))}
		for _, name := range itemFields {
			row.Values[name] = f.Get(fmt.Sprintf("i.%d.%s", i, name))
		}
		if it, ok := byKey[row.Key]; ok {
			row.Mandatory, row.Comment = it.Mandatory, it.Comment
		}
		if chs, ok := f[fmt.Sprintf("i.%d.ch", i)]; ok {
			row.Values["channels"] = catalog.FormatChannels(chs)
		}
		row.Channels = channelSet(row.Values["channels"])
		rows = append(rows, row)
	}
	return rows
}

func (s *Server) catalogPage(w http.ResponseWriter, r *http.Request) error {
	a, c, err := s.accountCatalog(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.catalogs", "catalogs")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("catalog.done."+m) {
		p.Flash = p.T("catalog.done." + m)
	}
	return s.catalogDetail(w, r, a, p, c, http.StatusOK)
}

func (s *Server) catalogDetail(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, c catalog.Catalog, status int) error {
	vs, err := catalog.Versions(r.Context(), s.db, c)
	if err != nil {
		return err
	}
	ns, err := catalog.Notices(r.Context(), s.db, c.Unit)
	if err != nil {
		return err
	}
	var mine []catalog.Notice
	for _, n := range ns {
		if n.UnitCode == c.Unit.Code && n.DomainCode == c.Domain.Code {
			mine = append(mine, n)
		}
	}
	edit := catalog.CanEditCatalog(*a, c.Unit)
	v := catalogView{Catalog: c, Versions: vs, Notices: mine,
		CanEdit:   edit && c.Editable(),
		CanSubmit: edit && (c.Status == catalog.Draft || c.Status == catalog.Returned),
		CanReview: catalog.CanReviewCatalog(*a, c.Unit)}
	p.Title = c.Unit.Name + " " + p.T("catalog.domain_catalog", c.Domain.Name)
	if p.Form == nil || len(p.Form) == 0 {
		p.Form = itemsForm(c.Items)
	}
	v.Rows, v.Fields, v.Channels = formRows(p.Form, c.Items), itemFields, catalog.Channels
	p.Data = v
	s.render(w, r, status, "catalog", p)
	return nil
}

// itemFields are the editable elements of an item, as form field suffixes.
// Each is named as its column, so its label is "catcol."+name.
var itemFields = []string{"level1", "level2", "content", "basis", "limit", "subject", "channels", "audience", "method", "level"}

// itemsForm fills a form with the items, fields named i.N.field.
func itemsForm(items []catalog.CatalogItem) url.Values {
	f := url.Values{}
	f.Set("count", strconv.Itoa(len(items)))
	for n, it := range items {
		vals := []string{it.Level1, it.Level2, it.Content, it.Basis, it.TimeLimit, it.Subject, it.Channels, it.Audience, it.Method, it.Levels}
		for i, name := range itemFields {
			f.Set(fmt.Sprintf("i.%d.%s", n, name), vals[i])
		}
		f.Set(fmt.Sprintf("i.%d.key", n), it.Key())
	}
	return f
}

// itemsFromForm reads the items back: the kept ones in order, then a new
// local item if its name was filled in.
func itemsFromForm(f url.Values, old []catalog.CatalogItem) []catalog.CatalogItem {
	byKey := map[string]catalog.CatalogItem{}
	for _, it := range old {
		byKey[it.Key()] = it
	}
	read := func(prefix string) catalog.Item {
		g := func(name string) string { return strings.TrimSpace(f.Get(prefix + name)) }
		it := catalog.Item{Level1: g("level1"), Level2: g("level2"), Content: g("content"), Basis: g("basis"), TimeLimit: g("limit"),
			Subject: g("subject"), Channels: g("channels"), Audience: g("audience"), Method: g("method"), Levels: g("level")}
		if f.Get(prefix+"checklist") != "" {
			// The channel checkboxes: the checked ones are ■, the rest □.
			it.Channels = catalog.FormatChannels(f[prefix+"ch"])
			if len(f[prefix+"ch"]) == 0 {
				it.Channels = ""
			}
		}
		return it
	}
	n, _ := strconv.Atoi(f.Get("count"))
	n = min(n, 1000)
	var out []catalog.CatalogItem
	for i := 0; i < n; i++ {
		prefix := fmt.Sprintf("i.%d.", i)
		prev, known := byKey[f.Get(prefix+"key")]
		if f.Get(prefix+"remove") != "" && !(known && prev.Mandatory) {
			continue
		}
		it := catalog.CatalogItem{Item: read(prefix), Local: !known || prev.Local}
		if known {
			it.Mandatory = prev.Mandatory
			if prev.Mandatory {
				// The names of a mandatory item are the guideline's.
				it.Level1, it.Level2 = prev.Level1, prev.Level2
			}
		}
		out = append(out, it)
	}
	if nw := read("new."); nw.Level1 != "" || nw.Level2 != "" || nw.Content != "" {
		out = append(out, catalog.CatalogItem{Item: nw, Local: true})
	}
	return out
}

// catalogSave stores the edited items.
func (s *Server) catalogSave(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := parseFormN(w, r, 1<<20); err != nil {
		return err
	}
	ctx := r.Context()
	var c catalog.Catalog
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		old, err := s.scopedCatalog(ctx, tx, r, a)
		if err != nil {
			return err
		}
		c = old
		c, err = catalog.SetItems(ctx, tx, *a, old, itemsFromForm(r.PostForm, old.Items))
		return err
	})
	if err != nil {
		return s.catalogFormError(w, r, a, err)
	}
	http.Redirect(w, r, catalogURL(c.Unit.Code, c.Domain.Code)+"?done=saved", http.StatusSeeOther)
	return nil
}

// catalogFormError shows the catalog again with what was typed and what is
// wrong, or fails the request for errors that are not the user's.
func (s *Server) catalogFormError(w http.ResponseWriter, r *http.Request, a *auth.Account, err error) error {
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden {
		return err
	}
	c, lerr := s.scopedCatalog(r.Context(), s.db, r, a)
	if lerr != nil {
		return lerr
	}
	p := s.adminPage(r, "admin.catalogs", "catalogs")
	p.Form = r.PostForm
	if p.Form.Get("count") == "" {
		p.Form = itemsForm(c.Items)
		for k, v := range r.PostForm {
			p.Form[k] = v
		}
	}
	p.Errors = fieldErrors(p.Lang, err)
	p.Error = i18n.Error(p.Lang, err)
	return s.catalogDetail(w, r, a, p, c, statusOf(k))
}

// catalogAction moves a catalog through review.
func (s *Server) catalogAction(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := parseFormN(w, r, 1<<20); err != nil {
		return err
	}
	action := r.PathValue("action")
	ctx := r.Context()
	var c catalog.Catalog
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.scopedCatalog(ctx, tx, r, a)
		if err != nil {
			return err
		}
		switch action {
		case "submit":
			c, err = catalog.Submit(ctx, tx, *a, cur)
		case "return":
			comments := map[int]string{}
			for _, it := range cur.Items {
				if v := r.PostForm.Get(fmt.Sprintf("comment.%d", it.Seq)); strings.TrimSpace(v) != "" {
					comments[it.Seq] = v
				}
			}
			c, err = catalog.Return(ctx, tx, *a, cur, r.PostForm.Get("comment"), comments)
		case "approve":
			c, err = catalog.Approve(ctx, tx, *a, cur, r.PostForm.Get("comment"))
		case "publish":
			c, err = catalog.Publish(ctx, tx, *a, cur)
		default:
			return errNotFoundPage
		}
		return err
	})
	if err != nil {
		return s.catalogFormError(w, r, a, err)
	}
	http.Redirect(w, r, catalogURL(c.Unit.Code, c.Domain.Code)+"?done="+action, http.StatusSeeOther)
	return nil
}

// catalogDiff compares two kept versions, or a version with the working copy.
func (s *Server) catalogDiff(w http.ResponseWriter, r *http.Request) error {
	_, c, err := s.accountCatalog(r)
	if err != nil {
		return err
	}
	vs, err := catalog.Versions(r.Context(), s.db, c)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "catalog.diff", "catalogs")
	pick := func(param string) ([]catalog.CatalogItem, string, error) {
		v := r.URL.Query().Get(param)
		if v == "" || v == "current" {
			return c.Items, p.T("catalog.current_draft"), nil
		}
		for i := len(vs) - 1; i >= 0; i-- {
			if strconv.Itoa(vs[i].Version) == v {
				return vs[i].Items, p.T("catalog.version_n", vs[i].Version), nil
			}
		}
		return nil, "", errs.New(errs.NotFound, "catalog.no_version", v)
	}
	from, fromName, err := pick("from")
	if err != nil {
		return err
	}
	to, toName, err := pick("to")
	if err != nil {
		return err
	}
	p.Title = c.Unit.Name + " " + p.T("catalog.domain_catalog", c.Domain.Name) + " · " + p.T("catalog.diff")
	p.Data = map[string]any{"Catalog": c, "From": fromName, "To": toName, "Diff": catalog.DiffItems(catalog.Items(from), catalog.Items(to)), "Versions": vs}
	s.render(w, r, http.StatusOK, "catalog_diff", p)
	return nil
}

// noticeClose marks a change notice handled.
func (s *Server) noticeClose(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errs.New(errs.NotFound, "notice.not_found")
	}
	if err := s.db.InTx(r.Context(), func(tx *db.Tx) error { return catalog.CloseNotice(r.Context(), tx, *a, id) }); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

// domainAdd adds a local domain for a unit (plan item 五).
func (s *Server) domainAdd(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	var d catalog.Domain
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.ByCode(ctx, tx, r.PostForm.Get("domain_unit"))
		if err != nil || !catalog.CanEditCatalog(*a, u) {
			return errs.InvalidField("domain_unit", "unit.not_found", r.PostForm.Get("domain_unit"))
		}
		d, err = catalog.AddLocalDomain(ctx, tx, a.Login, u, r.PostForm.Get("domain_name"))
		return err
	})
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p := s.adminPage(r, "admin.catalogs", "catalogs")
		p.Form = r.PostForm
		p.Errors = fieldErrors(p.Lang, err)
		p.Error = i18n.Error(p.Lang, err)
		return s.catalogList(w, r, a, p, http.StatusBadRequest)
	}
	http.Redirect(w, r, "/admin/catalogs?domain_added="+url.QueryEscape(d.Code), http.StatusSeeOther)
	return nil
}
