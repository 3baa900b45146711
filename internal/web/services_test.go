package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/internal/app"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info/infotest"
	"gongkai/internal/readertest"
	"gongkai/internal/web"
)

// newServiceEnv is the demo with service disclosure's, on Monday 23
// November 2026.
func newServiceEnv(t *testing.T, d *db.DB, opts ...func(*web.Config)) *env {
	t.Helper()
	e := newEnv(t, d, opts...)
	d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
	if _, err := app.LoadDemoServices(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return e
}

// guideID returns the portal address of the published guide called name.
func guideLink(t *testing.T, c *client, unit, name string) string {
	t.Helper()
	for _, a := range find(t, c.get("/bmfw/bm/"+unit+"/").Body, "main td a[href^='/bmfw/zn/']") {
		if a.FirstChild != nil && a.FirstChild.Data == name {
			for _, at := range a.Attr {
				if at.Key == "href" {
					return at.Val
				}
			}
		}
	}
	t.Fatalf("%s lists no guide %s", unit, name)
	return ""
}

func TestServicePortal(t *testing.T) {
	e := newServiceEnv(t, dbtest.SQLite(t), func(c *web.Config) { c.PublicURL = "https://gongkai.gz.gov.cn" })
	c := e.client()
	home := c.get("/bmfw/")
	if home.StatusCode != http.StatusOK || attr(t, home.Body, "main a.button", "href") != "https://www.gdzwfw.gov.cn/" ||
		len(find(t, home.Body, "main a[href='/bmfw/zt/shengyu/']")) != 1 || len(find(t, home.Body, "main a[href='/bmfw/bm/440105-d02/']")) != 1 ||
		len(find(t, home.Body, "main a[href='/bmfw/ybt/440105/']")) != 1 {
		t.Fatalf("/bmfw/: %d", home.StatusCode)
	}
	// Chinese full text: a word of a material finds its guide.
	res := c.get("/bmfw/ss/?q=" + url.QueryEscape("出生医学证明"))
	var hits []string
	for _, a := range find(t, res.Body, "main td a[href^='/bmfw/zn/']") {
		hits = append(hits, a.FirstChild.Data)
	}
	if !slices.Equal(hits, []string{"城乡居民医疗保险参保登记（新生儿）", "生育津贴申领"}) {
		t.Errorf("search: %v", hits)
	}
	if res := c.get("/bmfw/ss/?q=" + strings.Repeat("长", 101)); res.StatusCode != http.StatusBadRequest || text(t, res.Body, ".field-error") == "" {
		t.Errorf("long query: %d", res.StatusCode)
	}
	// The guide page shows the guide whole.
	g := guideLink(t, c, "440105-001", "生育登记")
	body := c.get(g).Body
	if got := text(t, body, "table.meta-table"); !strings.Contains(got, "即办") || !strings.Contains(got, "5个工作日") || !strings.Contains(got, "020-89012300") {
		t.Errorf("guide facts: %q", got)
	}
	if got := text(t, body, "div.table-wrap table caption"); got != "申请材料" || len(find(t, body, "ol.steps li")) != 3 {
		t.Errorf("materials caption %q, %d steps", got, len(find(t, body, "ol.steps li")))
	}
	// A complaint: bad input keeps what was typed and names the fields.
	res = c.postForm(g, url.Values{"kind": {"nonsense"}, "content": {""}, "contact": {"138"}})
	if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#content ~ .field-error") == "" || !strings.Contains(res.Body, "请选择问题类型") ||
		attr(t, res.Body, "#contact", "value") != "138" {
		t.Errorf("bad complaint: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	before := count(t, e, "service_complaints")
	res = c.postForm(g, url.Values{"kind": {"inaccurate"}, "content": {"咨询电话打不通"}, "contact": {"13800138000"}})
	if res.StatusCode != http.StatusSeeOther || count(t, e, "service_complaints") != before+1 {
		t.Errorf("complaint: %d", res.StatusCode)
	}
	// Handbook: contents, an event per printed page, QR codes, workbook.
	hb := c.get("/bmfw/ybt/440105/")
	parts := find(t, hb.Body, "section.handbook-part")
	if hb.StatusCode != http.StatusOK || len(parts) < 3 || len(find(t, hb.Body, "nav.contents li")) != len(parts) {
		t.Fatalf("handbook: %d, %d parts", hb.StatusCode, len(parts))
	}
	if css := c.get("/static/site.css").Body; !strings.Contains(css, ".handbook-part { break-before: page;") {
		t.Error("the handbook's parts do not start a printed page")
	}
	ev := c.get("/bmfw/ybt/440105/shengyu/")
	if got := text(t, ev.Body, "#total"); got != "合计承诺时限10个工作日，法定时限30个工作日。" {
		t.Errorf("生育's total: %q", got)
	}
	var order []string
	for _, a := range find(t, ev.Body, "ol.bundle a") {
		order = append(order, a.FirstChild.Data)
	}
	if !slices.Equal(order, []string{"生育登记", "生育津贴申领", "城乡居民医疗保险参保登记（新生儿）"}) {
		t.Errorf("生育's order: %v", order)
	}
	png := c.get("/bmfw/ybt/440105/shengyu/qr.png")
	if png.StatusCode != http.StatusOK || readertest.DecodeQR(t, []byte(png.Body)) != "https://gongkai.gz.gov.cn/bmfw/ybt/440105/shengyu/" {
		t.Errorf("QR: %d", png.StatusCode)
	}
	xlsx := c.get("/bmfw/ybt/440105.xlsx")
	wb := readertest.MustOpenXLSX(t, []byte(xlsx.Body))
	readertest.CheckWorkbook(t, wb, time.Now().Add(-time.Minute))
	if sh := wb.Sheet(t, "办事一本通"); sh.Cell(1, 1) != "海珠区人民政府办事一本通" || sh.Cell(3, 1) != "生育" || sh.Cell(3, 3) != "生育登记" {
		t.Errorf("handbook workbook: %v", sh.Rows[:3])
	}
	for _, p := range []string{"/bmfw/ybt/440105-001/", "/bmfw/ybt/440105-001.xlsx", "/bmfw/ybt/440105/hunyin-x/", "/bmfw/ybt/440105/ruxue/qr.png",
		"/bmfw/ybt/440105.pdf", "/bmfw/zn/999999/", "/bmfw/zn/x/", "/bmfw/zt/nothing/", "/bmfw/bm/nowhere/", g + "yb/1"} {
		if res := c.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	// The API.
	var list struct {
		Services []map[string]any `json:"services"`
	}
	res = c.get("/api/v1/units/440105-001/services")
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil || len(list.Services) != 6 {
		t.Fatalf("API list: %d %v", len(list.Services), err)
	}
	var keys []string
	for k := range list.Services[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"events", "fee", "id", "name", "online_url", "time_limit_days", "type", "updated"}) {
		t.Errorf("API keys %v", keys)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(g, "/bmfw/zn/"), "/")
	var whole map[string]any
	res = c.get("/api/v1/services/" + id)
	if err := json.Unmarshal([]byte(res.Body), &whole); err != nil || whole["name"] != "生育登记" || whole["promised_days"] != 0.0 ||
		whole["legal_days"] != 5.0 || whole["url"] != "https://gongkai.gz.gov.cn"+g || len(whole["materials"].([]any)) != 2 {
		t.Errorf("API guide: %s", res.Body)
	}
	for _, p := range []string{"/api/v1/services/999999", "/api/v1/services/abc", "/api/v1/units/nowhere/services"} {
		if res := c.get(p); res.StatusCode != http.StatusNotFound || jsonErrCode(t, res) != "not_found" {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
}

func count(t *testing.T, e *env, table string) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestServiceConsole: a street's editor writes a guide, a reviewer
// publishes it, guides come in from a table, the office keeps events, runs
// a spot check and handles a complaint, and the yearly summary comes out;
// every form refused shows what was typed and names the field.
func TestServiceConsole(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newServiceEnv(t, d)
		editor, reviewer := e.as("chigang-editor", "gongkai-editor-2026"), e.as("chigang-reviewer", "gongkai-reviewer-2026")
		office, city := e.as("zwfw-office", "gongkai-zwfw-2026"), e.as("gz-office", "gongkai-city-2026")

		res := editor.postForm("/admin/services", url.Values{"unit": {"440105-001"}, "name": {""}, "type": {"x"}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#name ~ .field-error") == "" || text(t, res.Body, "#type ~ .field-error") == "" {
			t.Fatalf("bad new guide: %d", res.StatusCode)
		}
		res = editor.postForm("/admin/services", url.Values{"unit": {"440105-001"}, "name": {"社区证明开具"}, "type": {"public_service"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("new guide: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		page := strings.Split(res.Header.Get("Location"), "?")[0]
		form := formValues(t, editor.get(page).Body, "form.stack.wide input, form.stack.wide select, form.stack.wide textarea")
		form.Set("do", "save")
		form.Set("type", "public_service") // a select, which formValues leaves out
		form.Set("legal_days", "五")
		form.Set("online_url", "ftp://x")
		form.Set("material_name_0", "")
		form.Set("material_note_0", "需盖章")
		form.Set("conditions", "辖区居民")
		res = editor.postForm(page, form)
		if res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "#conditions", "id") == "" || text(t, res.Body, "#conditions") != "辖区居民" ||
			text(t, res.Body, "#legal_days ~ .field-error") == "" || text(t, res.Body, "#online_url ~ .field-error") == "" || text(t, res.Body, "#material_name_0 ~ .field-error") == "" {
			t.Fatalf("bad save: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		form.Set("legal_days", "5")
		form.Set("promised_days", "0")
		form.Set("online_url", "")
		form.Set("material_name_0", "居民身份证")
		form.Set("material_copies_0", "1")
		form.Set("material_original_0", "yes")
		form.Set("steps", "申请\n开具")
		form.Set("fee", "不收费")
		form.Set("place", "赤岗街道政务服务中心")
		form.Set("phone", "020-89012300")
		form.Set("events", "住房")
		if res := editor.postForm(page, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		if res := editor.upload(page, "file", "样表.docx", infotest.DOCX("样表")); res.StatusCode != http.StatusBadRequest {
			t.Errorf("upload without a material: %d", res.StatusCode)
		}
		for _, step := range []struct {
			c    *client
			form url.Values
			want int
		}{
			{editor, url.Values{"do": {"submit"}}, http.StatusSeeOther},
			{editor, url.Values{"do": {"publish"}}, http.StatusForbidden},
			{reviewer, url.Values{"do": {"return"}, "comment": {" "}}, http.StatusBadRequest},
			{reviewer, url.Values{"do": {"publish"}}, http.StatusSeeOther},
			{reviewer, url.Values{"do": {"nonsense"}}, http.StatusNotFound},
		} {
			if res := step.c.postForm(page, step.form); res.StatusCode != step.want {
				t.Errorf("%v: %d, want %d %s", step.form, res.StatusCode, step.want, excerpt(res.Body, "error-box"))
			}
		}
		id := strings.TrimPrefix(page, "/admin/services/guides/")
		if res := e.client().get("/bmfw/zn/" + id + "/"); res.StatusCode != http.StatusOK {
			t.Errorf("published guide: %d", res.StatusCode)
		}
		// Import from the console: a GBK table; a bad one writes nothing.
		csv := "事项名称,事项类型,申请条件\n临时身份证明,行政确认,身份证遗失\n"
		gbk, _ := simplifiedchinese.GBK.NewEncoder().String(csv)
		res = reviewer.uploadForm("/admin/services/import", url.Values{"unit": {"440105-001"}, "publish": {"yes"}}, "file", "guides.csv", []byte(gbk))
		if res.StatusCode != http.StatusOK || !strings.Contains(text(t, res.Body, ".flash"), "新增1个事项") || !strings.Contains(text(t, res.Body, "ul.incomplete"), "临时身份证明") {
			t.Fatalf("import: %d %s", res.StatusCode, excerpt(res.Body, "flash"))
		}
		before := count(t, e, "services")
		res = reviewer.uploadForm("/admin/services/import", url.Values{"unit": {"440105-001"}}, "file", "bad.csv", []byte(csv+"无类型事项,,\n"))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(text(t, res.Body, ".error-box"), "第3行缺少“事项类型”") || count(t, e, "services") != before {
			t.Errorf("bad import: %d %s", res.StatusCode, text(t, res.Body, ".error-box"))
		}
		// Events: the city office adds one; bad input names the fields.
		res = city.postForm("/admin/services/events", url.Values{"code": {"Bad Code"}, "name": {""}, "kind": {"x"}, "sort": {"a"}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#code ~ .field-error") == "" || attr(t, res.Body, "#code", "value") != "Bad Code" {
			t.Errorf("bad event: %d", res.StatusCode)
		}
		if res := city.postForm("/admin/services/events", url.Values{"code": {"shengyu"}, "name": {"生育2"}, "kind": {"personal"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("event code twice: %d", res.StatusCode)
		}
		if res := office.postForm("/admin/services/events/shengyu", url.Values{"do": {"order"}, "pos_1": {"0"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("bad order: %d", res.StatusCode)
		}
		// A spot check: drawn, checked, circulated, downloaded.
		res = office.postForm("/admin/services/checks", url.Values{"quarter": {"2026Q5"}, "scope": {"440105"}, "per_unit": {"x"}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#quarter ~ .field-error") == "" || text(t, res.Body, "#per_unit ~ .field-error") == "" {
			t.Errorf("bad check: %d", res.StatusCode)
		}
		res = office.postForm("/admin/services/checks", url.Values{"quarter": {"2026Q3"}, "scope": {"440105-001"}, "per_unit": {"2"}, "seed": {"7"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("check: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
		}
		chk := strings.Split(res.Header.Get("Location"), "?")[0]
		if res := office.postForm(chk, url.Values{"do": {"circulate"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("circulate unchecked: %d", res.StatusCode)
		}
		if res := office.postForm(chk, url.Values{"do": {"record"}, "seq": {"1"}, "accurate_1": {"yes"}}); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#note_1 ~ .field-error") == "" {
			t.Errorf("failing without a note: %d", res.StatusCode)
		}
		for _, seq := range []string{"1", "2"} {
			if res := office.postForm(chk, url.Values{"do": {"record"}, "seq": {seq}, "accurate_" + seq: {"yes"}, "complete_" + seq: {"yes"}, "current_" + seq: {"yes"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("record %s: %d", seq, res.StatusCode)
			}
		}
		if res := office.postForm(chk, url.Values{"do": {"circulate"}, "note": {"合格"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("circulate: %d", res.StatusCode)
		}
		// Circulated: 赤岗's editor sees its results.
		if res := editor.get(chk); res.StatusCode != http.StatusOK || text(t, res.Body, "table.results tbody th") != "赤岗街道办事处" {
			t.Errorf("赤岗 reads the results: %d", res.StatusCode)
		}
		x := office.get(chk + "/results.xlsx")
		if sh := readertest.MustOpenXLSX(t, []byte(x.Body)).Sheet(t, "抽查结果"); sh.Cell(3, 7) != 2.0 {
			t.Errorf("results workbook %v", sh.Rows)
		}
		// A complaint: transferred by the office, verified and rectified
		// by 赤岗, with dates on the calendar.
		cs := office.get("/admin/services/complaints").Body
		link := ""
		for _, a := range find(t, cs, "main td a[href^='/admin/services/complaints/']") {
			link = "/admin/services/complaints/" + a.FirstChild.Data
		}
		if res := office.postForm("/admin/services/complaints", url.Values{"service": {"x"}, "kind": {"outdated"}, "content": {"过时"}}); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#service ~ .field-error") == "" {
			t.Errorf("complaint without a guide: %d", res.StatusCode)
		}
		for _, step := range []struct {
			c    *client
			form url.Values
			want int
		}{
			{editor, url.Values{"do": {"transfer"}}, http.StatusForbidden},
			{office, url.Values{"do": {"transfer"}}, http.StatusSeeOther},
			{editor, url.Values{"do": {"verify"}, "verify_note": {"属实"}}, http.StatusBadRequest},
			{editor, url.Values{"do": {"verify"}, "valid": {"yes"}, "verify_note": {""}}, http.StatusBadRequest},
			{editor, url.Values{"do": {"verify"}, "valid": {"yes"}, "verify_note": {"电话已更换"}}, http.StatusSeeOther},
			{editor, url.Values{"do": {"rectify"}, "rectify_note": {"已更新电话"}}, http.StatusSeeOther},
		} {
			if res := step.c.postForm(link, step.form); res.StatusCode != step.want {
				t.Errorf("%v: %d, want %d %s", step.form, res.StatusCode, step.want, excerpt(res.Body, "error-box"))
			}
		}
		if got := text(t, office.get(link).Body, "dl.meta"); !strings.Contains(got, "2026-11-30前核实") || !strings.Contains(got, "已更新电话") {
			t.Errorf("complaint: %q", got)
		}
		sum := office.get("/admin/services/summary?year=2026")
		if sum.StatusCode != http.StatusOK || !strings.Contains(sum.Body, "2027-01-15") {
			t.Errorf("summary: %d", sum.StatusCode)
		}
		if res := office.get("/admin/services/summary?year=20x6"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("bad year: %d", res.StatusCode)
		}
		sx := office.get("/admin/services/summary/2026/summary.xlsx")
		if sh := readertest.MustOpenXLSX(t, []byte(sx.Body)).Sheet(t, "检举投诉明细"); len(sh.Rows) != 4 || sh.Cell(4, 10) != "属实：电话已更换" {
			t.Errorf("summary workbook %v", sh.Rows)
		}
	})
}

// uploadForm posts a multipart form with fields and one file.
func (c *client) uploadForm(path string, fields url.Values, field, name string, data []byte) response {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}
