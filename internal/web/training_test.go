package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info/infotest"
)

var sessionForm = url.Values{"organiser": {"440100"}, "date": {"2026-04-16"}, "topic": {"2026年政府信息公开申请办理工作业务培训"}, "kind": {"applications"},
	"audience": {"各区、市直各部门依申请公开经办人员"}, "audience_kinds": {"district", "city_department"}, "place": {"市政府礼堂"}}

// The city office records its session on handling applications with its
// material and the units that attended; 赤岗 sees it and its own row;
// the district's export says who attended.
func TestTrainingOverHTTP(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
		city, district, editor := e.asDemo(auth.PublicOfficeCity), e.asDemo(auth.PublicOfficeDistrict), e.asDemo(auth.UnitEditor)

		// Bad input: every field named, what was typed kept.
		res := city.postForm("/admin/training", withForm(sessionForm, "date", "2026-02-30", "kind", "party", "topic", ""))
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("bad session: %d", res.StatusCode)
		}
		for _, f := range []string{"date", "kind", "topic"} {
			if text(t, res.Body, "#"+f+"-error") == "" {
				t.Errorf("no error on %s", f)
			}
		}
		if attr(t, res.Body, "input#place", "value") != "市政府礼堂" || len(find(t, res.Body, `input[name=audience_kinds][checked]`)) != 2 {
			t.Error("the typed session is lost")
		}
		if res := city.postForm("/admin/training", withForm(sessionForm, "audience_kinds", "moon")); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#audience_kinds-error") == "" {
			t.Errorf("bad audience kind: %d", res.StatusCode)
		}
		if res := editor.postForm("/admin/training", sessionForm); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#organiser-error") == "" {
			t.Errorf("a street records the city's session: %d", res.StatusCode)
		}

		res = city.postForm("/admin/training", sessionForm)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}
		page := strings.Split(res.Header.Get("Location"), "?")[0]
		// Attendance: bad input, then 海珠区 and 赤岗; recording 海珠区 again
		// replaces its number.
		res = city.postForm(page, url.Values{"do": {"attend"}, "unit": {"nowhere"}, "people": {"-1"}, "names": {"张三"}})
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#unit-error") == "" || text(t, res.Body, "#people-error") == "" ||
			text(t, res.Body, "textarea#names") != "张三" {
			t.Errorf("bad attendance: %d", res.StatusCode)
		}
		for _, a := range [][3]string{{"440105", "2", ""}, {"440105-001", "1", "李四"}, {"440105", "3", "王五、赵六、钱七"}} {
			if res := city.postForm(page, url.Values{"do": {"attend"}, "unit": {a[0]}, "people": {a[1]}, "names": {a[2]}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("attend %s: %d %s", a[0], res.StatusCode, excerpt(res.Body, "error"))
			}
		}
		if res := city.upload(page, "file", "x.exe", []byte("MZ")); res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#file-error") == "" {
			t.Errorf("bad material: %d", res.StatusCode)
		}
		if res := city.upload(page, "file", "申请办理答复规范.docx", infotest.DOCX("答复规范")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("material: %d", res.StatusCode)
		}
		body := city.get(page).Body
		if got := text(t, body, "#totals"); got != "2个单位，4人" {
			t.Errorf("totals %q", got)
		}
		if !strings.Contains(text(t, body, "dl.meta"), "市年度依申请公开办理培训") {
			t.Error("the city's session is not marked as such")
		}
		// Editing keeps what was typed on a bad date.
		edit := withForm(sessionForm, "do", "save", "form", "save", "date", "2026-04-31", "topic", "修改后的主题")
		if res := city.postForm(page, edit); res.StatusCode != http.StatusBadRequest || attr(t, res.Body, "input#topic", "value") != "修改后的主题" {
			t.Errorf("bad edit: %d", res.StatusCode)
		}
		if res := city.postForm(page, withForm(edit, "date", "2026-04-17")); res.StatusCode != http.StatusSeeOther {
			t.Errorf("edit: %d %s", res.StatusCode, excerpt(res.Body, "error"))
		}

		// 赤岗 lists it and sees its own row only.
		list := editor.get("/admin/training?year=2026").Body
		if !strings.Contains(list, "修改后的主题") || text(t, list, "#figures") == "" || !strings.Contains(text(t, list, "#figures"), "是") {
			t.Errorf("赤岗's list: %q", text(t, list, "#figures"))
		}
		if rows := find(t, editor.get(page).Body, "table#attendance tbody tr"); len(rows) != 1 {
			t.Errorf("赤岗 sees %d rows", len(rows))
		}
		if res := editor.get(page + "/files/1"); res.StatusCode != http.StatusOK {
			t.Errorf("赤岗 downloads the material: %d", res.StatusCode)
		}
		for _, q := range []string{"x", "1999", "2028"} {
			if res := editor.get("/admin/training?year=" + q); res.StatusCode != http.StatusBadRequest {
				t.Errorf("year %s: %d", q, res.StatusCode)
			}
		}
		if res := editor.get("/admin/training?year=2025"); res.StatusCode != http.StatusOK || strings.Contains(res.Body, "修改后的主题") {
			t.Errorf("2025 lists 2026's session")
		}

		// The district's export: a row per unit of 海珠区.
		res = district.get("/admin/training/attendance.csv?year=2026")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(res.Body, "\ufeff") {
			t.Fatalf("CSV: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		byCode := map[string][]string{}
		for _, r := range rows[1:] {
			byCode[r[0]] = r
		}
		if !slices.Equal(byCode["440105"], []string{"440105", "海珠区人民政府", "0", "1", "3", "是"}) ||
			!slices.Equal(byCode["440105-001"], []string{"440105-001", "赤岗街道办事处", "0", "1", "1", "是"}) ||
			!slices.Equal(byCode["440105-002"][2:], []string{"0", "0", "0", "否"}) || byCode["440104"] != nil {
			t.Errorf("CSV rows: %v %v %v", byCode["440105"], byCode["440105-001"], byCode["440105-002"])
		}
		res = district.get("/admin/training/attendance.xlsx?year=2026&lang=en")
		f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
		if err != nil {
			t.Fatalf("XLSX: %d %v", res.StatusCode, err)
		}
		defer f.Close()
		xrows, err := f.GetRows(f.GetSheetName(0))
		if err != nil || len(xrows) != len(rows)+1 || xrows[1][5] != "Attended the city's session on applications" || xrows[3][0] != "440105-001" || xrows[3][5] != "Yes" {
			t.Errorf("XLSX rows: %v %v", err, xrows[:min(4, len(xrows))])
		}

		// Removing attendance and materials.
		if res := city.postForm(page, url.Values{"do": {"unattend"}, "unit": {"440105-001"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("unattend: %d", res.StatusCode)
		}
		if res := city.postForm(page, url.Values{"do": {"unattend"}, "unit": {"440105-001"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("unattend twice: %d", res.StatusCode)
		}
		if res := editor.get(page); res.StatusCode != http.StatusNotFound {
			t.Errorf("赤岗 still sees a session it no longer attended: %d", res.StatusCode)
		}
		if res := city.postForm(page, url.Values{"do": {"detach"}, "seq": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("detach: %d", res.StatusCode)
		}
		if res := city.get(page + "/files/1"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a removed material: %d", res.StatusCode)
		}
	})
}
