package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/interpret"
	"gongkai/internal/org"
)

// itemDeadline is a catalog item of the account's unit with its newest
// record and the statutory deadline that record's formed date sets.
type itemDeadline struct {
	Catalog  catalog.Summary
	Item     catalog.CatalogItem
	Latest   *info.Record
	Deadline string
	Overdue  bool
	Rule     string
}

// deadlines lists, for each published catalog item of unit u, whether it
// has information and when the newest record is due under the item's
// 公开时限 rule on the working-day calendar.
func (s *Server) deadlines(ctx context.Context, lang i18n.Lang, u org.Unit) ([]itemDeadline, error) {
	cs, err := catalog.PublishedIn(ctx, s.db, u, false)
	if err != nil {
		return nil, err
	}
	cal := s.cfg.Calendar()
	today := calendar.DateOf(s.db.Now().In(calendar.China))
	var out []itemDeadline
	for _, pc := range cs {
		for _, it := range pc.Items {
			row := itemDeadline{Catalog: catalog.Summary{UnitCode: u.Code, DomainCode: pc.Domain.Code, DomainName: pc.Domain.Name}, Item: it}
			recs, err := latestForItem(ctx, s.db, pc.ID, it.Key())
			if err != nil {
				return nil, err
			}
			if len(recs) > 0 {
				r := recs[0]
				row.Latest = &r
				if d, ok := it.Limit.Due(cal, r.FormedDate); ok {
					row.Deadline = d.String()
					row.Overdue = r.Status != info.Published && today.After(d)
				}
			}
			row.Rule = it.Limit.Words(lang)
			out = append(out, row)
		}
	}
	return out, nil
}

// latestForItem returns the newest record of any status loaded against an
// item.
func latestForItem(ctx context.Context, q db.Querier, catalogID int64, key string) ([]info.Record, error) {
	return info.ItemAny(ctx, q, catalogID, key, 1)
}

// infoListPage lists the records in the account's scope.
func (s *Server) infoListPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if !keepsUnitRecords(a) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	ctx := r.Context()
	status := r.URL.Query().Get("status")
	recs, err := info.InScope(ctx, s.db, a.Unit, status, 200)
	if err != nil {
		return err
	}
	dls, err := s.deadlines(ctx, langOf(r), a.Unit)
	if err != nil {
		return err
	}
	units, err := org.Subtree(ctx, s.db, a.Unit)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.info", "info")
	p.Data = map[string]any{"Records": recs, "Deadlines": dls, "Units": units, "Status": status,
		"Statuses": []info.Status{info.Draft, info.Submitted, info.Approved, info.Published, info.Withdrawn}}
	s.render(w, r, http.StatusOK, "info_list", p)
	return nil
}

// inputOf reads the record form.
func inputOf(f url.Values) (info.Input, error) {
	in := info.Input{Title: f.Get("title"), DocNumber: f.Get("doc_number"), Issuer: f.Get("issuer"), WrittenDate: f.Get("written_date"),
		FormedDate: f.Get("formed_date"), Topic: f.Get("topic"), Genre: f.Get("genre"), Keywords: f.Get("keywords"),
		Attribute: f.Get("attribute"), AttributeReason: f.Get("attribute_reason"), Validity: f.Get("validity"),
		ValidityDate: f.Get("validity_date"), ReplacedBy: f.Get("replaced_by"), Body: f.Get("body"), LinkURL: f.Get("link_url"), LinkTitle: f.Get("link_title"),
		Column: f.Get("column")}
	if v := strings.TrimSpace(f.Get("publish_at")); v != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, calendar.China)
		if err != nil {
			return in, errs.InvalidField("publish_at", "info.bad_date", v)
		}
		in.PublishAt = t
	}
	return in, nil
}

// formOf fills the record form from a record.
func formOf(r info.Record) url.Values {
	f := url.Values{}
	for k, v := range map[string]string{"title": r.Title, "doc_number": r.DocNumber, "issuer": r.Issuer, "written_date": r.WrittenDate,
		"formed_date": r.FormedDate, "topic": r.Topic, "genre": r.Genre, "keywords": r.Keywords, "attribute": r.Attribute,
		"attribute_reason": r.AttributeReason, "validity": r.Validity, "validity_date": r.ValidityDate, "replaced_by": r.ReplacedBy,
		"body": r.Body, "link_url": r.LinkURL, "link_title": r.LinkTitle, "column": r.Column} {
		f.Set(k, v)
	}
	if !r.PublishAt.IsZero() {
		f.Set("publish_at", r.PublishAt.In(calendar.China).Format("2006-01-02T15:04"))
	}
	return f
}

