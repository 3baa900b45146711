package info

import (
	"slices"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	got := Tokens("穗府办函〔2020〕53号 关于ABC的通知")
	want := []string{"穗府", "府办", "办函", "函", "2020", "53", "号", "关于", "于", "abc", "的通", "通知", "知",
		// the 文号 whole, for each ending of the run before the bracket
		"函y2020n53号", "办函y2020n53号", "府办函y2020n53号", "穗府办函y2020n53号"}
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
	// A 文号 is one term however it is bracketed and padded; a 文号 inside
	// a longer run keeps its last characters.
	for _, q := range []string{"穗府办函〔2020〕53号", "穗府办函[2020]053号", "穗府办函（2020）53号", " 穗府办函 〔 2020 〕 53 号"} {
		if terms := queryTerms(q); len(terms) != 1 || terms[0].token != "穗府办函y2020n53号" {
			t.Errorf("queryTerms(%q) = %+v", q, terms)
		}
	}
	if terms := queryTerms("关于印发的通知广州市人民政府办公厅〔2020〕53号 通知"); len(terms) != 2 || terms[0].token != "市人民政府办公厅y2020n53号" || terms[1].token != "通知" {
		t.Errorf("long run: %+v", terms)
	}
}

// BenchmarkPrepare measures making the search tokens of a record of about
// 3,000 characters of government text, as imports and rebuilds do.
func BenchmarkPrepare(b *testing.B) {
	var body strings.Builder
	for body.Len() < 9000 {
		body.WriteString("根据《广州市人民政府办公厅关于印发广州市全面推进基层政务公开标准化规范化工作实施方案的通知》（穗府办函〔2020〕53号）要求，")
		body.WriteString("现将2025年度高龄老年人津贴发放情况公示如下，共发放津贴1380万元，惠及12,450人。")
	}
	r := Record{Title: "海珠区赤岗街道2025年高龄老年人津贴发放情况公示", DocNumber: "海赤街〔2025〕12号", BodyText: body.String()}
	b.SetBytes(int64(len(r.BodyText)))
	for b.Loop() {
		r.Prepare()
	}
}
