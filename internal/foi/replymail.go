package foi

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/mail"
	"gongkai/internal/push"
)

// MailAttachLimit bounds the bytes of the reply's files attached to one
// message: relays commonly refuse messages past 20 MB, and attachments
// grow by a third on the way. Files past it are named in the message with
// the page to download them from.
const MailAttachLimit = 10 << 20

// WantsMail reports whether the reply goes to the applicant by e-mail: an
// answered application whose applicant chose e-mail and gave an address.
func (a Application) WantsMail() bool {
	return a.Result != "" && a.Delivery == "email" && a.Applicant.Email != ""
}

// ReplyMessage is the message that brings the applicant the reply.
type ReplyMessage struct {
	To, Subject, Body string
	Files             []mail.File
}

// ReplyMail builds the message that sends the reply notice n of app: the
// notice as text and as a Word document, and the reply's files, read from
// the folder dir, attached as long as they fit within MailAttachLimit. The
// files that do not fit are named, with statusURL, the applicant's page
// that opens with the tracking number and query code. The text is Chinese,
// the language of the notice.
func ReplyMail(app Application, n Notice, dir, statusURL string) (ReplyMessage, error) {
	t := func(key string, args ...any) string { return i18n.T(i18n.Zh, key, args...) }
	var doc bytes.Buffer
	if err := n.Docx(&doc); err != nil {
		return ReplyMessage{}, err
	}
	m := ReplyMessage{To: app.Applicant.Email, Subject: t("foi.mail.subject", app.TrackingNo),
		Files: []mail.File{{Name: t("foi.mail.notice_file", app.TrackingNo), ContentType: docxType, Data: doc.Bytes()}}}
	var b strings.Builder
	b.WriteString(n.Addressee + "\n\n" + n.Title + "\n" + n.Number + "\n\n")
	for _, p := range n.Paragraphs {
		b.WriteString(p + "\n\n")
	}
	b.WriteString(n.Signature + "\n" + n.Date + "\n\n——\n")
	var left []ReplyFile
	var attached int64
	for _, f := range app.Files {
		if attached+f.Size > MailAttachLimit {
			left = append(left, f)
			continue
		}
		data, err := os.ReadFile(info.FilePath(dir, f.SHA256))
		if err != nil {
			return ReplyMessage{}, fmt.Errorf("read reply file %s: %w", f.SHA256, err)
		}
		attached += f.Size
		m.Files = append(m.Files, mail.File{Name: f.Name, ContentType: f.MIME, Data: data})
	}
	b.WriteString(t("foi.mail.attached") + "\n")
	if len(left) > 0 {
		b.WriteString("\n" + t("foi.mail.too_large") + "\n")
		for i, f := range left {
			b.WriteString(fmt.Sprintf("%d. %s（%.1f MB）\n", i+1, f.Name, float64(f.Size)/(1<<20)))
		}
	}
	b.WriteString("\n" + t("foi.mail.status", statusURL, app.TrackingNo) + "\n")
	m.Body = b.String()
	return m, nil
}

// QueueReply queues on the outbox, in tx, the message that sends the reply
// notice n of app (see ReplyMail) and returns its id. A reply whose
// earlier message is still waiting or failed is that message: it is not
// queued twice.
func QueueReply(ctx context.Context, tx *db.Tx, app Application, n Notice, dir, statusURL string) (int64, error) {
	earlier, err := push.About(ctx, tx, KindReply, app.TrackingNo)
	if err != nil {
		return 0, err
	}
	if k := len(earlier); k > 0 && earlier[k-1].State != push.Sent {
		return earlier[k-1].ID, nil
	}
	m, err := ReplyMail(app, n, dir, statusURL)
	if err != nil {
		return 0, err
	}
	var files []push.File
	for _, f := range m.Files {
		files = append(files, push.File{Name: f.Name, ContentType: f.ContentType, Data: f.Data})
	}
	return push.Queue(ctx, tx, push.Message{Channel: push.Email, Recipient: m.To, Subject: m.Subject, Body: m.Body, Files: files,
		Link: statusURL, Kind: KindReply, Reference: app.TrackingNo})
}

// docxType is the media type of Word documents.
const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// RecordMailed puts on the application's timeline that actor sent the
// reply to the address (kind "mailed") or that sending failed
// ("mail_failed"); the failure's detail belongs in the log, not here.
func RecordMailed(ctx context.Context, tx *db.Tx, app Application, actor string, failed bool) error {
	kind := "mailed"
	if failed {
		kind = "mail_failed"
	}
	if err := event(ctx, tx, app.ID, actor, kind, today(tx).String(), app.Applicant.Email); err != nil {
		return err
	}
	return audit.Append(ctx, tx, actor, "foi."+kind, "foi_application", app.TrackingNo, map[string]any{"to": app.Applicant.Email})
}
