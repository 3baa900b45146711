package selfreport

import (
	"fmt"
	"strings"

	"gongkai/internal/figures"
	"gongkai/internal/inspect"
	"gongkai/internal/org"
)

// Num reads a number among figures, whether a source gave it as an int or
// it was read back from JSON as a float; 0 when absent.
func Num(figs map[string]any, key string) float64 {
	switch v := figs[key].(type) {
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case float64:
		return v
	}
	return 0
}

// Strings reads a list of strings among figures, as a source gave it or as
// read back from JSON.
func Strings(figs map[string]any, key string) []string {
	switch v := figs[key].(type) {
	case []string:
		return v
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

// problem is one problem the figures show, by kind, said in Chinese.
type problem struct{ kind, text string }

// problems finds the problems the other sections' figures show: a failed
// or low inspection, the rules that found something, rectification and
// tasks overdue, catalogs missing or unloaded, replies late or overdue,
// reviews and suits lost, messages and feedback overdue, push failing. It
// returns the section's figures (the number of problems and their kinds)
// and its text.
func problems(u org.Unit, sections []Section) (map[string]any, string) {
	figs := map[string]map[string]any{}
	for _, s := range sections {
		figs[s.Key] = s.Figures
	}
	var ps []problem
	add := func(kind, format string, args ...any) { ps = append(ps, problem{kind, fmt.Sprintf(format, args...)}) }
	in := figs[Inspection]
	if _, scored := in["last_score"]; scored && Num(in, "last_score") < inspect.PassMark {
		add("inspection_failed", "最近一次网上巡查得分%.2f分，低于合格线%.0f分", Num(in, "last_score"), inspect.PassMark)
	}
	if rules := Strings(in, "failing_rules"); len(rules) > 0 {
		add("failing_rules", "网上巡查在%s等方面发现问题%.0f个", strings.Join(ruleNames(rules), "、"), Num(in, "findings"))
	}
	if n := Num(in, "overdue_notices"); n > 0 {
		add("rectification_overdue", "%.0f份整改通知逾期未完成整改", n)
	}
	if n := Num(in, "tasks_overdue"); n > 0 {
		add("tasks_overdue", "任务清单中%.0f项逾期未完成", n)
	}
	if n := Num(in, "tasks_late"); n > 0 {
		add("tasks_late", "任务清单中%.0f项逾期完成", n)
	}
	c := figs[Catalogs]
	if _, counted := c["catalogs_published"]; counted && figures.KeepsCatalogs(u.Kind) && Num(c, "catalogs_published") == 0 {
		add("no_catalog", "尚未发布政务公开事项标准目录")
	}
	if n := Num(c, "items_unloaded"); n > 0 {
		add("items_unloaded", "%.0f个目录事项尚未挂载政府信息", n)
	}
	a := figs[Applications]
	if n := Num(a, "replied_late") + Num(a, "overdue"); n > 0 {
		add("applications_late", "%.0f件政府信息公开申请逾期答复或超期未答复", n)
	}
	if n := Num(a, "lost"); n > 0 {
		add("appeals_lost", "%.0f件因政府信息公开引起的行政复议、行政诉讼被纠错", n)
	}
	p := figs[Participation]
	if n := Num(p, "messages_late") + Num(p, "messages_overdue"); n > 0 {
		add("messages_late", "%.0f件网民留言逾期答复或超期未答复", n)
	}
	if n := Num(p, "feedback_missing"); n > 0 {
		add("feedback_missing", "%.0f次意见征集结束后未公布处理情况反馈", n)
	}
	if n := Num(figs[Push], "messages_failed"); n > 0 {
		add("push_failed", "%.0f条定向推送信息发送失败", n)
	}
	kinds := []string{}
	var b strings.Builder
	if len(ps) == 0 {
		b.WriteString("经自查，本年度本单位政务公开工作未发现突出问题。")
	} else {
		b.WriteString("经自查，本单位政务公开工作主要存在以下问题：")
		for i, x := range ps {
			kinds = append(kinds, x.kind)
			sep := "；"
			if i == len(ps)-1 {
				sep = "。"
			}
			fmt.Fprintf(&b, "\n（%s）%s%s", chineseNumber(i+1), x.text, sep)
		}
	}
	b.WriteString("\n下一步，本单位将对照政务公开标准化规范化要求，针对存在问题逐项制定整改措施，明确责任人和完成时限，持续做好目录动态调整、信息及时挂载和依申请公开答复等工作。")
	return map[string]any{"problems": len(ps), "kinds": kinds}, b.String()
}

// chineseNumber writes 1 to 99 in Chinese numerals: 一, 十, 十一, 二十一.
func chineseNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	}
	return digits[n/10] + "十" + digits[n%10]
}
