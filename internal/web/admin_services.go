package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/services"
	"gongkai/internal/tabular"
)

// serviceConsoleRoutes registers the console of service guides and of the
// office responsible.
func (s *Server) serviceConsoleRoutes(mux router) {
	mux.Handle("GET /admin/services", s.h(s.svcListPage))
	mux.Handle("POST /admin/services", s.h(s.svcCreate))
	mux.Handle("POST /admin/services/import", s.h(s.svcImport))
	mux.Handle("GET /admin/services/guides/{id}", s.h(s.svcPage))
	// As for records, every form of a guide posts to it, naming its step
	// with the button (do=…); a sample's upload is the multipart one.
	mux.Handle("POST /admin/services/guides/{id}", s.h(s.svcPost))
	mux.Handle("GET /admin/services/guides/{id}/diff", s.h(s.svcDiff))
	mux.Handle("GET /admin/services/guides/{id}/files/{n}", s.h(s.svcSample))
	mux.Handle("POST /admin/services/settings", s.h(s.svcSettings))
	mux.Handle("GET /admin/services/events", s.h(s.svcEventsPage))
	mux.Handle("POST /admin/services/events", s.h(s.svcEventSave))
	mux.Handle("GET /admin/services/events/{code}", s.h(s.svcEventPage))
	mux.Handle("POST /admin/services/events/{code}", s.h(s.svcEventPost))
	mux.Handle("GET /admin/services/checks", s.h(s.svcChecksPage))
	mux.Handle("POST /admin/services/checks", s.h(s.svcCheckStart))
	mux.Handle("GET /admin/services/checks/{id}", s.h(s.svcCheckPage))
	mux.Handle("POST /admin/services/checks/{id}", s.h(s.svcCheckPost))
	mux.Handle("GET /admin/services/checks/{id}/results.xlsx", s.h(s.svcCheckXLSX))
	mux.Handle("GET /admin/services/complaints", s.h(s.svcComplaintsPage))
	mux.Handle("POST /admin/services/complaints", s.h(s.svcComplaintRegister))
	mux.Handle("GET /admin/services/complaints/{id}", s.h(s.svcComplaintPage))
	mux.Handle("POST /admin/services/complaints/{id}", s.h(s.svcComplaintPost))
	mux.Handle("GET /admin/services/summary", s.h(s.svcSummaryPage))
	mux.Handle("GET /admin/services/summary/{year}/summary.xlsx", s.h(s.svcSummaryXLSX))
}

func adminGuideURL(id int64) string { return "/admin/services/guides/" + strconv.FormatInt(id, 10) }

// svcAccount returns the signed-in account if it works on units' guides:
// everyone but a domain supervisor, as for records.
func svcAccount(r *http.Request) (*auth.Account, error) {
	a, err := requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !keepsUnitRecords(a) {
		return nil, errs.New(errs.Forbidden, "error.forbidden")
	}
	return a, nil
}

// svcSettingsOf returns the settings of service disclosure.
func (s *Server) svcSettingsOf(ctx context.Context) (services.Settings, error) {
	return services.LoadSettings(ctx, s.db)
}

// svcListPage lists the guides in the account's scope with the forms to
// start one and to import a table.
func (s *Server) svcListPage(w http.ResponseWriter, r *http.Request) error {
	a, err := svcAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.services", "services")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("svc.done."+m) {
		p.Flash = p.T("svc.done." + m)
	}
	return s.svcListRender(w, r, a, p, http.StatusOK)
}

func (s *Server) svcListRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	if err := s.svcListData(r, a, p); err != nil {
		return err
	}
	s.render(w, r, status, "svc_admin_list", p)
	return nil
}

// svcListData fills p with the list page's data.
func (s *Server) svcListData(r *http.Request, a *auth.Account, p *page) error {
	ctx := r.Context()
	q := r.URL.Query()
	st := services.Status(q.Get("status"))
	if !validGuideStatus(st) {
		st = ""
	}
	gs, err := services.List(ctx, s.db, services.Filter{Scope: &a.Unit, Status: st, Q: q.Get("q"), Limit: 500})
	if err != nil {
		return err
	}
	units, err := s.unitsWhere(ctx, a, services.CanEdit)
	if err != nil {
		return err
	}
	set, err := s.svcSettingsOf(ctx)
	if err != nil {
		return err
	}
	if p.Form.Get("unit") == "" {
		p.Form.Set("unit", a.Unit.Code)
	}
	if a.IsAdmin() && p.Form.Get("office") == "" && p.Form.Get("hall_url") == "" {
		p.Form.Set("office", set.Office.Code)
		p.Form.Set("hall_url", set.HallURL)
	}
	p.Data = map[string]any{"Guides": gs, "Units": units, "Types": services.Types, "Statuses": services.Statuses, "Status": string(st),
		"Q": q.Get("q"), "Settings": set, "Office": set.IsOffice(*a), "Events": set.EditsEvents(*a), "Follows": set.Follows(*a)}
	return nil
}

