package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/readertest"
)

// Feed readers read every feed — a unit's, a unit's domain, one catalog
// item's — as well formed (feedparser's bozo flag stays down), with the
// page each feed and each entry stands for and an author on every entry.
func TestFeedsReadByFeedparser(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.client()
	for path, page := range map[string]string{
		"/feeds/440105-001.atom":      "/zwgk/bzh/440105-001/",
		"/feeds/440105-001/21.atom":   "/zwgk/bzh/440105-001/21/",
		"/feeds/440105-001/21/1.atom": "/zwgk/bzh/440105-001/21/",
	} {
		res := c.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		f := readertest.ParseFeed(t, []byte(res.Body))
		if f.Bozo || f.Version != "atom10" {
			t.Errorf("%s: feedparser reads %q, malformed %v: %s", path, f.Version, f.Bozo, f.BozoException)
		}
		if got := readertest.Alternate(f.Links); got != e.srv.URL+page {
			t.Errorf("%s: the feed's page is %q, want %s", path, got, page)
		}
		if f.Title == "" || f.Author != "赤岗街道办事处" {
			t.Errorf("%s: title %q, author %q", path, f.Title, f.Author)
		}
		if len(f.Entries) == 0 {
			t.Errorf("%s: no entries", path)
		}
		for _, en := range f.Entries {
			if en.Author == "" || en.Title == "" || en.Updated == "" || !strings.HasPrefix(readertest.Alternate(en.Links), e.srv.URL+"/zwgk/info/") {
				t.Errorf("%s: entry %s: author %q, title %q, updated %q, links %v", path, en.ID, en.Author, en.Title, en.Updated, en.Links)
			}
		}
	}
}

// headerRow is the 0-based row a sheet repeats on every printed page: its
// header, which pandas is to read the column names from.
func headerRow(t *testing.T, s readertest.Sheet) int {
	t.Helper()
	first, _, ok := strings.Cut(strings.TrimPrefix(s.PrintTitleRows, "$"), ":")
	n, err := strconv.Atoi(first)
	if !ok || err != nil {
		t.Fatalf("sheet %s repeats no header row (%q)", s.Name, s.PrintTitleRows)
	}
	return n - 1
}

