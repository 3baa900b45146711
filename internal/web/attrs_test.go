package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"gongkai/internal/app"
	"gongkai/internal/attrs"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// attrsWorld is the demo with its disclosure attributes: 海珠区's July
// review of 2026 in progress and its spot check of 2026, on 3 December
// 2026.
type attrsWorld struct {
	*env
	review attrs.Review
	check  attrs.SpotCheck
	items  map[string]attrs.ReviewItem // by 索引号
	spot   map[string][]attrs.SpotItem // by unit code
}

func newAttrsWorld(t *testing.T, d *db.DB) *attrsWorld {
	t.Helper()
	e := newEnv(t, d)
	ctx := context.Background()
	if _, err := app.LoadDemoAttributes(ctx, d); err != nil {
		t.Fatal(err)
	}
	d.SetClock(func() time.Time { return time.Date(2026, 12, 3, 9, 0, 0, 0, calendar.China) })
	w := &attrsWorld{env: e}
	w.reload(t)
	return w
}

// reload reads the review and the check again.
func (w *attrsWorld) reload(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	hz, err := org.ByCode(ctx, w.db, "440105")
	if err != nil {
		t.Fatal(err)
	}
	office := auth.Account{Login: "haizhu-office", Role: auth.PublicOfficeDistrict, Unit: hz}
	rvs, err := attrs.Reviews(ctx, w.db, office)
	checks, err2 := attrs.SpotChecks(ctx, w.db, office)
	if err != nil || err2 != nil || len(rvs) != 1 || len(checks) != 1 {
		t.Fatalf("demo: %d reviews %v, %d checks %v", len(rvs), err, len(checks), err2)
	}
	w.review, w.check = rvs[0], checks[0]
	items, err := attrs.ReviewItems(ctx, w.db, w.review, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.items = map[string]attrs.ReviewItem{}
	for _, it := range items {
		w.items[it.Doc.IndexNo] = it
	}
	drawn, err := attrs.SpotItems(ctx, w.db, w.check, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.spot = map[string][]attrs.SpotItem{}
	for _, it := range drawn {
		w.spot[it.Unit.Code] = append(w.spot[it.Unit.Code], it)
	}
}

func (w *attrsWorld) reviewPage() string {
	return "/admin/attributes/review/" + strconv.FormatInt(w.review.ID, 10)
}
func (w *attrsWorld) spotPage() string {
	return "/admin/attributes/spot/" + strconv.FormatInt(w.check.ID, 10)
}
func (w *attrsWorld) itemPage(index string) string {
	return w.reviewPage() + "/" + strconv.FormatInt(w.items[index].ID, 10)
}
func (w *attrsWorld) spotItemPage(it attrs.SpotItem) string {
	return w.spotPage() + "/" + strconv.FormatInt(it.ID, 10)
}

// The demo documents of the review.
const (
	cgPlan    = "440105-001/2024-00034" // 老旧小区改造工作方案, proposed: disclose
	cgRequest = "440105-001/2024-00031" // 请示, proposed: keep
	cgFlood   = "440105-001/2024-00036" // 防汛工作预案, published, 失效, proposed: mark invalid
	cgList    = "440105-001/2024-00041" // 网格员名单, pending
	xgReport  = "440105-002/2024-00022" // confirmed: keep
	xgList    = "440105-002/2024-00025" // pending
	mzRequest = "440105-d01/2024-00008" // pending
)

// The review from end to end in the console: bad proposals keep what was
// typed, the office confirms and returns, the outcome is published on the
// portal in both languages, and a document disclosed is published.
func TestAttributeReviewInTheConsole(t *testing.T) {
	w := newAttrsWorld(t, dbtest.SQLite(t))
	office, editor := w.asDemo(auth.PublicOfficeDistrict), w.asDemo(auth.UnitEditor)

	body := office.get("/admin/attributes").Body
	if got := text(t, body, "#reviews tbody a"); got != "2026年公开属性评估调整" {
		t.Errorf("the office's reviews: %q", got)
	}
	if text(t, body, "#spot-checks tbody a") != "2026年文件公开属性抽查" || attr(t, body, "#review_year", "value") != "2026" {
		t.Errorf("the office's page: %s", excerpt(body, "main"))
	}
	// It is December: the review's form says July is the month.
	if text(t, body, "#review-month-warning") == "" {
		t.Error("no warning outside July")
	}
	body = office.get(w.reviewPage()).Body
	if got := text(t, body, "#window"); got != "成文日期2024-01-01至2024-12-31" {
		t.Errorf("window %q", got)
	}
	if n := len(find(t, body, "#items tbody tr")); n != 7 {
		t.Errorf("the office sees %d documents, want 7", n)
	}
	// 赤岗's editor sees 赤岗's four only.
	body = editor.get(w.reviewPage()).Body
	if n := len(find(t, body, "#items tbody tr")); n != 4 || strings.Contains(body, "新港街道关于办公用房调配的报告") {
		t.Errorf("赤岗's editor sees %d documents", n)
	}

	// A proposal to disclose without the leader's approval: refused,
	// naming the fields, what was typed kept.
	bad := url.Values{"do": {"propose"}, "proposal": {"active"}, "approver": {""}, "approved_on": {"2026-12-09"}, "note": {"拟主动公开"}}
	res := editor.postForm(w.itemPage(cgList), bad)
	if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#approver-error") == "" || text(t, res.Body, "#approved_on-error") == "" {
		t.Errorf("bad proposal: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	if attr(t, res.Body, "input[name=proposal][value=active]", "checked") == "" && !strings.Contains(res.Body, `value="active" checked`) ||
		attr(t, res.Body, "#approved_on", "value") != "2026-12-09" || text(t, res.Body, "#note") != "拟主动公开" {
		t.Errorf("the form lost what was typed")
	}
	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"do": {"propose"}}, "proposal"},
		{url.Values{"do": {"propose"}, "proposal": {"invalid"}, "invalid_date": {"2024-13-01"}}, "invalid_date"},
		{url.Values{"do": {"propose"}, "proposal": {"invalid"}, "invalid_date": {"2024-01-01"}}, "invalid_date"},
		{url.Values{"do": {"propose"}, "proposal": {"keep"}, "note": {strings.Repeat("长", 1001)}}, "note"},
	} {
		res := editor.postForm(w.itemPage(cgList), c.form)
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#"+c.field+"-error") == "" {
			t.Errorf("%v: %d, no error on %s", c.form, res.StatusCode, c.field)
		}
	}
	if res := editor.postForm(w.itemPage(cgList), url.Values{"do": {"propose"}, "proposal": {"keep"}, "note": {"涉及个人信息"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("propose: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	if body := editor.get(w.itemPage(cgList) + "?done=propose").Body; text(t, body, "#item-state") != "待公开办确认" || text(t, body, "p.flash") != "评估意见已提交，待公开办确认。" {
		t.Errorf("state after proposing: %q, flash %q", text(t, body, "#item-state"), text(t, body, "p.flash"))
	}

	// The office confirms 赤岗's plan: disclosed, published the usual way.
	plan := w.items[cgPlan]
	if res := office.get("/zwgk/info/" + strconv.FormatInt(plan.Doc.ID, 10) + "/"); res.StatusCode != http.StatusNotFound {
		t.Errorf("the plan is public before the review: %d", res.StatusCode)
	}
	if res := office.postForm(w.itemPage(cgPlan), url.Values{"do": {"confirm"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	r, err := info.ByIndexNo(context.Background(), w.db, cgPlan)
	if err != nil || r.Attribute != info.Active || r.Status != info.Published {
		t.Errorf("the plan after confirming: %s %s %v", r.Attribute, r.Status, err)
	}
	if res := w.client().get("/zwgk/info/" + strconv.FormatInt(r.ID, 10) + "/"); res.StatusCode != http.StatusOK {
		t.Errorf("the plan is not on the portal: %d", res.StatusCode)
	}
	// Returning needs a reason; with one, the unit proposes again.
	if res := office.postForm(w.itemPage(cgRequest), url.Values{"do": {"return"}, "return_note": {" "}}); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#return_note-error") == "" {
		t.Errorf("return without a reason: %d", res.StatusCode)
	}
	if res := office.postForm(w.itemPage(cgRequest), url.Values{"do": {"return"}, "return_note": {"请补充法律依据"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", res.StatusCode)
	}
	if body := editor.get(w.itemPage(cgRequest)).Body; text(t, body, "#return-note") != "请补充法律依据" {
		t.Errorf("the unit does not see why: %s", excerpt(body, "main"))
	}
	if res := editor.postForm(w.itemPage(cgRequest), url.Values{"do": {"propose"}, "proposal": {"keep"}, "note": {"属于过程性信息（条例第十六条第二款）"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("propose again: %d", res.StatusCode)
	}
	// Publishing before every document is confirmed is refused.
	res = office.postForm(w.reviewPage(), url.Values{"do": {"publish"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(text(t, res.Body, ".error-box"), "还有5件") {
		t.Errorf("early publish: %d %q", res.StatusCode, text(t, res.Body, ".error-box"))
	}
	// The demo has no logins for 新港 nor 民政局: their staff's proposals
	// are made in the store.
	w.proposeAs(t, "440105-002", xgList, attrs.ProposalInput{Proposal: attrs.Keep, Note: "涉及个人隐私"})
	w.proposeAs(t, "440105-d01", mzRequest, attrs.ProposalInput{Proposal: attrs.Keep, Note: "过程性信息"})
	for _, idx := range []string{cgRequest, cgFlood, cgList, xgList, mzRequest} {
		if res := office.postForm(w.itemPage(idx), url.Values{"do": {"confirm"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm %s: %d %s", idx, res.StatusCode, excerpt(res.Body, "error-box"))
		}
	}
	if res := office.postForm(w.reviewPage(), url.Values{"do": {"publish"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}

	// The portal: 赤岗's outcome, with the plan disclosed and the flood
	// plan marked, the withheld documents counted only.
	visitor := w.client()
	page := visitor.get("/zwgk/gksxsc/440105-001/2026/")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("outcome page: %d", page.StatusCode)
	}
	counts := map[string]string{}
	for _, tr := range find(t, page.Body, "#counts tr") {
		counts[nodeText(tr.FirstChild)] = nodeText(tr.LastChild)
	}
	if counts["评估文件数"] != "4" || counts["维持原公开属性"] != "2" || counts["调整为主动公开"] != "1" || counts["标注失效"] != "1" {
		t.Errorf("counts %v", counts)
	}
	if href := attr(t, page.Body, "#disclosed a", "href"); href != "/zwgk/info/"+strconv.FormatInt(r.ID, 10)+"/" {
		t.Errorf("the disclosed plan links %q", href)
	}
	if got := text(t, page.Body, "#marked a"); got != "赤岗街道2024年防汛工作预案" || !strings.Contains(text(t, page.Body, "#marked"), "2025-05-12起失效") {
		t.Errorf("marked: %q", text(t, page.Body, "#marked"))
	}
	for _, secret := range []string{"请示", "网格员"} {
		if strings.Contains(page.Body, secret) {
			t.Errorf("the outcome shows the title of a withheld document (%s)", secret)
		}
	}
	if body := visitor.get("/zwgk/gksxsc/").Body; !strings.Contains(body, `href="/zwgk/gksxsc/440105-001/2026/"`) {
		t.Errorf("the index does not link 赤岗's outcome")
	}
	for _, p := range []string{"/zwgk/gksxsc/440104-001/2026/", "/zwgk/gksxsc/440105-001/2025/", "/zwgk/gksxsc/nowhere/2026/", "/zwgk/gksxsc/440105-001/MMXXVI/"} {
		if res := visitor.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	en := englishPages(t)
	en.show(visitor, "outcome", "/zwgk/gksxsc/440105-001/2026/")
	en.show(visitor, "outcomes", "/zwgk/gksxsc/")
	en.show(office, "attributes", "/admin/attributes")
	en.show(office, "review", w.reviewPage())
	en.show(office, "review item", w.itemPage(cgPlan))
	en.show(editor, "review item of the unit", w.itemPage(cgList))
	en.show(office, "spot check", w.spotPage())
	en.show(office, "spot item", w.spotItemPage(w.spot["440105-001"][0]))
	en.check()
	if h1 := text(t, en.pages["outcome"], "h1"); h1 != "Attribute review 2026 of 赤岗街道办事处" {
		t.Errorf("English title %q", h1)
	}
}

// proposeAs proposes for the document index as the staff of unit code.
func (w *attrsWorld) proposeAs(t *testing.T, code, index string, in attrs.ProposalInput) {
	t.Helper()
	ctx := context.Background()
	err := w.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.ByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		_, err = attrs.Propose(ctx, tx, auth.Account{Login: "test", Role: auth.UnitEditor, Unit: u}, w.review, w.items[index], in)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The spot check in the console: the office's answers with bad input,
// the results by unit, and the workbook.
func TestSpotCheckInTheConsole(t *testing.T) {
	w := newAttrsWorld(t, dbtest.SQLite(t))
	office := w.asDemo(auth.PublicOfficeDistrict)
	body := office.get(w.spotPage()).Body
	if got := text(t, body, "#seed"); got != "20261008" {
		t.Errorf("seed %q", got)
	}
	if got := text(t, body, "#findings li"); !strings.Contains(got, "印发时未在文件版记处标注公开属性") {
		t.Errorf("findings %q", got)
	}
	xg := w.spot["440105-002"]
	if len(xg) != 2 {
		t.Fatalf("新港 drew %d", len(xg))
	}
	for _, c := range []struct {
		form   url.Values
		fields []string
	}{
		{url.Values{}, []string{"proposed", "marked", "correct"}},
		{url.Values{"proposed": {"yes"}, "marked": {"perhaps"}, "correct": {"yes"}}, []string{"marked"}},
		{url.Values{"proposed": {"yes"}, "marked": {"yes"}, "correct": {"no"}}, []string{"note"}},
	} {
		res := office.postForm(w.spotItemPage(xg[0]), c.form)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%v: %d", c.form, res.StatusCode)
		}
		for _, f := range c.fields {
			if text(t, res.Body, "#"+f+"-error") == "" {
				t.Errorf("%v: no error on %s", c.form, f)
			}
		}
	}
	res := office.postForm(w.spotItemPage(xg[0]), url.Values{"proposed": {"yes"}, "marked": {"yes"}, "correct": {"no"}, "note": {"应为主动公开"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("record: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	// Closing with documents unchecked is refused.
	if res := office.postForm(w.spotPage(), url.Values{"do": {"close"}}); res.StatusCode != http.StatusBadRequest || !strings.Contains(text(t, res.Body, ".error-box"), "未检查") {
		t.Errorf("early close: %d", res.StatusCode)
	}
	body = office.get(w.spotPage()).Body
	rows := map[string][]string{}
	for _, tr := range find(t, body, "#results tbody tr") {
		var cells []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				cells = append(cells, nodeText(c))
			}
		}
		rows[cells[0]] = cells[1:]
	}
	if got := strings.Join(rows["新港街道办事处"], "|"); got != "2|1|1件（100%）|1件（100%）|0件（0%）|1" {
		t.Errorf("新港's results %q", got)
	}
	if got := strings.Join(rows["赤岗街道办事处"], "|"); got != "2|2|2件（100%）|1件（50%）|2件（100%）|1" {
		t.Errorf("赤岗's results %q", got)
	}
	res = office.get(w.spotPage() + "/results.xlsx")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	x, err := excelize.OpenReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	if all, _ := x.GetRows("抽查明细"); len(all) != 6 {
		t.Errorf("the workbook has %d detail rows, want 5 and a header", len(all))
	}
	// 赤岗's editor reads its own results, and downloads only its own.
	editor := w.asDemo(auth.UnitEditor)
	body = editor.get(w.spotPage()).Body
	if n := len(find(t, body, "#items tbody tr")); n != 2 || strings.Contains(body, "新港") {
		t.Errorf("赤岗's editor sees %d documents", n)
	}
	if len(find(t, body, `button[value=close]`)) != 0 {
		t.Error("赤岗's editor is offered to close the check")
	}
	res = editor.get(w.spotPage() + "/results.xlsx")
	if x, err := excelize.OpenReader(strings.NewReader(res.Body)); err != nil {
		t.Error(err)
	} else if all, _ := x.GetRows("抽查明细"); len(all) != 3 {
		t.Errorf("赤岗's workbook has %d detail rows", len(all))
	}
}

// Opening a check or a review with bad input: the office's page again,
// each error next to its field, what was typed kept.
func TestOpeningWithBadInput(t *testing.T) {
	w := newAttrsWorld(t, dbtest.SQLite(t))
	city := w.asDemo(auth.PublicOfficeCity)
	res := city.postForm("/admin/attributes/spot", url.Values{"year": {"2099"}, "sample_size": {"0"}, "seed": {"-3"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("spot: %d", res.StatusCode)
	}
	for _, f := range []string{"year", "sample_size", "seed"} {
		if text(t, res.Body, "#"+f+"-error") == "" {
			t.Errorf("no error on %s", f)
		}
	}
	if attr(t, res.Body, "#year", "value") != "2099" || attr(t, res.Body, "#seed", "value") != "-3" {
		t.Error("the spot form lost what was typed")
	}
	res = city.postForm("/admin/attributes/review", url.Values{"review_year": {"明年"}})
	if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#review_year-error") == "" || attr(t, res.Body, "#review_year", "value") != "明年" {
		t.Errorf("review: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	// A second review or check of 2026 by 海珠区: a conflict, said.
	office := w.asDemo(auth.PublicOfficeDistrict)
	for path, form := range map[string]url.Values{"/admin/attributes/review": {"review_year": {"2026"}}, "/admin/attributes/spot": {"year": {"2026"}, "sample_size": {"2"}}} {
		res := office.postForm(path, form)
		if res.StatusCode != http.StatusConflict || !strings.Contains(text(t, res.Body, ".error-box"), "2026") {
			t.Errorf("%s again: %d %q", path, res.StatusCode, text(t, res.Body, ".error-box"))
		}
	}
	// The city opens its own review of 2025 (the documents of 2023).
	res = city.postForm("/admin/attributes/review", url.Values{"review_year": {"2025"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/attributes/review/") {
		t.Fatalf("city review: %d %s", res.StatusCode, excerpt(res.Body, "error-box"))
	}
	if body := city.get(res.Header.Get("Location")).Body; text(t, body, "#window") != "成文日期2023-01-01至2023-12-31" {
		t.Errorf("the city's window %q", text(t, body, "#window"))
	}
}

// The API gives a unit's documents under review with their proposals and
// states, to a session or a token of the unit; bad input is a 400 naming
// the field.
func TestAttributeReviewAPI(t *testing.T) {
	w := newAttrsWorld(t, dbtest.SQLite(t))
	editor := w.asDemo(auth.UnitEditor)
	res := editor.get("/api/v1/admin/attributes/review?unit=440105-001&year=2026")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", res.StatusCode, res.Body)
	}
	var got struct {
		Unit      struct{ Code, Name string }
		Year      int
		Window    struct{ From, To string }
		Documents []struct {
			IndexNo     string `json:"index_no"`
			Title       string
			WrittenDate string `json:"written_date"`
			Attribute   string
			Kind        string
			Proposal    string
			State       string
		}
	}
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, d := range got.Documents {
		lines = append(lines, d.IndexNo+" "+d.WrittenDate+" "+d.Attribute+" "+d.Kind+" "+d.Proposal+" "+d.State)
	}
	want := "440105-001/2024-00031 2024-03-12 withheld restricted keep proposed\n" +
		"440105-001/2024-00034 2024-04-08 on_request restricted active proposed\n" +
		"440105-001/2024-00036 2024-05-10 active invalid invalid proposed\n" +
		"440105-001/2024-00041 2024-06-20 on_request restricted  pending"
	if strings.Join(lines, "\n") != want || got.Window.From != "2024-01-01" || got.Unit.Code != "440105-001" || got.Year != 2026 {
		t.Errorf("got %+v\n%s", got, strings.Join(lines, "\n"))
	}
	for _, c := range []struct {
		query, field string
	}{{"year=2026", "unit"}, {"unit=nowhere&year=2026", "unit"}, {"unit=440105-001", "year"}, {"unit=440105-001&year=2099", "year"}, {"unit=440105-001&year=abc", "year"}} {
		res := editor.get("/api/v1/admin/attributes/review?" + c.query)
		if res.StatusCode != http.StatusBadRequest || jsonErrCode(t, res) != "invalid" || !strings.Contains(res.Body, `"`+c.field+`"`) {
			t.Errorf("%s: %d %s", c.query, res.StatusCode, res.Body)
		}
	}
	for _, c := range []struct {
		who  *client
		unit string
	}{{editor, "440105-002"}, {editor, "440105"}, {w.asDemo(auth.DomainSupervisor), "440105-001"}, {w.asDemo(auth.Admin), "440105-001"}} {
		if res := c.who.get("/api/v1/admin/attributes/review?unit=" + c.unit + "&year=2026"); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", c.unit, res.StatusCode)
		}
	}
	if res := w.client().get("/api/v1/admin/attributes/review?unit=440105-001&year=2026"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("no session: %d", res.StatusCode)
	}
	// A token of 赤岗 reads 赤岗's; one of 新港 does not.
	ctx := context.Background()
	token := func(code string) string {
		var secret string
		err := w.db.InTx(ctx, func(tx *db.Tx) (err error) {
			_, secret, err = auth.CreateToken(ctx, tx, "test", nil, auth.NewToken{UnitCode: code, Name: "业务系统"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	for code, want := range map[string]int{"440105-001": http.StatusOK, "440105-002": http.StatusNotFound} {
		req, _ := http.NewRequest("GET", w.srv.URL+"/api/v1/admin/attributes/review?unit=440105-001&year=2026", nil)
		req.Header.Set("Authorization", "Bearer "+token(code))
		if res := w.client().do(req); res.StatusCode != want {
			t.Errorf("token of %s: %d, want %d", code, res.StatusCode, want)
		}
	}
	req, _ := http.NewRequest("GET", w.srv.URL+"/api/v1/admin/attributes/review?unit=440105-001&year=2026", nil)
	req.Header.Set("Authorization", "Bearer gk_nonsense")
	if res := w.client().do(req); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a bad token: %d", res.StatusCode)
	}
}

// Records not 主动公开 are kept but never shown: not their page, not a
// unit's column, its feed, search, nor the sitemaps.
func TestRecordsNotProactiveStayOffThePortal(t *testing.T) {
	w := newAttrsWorld(t, dbtest.SQLite(t))
	c := w.client()
	ctx := context.Background()
	for _, idx := range []string{cgPlan, cgRequest, cgList, xgReport} {
		r, err := info.ByIndexNo(ctx, w.db, idx)
		if err != nil || r.Attribute == info.Active {
			t.Fatalf("%s: %v %s", idx, err, r.Attribute)
		}
		id := strconv.FormatInt(r.ID, 10)
		if res := c.get("/zwgk/info/" + id + "/"); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s's page: %d", idx, res.StatusCode)
		}
		for _, p := range []string{"/zwgk/bzh/" + r.Unit.Code + "/info/", "/zwgk/bzh/" + r.Unit.Code + "/fdzdgknr/", "/feeds/" + r.Unit.Code + ".atom",
			"/search?q=" + url.QueryEscape(r.Title), "/api/v1/search?q=" + url.QueryEscape(r.Title), "/sitemap-info-1.xml"} {
			res := c.get(p)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
			// A search page says what was looked for: it must find nothing.
			shown := strings.Contains(res.Body, "/zwgk/info/"+id+"/") || (!strings.Contains(p, "search") && strings.Contains(res.Body, r.Title))
			if strings.Contains(p, "api/v1/search") {
				var hits struct{ Total int }
				json.Unmarshal([]byte(res.Body), &hits)
				shown = shown || hits.Total != 0
			}
			if shown {
				t.Errorf("%s shows %s (%s)", p, idx, r.Title)
			}
		}
	}
	// The published ones of the same import are there: the pages looked
	// at would show them.
	r, _ := info.ByIndexNo(ctx, w.db, "440105-002/2026-00011")
	for _, p := range []string{"/zwgk/bzh/440105-002/info/", "/feeds/440105-002.atom", "/search?q=" + url.QueryEscape(r.Title), "/sitemap-info-1.xml"} {
		if body := c.get(p).Body; !strings.Contains(body, "/zwgk/info/"+strconv.FormatInt(r.ID, 10)+"/") {
			t.Errorf("%s does not show a published record", p)
		}
	}
}
