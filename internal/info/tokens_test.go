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
	if len(terms) != 4 || terms[3].token != "abc" || terms[0].token != "or" || terms[1].token != "公开" || terms[2].token != "目录" {
		t.Errorf("queryTerms = %+v", terms)
	}
	if terms := queryTerms("政 府"); len(terms) != 2 || !terms[0].prefix {
		t.Errorf("one character: %+v", terms)
	}
}