func validGuideStatus(st services.Status) bool {
	for _, x := range services.Statuses {
		if st == x {
			return true
		}
	}
	return false
}

// svcFormAgain shows the list page again after a refused form, with what
// was typed.
func (s *Server) svcFormAgain(w http.ResponseWriter, r *http.Request, a *auth.Account, err error) error {
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Forbidden && k != errs.Conflict {
		return err
	}
	p := s.adminPage(r, "admin.services", "services")
	if r.MultipartForm != nil {
		p.Form = url.Values(r.MultipartForm.Value)
	} else {
		p.Form = r.PostForm
	}
	p.Errors, p.Error = fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.svcListRender(w, r, a, p, statusOf(k))
}

// unitInScope returns the unit a form names if a's scope holds it; any
// other is refused on the unit field, as if it did not exist.
func unitInScope(ctx context.Context, q db.Querier, a *auth.Account, code string) (org.Unit, error) {
	u, err := org.ByCode(ctx, q, strings.TrimSpace(code))
	if err != nil || !a.InScope(u) {
		return org.Unit{}, errs.InvalidField("unit", "unit.not_found", code)
	}
	return u, nil
}

// svcCreate starts a guide with its name and type.
func (s *Server) svcCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := svcAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var g services.Guide
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := unitInScope(ctx, tx, a, r.PostForm.Get("unit"))
		if err != nil {
			return err
		}
		g, err = services.Create(ctx, tx, *a, u, services.Content{Name: r.PostForm.Get("name"), Type: services.Type(r.PostForm.Get("type"))})
		return err
	})
	if err != nil {
		return s.svcFormAgain(w, r, a, err)
	}
	http.Redirect(w, r, adminGuideURL(g.ID)+"?done=created", http.StatusSeeOther)
	return nil
}

// svcImport imports a table of guides into a unit, as the command line's
// import services does.
func (s *Server) svcImport(w http.ResponseWriter, r *http.Request) error {
	a, err := svcAccount(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, tabular.MaxBytes+1<<20)
	data, err := readUpload(r, "file", tabular.MaxBytes)
	var res services.ImportResult
	if err == nil {
		ctx := r.Context()
		_, name := fileOf(r, "file")
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			u, err := unitInScope(ctx, tx, a, r.FormValue("unit"))
			if err != nil {
				return err
			}
			f, err := services.ReadFile(name, strings.NewReader(string(data)))
			if err != nil {
				return errs.InvalidField("file", "svc.import_failed", err)
			}
			res, err = services.ImportGuides(ctx, tx, *a, services.Import{Unit: u, Publish: r.FormValue("publish") == "yes", FileName: name, File: f})
			if e := errs.As(err); e != nil && e.Field == "" && e.Kind == errs.Invalid {
				e.Field = "file"
			}
			return err
		})
	}
	if err != nil {
		return s.svcFormAgain(w, r, a, err)
	}
	p := s.adminPage(r, "admin.services", "services")
	p.Flash = p.T("svc.imported", res.Rows, res.Created, res.Updated)
	if err := s.svcListData(r, a, p); err != nil {
		return err
	}
	p.Data.(map[string]any)["Imported"] = res
	s.render(w, r, http.StatusOK, "svc_admin_list", p)
	return nil
}

// scopedGuide loads the guide of the path if a may see it; one outside
// a's scope is not found.
func (s *Server) scopedGuide(ctx context.Context, q db.Querier, r *http.Request, a *auth.Account) (services.Guide, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	notFound := errs.New(errs.NotFound, "svc.not_found", r.PathValue("id"))
	if err != nil {
		return services.Guide{}, notFound
	}
	g, err := services.ByID(ctx, q, id)
	if errs.KindOf(err) == errs.NotFound || err == nil && (!a.InScope(g.Unit) || !keepsUnitRecords(a)) {
		return services.Guide{}, notFound
	}
	return g, err
}

