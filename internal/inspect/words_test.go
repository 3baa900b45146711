package inspect

import (
	"testing"

	"gongkai/internal/i18n"
)

// A finding's Chinese text is said in English from the message it was
// written from; a text written otherwise stays as written.
func TestSay(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"发布标准目录", "a published standard catalog"},
		{"领域：养老服务", "Domain: 养老服务"},
		{"养老服务：高龄津贴", "养老服务: 高龄津贴"},
		{"2026-11-05前答复", "a reply by 2026-11-05"},
		{say("inspect.f.column", columnName("zd")), "Column: " + i18n.T(i18n.En, "col.zd")},
		{"未发布本领域目录，没有信息", "no catalog for this domain, no information"},
		{VetoTarget, "Fails outright"},
	} {
		m, ok := Say(tc.text)
		if !ok {
			t.Errorf("%q: no message", tc.text)
			continue
		}
		if got := m.In(i18n.En); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.text, got, tc.want)
		}
	}
	// ("%s：%s", a domain and an item, reads any text with one full-width
	// colon as two parts written as they were: harmless, nothing is lost.)
	if m, ok := Say("截至2026-11-23尚未答复"); ok {
		t.Errorf("a server's answer was read as %v", m)
	}
	// Every finding message without arguments is found again from its text.
	for _, p := range findingPatterns() {
		if len(p.num) > 0 {
			continue
		}
		if m, ok := Say(i18n.T(i18n.Zh, p.key)); !ok || m.Key != p.key {
			t.Errorf("%s: read back as %v, %v", p.key, m, ok)
		}
	}
}
