// Package inspect is online inspection (网上巡查): a versioned set of rules
// run over the catalogs and information of a city, a district or a unit,
// with findings, scores out of 100 and the history of runs.
package inspect

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

// Rule is one check with what it costs a unit. The rule deducts at most
// Weight from a unit. A proportional rule deducts the share of Weight that
// what is missing is of what the rule expects of the unit (a catalog of
// two required items with one missing: half); any other rule deducts
// Deduction points for each finding. A rule with Veto fails a unit
// outright when the unit has none of what the rule expects (单项否决).
// Proportional and Veto are the program's: offices change weights,
// deductions and whether a rule is on.
type Rule struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	NameEn       string             `json:"name_en"`
	Description  string             `json:"description"`
	DescEn       string             `json:"description_en"`
	Weight       float64            `json:"weight"`
	Deduction    float64            `json:"deduction"`
	Proportional bool               `json:"proportional,omitempty"`
	Veto         bool               `json:"veto,omitempty"`
	Enabled      bool               `json:"enabled"`
	Params       map[string]float64 `json:"params,omitempty"`
}

// The rule ids.
const (
	CatalogCompleteness = "catalog_completeness"
	CatalogElements     = "catalog_elements"
	Loading             = "loading"
	Timeliness          = "timeliness"
	Periodic            = "periodic"
	ValidityMarking     = "validity_marking"
	EmptyColumn         = "empty_column"
	StaleColumn         = "stale_column"
	Privacy             = "privacy"
	DeadLink            = "dead_link"
	FOIOverdue          = "foi_overdue"
	// ConsultationFeedback: consultations closed long without their
	// feedback report (征集意见处理情况反馈).
	ConsultationFeedback = "consultation_feedback"
	MessageOverdue       = "message_overdue"
	// InterpretationSync: policies needing interpretation published
	// without one in time (三同步).
	InterpretationSync = "interpretation_sync"
	// VillageConsistency: a village's or community's entry for an item
	// shared with its town says other than the town's information (村（居）
	// 务公开 and 政务公开 of the same item agree, plan item 十九).
	VillageConsistency = "village_consistency"
	// ServiceGuideElements: published service guides (办事指南) lacking a
	// key element.
	ServiceGuideElements = "service_guide_elements"
)

