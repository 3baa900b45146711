// Package bombtest makes zip bombs for tests: archives of a few hundred
// kilobytes to a megabyte that expand to a gigabyte, without spending the
// time or memory to compress that much.
package bombtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"sync"
)

// segment is the deflate encoding of 1 MiB of zeros following more zeros,
// ending on a byte boundary (a flush): repeating it extends the stream by
// 1 MiB each time.
var segment = func() []byte {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	zeros := make([]byte, 1<<20)
	w.Write(zeros)
	w.Flush()
	first := b.Len()
	w.Write(zeros)
	w.Flush()
	return append([]byte(nil), b.Bytes()[first:]...)
}()

// finalBlock ends a deflate stream: an empty fixed-Huffman block with the
// final bit set.
var finalBlock = []byte{0x03, 0x00}

// Zeros returns an archive whose one part, name, expands to mib MiB of zeros
// and declares declared bytes: mib<<20 for an honest header, fewer for a
// lying one.
func Zeros(name string, mib int, declared uint64) []byte {
	// The first segment follows no zeros; after it the window is all zeros,
	// and every segment encodes the same way.
	var data bytes.Buffer
	w, _ := flate.NewWriter(&data, flate.BestCompression)
	w.Write(make([]byte, 1<<20))
	w.Flush()
	for i := 1; i < mib; i++ {
		data.Write(segment)
	}
	data.Write(finalBlock)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	fw, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: zerosCRC(mib),
		CompressedSize64: uint64(data.Len()), UncompressedSize64: declared})
	if err != nil {
		panic(err)
	}
	fw.Write(data.Bytes())
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Many returns an archive of n empty parts.
func Many(n int) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := range n {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("p%d", i), Method: zip.Store}); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// crcs holds the CRC-32 of n MiB of zeros by n: computing it for a gigabyte
// takes a good part of a second.
var crcs sync.Map

func zerosCRC(mib int) uint32 {
	if v, ok := crcs.Load(mib); ok {
		return v.(uint32)
	}
	crc := crc32.NewIEEE()
	zeros := make([]byte, 1<<20)
	for range mib {
		crc.Write(zeros)
	}
	crcs.Store(mib, crc.Sum32())
	return crc.Sum32()
}
