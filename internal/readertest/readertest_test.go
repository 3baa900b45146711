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
