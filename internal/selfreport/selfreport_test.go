package selfreport_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/figures/figurestest"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/readertest"
	"gongkai/internal/selfreport"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

func sources(w *figurestest.World) selfreport.Sources {
	return selfreport.Builtin(func() *calendar.Calendar { return w.Cal })
}

func generate(t *testing.T, w *figurestest.World, u org.Unit) selfreport.Report {
	t.Helper()
	r, err := selfreport.Generate(context.Background(), w.D, sources(w), u, 2026)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// jsonOf round-trips figures through JSON, as the report's JSON gives them.
func jsonOf(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReportFromTheYear writes 赤岗街道's 2026 report from the known year:
// the JSON has exactly the keys asked for, the sections in order, each
// section's figures those of package figures, the unconnected sections
// empty with their note, and the problems those the figures show.
func TestReportFromTheYear(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := figurestest.New(t, d)
		w.Year2026()
		r := generate(t, w, w.Chigang)
		var buf bytes.Buffer
		if err := selfreport.WriteJSON(&buf, r); err != nil {
			t.Fatal(err)
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(buf.Bytes(), &top); err != nil {
			t.Fatal(err)
		}
		if got := slices.Sorted(mapsKeys(top)); !slices.Equal(got, []string{"sections", "unit", "year"}) {
			t.Fatalf("top-level keys %v", got)
		}
		var doc struct {
			Unit     string
			Year     int
			Sections []map[string]json.RawMessage
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Unit != "440105-001" || doc.Year != 2026 {
			t.Errorf("unit %q year %d", doc.Unit, doc.Year)
		}
		var keys []string
		for _, s := range doc.Sections {
			if got := slices.Sorted(mapsKeys(s)); !slices.Equal(got, []string{"figures", "key", "text", "title"}) {
				t.Errorf("section keys %v", got)
			}
			var k string
			json.Unmarshal(s["key"], &k)
			keys = append(keys, k)
		}
		want := []string{"catalogs", "information", "attributes", "participation", "interpretation", "opinion", "push", "training", "applications", "inspection", "problems"}
		if !slices.Equal(keys, want) {
			t.Errorf("sections %v, want %v", keys, want)
		}

		figs := func(key string) map[string]any {
			s, _ := r.Section(key)
			return jsonOf(t, s.Figures).(map[string]any)
		}
		wantCat := figurestest.Want.Catalogs.Map()
		wantCat["domains"] = []string{"养老服务"}
		if diff := cmp.Diff(jsonOf(t, wantCat), figs("catalogs")); diff != "" {
			t.Errorf("catalog figures (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(jsonOf(t, figurestest.Want.Applications.Map()), figs("applications")); diff != "" {
			t.Errorf("application figures (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(jsonOf(t, figurestest.Want.Push.Map()), figs("push")); diff != "" {
			t.Errorf("push figures (-want +got):\n%s", diff)
		}
		part := figs("participation")
		if part["messages_overdue"] != 1.0 || part["feedback_missing"] != 1.0 || part["comments"] != 3.0 {
			t.Errorf("participation figures %v", part)
		}
		insp := figs("inspection")
		if insp["tasks_overdue"] != 1.0 || insp["tasks_late"] != 1.0 || insp["runs"] != 3.0 {
			t.Errorf("inspection figures %v", insp)
		}
		cat, _ := r.Section("catalogs")
		for _, part := range []string{"已发布1个（养老服务领域），共5个事项", "已挂载政府信息的事项4个，信息加载率80.0%", "尚有1个事项未挂载信息"} {
			if !strings.Contains(cat.Text, part) {
				t.Errorf("the catalogs text %q does not say %q", cat.Text, part)
			}
		}
		apps, _ := r.Section("applications")
		if !strings.Contains(apps.Text, "新收政府信息公开申请3件，上年结转1件；办结3件，其中按期答复2件、逾期答复1件") {
			t.Errorf("applications text: %s", apps.Text)
		}
		for _, k := range []string{"attributes", "interpretation", "opinion", "training"} {
			s, _ := r.Section(k)
			if len(s.Figures) != 0 || s.Connected || s.Text != i18n.T(i18n.Zh, "selfreport.not_connected") {
				t.Errorf("%s without a source: %+v", k, s)
			}
		}
		prob := figs("problems")
		kinds := prob["kinds"].([]any)
		for _, k := range []string{"items_unloaded", "applications_late", "appeals_lost", "messages_late", "feedback_missing", "push_failed", "tasks_overdue", "tasks_late", "failing_rules"} {
			if !slices.Contains(kinds, any(k)) {
				t.Errorf("problems miss %s: %v", k, kinds)
			}
		}
		if int(prob["problems"].(float64)) != len(kinds) {
			t.Errorf("problems %v for %d kinds", prob["problems"], len(kinds))
		}
		p, _ := r.Section("problems")
		if !strings.Contains(p.Text, "1个目录事项尚未挂载政府信息") || !strings.Contains(p.Text, "（一）") {
			t.Errorf("problems text: %s", p.Text)
		}
	})
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// A source registered for a section fills it: the wiring of a capability
// built apart is one entry.
func TestRegisteredSourceFillsItsSection(t *testing.T) {
	d := dbtest.SQLite(t)
	w := figurestest.New(t, d)
	srcs := sources(w)
	srcs[selfreport.Training] = func(ctx context.Context, q db.Querier, u org.Unit, year int) (map[string]any, string, error) {
		return map[string]any{"sessions": 2}, "本年度组织培训2次。", nil
	}
	r, err := selfreport.Generate(context.Background(), d, srcs, w.Chigang, 2025)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := r.Section(selfreport.Training)
	if !s.Connected || s.Text != "本年度组织培训2次。" || s.Figures["sessions"] != 2 {
		t.Errorf("training: %+v", s)
	}
	// A figure without a label shows its key.
	if fs := selfreport.FigureList(i18n.En, s); len(fs) != 1 || fs[0].Label != "sessions" || fs[0].Value != "2" {
		t.Errorf("figures %+v", fs)
	}
}

// TestWorkflow: texts edited are kept while figures follow the data; a
// reviewer submits, which freezes the report; only 海珠区's office decides;
// a returned report is the unit's again.
func TestWorkflow(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := figurestest.New(t, d)
		w.Year2026()
		ctx := context.Background()
		srcs := sources(w)
		w.At("2026-12-20")
		cg := w.Chigang
		edited := "本单位已发布养老服务领域目录，并按要求挂载信息。"
		err := d.InTx(ctx, func(tx *db.Tx) error {
			r, err := selfreport.Generate(ctx, tx, srcs, cg, 2026)
			if err != nil {
				return err
			}
			info, _ := r.Section(selfreport.Information)
			// The information text left as written keeps following the figures.
			return selfreport.SaveTexts(ctx, tx, w.Editor, srcs, cg, 2026, map[string]string{"catalogs": edited + "\r\n", "information": info.Text})
		})
		if err != nil {
			t.Fatal(err)
		}
		r := generate(t, w, cg)
		if r.Status.State != selfreport.Draft {
			t.Errorf("state %q after saving", r.Status.State)
		}
		if s, _ := r.Section("catalogs"); s.Text != edited || !s.Edited {
			t.Errorf("catalogs text %q edited %v", s.Text, s.Edited)
		}
		// New data: a record published on 21 December changes the figures
		// and the text not edited, and leaves the edited one.
		w.At("2026-12-21")
		w.Record("2026-12-21", "R8 紧急救援电话公布", "紧急救援", "")
		r = generate(t, w, cg)
		info, _ := r.Section("information")
		cat, _ := r.Section("catalogs")
		if info.Figures["published"] != 6 || !strings.Contains(info.Text, "主动公开政府信息6条") || info.Edited {
			t.Errorf("information after a new record: %v %q", info.Figures["published"], info.Text)
		}
		if cat.Figures["items_loaded"] != 5 || cat.Text != edited {
			t.Errorf("catalogs after a new record: %v %q", cat.Figures["items_loaded"], cat.Text)
		}

		try := func(what string, kind errs.Kind, fn func(tx *db.Tx) error) {
			t.Helper()
			if err := d.InTx(ctx, fn); errs.KindOf(err) != kind {
				t.Errorf("%s: %v, want %v", what, err, kind)
			}
		}
		try("an editor submits", errs.Forbidden, func(tx *db.Tx) error {
			_, err := selfreport.Submit(ctx, tx, w.Editor, srcs, cg, 2026)
			return err
		})
		try("新港's reviewer edits 赤岗's", errs.Forbidden, func(tx *db.Tx) error {
			return selfreport.SaveTexts(ctx, tx, w.XgReviewer, srcs, cg, 2026, map[string]string{"catalogs": "越界"})
		})
		try("the district office edits a street's", errs.Forbidden, func(tx *db.Tx) error {
			return selfreport.SaveTexts(ctx, tx, w.Office, srcs, cg, 2026, map[string]string{"catalogs": "越界"})
		})
		try("accepting a draft", errs.Conflict, func(tx *db.Tx) error { return selfreport.Accept(ctx, tx, w.Office, cg, 2026) })
		w.At("2027-01-06") // a day late
		try("the reviewer submits", errs.Kind(0), func(tx *db.Tx) error {
			_, err := selfreport.Submit(ctx, tx, w.Reviewer, srcs, cg, 2026)
			return err
		})
		submitted := generate(t, w, cg)
		if submitted.Status.State != selfreport.Submitted || !submitted.Late() || submitted.Overdue(calendar.Date{Year: 2027, Month: 1, Day: 6}) {
			t.Errorf("submitted: %+v late %v", submitted.Status, submitted.Late())
		}
		// What was submitted stays as it was.
		w.Record("2027-01-06", "R9 补充公开", "", "")
		if again := generate(t, w, cg); !cmp.Equal(again.Sections, submitted.Sections) {
			t.Error("the submitted report changed with the data")
		}
		try("editing after submitting", errs.Conflict, func(tx *db.Tx) error {
			return selfreport.SaveTexts(ctx, tx, w.Reviewer, srcs, cg, 2026, map[string]string{"catalogs": "改"})
		})
		try("the city office decides a street's", errs.Forbidden, func(tx *db.Tx) error { return selfreport.Accept(ctx, tx, w.CityOffice, cg, 2026) })
		try("a return without a reason", errs.Invalid, func(tx *db.Tx) error { return selfreport.Return(ctx, tx, w.Office, cg, 2026, "  ") })
		try("the district office returns it", errs.Kind(0), func(tx *db.Tx) error {
			return selfreport.Return(ctx, tx, w.Office, cg, 2026, "请补充意见征集反馈的整改措施")
		})
		back := generate(t, w, cg)
		if back.Status.State != selfreport.Returned || back.Status.ReturnReason != "请补充意见征集反馈的整改措施" {
			t.Errorf("returned: %+v", back.Status)
		}
		if info, _ := back.Section("information"); info.Figures["published"] != 6 {
			t.Errorf("a returned report follows the figures again: %v", info.Figures["published"])
		}
		if cat, _ := back.Section("catalogs"); cat.Text != edited {
			t.Errorf("a returned report lost its text: %q", cat.Text)
		}
		try("resubmitting", errs.Kind(0), func(tx *db.Tx) error {
			_, err := selfreport.Submit(ctx, tx, w.Reviewer, srcs, cg, 2026)
			return err
		})
		try("accepting", errs.Kind(0), func(tx *db.Tx) error { return selfreport.Accept(ctx, tx, w.Office, cg, 2026) })
		if st := generate(t, w, cg).Status; st.State != selfreport.Accepted || st.DecidedBy != "hz-office" {
			t.Errorf("accepted: %+v", st)
		}
		// Every change is in the audit log, the refused ones not.
		var actions []string
		rows0, err := d.Query(ctx, `SELECT action FROM audit_events WHERE action LIKE 'selfreport.%' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows0.Next() {
			var a string
			rows0.Scan(&a)
			actions = append(actions, a)
		}
		rows0.Close()
		if want := []string{"selfreport.save", "selfreport.submit", "selfreport.returned", "selfreport.submit", "selfreport.accepted"}; !slices.Equal(actions, want) {
			t.Errorf("audit %v, want %v", actions, want)
		}

		// The list of 海珠区 on 6 January 2027: 赤岗 accepted (late), 新港 overdue.
		rows, err := selfreport.List(ctx, d, w.Haizhu, 2026, calendar.Date{Year: 2027, Month: 1, Day: 6})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, row := range rows {
			got[row.Unit.Code] = string(row.State) + map[bool]string{true: " overdue"}[row.Overdue] + map[bool]string{true: " late"}[row.Late]
		}
		if diff := cmp.Diff(map[string]string{"440105": " overdue", "440105-001": "accepted late", "440105-002": " overdue"}, got); diff != "" {
			t.Errorf("list (-want +got):\n%s", diff)
		}
	})
}

// Bad input is refused with the field it concerns, and nothing is written.
func TestBadInput(t *testing.T) {
	d := dbtest.SQLite(t)
	w := figurestest.New(t, d)
	ctx := context.Background()
	srcs := sources(w)
	w.At("2026-12-20")
	err := d.InTx(ctx, func(tx *db.Tx) error {
		return selfreport.SaveTexts(ctx, tx, w.Editor, srcs, w.Chigang, 2026, map[string]string{"catalogs": strings.Repeat("长", selfreport.MaxText+1), "push": "可以"})
	})
	var m errs.Multi
	if !errors.As(err, &m) || len(m) != 1 || m[0].Field != "text_catalogs" {
		t.Errorf("a text too long: %v", err)
	}
	for _, year := range []int{2019, 2027} {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			return selfreport.SaveTexts(ctx, tx, w.Editor, srcs, w.Chigang, year, map[string]string{"push": "可以"})
		})
		if e := errs.As(err); e == nil || e.Field != "year" {
			t.Errorf("year %d: %v", year, err)
		}
	}
	if _, err := selfreport.Generate(ctx, d, srcs, w.Community, 2026); errs.KindOf(err) != errs.Invalid {
		t.Errorf("a community's report: %v", err)
	}
	if err := d.InTx(ctx, func(tx *db.Tx) error {
		return selfreport.ResetText(ctx, tx, w.Editor, w.Chigang, 2026, "nonsense")
	}); errs.As(err) == nil || errs.As(err).Field != "section" {
		t.Errorf("reset of an unknown section: %v", err)
	}
	var n int
	d.QueryRow(ctx, `SELECT COUNT(*) FROM self_reports`).Scan(&n)
	if n != 0 {
		t.Errorf("%d reports written by refused input", n)
	}
	var b bytes.Buffer
	if err := selfreport.Write(&b, selfreport.Report{}, "pdf", i18n.Zh); errs.As(err) == nil || errs.As(err).Field != "format" {
		t.Errorf("format pdf: %v", err)
	}
}

// The .docx opens in pandoc with the title, every section and the figures.
func TestDOCXReadBack(t *testing.T) {
	d := dbtest.SQLite(t)
	w := figurestest.New(t, d)
	w.Year2026()
	r := generate(t, w, w.Chigang)
	var b bytes.Buffer
	if err := selfreport.WriteDOCX(&b, r); err != nil {
		t.Fatal(err)
	}
	text := readertest.DocxText(t, b.Bytes())
	for _, want := range []string{"赤岗街道办事处2026年政务公开工作自查报告", "一、目录编制和信息加载情况", "十一、存在问题和下一步工作计划",
		"信息加载率：80%", "本年新收申请（件）：3", "信息加载率80.0%", "本部分的数据源尚未接入"} {
		if !strings.Contains(text, want) {
			t.Errorf("the document does not say %q", want)
		}
	}
	readertest.Validate(t, readertest.WML, readertest.ZipPart(t, b.Bytes(), "word/document.xml"))
}

// The print page in English has its headings and labels in English and
// marks the Chinese texts.
func TestHTMLInEnglish(t *testing.T) {
	d := dbtest.SQLite(t)
	w := figurestest.New(t, d)
	w.Year2026()
	r := generate(t, w, w.Chigang)
	var b bytes.Buffer
	if err := selfreport.WriteHTML(&b, r, i18n.En); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	// The policy the page is served with allows its style by its hash.
	style := page[strings.Index(page, "<style>")+len("<style>") : strings.Index(page, "</style>")]
	sum := sha256.Sum256([]byte(style))
	if !strings.Contains(selfreport.PrintCSP(), "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Errorf("the policy %q does not allow the page's style", selfreport.PrintCSP())
	}
	for _, want := range []string{`<html lang="en">`, "<h2>1. Catalogs and information loaded</h2>", "<th scope=\"row\">Share of items loaded</th><td>80%</td>",
		`<p lang="zh-CN">本单位已编制`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not hold %q", want)
		}
	}
}
