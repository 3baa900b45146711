package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// TestCatalogsMatch: every message exists in Chinese and in English.
func TestCatalogsMatch(t *testing.T) {
	zh, en := i18n.Keys(i18n.Zh), i18n.Keys(i18n.En)
	for _, k := range zh {
		if !slices.Contains(en, k) {
			t.Errorf("%s has no English text", k)
		}
	}
	for _, k := range en {
		if !slices.Contains(zh, k) {
			t.Errorf("%s has no Chinese text", k)
		}
	}
	for _, k := range zh {
		if strings.TrimSpace(i18n.T(i18n.En, k)) == "" || strings.TrimSpace(i18n.T(i18n.Zh, k)) == "" {
			t.Errorf("%s is empty", k)
		}
	}
}

var (
	// Keys written literally in templates: {{.T "key"}}, {{$.T "key" …}}.
	templateKey = regexp.MustCompile(`\bT "([a-z0-9_.]+)"`)
	// Keys written literally in Go calls that take a message key.
	// Counted keys, in templates and Go: {{$.N "key" n}}, i18n.N(lang, "key", n).
	countedKey = regexp.MustCompile(`(?:\bN "|\bN\([a-zA-Z.]+, *")([a-z0-9_]+\.[a-z0-9_.]+)"`)
	goKeyCall  = regexp.MustCompile(`(?:errs\.New\(errs\.[A-Za-z]+,|InvalidField\("[a-z_]+",|\bT\([a-zA-Z.]+,|[pP]age\(r,|adminPage\(r,) *"([a-z0-9_]+\.[a-z0-9_.]+)" *[,)]`)
)

// TestEveryKeyUsedExists reads the templates and the Go sources for message
// keys and checks that each has a text in both languages, so that no page,
// error or CLI message shows a bare key.
func TestEveryKeyUsedExists(t *testing.T) {
	root := filepath.Join("..", "..")
	used := map[string]string{}
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		var re *regexp.Regexp
		switch {
		case strings.HasSuffix(p, ".html"):
			re = templateKey
		case strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go"):
			re = goKeyCall
		default:
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		for _, m := range countedKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]+".one"], used[m[1]+".other"] = p, p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys: the patterns no longer match the code", len(used))
	}
	// Keys built from a prefix and a value.
	for _, r := range auth.Roles {
		used["role."+string(r)] = "role"
		used["dash."+string(r)] = "dashboard"
	}
	for _, k := range org.Kinds {
		used["kind."+string(k)] = "kind"
	}
	for _, l := range []org.Level{org.LevelCity, org.LevelCounty, org.LevelTownship, org.LevelVillage} {
		used["level."+string(l)] = "level"
	}
	for k := errs.Internal; k <= errs.TooMany; k++ {
		used["error.title_"+k.String()] = "error page"
	}
	for _, col := range []string{"zn", "zd", "fdzdgknr", "nb", "ysqgk", "hudong", "bmfw"} {
		used["col."+col] = "column"
		used["col."+col+".intro"] = "column"
	}
	for k, where := range used {
		if !i18n.Has(k) {
			t.Errorf("%s (used in %s) is missing from a catalog", k, where)
		}
	}
}
