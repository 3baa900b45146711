package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/internal/cli"
)

func TestCatalogParseLimit(t *testing.T) {
	for _, c := range []struct {
		args   []string
		status int
		out    string
	}{
		{[]string{"catalog", "parse-limit", "信息形成或者变更之日起20个工作日内"}, 0, `{"kind":"working_days","days":20,"basis":"形成或变更"}` + "\n"},
		{[]string{"catalog", "parse-limit", "制定或获取文件之日起", "10个工作日内"}, 0, `{"kind":"working_days","days":10,"basis":"制定或获取"}` + "\n"},
		{[]string{"catalog", "parse-limit", "按进展情况及时公开"}, 0, `{"kind":"prompt"}` + "\n"},
		{[]string{"catalog", "parse-limit", "每年3月底前"}, 0, `{"kind":"periodic","period":"year","month":3}` + "\n"},
		{[]string{"catalog", "parse-limit", "视情况而定"}, 0, `{"kind":"unparsed","text":"视情况而定"}` + "\n"},
		{[]string{"catalog", "parse-limit"}, 2, ""},
		{[]string{"catalog", "parse-limit", " "}, 2, ""},
		{[]string{"catalog", "nonsense"}, 2, ""},
	} {
		var out, errOut bytes.Buffer
		status := cli.Run(context.Background(), c.args, strings.NewReader(""), &out, &errOut)
		if status != c.status || out.String() != c.out {
			t.Errorf("%v: status %d, out %q, want %d %q (stderr %q)", c.args, status, out.String(), c.status, c.out, errOut.String())
		}
		if c.status != 0 && (errOut.Len() == 0 || strings.Contains(errOut.String(), "goroutine")) {
			t.Errorf("%v: error output %q", c.args, errOut.String())
		}
	}
}

func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	status := cli.Run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return status, out.String(), errOut.String()
}

func TestImportCatalogAndGuideline(t *testing.T) {
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
	file := filepath.Join(dir, "catalog.csv")
	csv := "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,五公开\n" +
		"1,养老服务,高龄津贴,补贴对象、标准,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,赤岗街道,■政府网站,全社会,主动,结果\n" +
		"2,城市绿化,古树名木,名录,《城市绿化条例》,按规定时间,赤岗街道,■政府网站,全社会,主动,\n"
	os.WriteFile(file, []byte(csv), 0o644)
	st, out, e := run(t, "", "import", "catalog", "--data", dir, "--unit", "440105-001", "--publish", file)
	want := `{"rows":2,"layout":"domain_in_level1","items_by_domain":{"养老服务":1,"城市绿化":1},"unknown_domains":["城市绿化"],"unparsed_limits":["按规定时间"],"ignored_columns":["五公开"],"published":true}` + "\n"
	if st != 0 || out != want {
		t.Fatalf("import: %d %s %s", st, out, e)
	}
	// A broken file fails with exit 2 and a line number, writing nothing.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(strings.Replace(csv, "《城市绿化条例》", "", 1)+"3,就业,招聘,,《就业促进法》,及时,赤岗街道,■政府网站,全社会,主动,\n"), 0o644)
	st, out, e = run(t, "", "import", "catalog", "--data", dir, "--unit", "440105-001", "--domain", "就业", bad)
	if st != 2 || out != "" || !strings.Contains(e, "第4行缺少“公开内容（要素）”") {
		t.Errorf("bad import: %d %q %q", st, out, e)
	}
	st, _, e = run(t, "", "import", "catalog", "--data", dir, "--unit", "440105-001", filepath.Join(dir, "none.csv"))
	if st != 2 || !strings.Contains(e, "找不到文件") {
		t.Errorf("missing file: %d %q", st, e)
	}
	// A guideline version for a domain named by its 2017 name.
	st, out, e = run(t, "", "guideline", "import", "--data", dir, "--domain", "医疗卫生", "--doc", "国卫办发〔2019〕1号", file)
	if st != 0 || !strings.Contains(out, `"domain":"卫生健康"`) || !strings.Contains(out, `"version":1`) {
		t.Errorf("guideline import: %d %s %s", st, out, e)
	}
	if st, _, e := run(t, "", "guideline", "import", "--data", dir, "--domain", "不存在的领域", file); st != 2 || !strings.Contains(e, "不存在的领域") {
		t.Errorf("unknown domain: %d %s", st, e)
	}
}

func TestScreenCommand(t *testing.T) {
	st, out, e := run(t, "联系人王五，电话13912345678，依据穗府办函〔2020〕53号。", "screen")
	want := `[{"kind":"mobile","start":8,"end":19,"text":"13912345678","masked":"139****5678"}]` + "\n"
	if st != 0 || out != want {
		t.Errorf("screen stdin: %d %q %q", st, out, e)
	}
	file := filepath.Join(t.TempDir(), "notice.txt")
	os.WriteFile(file, []byte("本通知不含个人信息。邮编510030。"), 0o644)
	if st, out, _ := run(t, "", "screen", file); st != 0 || out != "[]\n" {
		t.Errorf("screen file: %d %q", st, out)
	}
	if st, _, e := run(t, "", "screen", file+".missing"); st != 2 || e == "" {
		t.Errorf("missing file: %d %q", st, e)
	}
}

