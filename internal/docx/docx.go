// Package docx writes simple official documents as Office Open XML
// word-processing files (.docx): a centred title, a reference line, body
// paragraphs with a two-character first-line indent, and right-aligned
// signature lines, in the fonts and sizes of government documents (GB/T
// 9704: title in 小标宋 二号, body in 仿宋 三号).
package docx

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"
)

// Align is a paragraph's kind.
type Align int

// The paragraph kinds.
const (
	Body   Align = iota // indented two characters
	Title               // centred, large
	Center              // centred, body size
	Left                // no indent
	Right               // right-aligned
)

// Paragraph is one paragraph of text.
type Paragraph struct {
	Align Align
	Text  string
}

// Write writes a document of paragraphs to w. Line breaks inside a
// paragraph's text become line breaks in the document.
func Write(w io.Writer, ps []Paragraph) error {
	z := zip.NewWriter(w)
	// A fixed time keeps the bytes reproducible.
	stamp := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rels},
		{"word/document.xml", document(ps)},
	} {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(fw, f.body); err != nil {
			return err
		}
	}
	return z.Close()
}

const contentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`</Types>`

const rels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`</Relationships>`

// escape writes s as XML character data.
func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func document(ps []Paragraph) string {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range ps {
		font, size := "仿宋", 32 // 三号 = 16 pt
		// Paragraph properties in the order WordprocessingML requires
		// (ECMA-376 Part 1 §17.3.1.26): spacing, ind, jc — one of each.
		spacing := `<w:spacing w:line="560" w:lineRule="exact"/>` // 28 pt, fixed
		var ind, jc string
		switch p.Align {
		case Title:
			font, size = "方正小标宋简体", 44 // 二号 = 22 pt
			spacing = `<w:spacing w:after="320" w:line="560" w:lineRule="exact"/>`
			jc = `<w:jc w:val="center"/>`
		case Center:
			jc = `<w:jc w:val="center"/>`
		case Right:
			jc = `<w:jc w:val="right"/>`
		case Body:
			ind = `<w:ind w:firstLineChars="200" w:firstLine="640"/>`
		}
		b.WriteString(`<w:p><w:pPr>` + spacing + ind + jc + `</w:pPr>`)
		rpr := `<w:rPr><w:rFonts w:ascii="` + font + `" w:hAnsi="` + font + `" w:eastAsia="` + font + `"/>`
		rpr += `<w:sz w:val="` + strconv.Itoa(size) + `"/><w:szCs w:val="` + strconv.Itoa(size) + `"/></w:rPr>`
		for i, line := range strings.Split(p.Text, "\n") {
			b.WriteString(`<w:r>` + rpr)
			if i > 0 {
				b.WriteString(`<w:br/>`)
			}
			b.WriteString(`<w:t xml:space="preserve">` + escape(line) + `</w:t></w:r>`)
		}
		b.WriteString(`</w:p>`)
	}
	// A4 with the margins of GB/T 9704.
	b.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>`)
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}
