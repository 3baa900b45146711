package app

import (
	"gongkai/internal/assess"
	"gongkai/internal/calendar"
	"gongkai/internal/selfreport"
)

// ReportSources returns the sources the self-inspection report's sections
// and the assessment's components are written from, on the working-day
// calendar cal gives: the capabilities this program holds, plus those
// registered here.
//
// A capability built apart registers its source here, one line each, with
// the signature selfreport.SectionSource or assess.ComponentSource:
//
//	sections[selfreport.Attributes] = attrs.SelfReportSection
//	sections[selfreport.Interpretation] = interpret.SelfReportSection
//	sections[selfreport.Opinion] = opinion.SelfReportSection
//	sections[selfreport.Training] = training.SelfReportSection
//	components[assess.Interpretation] = interpret.AssessComponent
//
// Until then those sections show no figures and say their data source is
// not connected, and the interpretation component is left out of every
// unit's score.
func ReportSources(cal func() *calendar.Calendar) (sections selfreport.Sources, components assess.Sources) {
	sections, components = selfreport.Builtin(cal), assess.Builtin(cal)
	return sections, components
}
