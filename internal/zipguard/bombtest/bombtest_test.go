package bombtest_test

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"gongkai/internal/zipguard/bombtest"
)

// The bombs are what they say: an honest one expands to its size with the
// right checksum, and a lying one to more than it declares.
func TestZerosExpands(t *testing.T) {
	for _, c := range []struct {
		declared uint64
		wantErr  error
	}{{8 << 20, nil}, {1 << 20, zip.ErrFormat}} {
		b := bombtest.Zeros("x.xml", 8, c.declared)
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		rc, err := zr.File[0].Open()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		if err != c.wantErr || (c.wantErr == nil && n != 8<<20) {
			t.Errorf("declaring %d: read %d bytes, %v; want 8 MiB, %v", c.declared, n, err, c.wantErr)
		}
		if raw := zr.File[0].CompressedSize64; raw > 16<<10 {
			t.Errorf("8 MiB compress to %d bytes", raw)
		}
	}
}

func TestMany(t *testing.T) {
	b := bombtest.Many(1234)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil || len(zr.File) != 1234 {
		t.Fatalf("%v, %d parts", err, len(zr.File))
	}
}
