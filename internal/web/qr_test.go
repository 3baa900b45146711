package web_test

import (
	"net/http"
	"strings"
	"testing"

	"gongkai/internal/db/dbtest"
	"gongkai/internal/readertest"
	"gongkai/internal/web"
)

// TestQRCodes opens the QR code of a unit, of its published domain catalog
// and of a record with an independent reader, as a phone would: each holds
// the page's full public address; the SVG draws the same code; pages link
// to both; and pages that do not exist, or are not public, have no code.
func TestQRCodes(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t), func(c *web.Config) { c.PublicURL = "https://gongkai.gz.gov.cn" })
	c := e.client()
	rec := attr(t, c.get("/zwgk/bzh/440105-001/21/").Body, `main a[href^="/zwgk/info/"]`, "href")
	if rec == "" {
		t.Fatal("the demo catalog lists no record")
	}
	for _, page := range []string{"/zwgk/bzh/440105-001/", "/zwgk/bzh/440105-001/21/", rec} {
		body := c.get(page).Body
		for _, link := range []string{"qr.png", "qr.svg"} {
			if len(find(t, body, `main a[href="`+link+`"]`)) != 1 {
				t.Errorf("%s: no link to %s", page, link)
			}
		}
		res := c.get(page + "qr.png")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("%sqr.png: %d %s", page, res.StatusCode, res.Header.Get("Content-Type"))
		}
		want := "https://gongkai.gz.gov.cn" + page
		if got := readertest.DecodeQR(t, []byte(res.Body)); got != want {
			t.Errorf("%sqr.png holds %q, want %q", page, got, want)
		}
		res = c.get(page + "qr.svg")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(res.Body, "<title") {
			t.Fatalf("%sqr.svg: %d %s", page, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if got := readertest.DecodeQR(t, readertest.RasterizeSVG(t, []byte(res.Body), 400)); got != want {
			t.Errorf("%sqr.svg holds %q, want %q", page, got, want)
		}
	}
	// The subscription form's code keeps the unit and domain it is for.
	res := c.get("/hudong/dingyue/qr.png?unit=440105-001&domain=21")
	if got, want := readertest.DecodeQR(t, []byte(res.Body)), "https://gongkai.gz.gov.cn/hudong/dingyue/?domain=21&unit=440105-001"; got != want {
		t.Errorf("subscription code holds %q, want %q", got, want)
	}
	if len(find(t, c.get("/hudong/dingyue/?unit=440105-001&domain=21").Body, `main a[href="qr.png?domain=21&unit=440105-001"]`)) != 1 {
		t.Error("the subscription form does not link its code")
	}
	for _, missing := range []string{"/hudong/dingyue/qr.png?unit=440105-999", "/hudong/dingyue/qr.svg?domain=99", "/zwgk/bzh/440105-999/qr.png", "/zwgk/bzh/440105-003/21/qr.svg", "/zwgk/bzh/440105-001/99/qr.png", "/zwgk/info/999999/qr.png", "/zwgk/info/x/qr.svg"} {
		if res := c.get(missing); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", missing, res.StatusCode)
		}
	}
}
