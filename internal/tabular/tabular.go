// Package tabular reads the tables people keep in spreadsheets — CSV saved
// in UTF-8 or GBK (GB18030), or XLSX — as rows of text, with merged cells
// filled in. The importers that map a table's headers to their own columns
// (catalog, services) share it, so that a file one of them reads the other
// reads the same way.
package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/width"

	"gongkai/internal/errs"
	"gongkai/internal/zipguard"
)

// The encodings File.Encoding names.
const (
	UTF8 = "utf-8"
	GBK  = "gbk"
	XLSX = "xlsx"
)

// MaxBytes bounds a file read.
const MaxBytes = 20 << 20

// Sheet is one sheet of a workbook, or the whole of a CSV file.
type Sheet struct {
	// Name is the sheet's name; empty for CSV.
	Name string
	// Rows are the cells as text, row by row (1-based line i is Rows[i-1]).
	Rows [][]string
}

// File is a table file read.
type File struct {
	// Encoding is UTF8 or GBK for CSV, XLSX otherwise.
	Encoding string
	// Sheets holds one sheet for CSV, every sheet of a workbook otherwise.
	Sheets []Sheet
}

// Read reads a CSV or XLSX file, chosen by the content (a ZIP signature is
// XLSX) and, failing that, by the name. CSV is UTF-8 (with or without a
// byte-order mark) or, when it is not valid UTF-8, GB18030, which GBK files
// are part of. Merged cells of a sheet all hold the merged value. Errors
// are Invalid and say what is wrong: too large, empty, not a workbook, an
// encoding that is neither, a CSV line that cannot be read.
func Read(name string, r io.Reader) (*File, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > MaxBytes {
		return nil, errs.New(errs.Invalid, "table.too_large", MaxBytes>>20)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errs.New(errs.Invalid, "table.empty")
	}
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return readXLSX(b)
	}
	if ext := strings.ToLower(filepath.Ext(name)); ext == ".xlsx" || ext == ".xls" {
		return nil, errs.New(errs.Invalid, "table.bad_xlsx")
	}
	return readCSV(b)
}

func readCSV(b []byte) (*File, error) {
	enc := UTF8
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil || !utf8.Valid(d) || bytes.ContainsRune(d, utf8.RuneError) {
			return nil, errs.New(errs.Invalid, "table.bad_encoding")
		}
		b, enc = d, GBK
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return nil, errs.New(errs.Invalid, "table.binary")
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var records [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, errs.New(errs.Invalid, "table.bad_csv", pe.Line, pe.Err.Error())
			}
			return nil, errs.New(errs.Invalid, "table.bad_csv", 0, err.Error())
		}
		records = append(records, rec)
	}
	return &File{Encoding: enc, Sheets: []Sheet{{Rows: records}}}, nil
}

func readXLSX(b []byte) (*File, error) {
	if err := zipguard.Check(bytes.NewReader(b), int64(len(b))); err != nil {
		if e := errs.As(err); e != nil {
			return nil, e
		}
		return nil, errs.New(errs.Invalid, "table.bad_xlsx")
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, errs.New(errs.Invalid, "table.bad_xlsx")
	}
	defer f.Close()
	out := &File{Encoding: XLSX}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: false})
		if err != nil {
			return nil, errs.New(errs.Invalid, "table.bad_xlsx")
		}
		merged, err := f.GetMergeCells(sheet)
		if err != nil {
			return nil, errs.New(errs.Invalid, "table.bad_xlsx")
		}
		for _, m := range merged {
			c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if err1 != nil || err2 != nil {
				continue
			}
			v := m.GetCellValue()
			for r := r1; r <= r2; r++ {
				for c := c1; c <= c2; c++ {
					for len(rows) < r {
						rows = append(rows, nil)
					}
					for len(rows[r-1]) < c {
						rows[r-1] = append(rows[r-1], "")
					}
					rows[r-1][c-1] = v
				}
			}
		}
		out.Sheets = append(out.Sheets, Sheet{Name: sheet, Rows: rows})
	}
	return out, nil
}

// Blank reports whether no cell of rows holds text.
func Blank(rows [][]string) bool {
	for _, r := range rows {
		if !BlankRow(r) {
			return false
		}
	}
	return true
}

// BlankRow reports whether no cell of rec holds text.
func BlankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Cell returns cell i of rec, or "" past its end.
func Cell(rec []string, i int) string {
	if i < len(rec) {
		return rec[i]
	}
	return ""
}

// Fold narrows full-width characters and drops whitespace, punctuation and
// symbols, so that headers and names typed in different habits compare
// equal: “申请材料（清单）” and “申请材料清单”.
func Fold(s string) string {
	s = width.Narrow.String(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
