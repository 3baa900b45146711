package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gongkai foi due lists the open applications past or near their deadline.
func TestFOIDueCommand(t *testing.T) {
	engines(t, func(t *testing.T, env []string, data string) {
		must := func(r result) result {
			t.Helper()
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			return r
		}
		must(gongkai(t, env, "", "unit", "add", "--data", data, "--code", "440100", "--name", "广州市人民政府", "--kind", "city"))
		must(gongkai(t, env, "", "unit", "add", "--data", data, "--code", "440105", "--name", "海珠区人民政府", "--kind", "district", "--parent", "440100"))
		must(gongkai(t, env, "", "unit", "add", "--data", data, "--code", "440104", "--name", "越秀区人民政府", "--kind", "district", "--parent", "440100"))
		file := filepath.Join(t.TempDir(), "foi.csv")
		csv := "id,unit,received_date,applicant_type,channel,description,result,result_date\n" +
			"H-1,440105,2026-01-05,natural_person,post,高龄津贴发放名单,,\n" +
			"H-2,440105,2026-01-05,natural_person,post,养老机构名录,granted,2026-01-20\n" +
			"H-3,440104,2026-01-06,other,in_person,老旧小区改造计划,,\n"
		if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
		must(gongkai(t, env, "", "import", "foi", "--data", data, file))

		r := must(gongkai(t, env, "", "foi", "due", "--data", data, "--scope", "440105", "--json"))
		var out struct {
			Applications []struct {
				TrackingNo string `json:"tracking_no"`
				Unit       string `json:"unit"`
				Waiting    struct {
					What string `json:"what"`
					Due  string `json:"due"`
					Left int    `json:"left"`
				} `json:"waiting_for"`
			} `json:"applications"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("%v: %s", err, r.stdout)
		}
		// Received 5 January 2026: the 20th working day is 2 February.
		if len(out.Applications) != 1 || out.Applications[0].TrackingNo != "H-1" || out.Applications[0].Waiting.What != "reply" ||
			out.Applications[0].Waiting.Due != "2026-02-02" || out.Applications[0].Waiting.Left >= 0 {
			t.Errorf("due in 海珠: %+v", out.Applications)
		}
		r = must(gongkai(t, env, "", "foi", "due", "--data", data))
		if !strings.Contains(r.stdout, "H-1") || !strings.Contains(r.stdout, "H-3") || strings.Contains(r.stdout, "H-2") || !strings.Contains(r.stdout, "已逾期") {
			t.Errorf("due in the city: %q", r.stdout)
		}
		for _, bad := range [][]string{{"--scope", "nowhere"}, {"extra"}, {"--json=maybe"}} {
			if r := gongkai(t, env, "", append([]string{"foi", "due", "--data", data}, bad...)...); r.code == 0 || r.stderr == "" {
				t.Errorf("foi due %v: exit %d, %q", bad, r.code, r.stderr)
			}
		}
		if r := gongkai(t, env, "", "foi", "--data", data); r.code != 2 {
			t.Errorf("foi without a subcommand: exit %d", r.code)
		}
	})
}
