// Package infotest makes attachment files for tests.
package infotest

import (
	"archive/zip"
	"bytes"
)

// DOCX returns a minimal Word document holding text in one paragraph.
func DOCX(text string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	f, _ := zw.Create("[Content_Types].xml")
	f.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	f, _ = zw.Create("word/document.xml")
	f.Write([]byte(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` + text + `</w:t></w:r></w:p></w:body></w:document>`))
	zw.Close()
	return b.Bytes()
}