// svcPage is a guide in the console: its form, review and versions.
func (s *Server) svcPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	g, err := s.scopedGuide(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.services", "services")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("svc.done."+m) {
		p.Flash = p.T("svc.done." + m)
	}
	return s.svcRender(w, r, a, p, g, http.StatusOK)
}

// materialRows is how many material rows the form shows: the guide's and
// three blank ones to add more.
func materialRows(n int) []int {
	out := make([]int, n+3)
	for i := range out {
		out[i] = i
	}
	return out
}

func (s *Server) svcRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, g services.Guide, status int) error {
	vs, err := services.Versions(r.Context(), s.db, g.ID)
	if err != nil {
		return err
	}
	form := guideForm(g.Content)
	for k, v := range p.Form {
		form[k] = v
	}
	p.Form = form
	n := len(g.Materials)
	if m, _ := strconv.Atoi(form.Get("materials_n")); m > n {
		n = m
	}
	p.Title = g.Name
	p.Data = map[string]any{"G": g, "Versions": vs, "Missing": g.Missing(), "CanEdit": services.CanEdit(*a, g.Unit) && g.Editable(),
		"CanPublish": services.CanPublish(*a, g.Unit), "Types": services.Types, "Forms": services.Forms, "Rows": materialRows(n)}
	s.render(w, r, status, "svc_admin", p)
	return nil
}

// guideForm fills the guide form from c.
func guideForm(c services.Content) url.Values {
	f := url.Values{"name": {c.Name}, "type": {string(c.Type)}, "basis": {c.Basis}, "conditions": {c.Conditions}, "steps": {strings.Join(c.Steps, "\n")},
		"legal_days": {daysText(c.LegalDays)}, "promised_days": {daysText(c.PromisedDays)}, "fee": {c.Fee}, "fee_basis": {c.FeeBasis},
		"place": {c.Place}, "hours": {c.Hours}, "phone": {c.Phone}, "complaint_phone": {c.ComplaintPhone}, "online_url": {c.OnlineURL},
		"served": {c.Served}, "events": {strings.Join(c.Events, "、")}, "materials_n": {strconv.Itoa(len(c.Materials))}}
	for i, m := range c.Materials {
		n := strconv.Itoa(i)
		f.Set("material_name_"+n, m.Name)
		f.Set("material_form_"+n, m.Form)
		f.Set("material_copies_"+n, strconv.Itoa(m.Copies))
		f.Set("material_note_"+n, m.Note)
		if m.Original {
			f.Set("material_original_"+n, "yes")
		}
	}
	return f
}

func daysText(d *int) string {
	if d == nil {
		return ""
	}
	return strconv.Itoa(*d)
}

// formDays reads a time limit field: empty for none; anything but a whole
// number is out of range, so that validation names the field.
func formDays(v string) *int {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		n = -1
	}
	return &n
}

// guideInput reads the guide form: the material rows material_*_0 up to
// material_*_N, blank rows dropped.
func guideInput(f url.Values) services.Content {
	c := services.Content{Name: f.Get("name"), Type: services.Type(f.Get("type")), Basis: f.Get("basis"), Conditions: f.Get("conditions"),
		Steps: strings.Split(f.Get("steps"), "\n"), LegalDays: formDays(f.Get("legal_days")), PromisedDays: formDays(f.Get("promised_days")),
		Fee: f.Get("fee"), FeeBasis: f.Get("fee_basis"), Place: f.Get("place"), Hours: f.Get("hours"), Phone: f.Get("phone"),
		ComplaintPhone: f.Get("complaint_phone"), OnlineURL: f.Get("online_url"), Served: f.Get("served"), Events: services.SplitEvents(f.Get("events"))}
	for i := 0; i < 200; i++ {
		n := strconv.Itoa(i)
		if _, ok := f["material_name_"+n]; !ok {
			break
		}
		copies, err := strconv.Atoi(strings.TrimSpace(f.Get("material_copies_" + n)))
		if err != nil {
			copies = -1
			if strings.TrimSpace(f.Get("material_copies_"+n)) == "" {
				copies = 1
			}
		}
		c.Materials = append(c.Materials, services.Material{Name: f.Get("material_name_" + n), Form: f.Get("material_form_" + n), Copies: copies,
			Original: f.Get("material_original_"+n) == "yes", Note: f.Get("material_note_" + n)})
	}
	return c
}