// pandas reads every workbook gongkai writes: a table's column names come
// from its header row — the row it repeats on each printed page — with no
// unnamed column, and counts and scores are numbers.
func TestWorkbooksReadByPandas(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	city := e.asDemo(auth.PublicOfficeCity)
	res := city.postForm("/admin/inspect", url.Values{"scope": {"440105"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("inspection: %d", res.StatusCode)
	}
	type table struct {
		sheet   string
		columns []string
		numbers []string // columns whose values are all numbers
	}
	for _, wb := range []struct {
		path   string
		as     *client
		tables []table
	}{
		{"/zwgk/bzh/440105/hb.xlsx", e.client(), []table{{"目录汇编",
			[]string{"单位", "领域", "序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象", "公开方式", "公开层级"},
			[]string{"序号"}}}},
		{"/admin/domain.xlsx", e.asDemo(auth.DomainSupervisor), []table{{"目录覆盖情况",
			[]string{"区", "单位名称", "单位代码", "状态", "版本", "事项数", "时限待确认", "等次", "评价意见"},
			[]string{"版本", "事项数", "时限待确认"}}}},
		{res.Header.Get("Location") + "/results.xlsx", city, []table{
			{"得分", []string{"单位代码", "单位名称", "得分", "结论", "单项否决", "问题数"}, []string{"得分", "问题数"}},
			{"问题清单", []string{"单位代码", "单位名称", "规则", "对象", "应当", "实际", "扣分", "状态", "单位答复"}, []string{"扣分"}}}},
	} {
		got := wb.as.get(wb.path)
		if got.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", wb.path, got.StatusCode)
		}
		book := readertest.MustOpenXLSX(t, []byte(got.Body))
		var reads []readertest.Read
		for _, tb := range wb.tables {
			reads = append(reads, readertest.Read{Sheet: tb.sheet, Header: headerRow(t, book.Sheet(t, tb.sheet))})
		}
		for i, f := range readertest.ReadExcel(t, []byte(got.Body), reads...) {
			tb := wb.tables[i]
			if f.Error != "" || !slices.Equal(f.Columns, tb.columns) {
				t.Errorf("%s %s: pandas reads columns %q (%s), want %q", wb.path, tb.sheet, f.Columns, f.Error, tb.columns)
				continue
			}
			if len(f.Rows) == 0 {
				t.Errorf("%s %s: no rows", wb.path, tb.sheet)
			}
			for _, c := range tb.numbers {
				if k := f.Kind(c); k != "i" && k != "f" {
					t.Errorf("%s %s: column %s is of kind %q, not numbers", wb.path, tb.sheet, c, k)
				}
			}
		}
	}

	// The annual report is a document of tables under titles: its first
	// table's header is the fourth row of its sheet, and its figures are
	// numbers.
	res = e.asDemo(auth.UnitEditor).get("/admin/reports/440105-001/2025.xlsx")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("annual report: %d", res.StatusCode)
	}
	fs := readertest.ReadExcel(t, []byte(res.Body),
		readertest.Read{Sheet: "报告正文", Header: -1, NRows: 1},
		readertest.Read{Sheet: "主动公开情况", Header: 3, NRows: 2},
		readertest.Read{Sheet: "复议诉讼情况", Header: -1})
	if f := fs[0]; f.Error != "" || len(f.Rows) != 1 || f.Rows[0][0] != "赤岗街道办事处2025年政府信息公开工作年度报告" {
		t.Errorf("the report's title: %v %s", f.Rows, f.Error)
	}
	if f := fs[1]; f.Error != "" || !slices.Equal(f.Columns, []string{"信息内容", "本年制发件数", "本年废止件数", "现行有效件数"}) ||
		!slices.Equal(f.Kinds, []string{"O", "i", "i", "i"}) || len(f.Rows) != 2 || f.Rows[0][0] != "规章" {
		t.Errorf("the first table: columns %q of kinds %q, rows %v %s", f.Columns, f.Kinds, f.Rows, f.Error)
	}
	if f := fs[2]; f.Error != "" || len(f.Rows) == 0 {
		t.Errorf("appeals: %s", f.Error)
	} else if last := f.Rows[len(f.Rows)-1]; len(last) != 15 || slices.ContainsFunc(last, func(v any) bool { _, ok := v.(float64); return !ok }) {
		t.Errorf("the appeals figures are not all numbers: %v", last)
	}
}

// pandoc converts the reply notice an applicant downloads to text that
// says what the notice says.
func TestReplyNoticeReadByPandoc(t *testing.T) {
	d := dbtest.SQLite(t)
	e := newEnv(t, d)
	// Monday 23 November 2026.
	d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
	res := e.client().postForm("/ysqgk/sq/", applyForm())
	if res.StatusCode != http.StatusOK || text(t, res.Body, "#tracking-no") == "" {
		t.Fatalf("apply: %d", res.StatusCode)
	}
	editor := e.asDemo(auth.UnitEditor)
	app := attr(t, editor.get("/admin/foi").Body, "td a[href^='/admin/foi/']", "href")
	if res := editor.postForm(app+"/confirm", url.Values{"day": {"2026-11-23"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", res.StatusCode, excerpt(res.Body, "error"))
	}
	if res := editor.postForm(app+"/reply", url.Values{"result": {"granted"}, "text": {"发放名单见附件。"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", res.StatusCode, excerpt(res.Body, "error"))
	}
	res = editor.get(app + "/notice.docx")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("notice.docx: %d", res.StatusCode)
	}
	doc := readertest.DocxText(t, []byte(res.Body))
	for _, want := range []string{"政府信息公开申请答复告知书", "申请编号：YSQ", "李明：", "本机关予以公开。发放名单见附件。", "赤岗街道办事处"} {
		if !strings.Contains(doc, want) {
			t.Errorf("pandoc's text lacks %q:\n%s", want, doc)
		}
	}
}
