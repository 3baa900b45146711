package web

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/fetch"
	"gongkai/internal/info"
	"gongkai/internal/throttle"
)

// The publishing API (plan item 四, 嵌入部门业务系统): a unit's business
// system writes the unit's records with an API token (auth.Token), through
// the console's own steps (info.FileRecord, info.ReplaceRecord,
// info.Withdraw). A token reaches its own unit's records only; any other
// record is not found.

// maxInfoJSON bounds a record sent as JSON, files inline in base64
// included; larger files are sent by URL, up to info.MaxAttachment.
const maxInfoJSON = 32 << 20

// Limits of one record's lists.
const (
	maxAPIAttachments = 20
	maxAPIItems       = 50
)

// defaultTokenRate is how many requests a token may make; Config.TokenRate
// overrides it.
var defaultTokenRate = throttle.Rule{Max: 120, Window: time.Minute}

// infoRequest is a record as the API takes it: the fields of
// `gongkai import info`, the console's fields, the catalog items, the
// files and whether to publish.
type infoRequest struct {
	Title         string `json:"title"`
	DocNumber     string `json:"doc_number"`
	Issuer        string `json:"issuer"`
	WrittenDate   string `json:"written_date"`
	FormedDate    string `json:"formed_date"`
	PublishedDate string `json:"published_date"`
	IndexNo       string `json:"index_no"`
	Topic         string `json:"topic"`
	BodyText      string `json:"body_text"`
	Unit          string `json:"unit"`
	CatalogItem   string `json:"catalog_item"`
	Validity      string `json:"validity"`

	Body            string `json:"body"`
	Genre           string `json:"genre"`
	Keywords        string `json:"keywords"`
	Attribute       string `json:"attribute"`
	AttributeReason string `json:"attribute_reason"`
	ValidityDate    string `json:"validity_date"`
	ReplacedBy      string `json:"replaced_by"`
	Column          string `json:"column"`

	CatalogItems []struct {
		Domain string `json:"domain"`
		Item   string `json:"item"`
	} `json:"catalog_items"`
	Attachments []struct {
		Name          string `json:"name"`
		URL           string `json:"url"`
		ContentBase64 string `json:"content_base64"`
	} `json:"attachments"`
	Publish bool `json:"publish"`

	interpretRequest
}

// filing checks what the request says beyond the console's fields and
// turns it into a filing for token t, fetching files sent by URL.
func (s *Server) filing(ctx context.Context, t auth.Token, in infoRequest) (info.Filing, error) {
	f := info.Filing{IndexNo: in.IndexNo, Publish: in.Publish, Input: info.Input{Title: in.Title, DocNumber: in.DocNumber,
		Issuer: in.Issuer, WrittenDate: in.WrittenDate, FormedDate: in.FormedDate, Topic: in.Topic, Genre: in.Genre,
		Keywords: in.Keywords, Attribute: in.Attribute, AttributeReason: in.AttributeReason, ValidityDate: in.ValidityDate,
		ReplacedBy: in.ReplacedBy, Body: in.Body, Column: in.Column}}
	if t.CanPublish {
		f.Unreviewed = "published without review by token"
	}
	if u := strings.TrimSpace(in.Unit); u != "" && u != t.Unit.Code {
		return f, errs.InvalidField("unit", "api.token_unit", u, t.Unit.Code)
	}
	switch {
	case in.Body != "" && in.BodyText != "":
		return f, errs.InvalidField("body", "api.body_twice")
	case in.BodyText != "":
		f.Body = info.BodyFromText(in.BodyText)
	}
	v, ok := info.ParseValidity(in.Validity)
	if !ok {
		return f, errs.InvalidField("validity", "info.bad_validity", in.Validity)
	}
	f.Validity = v
	var err error
	if f.PublishAt, err = info.ScheduleDay("published_date", in.PublishedDate); err != nil {
		return f, err
	}
	if len(in.CatalogItems) > maxAPIItems {
		return f, errs.InvalidField("catalog_items", "api.too_many", maxAPIItems)
	}
	if in.CatalogItem != "" {
		f.Items = append(f.Items, info.ItemSel{Item: in.CatalogItem, Field: "catalog_item"})
	}
	for i, it := range in.CatalogItems {
		f.Items = append(f.Items, info.ItemSel{Domain: strings.TrimSpace(it.Domain), Item: it.Item, Field: fmt.Sprintf("catalog_items[%d]", i)})
	}
	if len(in.Attachments) > maxAPIAttachments {
		return f, errs.InvalidField("attachments", "api.too_many", maxAPIAttachments)
	}
	for i, at := range in.Attachments {
		field := fmt.Sprintf("attachments[%d]", i)
		file := info.File{Name: at.Name, Field: field}
		switch {
		case (at.URL == "") == (at.ContentBase64 == ""):
			return f, errs.InvalidField(field, "api.attachment_one_of")
		case at.URL != "":
			got, err := s.fetcher().Get(ctx, strings.TrimSpace(at.URL))
			if e := errs.As(err); e != nil && e.Kind == errs.Invalid {
				return f, &errs.Error{Kind: errs.Invalid, Key: e.Key, Args: e.Args, Field: field + ".url", Err: e.Err}
			} else if err != nil {
				return f, err
			}
			file.Data = got.Data
			if file.Name == "" {
				file.Name = got.Name
			}
		default:
			if file.Data, err = base64.StdEncoding.DecodeString(at.ContentBase64); err != nil {
				return f, errs.InvalidField(field+".content_base64", "api.bad_base64")
			}
		}
		f.Files = append(f.Files, file)
	}
	return f, nil
}

