package cli_test

import (
	"bytes"
	"context"
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
