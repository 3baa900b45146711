package info

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/info/infotest"
	"gongkai/internal/orgtest"
)

// FuzzTokens checks that a query finds the text it was typed from: every
// term of queryTerms(q) is a token of Tokens(q), or, for a one-character
// term, the start of one. Index and query must agree for any input.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"穗府办函〔2020〕53号 关于ABC的通知", "穗府办函[2020]053号", " 穗府办函 〔 2020 〕 53 号", "关于印发的通知广州市人民政府办公厅〔2020〕53号 通知",
		"政 府", `"政" OR 公开 目录abc`, "ＡＢＣ１２３　全角", "KELVIN \u212a sign", strings.Repeat("a", 50) + "中", "号〔2020〕1号〔2021〕2号", "\xff\xfe中文"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		toks := Tokens(q)
		set := map[string]bool{}
		for _, tok := range toks {
			if tok == "" || !utf8.ValidString(tok) && utf8.ValidString(q) {
				t.Fatalf("Tokens(%q) has token %q", q, tok)
			}
			set[tok] = true
		}
		for _, term := range queryTerms(q) {
			if set[term.token] {
				continue
			}
			found := false
			for _, tok := range toks {
				if term.prefix && strings.HasPrefix(tok, term.token) {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("query %q: term %+v matches no token of its own text %q", q, term, toks)
			}
		}
	})
}

// sanitizeSeeds are bodies as editors paste them, and as attackers write them.
var sanitizeSeeds = []string{"<p>本季度社区活动安排如下。</p>", `<p onclick="x()">a<script>alert(1)</script></p>`, `<a href="javascript:alert(1)">x</a>`,
	`<a href=" JaVaScRiPt:alert(1)">x</a>`, "</div></article><p>x</p>", "<table><tr><td>1<td>2</table>", "<p>a<b>b</p>c</b>", `<img src=x onerror=alert(1)>`,
	"<!-- c --><p>&lt;&amp;&#0;</p>", "<svg><style>a{}</style></svg>", "<p>\x00\xff</p>", "<ul><li>1<li>2</ul>"}

// FuzzSanitizeBody checks that a sanitized body is safe (no script, no
// event handler, no script URL) and that sanitizing it again changes
// nothing.
func FuzzSanitizeBody(f *testing.F) {
	for _, s := range sanitizeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := SanitizeBody(s)
		if again := SanitizeBody(out); again != out {
			t.Fatalf("not idempotent:\n%q\n%q\n%q", s, out, again)
		}
		z := html.NewTokenizer(strings.NewReader(out))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			tok := z.Token()
			if tok.Type != html.StartTagToken && tok.Type != html.SelfClosingTagToken {
				continue
			}
			if tok.Data == "script" || tok.Data == "style" || tok.Data == "iframe" {
				t.Fatalf("%q keeps <%s>: %q", s, tok.Data, out)
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, a.Val))
				if strings.HasPrefix(a.Key, "on") || (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:")) {
					t.Fatalf("%q keeps %s=%q: %q", s, a.Key, a.Val, out)
				}
			}
		}
	})
}

// FuzzSanitizeBodyClosesTags checks that a sanitized body closes only
// elements it opened, so that it cannot close the page's own elements.
func FuzzSanitizeBodyClosesTags(f *testing.F) {
	for _, s := range sanitizeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := SanitizeBody(s)
		if bad := strayClosing(out); bad != "" {
			t.Errorf("%q gives </%s> in %q", s, bad, out)
		}
	})
}

// voidElements have no closing tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true,
	"link": true, "meta": true, "source": true, "track": true, "wbr": true}

// strayClosing returns the name of the first closing tag of fragment that
// closes no element the fragment opened, or "".
func strayClosing(fragment string) string {
	var open []string
	z := html.NewTokenizer(strings.NewReader(fragment))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		name, _ := z.TagName()
		switch tt {
		case html.StartTagToken:
			if !voidElements[string(name)] {
				open = append(open, string(name))
			}
		case html.EndTagToken:
			i := len(open) - 1
			for i >= 0 && open[i] != string(name) {
				i--
			}
			if i < 0 {
				return string(name)
			}
			open = open[:i]
		}
	}
	return ""
}

