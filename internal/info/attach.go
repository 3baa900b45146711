package info

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"github.com/xuri/excelize/v2"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/zipguard"
)

// MaxAttachment bounds one attachment.
const MaxAttachment = 50 << 20

// Attachment is a file attached to a record, stored once by its content.
type Attachment struct {
	Seq    int    `json:"seq"`
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	MIME   string `json:"mime"`
	// Text is the text inside the file (DOCX, XLSX, PDF), for screening and
	// search.
	Text string `json:"-"`
}

// kinds of attachments accepted, by extension, with the type the content
// must sniff as.
var attachmentTypes = map[string]struct{ mime, sniff string }{
	".pdf":  {"application/pdf", "application/pdf"},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
	".png":  {"image/png", "image/png"},
	".jpg":  {"image/jpeg", "image/jpeg"},
	".jpeg": {"image/jpeg", "image/jpeg"},
	".gif":  {"image/gif", "image/gif"},
	".webp": {"image/webp", "image/webp"},
}

// FilePath returns where content with the given SHA-256 lives under files.
func FilePath(files, sum string) string {
	return filepath.Join(files, sum[:2], sum[2:4], sum)
}

// CheckFile checks a file before it is stored: a usable name, a size
// within MaxAttachment, an accepted type that the content confirms, not only
// the name, and text that can be read out of it (kept in Text, for screening
// and search). It returns the file's description without a Seq, or an
// Invalid error on field "file" that names what is wrong.
func CheckFile(name string, data []byte) (Attachment, error) {
	name = filepath.Base(strings.TrimSpace(strings.ReplaceAll(name, "\\", "/")))
	if name == "" || name == "." || !utf8.ValidString(name) || len(name) > 200 {
		return Attachment{}, errs.InvalidField("file", "info.bad_file_name")
	}
	if len(data) == 0 || len(data) > MaxAttachment {
		return Attachment{}, errs.InvalidField("file", "info.file_size", MaxAttachment>>20)
	}
	ext := strings.ToLower(filepath.Ext(name))
	t, ok := attachmentTypes[ext]
	if !ok {
		return Attachment{}, errs.InvalidField("file", "info.file_type", ext)
	}
	if sniffed := http.DetectContentType(data); !strings.HasPrefix(sniffed, t.sniff) {
		return Attachment{}, errs.InvalidField("file", "info.file_mismatch", name)
	}
	text, err := extractText(ext, data)
	if e := errs.As(err); e != nil {
		return Attachment{}, errs.InvalidField("file", e.Key, e.Args...)
	}
	if err != nil {
		return Attachment{}, errs.InvalidField("file", "info.file_unreadable", name)
	}
	sum := sha256.Sum256(data)
	return Attachment{Name: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), MIME: t.mime, Text: text}, nil
}

// StoreFile writes the content of a checked file under files, by its
// SHA-256 (see FilePath), once: content already there is kept.
func StoreFile(files string, at Attachment, data []byte) error {
	return writeOnce(FilePath(files, at.SHA256), data)
}

// AddAttachment stores data under files (content-addressed, written once)
// and attaches it to a draft record, once CheckFile accepts it.
func AddAttachment(ctx context.Context, tx *db.Tx, a auth.Account, files string, r Record, name string, data []byte) (Record, error) {
	if !CanEdit(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.forbidden")
	}
	if r.Status != Draft {
		return Record{}, errs.New(errs.Conflict, "info.not_draft")
	}
	at, err := CheckFile(name, data)
	if err != nil {
		return Record{}, err
	}
	return attach(ctx, tx, a, files, r, at, data)
}

// attach stores and attaches a file CheckFile accepted to draft r.
func attach(ctx context.Context, tx *db.Tx, a auth.Account, files string, r Record, at Attachment, data []byte) (Record, error) {
	// After the last one, not after the count: a removed file leaves a gap.
	at.Seq = 1
	if n := len(r.Attachments); n > 0 {
		at.Seq = r.Attachments[n-1].Seq + 1
	}
	if err := StoreFile(files, at, data); err != nil {
		return Record{}, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO info_attachments (record_id, seq, name, sha256, size, mime, text) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.ID, at.Seq, at.Name, at.SHA256, at.Size, at.MIME, at.Text); err != nil {
		return Record{}, fmt.Errorf("add attachment: %w", err)
	}
	r.Attachments = append(r.Attachments, at)
	if r.ScreenOverride != "" {
		// A reviewer released what was there; a new file needs a new look.
		r.ScreenOverride, r.UpdatedAt = "", tx.Now()
		if err := save(ctx, tx, r); err != nil {
			return Record{}, err
		}
	}
	return r, audit.Append(ctx, tx, a.Login, "info.attach", "info", r.IndexNo, map[string]any{"name": at.Name, "sha256": at.SHA256, "size": at.Size})
}