// fetcher fetches files sent by URL as an upload would be taken: at most
// info.MaxAttachment, within a minute, from public addresses only.
func (s *Server) fetcher() fetch.Getter {
	return fetch.Getter{MaxBytes: info.MaxAttachment, Timeout: time.Minute, AllowPrivate: s.cfg.FetchPrivate}
}

// recordJSON is what the API answers about a record.
type recordJSON struct {
	ID       int64       `json:"id"`
	IndexNo  string      `json:"index_no"`
	Status   info.Status `json:"status"`
	URL      string      `json:"url"`
	Title    string      `json:"title,omitempty"`
	Replaces int64       `json:"replaces,omitempty"`
	Note     string      `json:"status_note,omitempty"`
}

func (s *Server) toRecordJSON(r *http.Request, rec info.Record) recordJSON {
	return recordJSON{ID: rec.ID, IndexNo: rec.IndexNo, Status: rec.Status, URL: s.baseURL(r) + infoURL(rec.ID), Title: rec.Title, Note: rec.StatusNote}
}

// sendFiling answers a request that sends a record: it reads the record,
// checks it and fetches its files outside the transaction — unless the
// idempotency key has an answer already — then writes it with write.
func (s *Server) sendFiling(w http.ResponseWriter, r *http.Request, t auth.Token, write func(ctx context.Context, tx *db.Tx, f info.Filing, x interpretRequest) (int, any, error)) error {
	var in infoRequest
	body, err := readJSON(w, r, maxInfoJSON)
	if err != nil {
		return err
	}
	if err := unmarshalJSON(body, &in); err != nil {
		return err
	}
	return s.idempotent(w, r, t, body, func(ctx context.Context) (work, error) {
		f, err := s.filing(ctx, t, in)
		if err != nil {
			return nil, err
		}
		return func(tx *db.Tx) (int, any, error) {
			code, out, err := write(ctx, tx, f, in.interpretRequest)
			return code, out, apiInterpretField(err)
		}, nil
	})
}

// apiInfoCreate files a new record of the token's unit: 201 with its id,
// 索引号, status and portal URL.
func (s *Server) apiInfoCreate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.requireToken(w, r)
	if err != nil {
		return err
	}
	return s.sendFiling(w, r, t, func(ctx context.Context, tx *db.Tx, f info.Filing, x interpretRequest) (int, any, error) {
		publish := f.Publish
		f.Publish = false
		rec, err := info.FileRecord(ctx, tx, t.Account(), s.cfg.Files, t.Unit, f)
		if err == nil {
			rec, err = x.apply(ctx, tx, t, rec, publish, f.Unreviewed)
		}
		return http.StatusCreated, s.toRecordJSON(r, rec), err
	})
}

// tokenRecord loads the record in the path if it is the token's unit's;
// any other is not found.
func tokenRecord(ctx context.Context, q db.Querier, r *http.Request, t auth.Token) (info.Record, error) {
	notFound := errs.New(errs.NotFound, "info.not_found", r.PathValue("id"))
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return info.Record{}, notFound
	}
	rec, err := info.ByID(ctx, q, id)
	if errs.KindOf(err) == errs.NotFound || err == nil && rec.Unit.ID != t.Unit.ID {
		return info.Record{}, notFound
	}
	return rec, err
}

// apiInfoGet answers where a record of the token's unit stands.
func (s *Server) apiInfoGet(w http.ResponseWriter, r *http.Request) error {
	t, err := s.requireToken(w, r)
	if err != nil {
		return err
	}
	rec, err := tokenRecord(r.Context(), s.db, r, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toRecordJSON(r, rec))
	return nil
}

// apiInfoReplace replaces a record of the token's unit (info.ReplaceRecord):
// 200 when changed in place, 201 when a published record got a new
// version, with "replaces" naming the old one.
func (s *Server) apiInfoReplace(w http.ResponseWriter, r *http.Request) error {
	t, err := s.requireToken(w, r)
	if err != nil {
		return err
	}
	if _, err := tokenRecord(r.Context(), s.db, r, t); err != nil {
		return err
	}
	return s.sendFiling(w, r, t, func(ctx context.Context, tx *db.Tx, f info.Filing, x interpretRequest) (int, any, error) {
		cur, err := tokenRecord(ctx, tx, r, t)
		if err != nil {
			return 0, nil, err
		}
		rec, isNew, err := x.replace(ctx, tx, t, s.cfg.Files, cur, f)
		out := s.toRecordJSON(r, rec)
		if isNew {
			out.Replaces = cur.ID
			return http.StatusCreated, out, err
		}
		return http.StatusOK, out, err
	})
}

// apiInfoWithdraw withdraws a published or approved record of the token's
// unit, with the reason; only a token that may publish may withdraw.
func (s *Server) apiInfoWithdraw(w http.ResponseWriter, r *http.Request) error {
	t, err := s.requireToken(w, r)
	if err != nil {
		return err
	}
	if _, err := tokenRecord(r.Context(), s.db, r, t); err != nil {
		return err
	}
	body, err := readJSON(w, r, maxJSON)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := unmarshalJSON(body, &in); err != nil {
		return err
	}
	return s.idempotent(w, r, t, body, func(ctx context.Context) (work, error) {
		return func(tx *db.Tx) (int, any, error) {
			cur, err := tokenRecord(ctx, tx, r, t)
			if err != nil {
				return 0, nil, err
			}
			rec, err := info.Withdraw(ctx, tx, t.Account(), cur, in.Reason)
			return http.StatusOK, s.toRecordJSON(r, rec), err
		}, nil
	})
}