// svcPost runs the step a form of the guide's page names, or the upload of
// a material's sample (the multipart form).
func (s *Server) svcPost(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, info.MaxAttachment+1<<20)
		data, uerr := readUpload(r, "file", info.MaxAttachment)
		return s.onGuide(w, r, a, "attached", func(ctx context.Context, tx *db.Tx, cur services.Guide) error {
			if uerr != nil {
				return uerr
			}
			_, name := fileOf(r, "file")
			n, _ := strconv.Atoi(r.FormValue("material"))
			_, err := services.AttachSample(ctx, tx, *a, s.cfg.Files, cur, n, name, data)
			return err
		})
	}
	f := r.PostForm
	do := f.Get("do")
	return s.onGuide(w, r, a, do, func(ctx context.Context, tx *db.Tx, cur services.Guide) error {
		var err error
		switch do {
		case "save":
			_, err = services.Update(ctx, tx, *a, cur, guideInput(f))
		case "submit":
			_, err = services.Submit(ctx, tx, *a, cur)
		case "return":
			_, err = services.Return(ctx, tx, *a, cur, f.Get("comment"))
		case "publish":
			_, err = services.Publish(ctx, tx, *a, cur)
		case "withdraw":
			_, err = services.Withdraw(ctx, tx, *a, cur)
		case "detach":
			n, _ := strconv.Atoi(f.Get("material"))
			_, err = services.RemoveSample(ctx, tx, *a, cur, n)
		default:
			err = errNotFoundPage
		}
		return err
	})
}

// onGuide runs step on the guide of the path in a transaction and
// redirects to its page with ?done=done, or shows the page again with the
// error and what was typed.
func (s *Server) onGuide(w http.ResponseWriter, r *http.Request, a *auth.Account, done string, step func(ctx context.Context, tx *db.Tx, cur services.Guide) error) error {
	ctx := r.Context()
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.scopedGuide(ctx, tx, r, a)
		if err != nil {
			return err
		}
		id = cur.ID
		return step(ctx, tx, cur)
	})
	if err == nil {
		http.Redirect(w, r, adminGuideURL(id)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden {
		return err
	}
	g, lerr := s.scopedGuide(ctx, s.db, r, a)
	if lerr != nil {
		return lerr
	}
	p := s.adminPage(r, "admin.services", "services")
	if r.MultipartForm == nil {
		p.Form = r.PostForm
	}
	p.Errors, p.Error = fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.svcRender(w, r, a, p, g, statusOf(k))
}

// svcDiff compares the working copy with a kept version (?v=N; the
// published one by default).
func (s *Server) svcDiff(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	g, err := s.scopedGuide(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	vs, err := services.Versions(r.Context(), s.db, g.ID)
	if err != nil {
		return err
	}
	want := g.PublishedVersion
	if v := r.URL.Query().Get("v"); v != "" {
		if want, err = strconv.Atoi(v); err != nil {
			return errs.InvalidField("v", "svc.no_version", v)
		}
	}
	var from *services.Version
	for i := range vs {
		if vs[i].Version == want {
			from = &vs[i] // the last kept of that number: published over submitted
		}
	}
	if from == nil {
		return errs.New(errs.NotFound, "svc.no_version", strconv.Itoa(want))
	}
	p := s.adminPage(r, "admin.services", "services")
	p.Title = g.Name
	p.Data = map[string]any{"G": g, "From": from, "Changes": services.Diff(from.Content, g.Content)}
	s.render(w, r, http.StatusOK, "svc_diff", p)
	return nil
}

// svcSample downloads the sample of a material of the working copy.
func (s *Server) svcSample(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	g, err := s.scopedGuide(r.Context(), s.db, r, a)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(r.PathValue("n"))
	f, err := g.Sample(n)
	if err != nil {
		return err
	}
	return s.serveStored(w, r, f.SHA256, f.Name, f.MIME, false)
}

// svcSettings sets the office responsible and the online hall's address:
// administrators only.
func (s *Server) svcSettings(w http.ResponseWriter, r *http.Request) error {
	a, err := svcAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := services.SaveSettings(ctx, tx, *a, r.PostForm.Get("office"), r.PostForm.Get("hall_url"))
		return err
	})
	if err != nil {
		return s.svcFormAgain(w, r, a, err)
	}
	http.Redirect(w, r, "/admin/services?done=settings", http.StatusSeeOther)
	return nil
}
