package foi

import (
	"fmt"
	"io"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/docx"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Notice is a reply notice (政府信息公开申请答复告知书) ready to print or to
// write as a document.
type Notice struct {
	Title      string
	Number     string   // "申请编号：YSQ…": the application number; a unit has no 机关代字 for a 文号
	Addressee  string   // "李明：" — the salutation line
	Paragraphs []string // the body, one paragraph each
	Signature  string   // the agency
	Date       string   // 2026年11月23日
}

// template is the per-kind part of a reply notice: the finding and its legal
// basis. %[1]s takes how the notice addresses the applicant (Pronoun), %[2]s
// the clerk's reply text.
type template struct {
	basis string // the articles applied
	text  string
}

// templates holds the finding of each result kind with its legal basis in
// the 政府信息公开条例 (“条例”) and, for the fee, 国办函〔2020〕109号.
var templates = map[string]template{
	Granted:                   {"第三十六条第一项、第二项", "经审查，%[1]s申请获取的政府信息属于公开范围，本机关予以公开。%[2]s"},
	Partial:                   {"第三十七条", "经审查，%[1]s申请获取的政府信息中含有不应当公开或者不属于政府信息的内容，但能够作区分处理，本机关向%[1]s提供可以公开的部分：%[2]s"},
	DeniedStateSecret:         {"第十四条、第三十六条第三项", "经审查，%[1]s申请获取的政府信息属于国家秘密，依法不予公开。%[2]s"},
	DeniedLawForbidden:        {"第十四条、第三十六条第三项", "经审查，%[1]s申请获取的政府信息属于法律、行政法规禁止公开的政府信息，依法不予公开。%[2]s"},
	DeniedThreeSafety:         {"第十四条、第三十六条第三项", "经审查，%[1]s申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，依法不予公开。%[2]s"},
	DeniedThirdParty:          {"第十五条、第三十二条、第三十六条第三项", "经审查，%[1]s申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，依法不予公开。%[2]s"},
	DeniedInternalAffairs:     {"第十六条第一款、第三十六条第三项", "经审查，%[1]s申请获取的信息属于人事管理、后勤管理、内部工作流程等方面的内部事务信息，本机关不予公开。%[2]s"},
	DeniedProcessInfo:         {"第十六条第二款、第三十六条第三项", "经审查，%[1]s申请获取的信息属于本机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息，本机关不予公开。%[2]s"},
	DeniedEnforcementFile:     {"第十六条第二款、第三十六条第三项", "经审查，%[1]s申请获取的信息属于行政执法案卷信息，本机关不予公开。%[2]s"},
	DeniedAdministrativeQuery: {"第三十六条第七项", "经审查，%[1]s申请获取的信息属于有关法律、行政法规对信息的获取有特别规定的行政查询事项，请依照有关法律、行政法规的规定办理。%[2]s"},
	UnableNotHeld:             {"第三十六条第四项、第五项", "经检索，本机关没有制作或者获取%[1]s申请公开的政府信息。%[2]s"},
	UnableNeedCreate:          {"第三十八条", "经审查，本机关没有现成的信息，%[1]s申请获取的信息需要本机关对现有政府信息进行加工、分析或者另行制作，本机关不予提供。%[2]s"},
	UnableUnclear:             {"第三十条、第三十六条", "本机关已一次性告知%[1]s补正申请，补正后的申请内容仍不明确，本机关无法提供。%[2]s"},
	NotProcessedPetition:      {"第三十九条第一款", "%[1]s提出的申请实质是信访、投诉、举报等诉求，不属于政府信息公开申请，本机关不作为政府信息公开申请处理，请通过相应渠道提出。%[2]s"},
	NotProcessedRepeat:        {"第三十六条第六项", "%[1]s申请获取的政府信息，本机关已就%[1]s此前的申请作出答复，本次属于重复申请，本机关不予重复处理。%[2]s"},
	NotProcessedPublication:   {"第三十九条第二款", "%[1]s申请获取的是公开出版物，请通过公开出版物的发行渠道获取。%[2]s"},
	NotProcessedExcessive:     {"第三十五条", "%[1]s申请公开政府信息的数量、频次明显超过合理范围，且未能说明理由或者所说明的理由不合理，本机关不予处理。%[2]s"},
	NotProcessedConfirm:       {"第三十九条第二款", "%[1]s要求本机关确认或者重新出具已获取的信息，不属于政府信息公开申请，本机关不作为政府信息公开申请处理。%[2]s"},
	OtherNoCorrection:         {"第三十条", "本机关已一次性告知%[1]s补正申请，%[1]s无正当理由逾期未补正，视为放弃申请，本机关不再处理该政府信息公开申请。%[2]s"},
	OtherNoFee:                {"第四十二条，国办函〔2020〕109号", "本机关已向%[1]s发出收费通知，%[1]s逾期未按要求缴纳费用，本机关不再处理该政府信息公开申请。%[2]s"},
	OtherOther:                {"第三十六条", "%[2]s"},
}

// Pronoun returns how a notice addresses the applicant, in every sentence:
// 您 to a natural person, 贵单位 to a legal person or other organisation.
func (p Applicant) Pronoun() string {
	if p.Type == NaturalPerson {
		return "您"
	}
	return "贵单位"
}

// chineseDate writes 2026-11-23 as 2026年11月23日.
func chineseDate(s string) string {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

// firstLine returns the application's original description, before any
// correction, shortened for quoting.
func firstLine(s string) string {
	if i := strings.Index(s, "\n【补正"); i >= 0 {
		s = s[:i]
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:120]) + "……"
	}
	return s
}

