package web

import (
	"io/fs"
	"net/http"
)

// router is what routes registers on: an http.ServeMux, or a list of the
// patterns for a test that checks each /api/v1 route is documented.
type router interface {
	Handle(pattern string, h http.Handler)
	HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request))
}

// routes registers every page and endpoint. Paths follow Chinese
// government-site habits (see ARCHITECTURE.md).
func (s *Server) routes(mux router) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.h(s.metricsWithToken))

	// Portal.
	mux.Handle("GET /{$}", s.h(s.home))
	mux.Handle("GET /zwgk/{$}", s.h(s.zwgk))
	mux.Handle("GET /zwgk/{column}/{$}", s.h(s.zwgkColumn))
	mux.Handle("GET /zwgk/pingyi/{$}", s.h(s.pingyiList))
	mux.Handle("GET /zwgk/pingyi/{id}/{$}", s.h(s.pingyiRun))
	mux.Handle("GET /zwgk/audit/{$}", s.h(s.auditHeadsPage))
	mux.Handle("GET /zwgk/bzh/{$}", s.h(s.bzh))
	mux.Handle("GET /zwgk/bzh/{code}/{$}", s.h(s.bzhUnit))
	mux.Handle("GET /zwgk/bzh/{code}/hb/{$}", s.h(s.bzhCompilation))
	mux.Handle("GET /zwgk/bzh/{code}/info/{$}", s.h(s.unitColumn("")))
	for _, col := range zwgkColumns {
		mux.Handle("GET /zwgk/bzh/{code}/"+col+"/{$}", s.h(s.unitColumn(col)))
	}
	mux.Handle("GET /zwgk/bzh/{code}/hb.xlsx", s.h(s.bzhCompilationXLSX))
	mux.Handle("GET /zwgk/bzh/{code}/{domain}/{$}", s.h(s.bzhCatalog))
	mux.Handle("GET /ysqgk/{$}", s.h(s.foiHome))
	mux.Handle("GET /ysqgk/sq/{$}", s.h(s.foiApplyForm))
	mux.Handle("POST /ysqgk/sq/{$}", s.h(s.foiApply))
	mux.Handle("GET /ysqgk/cx/{$}", s.h(s.foiQueryForm))
	mux.Handle("POST /ysqgk/cx/{$}", s.h(s.foiQuery))
	mux.Handle("GET /ysqgk/cx/{no}/{$}", s.h(s.foiStatus))
	mux.Handle("POST /ysqgk/cx/{no}/correct", s.h(s.foiCorrect))
	mux.Handle("GET /ysqgk/cx/{no}/notice/{$}", s.h(s.foiPublicNotice(false)))
	mux.Handle("GET /ysqgk/cx/{no}/notice.docx", s.h(s.foiPublicNotice(true)))
	mux.Handle("GET /ysqgk/cx/{no}/files/{seq}", s.h(s.foiPublicFile))
	mux.Handle("GET "+dingyue+"{$}", s.h(s.subscribeForm))
	mux.Handle("POST "+dingyue+"{$}", s.h(s.subscribePost))
	mux.Handle("POST "+dingyue+"yzm/{$}", s.h(s.subscribeCode))
	mux.Handle("GET "+dingyue+"qr/{token}/{$}", s.h(s.subscribeConfirm))
	mux.Handle("GET "+dingyue+"td/{token}/{$}", s.h(s.unsubscribeForm))
	mux.Handle("POST "+dingyue+"td/{token}/{$}", s.h(s.unsubscribe))
	// Messages (网民留言): the public archive, the form (posting to the
	// archive's address), a message of the archive, and the writer's pages.
	mux.Handle("GET /hudong/ly/{$}", s.h(s.msgArchive))
	mux.Handle("POST /hudong/ly/{$}", s.h(s.msgSubmit))
	mux.Handle("GET /hudong/ly/xie/{$}", s.h(s.msgWriteForm))
	mux.Handle("GET /hudong/ly/{no}/{$}", s.h(s.msgPublic))
	mux.Handle("GET /hudong/cx/{$}", s.h(s.msgQueryForm))
	mux.Handle("POST /hudong/cx/{$}", s.h(s.msgQuery))
	mux.Handle("GET /hudong/cx/{no}/{$}", s.h(s.msgStatus))
	mux.Handle("POST /hudong/cx/{no}/rate", s.h(s.msgRate))
	mux.Handle("GET /search", s.h(s.search))
	mux.Handle("GET /feeds/", s.h(s.feed))
	mux.Handle("GET /robots.txt", s.h(s.robots))
	mux.Handle("GET /sitemap.xml", s.h(s.sitemapIndex))
	mux.Handle("GET /sitemap-pages.xml", s.h(s.sitemapPages))
	mux.Handle("GET /{file}", s.h(s.sitemapInfo))
	mux.Handle("GET /zwgk/info/{id}/{$}", s.h(s.infoPage))
	mux.Handle("GET /zwgk/info/{id}/files/{seq}", s.h(s.attachment))
	s.qrRoutes(mux)
	s.consultRoutes(mux)
	s.taskRoutes(mux)
	s.servicesRoutes(mux)

	// Admin console.
	mux.Handle("GET /admin/login", s.h(s.loginForm))
	mux.Handle("POST /admin/login", s.h(s.login))
	mux.Handle("POST /admin/logout", s.h(s.logout))
	mux.Handle("GET /admin/{$}", s.h(s.dashboard))
	mux.Handle("GET /admin/password", s.h(s.passwordForm))
	mux.Handle("POST /admin/password", s.h(s.changePassword))
	mux.Handle("GET /admin/units", s.h(s.unitsPage))
	mux.Handle("GET /admin/units/new", s.h(s.unitNewForm))
	mux.Handle("POST /admin/units", s.h(s.unitCreate))
	mux.Handle("GET /admin/units/{code}", s.h(s.unitPage))
	mux.Handle("POST /admin/units/{code}", s.h(s.unitUpdate))
	mux.Handle("GET /admin/accounts", s.h(s.accountsPage))
	mux.Handle("GET /admin/accounts/new", s.h(s.accountNewForm))
	mux.Handle("POST /admin/accounts", s.h(s.accountCreate))
	mux.Handle("GET /admin/accounts/{login}", s.h(s.accountPage))
	mux.Handle("POST /admin/accounts/{login}", s.h(s.accountUpdate))
	mux.Handle("POST /admin/accounts/{login}/password", s.h(s.accountResetPassword))
	mux.Handle("GET /admin/calendar", s.h(s.calendarPage))
	mux.Handle("POST /admin/calendar", s.h(s.calendarLoad))
	mux.Handle("GET /admin/calendar/{year}", s.h(s.calendarYear))
	mux.Handle("GET /admin/audit", s.h(s.auditPage))
	mux.Handle("GET /admin/jobs", s.h(s.jobsPage))
	mux.Handle("GET /admin/catalogs", s.h(s.catalogsPage))
	mux.Handle("POST /admin/catalogs", s.h(s.catalogCompile))
	mux.Handle("GET /admin/catalogs/{unit}/{domain}", s.h(s.catalogPage))
	mux.Handle("POST /admin/catalogs/{unit}/{domain}", s.h(s.catalogSave))
	mux.Handle("GET /admin/catalogs/{unit}/{domain}/diff", s.h(s.catalogDiff))
	mux.Handle("POST /admin/catalogs/{unit}/{domain}/{action}", s.h(s.catalogAction))
	mux.Handle("POST /admin/notices/{id}/close", s.h(s.noticeClose))
	mux.Handle("POST /admin/domains", s.h(s.domainAdd))
	mux.Handle("GET /admin/guidelines", s.h(s.guidelinesPage))
	mux.Handle("POST /admin/guidelines", s.h(s.guidelineImport))
	mux.Handle("GET /admin/guidelines/{domain}", s.h(s.guidelinePage))
	mux.Handle("GET /admin/info", s.h(s.infoListPage))
	mux.Handle("GET /admin/info/new", s.h(s.infoNewPage))
	mux.Handle("POST /admin/info", s.h(s.infoCreate))
	mux.Handle("GET /admin/info/{id}", s.h(s.infoAdminPage))
	// Every form of a record posts to the record, naming its step with
	// the button (do=…), so a refused step is shown at the record's URL.
	mux.Handle("POST /admin/info/{id}", s.h(s.infoPost))
	mux.Handle("GET /admin/foi", s.h(s.foiListPage))
	mux.Handle("GET /admin/foi/new", s.h(s.foiNewForm))
	mux.Handle("POST /admin/foi", s.h(s.foiRegister))
	mux.Handle("GET /admin/foi/{id}", s.h(s.foiPage))
	mux.Handle("POST /admin/foi/{id}/{action}", s.h(s.foiAction))
	mux.Handle("GET /admin/foi/{id}/notice", s.h(s.foiAdminNotice(false)))
	mux.Handle("GET /admin/foi/{id}/notice.docx", s.h(s.foiAdminNotice(true)))
	mux.Handle("GET /admin/foi/{id}/files/{seq}", s.h(s.foiAdminFile))
	mux.Handle("POST /admin/foi/{id}/mail", s.h(s.foiMailAgain))

	// Applications asked for repeatedly, to publish proactively (依申请转主动).
	mux.Handle("GET /admin/foi/proactive", s.h(s.foiProactivePage))
	mux.Handle("POST /admin/foi/proactive", s.h(s.foiProactiveMark))

	mux.Handle("GET /admin/push", s.h(s.pushPage))
	mux.Handle("GET /admin/push/notices/new", s.h(s.noticeNewForm))
	mux.Handle("POST /admin/push/notices", s.h(s.noticeSendPost))
	mux.Handle("GET /admin/push/notices/{id}", s.h(s.noticeReportPage))
	mux.Handle("GET /admin/push/audiences", s.h(s.audiencesPage))
	mux.Handle("POST /admin/push/audiences", s.h(s.audienceSave))
	mux.Handle("GET /admin/push/webhooks", s.h(s.webhooksPage))
	mux.Handle("POST /admin/push/webhooks", s.h(s.webhookAdd))
	mux.Handle("POST /admin/push/webhooks/{id}/end", s.h(s.webhookEnd))
	mux.Handle("GET /admin/messages", s.h(s.msgListPage))
	mux.Handle("POST /admin/messages/limits", s.h(s.msgLimits))
	mux.Handle("GET /admin/messages/{id}", s.h(s.msgPage))
	mux.Handle("POST /admin/messages/{id}/{action}", s.h(s.msgAction))

	mux.Handle("GET /admin/inspect", s.h(s.inspectPage))
	mux.Handle("POST /admin/inspect", s.h(s.inspectRun))
	mux.Handle("GET /admin/inspect/rules", s.h(s.inspectRulesPage))
	mux.Handle("POST /admin/inspect/rules", s.h(s.inspectRulesSave))
	mux.Handle("POST /admin/inspect/schedule", s.h(s.inspectSchedule))
	mux.Handle("GET /admin/inspect/{id}", s.h(s.inspectRunPage))
	mux.Handle("GET /admin/inspect/{id}/results.xlsx", s.h(s.inspectXLSX))
	mux.Handle("GET /admin/inspect/{id}/compare", s.h(s.inspectCompare))
	mux.Handle("POST /admin/inspect/{id}/publish", s.h(s.inspectPublish))
	mux.Handle("POST /admin/inspect/{id}/notices", s.h(s.noticeSend))
	mux.Handle("GET /admin/rectification", s.h(s.noticesPage))
	mux.Handle("GET /admin/rectification/{id}", s.h(s.noticePage))
	mux.Handle("POST /admin/rectification/{id}/recheck", s.h(s.noticeRecheck))
	mux.Handle("POST /admin/rectification/{id}/findings/{finding}", s.h(s.findingAnswer))
	mux.Handle("GET /admin/reports", s.h(s.reportsPage))
	mux.Handle("POST /admin/reports", s.h(s.reportsPost))
	mux.Handle("GET /admin/reports/{unit}/{file}", s.h(s.reportFile))
	mux.Handle("GET /admin/domain", s.h(s.domainPage))
	mux.Handle("POST /admin/domain/grades", s.h(s.domainGrade))
	mux.Handle("GET /admin/domain.xlsx", s.h(s.domainReport))
	mux.Handle("GET /admin/tokens", s.h(s.tokensPage))
	mux.Handle("POST /admin/tokens", s.h(s.tokenCreate))
	mux.Handle("POST /admin/tokens/{id}/revoke", s.h(s.tokenRevoke))

	// JSON API.
	mux.Handle("GET /api/v1/units", s.h(s.apiPublicUnits))
	mux.Handle("GET /api/v1/units/{code}/catalog", s.h(s.apiUnitCatalog))
	mux.Handle("GET /api/v1/search", s.h(s.apiSearch))
	mux.Handle("GET /api/v1/audit/head", s.h(s.apiAuditHead))
	mux.Handle("GET /api/v1/calendar/days", s.h(s.apiCalendarDays))
	mux.Handle("GET /api/v1/calendar/add", s.h(s.apiCalendarAdd))
	mux.Handle("POST /api/v1/foi", s.h(s.apiFOIApply))
	mux.Handle("POST /api/v1/subscriptions", s.h(s.apiSubscribe))
	mux.Handle("POST /api/v1/subscriptions/confirm", s.h(s.apiSubscribeConfirm))
	mux.Handle("GET /api/v1/foi/{no}", s.h(s.apiFOIStatus))
	mux.Handle("GET /api/v1/foi/{no}/files/{seq}", s.h(s.apiFOIFile))
	mux.Handle("POST /api/v1/messages", s.h(s.apiMsgSubmit))
	mux.Handle("GET /api/v1/messages", s.h(s.apiMsgArchive))
	mux.Handle("GET /api/v1/messages/{no}", s.h(s.apiMsgStatus))
	mux.Handle("GET /api/v1/admin/foi", s.h(s.apiFOIList))
	mux.Handle("GET /api/v1/admin/foi/{id}", s.h(s.apiFOIApplication))
	mux.Handle("POST /api/v1/admin/inspect", s.h(s.apiInspect))
	mux.Handle("GET /api/v1/admin/inspect/{id}", s.h(s.apiInspectRun))
	mux.Handle("GET /api/v1/admin/reports/annual", s.h(s.apiAnnualReport))
	mux.Handle("GET /api/v1/admin/units", s.h(s.apiUnits))
	mux.Handle("POST /api/v1/admin/units", s.h(s.apiUnitCreate))
	mux.Handle("GET /api/v1/admin/units/{code}", s.h(s.apiUnit))
	mux.Handle("PUT /api/v1/admin/units/{code}", s.h(s.apiUnitUpdate))
	mux.Handle("GET /api/v1/admin/accounts", s.h(s.apiAccounts))
	mux.Handle("POST /api/v1/admin/accounts", s.h(s.apiAccountCreate))
	mux.Handle("GET /api/v1/admin/accounts/{login}", s.h(s.apiAccount))
	mux.Handle("PUT /api/v1/admin/accounts/{login}", s.h(s.apiAccountUpdate))
	// Publishing API for business systems, with an API token.
	mux.Handle("POST /api/v1/admin/info", s.h(s.apiInfoCreate))
	mux.Handle("GET /api/v1/admin/info/{id}", s.h(s.apiInfoGet))
	mux.Handle("PUT /api/v1/admin/info/{id}", s.h(s.apiInfoReplace))
	mux.Handle("POST /api/v1/admin/info/{id}/withdraw", s.h(s.apiInfoWithdraw))
	mux.Handle("GET /api/v1/openapi.json", s.h(s.openAPI))
	mux.Handle("/api/", s.h(func(w http.ResponseWriter, r *http.Request) error { return errNotFoundPage }))

	mux.Handle("/", s.h(func(w http.ResponseWriter, r *http.Request) error { return errNotFoundPage }))
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if !s.ready.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("draining\n"))
		return
	}
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Error("health check", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok"))
}
