// Package zone is the register of disclosure zones (政务公开专区, plan item
// 十四): the places in service halls, real-estate registration centres,
// libraries and archives where people read government information and
// get help with it, with their address, opening hours, services and
// photos. It knows nothing of HTTP.
package zone

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// The kinds of place a zone is in, as the plan names them.
const (
	ServiceHall = "service_hall" // 政务服务大厅、便民服务中心
	RealEstate  = "real_estate"  // 不动产登记中心
	Library     = "library"      // 图书馆
	Archive     = "archive"      // 档案馆
)

// Kinds lists the kinds in order.
var Kinds = []string{ServiceHall, RealEstate, Library, Archive}

// Bounds of what offices write.
const (
	maxName     = 100
	maxAddress  = 200
	maxHours    = 200
	maxServices = 2000
	maxAlt      = 200
	MaxPhotos   = 6
	// MaxPhoto is the largest photo accepted.
	MaxPhoto = 5 << 20
)

// Zone is a disclosure zone.
type Zone struct {
	ID        int64
	Unit      org.Unit // the unit that runs the place
	Kind      string
	Name      string
	Address   string
	Hours     string
	Services  string // one service a line
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
	Photos    []Photo
}

// ServiceList returns the services, one a line.
func (z Zone) ServiceList() []string {
	var out []string
	for _, s := range strings.Split(z.Services, "\n") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Photo is a photo of a zone with its text alternative.
type Photo struct {
	Seq    int
	Name   string
	SHA256 string
	MIME   string
	Size   int64
	Alt    string
}

// Photo returns the photo seq of z, or a NotFound error.
func (z Zone) Photo(seq int) (Photo, error) {
	for _, p := range z.Photos {
		if p.Seq == seq {
			return p, nil
		}
	}
	return Photo{}, errs.New(errs.NotFound, "zone.photo_not_found", seq)
}

// Input is what an office writes.
type Input struct{ Kind, Name, Address, Hours, Services string }

func (in Input) validate() (Input, error) {
	in.Kind, in.Name, in.Address, in.Hours = strings.TrimSpace(in.Kind), foi.OneLine(in.Name), foi.OneLine(in.Address), foi.OneLine(in.Hours)
	in.Services = foi.Clean(in.Services)
	var m errs.Multi
	ok := false
	for _, k := range Kinds {
		ok = ok || k == in.Kind
	}
	if !ok {
		m = append(m, errs.InvalidField("kind", "zone.bad_kind"))
	}
	for _, f := range []struct {
		field, v string
		max      int
		required bool
	}{{"name", in.Name, maxName, true}, {"address", in.Address, maxAddress, true}, {"hours", in.Hours, maxHours, true}, {"services", in.Services, maxServices, false}} {
		switch n := utf8.RuneCountInString(f.v); {
		case n == 0 && f.required:
			m = append(m, errs.InvalidField(f.field, "zone.required", errs.Msg("zone.field."+f.field)))
		case n > f.max:
			m = append(m, errs.InvalidField(f.field, "zone.too_long", errs.Msg("zone.field."+f.field), f.max))
		}
	}
	return in, m.Err()
}

// CanEdit reports whether a may keep unit u's zones: its staff, the
// offices above it and administrators.
func CanEdit(a auth.Account, u org.Unit) bool { return info.CanEdit(a, u) }

func forbidden() error { return errs.New(errs.Forbidden, "zone.forbidden") }

// Create registers a zone of unit u.
func Create(ctx context.Context, tx *db.Tx, a auth.Account, u org.Unit, in Input) (Zone, error) {
	if !CanEdit(a, u) {
		return Zone{}, forbidden()
	}
	in, err := in.validate()
	if err != nil {
		return Zone{}, err
	}
	now := tx.Now()
	z := Zone{Unit: u, Kind: in.Kind, Name: in.Name, Address: in.Address, Hours: in.Hours, Services: in.Services, CreatedBy: a.Login, CreatedAt: now, UpdatedAt: now}
	err = tx.QueryRow(ctx, `INSERT INTO zones (unit_id, kind, name, address, hours, services, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.ID, z.Kind, z.Name, z.Address, z.Hours, z.Services, z.CreatedBy, now, now).Scan(&z.ID)
	if err != nil {
		return Zone{}, fmt.Errorf("add zone: %w", err)
	}
	return z, audit.Append(ctx, tx, a.Login, "zone.create", "zone", fmt.Sprint(z.ID), map[string]any{"unit": u.Code, "name": z.Name})
}

// Update changes a zone's details.
func Update(ctx context.Context, tx *db.Tx, a auth.Account, z Zone, in Input) (Zone, error) {
	if !CanEdit(a, z.Unit) {
		return Zone{}, forbidden()
	}
	in, err := in.validate()
	if err != nil {
		return Zone{}, err
	}
	z.Kind, z.Name, z.Address, z.Hours, z.Services, z.UpdatedAt = in.Kind, in.Name, in.Address, in.Hours, in.Services, tx.Now()
	if _, err := tx.Exec(ctx, `UPDATE zones SET kind = ?, name = ?, address = ?, hours = ?, services = ?, updated_at = ? WHERE id = ?`,
		z.Kind, z.Name, z.Address, z.Hours, z.Services, z.UpdatedAt, z.ID); err != nil {
		return Zone{}, fmt.Errorf("update zone: %w", err)
	}
	return z, audit.Append(ctx, tx, a.Login, "zone.update", "zone", fmt.Sprint(z.ID), map[string]any{"name": z.Name})
}

// Delete removes a zone and its photos from the register; the stored
// files stay, as for records.
func Delete(ctx context.Context, tx *db.Tx, a auth.Account, z Zone) error {
	if !CanEdit(a, z.Unit) {
		return forbidden()
	}
	for _, q := range []string{`DELETE FROM zone_photos WHERE zone_id = ?`, `DELETE FROM zones WHERE id = ?`} {
		if _, err := tx.Exec(ctx, q, z.ID); err != nil {
			return fmt.Errorf("delete zone: %w", err)
		}
	}
	return audit.Append(ctx, tx, a.Login, "zone.delete", "zone", fmt.Sprint(z.ID), map[string]any{"unit": z.Unit.Code, "name": z.Name})
}

// AddPhoto checks an image as record attachments are checked (type by
// content), stores it under files and adds it to z with its text
// alternative, which is required.
func AddPhoto(ctx context.Context, tx *db.Tx, a auth.Account, files string, z Zone, name string, data []byte, alt string) (Zone, error) {
	if !CanEdit(a, z.Unit) {
		return Zone{}, forbidden()
	}
	alt = foi.OneLine(alt)
	switch n := utf8.RuneCountInString(alt); {
	case n == 0:
		return Zone{}, errs.InvalidField("alt", "zone.alt_required")
	case n > maxAlt:
		return Zone{}, errs.InvalidField("alt", "zone.too_long", errs.Msg("zone.field.alt"), maxAlt)
	}
	if len(z.Photos) >= MaxPhotos {
		return Zone{}, errs.InvalidField("file", "zone.photos_too_many", MaxPhotos)
	}
	if len(data) > MaxPhoto {
		return Zone{}, errs.InvalidField("file", "zone.photo_size", MaxPhoto>>20)
	}
	at, err := info.CheckFile(name, data)
	if err != nil {
		return Zone{}, err
	}
	if !strings.HasPrefix(at.MIME, "image/") {
		return Zone{}, errs.InvalidField("file", "zone.not_image", at.Name)
	}
	if err := info.StoreFile(files, at, data); err != nil {
		return Zone{}, err
	}
	p := Photo{Seq: 1, Name: at.Name, SHA256: at.SHA256, MIME: at.MIME, Size: at.Size, Alt: alt}
	if n := len(z.Photos); n > 0 {
		p.Seq = z.Photos[n-1].Seq + 1
	}
	if _, err := tx.Exec(ctx, `INSERT INTO zone_photos (zone_id, seq, name, sha256, mime, size, alt) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		z.ID, p.Seq, p.Name, p.SHA256, p.MIME, p.Size, p.Alt); err != nil {
		return Zone{}, fmt.Errorf("add zone photo: %w", err)
	}
	z.Photos = append(z.Photos, p)
	return z, audit.Append(ctx, tx, a.Login, "zone.photo", "zone", fmt.Sprint(z.ID), map[string]any{"name": p.Name, "sha256": p.SHA256, "alt": p.Alt})
}

// RemovePhoto takes photo seq off z.
func RemovePhoto(ctx context.Context, tx *db.Tx, a auth.Account, z Zone, seq int) (Zone, error) {
	if !CanEdit(a, z.Unit) {
		return Zone{}, forbidden()
	}
	if _, err := z.Photo(seq); err != nil {
		return Zone{}, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM zone_photos WHERE zone_id = ? AND seq = ?`, z.ID, seq); err != nil {
		return Zone{}, fmt.Errorf("remove zone photo: %w", err)
	}
	var err error
	if z.Photos, err = photosOf(ctx, tx, z.ID); err != nil {
		return Zone{}, err
	}
	return z, audit.Append(ctx, tx, a.Login, "zone.photo_remove", "zone", fmt.Sprint(z.ID), map[string]any{"seq": seq})
}

const zoneCols = `z.id, z.unit_id, z.kind, z.name, z.address, z.hours, z.services, z.created_by, z.created_at, z.updated_at`

// ByID returns a zone with its unit and photos, or a NotFound error.
func ByID(ctx context.Context, q db.Querier, id int64) (Zone, error) {
	zs, err := list(ctx, q, `z.id = ?`, id)
	if err != nil {
		return Zone{}, err
	}
	if len(zs) == 0 {
		return Zone{}, errs.New(errs.NotFound, "zone.not_found", id)
	}
	return zs[0], nil
}

// List returns the zones of the units under scope, or all when scope is
// nil, by unit and name.
func List(ctx context.Context, q db.Querier, scope *org.Unit) ([]Zone, error) {
	if scope == nil {
		return list(ctx, q, `1 = 1`)
	}
	return list(ctx, q, `u.path LIKE ?`, scope.Path+"%")
}

func list(ctx context.Context, q db.Querier, where string, args ...any) ([]Zone, error) {
	rows, err := q.Query(ctx, `SELECT `+zoneCols+` FROM zones z JOIN units u ON u.id = z.unit_id WHERE `+where+` ORDER BY u.path, z.name, z.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list zones: %w", err)
	}
	var out []Zone
	for rows.Next() {
		var z Zone
		if err := rows.Scan(&z.ID, &z.Unit.ID, &z.Kind, &z.Name, &z.Address, &z.Hours, &z.Services, &z.CreatedBy, &z.CreatedAt, &z.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, z)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	memo := org.NewMemo(q)
	for i := range out {
		if out[i].Unit, err = memo.ByID(ctx, out[i].Unit.ID); err != nil {
			return nil, err
		}
		if out[i].Photos, err = photosOf(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func photosOf(ctx context.Context, q db.Querier, id int64) ([]Photo, error) {
	rows, err := q.Query(ctx, `SELECT seq, name, sha256, mime, size, alt FROM zone_photos WHERE zone_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("list zone photos: %w", err)
	}
	defer rows.Close()
	var out []Photo
	for rows.Next() {
		var p Photo
		if err := rows.Scan(&p.Seq, &p.Name, &p.SHA256, &p.MIME, &p.Size, &p.Alt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MapURL is a link to a map search of the address (高德地图's URI
// interface, which opens its web map or app): a plain link, no script.
func (z Zone) MapURL() string {
	return "https://uri.amap.com/search?keyword=" + url.QueryEscape(z.Address) + "&src=gongkai"
}
