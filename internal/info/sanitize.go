package info

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// balance re-serializes an HTML fragment through the HTML5 parser, as the
// contents of a <div>: a closing tag without its opening tag is dropped and
// an element left open is closed, so a body can never close the page's own
// elements around it (</div></article>) nor leave one of its own open.
func balance(fragment string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		// The parser fails only on a broken reader; a string never is.
		return html.EscapeString(fragment)
	}
	var b strings.Builder
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return html.EscapeString(fragment)
		}
	}
	return b.String()
}

// TextOf returns the text of a body, blocks on their own lines: what
// screening reads and search indexes.
func TextOf(body string) string { return textOf(body) }