func TestImportInfo(t *testing.T) {
	dir := t.TempDir()
	for _, u := range [][]string{
		{"--code", "440100", "--name", "广州市", "--kind", "city"},
		{"--code", "440105", "--name", "海珠区", "--kind", "district", "--parent", "440100"},
		{"--code", "440105-001", "--name", "赤岗街道", "--kind", "street", "--parent", "440105"},
	} {
		if st, _, e := run(t, "", append([]string{"unit", "add", "--data", dir}, u...)...); st != 0 {
			t.Fatal(e)
		}
	}
	cat := filepath.Join(dir, "c.csv")
	os.WriteFile(cat, []byte("序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式\n1,养老服务补贴,高龄津贴,补贴对象,《条例》,20个工作日,赤岗街道,■政府网站,全社会,主动\n"), 0o644)
	if st, _, e := run(t, "", "import", "catalog", "--data", dir, "--unit", "440105-001", "--domain", "养老服务", "--publish", cat); st != 0 {
		t.Fatal(e)
	}
	lines := []string{
		`{"title":"2024年高龄津贴发放公示","doc_number":"","issuer":"赤岗街道办事处","written_date":"2024-03-01","published_date":"2024-03-05","index_no":"007502968/2024-00011","topic":"民政","body_text":"现将2024年第一季度高龄津贴发放情况公示。\n公示期7天。","catalog_item":"高龄津贴"}`,
		`{"title":"关于调整长者饭堂开放时间的通知","doc_number":"海赤街〔2024〕8号","issuer":"赤岗街道办事处","written_date":"2024-05-10","published_date":"2024-05-11","index_no":"007502968/2024-00020","topic":"民政","body_text":"自6月1日起，长者饭堂午餐时间调整为10:30至13:00。","validity":"废止","attachments":[{"name":"时间表.pdf","url":"https://www.haizhu.gov.cn/files/sjb.pdf"}]}`,
	}
	file := filepath.Join(dir, "info.jsonl")
	os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	st, out, e := run(t, "", "import", "info", "--data", dir, "--unit", "440105-001", file)
	if st != 0 || out != `{"lines":2,"created":2,"unchanged":0,"linked":1}`+"\n" {
		t.Fatalf("import: %d %s %s", st, out, e)
	}
	// Again: nothing new.
	if st, out, _ := run(t, "", "import", "info", "--data", dir, "--unit", "440105-001", file); st != 0 || !strings.Contains(out, `"created":0,"unchanged":2`) {
		t.Errorf("second import: %d %s", st, out)
	}
	// A bad third line fails everything, naming the line.
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"title":"新的一条","written_date":"2024-06-01","published_date":"2024-06-02","index_no":"007502968/2024-00030","body_text":"x"}`+"\n\n"+
		`{"title":"坏的一条","written_date":"2024-13-01","published_date":"2024-06-02","index_no":"007502968/2024-00031","body_text":"x"}`+"\n"), 0o644)
	st, out, e = run(t, "", "import", "info", "--data", dir, "--unit", "440105-001", bad)
	if st != 2 || out != "" || !strings.Contains(e, "第3行") || !strings.Contains(e, "written_date") {
		t.Errorf("bad import: %d %q %q", st, out, e)
	}
	if st, out, _ := run(t, "", "import", "info", "--data", dir, "--unit", "440105-001", file); !strings.Contains(out, `"unchanged":2`) || st != 0 {
		t.Errorf("the failed import wrote something: %s", out)
	}
	// Unknown fields and a missing catalog item are refused.
	os.WriteFile(bad, []byte(`{"title":"x","colour":"red","written_date":"2024-06-01","published_date":"2024-06-02","index_no":"a/1","body_text":"x"}`+"\n"), 0o644)
	if st, _, e := run(t, "", "import", "info", "--data", dir, "--unit", "440105-001", bad); st != 2 || !strings.Contains(e, "第1行") {
		t.Errorf("unknown field: %d %q", st, e)
	}
	os.WriteFile(bad, []byte(`{"title":"x","written_date":"2024-06-01","published_date":"2024-06-02","index_no":"a/2","body_text":"x","catalog_item":"没有这个事项"}`+"\n"), 0o644)
	if st, _, e := run(t, "", "import", "info", "--data", dir, "--unit", "440105-001", bad); st != 2 || !strings.Contains(e, "没有这个事项") {
		t.Errorf("unknown item: %d %q", st, e)
	}
}
