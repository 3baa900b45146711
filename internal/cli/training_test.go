package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/calendar"
	"gongkai/internal/cli"
)

// TestTrainingList lists the demo's training of this year for 海珠区 and
// for 新港街道, in JSON with exactly the documented keys.
func TestTrainingList(t *testing.T) {
	engines(t, func(t *testing.T, data string) {
		ctx := context.Background()
		d, err := app.OpenDB(ctx, app.Config{DataDir: data, DatabaseURL: os.Getenv("GONGKAI_DATABASE_URL")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.LoadDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		if _, err := app.LoadDemoRules(ctx, d); err != nil {
			t.Fatal(err)
		}
		d.Close()
		year := strconv.Itoa(calendar.DateOf(time.Now().In(calendar.China)).Year)
		run := func(args ...string) (int, string, string) {
			var out, errOut bytes.Buffer
			code := cli.Run(ctx, append(args, "--data", data), strings.NewReader(""), &out, &errOut)
			return code, out.String(), errOut.String()
		}
		code, out, errOut := run("training", "list", "--scope", "440105", "--year", year, "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got struct {
			Sessions []struct {
				ID        int64  `json:"id"`
				Date      string `json:"date"`
				Organiser string `json:"organiser"`
				Topic     string `json:"topic"`
				Kind      string `json:"kind"`
				Units     int    `json:"units"`
				People    int    `json:"people"`
			} `json:"sessions"`
		}
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if len(got.Sessions) != 3 {
			t.Fatalf("海珠区: %d sessions: %s", len(got.Sessions), out)
		}
		city := got.Sessions[2] // the oldest
		if city.Organiser != "440100" || city.Kind != "applications" || city.Units != 4 || city.People != 8 || !strings.HasPrefix(city.Date, year+"-") ||
			!strings.Contains(city.Topic, "申请办理") {
			t.Errorf("the city's session: %+v", city)
		}
		// 新港 attended 海珠区's session only.
		if code, out, _ := run("training", "list", "--scope", "440105-002", "--year", year, "--json"); code != 0 || strings.Count(out, `"id"`) != 1 {
			t.Errorf("新港: %d %s", code, out)
		}
		if code, out, _ := run("training", "list", "--scope", "440105-002", "--year", "2001"); code != 0 || !strings.Contains(out, "没有培训记录") {
			t.Errorf("2001: %d %s", code, out)
		}
		if code, out, _ := run("training", "list", "--scope", "440105", "--year", year); code != 0 || !strings.Contains(out, "海珠区基层政务公开标准化规范化业务培训") {
			t.Errorf("plain: %d %s", code, out)
		}
	})
}

// Bad flags exit with status 2 and a message naming what is wrong.
func TestTrainingListBadFlags(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--year", "2026"}, "--scope"},
		{[]string{"--scope", "440105"}, "--year"},
		{[]string{"--scope", "440105", "--year", "twenty"}, "twenty"},
		{[]string{"--scope", "440105", "--year", "1999"}, "1999"},
		{[]string{"--scope", "440105", "--year", "2026", "extra"}, ""},
		{[]string{"--scope", "440105", "--year", "2026", "--colour"}, "colour"},
		{[]string{"--scope", "nowhere", "--year", "2026"}, "nowhere"},
	} {
		var out, errOut bytes.Buffer
		code := cli.Run(context.Background(), append(append([]string{"training", "list"}, c.args...), "--data", data), strings.NewReader(""), &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), c.want) || out.Len() != 0 {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, errOut.String())
		}
	}
}