// RemoveAttachment detaches an attachment from a draft. The stored content
// stays: another record may share it, and backups are simpler that way.
func RemoveAttachment(ctx context.Context, tx *db.Tx, a auth.Account, r Record, seq int) (Record, error) {
	if !CanEdit(a, r.Unit) {
		return Record{}, errs.New(errs.Forbidden, "info.forbidden")
	}
	if r.Status != Draft {
		return Record{}, errs.New(errs.Conflict, "info.not_draft")
	}
	if _, err := tx.Exec(ctx, `DELETE FROM info_attachments WHERE record_id = ? AND seq = ?`, r.ID, seq); err != nil {
		return Record{}, fmt.Errorf("remove attachment: %w", err)
	}
	var err error
	if r.Attachments, err = attachmentsOf(ctx, tx, r.ID); err != nil {
		return Record{}, err
	}
	return r, audit.Append(ctx, tx, a.Login, "info.detach", "info", r.IndexNo, map[string]any{"seq": seq})
}

// writeOnce writes data at path unless it is already there, durably: a
// temporary file is synced and renamed into place.
func writeOnce(path string, data []byte) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("store attachment: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".upload-")
	if err != nil {
		return fmt.Errorf("store attachment: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("store attachment: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("store attachment: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store attachment: %w", err)
	}
	return os.Rename(f.Name(), path)
}

func attachmentsOf(ctx context.Context, q db.Querier, recordID int64) ([]Attachment, error) {
	m, err := attachmentsIn(ctx, q, recordID-1, recordID)
	return m[recordID], err
}

// attachmentsIn returns the attachments of the records with ids in
// (after, upTo], by record.
func attachmentsIn(ctx context.Context, q db.Querier, after, upTo int64) (map[int64][]Attachment, error) {
	rows, err := q.Query(ctx, `SELECT record_id, seq, name, sha256, size, mime, text FROM info_attachments WHERE record_id > ? AND record_id <= ? ORDER BY record_id, seq`, after, upTo)
	if err != nil {
		return nil, fmt.Errorf("load attachments: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Attachment{}
	for rows.Next() {
		var id int64
		var at Attachment
		if err := rows.Scan(&id, &at.Seq, &at.Name, &at.SHA256, &at.Size, &at.MIME, &at.Text); err != nil {
			return nil, err
		}
		out[id] = append(out[id], at)
	}
	return out, rows.Err()
}

// maxExtracted bounds the text kept from one attachment.
const maxExtracted = 2 << 20

// extractText returns the text inside a DOCX, XLSX or PDF file; images have
// none. An Office file beyond zipguard's limits is refused with its
// *errs.Error before it is opened.
func extractText(ext string, data []byte) (string, error) {
	var s string
	var err error
	if ext == ".docx" || ext == ".xlsx" {
		if err := zipguard.Check(bytes.NewReader(data), int64(len(data))); err != nil {
			return "", err
		}
	}
	switch ext {
	case ".docx":
		s, err = docxText(data)
	case ".xlsx":
		s, err = xlsxText(data)
	case ".pdf":
		s, err = pdfText(data)
	default:
		return "", nil
	}
	if len(s) > maxExtracted {
		s = strings.ToValidUTF8(s[:maxExtracted], "")
	}
	return s, err
}

// ExtractText is extractText for callers outside the package (the screen
// command and imports), by file name.
func ExtractText(name string, data []byte) (string, error) {
	return extractText(strings.ToLower(filepath.Ext(name)), data)
}

func docxText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return "", err
		}
		defer rc.Close()
		var b strings.Builder
		dec := xml.NewDecoder(io.LimitReader(rc, 64<<20))
		inText := false
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				return b.String(), nil
			}
			if err != nil {
				return "", err
			}
			switch t := tok.(type) {
			case xml.StartElement:
				inText = t.Name.Local == "t"
				if t.Name.Local == "tab" {
					b.WriteByte('\t')
				}
			case xml.EndElement:
				inText = false
				if t.Name.Local == "p" {
					b.WriteByte('\n')
				}
			case xml.CharData:
				if inText {
					b.Write(t)
				}
			}
		}
	}
	return "", fmt.Errorf("no word/document.xml")
}

func xlsxText(data []byte) (string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			return "", err
		}
		for _, row := range rows {
			b.WriteString(strings.Join(row, "\t"))
			b.WriteByte('\n')
		}
	}
	return b.String(), nil
}

func pdfText(data []byte) (s string, err error) {
	defer func() {
		// The PDF reader panics on some malformed files.
		if p := recover(); p != nil {
			s, err = "", fmt.Errorf("pdf: %v", p)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	rd, err := r.GetPlainText()
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(io.LimitReader(rd, maxExtracted))
	return string(b), err
}
