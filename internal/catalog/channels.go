package catalog

import (
	"strings"
)

// Channels are the standard channels and media of the 公开渠道和载体 column,
// in the order catalogs list them.
var Channels = []string{"政府网站", "政府公报", "两微一端", "发布会/听证会", "广播电视", "纸质媒体", "公开查阅点",
	"政务服务中心", "便民服务站", "入户/现场", "社区/企事业单位/村公示栏（电子屏）", "精准推送", "其他"}

// channelWords are what real catalogs write for each channel.
var channelWords = map[string][]string{
	"政府网站":    {"政府网站", "门户网站", "网站"},
	"政府公报":    {"政府公报", "公报"},
	"两微一端":    {"两微一端", "微博", "微信", "客户端"},
	"发布会/听证会": {"发布会", "听证会"},
	"广播电视":    {"广播电视", "广播", "电视"},
	"纸质媒体":    {"纸质媒体", "报刊", "报纸"},
	"公开查阅点":   {"公开查阅点", "查阅点", "查阅场所"},
	"政务服务中心":  {"政务服务中心", "政府服务中心", "行政服务中心", "服务大厅"},
	"便民服务站":   {"便民服务站", "便民服务中心"},
	"入户/现场":   {"入户", "现场"},
	"社区/企事业单位/村公示栏（电子屏）": {"公示栏", "电子屏", "公开栏", "宣传栏"},
	"精准推送": {"精准推送"},
	"其他":   {"其他", "12345"},
}

// ParseChannels reads a 公开渠道和载体 cell into the standard channels it
// selects: those marked ■ (or ☑, √) in a checklist, or simply named where
// the cell has no marks. Channels marked □ are not selected.
func ParseChannels(text string) []string {
	marked := strings.ContainsAny(text, "■☑√✓□☐")
	var out []string
	for _, ch := range Channels {
		for _, w := range channelWords[ch] {
			i := strings.Index(text, w)
			if i < 0 {
				continue
			}
			if !marked || selectedAt(text, i) {
				out = append(out, ch)
			}
			break
		}
	}
	return out
}

// selectedAt reports whether the mark nearest before position i is a
// selected one.
func selectedAt(text string, i int) bool {
	before := []rune(text[:i])
	for j := len(before) - 1; j >= 0; j-- {
		switch before[j] {
		case '■', '☑', '√', '✓':
			return true
		case '□', '☐':
			return false
		}
	}
	return false
}

// FormatChannels writes the checklist: every standard channel, ■ for the
// selected ones and □ for the rest.
func FormatChannels(selected []string) string {
	var b strings.Builder
	for i, ch := range Channels {
		if i > 0 {
			b.WriteByte(' ')
		}
		mark := "□"
		for _, s := range selected {
			if s == ch {
				mark = "■"
				break
			}
		}
		b.WriteString(mark + ch)
	}
	return b.String()
}