func (s *Server) infoNewPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "info.new", "info")
	p.Form = url.Values{"unit": {r.URL.Query().Get("unit")}, "attribute": {info.Active}, "validity": {info.Valid}, "column": {info.ColumnContent}}
	return s.infoNewForm(w, r, a, p, http.StatusOK)
}

func (s *Server) infoNewForm(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	units, err := org.Subtree(r.Context(), s.db, a.Unit)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Units": units}
	s.render(w, r, status, "info_new", p)
	return nil
}

// infoCreate writes a new draft.
func (s *Server) infoCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if err := parseFormN(w, r, 4<<20); err != nil {
		return err
	}
	ctx := r.Context()
	var rec info.Record
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.ByCode(ctx, tx, r.PostForm.Get("unit"))
		if err != nil || !a.InScope(u) {
			return errs.InvalidField("unit", "unit.not_found", r.PostForm.Get("unit"))
		}
		in, err := inputOf(r.PostForm)
		if err != nil {
			return err
		}
		rec, err = info.Create(ctx, tx, *a, u, in)
		return err
	})
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid && k != errs.Forbidden {
			return err
		}
		p := s.adminPage(r, "info.new", "info")
		p.Form, p.Errors, p.Error = r.PostForm, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
		return s.infoNewForm(w, r, a, p, statusOf(errs.KindOf(err)))
	}
	http.Redirect(w, r, adminInfoURL(rec.ID)+"?done=created", http.StatusSeeOther)
	return nil
}

func adminInfoURL(id int64) string { return "/admin/info/" + strconv.FormatInt(id, 10) }

// scopedRecord loads the record in the path if a may see it.
func (s *Server) scopedRecord(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account) (info.Record, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	notFound := errs.New(errs.NotFound, "info.not_found", r.PathValue("id"))
	if err != nil {
		return info.Record{}, notFound
	}
	rec, err := info.ByID(ctx, q, id)
	if err != nil || !a.InScope(rec.Unit) || a.Role == auth.DomainSupervisor {
		return info.Record{}, notFound
	}
	return rec, nil
}

// infoPageData is what the record page shows.
type infoPageData struct {
	Record     info.Record
	Findings   []info.Finding
	CanEdit    bool
	CanApprove bool
	Catalogs   []catalog.PublishedCatalog
	Linked     map[string]bool
	// Interp is the record's part in policy interpretation.
	Interp interpretView
}

func (s *Server) infoAdminPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	rec, err := s.scopedRecord(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.info", "info")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("info.done."+m) {
		p.Flash = p.T("info.done." + m)
	}
	p.Form = formOf(rec)
	return s.infoDetail(w, r, a, p, rec, http.StatusOK)
}

func (s *Server) infoDetail(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, rec info.Record, status int) error {
	cs, err := catalog.PublishedIn(r.Context(), s.db, rec.Unit, false)
	if err != nil {
		return err
	}
	linked := map[string]bool{}
	for _, it := range rec.Items {
		linked[it.DomainCode+"|"+it.Key] = true
	}
	iv, err := s.interpretViewOf(r.Context(), *a, rec)
	if err != nil {
		return err
	}
	p.Title = rec.Title
	p.Data = infoPageData{Record: rec, Findings: rec.Findings(), CanEdit: info.CanEdit(*a, rec.Unit) && rec.Status == info.Draft,
		CanApprove: info.CanApprove(*a, rec.Unit), Catalogs: cs, Linked: linked, Interp: iv}
	s.render(w, r, status, "info_edit", p)
	return nil
}

// infoFormError shows the record page again with the error and what was
// typed, or fails the request for errors that are not the user's.
func (s *Server) infoFormError(w http.ResponseWriter, r *http.Request, a *auth.Account, err error) error {
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden && k != errs.Unprocessable {
		return err
	}
	rec, lerr := s.scopedRecord(r.Context(), s.db, r, a)
	if lerr != nil {
		return lerr
	}
	p := s.adminPage(r, "admin.info", "info")
	p.Form = formOf(rec)
	for k, v := range r.PostForm {
		p.Form[k] = v
	}
	p.Errors, p.Error = fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.infoDetail(w, r, a, p, rec, statusOf(k))
}

