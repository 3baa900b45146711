package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestImportServices(t *testing.T) {
	dir := t.TempDir()
	for _, u := range [][]string{
		{"--code", "440100", "--name", "广州市", "--kind", "city"},
		{"--code", "440105", "--name", "海珠区", "--kind", "district", "--parent", "440100"},
		{"--code", "440105-001", "--name", "赤岗街道", "--kind", "street", "--parent", "440105"},
	} {
		if st, _, e := run(t, "", append([]string{"unit", "add", "--data", dir}, u...)...); st != 0 {
			t.Fatalf("unit add: %s", e)
		}
	}
	csv := "事项名称,事项类型,申请条件,申请材料,办理流程,法定时限,承诺时限,收费标准,办理地点,咨询电话,主题\n" +
		"生育登记,公共服务,户籍在本街道,居民身份证（原件1份）,申请→受理→办结,5个工作日,1个工作日,不收费,赤岗街道政务服务中心,020-89012345,生育\n" +
		"高龄老人津贴申领,行政给付,年满80周岁,,,,,,,,养老\n"
	gbkCSV, err := simplifiedchinese.GBK.NewEncoder().String(csv)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "guides.csv")
	os.WriteFile(file, []byte(gbkCSV), 0o644)
	st, out, e := run(t, "", "import", "services", "--data", dir, "--unit", "440105-001", "--publish", file)
	want := `{"rows":2,"created":2,"updated":0,"incomplete":[{"name":"高龄老人津贴申领","missing":["申请材料","办理流程","法定时限/承诺时限","收费标准","办理地点","咨询电话"]}]}` + "\n"
	if st != 0 || out != want {
		t.Fatalf("import: %d %q %s", st, out, e)
	}
	// Again, in UTF-8: updated by name.
	os.WriteFile(file, []byte(csv), 0o644)
	st, out, e = run(t, "", "import", "services", "--data", dir, "--unit", "440105-001", file)
	if st != 0 || !strings.HasPrefix(out, `{"rows":2,"created":0,"updated":2,"incomplete":[{"name":"高龄老人津贴申领"`) {
		t.Fatalf("again: %d %q %s", st, out, e)
	}
	// A row without a type fails the whole import with its line: exit 2,
	// nothing printed, nothing written (the next import still creates).
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(csv+"居住证签注,,,,,,,,,,\n"+"新事项,行政确认,,,,,,,,,\n"), 0o644)
	st, out, e = run(t, "", "import", "services", "--data", dir, "--unit", "440105-001", bad)
	if st != 2 || out != "" || !strings.Contains(e, "第4行缺少“事项类型”") {
		t.Errorf("bad import: %d %q %q", st, out, e)
	}
	os.WriteFile(bad, []byte("事项名称,事项类型,申请条件\n新事项,行政确认,无\n"), 0o644)
	if st, out, e = run(t, "", "import", "services", "--data", dir, "--unit", "440105-001", bad); st != 0 || !strings.HasPrefix(out, `{"rows":1,"created":1,"updated":0,`) {
		t.Errorf("after the bad import: %d %q %q", st, out, e)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--unit", "440105-001"}, "--unit FILE"},
		{[]string{file}, "--unit FILE"},
		{[]string{"--unit", "999", file}, "999"},
		{[]string{"--unit", "440105-001", filepath.Join(dir, "none.csv")}, "找不到文件"},
	} {
		st, out, e := run(t, "", append([]string{"import", "services", "--data", dir}, c.args...)...)
		if st != 2 || out != "" || !strings.Contains(e, c.want) {
			t.Errorf("%v: %d %q %q", c.args, st, out, e)
		}
	}
}
