package catalog

import (
	"slices"
	"strings"

	"gongkai/internal/i18n"
)

// channelKeys names each standard channel's message key.
var channelKeys = map[string]string{
	"政府网站": "website", "政府公报": "gazette", "两微一端": "social", "发布会/听证会": "press",
	"广播电视": "broadcast", "纸质媒体": "print", "公开查阅点": "reading_point", "政务服务中心": "service_center",
	"便民服务站": "service_station", "入户/现场": "on_site", "社区/企事业单位/村公示栏（电子屏）": "notice_board",
	"精准推送": "targeted", "其他": "other",
}

// cellValues are the standard values of the 公开方式 and 公开对象 columns,
// in the words catalogs write, with their message keys.
var cellValues = map[Column][][2]string{
	ColMethod:   {{"主动", "catalog.method.proactive"}, {"依申请", "catalog.method.on_request"}},
	ColAudience: {{"全社会", "catalog.audience.public"}, {"特定群体", "catalog.audience.specific"}, {"特定群众", "catalog.audience.specific"}},
}

// CellWords says a catalog cell in lang: on English pages the standard
// values of the 公开方式, 公开对象, 公开层级 and 公开渠道和载体 columns read
// in English. It returns the text as typed, and false, for a cell that names
// none of them and for every other column (公开主体 is a unit's name, the
// rest is the guideline's own text); Chinese pages show every cell as typed.
func CellWords(lang i18n.Lang, col Column, text string) (string, bool) {
	if lang == i18n.Zh || strings.TrimSpace(text) == "" {
		return text, true
	}
	var keys []string
	switch col {
	case ColMethod, ColAudience:
		for _, v := range cellValues[col] {
			if strings.Contains(text, v[0]) && !slices.Contains(keys, v[1]) {
				keys = append(keys, v[1])
			}
		}
	case ColLevel:
		for _, l := range ParseLevels(text) {
			keys = append(keys, "catalog.level."+string(l))
		}
	case ColChannels:
		for _, ch := range ParseChannels(text) {
			keys = append(keys, "catalog.channel."+channelKeys[ch])
		}
	}
	if len(keys) == 0 {
		return text, false
	}
	// The values are written as they read inside a list ("on request",
	// "WeChat"); the list starts with a capital.
	words := make([]string, len(keys))
	for i, k := range keys {
		words[i] = i18n.T(lang, k)
	}
	s := strings.Join(words, i18n.T(lang, "sep.comma"))
	return strings.ToUpper(s[:1]) + s[1:], true
}