// Notice builds the reply notice of an answered application. reviewBody is
// the government that hears an administrative review of the agency (see
// ReviewBody).
func (a Application) Notice(reviewBody string) (Notice, error) {
	t, ok := templates[a.Result]
	if !ok || len(a.ResultDate) < 4 {
		return Notice{}, errs.New(errs.Conflict, "foi.notice_unanswered")
	}
	n := Notice{
		Title:     "政府信息公开申请答复告知书",
		Number:    "申请编号：" + a.TrackingNo,
		Addressee: a.Applicant.Name + "：",
		Signature: a.Unit.Name,
		Date:      chineseDate(a.ResultDate),
	}
	you := a.Applicant.Pronoun()
	p := fmt.Sprintf("本机关于%s收到%s提出的政府信息公开申请（申请编号：%s），申请获取“%s”。", chineseDate(a.ReceivedDate), you, a.TrackingNo, firstLine(a.Description))
	if a.Correction.Corrected != "" {
		p += fmt.Sprintf("本机关于%s告知补正，于%s收到补正后的申请。", chineseDate(a.Correction.Date), chineseDate(a.Correction.Corrected))
	}
	for _, x := range a.Pauses {
		switch x.Kind {
		case ThirdParty:
			p += fmt.Sprintf("因申请公开的信息涉及第三方合法权益，本机关于%s书面征求了第三方意见（条例第三十二条），所需时间不计算在答复期限内。", chineseDate(x.From))
		case Agency:
			p += fmt.Sprintf("因申请公开的信息涉及其他机关，本机关于%s征求了%s的意见（条例第三十四条），所需时间不计算在答复期限内。", chineseDate(x.From), x.Party)
		}
	}
	if a.Extension.Days > 0 {
		p += fmt.Sprintf("经政府信息公开工作机构负责人同意，本机关于%s将答复期限延长%d个工作日（条例第三十三条第二款）。", chineseDate(a.Extension.Date), a.Extension.Days)
	}
	p += "现答复如下："
	n.Paragraphs = append(n.Paragraphs, p)
	reply := strings.TrimSpace(a.Reply)
	if a.RepliedBy == "system" {
		reply = "" // the template says it all
	}
	if a.Result == UnableNotHeld && a.OtherAgency != "" {
		reply = strings.TrimSpace(reply + fmt.Sprintf("该政府信息不属于本机关负责公开，负责公开该政府信息的机关为%s，%s可以向其提出申请。", a.OtherAgency, you))
	}
	body := fmt.Sprintf(t.text, you, reply)
	if a.Result == OtherOther || strings.TrimSpace(body) != "" {
		n.Paragraphs = append(n.Paragraphs, strings.TrimSpace(body))
	}
	if len(a.Links) > 0 {
		p := fmt.Sprintf("以下信息已经公开，%s可以通过所列网址获取：", you)
		for i, l := range a.Links {
			p += fmt.Sprintf("\n%d. ", i+1)
			if l.Title != "" {
				p += l.Title + "："
			}
			p += l.URL
		}
		n.Paragraphs = append(n.Paragraphs, p)
	}
	n.Paragraphs = append(n.Paragraphs, fmt.Sprintf("本答复的依据为《中华人民共和国政府信息公开条例》%s的规定。", t.basis))
	n.Paragraphs = append(n.Paragraphs, Remedies(a.Result, reviewBody))
	n.Paragraphs = append(n.Paragraphs, "特此告知。")
	if len(a.Files) > 0 {
		// 附件说明 as GB/T 9704 sets it: after the body, the names numbered,
		// each further line aligned under the first name.
		p := "附件："
		for i, f := range a.Files {
			if i > 0 {
				p += "\n" + strings.Repeat("\u3000", 5)
			}
			p += fmt.Sprintf("%d. %s", i+1, f.Name)
		}
		n.Paragraphs = append(n.Paragraphs, p)
	}
	return n, nil
}

// Docx writes the notice as a Word document.
func (n Notice) Docx(w io.Writer) error {
	ps := []docx.Paragraph{{Align: docx.Title, Text: n.Title}, {Align: docx.Center, Text: n.Number}, {Align: docx.Left, Text: n.Addressee}}
	for _, t := range n.Paragraphs {
		ps = append(ps, docx.Paragraph{Align: docx.Body, Text: t})
	}
	ps = append(ps, docx.Paragraph{Align: docx.Right, Text: n.Signature}, docx.Paragraph{Align: docx.Right, Text: n.Date})
	return docx.Write(w, ps)
}

// Remedies states the applicant's remedies against a reply of kind result:
// administrative review within 60 days or a lawsuit within 6 months; for a
// refusal to disclose, review first (行政复议法第二十三条第一款第四项).
func Remedies(result, reviewBody string) string {
	if Denied(result) {
		return fmt.Sprintf("如对本答复不服，可以自收到本告知书之日起60日内向%s申请行政复议；对行政复议决定不服的，可以依法向人民法院提起行政诉讼（《中华人民共和国行政复议法》第二十三条）。", reviewBody)
	}
	return fmt.Sprintf("如对本答复不服，可以自收到本告知书之日起60日内向%s申请行政复议，或者自收到本告知书之日起6个月内向人民法院提起行政诉讼。", reviewBody)
}

// ReviewBody names the government that hears an administrative review of
// unit u, whose ancestors from the root are given: the people's government
// of the nearest district or city above it (行政复议法第二十四条).
func ReviewBody(u org.Unit, ancestors []org.Unit) string {
	for i := len(ancestors) - 1; i >= 0; i-- {
		x := ancestors[i]
		if x.ID == u.ID || (x.Kind != org.District && x.Kind != org.City) {
			continue
		}
		if strings.HasSuffix(x.Name, "政府") {
			return x.Name
		}
		return x.Name + "人民政府"
	}
	return "上一级人民政府"
}
