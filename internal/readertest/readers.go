package readertest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The readers of this file are Debian's python3-feedparser and
// python3-pandas (under Python) and pandoc; .ci/run installs them.

// Link is a link of a feed or an entry as feedparser reads it.
type Link struct {
	Rel  string `json:"rel"`
	Type string `json:"type"`
	Href string `json:"href"`
}

// Entry is a feed entry as feedparser reads it.
type Entry struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Author    string `json:"author"`
	Published string `json:"published"`
	Updated   string `json:"updated"`
	Summary   string `json:"summary"`
	Links     []Link `json:"links"`
}

// Feed is a feed as feedparser reads it.
type Feed struct {
	// Bozo is feedparser's word for a feed it found malformed; the
	// exception says why.
	Bozo          bool    `json:"bozo"`
	BozoException string  `json:"bozo_exception"`
	Version       string  `json:"version"`
	Title         string  `json:"title"`
	Author        string  `json:"author"`
	Links         []Link  `json:"links"`
	Entries       []Entry `json:"entries"`
}

// Alternate returns the href of the first link with rel "alternate" (the
// page a feed or an entry stands for), or "".
func Alternate(links []Link) string {
	for _, l := range links {
		if l.Rel == "alternate" {
			return l.Href
		}
	}
	return ""
}

// python runs script, one of the files in testdata, with args after the
// file written from data (given name), once needed says the reader runs,
// and returns what it prints.
func python(t testing.TB, what, module, script, name string, data []byte, args ...string) []byte {
	t.Helper()
	need(t, what, Python, "-c", "import "+module)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := files.ReadFile("testdata/" + script)
	if err != nil {
		t.Fatal(err)
	}
	// -c, not the file: a script is not to be found as a module of its
	// own folder.
	out, err := exec.Command(Python, append([]string{"-c", string(src), path}, args...)...).Output()
	if err != nil {
		t.Fatalf("%s: %v %s", what, err, out)
	}
	return out
}

// ParseFeed reads data with feedparser.
func ParseFeed(t testing.TB, data []byte) Feed {
	t.Helper()
	out := python(t, "python3-feedparser", "feedparser", "feed.py", "feed.xml", data)
	var f Feed
	if err := json.Unmarshal(out, &f); err != nil {
		t.Fatalf("feedparser output: %v\n%s", err, out)
	}
	return f
}

// Read is one read of a sheet by pandas.read_excel: the row pandas takes
// for the column names (0-based; -1 for none) and how many rows to read
// after it (0 for all).
type Read struct {
	Sheet  string `json:"sheet"`
	Header int    `json:"header"`
	NRows  int    `json:"nrows"`
}

// Frame is what pandas read: the column names, the kind of each column's
// dtype ("i" integers, "f" floats, "O" objects such as text, "b"
// booleans) and the values (strings, float64 numbers, booleans, nil for
// empty cells). Error is pandas' complaint when it could not read.
type Frame struct {
	Sheet   string   `json:"sheet"`
	Columns []string `json:"columns"`
	Kinds   []string `json:"kinds"`
	Rows    [][]any  `json:"rows"`
	Error   string   `json:"error"`
}

// Kind returns the dtype kind of the column named name, or "" when there
// is none.
func (f Frame) Kind(name string) string {
	for i, c := range f.Columns {
		if c == name {
			return f.Kinds[i]
		}
	}
	return ""
}

// ReadExcel reads data with pandas.read_excel, engine openpyxl, once for
// each read, and returns the frames in the same order.
func ReadExcel(t testing.TB, data []byte, reads ...Read) []Frame {
	t.Helper()
	arg, err := json.Marshal(reads)
	if err != nil {
		t.Fatal(err)
	}
	out := python(t, "python3-pandas with python3-openpyxl", "pandas, openpyxl", "excel.py", "book.xlsx", data, string(arg))
	var fs []Frame
	if err := json.Unmarshal(out, &fs); err != nil || len(fs) != len(reads) {
		t.Fatalf("pandas output: %v\n%s", err, out)
	}
	return fs
}

// DocxText converts a .docx document to plain text with pandoc.
func DocxText(t testing.TB, data []byte) string {
	t.Helper()
	need(t, "pandoc", "pandoc", "--version")
	path := filepath.Join(t.TempDir(), "doc.docx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pandoc", "--from=docx", "--to=plain", "--wrap=none", path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pandoc: %v %s", err, stderr.String())
	}
	return string(out)
}
