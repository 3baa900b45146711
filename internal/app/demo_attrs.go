package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gongkai/internal/attrs"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// demoAttrDocs are 海珠区 documents kept before gongkai, imported as a unit
// would (info.Import): documents of 2024 that were 依申请公开 or 不予公开,
// one published in 2024 and since replaced (失效), and documents of 2026
// for the spot check.
var demoAttrDocs = []map[string]string{
	{"unit": "440105-001", "index_no": "440105-001/2024-00031", "title": "赤岗街道关于辖区低保对象入户核查工作的请示", "doc_number": "海赤街〔2024〕9号",
		"written_date": "2024-03-12", "attribute": "不予公开", "reason": "属于请示报告类过程性信息（《中华人民共和国政府信息公开条例》第十六条第二款）"},
	{"unit": "440105-001", "index_no": "440105-001/2024-00034", "title": "赤岗街道2024年老旧小区改造工作方案", "doc_number": "海赤街〔2024〕12号",
		"written_date": "2024-04-08", "attribute": "依申请公开", "reason": "方案涉及的改造范围尚待区住房和建设局确认（条例第十六条第二款）"},
	{"unit": "440105-001", "index_no": "440105-001/2024-00036", "title": "赤岗街道2024年防汛工作预案", "doc_number": "海赤街〔2024〕15号",
		"written_date": "2024-05-10", "published_date": "2024-05-13", "validity": "失效", "body_text": "为做好2024年汛期防御工作，制定本预案。"},
	{"unit": "440105-001", "index_no": "440105-001/2024-00041", "title": "赤岗街道社区网格员招聘拟聘用人员名单", "written_date": "2024-06-20",
		"attribute": "依申请公开", "reason": "涉及个人信息，公开会损害第三方合法权益（条例第十五条）"},
	{"unit": "440105-002", "index_no": "440105-002/2024-00022", "title": "新港街道关于办公用房调配的报告", "doc_number": "海新街〔2024〕21号",
		"written_date": "2024-08-15", "attribute": "不予公开", "reason": "属于内部事务信息（条例第十六条第一款）"},
	{"unit": "440105-002", "index_no": "440105-002/2024-00025", "title": "新港街道2024年社区养老服务补贴对象名单", "written_date": "2024-09-02",
		"attribute": "依申请公开", "reason": "涉及个人隐私（条例第十五条）"},
	{"unit": "440105-d01", "index_no": "440105-d01/2024-00008", "title": "海珠区民政局关于2024年居家养老服务资助标准的请示", "doc_number": "海民〔2024〕8号",
		"written_date": "2024-02-27", "attribute": "不予公开", "reason": "属于请示报告类过程性信息（条例第十六条第二款）"},
	{"unit": "440105-002", "index_no": "440105-002/2026-00011", "title": "新港街道2026年社区居家养老服务项目清单", "written_date": "2026-03-02",
		"published_date": "2026-03-04", "body_text": "本街道社区居家养老服务项目包括助餐配餐、助洁助浴、康复护理等。"},
	{"unit": "440105-002", "index_no": "440105-002/2026-00014", "title": "新港街道关于开展2026年防汛演练的通知", "doc_number": "海新街〔2026〕6号",
		"written_date": "2026-05-15", "published_date": "2026-05-18", "body_text": "定于2026年5月下旬开展防汛应急演练。"},
	{"unit": "440105-002", "index_no": "440105-002/2026-00016", "title": "新港街道党政综合办公室工作细则", "written_date": "2026-04-01",
		"attribute": "不予公开", "reason": "属于内部工作流程（条例第十六条第一款）"},
	{"unit": "440105-d01", "index_no": "440105-d01/2026-00005", "title": "海珠区民政局2026年长者饭堂运营补贴标准", "doc_number": "海民〔2026〕5号",
		"written_date": "2026-02-10", "published_date": "2026-02-12", "body_text": "长者饭堂运营补贴按每餐3元标准发放。"},
}

