package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db/dbtest"
)

// cjk reports whether r is a Chinese character or a full-width punctuation
// mark (：，。（）…), which an English page shows only inside user data.
func cjk(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// chineseOutsideUserData returns the texts of body holding Chinese outside
// the elements that show user data: those marked data-user or lang="zh…"
// (titles, unit names, what people typed, the language switch).
func chineseOutsideUserData(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			// The document title repeats the h1 after the site's name and
			// cannot mark the part that is user data; the h1 is checked.
			if n.Data == "script" || n.Data == "style" || n.Data == "title" {
				return
			}
			for _, a := range n.Attr {
				switch {
				case a.Key == "data-user", a.Key == "lang" && strings.HasPrefix(a.Val, "zh"):
					return
				case a.Key == "title" || a.Key == "placeholder" || a.Key == "alt":
					if strings.ContainsFunc(a.Val, cjk) {
						out = append(out, "<"+n.Data+" "+a.Key+"> "+a.Val)
					}
				}
			}
		}
		if n.Type == html.TextNode && strings.ContainsFunc(n.Data, cjk) {
			out = append(out, "<"+n.Parent.Data+"> "+strings.TrimSpace(n.Data))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(parse(t, body))
	return out
}

// TestEnglishPagesHaveNoChinese renders the main pages a person meets in
// English and fails on any Chinese word or full-width mark that does not
// belong to user data: every word a page says comes from the catalogs.
func TestEnglishPagesHaveNoChinese(t *testing.T) {
	d := dbtest.SQLite(t)
	e := newEnv(t, d)
	// Monday 23 November 2026.
	d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
	visitor := e.client()

	pages := map[string]string{}
	show := func(c *client, name, path string) string {
		t.Helper()
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		res := c.get(path + sep + "lang=en")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d", name, path, res.StatusCode)
		}
		pages[name] = res.Body
		return res.Body
	}
	catalogPage := show(visitor, "catalog of 赤岗街道 养老服务", "/zwgk/bzh/440105-001/21/")
	record := attr(t, catalogPage, ".item-info a", "href")
	if record == "" {
		t.Fatal("the catalog page links no record")
	}
	show(visitor, "record", record)

	citizen := e.client()
	res := citizen.postForm("/ysqgk/sq/", applyForm())
	no := text(t, res.Body, "#tracking-no")
	if no == "" {
		t.Fatalf("apply: %d %s", res.StatusCode, excerpt(res.Body, "error"))
	}
	show(citizen, "FOI status", "/ysqgk/cx/"+no+"/")

	editor := e.asDemo(auth.UnitEditor)
	app := attr(t, editor.get("/admin/foi").Body, "a[href^='/admin/foi/"+"']", "href")
	show(editor, "console FOI application", app)

	district := e.asDemo(auth.PublicOfficeDistrict)
	res = district.postForm("/admin/inspect", url.Values{"scope": {"440105"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("inspection: %d", res.StatusCode)
	}
	show(district, "inspection run", res.Header.Get("Location"))

	for name, body := range pages {
		if found := chineseOutsideUserData(t, body); len(found) > 0 {
			if len(found) > 15 {
				found = append(found[:15], "…")
			}
			t.Errorf("%s shows Chinese outside user data:\n%s", name, strings.Join(found, "\n"))
		}
	}
}
