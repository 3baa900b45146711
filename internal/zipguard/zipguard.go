// Package zipguard checks an Office file (XLSX, DOCX: a ZIP archive) before a
// reader opens it, so that a small upload cannot expand into gigabytes in
// memory (a zip bomb).
//
// A file passes when it lists at most Entries parts, declares at most Total
// uncompressed bytes and no large part compressed more than Ratio times over,
// and when every part, decompressed, is no larger than it declares. The last
// check streams each part through a fixed buffer and stops at the declared
// size, so the declared limits bound the bytes read and a lying header costs
// no more than an honest one.
package zipguard

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"

	"gongkai/internal/errs"
)

// Limits are the bounds an archive must keep.
type Limits struct {
	// Entries bounds the parts listed in the archive's directory.
	Entries int
	// Total bounds the uncompressed bytes of all parts together.
	Total int64
	// Ratio bounds uncompressed / compressed bytes of one part larger than
	// RatioFrom; small parts (styles, empty sheets) compress better than
	// that and are harmless.
	Ratio     int64
	RatioFrom int64
}

// Office are the limits of every Office file gongkai reads: uploads and
// attachment text, catalog and guideline tables. Real files stay far below
// them: a 50 MB DOCX is mostly images stored nearly as they are, and XML
// compresses 5 to 20 times. The ratio follows Apache POI's default (its
// minimum inflate ratio 0.01).
var Office = Limits{Entries: 1000, Total: 100 << 20, Ratio: 100, RatioFrom: 1 << 20}

// maxDirectoryRecord bounds the bytes of one directory record the listing may
// read on average: 46 fixed bytes, a part name and a few extra fields.
const maxDirectoryRecord = 1 << 10

// endSearch is what archive/zip reads to find the end of the directory (the
// last 1 KiB, then the last 65 KiB) and a buffer's look-ahead, allowed on top
// of the directory itself.
const endSearch = 66<<10 + 8<<10

// Check checks the archive in r (size bytes) against the Office limits.
func Check(r io.ReaderAt, size int64) error { return Office.Check(r, size) }

// Check returns an Invalid *errs.Error naming the limit an archive breaks
// (zip.too_many_entries, zip.too_large, zip.ratio, zip.size_mismatch), an
// error wrapping ErrFormat for a file that is not a readable ZIP archive,
// and nil for an archive within the limits.
func (l Limits) Check(r io.ReaderAt, size int64) error {
	// archive/zip lists every directory record before returning, however
	// many there are: a budget on the bytes it may read while listing
	// bounds the memory that costs.
	br := &budgetReader{r: r, left: endSearch + int64(l.Entries)*maxDirectoryRecord}
	zr, err := zip.NewReader(br, size)
	if errors.Is(err, errBudget) {
		return errs.New(errs.Invalid, "zip.too_many_entries", l.Entries)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFormat, err)
	}
	br.left = -1
	if len(zr.File) > l.Entries {
		return errs.New(errs.Invalid, "zip.too_many_entries", l.Entries)
	}
	var total uint64
	for _, f := range zr.File {
		u := f.UncompressedSize64
		if u > uint64(l.Total) || total+u > uint64(l.Total) {
			return errs.New(errs.Invalid, "zip.too_large", l.Total>>20)
		}
		total += u
		if u > uint64(l.RatioFrom) && u/uint64(l.Ratio) > f.CompressedSize64 {
			return errs.New(errs.Invalid, "zip.ratio", l.Ratio)
		}
	}
	for _, f := range zr.File {
		if err := checkPart(f); err != nil {
			return err
		}
	}
	return nil
}

// ErrFormat is wrapped by Check's error for a file that is not a ZIP archive
// it can read: damaged, or compressed with a method other than Store and
// Deflate (which Office files use).
var ErrFormat = errors.New("not a readable ZIP archive")

// checkPart decompresses f into nothing through a small buffer, reading at
// most one byte past its declared size. archive/zip's own reader refuses
// those bytes too, but with the same error as a damaged file; this one says
// what happened.
func checkPart(f *zip.File) error {
	raw, err := f.OpenRaw()
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrFormat, f.Name, err)
	}
	var rd io.Reader
	switch f.Method {
	case zip.Store:
		rd = raw
	case zip.Deflate:
		fr := flate.NewReader(raw)
		defer fr.Close()
		rd = fr
	default:
		return fmt.Errorf("%w: %s: method %d", ErrFormat, f.Name, f.Method)
	}
	limit := int64(f.UncompressedSize64) // at most Total, checked above
	n, err := io.Copy(io.Discard, io.LimitReader(rd, limit+1))
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrFormat, f.Name, err)
	}
	if n > limit {
		return errs.New(errs.Invalid, "zip.size_mismatch")
	}
	return nil
}

// errBudget is what budgetReader returns once its budget is spent.
var errBudget = errors.New("zipguard: directory too large")

// budgetReader reads from r until left bytes are spent; a negative left is
// no limit.
type budgetReader struct {
	r    io.ReaderAt
	left int64
}

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	if b.left < 0 {
		return b.r.ReadAt(p, off)
	}
	if int64(len(p)) > b.left {
		return 0, errBudget
	}
	b.left -= int64(len(p))
	return b.r.ReadAt(p, off)
}
