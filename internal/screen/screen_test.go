package screen

import (
	"strings"
	"testing"
	"unicode/utf8"

	"gongkai/internal/i18n"
)

type want struct {
	kind   Kind
	text   string
	masked string
}

func check(t *testing.T, s string, ws ...want) {
	t.Helper()
	fs := Text(s)
	if len(fs) != len(ws) {
		t.Errorf("%q: %d findings %+v, want %d", s, len(fs), fs, len(ws))
		return
	}
	rs := []rune(s)
	for i, w := range ws {
		f := fs[i]
		if f.Kind != w.kind || f.Text != w.text || f.Masked != w.masked {
			t.Errorf("%q: finding %d = %s %q → %q, want %s %q → %q", s, i, f.Kind, f.Text, f.Masked, w.kind, w.text, w.masked)
		}
		if string(rs[f.Start:f.End]) != f.Text {
			t.Errorf("%q: runes [%d,%d) are %q, not %q", s, f.Start, f.End, string(rs[f.Start:f.End]), f.Text)
		}
	}
}

func TestPersonalData(t *testing.T) {
	check(t, "申请人张三，身份证号：440105199003078517，联系电话13800138000。",
		want{ResidentID, "440105199003078517", "44*************517"},
		want{Mobile, "13800138000", "138****8000"})
	check(t, "公民身份号码11010519491231002X", want{ResidentID, "11010519491231002X", "11*************02X"})
	check(t, "证件号码11010519491231002x。", want{ResidentID, "11010519491231002x", "11*************02x"})
	check(t, "老身份证440105900307851", want{ResidentID, "440105900307851", "44**********851"})
	check(t, "手机：+86 138 0013 8000", want{Mobile, "+86 138 0013 8000", "+86 138 **** 8000"})
	check(t, "联系电话：0086-13912345678；", want{Mobile, "0086-13912345678", "0086-139****5678"})
	check(t, "电话 139-1234-5678", want{Mobile, "139-1234-5678", "139-****-5678"})
	check(t, "补贴发放至银行卡号6212262000001234564，户名李四", want{BankCard, "6212262000001234564", "6212***********4564"})
	check(t, "开户账号：6222 0210 0112 3456 789", want{BankCard, "6222 0210 0112 3456 789", "6222 **** **** ***6 789"})
	check(t, "请发送至 zhangsan.1990@qq.com 。", want{Email, "zhangsan.1990@qq.com", "z***@qq.com"})
	check(t, "家住海珠区，电话15012345678、13912345678", want{Mobile, "15012345678", "150****5678"}, want{Mobile, "13912345678", "139****5678"})
}

// TestGovernmentTextIsNotFlagged: real numbers of government documents.
func TestGovernmentTextIsNotFlagged(t *testing.T) {
	for _, s := range []string{
		"广州市人民政府办公厅关于印发广州市全面推进基层政务公开标准化规范化工作实施方案的通知（穗府办函〔2020〕53号）",
		"索引号：11440100007502968G/2020-00123，发布日期：2020-06-30",
		"索引号：114401000075029681/2021-00050",
		"统一社会信用代码：11440105007519870P",
		"成文日期：20200615，实施日期：2020年7月1日",
		"全年地区生产总值28839.00亿元，增长2.7%；常住人口18676605人。",
		"项目总投资13800138000元，其中财政资金1380013800.50元。",
		"咨询电话：020-83123456，传真：(020)83124567，邮编：510030，监督电话12345。",
		"办公地址：广州市越秀区府前路1号，邮政编码510032",
		"政务邮箱：gkb@gz.gov.cn",
		"本年新收申请1234件，办结1200件，结转34件。",
		"编号440105199003078518（校验位不符，不是身份证号）",
		"项目编号2020-440105-48-01-123456",
		"银行卡6212262000001234564用于说明（不在卡号语境中但有“银行卡”）",
		"订单号6212262000001234564",
		"采购金额6222021001123456789元",
	} {
		fs := Text(s)
		if s == "银行卡6212262000001234564用于说明（不在卡号语境中但有“银行卡”）" {
			// "银行卡" right before it: a card.
			if len(fs) != 1 || fs[0].Kind != BankCard {
				t.Errorf("%q: %+v", s, fs)
			}
			continue
		}
		if len(fs) != 0 {
			t.Errorf("%q flagged: %+v", s, fs)
		}
	}
}

func TestMask(t *testing.T) {
	s := "张三 440105199003078517 电话13800138000，邮箱 a.b@163.com"
	got := Mask(s, Text(s))
	if got != "张三 44*************517 电话138****8000，邮箱 a***@163.com" {
		t.Errorf("Mask: %q", got)
	}
	if len(Text(got)) != 0 {
		t.Errorf("masked text still has findings: %+v", Text(got))
	}
}

func FuzzText(f *testing.F) {
	f.Add("身份证号：440105199003078517，电话13800138000")
	f.Add("卡号6222 0210 0112 3456 789 邮箱a@b.cn")
	f.Fuzz(func(t *testing.T, s string) {
		prev := -1
		n := utf8.RuneCountInString(s)
		for _, fd := range Text(s) {
			if fd.Start < prev || fd.End > n || fd.Start >= fd.End || fd.Masked == "" {
				t.Fatalf("%q: bad finding %+v", s, fd)
			}
			prev = fd.End
		}
		_ = strings.Count(Mask(s, Text(s)), "*")
	})
}

func BenchmarkText(b *testing.B) {
	doc := strings.Repeat("根据《广州市人民政府办公厅关于印发实施方案的通知》（穗府办函〔2020〕53号），2020年全市完成投资1380亿元，联系电话020-83123456。", 40) +
		"申请人身份证号440105199003078517，手机13800138000。"
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		Text(doc)
	}
}

// BenchmarkTextClean screens government text without personal data, what
// most published information is.
func BenchmarkTextClean(b *testing.B) {
	doc := strings.Repeat("根据《广州市人民政府办公厅关于印发实施方案的通知》（穗府办函〔2020〕53号），2020年全市完成投资1380亿元，联系电话020-83123456。", 40)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		Text(doc)
	}
}

// A summary is written in Chinese and read back to be said in English.
func TestSummaryText(t *testing.T) {
	s := Summary(Text("电话13812345678，身份证号11010519491231002X，备用电话13912345678"))
	if s != "手机号2处，身份证号1处" {
		t.Fatalf("summary = %q", s)
	}
	l, ok := SummaryText(s)
	if !ok || l.In(i18n.En) != "2 mobile numbers, 1 resident ID number" || l.In(i18n.Zh) != s {
		t.Errorf("read back as %v %v: %q", l, ok, l.In(i18n.En))
	}
	for _, bad := range []string{"", "手机号", "护照号1处", "手机号2处，", "手机号x处"} {
		if l, ok := SummaryText(bad); ok {
			t.Errorf("%q read as %v", bad, l)
		}
	}
}
