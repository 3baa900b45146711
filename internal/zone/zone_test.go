package zone_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"slices"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/orgtest"
	"gongkai/internal/zone"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

// PNG returns a small PNG image.
func PNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func fields(err error) []string { return errs.Fields(err) }

var hall = zone.Input{Kind: zone.ServiceHall, Name: "赤岗街道政务服务中心政务公开专区", Address: "广州市海珠区赤岗路1号",
	Hours: "周一至周五 9:00-12:00，14:00-18:00", Services: "政府信息查阅\n依申请公开受理\n\n政策咨询"}

func TestZones(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		files := t.TempDir()
		var c orgtest.City
		var cgEd, xgEd auth.Account
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			c = orgtest.Build(t, ctx, tx)
			cgEd = orgtest.Account(t, ctx, tx, "cg-editor", "", auth.UnitEditor, c.Chigang)
			xgEd = orgtest.Account(t, ctx, tx, "xg-editor", "", auth.UnitEditor, c.Xingang)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		try := func(fn func(ctx context.Context, tx *db.Tx) error) error {
			return d.InTx(ctx, func(tx *db.Tx) error { return fn(ctx, tx) })
		}
		bad := zone.Input{Kind: "shop", Name: "", Address: strings.Repeat("路", 201), Hours: ""}
		if err := try(func(ctx context.Context, tx *db.Tx) error {
			_, err := zone.Create(ctx, tx, cgEd, c.Chigang, bad)
			return err
		}); !slices.Equal(fields(err), []string{"address", "hours", "kind", "name"}) {
			t.Errorf("bad input: %v", fields(err))
		}
		if err := try(func(ctx context.Context, tx *db.Tx) error {
			_, err := zone.Create(ctx, tx, xgEd, c.Chigang, hall)
			return err
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("新港 registered 赤岗's zone: %v", err)
		}
		var z zone.Zone
		if err := try(func(ctx context.Context, tx *db.Tx) (err error) {
			z, err = zone.Create(ctx, tx, cgEd, c.Chigang, hall)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := z.ServiceList(); !slices.Equal(got, []string{"政府信息查阅", "依申请公开受理", "政策咨询"}) {
			t.Errorf("services %q", got)
		}
		if !strings.Contains(z.MapURL(), "keyword=%E5%B9%BF%E5%B7%9E") {
			t.Errorf("map link %s", z.MapURL())
		}
		img := PNG(t)
		for _, c := range []struct {
			name string
			data []byte
			alt  string
			want []string
		}{
			{"zone.png", img, " ", []string{"alt"}},
			{"zone.png", []byte("%PDF-1.4 not an image"), "专区照片", []string{"file"}},
			{"zone.txt", []byte("text"), "专区照片", []string{"file"}},
		} {
			if err := try(func(ctx context.Context, tx *db.Tx) error {
				_, err := zone.AddPhoto(ctx, tx, cgEd, files, z, c.name, c.data, c.alt)
				return err
			}); !slices.Equal(fields(err), c.want) {
				t.Errorf("%s %q: %v, want %v", c.name, c.alt, fields(err), c.want)
			}
		}
		if err := try(func(ctx context.Context, tx *db.Tx) (err error) {
			z, err = zone.AddPhoto(ctx, tx, cgEd, files, z, "zone.png", img, "专区查阅台和自助查询机")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := zone.ByID(ctx, d, z.ID)
		if err != nil || len(got.Photos) != 1 || got.Photos[0].Alt != "专区查阅台和自助查询机" || got.Photos[0].MIME != "image/png" || got.Unit.Code != "440105-001" {
			t.Fatalf("zone %+v, %v", got, err)
		}
		if _, err := os.Stat(info.FilePath(files, got.Photos[0].SHA256)); err != nil {
			t.Errorf("photo not stored: %v", err)
		}
		in := hall
		in.Hours = "周一至周六 9:00-18:00"
		if err := try(func(ctx context.Context, tx *db.Tx) (err error) {
			_, err = zone.Update(ctx, tx, cgEd, got, in)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if zs, _ := zone.List(ctx, d, &c.Xingang); len(zs) != 0 {
			t.Errorf("新港 lists %d zones", len(zs))
		}
		if zs, _ := zone.List(ctx, d, &c.Haizhu); len(zs) != 1 || zs[0].Hours != in.Hours || len(zs[0].Photos) != 1 {
			t.Errorf("海珠 lists %+v", zs)
		}
		if err := try(func(ctx context.Context, tx *db.Tx) error {
			return zone.Delete(ctx, tx, xgEd, got)
		}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("新港 deleted: %v", err)
		}
		if err := try(func(ctx context.Context, tx *db.Tx) (err error) {
			_, err = zone.RemovePhoto(ctx, tx, cgEd, got, 1)
			if err == nil {
				err = zone.Delete(ctx, tx, cgEd, got)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if zs, _ := zone.List(ctx, d, nil); len(zs) != 0 {
			t.Errorf("%d zones after delete", len(zs))
		}
		var n int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'zone.%'`).Scan(&n)
		if n != 5 {
			t.Errorf("%d audit events, want 5", n)
		}
	})
}
