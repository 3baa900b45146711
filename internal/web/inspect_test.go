package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

func TestInspectionConsole(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		city := e.asDemo(auth.PublicOfficeCity)
		district := e.asDemo(auth.PublicOfficeDistrict)
		editor := e.asDemo(auth.UnitEditor)

		// Bad input is refused, keeps what was typed and saves nothing.
		res := city.postForm("/admin/inspect", url.Values{"scope": {"440100"}, "as_of": {"2026-13-01"}})
		if res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "#as_of", "value") != "2026-13-01" || !strings.Contains(res.Body, "2026-13-01") {
			t.Fatalf("bad date: %d", res.StatusCode)
		}
		if res := city.get("/admin/inspect"); len(find(t, res.Body, "tbody tr")) != 0 {
			t.Error("a refused inspection was saved")
		}
		// A district office inspects its district, not another.
		if res := district.postForm("/admin/inspect", url.Values{"scope": {"440104"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("海珠 office inspected 越秀: %d", res.StatusCode)
		}
		if res := editor.postForm("/admin/inspect", url.Values{"scope": {"440105-001"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an editor ran an inspection: %d", res.StatusCode)
		}
		res = district.postForm("/admin/inspect", url.Values{"scope": {"440105"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("district run: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		hzRun := res.Header.Get("Location")
		// The city office runs the whole city.
		res = city.postForm("/admin/inspect", url.Values{"scope": {"440100"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("city run: %d", res.StatusCode)
		}
		cityRun := res.Header.Get("Location")
		page := city.get(cityRun)
		cityRows := len(find(t, page.Body, "table.scores tbody tr"))
		if len(find(t, page.Body, "svg.chart")) != 2 {
			t.Error("the run page lacks its charts")
		}
		if list := district.get("/admin/inspect").Body; len(find(t, list, "svg.chart rect")) != 2 {
			t.Error("the trend chart does not show the district's two runs")
		}
		if page.StatusCode != http.StatusOK || cityRows < 50 || !strings.Contains(page.Body, "赤岗街道办事处") || !strings.Contains(page.Body, "越秀区人民政府") {
			t.Fatalf("city run page: %d, %d units", page.StatusCode, cityRows)
		}
		// The district office sees its district's units in the city run,
		// the unit itself only, another district's office nothing of 海珠's run.
		if body := district.get(cityRun).Body; strings.Contains(body, "越秀区人民政府") || !strings.Contains(body, "赤岗街道办事处") {
			t.Error("海珠 office sees outside its district in the city run")
		}
		body := editor.get(cityRun).Body
		if n := len(find(t, body, "table.scores tbody tr")); n != 1 || !strings.Contains(body, "赤岗街道办事处") {
			t.Errorf("赤岗 editor sees %d units of the city run", n)
		}
		if res := editor.get(hzRun); res.StatusCode != http.StatusOK {
			t.Errorf("赤岗 editor reads 海珠's run: %d", res.StatusCode)
		}
		if res := e.client().get(cityRun); res.StatusCode == http.StatusOK {
			t.Error("an anonymous visitor read a run")
		}
		// The API answers as the command line does, in scope.
		var js struct {
			Run   int64
			Units []struct {
				Code     string
				Score    float64
				Findings []struct{ Rule, Target, Expected, Actual string }
			}
		}
		id := strings.TrimPrefix(cityRun, "/admin/inspect/")
		decode(t, district.get("/api/v1/admin/inspect/"+id), &js)
		for _, u := range js.Units {
			if !strings.HasPrefix(u.Code, "440105") {
				t.Errorf("海珠 office got %s from the API", u.Code)
			}
		}
		if len(js.Units) == 0 {
			t.Error("API run: no units")
		}
		if res := district.sendJSON("POST", "/api/v1/admin/inspect", map[string]string{"scope": "440104"}); res.StatusCode != http.StatusForbidden {
			t.Errorf("API: 海珠 office inspected 越秀: %d", res.StatusCode)
		}
		res = city.sendJSON("POST", "/api/v1/admin/inspect", map[string]string{"scope": "440105-001", "as_of": "2026-01-05"})
		if res.StatusCode != http.StatusCreated || !strings.Contains(res.Body, `"as_of":"2026-01-05"`) {
			t.Errorf("API run: %d %s", res.StatusCode, res.Body)
		}

		// Rules: the city office edits, with a reason; others only read.
		if res := district.postForm("/admin/inspect/rules", url.Values{"comment": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("海珠 office edited rules: %d", res.StatusCode)
		}
		form := formValues(t, city.get("/admin/inspect/rules").Body, "form input")
		form.Set("deduction_privacy", "30")
		res = city.postForm("/admin/inspect/rules", form)
		if res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "#deduction_privacy", "value") != "30" {
			t.Errorf("deduction above the weight: %d", res.StatusCode)
		}
		form.Set("deduction_privacy", "8")
		form.Set("comment", "加重个人信息问题扣分")
		if res := city.postForm("/admin/inspect/rules", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save rules: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		if body := city.get("/admin/inspect/rules?saved=1").Body; attr(t, body, "#deduction_privacy", "value") != "8" || !strings.Contains(body, "加重个人信息问题扣分") {
			t.Error("saved rules not shown")
		}

		// Rectification: the district office sends 赤岗 its findings of
		// the city run, the unit answers, the office re-checks.
		if res := editor.postForm(cityRun+"/notices", url.Values{"unit": {"440105-001"}, "days": {"10"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an editor sent a notice: %d", res.StatusCode)
		}
		if res := district.postForm(cityRun+"/notices", url.Values{"unit": {"440104-001"}, "days": {"10"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("海珠 office sent 越秀's street a notice: %d", res.StatusCode)
		}
		if res := district.postForm(cityRun+"/notices", url.Values{"unit": {"440105-001"}, "days": {"0"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a notice of 0 days: %d", res.StatusCode)
		}
		res = district.postForm(cityRun+"/notices", url.Values{"unit": {"440105-001"}, "days": {"10"}, "note": {"请整改"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("send notice: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		notice := res.Header.Get("Location")
		if dash := editor.get("/admin/").Body; !strings.Contains(dash, `href="`+notice+`"`) {
			t.Error("the unit's dashboard does not list its notice")
		}
		page = editor.get(notice)
		forms := find(t, page.Body, `ol.findings form`)
		if page.StatusCode != http.StatusOK || len(forms) == 0 {
			t.Fatalf("notice page for the unit: %d, %d answer forms", page.StatusCode, len(forms))
		}
		var answerURL string
		for _, a := range forms[0].Attr {
			if a.Key == "action" {
				answerURL = a.Val
			}
		}
		res = editor.postForm(answerURL, url.Values{"answer": {"disputed"}, "note": {""}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, "理由") {
			t.Errorf("a dispute without reason: %d", res.StatusCode)
		}
		if res := editor.postForm(answerURL, url.Values{"answer": {"fixed"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("answer: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		other := e.as("gz-office", "gongkai-city-2026")
		if res := district.postForm(notice+"/recheck", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("re-check: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		if body := other.get("/admin/rectification").Body; !strings.Contains(body, "赤岗街道办事处") {
			t.Error("the city office does not see the notice")
		}
		if res := editor.postForm(notice+"/recheck", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("the unit re-checked itself: %d", res.StatusCode)
		}

		// Publishing: not the district for the city's run; the city does.
		if res := district.postForm(cityRun+"/publish", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("海珠 office published the city run: %d", res.StatusCode)
		}
		if res := e.client().get("/zwgk/pingyi/" + id + "/"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unpublished results on the portal: %d", res.StatusCode)
		}
		if res := city.postForm(cityRun+"/publish", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d", res.StatusCode)
		}
		pub := e.client().get("/zwgk/pingyi/" + id + "/")
		if pub.StatusCode != http.StatusOK || len(find(t, pub.Body, "svg.chart")) != 2 || !strings.Contains(pub.Body, "海珠区人民政府") || len(find(t, pub.Body, "table.scores tbody tr")) != cityRows {
			t.Errorf("published results: %d", pub.StatusCode)
		}
		if list := e.client().get("/zwgk/pingyi/").Body; !strings.Contains(list, "/zwgk/pingyi/"+id+"/") {
			t.Error("the results are not listed")
		}
		// The schedule: the city office sets the day, bad days are refused.
		if res := city.postForm("/admin/inspect/schedule", url.Values{"day": {"31"}}); res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "#day", "value") != "31" {
			t.Errorf("schedule day 31: %d", res.StatusCode)
		}
		if res := district.postForm("/admin/inspect/schedule", url.Values{"day": {"5"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("海珠 office set the schedule: %d", res.StatusCode)
		}
		if res := city.postForm("/admin/inspect/schedule", url.Values{"day": {"5"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("schedule: %d", res.StatusCode)
		}
		if body := district.get("/admin/inspect/rules").Body; !strings.Contains(body, "5日") {
			t.Error("the schedule is not shown")
		}
		// Two runs compared: the district's against the city's, in scope.
		cmp := district.get(cityRun + "/compare?with=" + strings.TrimPrefix(hzRun, "/admin/inspect/"))
		if cmp.StatusCode != http.StatusOK || len(find(t, cmp.Body, "main h2")) != 3 || strings.Contains(cmp.Body, "440104-") {
			t.Errorf("compare: %d", cmp.StatusCode)
		}
		if res := district.get(cityRun + "/compare?with=x"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("compare with nothing: %d", res.StatusCode)
		}
		// The export: a header and a row for each unit the page lists.
		x := city.get(cityRun + "/results.xlsx")
		if x.StatusCode != http.StatusOK {
			t.Fatalf("XLSX export: %d", x.StatusCode)
		}
		rows := xlsxRows(t, x.Body, "")
		if r := rowWith(rows, "440105-001"); len(rows) != cityRows+1 || !slices.Contains(r, "赤岗街道办事处") {
			t.Errorf("XLSX export: %d rows for %d units; 赤岗街道 %q", len(rows), cityRows, r)
		}
	})
}

// verdicts maps the first cell of each row of the scores table to its
// verdict cell.
func verdicts(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tr := range find(t, body, "table.scores tbody tr") {
		first := cascadia.Query(tr, cascadia.MustCompile("td"))
		v := cascadia.Query(tr, cascadia.MustCompile("td.verdict"))
		if first == nil || v == nil {
			t.Fatalf("a scores row without a verdict")
		}
		out[nodeText(first)] = nodeText(v)
	}
	return out
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// The run page, its workbook and the published results say which units
// passed: in the demo 赤岗 works, 新港 has no published catalog.
func TestInspectionVerdicts(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		city := e.asDemo(auth.PublicOfficeCity)
		res := city.postForm("/admin/inspect", url.Values{"scope": {"440105"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("run: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		run := res.Header.Get("Location")
		for _, c := range []struct{ lang, pass, fail, rule string }{{"", "合格", "不合格（单项否决）", "低于60分"}, {"?lang=en", "Pass", "Fail (outright)", "below 60"}} {
			body := city.get(run + c.lang).Body
			v := verdicts(t, body)
			if v["赤岗街道办事处 440105-001"] != c.pass || v["新港街道办事处 440105-002"] != c.fail {
				t.Errorf("run page%s verdicts: %v", c.lang, v)
			}
			if !strings.Contains(body, c.rule) {
				t.Errorf("run page%s does not say the pass mark", c.lang)
			}
		}
		x := city.get(run + "/results.xlsx")
		f, err := excelize.OpenReader(strings.NewReader(x.Body))
		if err != nil {
			t.Fatalf("XLSX: %d %v", x.StatusCode, err)
		}
		rows, err := f.GetRows("得分")
		if err != nil || len(rows) < 3 || rows[0][3] != "结论" {
			t.Fatalf("XLSX scores: %v %v", rows, err)
		}
		for _, r := range rows[1:] {
			if want := map[string]string{"440105-001": "合格", "440105-002": "不合格"}[r[0]]; want != "" && r[3] != want {
				t.Errorf("XLSX %s: %q, want %s", r[0], r[3], want)
			}
		}
		if res := city.postForm(run+"/publish", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d", res.StatusCode)
		}
		pub := "/zwgk/pingyi/" + strings.TrimPrefix(run, "/admin/inspect/") + "/"
		for _, c := range []struct{ lang, pass, fail string }{{"", "合格", "不合格（单项否决）"}, {"?lang=en", "Pass", "Fail (outright)"}} {
			v := verdicts(t, e.client().get(pub+c.lang).Body)
			if v["赤岗街道办事处"] != c.pass || v["新港街道办事处"] != c.fail {
				t.Errorf("public results%s verdicts: %v", c.lang, v)
			}
		}
		// The rules say which cost in proportion.
		if body := city.get("/admin/inspect/rules?lang=zh").Body; attr(t, body, `input[name="deduction_loading"]`, "type") != "hidden" || !strings.Contains(body, "按比例") {
			t.Error("the rules page offers a per-finding deduction for a proportional rule")
		}
	})
}
