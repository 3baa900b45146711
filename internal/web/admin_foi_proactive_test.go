package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/foi"
)

// proactiveGroups loads three similar imported applications to each of
// 赤岗 (海珠区), 新港 (海珠区) and 北京 (越秀区) and returns their IDs by
// tracking-number prefix.
func proactiveGroups(t *testing.T, d *db.DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	d.SetClock(func() time.Time { return time.Date(2026, 6, 15, 9, 0, 0, 0, calendar.China) })
	file := "id,unit,received_date,applicant_type,channel,description,result,result_date\n"
	for i, day := range []string{"2026-03-02", "2026-04-01", "2026-05-06"} {
		file += fmt.Sprintf("CG-%d,440105-001,%s,natural_person,post,申请公开赤岗街道2025年低保发放名单,granted,%[2]s\n", i+1, day)
		file += fmt.Sprintf("XG-%d,440105-002,%s,natural_person,post,新港街道滨江路改造工程预算,granted,%[2]s\n", i+1, day)
		file += fmt.Sprintf("BJ-%d,440104-002,%s,natural_person,post,北京街道文物保护名录,granted,%[2]s\n", i+1, day)
	}
	if err := d.InTx(ctx, func(tx *db.Tx) error {
		_, err := foi.Import(ctx, tx, "test", strings.NewReader(file))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ids := map[string][]string{}
	rows, err := d.Query(ctx, `SELECT tracking_no, id FROM foi_applications ORDER BY tracking_no`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var no, id string
		if err := rows.Scan(&no, &id); err != nil {
			t.Fatal(err)
		}
		ids[no[:2]] = append(ids[no[:2]], id)
	}
	return ids
}

// proactiveState returns the proactive column of the applications.
func proactiveState(t *testing.T, d *db.DB, ids []string) []string {
	t.Helper()
	var out []string
	for _, id := range ids {
		var s string
		if err := d.QueryRow(context.Background(), `SELECT proactive FROM foi_applications WHERE id = ?`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestFOIProactive(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := proactiveGroups(t, d)
		const page = "/admin/foi/proactive"
		groups := func(body string) string {
			var keys []string
			for _, n := range find(t, body, "section.proactive-group") {
				for _, a := range n.Attr {
					if a.Key == "id" {
						keys = append(keys, a.Val)
					}
				}
			}
			return strings.Join(keys, " ")
		}
		group := func(prefix string) string { return "g" + ids[prefix][0] }

		// Each sees the groups in scope only, with a form where it may act.
		for _, c := range []struct {
			role  auth.Role
			want  string
			forms int
		}{
			{auth.PublicOfficeDistrict, group("CG") + " " + group("XG"), 2},
			{auth.UnitEditor, group("CG"), 1},
			{auth.PublicOfficeCity, group("BJ") + " " + group("CG") + " " + group("XG"), 3},
			{auth.DomainSupervisor, "", 0},
		} {
			res := e.asDemo(c.role).get(page)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", c.role, res.StatusCode)
			}
			if got := groups(res.Body); !sameWords(got, c.want) {
				t.Errorf("%s sees %q, want %q", c.role, got, c.want)
			}
			if n := len(find(t, res.Body, `form[action="/admin/foi/proactive"]`)); n != c.forms {
				t.Errorf("%s: %d forms, want %d", c.role, n, c.forms)
			}
		}
		// A domain supervisor of 海珠区 reads the groups but cannot mark them.
		if err := d.InTx(context.Background(), func(tx *db.Tx) error {
			_, err := auth.CreateAccount(context.Background(), tx, "test", nil, auth.NewAccount{Login: "hz-supervisor", Password: "supervisor-2026",
				Role: auth.DomainSupervisor, UnitCode: "440105", Domain: "养老服务"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		sup := e.as("hz-supervisor", "supervisor-2026")
		if res := sup.get(page); !sameWords(groups(res.Body), group("CG")+" "+group("XG")) || len(find(t, res.Body, "form.stack")) != 0 {
			t.Errorf("supervisor sees %q with %d forms", groups(res.Body), len(find(t, res.Body, "form.stack")))
		}
		if res := sup.postForm(page, url.Values{"id": ids["CG"], "state": {"dismissed"}, "note": {"不宜公开"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("supervisor marks: status %d", res.StatusCode)
		}
		if got := text(t, e.asDemo(auth.UnitEditor).get(page).Body, "#"+group("CG")+" p"); !strings.Contains(got, "，3件申请，") {
			t.Errorf("summary %q", got)
		}
		if res := e.client().get(page); res.StatusCode == http.StatusOK {
			t.Error("the page is shown without signing in")
		}

		ed := e.asDemo(auth.UnitEditor) // 赤岗街道
		// The unit's dashboard flags the group.
		if got := text(t, ed.get("/admin/").Body, "#proactive-h + p"); !strings.Contains(got, "有1组信息") {
			t.Errorf("dashboard flag: %q", got)
		}
		form := func(prefix, state, note string) url.Values {
			return url.Values{"group": {ids[prefix][0]}, "id": ids[prefix], "state": {state}, "note": {note}}
		}
		// Another unit's applications, alone or mixed with its own: refused,
		// nothing marked.
		for _, f := range []url.Values{form("XG", "dismissed", "不宜公开"), form("BJ", "dismissed", "不宜公开"),
			{"id": append(append([]string{}, ids["CG"]...), ids["XG"][0]), "state": {"dismissed"}, "note": {"不宜公开"}}} {
			if res := ed.postForm(page, f); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
				t.Errorf("out of scope %v: status %d", f["id"], res.StatusCode)
			}
		}
		for _, p := range []string{"CG", "XG", "BJ"} {
			if got := proactiveState(t, d, ids[p]); strings.Join(got, "") != "" {
				t.Errorf("%s marked by a refused request: %v", p, got)
			}
		}

		// A bad post shows the form again as it was filled in.
		res := ed.postForm(page, form("CG", "", `<b>索引号</b>`))
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, ".error-box") == "" {
			t.Fatalf("no state: status %d", res.StatusCode)
		}
		if v := attr(t, res.Body, "#"+group("CG")+` input[name="note"]`, "value"); v != `<b>索引号</b>` {
			t.Errorf("note kept as %q", v)
		}
		if strings.Contains(res.Body, "<b>索引号") {
			t.Error("the note is not escaped")
		}
		res = ed.postForm(page, form("CG", "converted", "  "))
		if res.StatusCode != http.StatusBadRequest || text(t, res.Body, "#"+group("CG")+" .field-error") == "" {
			t.Errorf("no note: status %d", res.StatusCode)
		}
		if len(find(t, res.Body, "#"+group("CG")+` input[value="converted"][checked]`)) != 1 {
			t.Error("the chosen state is not kept")
		}
		for _, f := range []url.Values{{"id": {"x"}, "state": {"converted"}, "note": {"1"}}, {"state": {"converted"}, "note": {"1"}}} {
			if res := ed.postForm(page, f); res.StatusCode != http.StatusBadRequest {
				t.Errorf("%v: status %d", f, res.StatusCode)
			}
		}
		if got := proactiveState(t, d, ids["CG"]); strings.Join(got, "") != "" {
			t.Errorf("marked by a bad post: %v", got)
		}

		// A good post: marked, gone from the list.
		res = ed.postForm(page, form("CG", "converted", "索引号 440105-001/2026-00012"))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"?marked=1" {
			t.Fatalf("mark: status %d, %s", res.StatusCode, res.Body)
		}
		if got := proactiveState(t, d, ids["CG"]); strings.Join(got, ",") != "converted,converted,converted" {
			t.Errorf("after marking: %v", got)
		}
		res = ed.get(page + "?marked=1")
		if groups(res.Body) != "" || text(t, res.Body, ".flash") == "" {
			t.Errorf("after marking: groups %q", groups(res.Body))
		}
		if res := ed.postForm(page, form("CG", "dismissed", "再次")); res.StatusCode != http.StatusConflict {
			t.Errorf("marked twice: status %d", res.StatusCode)
		}
	})
}

// sameWords reports whether a and b hold the same space-separated words.
func sameWords(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	if len(x) != len(y) {
		return false
	}
	seen := map[string]int{}
	for _, w := range x {
		seen[w]++
	}
	for _, w := range y {
		seen[w]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
