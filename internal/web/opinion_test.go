package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/readertest"
)

// opinionForm is a major item found on 30 September 2026.
func opinionForm() url.Values {
	return url.Values{"title": {"网传海珠区某小区停水三天无人处理"}, "source": {"online"}, "level": {"major"},
		"summary": {"网民在微博发帖称小区停水三天，物业和街道无人回应，联系电话13912345678。"}, "project": {"老旧小区供水管网改造"},
		"found": {"2026-09-30T08:30"}}
}

// register registers an item through the form as c and returns its page.
func register(t *testing.T, c *client, form url.Values) string {
	t.Helper()
	res := c.postForm("/admin/opinion", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d %s", res.StatusCode, excerpt(res.Body, "error"))
	}
	return strings.Split(res.Header.Get("Location"), "?")[0]
}

// step posts a step of an item's page and wants the page again, done.
func step(t *testing.T, c *client, item, name string, form url.Values) {
	t.Helper()
	res := c.postForm(item+"/"+name, form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != item+"?done="+name {
		t.Fatalf("%s: %d %s %s", name, res.StatusCode, res.Header.Get("Location"), excerpt(res.Body, "error-box"))
	}
}

// partValue returns the part id the select sel offers for unit, or "".
func partValue(t *testing.T, body, sel, unit string) string {
	t.Helper()
	for _, o := range find(t, body, sel+" option") {
		if o.FirstChild != nil && o.FirstChild.Data == unit {
			for _, a := range o.Attr {
				if a.Key == "value" {
					return a.Val
				}
			}
		}
	}
	return ""
}

func responseForm(part string) url.Values {
	return url.Values{"part": {part}, "handling": {"已联系供水企业抢修，当日恢复供水。"},
		"response": {"经核查，该小区因管网爆裂停水，已于当日抢修完毕恢复供水。"}, "link": {"https://www.haizhu.gov.cn/hdjl/yqhy/1.html"}}
}

// The whole handling of a major item over 国庆 2026 through the console:
// registered by 海珠区's office and given to 赤岗 and 新港 on 30
// September, due on 8 October after the holiday; 赤岗 answers in time,
// 新港 shows overdue on the office's dashboard, is urged by e-mail and
// answers late; the office closes and publishes the handling, which the
// portal, /hudong/, the API and the month's summary show.
func TestOpinionJourney(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		pe := newPushEnv(t, d)
		e := pe.env
		at(d, "2026-09-30")
		addAccount(t, e, auth.NewAccount{Login: "xg-editor", Email: "xg@example.gov.cn", Role: auth.UnitEditor, UnitCode: "440105-002"})
		// Sessions end after a while: everyone signs in again each day.
		var office, cg, xg *client
		on := func(day string) {
			at(d, day)
			office, cg, xg = e.asDemo(auth.PublicOfficeDistrict), e.asDemo(auth.UnitEditor), e.as("xg-editor", "xg-editor-pw-2026")
		}
		on("2026-09-30")

		if res := office.get("/admin/opinion/new"); res.StatusCode != http.StatusOK || attr(t, res.Body, "#found", "value") != "2026-09-30T09:00" {
			t.Fatalf("new form: %d found=%q", res.StatusCode, attr(t, res.Body, "#found", "value"))
		}
		item := register(t, office, opinionForm())
		body := office.get(item).Body
		if text(t, body, "#opinion-state") != "已登记" {
			t.Errorf("state %q", text(t, body, "#opinion-state"))
		}
		step(t, office, item, "assign", url.Values{"unit": {"440105-001", "440105-002"}})
		step(t, office, item, "instruct", url.Values{"leader": {"区长"}, "day": {"2026-09-30"}, "text": {"请迅速核实，及时回应。"}})
		body = office.get(item).Body
		if rows := find(t, body, "#opinion-parts tbody tr"); len(rows) != 2 || !strings.Contains(text(t, body, "#opinion-parts tbody"), "2026-10-08") {
			t.Fatalf("parts: %q", text(t, body, "#opinion-parts"))
		}
		xgPart := partValue(t, body, "#urge-part", "新港街道办事处")

		on("2026-10-08")
		body = cg.get(item).Body
		if rows := find(t, body, "#opinion-parts tbody tr"); len(rows) != 1 || strings.Contains(body, "新港街道办事处") {
			t.Errorf("赤岗 sees other parts: %q", text(t, body, "#opinion-parts"))
		}
		if len(find(t, body, "form[action$='/assign']")) != 0 || len(find(t, body, "form[action$='/publish']")) != 0 {
			t.Error("赤岗 is offered the office's steps")
		}
		cgPart := attr(t, body, "form[action$='/respond'] input[name=part]", "value")
		step(t, cg, item, "respond", responseForm(cgPart))

		on("2026-10-09")
		if dash := office.get("/admin/").Body; !strings.Contains(text(t, dash, "#dash-opinion"), "新港街道办事处") {
			t.Errorf("dashboard: %q", text(t, dash, "#dash-opinion"))
		}
		if !strings.Contains(text(t, xg.get("/admin/").Body, "#dash-opinion"), "网传海珠区某小区停水三天无人处理") {
			t.Error("新港's dashboard lacks its overdue part")
		}
		step(t, office, item, "urge", url.Values{"part": {xgPart}, "note": {"请今天内回应"}})
		if _, err := pe.out.DeliverDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		msgs, _ := pe.smtp.Wait(1, 10*time.Second)
		if len(msgs) != 1 || !slices.Equal(msgs[0].To, []string{"xg@example.gov.cn"}) || !strings.Contains(msgs[0].Subject, "督办") {
			t.Fatalf("urge mail: %+v", msgs)
		}
		res := office.postForm(item+"/close", url.Values{"conclusion": {"已处置。"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(text(t, res.Body, ".error-box"), "1") || text(t, res.Body, "#conclusion") != "已处置。" {
			t.Errorf("close with 新港 pending: %d %q", res.StatusCode, text(t, res.Body, ".error-box"))
		}
		step(t, xg, item, "respond", responseForm(xgPart))
		step(t, office, item, "close", url.Values{"conclusion": {"两街道已回应，群众联系电话13912345678已回访。"}})
		step(t, office, item, "publish", nil)
		body = office.get(item).Body
		if text(t, body, "#opinion-state") != "已办结" || !strings.Contains(body, `href="/hudong/yqhy/`) {
			t.Errorf("closed page: %q", text(t, body, "#opinion-state"))
		}

		visitor := e.client()
		id := strings.TrimPrefix(item, "/admin/opinion/")
		list := visitor.get("/hudong/yqhy/").Body
		if attr(t, list, "#opinion-list a", "href") != "/hudong/yqhy/"+id+"/" {
			t.Fatalf("portal list: %q", text(t, list, "main"))
		}
		page := visitor.get("/hudong/yqhy/" + id + "/")
		if page.StatusCode != http.StatusOK || strings.Contains(page.Body, "13912345678") || len(find(t, page.Body, "article.response")) != 2 ||
			strings.Contains(page.Body, "已联系供水企业抢修") || strings.Contains(page.Body, "请迅速核实") {
			t.Errorf("public page: %d %q", page.StatusCode, text(t, page.Body, "main"))
		}
		if !strings.Contains(text(t, page.Body, "#opinion-summary"), "139****5678") {
			t.Errorf("summary not masked: %q", text(t, page.Body, "#opinion-summary"))
		}
		if attr(t, visitor.get("/hudong/").Body, "#hudong-opinion a", "href") != "/hudong/yqhy/"+id+"/" {
			t.Error("/hudong/ does not list the response")
		}
		var api struct {
			Total int                          `json:"total"`
			Items []map[string]json.RawMessage `json:"items"`
		}
		res = visitor.get("/api/v1/opinion?unit=440105-002")
		if err := json.Unmarshal([]byte(res.Body), &api); err != nil || api.Total != 1 || len(api.Items) != 1 {
			t.Fatalf("api: %d %s", res.StatusCode, res.Body)
		}
		var keys []string
		for k := range api.Items[0] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"closed", "found", "id", "level", "response_url", "title"}) || string(api.Items[0]["closed"]) != `"2026-10-09"` ||
			string(api.Items[0]["found"]) != `"2026-09-30"` || string(api.Items[0]["level"]) != `"major"` ||
			!strings.HasSuffix(strings.Trim(string(api.Items[0]["response_url"]), `"`), "/hudong/yqhy/"+id+"/") {
			t.Errorf("api item: %v", api.Items[0])
		}
		if res := visitor.get("/api/v1/opinion?unit=440104"); !strings.Contains(res.Body, `"total":0`) {
			t.Errorf("越秀: %s", res.Body)
		}

		sum := office.get("/admin/opinion/summary/2026-09/")
		if sum.StatusCode != http.StatusOK || len(find(t, sum.Body, "#summary-items tbody tr")) != 1 ||
			!strings.Contains(text(t, sum.Body, "#summary-line"), "50.0%") {
			t.Errorf("summary page: %d %q", sum.StatusCode, text(t, sum.Body, "#summary-line"))
		}
		since := time.Now()
		x := office.get("/admin/opinion/summary/2026-09.xlsx")
		if x.StatusCode != http.StatusOK || !strings.Contains(x.Header.Get("Content-Disposition"), "opinion-440105-2026-09.xlsx") {
			t.Fatalf("xlsx: %d %v", x.StatusCode, x.Header)
		}
		wb := readertest.MustOpenXLSX(t, []byte(x.Body))
		readertest.CheckWorkbook(t, wb, since)
		if s := wb.Sheet(t, "事项明细"); len(s.Rows) != 3 || s.Cell(3, 3) != "网传海珠区某小区停水三天无人处理" || s.Cell(3, 10) != "是\n否" {
			t.Errorf("xlsx items: %v", s.Rows)
		}

		step(t, office, item, "withdraw", nil)
		if res := visitor.get("/hudong/yqhy/" + id + "/"); res.StatusCode != http.StatusNotFound {
			t.Errorf("withdrawn page: %d", res.StatusCode)
		}
		if _, err := strconv.Atoi(id); err != nil {
			t.Errorf("item id %q", id)
		}
	})
}
