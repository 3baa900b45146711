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

	en := englishPages(t)
	show := en.show
	catalogPage := show(visitor, "catalog of 赤岗街道 养老服务", "/zwgk/bzh/440105-001/21/")
	record := attr(t, catalogPage, ".item-info a", "href")
	if record == "" {
		t.Fatal("the catalog page links no record")
	}
	body := show(visitor, "record", record)
	// The record's topic and genre are standard ones, said in English.
	if meta := text(t, body, "table.meta-table"); !strings.Contains(meta, "Civil affairs, poverty alleviation and disaster relief") || strings.ContainsAny(meta, "公示通知清单") {
		t.Errorf("the record's topic and genre are not said in English: %q", meta)
	}
	// The search page: the hits are user data, the filters are English.
	body = show(visitor, "search", "/search?q="+url.QueryEscape("养老")+"&genre="+url.QueryEscape("公示"))
	if got := text(t, body, "#genre option[selected]"); got != "Public notice" {
		t.Errorf("the genre picked reads %q", got)
	}

	citizen := e.client()
	res := citizen.postForm("/ysqgk/sq/", applyForm())
	no := text(t, res.Body, "#tracking-no")
	if no == "" {
		t.Fatalf("apply: %d %s", res.StatusCode, excerpt(res.Body, "error"))
	}
	show(citizen, "FOI status", "/ysqgk/cx/"+no+"/")

	editor := e.asDemo(auth.UnitEditor)
	app := attr(t, editor.get("/admin/foi").Body, "td a[href^='/admin/foi/']", "href")
	show(editor, "console FOI application", app)

	district := e.asDemo(auth.PublicOfficeDistrict)
	res = district.postForm("/admin/inspect", url.Values{"scope": {"440105"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("inspection: %d", res.StatusCode)
	}
	show(district, "inspection run", res.Header.Get("Location"))

	en.check()
}

// englishSet collects pages rendered in English to check them together.
type englishSet struct {
	t     *testing.T
	pages map[string]string
}

func englishPages(t *testing.T) *englishSet { return &englishSet{t, map[string]string{}} }

// show gets path in English as c, fails unless it answers 200, keeps the
// page under name for check and returns it.
func (s *englishSet) show(c *client, name, path string) string {
	s.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	res := c.get(path + sep + "lang=en")
	if res.StatusCode != http.StatusOK {
		s.t.Fatalf("%s %s: %d", name, path, res.StatusCode)
	}
	s.pages[name] = res.Body
	return res.Body
}

// check fails for each page that shows Chinese outside user data.
func (s *englishSet) check() {
	s.t.Helper()
	for name, body := range s.pages {
		if found := chineseOutsideUserData(s.t, body); len(found) > 0 {
			if len(found) > 25 {
				found = append(found[:25], "…")
			}
			s.t.Errorf("%s shows Chinese outside user data:\n%s", name, strings.Join(found, "\n"))
		}
	}
}