// LoadDemoAttributes loads, once and after LoadDemo, the disclosure
// attributes of 海珠区 (plan item 八): the documents above; the district
// office's July review of 2026 in progress — 赤岗街道 proposed for three of
// its four documents (one to disclose, with its leader's approval), one
// of 新港街道's proposals confirmed, the rest pending; and the office's spot
// check of 2026, two documents a unit, with 赤岗's answered (one marked
// without its attribute). It reports whether it loaded anything.
func LoadDemoAttributes(ctx context.Context, d *db.DB) (bool, error) {
	return loadOnce(ctx, d, "demo_attrs", "demo attribute reviews", demoAttributes)
}

func demoAttributes(ctx context.Context, tx *db.Tx) error {
	var lines []string
	for _, l := range demoAttrDocs {
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		lines = append(lines, string(b))
	}
	if _, err := info.Import(ctx, tx, "system:demo", nil, strings.NewReader(strings.Join(lines, "\n"))); err != nil {
		return err
	}
	office, err := auth.ByLogin(ctx, tx, "haizhu-office")
	if err != nil {
		return err
	}
	editor, err := auth.ByLogin(ctx, tx, "chigang-editor")
	if err != nil {
		return err
	}
	xg, err := org.ByCode(ctx, tx, "440105-002")
	if err != nil {
		return err
	}
	// 新港街道 has no demo login: its editor is the demo itself.
	xgEditor := auth.Account{Login: "system:demo", Role: auth.UnitEditor, Unit: xg}
	rv, err := attrs.OpenReview(ctx, tx, office, "2026")
	if err != nil {
		return err
	}
	items, err := attrs.ReviewItems(ctx, tx, rv, nil)
	if err != nil {
		return err
	}
	proposals := map[string]struct {
		by attrs.ProposalInput
		a  auth.Account
	}{
		"440105-001/2024-00031": {attrs.ProposalInput{Proposal: attrs.Keep, Note: "属于请示报告类过程性信息，维持不予公开。"}, editor},
		"440105-001/2024-00034": {attrs.ProposalInput{Proposal: attrs.ToActive, Approver: "王建华（赤岗街道办事处主任）", ApprovedOn: "2026-07-10",
			Note: "改造范围已确定并已实施，情势变化，可以主动公开。"}, editor},
		"440105-001/2024-00036": {attrs.ProposalInput{Proposal: attrs.MarkInvalid, InvalidDate: "2025-05-12", Note: "已被2025年防汛工作预案替代。"}, editor},
		"440105-002/2024-00022": {attrs.ProposalInput{Proposal: attrs.Keep, Note: "属于内部事务信息，维持不予公开。"}, xgEditor},
	}
	for _, it := range items {
		p, ok := proposals[it.Doc.IndexNo]
		if !ok {
			continue
		}
		if it, err = attrs.Propose(ctx, tx, p.a, rv, it, p.by); err != nil {
			return fmt.Errorf("propose %s: %w", it.Doc.IndexNo, err)
		}
		if it.Unit.Code == "440105-002" {
			if _, err := attrs.Confirm(ctx, tx, office, rv, it); err != nil {
				return err
			}
		}
	}
	c, err := attrs.OpenSpotCheck(ctx, tx, office, attrs.SpotInput{Year: "2026", SampleSize: "2", Seed: "20261008"})
	if err != nil {
		return err
	}
	drawn, err := attrs.SpotItems(ctx, tx, c, nil)
	if err != nil {
		return err
	}
	answered := 0
	for _, it := range drawn {
		if it.Unit.Code != "440105-001" {
			continue
		}
		in := attrs.Answers{Proposed: attrs.Yes, Marked: attrs.Yes, Correct: attrs.Yes}
		if answered == 0 {
			in.Marked, in.Note = attrs.No, "印发时未在文件版记处标注公开属性。"
		}
		if _, err := attrs.Record(ctx, tx, office, c, it, in); err != nil {
			return err
		}
		answered++
	}
	return nil
}
