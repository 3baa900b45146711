package web

import (
	"net/http"
	"net/url"
	"strconv"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
)

// foiJSON is an application as the API gives it. Staff get the applicant;
// the applicant's own view leaves out nothing of theirs but the staff's
// logins.
type foiJSON struct {
	ID           int64          `json:"id,omitempty"`
	TrackingNo   string         `json:"tracking_no"`
	Unit         string         `json:"unit"`
	UnitName     string         `json:"unit_name"`
	Channel      string         `json:"channel"`
	SubmittedAt  stamp          `json:"submitted_at"`
	ReceivedDate string         `json:"received_date,omitempty"`
	Status       string         `json:"status"`
	Deadline     string         `json:"deadline,omitempty"`
	Waiting      *foi.Urgency   `json:"waiting_for,omitempty"`
	Description  string         `json:"description"`
	Result       string         `json:"result,omitempty"`
	ResultDate   string         `json:"result_date,omitempty"`
	Reply        string         `json:"reply,omitempty"`
	Applicant    *foi.Applicant `json:"applicant,omitempty"`
	Handler      string         `json:"handler,omitempty"`
	Steps        []foi.Step     `json:"steps,omitempty"`
	// Files and Links are what a reply that discloses gives; a file's url
	// downloads it with the same access as the application.
	Files []replyFileJSON `json:"files,omitempty"`
	Links []replyLinkJSON `json:"links,omitempty"`
}

func (s *Server) toFOIJSON(app foi.Application, staff, steps bool) foiJSON {
	cal := s.cfg.Calendar()
	j := foiJSON{TrackingNo: app.TrackingNo, Unit: app.Unit.Code, UnitName: app.Unit.Name, Channel: app.Channel, SubmittedAt: stamp(app.SubmittedAt),
		ReceivedDate: app.ReceivedDate, Status: app.Status, Description: app.Description, Result: app.Result, ResultDate: app.ResultDate, Reply: app.Reply}
	if d, ok, _ := app.Deadline(cal); ok && app.Result == "" {
		j.Deadline = d.String()
	}
	if u, err := app.UrgencyOn(cal, s.today()); err == nil && u.What != "" {
		j.Waiting = &u
	}
	files := "/api/v1/foi/" + url.PathEscape(app.TrackingNo) + "/files/"
	if staff {
		files = "/admin/foi/" + strconv.FormatInt(app.ID, 10) + "/files/"
	}
	j.Files, j.Links = disclosedJSON(app, files)
	if staff {
		j.ID, j.Handler = app.ID, app.Handler
		ap := app.Applicant
		j.Applicant = &ap
	}
	switch {
	case steps && staff:
		j.Steps = app.Steps(cal)
	case steps:
		j.Steps = app.PublicSteps(cal)
	}
	return j
}

// apiFOIApply takes an application: the same fields as the form, as JSON.
// The answer holds the tracking number and the query code.
func (s *Server) apiFOIApply(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Unit          string `json:"unit"`
		ApplicantType string `json:"applicant_type"`
		Name          string `json:"name"`
		IDType        string `json:"id_type"`
		IDNumber      string `json:"id_number"`
		LegalRep      string `json:"legal_rep"`
		Contact       string `json:"contact"`
		Phone         string `json:"phone"`
		Email         string `json:"email"`
		Address       string `json:"address"`
		Postcode      string `json:"postcode"`
		Description   string `json:"description"`
		Purpose       string `json:"purpose"`
		Medium        string `json:"medium"`
		Delivery      string `json:"delivery"`
		Notify        string `json:"notify"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.applyAllowed(r); err != nil {
		return err
	}
	var app foi.Application
	var code string
	err := s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		fi := foi.Input{UnitCode: in.Unit, Description: in.Description, Purpose: in.Purpose, Medium: in.Medium, Delivery: in.Delivery,
			Notify: in.Notify, NotifyLang: string(langOf(r)),
			Applicant: foi.Applicant{Type: in.ApplicantType, Name: in.Name, IDType: in.IDType, IDNumber: in.IDNumber, LegalRep: in.LegalRep, Contact: in.Contact,
				Phone: in.Phone, Email: in.Email, Address: in.Address, Postcode: in.Postcode}}
		if err := s.checkNotify(fi); err != nil {
			return err
		}
		app, code, err = foi.Apply(r.Context(), tx, fi)
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, map[string]any{"tracking_no": app.TrackingNo, "query_code": code, "status": app.Status,
		"url": "/ysqgk/cx/" + app.TrackingNo + "/"})
	return nil
}

// apiFOIStatus gives the applicant their application; the query code comes
// in the X-Query-Code header, never in the URL.
func (s *Server) apiFOIStatus(w http.ResponseWriter, r *http.Request) error {
	app, err := s.foiLookup(r, r.PathValue("no"), r.Header.Get("X-Query-Code"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, s.toFOIJSON(app, false, true))
	return nil
}

// apiFOIList lists the applications in the account's scope:
// ?status=open|STATUS&q=TEXT&page=N.
func (s *Server) apiFOIList(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	status := q.Get("status")
	if status != "" && status != "open" && !validStatus(status) {
		return errs.New(errs.Invalid, "foi.status_invalid", status)
	}
	list, total, err := foi.List(r.Context(), s.db, s.cfg.Calendar(), foi.Filter{Scope: a.Unit, Status: status, Q: q.Get("q"), Limit: foiPerPage, Offset: (pageNo - 1) * foiPerPage}, s.today())
	if err != nil {
		return err
	}
	out := make([]foiJSON, 0, len(list))
	for _, l := range list {
		out = append(out, s.toFOIJSON(l.Application, true, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "page": pageNo, "applications": out})
	return nil
}

// apiFOIApplication gives one application in scope with its steps.
func (s *Server) apiFOIApplication(w http.ResponseWriter, r *http.Request) error {
	_, app, err := s.accountApp(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toFOIJSON(app, true, true))
	return nil
}