// DefaultRules is the rule set an office starts from.
func DefaultRules() []Rule {
	return []Rule{
		{ID: CatalogCompleteness, Name: "目录完整性", NameEn: "Catalog completeness",
			Description: "区、镇（街道）按领域发布标准目录，本层级适用的指引事项均列入目录；按缺少的事项占应列事项的比例扣分（缺一个领域的目录即缺该领域全部事项）。没有任何已发布目录的，单项否决，判定不合格。",
			DescEn:      "Districts, towns and streets publish a catalog for each domain holding every guideline item for their level; the deduction is the share of required items missing (a missing catalog misses all its items). A unit with no published catalog fails outright.",
			Weight:      15, Proportional: true, Veto: true, Enabled: true},
		{ID: CatalogElements, Name: "目录要素", NameEn: "Catalog elements",
			Description: "目录事项的公开内容、依据、时限、主体、渠道、对象、方式齐全有效；无法识别的公开时限逐项列出。",
			DescEn:      "Catalog items have every element filled and valid; 公开时限 text that cannot be read is listed.",
			Weight:      10, Deduction: 0.5, Enabled: true, Params: map[string]float64{"unparsed_limit": 0}},
		{ID: Loading, Name: "信息挂载", NameEn: "Information loaded",
			Description: "目录事项和应列入目录的事项均挂载了已发布的政府信息；按没有信息的事项占比扣分。",
			DescEn:      "Every item of the catalog, and every item that should be in it, has published information loaded against it; the deduction is the share of items without any.",
			Weight:      20, Proportional: true, Enabled: true},
		{ID: Timeliness, Name: "发布及时性", NameEn: "Timeliness",
			Description: "信息自形成或变更之日起，在事项公开时限内（按工作日历计算）发布；按逾期发布的信息占有时限信息的比例扣分。",
			DescEn:      "Information is published within the item's 公开时限 after it was formed or changed, counted on the working-day calendar; the deduction is the share of late ones among the information with a time limit.",
			Weight:      15, Proportional: true, Enabled: true},
		{ID: Periodic, Name: "定期公开", NameEn: "Periodic items",
			Description: "按年、半年、季度、月公开的事项，最近一期已按时公开；按未公开本期信息的事项占比扣分。",
			DescEn:      "Items due every year, half-year, quarter or month have information for the latest period; the deduction is the share of such items without it.",
			Weight:      10, Proportional: true, Enabled: true},
		{ID: ValidityMarking, Name: "有效性标注", NameEn: "Validity marking",
			Description: "失效、废止的文件标注日期，被替代的文件链接到替代文件。",
			DescEn:      "Expired and repealed documents show the date; replaced documents link to a published successor.",
			Weight:      5, Deduction: 1, Enabled: true},
		{ID: EmptyColumn, Name: "空白栏目", NameEn: "Empty columns",
			Description: "指南、制度、法定主动公开内容、年报四个栏目均有内容；每个空白栏目扣权重的四分之一。四个栏目均为空白的，单项否决，判定不合格（国办秘函〔2019〕19号）。",
			DescEn:      "The four standard sub-columns (guide, rules, statutory content, annual reports) are not empty; each empty one costs a quarter of the weight. A unit whose four columns are all empty fails outright (国办秘函〔2019〕19号).",
			Weight:      10, Proportional: true, Veto: true, Enabled: true},
		{ID: StaleColumn, Name: "栏目更新", NameEn: "Stale columns",
			Description: "栏目在规定天数内有更新（国办秘函〔2019〕19号）；无发布日期的信息视为未更新。",
			DescEn:      "Columns are updated within the set number of days (国办秘函〔2019〕19号); information without a publication date counts as not updated.",
			Weight:      10, Deduction: 2, Enabled: true,
			Params: map[string]float64{"zn_days": 365, "zd_days": 365, "fdzdgknr_days": 180, "nb_days": 400}},
		{ID: DeadLink, Name: "链接可用性", NameEn: "Dead links",
			Description: "链接到其他网站的信息能够打开：每个网址限时访问，失败后重试，仍失败才计为问题。",
			DescEn:      "Information linked to other sites answers: each address is fetched with a time limit and tried again before it counts as dead.",
			Weight:      10, Deduction: 1, Enabled: true,
			Params: map[string]float64{"timeout_seconds": 15, "retries": 2, "concurrency": 8}},
		{ID: FOIOverdue, Name: "依申请公开答复时限", NameEn: "Replies to applications on time",
			Description: "依申请公开在法定期限内答复：自收到申请起20个工作日，补正后重新计算，征求意见和缴费期间不计入，延长至多20个工作日；近一年逾期答复和逾期未答复的申请逐件列出。",
			DescEn:      "Applications for disclosure are answered within the statutory period: 20 working days from receipt, restarted by a correction, without consultations and fee waits, extended once by at most 20; late replies of the past year and overdue open applications are listed one by one.",
			Weight:      10, Deduction: 2, Enabled: true},
		{ID: ConsultationFeedback, Name: "意见征集反馈", NameEn: "Feedback on consultations",
			Description: "意见征集结束后，在规定工作日内公布征集意见处理情况反馈（国办发〔2019〕54号第八条）；结束超过规定工作日（按工作日历计算）仍未公布反馈的，逐件列出。",
			DescEn:      "After a consultation on a draft closes, the feedback report on the comments is published within the set number of working days (国办发〔2019〕54号, art. 8), counted on the working-day calendar; consultations closed longer without one are listed one by one.",
			Weight:      5, Deduction: 1, Enabled: true, Params: map[string]float64{"days": 20}},
		{ID: MessageOverdue, Name: "网民留言答复", NameEn: "Messages answered",
			Description: "有效留言（未被认定为无效的留言）自收到起3个月内答复；超过3个月未答复的留言逐条列出，每条扣分；同一单位超过3个月未答复的有效留言达到规则参数 fail_at 条的，单项否决，判定不合格（国办秘函〔2019〕19号：互动回应差）。",
			DescEn:      "Valid messages (those not dismissed as invalid) are answered within 3 months of receipt; each message left unanswered longer is listed and costs points; a unit with as many such messages as the rule's fail_at parameter fails outright (国办秘函〔2019〕19号: poor interaction).",
			Weight:      10, Deduction: 2, Veto: true, Enabled: true, Params: map[string]float64{"fail_at": 1}},
		{ID: InterpretationSync, Name: "政策解读同步", NameEn: "Interpretations released with policies",
			Description: "标记为需解读的政策文件，与解读同步发布：自政策文件发布之日起，在规则参数 days 个工作日内（按工作日历计算；0为当日）发布解读；逾期发布或逾期未发布解读的政策文件逐件列出，经审核人书面说明单独发布的也列出（广州市基层政务公开标准化规范化工作方案第十项）。",
			DescEn:      "Policies marked as needing interpretation are released with their interpretations: an interpretation is published within the rule's days working days of the policy (counted on the working-day calendar; 0 is the same day); policies whose interpretation came later or has not come are listed one by one, those a reviewer published alone with a written reason too (Guangzhou plan, item 10).",
			Weight:      5, Deduction: 1, Enabled: true, Params: map[string]float64{"days": 0}},
		{ID: VillageConsistency, Name: "村（居）务公开一致性", NameEn: "Village affairs consistency",
			Description: "村（居）务公开清单中与镇（街道）目录共有的村级事项，公开内容与镇（街道）已发布的信息一致（穗府办函〔2020〕53号第十九项：相同事项的公开内容对应一致）；内容不一致或镇（街道）尚未发布的，逐项列出。只适用于村（居），村（居）不参加其他规则。",
			DescEn:      "Items a village's or community's list shares with its town's catalog (村级 items) say the same as the information the town published (plan item 19: the same item is disclosed alike); each item that says otherwise, or that the town has not published, is listed. Applies to villages and communities only, which no other rule inspects.",
			Weight:      10, Deduction: 2, Enabled: true},
		{ID: ServiceGuideElements, Name: "办事指南要素", NameEn: "Service guide elements",
			Description: "已发布的办事指南载明申请条件、申请材料、办理流程、办理时限（法定或承诺）、收费标准、办理地点和咨询电话；缺少要素的指南逐件列出，写明所缺要素，每件扣分（国办秘函〔2019〕19号：办事指南要素不全）。",
			DescEn:      "Published service guides state the application conditions, materials, process, time limit (statutory or promised), fees, place and enquiry phone; each guide lacking any is listed with what it lacks and costs points (国办秘函〔2019〕19号: incomplete service guides).",
			Weight:      5, Deduction: 0.5, Enabled: true},
		{ID: Privacy, Name: "个人信息保护", NameEn: "Personal data",
			Description: "已发布信息中没有未遮盖的身份证号、手机号、银行卡号、电子邮箱（经审核人书面决定的除外）。",
			DescEn:      "Published information holds no unmasked ID, mobile, bank card numbers or e-mail addresses, unless a reviewer decided so in writing.",
			Weight:      20, Deduction: 5, Enabled: true},
	}
}

