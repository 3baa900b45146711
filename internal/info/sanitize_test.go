package info_test

import (
	"strings"
	"testing"

	"gongkai/internal/info"
)

// TestSanitizeBodyBalancesTags: a body cannot close the elements of the
// page around it, nor leave its own open, and sanitizing twice changes
// nothing more.
func TestSanitizeBodyBalancesTags(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<p>第一段</div></article><p>第二段</p>`, `<p>第一段</p><p>第二段</p>`},
		{`</p></main></body></html><p>x</p>`, `<p></p><p>x</p>`},
		{`<b>加粗未闭合`, `<b>加粗未闭合</b>`},
		{`<table><tr><td>1</td></table></td></tr>`, `<table><tbody><tr><td>1</td></tr></tbody></table>`},
		{`<p onclick="x()">a<script>alert(1)</script></p>`, `<p>a</p>`},
		{`a &lt; b &amp; c`, `a &lt; b &amp; c`},
		// A wide table's scrolling region is kept, other classes and roles not.
		{`<p class="scroll-hint">宽</p><div class="table-wrap" role="region" tabindex="0" aria-label="表一"><table><tr><td>1</td></tr></table></div>`,
			`<p class="scroll-hint">宽</p><div class="table-wrap" role="region" tabindex="0" aria-label="表一"><table><tbody><tr><td>1</td></tr></tbody></table></div>`},
		{`<div class="x" role="button" tabindex="-1" aria-label="a&#34;b"><p class="table-wrap">c</p></div>`, `<div aria-label="a&#34;b"><p>c</p></div>`},
	} {
		got := info.SanitizeBody(tc.in)
		if got != tc.want {
			t.Errorf("SanitizeBody(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if again := info.SanitizeBody(got); again != got {
			t.Errorf("SanitizeBody not idempotent on %q: %q", got, again)
		}
		if strings.Count(got, "<") != strings.Count(got, ">") {
			t.Errorf("unbalanced brackets in %q", got)
		}
	}
}
