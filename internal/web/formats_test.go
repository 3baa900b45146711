package web_test

import (
	"net/http"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/readertest"
)

// The district's compilation opens in openpyxl with its rows in read-only
// mode, and prints in landscape with the header row on every page.
func TestCompilationXLSXReaders(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	since := time.Now()
	res := e.client().get("/zwgk/bzh/440105/hb.xlsx")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("hb.xlsx: %d", res.StatusCode)
	}
	wb := readertest.MustOpenXLSX(t, []byte(res.Body))
	readertest.CheckWorkbook(t, wb, since)
	s := wb.Sheet(t, "目录汇编")
	if len(s.Rows) != 6 || s.Cell(3, 1) != "赤岗街道办事处" || s.Cell(2, 4) != "一级事项" {
		t.Errorf("read-only rows: %v", s.Rows)
	}
	if s.Orientation != "landscape" || !s.FitToPage || s.FitToWidth != 1 {
		t.Errorf("print set-up: %s, fit to page %v, %d pages wide", s.Orientation, s.FitToPage, s.FitToWidth)
	}
	if s.PrintArea != "$A$1:$M$6" || s.PrintTitleRows != "$2:$2" {
		t.Errorf("print area %q, title rows %q", s.PrintArea, s.PrintTitleRows)
	}
}

// The supervisor's domain report has a named sheet with widths, and its
// number columns hold numbers or nothing, never text.
func TestDomainXLSXReaders(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	since := time.Now()
	res := e.asDemo(auth.DomainSupervisor).get("/admin/domain.xlsx")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("domain.xlsx: %d", res.StatusCode)
	}
	wb := readertest.MustOpenXLSX(t, []byte(res.Body))
	readertest.CheckWorkbook(t, wb, since)
	s := wb.Sheet(t, "目录覆盖情况")
	if len(s.Rows) < 4 || s.Cell(2, 2) != "单位名称" {
		t.Fatalf("read-only rows: %v", s.Rows)
	}
	if len(s.Widths) == 0 {
		t.Error("no column widths")
	}
	published := 0
	for i, row := range s.Rows[2:] {
		for col := 4; col <= 6; col++ { // 版本, 事项数, 未识别
			if v := row[col]; v != nil {
				if _, ok := v.(float64); !ok {
					t.Errorf("row %d column %d holds %q, not a number", i+3, col+1, v)
				}
			}
		}
		if row[4] != nil {
			published++
		}
	}
	if published == 0 {
		t.Error("no catalog version in the report")
	}
}