// recordStep is one change to a record, run in a transaction on the record
// the path names once the account may see it.
type recordStep func(ctx context.Context, tx *db.Tx, a *auth.Account, cur info.Record) (info.Record, error)

// onRecord runs step and redirects to the record page with ?done=done, or
// shows the page again with the error.
func (s *Server) onRecord(w http.ResponseWriter, r *http.Request, a *auth.Account, done string, step recordStep) error {
	ctx := r.Context()
	var rec info.Record
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.scopedRecord(ctx, tx, r, a)
		if err != nil {
			return err
		}
		rec, err = step(ctx, tx, a, cur)
		return err
	})
	if err != nil {
		return s.infoFormError(w, r, a, err)
	}
	http.Redirect(w, r, adminInfoURL(rec.ID)+"?done="+done, http.StatusSeeOther)
	return nil
}

// infoPost runs the step a form of the record page names: an upload
// (the multipart form), the step in do, or saving the draft.
func (s *Server) infoPost(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return s.infoUpload(w, r, a)
	}
	if err := parseFormN(w, r, 4<<20); err != nil {
		return err
	}
	if do := r.PostForm.Get("do"); do != "" && do != "save" {
		return s.infoAction(w, r, a, do)
	}
	return s.infoSave(w, r, a)
}

// infoSave updates a draft.
func (s *Server) infoSave(w http.ResponseWriter, r *http.Request, a *auth.Account) error {
	return s.onRecord(w, r, a, "saved", func(ctx context.Context, tx *db.Tx, a *auth.Account, cur info.Record) (info.Record, error) {
		in, err := inputOf(r.PostForm)
		if err != nil {
			return info.Record{}, err
		}
		return info.Update(ctx, tx, *a, cur, in)
	})
}

// infoUpload attaches an uploaded file to a draft.
func (s *Server) infoUpload(w http.ResponseWriter, r *http.Request, a *auth.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, info.MaxAttachment+1<<20)
	data, uerr := readUpload(r, "file", info.MaxAttachment)
	return s.onRecord(w, r, a, "attached", func(ctx context.Context, tx *db.Tx, a *auth.Account, cur info.Record) (info.Record, error) {
		if uerr != nil {
			return info.Record{}, uerr
		}
		_, name := fileOf(r, "file")
		return info.AddAttachment(ctx, tx, *a, s.cfg.Files, cur, name, data)
	})
}

// infoAction runs the workflow step action on a record.
func (s *Server) infoAction(w http.ResponseWriter, r *http.Request, a *auth.Account, action string) error {
	f := r.PostForm
	return s.onRecord(w, r, a, action, func(ctx context.Context, tx *db.Tx, a *auth.Account, cur info.Record) (info.Record, error) {
		switch action {
		case "submit":
			return interpret.Submit(ctx, tx, *a, cur)
		case "mask":
			return info.MaskAll(ctx, tx, *a, cur)
		case "override":
			return info.OverrideScreening(ctx, tx, *a, cur, f.Get("reason"))
		case "approve":
			return interpret.Approve(ctx, tx, *a, cur, f.Get(interpret.AloneField))
		case "return":
			return interpret.ReturnToDraft(ctx, tx, *a, cur, f.Get("note"))
		case "publish":
			return interpret.Publish(ctx, tx, *a, cur, f.Get(interpret.AloneField))
		case "needs":
			return cur, interpret.Mark(ctx, tx, *a, cur, f.Get("needs") == "1")
		case "form":
			it, err := interpret.ByRecord(ctx, tx, cur.ID)
			if err != nil {
				return info.Record{}, err
			}
			_, err = interpret.SetForm(ctx, tx, *a, it, f.Get("form"))
			return cur, err
		case "withdraw":
			return info.Withdraw(ctx, tx, *a, cur, f.Get("reason"))
		case "validity":
			return info.SetValidity(ctx, tx, *a, cur, f.Get("validity"), f.Get("validity_date"), f.Get("replaced_by"))
		case "detach":
			seq, _ := strconv.Atoi(f.Get("seq"))
			return info.RemoveAttachment(ctx, tx, *a, cur, seq)
		case "items":
			d, err := catalog.DomainByCode(ctx, tx, f.Get("domain"))
			if err != nil {
				return info.Record{}, errs.InvalidField("domain", "domain.not_found", f.Get("domain"))
			}
			return info.LinkItems(ctx, tx, *a, cur, d, f["item"])
		}
		return info.Record{}, errNotFoundPage
	})
}
