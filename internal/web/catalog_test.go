package web_test

import (
	"net/http"
	"strings"
	"testing"

	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
)

// The demo publishes 赤岗街道's 养老服务 catalog (domain 21), leaves 新港街道's
// submitted and 昌岗街道's a draft.
func TestPortalShowsPublishedCatalogs(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		res := c.get("/zwgk/bzh/440105-001/")
		if len(find(t, res.Body, `a[href="/zwgk/bzh/440105-001/21/"]`)) != 1 {
			t.Fatalf("赤岗街道 page does not link its catalog: %s", excerpt(res.Body, "bzh.catalog"))
		}
		res = c.get("/zwgk/bzh/440105-001/21/")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("catalog page: %d", res.StatusCode)
		}
		rows := find(t, res.Body, "table.catalog tbody tr")
		if len(rows) != 4 {
			t.Errorf("%d rows; a street lists the 4 乡级 items", len(rows))
		}
		for _, want := range []string{"高龄老年人津贴", "长者饭堂", "赤岗街道", "信息形成或者变更之日起20个工作日内", "公开依据"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("catalog page lacks %s", want)
			}
		}
		// Drafts and catalogs under review are not public.
		for _, p := range []string{"/zwgk/bzh/440105-002/21/", "/zwgk/bzh/440105-003/21/", "/zwgk/bzh/440105-001/99/"} {
			if res := c.get(p); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d", p, res.StatusCode)
			}
		}
		if strings.Contains(c.get("/zwgk/bzh/440105-002/").Body, "/zwgk/bzh/440105-002/21/") {
			t.Error("a submitted catalog is linked on the portal")
		}
		// English labels.
		if res := c.get("/zwgk/bzh/440105-001/21/?lang=en"); !strings.Contains(res.Body, "Legal basis") || strings.Contains(res.Body, "!!") {
			t.Error("English catalog page")
		}

		// The district's compilation: the print page and a workbook that
		// reads back as a catalog table with a 领域 column.
		res = c.get("/zwgk/bzh/440105/hb/")
		if res.StatusCode != http.StatusOK || len(find(t, res.Body, "section.compilation-part")) != 1 {
			t.Fatalf("compilation page: %d", res.StatusCode)
		}
		res = c.get("/zwgk/bzh/440105/hb.xlsx")
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "440105.xlsx") {
			t.Fatalf("compilation download: %d %v", res.StatusCode, res.Header)
		}
		tb, err := catalog.ReadTable("hb.xlsx", strings.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		if len(tb.Rows) != 4 || tb.Rows[0].Cells[catalog.ColDomain] != "养老服务" || tb.Rows[0].Cells[catalog.ColLevel2] != "高龄老年人津贴" {
			t.Errorf("workbook rows: %+v", tb.Rows)
		}

		// JSON.
		var js struct {
			Unit     struct{ Code string }
			Catalogs []struct {
				Domain  struct{ Code, Name string }
				Version int
				Items   []struct {
					Level1, Level2 string
					TimeLimit      string `json:"time_limit"`
					Limit          struct {
						Kind string
						Days int
					}
				}
			}
		}
		decode(t, c.get("/api/v1/units/440105-001/catalog"), &js)
		if js.Unit.Code != "440105-001" || len(js.Catalogs) != 1 || js.Catalogs[0].Domain.Name != "养老服务" || len(js.Catalogs[0].Items) != 4 {
			t.Fatalf("JSON: %+v", js)
		}
		if it := js.Catalogs[0].Items[0]; it.Limit.Kind != "working_days" || it.Limit.Days != 20 {
			t.Errorf("JSON item limit: %+v", it)
		}
		decode(t, c.get("/api/v1/units/440105-002/catalog"), &js)
		if len(js.Catalogs) != 0 {
			t.Error("JSON shows a catalog under review")
		}
		if res := c.get("/api/v1/units/nope/catalog"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown unit: %d", res.StatusCode)
		}
	})
}
