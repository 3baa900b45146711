package readertest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// DecodeQR reads the QR code in a PNG image with zbarimg (Debian's
// zbar-tools) and returns the text it holds.
func DecodeQR(t testing.TB, png []byte) string {
	t.Helper()
	need(t, "zbarimg (zbar-tools)", "zbarimg", "--version")
	p := filepath.Join(t.TempDir(), "code.png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", p)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("zbarimg found no QR code: %v %s", err, stderr.String())
	}
	return strings.TrimSuffix(string(out), "\n")
}

// RasterizeSVG draws an SVG image as a PNG px wide with rsvg-convert
// (Debian's librsvg2-bin), which refuses an SVG that is not well formed.
func RasterizeSVG(t testing.TB, svg []byte, px int) []byte {
	t.Helper()
	need(t, "rsvg-convert (librsvg2-bin)", "rsvg-convert", "--version")
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("rsvg-convert", "--format=png", "--width", strconv.Itoa(px), "--background-color=white")
	cmd.Stdin = bytes.NewReader(svg)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("rsvg-convert: %v %s", err, stderr.String())
	}
	return stdout.Bytes()
}
