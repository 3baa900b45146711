package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportFOICommand(t *testing.T) {
	engines(t, func(t *testing.T, env []string, data string) {
		for _, args := range [][]string{
			{"unit", "add", "--data", data, "--code", "440100", "--name", "广州市人民政府", "--kind", "city"},
			{"unit", "add", "--data", data, "--code", "440105", "--name", "海珠区人民政府", "--kind", "district", "--parent", "440100"},
		} {
			if r := gongkai(t, env, "", args...); r.code != 0 {
				t.Fatal(r.stderr)
			}
		}
		dir := t.TempDir()
		write := func(name, body string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		const header = "id,unit,received_date,applicant_type,channel,description,result,result_date\n"
		rows := "HZ-2023-001,440105,2023-05-08,natural_person,post,2022年海珠区财政预算执行情况,granted,2023-05-30\n" +
			"HZ-2023-002,440105,2023-06-01,legal_service_org,email,\"某案件的行政处罚决定书, 含附件\",denied_enforcement_file,2023-06-20\n"
		good := write("good.csv", header+rows)
		bad := write("bad.csv", header+rows+"HZ-2023-003,440105,2023-06-31,natural_person,post,日期不存在,,\n")

		// A bad line refuses the whole file, names the line, stores nothing.
		r := gongkai(t, env, "", "import", "foi", bad, "--data", data)
		if r.code != 2 || !strings.Contains(r.stderr, "第4行") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("bad file: exit %d, %q", r.code, r.stderr)
		}
		r = gongkai(t, env, "", "import", "foi", "--data", data, good)
		if r.code != 0 || !strings.Contains(r.stdout, "已导入2件") {
			t.Fatalf("good file: exit %d, %q %q", r.code, r.stdout, r.stderr)
		}
		// The same file again: both numbers exist.
		r = gongkai(t, append(env, "GONGKAI_LANG=en"), "", "import", "foi", good, "--data", data)
		if r.code != 2 || !strings.Contains(r.stderr, "Line 2") || !strings.Contains(r.stderr, "Line 3") {
			t.Errorf("again: exit %d, %q", r.code, r.stderr)
		}
		// A channel the old system wrote its own way: the error, and the
		// help, name the channels accepted.
		wechat := write("wechat.csv", header+"HZ-2023-009,440105,2023-05-08,natural_person,wechat,渠道不对,,\n")
		r = gongkai(t, append(env, "GONGKAI_LANG=en"), "", "import", "foi", wechat, "--data", data)
		if r.code != 2 || !strings.Contains(r.stderr, "Line 2: channel “wechat” is not valid; use one of: online, email, in_person, post, fax") {
			t.Errorf("bad channel: exit %d, %q", r.code, r.stderr)
		}
		r = gongkai(t, env, "", "import", "foi", "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "channel（收到渠道）可为：online, email, in_person, post, fax") || !strings.Contains(r.stdout, strings.TrimSpace(header)) {
			t.Errorf("import foi --help: exit %d, %q %q", r.code, r.stdout, r.stderr)
		}
		for _, args := range [][]string{
			{"import", "foi", "--data", data},
			{"import", "foi", filepath.Join(dir, "missing.csv"), "--data", data},
			{"import", "foi", good, bad, "--data", data},
			{"import", "foi", write("empty.csv", ""), "--data", data},
		} {
			if r := gongkai(t, env, "", args...); r.code != 2 || r.stderr == "" {
				t.Errorf("%v: exit %d, %q", args[2:], r.code, r.stderr)
			}
		}
	})
}
