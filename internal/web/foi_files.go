package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/info"
	"gongkai/internal/push"
)

// maxReplyUpload bounds the body of a reply with its files: two files of
// the largest size an attachment may have, or more smaller ones.
const maxReplyUpload = 2*info.MaxAttachment + 1<<20

// parseReplyForm reads the reply form, which comes as a multipart form
// when it carries the files disclosed (field "file", several allowed).
func parseReplyForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxReplyUpload)
	err := r.ParseMultipartForm(32 << 20)
	if err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return errs.InvalidField("file", "foi.upload_too_large", maxReplyUpload>>20)
	}
	return nil
}

// replyUploads returns the files of the reply form. A file past
// info.MaxAttachment is cut one byte past it, for the check to refuse it by
// its size.
func replyUploads(r *http.Request) ([]foi.Upload, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var ups []foi.Upload
	for _, fh := range r.MultipartForm.File["file"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // the empty part a browser sends when no file is chosen
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		buf := bytes.NewBuffer(make([]byte, 0, min(fh.Size, info.MaxAttachment)+bytes.MinRead))
		_, err = buf.ReadFrom(io.LimitReader(f, info.MaxAttachment+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		ups = append(ups, foi.Upload{Name: fh.Filename, Data: buf.Bytes()})
	}
	return ups, nil
}

// fileSeq reads the file number of the URL.
func fileSeq(r *http.Request) int {
	n, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil {
		return -1
	}
	return n
}

// serveReplyFile sends a file of app's reply; it is the applicant's, so
// nothing keeps it.
func (s *Server) serveReplyFile(w http.ResponseWriter, r *http.Request, app foi.Application) error {
	f, err := app.File(fileSeq(r))
	if err != nil {
		return err
	}
	return s.serveStored(w, r, f.SHA256, f.Name, f.MIME, false)
}

// foiAdminFile sends a file of a reply to staff who may read the
// application.
func (s *Server) foiAdminFile(w http.ResponseWriter, r *http.Request) error {
	_, app, err := s.accountApp(r)
	if err != nil {
		return err
	}
	return s.serveReplyFile(w, r, app)
}

// foiPublicFile sends a file of the reply to the applicant, whose cookie
// holds the query code, as for the status page.
func (s *Server) foiPublicFile(w http.ResponseWriter, r *http.Request) error {
	app, ok, err := s.foiOwn(r)
	if err != nil {
		return err
	}
	if !ok {
		w.Header().Set("Cache-Control", "no-store")
		return errs.New(errs.NotFound, "foi.not_found")
	}
	return s.serveReplyFile(w, r, app)
}

// apiFOIFile sends a file of the reply to the applicant; the query code
// comes in the X-Query-Code header, as for apiFOIStatus.
func (s *Server) apiFOIFile(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	app, err := s.foiLookup(r, r.PathValue("no"), r.Header.Get("X-Query-Code"))
	if err != nil {
		return err
	}
	return s.serveReplyFile(w, r, app)
}

// queueReply queues, in tx, the message that sends app's reply to an
// applicant who chose e-mail, when e-mail is on.
func (s *Server) queueReply(r *http.Request, tx *db.Tx, app foi.Application) error {
	if !s.cfg.Push.Enabled(push.Email) || !app.WantsMail() {
		return nil
	}
	n, err := s.foiNoticeOf(r.Context(), app)
	if err != nil {
		return err
	}
	_, err = foi.QueueReply(r.Context(), tx, app, n, s.cfg.Files, s.baseURL(r)+"/ysqgk/cx/"+url.PathEscape(app.TrackingNo)+"/")
	return err
}

// mailReply delivers at once the reply message queueReply queued, for the
// clerk to see whether it went, and puts the outcome on the timeline. It
// returns "sent", "failed", "queued" (the outbox sends it shortly) or ""
// when no mail was due; the failure's detail goes to the log and the
// outbox, which retries it.
func (s *Server) mailReply(r *http.Request, actor string, app foi.Application) string {
	if !s.cfg.Push.Enabled(push.Email) || !app.WantsMail() {
		return ""
	}
	ctx := r.Context()
	msgs, err := push.About(ctx, s.db, foi.KindReply, app.TrackingNo)
	if err != nil || len(msgs) == 0 {
		s.log.Error("find the reply mail", "application", app.TrackingNo, "err", err)
		return "failed"
	}
	state, err := s.cfg.Push.Deliver(ctx, msgs[len(msgs)-1].ID)
	if state == push.Queued {
		return "queued"
	}
	if err != nil {
		s.log.Error("mail the reply", "application", app.TrackingNo, "err", err)
	}
	if rerr := s.db.InTx(ctx, func(tx *db.Tx) error { return foi.RecordMailed(ctx, tx, app, actor, err != nil) }); rerr != nil {
		s.log.Error("record the reply mail", "application", app.TrackingNo, "err", rerr)
	}
	if err != nil {
		return "failed"
	}
	return "sent"
}

// foiMailAgain sends the reply by e-mail again, after a failure or on the
// applicant's request: the failed message again, or a new one.
func (s *Server) foiMailAgain(w http.ResponseWriter, r *http.Request) error {
	a, app, err := s.accountApp(r)
	if err != nil {
		return err
	}
	if !foi.CanHandle(*a, app.Unit) {
		return errs.New(errs.Forbidden, "error.forbidden")
	}
	if !s.cfg.Push.Enabled(push.Email) || !app.WantsMail() {
		return errs.New(errs.Conflict, "foi.mail_not_due")
	}
	if err := s.db.InTx(r.Context(), func(tx *db.Tx) error { return s.queueReply(r, tx, app) }); err != nil {
		return err
	}
	res := s.mailReply(r, a.Login, app)
	http.Redirect(w, r, "/admin/foi/"+strconv.FormatInt(app.ID, 10)+"?mail="+res, http.StatusSeeOther)
	return nil
}

// replyFileJSON is a file of a reply as the API lists it.
type replyFileJSON struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
	MIME string `json:"mime"`
	URL  string `json:"url"`
}

// replyLinkJSON is a link of a reply.
type replyLinkJSON struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
}

// disclosedJSON lists the files of a reply with their download addresses
// under base, and its links.
func disclosedJSON(app foi.Application, base string) ([]replyFileJSON, []replyLinkJSON) {
	var files []replyFileJSON
	for _, f := range app.Files {
		files = append(files, replyFileJSON{Name: f.Name, Size: f.Size, MIME: f.MIME, URL: base + strconv.Itoa(f.Seq)})
	}
	var links []replyLinkJSON
	for _, l := range app.Links {
		links = append(links, replyLinkJSON{URL: l.URL, Title: l.Title})
	}
	return files, links
}
