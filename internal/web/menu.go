package web

import "gongkai/internal/auth"

// menuItem is one entry of the console menu. May is the same check the
// page's handler makes, so the menu shows exactly the pages an account may
// open.
type menuItem struct {
	Path, Key, Section string
	May                func(a *auth.Account) bool
}

// Menu returns the console menu entries account a may open.
func (p *page) Menu() []menuItem {
	if p.Account == nil {
		return nil
	}
	var out []menuItem
	for _, m := range consoleMenu {
		if m.May(p.Account) {
			out = append(out, m)
		}
	}
	return out
}

// consoleMenu lists the top-level console pages, each with the check its
// handler makes.
var consoleMenu = []menuItem{
	{"/admin/", "admin.dashboard", "dashboard", anyAccount},
	{"/admin/catalogs", "admin.catalogs", "catalogs", keepsUnitRecords},
	{"/admin/info", "admin.info", "info", keepsUnitRecords},
	{"/admin/foi", "admin.foi", "foi", anyAccount},
	{"/admin/consultations", "admin.consultations", "consultations", keepsUnitRecords},
	{"/admin/interpretations", "admin.interpretations", "interpretations", keepsUnitRecords},
	{"/admin/services", "admin.services", "services", keepsUnitRecords},
	{"/admin/tasks", "admin.tasks", "tasks", anyAccount},
	{"/admin/rules", "admin.rules", "rules", keepsUnitRecords},
	{"/admin/training", "admin.training", "training", keepsUnitRecords},
	{"/admin/attributes", "attrs.title", "attributes", mayUseAttrs},
	{"/admin/messages", "admin.messages", "messages", anyAccount},
	{"/admin/opinion", "admin.opinion", "opinion", mayOpinion},
	{"/admin/inspect", "admin.inspect", "inspect", anyAccount},
	{"/admin/rectification", "inspect.notices", "rectification", anyAccount},
	{"/admin/reports", "admin.reports", "reports", mayFileReports},
	{"/admin/institutions/", "inst.console", "institutions", mayInstitutions},
	{"/admin/villages/", "village.console", "villages", mayVillages},
	{"/admin/zones/", "zone.console", "zones", keepsUnitRecords},
	{"/admin/selfreport/", "admin.selfreport", "selfreport", keepsUnitRecords},
	{"/admin/assess/", "admin.assess", "assess", keepsUnitRecords},
	{"/admin/push", "push.console", "push", mayPush},
	{"/admin/domain", "admin.domain", "domain", maySuperviseDomain},
	{"/admin/domainreports/", "admin.domainreports", "domainreports", maySuperviseDomain},
	{"/admin/guidelines", "admin.guidelines", "guidelines", func(a *auth.Account) bool { return mayImportGuideline(a, nil) }},
	{"/admin/units", "admin.units", "units", (*auth.Account).IsAdmin},
	{"/admin/accounts", "admin.accounts", "accounts", (*auth.Account).IsAdmin},
	{"/admin/calendar", "admin.calendar", "calendar", (*auth.Account).IsAdmin},
	{"/admin/audit", "admin.audit", "audit", (*auth.Account).IsAdmin},
	{"/admin/jobs", "admin.jobs", "jobs", (*auth.Account).IsAdmin},
	{"/admin/tokens", "admin.tokens", "tokens", mayManageTokens},
	{"/admin/password", "admin.password", "password", anyAccount},
}

func anyAccount(*auth.Account) bool { return true }

// keepsUnitRecords reports whether a works on units' catalogs and records:
// everyone but a domain supervisor, who sees its domain across units on
// the domain page instead.
func keepsUnitRecords(a *auth.Account) bool { return a.Role != auth.DomainSupervisor }

// mayFileReports reports whether a may write annual reports of its own unit
// subtree; the reports page lists the units of it that file one.
func mayFileReports(a *auth.Account) bool { return a.Writes(a.Unit) }

// maySuperviseDomain reports whether a may open the domain page: a domain
// supervisor for its own domain, the city office and administrators for any.
func maySuperviseDomain(a *auth.Account) bool {
	switch a.Role {
	case auth.DomainSupervisor, auth.Admin, auth.PublicOfficeCity:
		return true
	}
	return false
}