// RuleSet is a version of the rules.
type RuleSet struct {
	Version   int       `json:"version"`
	Rules     []Rule    `json:"rules"`
	Comment   string    `json:"comment,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Rule returns the rule with the given id.
func (s RuleSet) Rule(id string) (Rule, bool) {
	for _, r := range s.Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// CurrentRules returns the newest rule set, making version 1 from the
// defaults when there is none.
// A rule added to the program after the newest version was saved joins
// the rules as a new version, so that past runs keep theirs; so does a
// change in how the program scores a rule (proportional, veto), which also
// brings the rule's description saying so. Weights, deductions and
// whether a rule is on stay as the office set them.
func CurrentRules(ctx context.Context, tx *db.Tx) (RuleSet, error) {
	s, err := ruleSet(ctx, tx, `ORDER BY version DESC LIMIT 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return saveRules(ctx, tx, "system", 1, DefaultRules(), "默认规则")
	}
	if err != nil {
		return s, err
	}
	var added, rescored []string
	rules := append([]Rule(nil), s.Rules...)
	for _, r := range DefaultRules() {
		i := slices.IndexFunc(rules, func(x Rule) bool { return x.ID == r.ID })
		switch {
		case i < 0:
			rules = append(rules, r)
			added = append(added, r.ID)
		case rules[i].Proportional != r.Proportional || rules[i].Veto != r.Veto:
			old := rules[i]
			rules[i].Proportional, rules[i].Veto, rules[i].Description, rules[i].DescEn = r.Proportional, r.Veto, r.Description, r.DescEn
			if r.Proportional != old.Proportional {
				rules[i].Deduction = r.Deduction
			}
			rescored = append(rescored, r.ID)
		}
	}
	var comment []string
	if len(added) > 0 {
		comment = append(comment, "新增规则："+strings.Join(added, "、"))
	}
	if len(rescored) > 0 {
		comment = append(comment, "计分方法更新（按比例扣分、单项否决）："+strings.Join(rescored, "、"))
	}
	if len(comment) == 0 {
		return s, nil
	}
	return saveRules(ctx, tx, "system", s.Version+1, rules, strings.Join(comment, "；"))
}

