package foi_test

import (
	"strings"
	"testing"

	"gongkai/internal/foi"
	"gongkai/internal/org"
)

// A notice addresses an organisation as 贵单位 and a person as 您, in every
// sentence of every kind of reply, the clerk's own text aside.
func TestNoticeAddressesTheApplicantOneWay(t *testing.T) {
	for _, tc := range []struct {
		typ       string
		want, not string
	}{
		{foi.CommercialEnterprise, "贵单位", "您"},
		{foi.SocialWelfareOrg, "贵单位", "您"},
		{foi.NaturalPerson, "您", "贵单位"},
	} {
		for _, result := range foi.Results {
			app := foi.Application{TrackingNo: "YSQ2026112300001", Unit: org.Unit{Name: "赤岗街道办事处"},
				Applicant:   foi.Applicant{Type: tc.typ, Name: "广州某某科技有限公司"},
				Description: "2026年养老服务补贴资金使用情况", ReceivedDate: "2026-11-02", Result: result, ResultDate: "2026-11-23",
				Reply: "详见附件。", OtherAgency: "广州市民政局",
				Correction: foi.Correction{Date: "2026-11-03", Corrected: "2026-11-05"}, Extension: foi.Extension{Days: 10, Date: "2026-11-20"},
				Pauses: []foi.Pause{{Kind: foi.ThirdParty, From: "2026-11-10"}, {Kind: foi.Agency, From: "2026-11-12", Party: "广州市民政局"}}}
			n, err := app.Notice("海珠区人民政府")
			if err != nil {
				t.Fatalf("%s %s: %v", tc.typ, result, err)
			}
			all := strings.Join(n.Paragraphs, "\n")
			if strings.Contains(all, tc.not) {
				t.Errorf("%s, %s: the notice says %s:\n%s", tc.typ, result, tc.not, all)
			}
			if !strings.Contains(n.Paragraphs[0], "收到"+tc.want+"提出的") {
				t.Errorf("%s, %s: the first paragraph does not address the applicant as %s: %s", tc.typ, result, tc.want, n.Paragraphs[0])
			}
		}
	}
}

// A notice's reference line is its application number, labelled, not
// wrapped as a 文号 (机关代字〔年份〕序号号) it is not.
func TestNoticeNumberIsTheApplicationNumber(t *testing.T) {
	app := foi.Application{TrackingNo: "YSQ2026112300001", Unit: org.Unit{Name: "赤岗街道办事处"},
		Applicant: foi.Applicant{Type: foi.NaturalPerson, Name: "李明"}, Description: "养老服务补贴",
		ReceivedDate: "2026-11-02", Result: foi.Results[0], ResultDate: "2026-11-23"}
	n, err := app.Notice("海珠区人民政府")
	if err != nil {
		t.Fatal(err)
	}
	if want := "申请编号：YSQ2026112300001"; n.Number != want {
		t.Errorf("Number = %q, want %q", n.Number, want)
	}
}
