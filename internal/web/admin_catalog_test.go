package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/org"
)

// addAccount creates an account for a test.
func addAccount(t *testing.T, e *env, n auth.NewAccount) {
	t.Helper()
	n.DisplayName, n.Password = n.Login, n.Login+"-pw-2026"
	err := e.db.InTx(context.Background(), func(tx *db.Tx) error {
		_, err := auth.CreateAccount(context.Background(), tx, "test", nil, n)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) catalogOf(t *testing.T, unit string) catalog.Catalog {
	t.Helper()
	ctx := context.Background()
	u, err := org.ByCode(ctx, e.db, unit)
	if err != nil {
		t.Fatal(err)
	}
	d, err := catalog.DomainByCode(ctx, e.db, "21")
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Load(ctx, e.db, u, d)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCatalogReviewJourney(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		office := e.asDemo(auth.PublicOfficeDistrict)
		const xg = "/admin/catalogs/440105-002/21" // 新港街道, submitted in the demo

		// The district office sees it waiting, on the dashboard and the list.
		if body := office.get("/admin/").Body; !strings.Contains(body, xg) {
			t.Fatal("the dashboard does not show the catalog awaiting review")
		}
		if body := office.get("/admin/catalogs").Body; !strings.Contains(body, xg) {
			t.Fatal("the catalog list does not show the review queue")
		}
		// Returning needs a comment; the form keeps what was typed.
		res := office.postForm(xg+"/return", url.Values{"comment": {" "}, "comment.2": {""}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "[role=alert]") == "" {
			t.Fatalf("return without comment: %d", res.StatusCode)
		}
		res = office.postForm(xg+"/return", url.Values{"comment": {"请补充服务电话"}, "comment.2": {"长者饭堂请写明开放时间"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("return: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
		}
		c := e.catalogOf(t, "440105-002")
		if c.Status != catalog.Returned || c.Items[1].Comment != "长者饭堂请写明开放时间" {
			t.Fatalf("after return: %s %+v", c.Status, c.Items[1])
		}
		page := office.get(xg).Body
		if !strings.Contains(page, "请补充服务电话") || !strings.Contains(page, "长者饭堂请写明开放时间") {
			t.Error("the returned catalog does not show the comments")
		}

		// Fix item 2 through the form (the office edits for the street in
		// this test), add a local item, and blank a required element.
		form := formValues(t, page, "form.items-form input, form.items-form textarea")
		if form.Get("count") != "4" {
			t.Fatalf("edit form holds %q items", form.Get("count"))
		}
		form.Set("i.1.content", "服务地点、开放时间（每日10:30-13:00）、就餐对象、收费及补贴标准")
		form.Set("i.2.subject", "")
		form.Set("new.level1", "长者助餐配餐")
		form.Set("new.content", "配餐点名单、地址")
		if res := office.postForm(xg, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
		}
		c = e.catalogOf(t, "440105-002")
		if got := catalog.ParseChannels(c.Items[0].Channels); len(got) != 3 || got[0] != "政府网站" {
			t.Errorf("channels after a save through the checklist: %v (%s)", got, c.Items[0].Channels)
		}
		if len(c.Items) != 5 || !c.Items[4].Local || c.Items[1].Content != form.Get("i.1.content") || c.Status != catalog.Draft {
			t.Fatalf("after saving: %s %d items %+v", c.Status, len(c.Items), c.Items)
		}
		// Submitting names every missing element, and changes nothing.
		res = office.postForm(xg+"/submit", nil)
		msg := text(t, res.Body, "[role=alert]")
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(msg, "第3项") || !strings.Contains(msg, "公开主体") || !strings.Contains(msg, "第5项") || !strings.Contains(msg, "公开依据") {
			t.Fatalf("submit incomplete: %d %q", res.StatusCode, msg)
		}
		if c := e.catalogOf(t, "440105-002"); c.Status != catalog.Draft {
			t.Fatalf("status after a refused submit: %s", c.Status)
		}
		// Fix it: fill item 3's subject, remove the local item.
		form = url.Values{"count": {"5"}}
		for i, it := range c.Items {
			p := "i." + string(rune('0'+i)) + "."
			form.Set(p+"key", it.Key())
			form.Set(p+"level1", it.Level1)
			form.Set(p+"level2", it.Level2)
			form.Set(p+"content", it.Content)
			form.Set(p+"basis", it.Basis)
			form.Set(p+"limit", it.TimeLimit)
			form.Set(p+"subject", it.Subject)
			form.Set(p+"channels", it.Channels)
			form.Set(p+"audience", it.Audience)
			form.Set(p+"method", it.Method)
			form.Set(p+"level", it.Levels)
		}
		form.Set("i.2.subject", "新港街道办事处")
		form.Set("i.4.remove", "1")
		form.Set("i.0.remove", "1") // mandatory: ignored
		if res := office.postForm(xg, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("second save: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
		}
		if c := e.catalogOf(t, "440105-002"); len(c.Items) != 4 {
			t.Fatalf("%d items after removing the local one", len(c.Items))
		}
		for _, step := range []string{"submit", "approve", "publish"} {
			if res := office.postForm(xg+"/"+step, nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", step, res.StatusCode, excerpt(res.Body, "alert"))
			}
		}
		if res := e.client().get("/zwgk/bzh/440105-002/21/"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "每日10:30-13:00") {
			t.Fatalf("published catalog on the portal: %d", res.StatusCode)
		}
		// The versions are listed and can be compared.
		res = office.get(xg + "/diff?from=1&to=current")
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "每日10:30-13:00") {
			t.Errorf("diff: %d", res.StatusCode)
		}
		if res := office.get(xg + "/diff?from=99"); res.StatusCode != http.StatusNotFound {
			t.Errorf("diff with a missing version: %d", res.StatusCode)
		}
	})
}

func TestCatalogRoutesAreScoped(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		addAccount(t, e, auth.NewAccount{Login: "yuexiu-office", Role: auth.PublicOfficeDistrict, UnitCode: "440104"})
		addAccount(t, e, auth.NewAccount{Login: "jiuzhu-super", Role: auth.DomainSupervisor, UnitCode: "440100-14", Domain: "社会救助"})
		editor := e.asDemo(auth.UnitEditor) // 赤岗街道
		yuexiu := e.as("yuexiu-office", "yuexiu-office-pw-2026")
		other := e.as("jiuzhu-super", "jiuzhu-super-pw-2026")
		super := e.asDemo(auth.DomainSupervisor) // 养老服务
		const cg, xg = "/admin/catalogs/440105-001/21", "/admin/catalogs/440105-002/21"

		if res := editor.get(cg); res.StatusCode != http.StatusOK {
			t.Errorf("editor reads its own catalog: %d", res.StatusCode)
		}
		for _, c := range []struct {
			who  *client
			name string
			path string
		}{{editor, "editor", xg}, {yuexiu, "越秀区 office", cg}, {yuexiu, "越秀区 office", xg}, {other, "社会救助 supervisor", cg}} {
			if res := c.who.get(c.path); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s GET %s: %d", c.name, c.path, res.StatusCode)
			}
			for _, action := range []string{"", "/submit", "/approve", "/return", "/publish"} {
				if res := c.who.postForm(c.path+action, url.Values{"comment": {"x"}, "count": {"0"}}); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s POST %s%s: %d", c.name, c.path, action, res.StatusCode)
				}
			}
			if res := c.who.get(c.path + "/diff"); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s diff: %d", c.name, res.StatusCode)
			}
		}
		// 越秀区's office cannot compile for a 海珠区 street.
		res := yuexiu.postForm("/admin/catalogs", url.Values{"unit": {"440105-003"}, "domain": {"20"}})
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("compile out of scope: %d", res.StatusCode)
		}
		// The editor cannot review, even its own unit's catalog.
		if res := editor.postForm(xg, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("editor edits 新港街道: %d", res.StatusCode)
		}
		cgItems := e.catalogOf(t, "440105-001").Items
		if res := editor.postForm(cg, url.Values{"count": {"0"}, "new.level1": {"x"}}); res.StatusCode != http.StatusBadRequest {
			// removing every mandatory item is refused
			t.Errorf("editor empties its catalog: %d", res.StatusCode)
		}
		if got := e.catalogOf(t, "440105-001").Items; len(got) != len(cgItems) {
			t.Errorf("a refused save changed the catalog")
		}
		// The supervisor reads every unit's catalog of its domain but
		// cannot change it.
		if res := super.get(xg); res.StatusCode != http.StatusOK || len(find(t, res.Body, "form.items-form")) != 0 {
			t.Errorf("supervisor reads 新港街道: %d", res.StatusCode)
		}
		if res := super.postForm(xg+"/approve", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("supervisor approves: %d", res.StatusCode)
		}
		// Guidelines are for the city office and administrators.
		for _, c := range []*client{editor, yuexiu} {
			if res := c.get("/admin/guidelines"); res.StatusCode != http.StatusForbidden {
				t.Errorf("guidelines page: %d", res.StatusCode)
			}
		}
		// The domain page is for supervisors of the domain, the city office
		// and administrators.
		if res := editor.get("/admin/domain"); res.StatusCode != http.StatusForbidden {
			t.Errorf("editor domain page: %d", res.StatusCode)
		}
		// A grade in 社会救助 does not show in 养老服务.
		if res := other.postForm("/admin/domain/grades", url.Values{"unit": {"440105-001"}, "grade": {"poor"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("社会救助 supervisor grades in its own domain: %d", res.StatusCode)
		}
		if got := text(t, other.get("/admin/domain").Body, "td span.badge"); got != "" {
			t.Errorf("社会救助 page shows a grade %q for a unit without a catalog there", got)
		}
		if got := text(t, super.get("/admin/domain").Body, "td span.badge"); got != "" {
			t.Errorf("a grade in 社会救助 shows in 养老服务: %q", got)
		}
	})
}

func TestGuidelineUploadNotifiesEditors(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	city := e.asDemo(auth.PublicOfficeCity)
	upload := func(content string) response {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("domain", "21")
		mw.WriteField("doc_number", "民办函〔2019〕99号")
		fw, _ := mw.CreateFormFile("file", "yanglao-v2.csv")
		fw.Write([]byte(content))
		mw.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+"/admin/guidelines", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return city.do(req)
	}
	res := upload("姓名,电话\n张三,1\n")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(text(t, res.Body, "[role=alert]"), "表头") {
		t.Fatalf("bad file: %d %q", res.StatusCode, text(t, res.Body, "[role=alert]"))
	}
	v2 := "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级\n" +
		"1,养老服务补贴,高龄老年人津贴,补贴对象、补贴标准、申领条件,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,乡镇人民政府（街道办事处）,■政府网站,全社会,主动,乡、村级\n" +
		"2,社区居家养老服务,家庭养老床位,床位数、服务内容,《广东省养老服务条例》,每季度,乡镇人民政府（街道办事处）,■政府网站,全社会,主动,乡级\n"
	res = upload(v2)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "第2版") {
		t.Fatalf("upload: %d %s", res.StatusCode, excerpt(res.Body, "flash"))
	}
	body := e.asDemo(auth.UnitEditor).get("/admin/").Body
	if !strings.Contains(body, "/admin/catalogs/440105-001/21") || !strings.Contains(body, "新增1项") {
		t.Errorf("the editor's dashboard does not show the change notice: %s", excerpt(body, "notices-h"))
	}
	if res := city.get("/admin/guidelines/21"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "家庭养老床位") {
		t.Errorf("guideline page: %d", res.StatusCode)
	}
	// The supervisor sees coverage and exports it.
	super := e.asDemo(auth.DomainSupervisor)
	page := super.get("/admin/domain").Body
	if !strings.Contains(page, "海珠区") || !strings.Contains(page, "赤岗街道") {
		t.Error("coverage matrix lacks 海珠区 / 赤岗街道")
	}
	if res := super.postForm("/admin/domain/grades", url.Values{"unit": {"440105-001"}, "grade": {"excellent"}, "comment": {"目录完整"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("grade: %d", res.StatusCode)
	}
	if res := super.postForm("/admin/domain/grades", url.Values{"unit": {"440105-001"}, "grade": {"superb"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad grade: %d", res.StatusCode)
	}
	res = super.get("/admin/domain.xlsx")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheet") {
		t.Fatalf("report: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// The export holds the coverage and the grade just given.
	rows := xlsxRows(t, res.Body, "")
	if len(rows) == 0 || !strings.Contains(strings.Join(rows[0], ""), "养老服务") {
		t.Errorf("report title row %q", rows)
	}
	chigang := rowWith(rows, "440105-001")
	if !slices.Contains(chigang, "赤岗街道办事处") || !slices.Contains(chigang, "优秀") || !slices.Contains(chigang, "目录完整") {
		t.Errorf("赤岗街道 in the report: %q", chigang)
	}
	if rowWith(rows, "440104-001") == nil {
		t.Error("the city supervisor's report lacks 越秀区's streets")
	}
}

func TestLocalDomainCatalog(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	editor := e.asDemo(auth.UnitEditor) // 赤岗街道
	if res := editor.postForm("/admin/domains", url.Values{"domain_unit": {"440105-001"}, "domain_name": {" "}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("blank name: %d", res.StatusCode)
	}
	if res := editor.postForm("/admin/domains", url.Values{"domain_unit": {"440104-001"}, "domain_name": {"城市绿化"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a domain for another district's street: %d", res.StatusCode)
	}
	res := editor.postForm("/admin/domains", url.Values{"domain_unit": {"440105-001"}, "domain_name": {"城市绿化"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add local domain: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
	}
	code := strings.TrimPrefix(res.Header.Get("Location"), "/admin/catalogs?domain_added=")
	res = editor.postForm("/admin/catalogs", url.Values{"unit": {"440105-001"}, "domain": {code}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("compile for the local domain: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
	}
	path := res.Header.Get("Location")
	res = editor.postForm(path, url.Values{"count": {"0"}, "new.level1": {"古树名木"}, "new.content": {"古树名木名录、位置、养护责任人"},
		"new.basis": {"《城市绿化条例》"}, "new.limit": {"信息形成或者变更之日起20个工作日内"}, "new.subject": {"赤岗街道办事处"},
		"new.channels": {"■政府网站"}, "new.audience": {"全社会"}, "new.method": {"主动"}, "new.level": {"乡级"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add an item: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
	}
	if res := editor.postForm(path+"/submit", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", res.StatusCode, excerpt(res.Body, "alert"))
	}
	// Another district's office cannot compile for it.
	addAccount(t, e, auth.NewAccount{Login: "yuexiu-office", Role: auth.PublicOfficeDistrict, UnitCode: "440104"})
	yx := e.as("yuexiu-office", "yuexiu-office-pw-2026")
	if res := yx.postForm("/admin/catalogs", url.Values{"unit": {"440104-001"}, "domain": {code}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("越秀区 compiles 海珠区's local domain: %d", res.StatusCode)
	}
}

func TestNoticeAndReportRoutesAreScoped(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	ctx := context.Background()
	// A new guideline version gives 赤岗街道's catalog a notice.
	d, _ := catalog.DomainByCode(ctx, e.db, "21")
	tb, err := catalog.ReadTable("v2.csv", strings.NewReader("序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级\n"+
		"1,养老服务补贴,高龄老年人津贴,补贴对象,《广东省养老服务条例》,20个工作日,街道办事处,■政府网站,全社会,主动,乡级\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.InTx(ctx, func(tx *db.Tx) error {
		_, _, err := catalog.ImportGuideline(ctx, tx, "test", catalog.GuidelineImport{Domain: d, Table: tb})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ns, _ := catalog.Notices(ctx, e.db, e.catalogOf(t, "440105-001").Unit)
	if len(ns) != 1 {
		t.Fatalf("%d notices", len(ns))
	}
	path := "/admin/notices/" + strconv.FormatInt(ns[0].ID, 10) + "/close"
	addAccount(t, e, auth.NewAccount{Login: "yuexiu-office", Role: auth.PublicOfficeDistrict, UnitCode: "440104"})
	for name, c := range map[string]*client{"越秀区 office": e.as("yuexiu-office", "yuexiu-office-pw-2026"), "supervisor": e.asDemo(auth.DomainSupervisor)} {
		if res := c.postForm(path, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s closes 赤岗街道's notice: %d", name, res.StatusCode)
		}
	}
	if ns, _ := catalog.Notices(ctx, e.db, e.catalogOf(t, "440105-001").Unit); len(ns) != 1 {
		t.Fatal("the notice was closed by someone out of scope")
	}
	if res := e.asDemo(auth.UnitEditor).postForm(path+"?next=/admin/", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/" {
		t.Errorf("editor closes its notice: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// The domain report is for supervisors, the city office and admins; a
	// supervisor's page stays on its own domain whatever it asks for.
	for _, role := range []auth.Role{auth.UnitEditor, auth.UnitReviewer, auth.PublicOfficeDistrict} {
		if res := e.asDemo(role).get("/admin/domain.xlsx"); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s downloads the domain report: %d", role, res.StatusCode)
		}
	}
	if body := e.asDemo(auth.DomainSupervisor).get("/admin/domain?domain=20").Body; !strings.Contains(text(t, body, "h1"), "养老服务") {
		t.Errorf("supervisor asked for another domain and got %q", text(t, body, "h1"))
	}
	if body := e.asDemo(auth.PublicOfficeCity).get("/admin/domain?domain=20").Body; !strings.Contains(text(t, body, "h1"), "社会救助") {
		t.Errorf("city office domain page: %q", text(t, body, "h1"))
	}
}
