package catalog

import (
	"slices"
	"testing"
)

func TestParseChannels(t *testing.T) {
	for text, want := range map[string][]string{
		"■政府网站  □政府公报 □两微一端 □发布会/听证会 □广播电视 □纸质媒体 ■公开查阅点□行政服务中心 □便民服务站□入户/现场 □社区/企事业单位/村公示栏(电子屏) □精准推送 □其他": {"政府网站", "公开查阅点"},
		"■政府网站 ■两微一端 ■政务服务中心": {"政府网站", "两微一端", "政务服务中心"},
		"政府网站、公开查阅点、村务公开栏":    {"政府网站", "公开查阅点", "社区/企事业单位/村公示栏（电子屏）"},
		"□政府网站": {},
		"":      {},
		"■政府网站 ■12345政务服务热线": {"政府网站", "其他"},
	} {
		got := ParseChannels(text)
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("ParseChannels(%q) = %v, want %v", text, got, want)
		}
	}
	s := FormatChannels([]string{"政府网站", "精准推送"})
	if got := ParseChannels(s); !slices.Equal(got, []string{"政府网站", "精准推送"}) {
		t.Errorf("round trip: %q → %v", s, got)
	}
}
