package catalog

import (
	"bytes"
	"encoding/csv"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/internal/errs"
)

// headerOf is the header text each column is written back with.
var headerOf = map[Column]string{ColSeq: "序号", ColDomain: "领域", ColLevel1: "一级事项", ColLevel2: "二级事项", ColContent: "公开内容（要素）",
	ColBasis: "公开依据", ColLimit: "公开时限", ColSubject: "公开主体", ColChannels: "公开渠道和载体", ColAudience: "公开对象", ColMethod: "公开方式", ColLevel: "公开层级"}

// FuzzReadTable checks that ReadTable fails only with bad input, that the
// rows it reads hold only the columns it reports, in valid text, and that
// a CSV table written back with one header row reads the same.
func FuzzReadTable(f *testing.F) {
	f.Add("town.csv", []byte(townCSV))
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(townCSV)
	f.Add("town.csv", []byte(gbk))
	f.Add("x.csv", []byte("\ufeff一级事项,二级事项,公开内容,公开依据\n政策,\"文件,名称\"\"\",\"多\n行\",《条例》\n,,,\n"))
	f.Add("x.csv", []byte("一级事项,二级事项,公开内容\n\"未闭合,a,b\n"))
	f.Add("x.xlsx", []byte("not a workbook"))
	xf := excelize.NewFile()
	xf.SetSheetRow("Sheet1", "A1", &[]any{"一级事项", "二级事项", "公开内容（要素）", "公开对象"})
	xf.SetSheetRow("Sheet1", "A2", &[]any{"最低生活保障", "办事指南", "申请条件", "全社会"})
	xf.MergeCell("Sheet1", "A2", "A3")
	var xb bytes.Buffer
	xf.Write(&xb)
	f.Add("x.xlsx", xb.Bytes())
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		tb, err := ReadTable(name, bytes.NewReader(data))
		if err != nil {
			if k := errs.KindOf(err); k != errs.Invalid {
				t.Fatalf("error of kind %v: %v", k, err)
			}
			return
		}
		for _, r := range tb.Rows {
			if r.Line < 1 {
				t.Fatalf("row at line %d", r.Line)
			}
			for col, v := range r.Cells {
				if !utf8.ValidString(v) || strings.ContainsRune(v, 0) || v != strings.TrimSpace(v) {
					t.Fatalf("cell %s = %q", col, v)
				}
				if v != "" && !slices.Contains(tb.Columns, col) {
					t.Fatalf("row has %s, the table reports only %v", col, tb.Columns)
				}
			}
		}
		if tb.Encoding == "xlsx" || len(tb.Rows) == 0 {
			return
		}
		// Written back as plain CSV, one header row and every cell in
		// place, the table reads the same.
		var cols []Column
		n := 0
		for _, c := range tb.Columns {
			cols = append(cols, c)
			if c != ColSeq {
				n++
			}
		}
		if n < 3 {
			return // one header row then names too few columns to be found
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		var rec []string
		for _, c := range cols {
			rec = append(rec, headerOf[c])
		}
		w.Write(rec)
		for _, r := range tb.Rows {
			rec = rec[:0]
			for _, c := range cols {
				rec = append(rec, r.Cells[c])
			}
			w.Write(rec)
		}
		w.Flush()
		again, err := ReadTable("again.csv", &b)
		if err != nil {
			t.Fatalf("written back, the table does not read: %v\n%s", err, b.String())
		}
		if len(again.Rows) != len(tb.Rows) {
			t.Fatalf("written back, %d rows read as %d:\n%s", len(tb.Rows), len(again.Rows), b.String())
		}
		for i, r := range tb.Rows {
			if got, want := nonEmpty(again.Rows[i].Cells), nonEmpty(r.Cells); !maps.Equal(got, want) {
				t.Fatalf("row %d: %v read back as %v", i, want, got)
			}
		}
	})
}

func nonEmpty(m map[Column]string) map[Column]string {
	out := map[Column]string{}
	for k, v := range m {
		if v != "" {
			out[k] = v
		}
	}
	return out
}
