package foi

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/screen"
)

// Reply is the answer a clerk records.
type Reply struct {
	Result      string
	Date        string // empty: today
	Text        string // the information given, where it is public, or the reasons
	OtherAgency string
	// Files and Links are the information a reply that discloses gives
	// (Discloses); Reason is why personal data screening found in the files
	// may go to the applicant, given by a reviewer; Dir is the folder files
	// are stored in, as record attachments are.
	Files  []Upload
	Links  []ReplyLink
	Reason string
	Dir    string
}

// Answer records the reply. The results for abandoned applications
// (other_no_correction, other_no_fee) come from Sweep, not from a clerk.
func Answer(ctx context.Context, tx *db.Tx, a auth.Account, app Application, r Reply) (Application, error) {
	if err := handle(a, app, StatusProcessing); err != nil {
		return Application{}, err
	}
	if !ValidResult(r.Result) || r.Result == OtherNoCorrection || r.Result == OtherNoFee {
		return Application{}, errs.InvalidField("result", "foi.result_invalid")
	}
	r.Text, r.OtherAgency = clean(r.Text), oneLine(r.OtherAgency)
	if r.Text == "" {
		return Application{}, errs.InvalidField("text", "foi.required", errs.Msg("foi.field.reply"))
	}
	if utf8len(r.Text) > maxReply {
		return Application{}, errs.InvalidField("text", "foi.too_long", errs.Msg("foi.field.reply"), maxReply)
	}
	if utf8len(r.OtherAgency) > maxName {
		return Application{}, errs.InvalidField("other_agency", "foi.too_long", errs.Msg("foi.field.other_agency"), maxName)
	}
	d, err := dayArg(tx, "date", r.Date, app.ClockStart)
	if err != nil {
		return Application{}, err
	}
	if (len(r.Files) > 0 || len(r.Links) > 0) && !Discloses(r.Result) {
		return Application{}, errs.InvalidField("file", "foi.files_not_disclosing")
	}
	links, err := checkLinks(r.Links)
	if err != nil {
		return Application{}, err
	}
	// Every file is checked before anything is written.
	files, err := checkFiles(a, app, r.Files, r.Reason)
	if err != nil {
		return Application{}, err
	}
	out, err := touch(ctx, tx, app, a.Login, "replied", d.String(), r.Result,
		`status = ?, result = ?, result_date = ?, reply = ?, other_agency = ?, replied_by = ?`,
		StatusReplied, r.Result, d.String(), r.Text, r.OtherAgency, a.Login)
	if err != nil {
		return Application{}, err
	}
	if err := saveDisclosed(ctx, tx, a, out, r.Dir, files, r.Files, links); err != nil {
		return Application{}, err
	}
	if len(files) > 0 || len(links) > 0 {
		out.Files, out.Links = files, links
	}
	return out, nil
}

// Upload is a file a clerk gives with a reply: what is disclosed.
type Upload struct {
	Name string
	Data []byte
}

// ReplyFile is a file given with a reply, stored by its content like a
// record's attachments (info.FilePath).
type ReplyFile struct {
	Seq    int
	Name   string
	SHA256 string
	Size   int64
	MIME   string
	// Released is who let the file go although screening found personal
	// data in it, and why ("login：reason"); empty when it found none.
	Released string
}

// ReplyLink is an address where information the reply gives is already
// published.
type ReplyLink struct {
	Seq   int
	URL   string
	Title string
}

// Limits of what one reply carries.
const (
	MaxReplyFiles = 10
	MaxReplyLinks = 20
	maxURL        = 1000
	maxLinkTitle  = 200
)

// Discloses reports whether a reply of kind result gives information
// (予以公开, 部分公开): the only kinds that carry files and links.
func Discloses(result string) bool { return result == Granted || result == Partial }

// ParseLinks reads links written one a line: an address, then, after a
// space, its title if any. Blank lines are skipped; Answer checks the rest.
func ParseLinks(s string) []ReplyLink {
	var out []ReplyLink
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		u, title, _ := strings.Cut(line, " ")
		out = append(out, ReplyLink{URL: u, Title: strings.TrimSpace(title)})
	}
	return out
}

