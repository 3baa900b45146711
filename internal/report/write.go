package report

import (
	"fmt"
	"io"

	"gongkai/internal/errs"
)

// MediaTypes are the formats Write writes, with their media types.
var MediaTypes = map[string]string{
	"json": "application/json; charset=utf-8",
	"html": "text/html; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// Write writes report r in format: json, html or xlsx. It returns an
// Invalid error for any other format.
func Write(w io.Writer, r Report, format string) error {
	switch format {
	case "json":
		return WriteJSON(w, r)
	case "html":
		return WriteHTML(w, r)
	case "xlsx":
		return WriteXLSX(w, r)
	}
	return errs.InvalidField("format", "report.format_invalid", format)
}

// FileName is the name a download of unit code's report of year in format
// goes by.
func FileName(code string, year int, format string) string {
	return fmt.Sprintf("annual-report-%s-%d.%s", code, year, format)
}
