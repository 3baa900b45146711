// Package readertest opens what gongkai writes with readers that are not
// gongkai's own: Debian's python3-openpyxl and python3-pandas for
// workbooks, python3-feedparser for feeds, pandoc for .docx documents, and
// libxml2's xmllint, against the schemas in testdata, for Office documents,
// Atom feeds and sitemaps. A test that cannot find a reader is skipped —
// except under CI (CI=true), where it fails, as the PostgreSQL tests do;
// .ci/run installs every reader.
package readertest

import (
	"archive/zip"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

//go:embed testdata/*.xsd testdata/*.rng testdata/*.py
var files embed.FS

// Python is Debian's interpreter, which python3-openpyxl installs into; the
// python3 first on PATH may be another one without it.
const Python = "/usr/bin/python3"

// required reports whether a missing reader must fail the test.
func required() bool { return os.Getenv("CI") == "true" }

// need skips or fails t when probe, a command line, does not run.
func need(t testing.TB, what string, probe ...string) {
	t.Helper()
	if out, err := exec.Command(probe[0], probe[1:]...).CombinedOutput(); err != nil {
		if required() {
			t.Fatalf("%s is required under CI but does not run: %v %s", what, err, out)
		}
		t.Skipf("%s not available: %v", what, err)
	}
}

// schemaDir writes the schemas to a temporary directory, so that one
// schema's relative imports find the others.
func schemaDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	ents, err := files.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := files.ReadFile("testdata/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Schemas for Check and Validate.
const (
	Atom    = "atom.rng"       // RFC 4287, Appendix B
	Sitemap = "sitemap.xsd"    // sitemaps.org 0.9: urlset and sitemapindex
	WML     = "wml-subset.xsd" // the WordprocessingML that internal/docx writes
)

// Check validates doc against schema (one of the constants above) with
// xmllint, a RELAX NG schema for .rng files and an XML Schema otherwise. It
// returns xmllint's complaints when doc does not validate.
func Check(t testing.TB, schema string, doc []byte) error {
	t.Helper()
	need(t, "xmllint (libxml2-utils)", "xmllint", "--version")
	dir := schemaDir(t)
	path := filepath.Join(dir, "doc.xml")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	flag := "--schema"
	if strings.HasSuffix(schema, ".rng") {
		flag = "--relaxng"
	}
	out, err := exec.Command("xmllint", "--noout", "--nonet", flag, filepath.Join(dir, schema), path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("xmllint %s: %v\n%s", schema, err, out)
	}
	return nil
}

// Validate fails t unless doc validates against schema.
func Validate(t testing.TB, schema string, doc []byte) {
	t.Helper()
	if err := Check(t, schema, doc); err != nil {
		t.Error(err)
	}
}

// Workbook is an XLSX file as openpyxl reads it.
type Workbook struct {
	Creator  string  `json:"creator"`
	Created  string  `json:"created"` // ISO 8601, as openpyxl gives it
	Modified string  `json:"modified"`
	Title    string  `json:"title"`
	Sheets   []Sheet `json:"sheets"`
	// Error is openpyxl's complaint when it cannot open the file.
	Error string `json:"error"`
}

// Sheet is one worksheet: its cells as a read-only reader sees them (within
// the declared dimension) and its layout as a full load sees it.
type Sheet struct {
	Name string `json:"name"`
	// Dimension is the size the sheet declares, which read-only readers
	// trust; Used is the size of the cells actually written.
	Dimension string `json:"dimension"`
	Used      string `json:"used"`
	// Rows are the values in read-only mode: strings, float64 numbers,
	// booleans, or nil for empty cells.
	Rows [][]any `json:"rows"`
	// Types are openpyxl's data types of the same cells: "s", "n", ….
	Types          [][]string         `json:"types"`
	Orientation    string             `json:"orientation"`
	FitToWidth     int                `json:"fit_to_width"`
	FitToPage      bool               `json:"fit_to_page"`
	PrintArea      string             `json:"print_area"`
	PrintTitleRows string             `json:"print_title_rows"`
	Widths         map[string]float64 `json:"widths"`
}

// Cell returns the value at a 1-based row and column, nil past the end.
func (s Sheet) Cell(row, col int) any {
	if row < 1 || row > len(s.Rows) || col < 1 || col > len(s.Rows[row-1]) {
		return nil
	}
	return s.Rows[row-1][col-1]
}

// Sheet returns the sheet named name.
func (w Workbook) Sheet(t testing.TB, name string) Sheet {
	t.Helper()
	for _, s := range w.Sheets {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no sheet %q in the workbook (%d sheets)", name, len(w.Sheets))
	return Sheet{}
}

// OpenXLSX reads data with openpyxl, once in read-only mode and once in
// full. A file openpyxl refuses comes back with Error set.
func OpenXLSX(t testing.TB, data []byte) Workbook {
	t.Helper()
	out := python(t, "python3-openpyxl", "openpyxl", "xlsx.py", "book.xlsx", data)
	var w Workbook
	if err := json.Unmarshal(out, &w); err != nil {
		t.Fatalf("openpyxl output: %v\n%s", err, out)
	}
	return w
}

// MustOpenXLSX reads data with openpyxl and fails t when openpyxl cannot
// open it.
func MustOpenXLSX(t testing.TB, data []byte) Workbook {
	t.Helper()
	w := OpenXLSX(t, data)
	if w.Error != "" {
		t.Fatalf("openpyxl cannot open the workbook: %s", w.Error)
	}
	return w
}

// CheckWorkbook fails t unless wb carries what every workbook gongkai
// writes must: gongkai as its creator, a creation time between since and
// now, and on every sheet a declared dimension that covers the cells
// written, so that a read-only reader sees all of them.
func CheckWorkbook(t testing.TB, wb Workbook, since time.Time) {
	t.Helper()
	if wb.Creator != "gongkai" {
		t.Errorf("creator = %q, want gongkai", wb.Creator)
	}
	created, err := time.ParseInLocation("2006-01-02T15:04:05", wb.Created, time.UTC)
	if err != nil || created.Before(since.Truncate(time.Second)) || created.After(time.Now().Add(time.Second)) {
		t.Errorf("created = %q (%v), want a time since %s", wb.Created, err, since.UTC().Format(time.RFC3339))
	}
	if len(wb.Sheets) == 0 {
		t.Error("the workbook has no sheet")
	}
	for _, s := range wb.Sheets {
		if s.Dimension != s.Used {
			t.Errorf("sheet %s declares %s but holds %s: read-only readers see %d rows", s.Name, s.Dimension, s.Used, len(s.Rows))
		}
	}
}

// ZipPart returns the part called name of an Office file.
func ZipPart(t testing.TB, data []byte, name string) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip archive: %v", err)
	}
	f, err := z.Open(name)
	if err != nil {
		t.Fatalf("no part %s: %v", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
