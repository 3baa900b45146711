package readertest_test

import (
	"strings"
	"testing"

	"gongkai/internal/readertest"
)

const w = `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`

// The schemas refuse what they are there to catch, and take the same
// documents put right.
func TestSchemasRefuse(t *testing.T) {
	for _, c := range []struct {
		name, schema, good, bad string
	}{
		{"pPr order", readertest.WML,
			w + `<w:p><w:pPr><w:spacing w:line="560"/><w:jc w:val="center"/></w:pPr></w:p></w:body></w:document>`,
			w + `<w:p><w:pPr><w:jc w:val="center"/><w:spacing w:line="560"/></w:pPr></w:p></w:body></w:document>`},
		{"pPr spacing twice", readertest.WML,
			w + `<w:p><w:pPr><w:spacing w:after="320" w:line="560"/></w:pPr></w:p></w:body></w:document>`,
			w + `<w:p><w:pPr><w:spacing w:after="320"/><w:spacing w:line="560"/></w:pPr></w:p></w:body></w:document>`},
		{"rPr order", readertest.WML,
			w + `<w:p><w:r><w:rPr><w:rFonts w:ascii="仿宋"/><w:sz w:val="32"/></w:rPr><w:t xml:space="preserve"> a</w:t></w:r></w:p></w:body></w:document>`,
			w + `<w:p><w:r><w:rPr><w:sz w:val="32"/><w:rFonts w:ascii="仿宋"/></w:rPr><w:t>a</w:t></w:r></w:p></w:body></w:document>`},
		{"atom entry author", readertest.Atom,
			`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:a</id><updated>2026-01-02T03:04:05+08:00</updated>` +
				`<entry><title>e</title><id>urn:b</id><updated>2026-01-02T03:04:05+08:00</updated><author><name>u</name></author></entry></feed>`,
			`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:a</id><updated>2026-01-02</updated>` +
				`<entry><title>e</title><id>urn:b</id><updated>2026-01-02T03:04:05+08:00</updated></entry></feed>`},
		{"sitemap absolute loc", readertest.Sitemap,
			`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://gk.example.gov.cn/zwgk/</loc><lastmod>2026-01-02</lastmod></url></urlset>`,
			`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/zwgk/</loc><lastmod>2026-01-02</lastmod></url></urlset>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := readertest.Check(t, c.schema, []byte(c.good)); err != nil {
				t.Errorf("the good document fails: %v", err)
			}
			if err := readertest.Check(t, c.schema, []byte(c.bad)); err == nil {
				t.Error("the bad document validates")
			}
		})
	}
}

// openpyxl's complaint about a file it cannot open comes back as Error.
func TestOpenXLSXRefusal(t *testing.T) {
	wb := readertest.OpenXLSX(t, []byte("PK not a workbook"))
	if !strings.Contains(wb.Error, "zip") {
		t.Errorf("error = %q, want openpyxl's complaint", wb.Error)
	}
}

// feedparser's bozo flag goes up on a feed that is not well formed, and
// its links come back with their relations.
func TestParseFeed(t *testing.T) {
	const good = `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:a</id>` +
		`<updated>2026-01-02T03:04:05+08:00</updated><link href="https://gk.example.gov.cn/zwgk/"/><author><name>赤岗</name></author>` +
		`<entry><title>e</title><id>urn:b</id><updated>2026-01-02T03:04:05+08:00</updated><link href="https://gk.example.gov.cn/zwgk/info/1/"/></entry></feed>`
	f := readertest.ParseFeed(t, []byte(good))
	if f.Bozo || f.Version != "atom10" || readertest.Alternate(f.Links) != "https://gk.example.gov.cn/zwgk/" || f.Author != "赤岗" ||
		len(f.Entries) != 1 || readertest.Alternate(f.Entries[0].Links) != "https://gk.example.gov.cn/zwgk/info/1/" {
		t.Errorf("good feed read as %+v", f)
	}
	if f := readertest.ParseFeed(t, []byte(strings.Replace(good, "</entry>", "", 1))); !f.Bozo || f.BozoException == "" {
		t.Errorf("a feed with an unclosed entry is not bozo: %+v", f)
	}
}

// pandas' complaint about a sheet it cannot read comes back as Error.
func TestReadExcelRefusal(t *testing.T) {
	fs := readertest.ReadExcel(t, []byte("PK not a workbook"), readertest.Read{Sheet: "Sheet1"})
	if len(fs) != 1 || fs[0].Error == "" {
		t.Errorf("read as %+v", fs)
	}
}
