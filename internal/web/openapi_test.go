package web

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/org"
)

// patterns records the routes a server registers.
type patterns []string

func (p *patterns) Handle(pattern string, _ http.Handler) { *p = append(*p, pattern) }
func (p *patterns) HandleFunc(pattern string, _ func(http.ResponseWriter, *http.Request)) {
	*p = append(*p, pattern)
}

// TestOpenAPICoversEveryRoute: every /api/v1 route the server registers is
// an operation of the OpenAPI document, and the document describes no
// operation the server lacks.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	var ps patterns
	(&Server{}).routes(&ps)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, p := range ps {
		method, path, ok := strings.Cut(p, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		served[strings.ToLower(method)+" "+path] = true
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("%s is not in openapi.json", p)
		}
	}
	if len(served) < 25 {
		t.Fatalf("found only %d /api/v1 routes: the walk no longer sees them", len(served))
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" && !served[method+" "+path] {
				t.Errorf("openapi.json describes %s %s, which the server does not serve", strings.ToUpper(method), path)
			}
		}
	}
}

// TestOpenAPIWellFormed checks the document on its own: OpenAPI 3.1 with
// paths and components, every $ref resolving, every path parameter
// declared, every operation with responses, and the enums of units and
// roles those of the code. Where Python's openapi-spec-validator is
// installed it validates the document against the specification too.
func TestOpenAPIWellFormed(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", v)
	}
	paths, _ := doc["paths"].(map[string]any)
	comps, _ := doc["components"].(map[string]any)
	if len(paths) == 0 || len(comps) == 0 {
		t.Fatal("no paths or no components")
	}
	refs := 0
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if k == "$ref" {
					refs++
					if resolve(doc, c.(string)) == nil {
						t.Errorf("%s: $ref %v does not resolve", at, c)
					}
					continue
				}
				walk(at+"/"+k, c)
			}
		case []any:
			for _, c := range x {
				walk(at, c)
			}
		}
	}
	walk("#", doc)
	if refs < 50 {
		t.Errorf("only %d $refs: the walk does not see them", refs)
	}
	for path, item := range paths {
		for method, o := range item.(map[string]any) {
			op := o.(map[string]any)
			if r, _ := op["responses"].(map[string]any); len(r) == 0 {
				t.Errorf("%s %s has no responses", method, path)
			}
			declared := map[string]bool{}
			for _, p := range asSlice(op["parameters"]) {
				pm := p.(map[string]any)
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
				}
			}
			for _, seg := range strings.Split(path, "/") {
				if name, ok := strings.CutPrefix(seg, "{"); ok && !declared[strings.TrimSuffix(name, "}")] {
					t.Errorf("%s %s: path parameter %s not declared", method, path, seg)
				}
			}
		}
	}
	schemas := comps["schemas"].(map[string]any)
	enum := func(name string) []string {
		var out []string
		for _, v := range asSlice(schemas[name].(map[string]any)["enum"]) {
			out = append(out, v.(string))
		}
		return out
	}
	var kinds []string
	for _, k := range org.Kinds {
		kinds = append(kinds, string(k))
	}
	if got := enum("UnitKind"); !slices.Equal(got, kinds) {
		t.Errorf("UnitKind enum %v, want %v", got, kinds)
	}
	roles := asSlice(resolve(doc, "#/components/schemas/Account/properties/role").(map[string]any)["enum"])
	if len(roles) != len(auth.Roles) {
		t.Errorf("role enum %v, want %v", roles, auth.Roles)
	}
	for i, r := range auth.Roles {
		if i < len(roles) && roles[i] != string(r) {
			t.Errorf("role enum %v, want %v", roles, auth.Roles)
			break
		}
	}

	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import openapi_spec_validator").Run() != nil {
		t.Log("openapi-spec-validator not installed: validated by the checks above only")
		return
	}
	file := filepath.Join(t.TempDir(), "openapi.json")
	os.WriteFile(file, openAPIDoc, 0o644)
	out, err := exec.Command(py, "-c", `import sys
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
validate(read_from_filename(sys.argv[1])[0])`, file).CombinedOutput()
	if err != nil {
		t.Errorf("openapi-spec-validator: %v\n%s", err, out)
	}
}

// resolve follows a local JSON pointer (#/a/b) in doc, or returns nil.
func resolve(doc map[string]any, ref string) any {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	var cur any = doc
	for _, seg := range strings.Split(p, "/") {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[seg]; !ok {
			return nil
		}
	}
	return cur
}

func asSlice(v any) []any { s, _ := v.([]any); return s }
