package web_test

import (
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// xlsxRows opens a downloaded workbook and returns the rows of the sheet
// named, or of the first sheet when sheet is "", each cell as text; a body
// that is not a workbook fails the test.
func xlsxRows(t *testing.T, body, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		t.Fatal("a workbook without sheets")
	}
	if sheet == "" {
		sheet = sheets[0]
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// rowWith returns the first row with a cell equal to cell, or nil.
func rowWith(rows [][]string, cell string) []string {
	for _, r := range rows {
		for _, c := range r {
			if c == cell {
				return r
			}
		}
	}
	return nil
}
