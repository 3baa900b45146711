package inspect

import (
	"strings"
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
		{"2026-03-12前发布（2026-02-06形成，养老服务：高龄津贴：20个工作日）", "published by 2026-03-12 (formed 2026-02-06; 养老服务: 高龄津贴, within 20 working days)"},
		{"2026-03-12前发布（2026-03-11形成，养老服务：高龄津贴：1日）", "published by 2026-03-12 (formed 2026-03-11; 养老服务: 高龄津贴, within 1 day)"},
		{"2026-03-13发布", "published 2026-03-13"},
		{"已标注废止，未标注日期", "marked repealed, with no date"},
		{"替代文件 nowhere-1 不存在或未发布", "the replacing document nowhere-1 does not exist or is not published"},
		{"365天内有更新（2025-11-23以后）", "updated within 365 days (since 2025-11-23)"},
		{"最近更新：2025-01-03", "last updated 2025-01-03"},
		{"未遮盖：手机号1处，身份证号2处", "not masked: 1 mobile number, 2 resident ID numbers"},
		{"1秒内无响应", "no answer within 1 second"},
		{"无法访问", "cannot be reached"},
		{"截至2026-11-23尚未答复", "not answered as of 2026-11-23"},
		{"2026-11-23答复", "replied 2026-11-23"},
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
	for _, s := range []string{"服务器拒绝连接", "审核后发布", "今日答复"} {
		if m, ok := Say(s); ok {
			t.Errorf("%q was read as %v", s, m)
		}
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

// Every finding message is found again from the text it writes, with its
// arguments: no message reads another's text.
func TestSayEveryMessage(t *testing.T) {
	for _, p := range findingPatterns() {
		for _, n := range []int{1, 3} {
			var args []any
			for _, num := range p.num {
				if num {
					args = append(args, n)
				} else if dateKeys[p.key] {
					args = append(args, "2026-11-05")
				} else {
					args = append(args, "某某")
				}
			}
			zh := i18n.T(i18n.Zh, p.key, args...)
			m, ok := Say(zh)
			if !ok {
				t.Errorf("%s: %q not read", p.key, zh)
				continue
			}
			want := i18n.T(i18n.En, p.key, args...)
			if base, ok := strings.CutSuffix(p.key, ".other"); ok {
				want = i18n.N(i18n.En, base, n, args...)
			}
			if got := m.In(i18n.En); got != want {
				t.Errorf("%s: %q read as %s, said %q, want %q", p.key, zh, m.Key, got, want)
			}
		}
	}
}
