package info

import (
	"slices"
	"testing"
)

func TestTokens(t *testing.T) {
	got := Tokens("穗府办函〔2020〕53号 关于ABC的通知")
	want := []string{"穗府", "府办", "办函", "函", "2020", "53", "号", "关于", "于", "abc", "的通", "通知", "知"}
	if !slices.Equal(got, want) {
		t.Errorf("Tokens = %q", got)
	}
	terms := queryTerms(`"政" OR 公开 目录abc`)
	if len(terms) != 5 || terms[4].token != "abc" || !terms[0].prefix || terms[0].token != "政" || terms[1].token != "or" || terms[2].token != "公开" || terms[3].token != "目录" {
		t.Errorf("queryTerms = %+v", terms)
	}
}
