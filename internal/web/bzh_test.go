package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/org"
)

// The standardization column says, in words, which units have published
// catalogs: per district how many of its units have, per unit 已发布 with
// the number of domains or 未发布. In the demo data only 赤岗街道 has
// published one (养老服务).
func TestBzhShowsWhichUnitsPublished(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		haizhu, err := org.ByCode(ctx, d, "440105")
		if err != nil {
			t.Fatal(err)
		}
		units, err := org.Subtree(ctx, d, haizhu)
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		res := c.get("/zwgk/bzh/")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
		if got, want := text(t, res.Body, `li[data-unit="440105"] .pub-count`), fmt.Sprintf("已发布目录 1/%d", len(units)); got != want {
			t.Errorf("海珠区: %q, want %q", got, want)
		}
		if got, want := text(t, res.Body, `li[data-unit="440106"] .pub-count`), "已发布目录 0/"; len(got) < len(want) || got[:len(want)] != want {
			t.Errorf("天河区: %q, want %s…", got, want)
		}
		res = c.get("/zwgk/bzh/440105/")
		if got, want := text(t, res.Body, `.pub-summary`), fmt.Sprintf("已发布目录 1/%d", len(units)); got != want {
			t.Errorf("district summary: %q, want %q", got, want)
		}
		if got := text(t, res.Body, `li[data-unit="440105-001"] .pub.yes`); got != "已发布（1个领域）" {
			t.Errorf("赤岗街道: %q", got)
		}
		if got := text(t, res.Body, `li[data-unit="440105-002"] .pub.no`); got != "未发布" {
			t.Errorf("新港街道: %q", got)
		}
		if n := len(find(t, res.Body, `li[data-unit] .pub`)); n != len(find(t, res.Body, `li[data-unit]`)) {
			t.Errorf("%d marks for %d units", n, len(find(t, res.Body, `li[data-unit]`)))
		}
	})
}
