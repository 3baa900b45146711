// Package qr draws QR codes of the portal's addresses, as PNG for screens
// and SVG for print (notices, hall posters, the 办事一本通), so that a
// person can open a page from paper with a phone.
package qr

import (
	"bytes"
	"fmt"
	"strconv"

	qrcode "github.com/skip2/go-qrcode"
)

// Code is the QR code of one text, with its quiet zone.
type Code struct {
	q *qrcode.QRCode
}

// MaxText bounds what is encoded: a page address, not a document.
const MaxText = 1024

// New encodes text (an address) at error-correction level Q, which survives
// a quarter of the symbol being smudged or covered, as printed notices are.
// It returns an error if text is empty or longer than MaxText bytes.
func New(text string) (*Code, error) {
	if text == "" || len(text) > MaxText {
		return nil, fmt.Errorf("qr: text of %d bytes, want 1 to %d", len(text), MaxText)
	}
	q, err := qrcode.New(text, qrcode.High)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	return &Code{q}, nil
}

// PNG draws the code px pixels wide (at least one pixel a module).
func (c *Code) PNG(px int) ([]byte, error) {
	return c.q.PNG(px)
}

// SVG draws the code as a scalable image: one path of unit squares on a
// white background, sized in modules so that it prints sharp at any size,
// with a title for screen readers.
func (c *Code) SVG(title string) []byte {
	bits := c.q.Bitmap()
	n := len(bits)
	var b bytes.Buffer
	size := strconv.Itoa(n)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + size + ` ` + size + `" width="` + strconv.Itoa(n*8) + `" height="` + strconv.Itoa(n*8) + `" shape-rendering="crispEdges" role="img" aria-labelledby="t">`)
	b.WriteString(`<title id="t">`)
	escape(&b, title)
	b.WriteString(`</title><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			// One rectangle per run of dark modules keeps the path short.
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>` + "\n")
	return b.Bytes()
}

func escape(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
}
