package catalog

import (
	"encoding/json"
	"testing"
)

// TestParseLimit reads 公开时限 cells as published catalogs write them.
func TestParseLimit(t *testing.T) {
	wd := func(n int, basis string) Limit { return Limit{Kind: WorkingDays, Days: n, Basis: basis} }
	cd := func(n int, basis string) Limit { return Limit{Kind: CalendarDays, Days: n, Basis: basis} }
	prompt := Limit{Kind: Prompt}
	for _, c := range []struct {
		text string
		want Limit
	}{
		{"信息形成或者变更之日起20个工作日内", wd(20, "形成或变更")},
		{"信息形成或变更之日起20个工作日内", wd(20, "形成或变更")},
		{"信息形成（变更）之日起20个工作日内", wd(20, "形成或变更")},
		{"自信息形成或者变更之日起 20 个工作日内", wd(20, "形成或变更")},
		{"信息形成或者变更之日起２０个工作日内", wd(20, "形成或变更")},
		{"信息形成或者变更之日起二十个工作日内", wd(20, "形成或变更")},
		{"制定或获取文件之日起10个工作日内", wd(10, "制定或获取")},
		{"制定或获取信息之日起十个工作日内", wd(10, "制定或获取")},
		{"20个工作日", wd(20, "")},
		{"20个工作日内", wd(20, "")},
		{"在20个工作日内公开，并动态更新", wd(20, "")},
		{"自信息形成之日起7个工作日内", wd(7, "形成")},
		{"批复后20个工作日内", wd(20, "批复")},
		{"项目批复之日起5个工作日内", wd(5, "项目批复")},
		{"公示期满后5个工作日内", wd(5, "公示期满")},
		{"自作出行政处罚决定之日起7个工作日内", wd(7, "作出行政处罚决定")},
		{"会议结束后三个工作日内", wd(3, "会议结束")},
		{"本级人民代表大会或其常务委员会批准后20日内", cd(20, "本级人民代表大会或其常务委员会批准")},
		{"批准后20日内", cd(20, "批准")},
		{"收到资金后15天内", cd(15, "收到资金")},
		{"审批完成后十五日内", cd(15, "审批完成")},
		{"自变更之日起30个自然日内", cd(30, "变更")},
		{"每年3月底前", Limit{Kind: Periodic, Period: PeriodYear, Month: 3}},
		{"每年1月31日前", Limit{Kind: Periodic, Period: PeriodYear, Month: 1, Day: 31}},
		{"每年6月30日之前公开上一年度情况", Limit{Kind: Periodic, Period: PeriodYear, Month: 6, Day: 30}},
		{"年度终了后3个月内", Limit{Kind: Periodic, Period: PeriodYear, Month: 3}},
		{"每季度结束后15日内", Limit{Kind: Periodic, Period: PeriodQuarter, Days: 15}},
		{"每月10日前", Limit{Kind: Periodic, Period: PeriodMonth, Day: 10}},
		{"每季度", Limit{Kind: Periodic, Period: PeriodQuarter}},
		{"按季度公开", Limit{Kind: Periodic, Period: PeriodQuarter}},
		{"每半年", Limit{Kind: Periodic, Period: PeriodHalfYear}},
		{"及时公开", prompt},
		{"实时公开", prompt},
		{"实时", prompt},
		{"按进展情况及时公开", prompt},
		{"即时公开", prompt},
		{"常态化公开", prompt},
		{"长期公开", prompt},
		{"动态更新", prompt},
		{"依照相关法律法规规定", Limit{Kind: Unparsed, Text: "依照相关法律法规规定"}},
		{"法定时限内", Limit{Kind: Unparsed, Text: "法定时限内"}},
		{"  ", Limit{Kind: Unparsed}},
		{"0个工作日", Limit{Kind: Unparsed, Text: "0个工作日"}},
	} {
		if got := ParseLimit(c.text); got != c.want {
			t.Errorf("ParseLimit(%q) = %+v, want %+v", c.text, got, c.want)
		}
	}
}

func TestLimitJSON(t *testing.T) {
	b, _ := json.Marshal(ParseLimit("信息形成或者变更之日起20个工作日内"))
	if string(b) != `{"kind":"working_days","days":20,"basis":"形成或变更"}` {
		t.Errorf("JSON %s", b)
	}
}

func FuzzParseLimit(f *testing.F) {
	f.Add("信息形成或者变更之日起20个工作日内")
	f.Add("每年3月底前")
	f.Add("二十一百十")
	f.Fuzz(func(t *testing.T, s string) {
		l := ParseLimit(s)
		if l.Kind == "" || (l.Kind == WorkingDays || l.Kind == CalendarDays) && (l.Days <= 0 || l.Days > 366) {
			t.Errorf("ParseLimit(%q) = %+v", s, l)
		}
	})
}

func BenchmarkParseLimit(b *testing.B) {
	texts := []string{"信息形成或者变更之日起20个工作日内", "每年3月底前", "按进展情况及时公开", "本级人民代表大会或其常务委员会批准后20日内", "依照相关规定"}
	for i := 0; b.Loop(); i++ {
		ParseLimit(texts[i%len(texts)])
	}
}
