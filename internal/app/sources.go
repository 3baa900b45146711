package app

import (
	"context"
	"fmt"
	"strings"

	"gongkai/internal/assess"
	"gongkai/internal/attrs"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/figures"
	"gongkai/internal/interpret"
	"gongkai/internal/opinion"
	"gongkai/internal/org"
	"gongkai/internal/selfreport"
	"gongkai/internal/training"
)

// ReportSources returns the sources the self-inspection report's sections
// and the assessment's components are written from, on the working-day
// calendar cal gives: the report's own (catalogs, information,
// participation, push, applications, inspection) and, registered here,
// those of the capabilities built apart: disclosure attributes,
// interpretation, opinion response and training.
func ReportSources(cal func() *calendar.Calendar) (sections selfreport.Sources, components assess.Sources) {
	sections, components = selfreport.Builtin(cal), assess.Builtin(cal)
	sections[selfreport.Attributes] = attributesSection
	sections[selfreport.Interpretation] = interpretationSection
	sections[selfreport.Opinion] = opinionSection
	sections[selfreport.Training] = trainingSection
	components[assess.Interpretation] = interpretationComponent
	return sections, components
}

func attributesSection(ctx context.Context, q db.Querier, u org.Unit, year int) (map[string]any, string, error) {
	spot, err := attrs.SpotFiguresOf(ctx, q, u, year)
	if err != nil {
		return nil, "", err
	}
	review, err := attrs.ReviewFiguresOf(ctx, q, u, year)
	if err != nil {
		return nil, "", err
	}
	m := map[string]any{"spot_sampled": spot.Sampled, "spot_checked": spot.Checked, "spot_proposed": spot.Proposed, "spot_marked": spot.Marked,
		"spot_problems": spot.Problems, "review_in_scope": review.InScope, "review_kept": review.Kept, "review_active": review.Active,
		"review_invalid": review.Invalid, "review_pending": review.Pending}
	var b strings.Builder
	if spot.Checked > 0 {
		fmt.Fprintf(&b, "%d年公开属性抽查抽取公文%d件，已检查%d件，拟稿时提出公开属性的占%s，发文时标注的占%s，发现问题%d个。", year, spot.Sampled, spot.Checked,
			figures.PercentText(spot.Proposed, spot.Checked), figures.PercentText(spot.Marked, spot.Checked), spot.Problems)
	} else {
		fmt.Fprintf(&b, "%d年本单位公文未被抽查公开属性。", year)
	}
	if review.InScope > 0 {
		fmt.Fprintf(&b, "公开属性审查涉及公文%d件：维持%d件，转为主动公开%d件，标注失效%d件，尚未确认%d件。", review.InScope, review.Kept, review.Active, review.Invalid, review.Pending)
	} else {
		fmt.Fprintf(&b, "%d年公开属性审查无需要审查的公文。", year)
	}
	return m, b.String(), nil
}

func interpretationSection(ctx context.Context, q db.Querier, u org.Unit, year int) (map[string]any, string, error) {
	f, err := interpret.FiguresOf(ctx, q, u, year)
	if err != nil {
		return nil, "", err
	}
	m := map[string]any{"policies": f.Policies, "interpreted": f.Interpreted, "alone": f.Alone, "interpretations": f.Interpretations}
	text := fmt.Sprintf("%d年发布政策解读%d篇。", year, f.Interpretations)
	if f.Policies > 0 {
		text += fmt.Sprintf("需解读的政策文件%d件，已发布解读%d件（%s），经审核人书面说明先行单独发布%d件。", f.Policies, f.Interpreted, figures.PercentText(f.Interpreted, f.Policies), f.Alone)
	} else {
		text += "本年度没有标记为需解读的政策文件。"
	}
	return m, text, nil
}

func opinionSection(ctx context.Context, q db.Querier, u org.Unit, year int) (map[string]any, string, error) {
	f, err := opinion.FiguresOf(ctx, q, u, year)
	if err != nil {
		return nil, "", err
	}
	m := map[string]any{"assigned": f.Assigned, "responded": f.Responded, "on_time": f.OnTime}
	if f.Assigned == 0 {
		return m, fmt.Sprintf("%d年本单位未承办政务舆情回应事项。", year), nil
	}
	return m, fmt.Sprintf("%d年承办政务舆情回应事项%d件，已回应%d件，其中按期回应%d件（%s）。", year, f.Assigned, f.Responded, f.OnTime, figures.PercentText(f.OnTime, f.Assigned)), nil
}

func trainingSection(ctx context.Context, q db.Querier, u org.Unit, year int) (map[string]any, string, error) {
	f, err := training.ForUnit(ctx, q, u, year)
	if err != nil {
		return nil, "", err
	}
	m := map[string]any{"organised": f.Organised, "attended": f.Attended, "people": f.People, "city_session": f.CitySession}
	text := fmt.Sprintf("%d年组织政务公开培训%d场，参加培训%d场，共%d人次。", year, f.Organised, f.Attended, f.People)
	if f.CitySession {
		text += "参加了市政务公开办的依申请公开办理专题培训。"
	} else {
		text += "未参加市政务公开办的依申请公开办理专题培训。"
	}
	return m, text, nil
}

// interpretationComponent scores the share of the policies needing
// interpretation published in the year that have their interpretation;
// a unit without such policies is not measured.
func interpretationComponent(ctx context.Context, q db.Querier, u org.Unit, year int) (assess.Measure, error) {
	f, err := interpret.FiguresOf(ctx, q, u, year)
	if err != nil || f.Policies == 0 {
		return assess.Measure{}, err
	}
	return assess.Measure{Score: figures.Percent(f.Interpreted, f.Policies), Available: true,
		Figures: map[string]any{"policies": f.Policies, "interpreted": f.Interpreted}}, nil
}
