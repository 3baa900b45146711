package zipguard_test

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/docx"
	"gongkai/internal/errs"
	"gongkai/internal/info/infotest"
	"gongkai/internal/zipguard"
	"gongkai/internal/zipguard/bombtest"
)

const sheet = "xl/worksheets/sheet1.xml"

func check(b []byte) error { return zipguard.Check(bytes.NewReader(b), int64(len(b))) }

func TestCheckRefusesBombs(t *testing.T) {
	for _, c := range []struct {
		name string
		file []byte
		key  string
	}{
		{"1 GiB declared", bombtest.Zeros(sheet, 1024, 1<<30), "zip.too_large"},
		{"1 GiB declaring 1,000 bytes", bombtest.Zeros(sheet, 1024, 1000), "zip.size_mismatch"},
		{"1 GiB declaring 1 MiB", bombtest.Zeros(sheet, 1024, 1<<20), "zip.size_mismatch"},
		{"50 MiB of zeros", bombtest.Zeros(sheet, 50, 50<<20), "zip.ratio"},
		{"1,001 parts", bombtest.Many(1001), "zip.too_many_entries"},
		{"40,000 parts", bombtest.Many(40000), "zip.too_many_entries"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if len(c.file) > 8<<20 {
				t.Fatalf("the bomb is %d bytes", len(c.file))
			}
			err := check(c.file)
			if e := errs.As(err); e == nil || e.Key != c.key || e.Kind != errs.Invalid {
				t.Errorf("got %v, want %s", err, c.key)
			}
		})
	}
}

func TestCheckRefusesWhatIsNotAZIP(t *testing.T) {
	docx := infotest.DOCX("正文")
	for name, b := range map[string][]byte{
		"text":      []byte("序号,一级事项\n"),
		"truncated": docx[:len(docx)/2],
		"empty":     nil,
	} {
		if err := check(b); !errors.Is(err, zipguard.ErrFormat) {
			t.Errorf("%s: got %v, want ErrFormat", name, err)
		}
	}
}

// Real Office files pass: a workbook of 20,000 rows as excelize writes it,
// and the Word documents gongkai writes and accepts.
func TestCheckPassesOfficeFiles(t *testing.T) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 20000; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, []any{r, "养老服务", "高龄老年人津贴", fmt.Sprintf("补贴对象、补贴标准%d", r%50), "《广东省养老服务条例》", "信息形成或者变更之日起20个工作日内"}); err != nil {
			t.Fatal(err)
		}
	}
	sw.Flush()
	var xlsx bytes.Buffer
	if _, err := f.WriteTo(&xlsx); err != nil {
		t.Fatal(err)
	}
	var notice bytes.Buffer
	if err := docx.Write(&notice, []docx.Paragraph{{Align: docx.Title, Text: "政府信息公开申请答复告知书"}, {Align: docx.Body, Text: "经审查，予以公开。"}}); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"xlsx": xlsx.Bytes(), "notice.docx": notice.Bytes(), "attachment.docx": infotest.DOCX("正文")} {
		if err := check(b); err != nil {
			t.Errorf("%s (%d bytes): %v", name, len(b), err)
		}
	}
}

// countingReader counts the bytes read from an archive.
type countingReader struct {
	r *bytes.Reader
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// Refusing a bomb reads a bounded part of it, allocates little and takes
// little time, whatever it expands to.
func TestCheckReadsABoundedPart(t *testing.T) {
	for _, c := range []struct {
		name     string
		file     []byte
		maxRead  int64
		maxAlloc uint64
	}{
		// The directory and the end record only.
		{"1 GiB declared", bombtest.Zeros(sheet, 1024, 1<<30), 80 << 10, 1 << 20},
		// Up to the declared size: about 1 KiB of 1 MiB of compressed data.
		{"1 GiB declaring 1 MiB", bombtest.Zeros(sheet, 1024, 1<<20), 96 << 10, 2 << 20},
		// The budget of the directory, not its 2 MB.
		{"40,000 parts", bombtest.Many(40000), 1100 << 10, 16 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			cr := &countingReader{r: bytes.NewReader(c.file)}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			err := zipguard.Check(cr, int64(len(c.file)))
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if errs.As(err) == nil {
				t.Fatalf("got %v, want a refusal", err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d-byte archive: read %d bytes, allocated %d bytes, %v", len(c.file), cr.n.Load(), alloc, took)
			if cr.n.Load() > c.maxRead {
				t.Errorf("read %d bytes, want at most %d", cr.n.Load(), c.maxRead)
			}
			if alloc > c.maxAlloc {
				t.Errorf("allocated %d bytes, want at most %d", alloc, c.maxAlloc)
			}
		})
	}
}

func BenchmarkCheckBomb(b *testing.B) {
	for name, file := range map[string][]byte{
		"declared":   bombtest.Zeros(sheet, 1024, 1<<30),
		"forged":     bombtest.Zeros(sheet, 1024, 1<<20),
		"many_parts": bombtest.Many(40000),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if errs.As(check(file)) == nil {
					b.Fatal("not refused")
				}
			}
		})
	}
}
