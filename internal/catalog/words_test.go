package catalog

import (
	"testing"

	"gongkai/internal/i18n"
)

// Catalog values read in English on English pages; a cell that names none of
// the standard values stays as typed, and Chinese pages show every cell as
// typed.
func TestCellWords(t *testing.T) {
	for _, tc := range []struct {
		lang   i18n.Lang
		col    Column
		text   string
		want   string
		wantOK bool
	}{
		{i18n.En, ColMethod, "主动", "Proactive", true},
		{i18n.En, ColMethod, "主动、依申请", "Proactive, on request", true},
		{i18n.En, ColAudience, "全社会", "The public", true},
		{i18n.En, ColAudience, "特定群众", "Specific groups", true},
		{i18n.En, ColLevel, "县级、乡级", "County level, township level", true},
		{i18n.En, ColChannels, "■政府网站 □政府公报 ■两微一端", "Government website, Weibo, WeChat and apps", true},
		{i18n.En, ColSubject, "赤岗街道办事处", "赤岗街道办事处", false},
		{i18n.En, ColMethod, "视情况", "视情况", false},
		{i18n.En, ColMethod, "", "", true},
		{i18n.Zh, ColMethod, "主动", "主动", true},
	} {
		got, ok := CellWords(tc.lang, tc.col, tc.text)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("%s %s %q: got %q, %v; want %q, %v", tc.lang, tc.col, tc.text, got, ok, tc.want, tc.wantOK)
		}
	}
}
