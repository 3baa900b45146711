// Package workbook is the set-up every XLSX file gongkai writes shares:
// document properties that say who made the file and when, column widths,
// a print layout for tables, and, when the file is written, each sheet's
// declared size. excelize's new file carries a template's properties
// (creator xuri, created 2006) and declares every sheet as A1, which
// read-only readers such as openpyxl's take at its word and so show one
// cell; Write puts both right.
package workbook

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Creator is the creator every workbook names.
const Creator = "gongkai"

// New returns an empty workbook titled title, created now, whose first
// sheet is named sheet.
func New(title, sheet string) (*excelize.File, error) {
	f := excelize.NewFile()
	now := time.Now().UTC().Format(time.RFC3339) // excelize writes W3CDTF as given
	err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: Creator, LastModifiedBy: Creator, Language: "zh-CN", Created: now, Modified: now})
	if err == nil {
		err = f.SetSheetName(f.GetSheetName(0), sheet)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Widths sets the widths of a sheet's first columns, in characters.
func Widths(f *excelize.File, sheet string, widths ...float64) error {
	for i, w := range widths {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err == nil {
			err = f.SetColWidth(sheet, col, col, w)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// PrintTable lays a table out for printing: A4 landscape, as wide as one
// page, the sheet's cells as the print area and the header rows
// (firstHead to lastHead) repeated at the top of every page.
func PrintTable(f *excelize.File, sheet string, firstHead, lastHead int) error {
	size, landscape, wide, tall, fit := 9, "landscape", 1, 0, true // 9 is A4
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	cols, rows, err := used(f, sheet)
	if err != nil {
		return err
	}
	last, err := excelize.ColumnNumberToName(max(cols, 1))
	if err != nil {
		return err
	}
	quoted := "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: sheet,
		RefersTo: quoted + "!$A$1:$" + last + "$" + strconv.Itoa(max(rows, 1))}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: quoted + "!$" + strconv.Itoa(firstHead) + ":$" + strconv.Itoa(lastHead)})
}

// Write declares each sheet's size and writes the workbook to w.
func Write(f *excelize.File, w io.Writer) error {
	for _, sheet := range f.GetSheetList() {
		cols, rows, err := used(f, sheet)
		if err != nil {
			return err
		}
		ref, err := excelize.CoordinatesToCellName(max(cols, 1), max(rows, 1))
		if err == nil {
			err = f.SetSheetDimension(sheet, "A1:"+ref)
		}
		if err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}

// used returns how many columns and rows of sheet hold values or merged
// cells.
func used(f *excelize.File, sheet string) (cols, rows int, err error) {
	all, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, 0, err
	}
	for i, r := range all {
		if len(r) > 0 {
			rows = i + 1
			cols = max(cols, len(r))
		}
	}
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range merged {
		c, r, err := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err != nil {
			return 0, 0, err
		}
		cols, rows = max(cols, c), max(rows, r)
	}
	return cols, rows, nil
}
