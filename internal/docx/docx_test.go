package docx_test

import (
	"bytes"
	"strings"
	"testing"

	"gongkai/internal/docx"
	"gongkai/internal/info"
	"gongkai/internal/readertest"
)

// The document opens as a .docx and reads back with its text, markup in
// the text staying text.
func TestWriteReadsBack(t *testing.T) {
	var buf bytes.Buffer
	ps := []docx.Paragraph{
		{Align: docx.Title, Text: "政府信息公开申请答复告知书"},
		{Align: docx.Left, Text: "李明："},
		{Align: docx.Body, Text: "经审查，<b>予以公开</b> & “见附件”。\n第二行"},
		{Align: docx.Right, Text: "赤岗街道办事处"},
	}
	if err := docx.Write(&buf, ps); err != nil {
		t.Fatal(err)
	}
	text, err := info.ExtractText("n.docx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"政府信息公开申请答复告知书", "李明：", "经审查，<b>予以公开</b> & “见附件”。", "第二行", "赤岗街道办事处"} {
		if !strings.Contains(text, want) {
			t.Errorf("document text lacks %q:\n%s", want, text)
		}
	}
	var again bytes.Buffer
	if err := docx.Write(&again, ps); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("the same paragraphs must give the same bytes")
	}
}

// The document part validates against WordprocessingML: paragraph and run
// properties in the schema's order, each once.
func TestDocumentValidates(t *testing.T) {
	var buf bytes.Buffer
	ps := []docx.Paragraph{
		{Align: docx.Title, Text: "政府信息公开申请答复告知书"},
		{Align: docx.Center, Text: "〔2026〕YSQ-1号"},
		{Align: docx.Left, Text: "李明："},
		{Align: docx.Body, Text: "经审查，予以公开。\n第二行"},
		{Align: docx.Right, Text: "赤岗街道办事处"},
	}
	if err := docx.Write(&buf, ps); err != nil {
		t.Fatal(err)
	}
	readertest.Validate(t, readertest.WML, readertest.ZipPart(t, buf.Bytes(), "word/document.xml"))
}
