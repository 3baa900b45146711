package info

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// ImportLine is one record of a JSON Lines import.
type ImportLine struct {
	Title         string `json:"title"`
	DocNumber     string `json:"doc_number"`
	Issuer        string `json:"issuer"`
	WrittenDate   string `json:"written_date"`
	PublishedDate string `json:"published_date"`
	IndexNo       string `json:"index_no"`
	Topic         string `json:"topic"`
	BodyText      string `json:"body_text"`
	Unit          string `json:"unit"`
	FormedDate    string `json:"formed_date"`
	CatalogItem   string `json:"catalog_item"`
	Validity      string `json:"validity"`
	// Attribute is the disclosure attribute (公开属性): 主动公开,
	// 依申请公开 or 不予公开 (or active, on_request, withheld); empty is
	// 主动公开. Reason gives the reason and legal basis the other two
	// need, as in the console.
	Attribute   string `json:"attribute"`
	Reason      string `json:"reason"`
	Attachments []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"attachments"`
}

// ImportResult summarizes an import.
type ImportResult struct {
	Lines     int `json:"lines"`
	Created   int `json:"created"`
	Unchanged int `json:"unchanged"`
	Linked    int `json:"linked"`
}

// maxImportLine bounds one line of an import file.
const maxImportLine = 8 << 20

// Import loads records published elsewhere, as they were: each line is
// checked first, and the first bad line fails the whole import with its
// number; nothing is written then. Records are matched by 索引号, so
// importing the same file again changes nothing. A record that is not
// 主动公开 was issued but never published: it is kept approved, for the
// attribute reviews, and never reaches the portal, its feeds, search or
// sitemaps (they show published records only); it has no published_date.
func Import(ctx context.Context, tx *db.Tx, actor string, defaultUnit *org.Unit, r io.Reader) (ImportResult, error) {
	var res ImportResult
	type parsed struct {
		n    int
		line ImportLine
		unit org.Unit
		pub  time.Time
	}
	var all []parsed
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxImportLine)
	units := map[string]org.Unit{}
	seen := map[string]int{}
	n := 0
	for sc.Scan() {
		n++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var l ImportLine
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return res, errs.New(errs.Invalid, "import.bad_json", n, err.Error())
		}
		// Decode stops after the first value: a second one on the line
		// would be lost without a word.
		if dec.InputOffset() != int64(len(raw)) {
			return res, errs.New(errs.Invalid, "import.json_trailing", n)
		}
		l.Title, l.IndexNo = strings.TrimSpace(l.Title), strings.TrimSpace(l.IndexNo)
		switch {
		case l.Title == "":
			return res, errs.New(errs.Invalid, "import.line_missing", n, "title")
		case l.IndexNo == "":
			return res, errs.New(errs.Invalid, "import.line_missing", n, "index_no")
		case !validDate(l.WrittenDate):
			return res, errs.New(errs.Invalid, "import.line_bad", n, "written_date", l.WrittenDate)
		case l.FormedDate != "" && !validDate(l.FormedDate):
			return res, errs.New(errs.Invalid, "import.line_bad", n, "formed_date", l.FormedDate)
		}
		if prev, ok := seen[l.IndexNo]; ok {
			return res, errs.New(errs.Invalid, "import.line_duplicate", n, l.IndexNo, prev)
		}
		seen[l.IndexNo] = n
		v, ok := ParseValidity(l.Validity)
		if !ok {
			return res, errs.New(errs.Invalid, "import.line_bad", n, "validity", l.Validity)
		}
		l.Validity = v
		attr, ok := ParseAttribute(l.Attribute)
		switch {
		case !ok:
			return res, errs.New(errs.Invalid, "import.line_bad", n, "attribute", l.Attribute)
		case NeedsReason(attr) && strings.TrimSpace(l.Reason) == "":
			return res, errs.New(errs.Invalid, "import.line_missing", n, "reason")
		case attr != Active && l.PublishedDate != "":
			return res, errs.New(errs.Invalid, "import.not_published", n)
		case attr == Active && !validDate(l.PublishedDate):
			return res, errs.New(errs.Invalid, "import.line_bad", n, "published_date", l.PublishedDate)
		}
		l.Attribute = attr
		code := strings.TrimSpace(l.Unit)
		var u org.Unit
		switch {
		case code != "":
			var ok bool
			if u, ok = units[code]; !ok {
				var err error
				if u, err = org.ByCode(ctx, tx, code); err != nil {
					return res, errs.New(errs.Invalid, "import.line_bad", n, "unit", code)
				}
				units[code] = u
			}
			if defaultUnit != nil && !defaultUnit.Contains(u) {
				return res, errs.New(errs.Invalid, "import.line_bad", n, "unit", code)
			}
		case defaultUnit != nil:
			u = *defaultUnit
		default:
			return res, errs.New(errs.Invalid, "import.line_missing", n, "unit")
		}
		var pub time.Time
		if attr == Active {
			pub, _ = time.ParseInLocation("2006-01-02", l.PublishedDate, calendar.China)
		}
		all = append(all, parsed{n, l, u, pub})
	}
	if err := sc.Err(); err != nil {
		return res, errs.New(errs.Invalid, "import.bad_json", n+1, err.Error())
	}
	if len(all) == 0 {
		return res, errs.New(errs.Invalid, "import.empty")
	}
	res.Lines = len(all)
	for _, p := range all {
		l := p.line
		if _, err := ByIndexNo(ctx, tx, l.IndexNo); err == nil {
			res.Unchanged++
			continue
		} else if errs.KindOf(err) != errs.NotFound {
			return res, err
		}
		body := BodyFromText(l.BodyText)
		rec := Record{Unit: p.unit, IndexNo: l.IndexNo, Title: l.Title, DocNumber: strings.TrimSpace(l.DocNumber), Issuer: strings.TrimSpace(l.Issuer),
			WrittenDate: l.WrittenDate, FormedDate: l.FormedDate, Topic: strings.TrimSpace(l.Topic), Attribute: l.Attribute,
			Validity: l.Validity, Body: SanitizeBody(body), Status: Published, CreatedBy: actor, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		if l.Attribute == Active {
			rec.PublishedAt = p.pub.UTC()
		} else {
			rec.Status, rec.AttributeReason = Approved, strings.TrimSpace(l.Reason)
		}
		if rec.FormedDate == "" {
			rec.FormedDate = rec.WrittenDate
		}
		rec.BodyText = textOf(rec.Body)
		for _, at := range l.Attachments {
			// Files published elsewhere are linked, not copied.
			rec.Body += fmt.Sprintf(`<p><a href="%s">%s</a></p>`, escapeText(at.URL), escapeText(at.Name))
		}
		rec.Body = SanitizeBody(rec.Body)
		if err := insert(ctx, tx, &rec); err != nil {
			return res, err
		}
		if l.CatalogItem != "" {
			ok, err := linkByName(ctx, tx, rec, l.CatalogItem)
			if err != nil {
				return res, err
			}
			if !ok {
				return res, errs.New(errs.Invalid, "import.no_item", p.n, l.CatalogItem, p.unit.Name)
			}
			res.Linked++
		}
		if rec.Status == Published {
			if err := index(ctx, tx, rec); err != nil {
				return res, err
			}
		}
		res.Created++
	}
	return res, audit.Append(ctx, tx, actor, "info.import", "info", "", map[string]any{"lines": res.Lines, "created": res.Created})
}

// ParseValidity reads a validity (有效性) as imports and the API give it,
// in Chinese or as the stored value; empty is 有效. It reports false for
// anything else.
func ParseValidity(s string) (string, bool) {
	switch strings.TrimSpace(s) {
	case "", "有效", Valid:
		return Valid, true
	case "失效", Expired:
		return Expired, true
	case "废止", Repealed:
		return Repealed, true
	}
	return "", false
}

// BodyFromText makes a record body of plain text, a paragraph a line.
func BodyFromText(text string) string {
	return "<p>" + strings.ReplaceAll(escapeText(text), "\n", "</p><p>") + "</p>"
}

// linkByName links a record to the item of its unit's catalogs named name
// (二级事项, or 一级事项 where there is none).
func linkByName(ctx context.Context, tx *db.Tx, r Record, name string) (bool, error) {
	cs, err := catalog.List(ctx, tx, r.Unit, nil)
	if err != nil {
		return false, err
	}
	for _, s := range cs {
		if s.UnitCode != r.Unit.Code {
			continue
		}
		d, err := catalog.DomainByCode(ctx, tx, s.DomainCode)
		if err != nil {
			return false, err
		}
		c, err := catalog.Load(ctx, tx, r.Unit, d)
		if err != nil {
			return false, err
		}
		for _, it := range c.Items {
			if it.Name() == name {
				_, err := tx.Exec(ctx, `INSERT INTO info_items (record_id, catalog_id, item_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, r.ID, c.ID, it.Key())
				return err == nil, err
			}
		}
	}
	return false, nil
}

func escapeText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

// LoadPublished writes records that are published already (synthetic data,
// bulk migrations): each is inserted as published, linked to its Items and
// indexed, in the caller's transaction. One audit event covers the batch.
func LoadPublished(ctx context.Context, tx *db.Tx, actor string, recs []Record) error {
	for i := range recs {
		r := &recs[i]
		r.Status, r.CreatedBy, r.CreatedAt, r.UpdatedAt = Published, actor, tx.Now(), tx.Now()
		if r.Attribute == "" {
			r.Attribute = Active
		}
		if r.Validity == "" {
			r.Validity = Valid
		}
		if r.tokens == "" {
			r.Prepare()
		}
		if err := insert(ctx, tx, r); err != nil {
			return err
		}
		for _, it := range r.Items {
			if _, err := tx.Exec(ctx, `INSERT INTO info_items (record_id, catalog_id, item_key) VALUES (?, ?, ?)`, r.ID, it.CatalogID, it.Key); err != nil {
				return fmt.Errorf("link record item: %w", err)
			}
		}
		if err := indexRecord(ctx, tx, *r, true); err != nil {
			return err
		}
	}
	return audit.Append(ctx, tx, actor, "info.load", "info", "", map[string]any{"records": len(recs)})
}