// FuzzExtractText checks that text extraction never panics on any file
// and keeps to its bound.
func FuzzExtractText(f *testing.F) {
	f.Add(".docx", infotest.DOCX("联系人李某13912345678"))
	f.Add(".docx", []byte("PK\x03\x04 not a zip"))
	f.Add(".xlsx", []byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add(".pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"))
	f.Add(".pdf", []byte("%PDF-1.7\nxref\n0 1\n0000000000 65535 f \ntrailer<</Size 1>>\nstartxref\n9\n%%EOF"))
	f.Add(".txt", []byte("plain"))
	f.Fuzz(func(t *testing.T, ext string, data []byte) {
		s, err := ExtractText("file"+ext, data)
		if len(s) > maxExtracted {
			t.Fatalf("%d bytes of text, more than %d", len(s), maxExtracted)
		}
		if err != nil && s != "" {
			t.Fatalf("text %q with error %v", s, err)
		}
	})
}

// FuzzExtractDOCX checks that the text written into a Word document is the
// text read out of it.
func FuzzExtractDOCX(f *testing.F) {
	for _, s := range []string{"联系人李某13912345678", "a\tb", "<&>\"'", "  spaces  ", "line\nbreak", "\x01", "\uFFFE", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var esc bytes.Buffer
		xml.EscapeText(&esc, []byte(text))
		got, err := ExtractText("a.docx", infotest.DOCX(esc.String()))
		if !xmlText(text) {
			return
		}
		if err != nil || got != text+"\n" {
			t.Fatalf("DOCX of %q reads %q, %v", text, got, err)
		}
	})
}

// xmlText reports whether s is made only of characters XML 1.0 allows,
// without carriage returns (which XML turns into line feeds).
func xmlText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\r' || r < 0x20 && r != '\t' && r != '\n' || r == 0xFFFE || r == 0xFFFF {
			return false
		}
	}
	return true
}

var errRollback = errors.New("rollback")

// FuzzImport checks the JSON Lines import on any file: it fails only with
// bad input, and a file it accepts, imported again, changes nothing.
func FuzzImport(f *testing.F) {
	d := dbtest.SQLite(f)
	ctx := context.Background()
	if err := d.InTx(ctx, func(tx *db.Tx) error { orgtest.Build(f, ctx, tx); return nil }); err != nil {
		f.Fatal(err)
	}
	line := `{"title":"关于印发某办法的通知","doc_number":"穗府办〔2020〕1号","written_date":"2020-01-02","published_date":"2020-01-03","index_no":"A-1","body_text":"第一条\n第二条 <b>x</b>","unit":"440105-001","validity":"有效","attachments":[{"name":"附件","url":"https://example.gov.cn/a.pdf"}]}`
	f.Add([]byte(line))
	f.Add([]byte(line + "\n\n" + strings.Replace(line, "A-1", "A-2", 1) + "\r\n"))
	f.Add([]byte(line + "\n" + line))
	f.Add([]byte(`{"title":"x","index_no":"i","written_date":"2020-02-30","published_date":"2020-01-01","unit":"440105"}`))
	f.Add([]byte(`{"title":"x","index_no":"i","written_date":"2020-01-30","published_date":"2020-01-01","unit":"440105","extra":1}`))
	f.Add([]byte(`{"title":"x","index_no":"i","written_date":"2020-01-30","published_date":"2020-01-01","unit":"440105","validity":"废止"} {"title":1}`))
	f.Add([]byte(`{"title":"x","index_no":"i","written_date":"2020-01-30","unit":"440105","attribute":"依申请公开","reason":"第十五条"}`))
	f.Add([]byte(`{"title":"x","index_no":"i","written_date":"2020-01-30","unit":"440105","attribute":"不予公开"}`))
	f.Add([]byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			first, err := Import(ctx, tx, "fuzz", nil, bytes.NewReader(data))
			if err != nil {
				if k := errs.KindOf(err); k != errs.Invalid {
					return fmt.Errorf("error of kind %v: %v", k, err)
				}
				return errRollback
			}
			if first.Created+first.Unchanged != first.Lines || first.Lines == 0 {
				return fmt.Errorf("first import %+v", first)
			}
			for i, line := range bytes.Split(data, []byte("\n")) {
				if line = bytes.TrimSpace(line); len(line) > 0 && !json.Valid(line) {
					return fmt.Errorf("line %d accepted, not one JSON value: %q", i+1, line)
				}
			}
			again, err := Import(ctx, tx, "fuzz", nil, bytes.NewReader(data))
			if err != nil || again.Created != 0 || again.Unchanged != first.Lines {
				return fmt.Errorf("second import: %+v, %v (first %+v)", again, err, first)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
	})
}