// RulesVersion returns one version of the rules.
func RulesVersion(ctx context.Context, q db.Querier, version int) (RuleSet, error) {
	s, err := ruleSet(ctx, q, `WHERE version = ?`, version)
	if errors.Is(err, sql.ErrNoRows) {
		return RuleSet{}, errs.New(errs.NotFound, "inspect.rules_not_found", version)
	}
	return s, err
}

func ruleSet(ctx context.Context, q db.Querier, where string, args ...any) (RuleSet, error) {
	var s RuleSet
	var rules string
	err := q.QueryRow(ctx, `SELECT version, rules, comment, created_by, created_at FROM inspect_rulesets `+where, args...).
		Scan(&s.Version, &rules, &s.Comment, &s.CreatedBy, &s.CreatedAt)
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal([]byte(rules), &s.Rules)
}

func saveRules(ctx context.Context, tx *db.Tx, actor string, version int, rules []Rule, comment string) (RuleSet, error) {
	js, err := json.Marshal(rules)
	if err != nil {
		return RuleSet{}, err
	}
	s := RuleSet{Version: version, Rules: rules, Comment: comment, CreatedBy: actor, CreatedAt: tx.Now()}
	if _, err := tx.Exec(ctx, `INSERT INTO inspect_rulesets (version, rules, comment, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		s.Version, string(js), comment, actor, s.CreatedAt); err != nil {
		return RuleSet{}, fmt.Errorf("save rules: %w", err)
	}
	return s, audit.Append(ctx, tx, actor, "inspect.rules", "inspect_rules", fmt.Sprint(version), map[string]any{"comment": comment})
}

// CanEditRules: the city office and administrators.
func CanEditRules(a auth.Account) bool {
	return a.IsAdmin() || a.Role == auth.PublicOfficeCity
}

// RuleChange is an edit of one rule's cost.
type RuleChange struct {
	ID        string
	Enabled   bool
	Weight    float64
	Deduction float64
}

// EditRules saves a new version of the rules with the changes applied.
// Runs keep the version they used; the next run uses the new one.
func EditRules(ctx context.Context, tx *db.Tx, a auth.Account, changes []RuleChange, comment string) (RuleSet, error) {
	if !CanEditRules(a) {
		return RuleSet{}, errs.New(errs.Forbidden, "error.forbidden")
	}
	cur, err := CurrentRules(ctx, tx)
	if err != nil {
		return RuleSet{}, err
	}
	if strings.TrimSpace(comment) == "" {
		return RuleSet{}, errs.InvalidField("comment", "inspect.rules_comment")
	}
	rules := append([]Rule(nil), cur.Rules...)
	var bad errs.Multi
	for _, c := range changes {
		i := -1
		for j := range rules {
			if rules[j].ID == c.ID {
				i = j
			}
		}
		switch {
		case i < 0:
			bad = append(bad, errs.New(errs.Invalid, "inspect.rule_unknown", c.ID))
		case !validPoints(c.Weight) || !validPoints(c.Deduction) || c.Deduction > c.Weight:
			bad = append(bad, errs.InvalidField("rule_"+c.ID, "inspect.rule_points", rules[i].Name))
		default:
			rules[i].Enabled, rules[i].Weight, rules[i].Deduction = c.Enabled, c.Weight, c.Deduction
		}
	}
	if len(bad) > 0 {
		return RuleSet{}, bad
	}
	return saveRules(ctx, tx, a.Login, cur.Version+1, rules, strings.TrimSpace(comment))
}

// validPoints: 0 to 100, in steps of 0.1.
func validPoints(p float64) bool {
	return p >= 0 && p <= 100 && math.Abs(p*10-math.Round(p*10)) < 1e-9
}

// CanRun reports whether a may inspect scope: the city office anywhere in
// its city, a district office in its district, administrators anywhere.
func CanRun(a auth.Account, scope org.Unit) bool {
	switch a.Role {
	case auth.Admin:
		return true
	case auth.PublicOfficeCity, auth.PublicOfficeDistrict:
		return a.InScope(scope)
	}
	return false
}