// checkLinks checks the links of a reply: absolute http or https addresses
// with a host, within the limits.
func checkLinks(ls []ReplyLink) ([]ReplyLink, error) {
	if len(ls) > MaxReplyLinks {
		return nil, errs.InvalidField("links", "foi.links_too_many", MaxReplyLinks)
	}
	out := make([]ReplyLink, len(ls))
	for i, l := range ls {
		l.Seq, l.URL, l.Title = i+1, strings.TrimSpace(l.URL), oneLine(l.Title)
		u, err := url.Parse(l.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(l.URL) > maxURL || strings.ContainsAny(l.URL, " \t\r\n") {
			return nil, errs.InvalidField("links", "foi.link_invalid", l.URL)
		}
		if utf8len(l.Title) > maxLinkTitle {
			return nil, errs.InvalidField("links", "foi.too_long", errs.Msg("foi.field.link_title"), maxLinkTitle)
		}
		out[i] = l
	}
	return out, nil
}

// checkFiles checks the files of a reply as record attachments are checked
// (info.CheckFile) and screens their text for personal data (screen). Files
// with findings go only with a reason to release them, given by someone who
// may release a record's (info.CanApprove). It returns the files checked,
// each with its Released note where needed.
func checkFiles(a auth.Account, app Application, ups []Upload, reason string) ([]ReplyFile, error) {
	if len(ups) > MaxReplyFiles {
		return nil, errs.InvalidField("file", "foi.files_too_many", MaxReplyFiles)
	}
	out := make([]ReplyFile, len(ups))
	var found int
	var with []string
	var flagged []int // the files with findings
	for i, up := range ups {
		at, err := info.CheckFile(up.Name, up.Data)
		if e := errs.As(err); e != nil {
			return nil, errs.InvalidField("file", "foi.file_refused", up.Name, e)
		} else if err != nil {
			return nil, err
		}
		out[i] = ReplyFile{Seq: i + 1, Name: at.Name, SHA256: at.SHA256, Size: at.Size, MIME: at.MIME}
		if n := len(screen.Text(at.Text)); n > 0 {
			found += n
			with = append(with, at.Name)
			flagged = append(flagged, i)
		}
	}
	if found == 0 {
		return out, nil
	}
	if strings.TrimSpace(reason) == "" {
		return nil, errs.InvalidField("reason", "foi.files_personal_data", found, strings.Join(with, "、"))
	}
	if !info.CanApprove(a, app.Unit) {
		return nil, errs.New(errs.Forbidden, "foi.release_forbidden")
	}
	reason, err := info.ReleaseReason(reason)
	if err != nil {
		return nil, err
	}
	for _, i := range flagged {
		out[i].Released = a.Login + "：" + reason
	}
	return out, nil
}

// saveDisclosed stores the files of a reply under dir and records them and
// the links. The files were checked; their content is written only now.
func saveDisclosed(ctx context.Context, tx *db.Tx, a auth.Account, app Application, dir string, files []ReplyFile, ups []Upload, links []ReplyLink) error {
	if len(files) == 0 && len(links) == 0 {
		return nil
	}
	if len(files) > 0 && dir == "" {
		return fmt.Errorf("foi: no folder to store the files of a reply")
	}
	// A reply given again after the application reopened replaces the old.
	for _, table := range []string{"foi_reply_files", "foi_reply_links"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE application_id = ?`, app.ID); err != nil {
			return err
		}
	}
	var logged []map[string]any
	for i, f := range files {
		if err := info.StoreFile(dir, info.Attachment{SHA256: f.SHA256}, ups[i].Data); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO foi_reply_files (application_id, seq, name, sha256, size, mime, released) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			app.ID, f.Seq, f.Name, f.SHA256, f.Size, f.MIME, f.Released); err != nil {
			return fmt.Errorf("save reply file: %w", err)
		}
		logged = append(logged, map[string]any{"name": f.Name, "sha256": f.SHA256, "size": f.Size, "released": f.Released})
	}
	var urls []string
	for _, l := range links {
		if _, err := tx.Exec(ctx, `INSERT INTO foi_reply_links (application_id, seq, url, title) VALUES (?, ?, ?, ?)`, app.ID, l.Seq, l.URL, l.Title); err != nil {
			return fmt.Errorf("save reply link: %w", err)
		}
		urls = append(urls, l.URL)
	}
	return audit.Append(ctx, tx, a.Login, "foi.reply_files", "foi_application", app.TrackingNo, map[string]any{"files": logged, "links": urls})
}

// disclosedOf returns the files and links of an application's reply.
func disclosedOf(ctx context.Context, q db.Querier, id int64) ([]ReplyFile, []ReplyLink, error) {
	rows, err := q.Query(ctx, `SELECT seq, name, sha256, size, mime, released FROM foi_reply_files WHERE application_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var files []ReplyFile
	for rows.Next() {
		var f ReplyFile
		if err := rows.Scan(&f.Seq, &f.Name, &f.SHA256, &f.Size, &f.MIME, &f.Released); err != nil {
			return nil, nil, err
		}
		files = append(files, f)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows2, err := q.Query(ctx, `SELECT seq, url, title FROM foi_reply_links WHERE application_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows2.Close()
	var links []ReplyLink
	for rows2.Next() {
		var l ReplyLink
		if err := rows2.Scan(&l.Seq, &l.URL, &l.Title); err != nil {
			return nil, nil, err
		}
		links = append(links, l)
	}
	return files, links, rows2.Err()
}

// File returns the file numbered seq of the application's reply. It returns
// a NotFound error if there is none.
func (a Application) File(seq int) (ReplyFile, error) {
	for _, f := range a.Files {
		if f.Seq == seq {
			return f, nil
		}
	}
	return ReplyFile{}, errs.New(errs.NotFound, "foi.file_not_found")
}
