package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/internal/zipguard/bombtest"
)

// A zip bomb given to `import catalog` or `guideline import` is bad input:
// exit 2 with the reason in the user's language, nothing imported.
func TestImportRefusesZipBombs(t *testing.T) {
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
	for _, c := range []struct {
		name   string
		file   []byte
		zh, en string
	}{
		{"1gib.xlsx", bombtest.Zeros("xl/styles.xml", 1024, 1<<30), "解压后超过100 MB", "expands to more than 100 MB"},
		{"forged.xlsx", bombtest.Zeros("xl/worksheets/sheet1.xml", 1024, 1000), "比其声明的大小更大", "more than the size it declares"},
		{"parts.xlsx", bombtest.Many(5000), "部件超过1000个", "more than 1000 parts"},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, c.file, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"zh", "en"} {
			t.Setenv("GONGKAI_LANG", lang)
			want := c.zh
			if lang == "en" {
				want = c.en
			}
			for _, args := range [][]string{
				{"import", "catalog", "--data", dir, "--unit", "440105-001", "--domain", "养老服务", path},
				{"guideline", "import", "--data", dir, "--domain", "养老服务", path},
			} {
				st, out, e := run(t, "", args...)
				if st != 2 || out != "" || !strings.Contains(e, want) || strings.Count(e, "\n") != 1 {
					t.Errorf("%s %s (%s): %d %q %q, want exit 2 saying %q", args[0], c.name, lang, st, out, e, want)
				}
			}
		}
	}
	// No guideline version was added: the first real one is version 1.
	t.Setenv("GONGKAI_LANG", "zh")
	file := filepath.Join(dir, "guideline.csv")
	os.WriteFile(file, []byte("序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式\n"+
		"1,养老服务补贴,高龄津贴,补贴对象,《广东省养老服务条例》,信息形成或者变更之日起20个工作日内,赤岗街道,■政府网站,全社会,主动\n"), 0o644)
	if st, out, e := run(t, "", "guideline", "import", "--data", dir, "--domain", "养老服务", file); st != 0 || !strings.Contains(out, `"version":1`) {
		t.Errorf("guideline import after the refusals: %d %s %s", st, out, e)
	}
}
