package cli_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/web"
)

// TestTokenCommands: token add prints the token alone on standard output;
// the API takes it until token revoke, then answers 401.
func TestTokenCommands(t *testing.T) {
	dir := t.TempDir()
	for _, u := range [][]string{
		{"--code", "440100", "--name", "广州市", "--kind", "city"},
		{"--code", "440105", "--name", "海珠区", "--kind", "district", "--parent", "440100"},
	} {
		if st, _, e := run(t, "", append([]string{"unit", "add", "--data", dir}, u...)...); st != 0 {
			t.Fatalf("unit add: %s", e)
		}
	}
	st, out, errOut := run(t, "", "token", "add", "--data", dir, "--unit", "440105", "--name", "海珠区业务系统", "--publish")
	secret := strings.TrimSuffix(out, "\n")
	if st != 0 || !strings.HasPrefix(secret, auth.TokenPrefix) || strings.ContainsAny(secret, " \n\t") || len(secret) != 46 {
		t.Fatalf("token add: %d stdout %q stderr %q", st, out, errOut)
	}
	if strings.Contains(errOut, secret) {
		t.Error("the token is repeated on standard error")
	}
	for _, bad := range [][]string{
		{"token", "add", "--data", dir, "--unit", "440105"},
		{"token", "add", "--data", dir, "--unit", "999999", "--name", "x"},
		{"token", "add", "--data", dir, "--unit", "440105", "--name", " "},
		{"token", "revoke", "--data", dir, "gk_nothing"},
		{"token", "revoke", "--data", dir},
	} {
		if st, out, _ := run(t, "", bad...); st != 2 || out != "" {
			t.Errorf("%v: exit %d, stdout %q", bad, st, out)
		}
	}

	// The token works against a server over the same data.
	ctx := context.Background()
	d, err := app.OpenDB(ctx, app.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s, err := web.New(web.Config{DB: d, Calendar: func() *calendar.Calendar { return calendar.Default() }, Files: filepath.Join(dir, "files")})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	status := func() int {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/admin/info/999999", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := status(); got != http.StatusNotFound {
		t.Fatalf("live token: %d, want 404", got)
	}

	st, out, _ = run(t, "", "token", "list", "--data", dir, "--json")
	var list struct {
		Tokens []struct {
			ID         int64
			Prefix     string
			Unit       string
			CanPublish bool   `json:"can_publish"`
			LastUsedAt string `json:"last_used_at"`
			RevokedAt  string `json:"revoked_at"`
		}
	}
	if err := json.Unmarshal([]byte(out), &list); st != 0 || err != nil || len(list.Tokens) != 1 || list.Tokens[0].Unit != "440105" ||
		!list.Tokens[0].CanPublish || list.Tokens[0].LastUsedAt == "" || list.Tokens[0].RevokedAt != "" || !strings.HasPrefix(secret, list.Tokens[0].Prefix) {
		t.Fatalf("token list: %d %s %v", st, out, err)
	}
	if strings.Contains(out, secret) {
		t.Error("token list shows the whole token")
	}
	if st, _, e := run(t, "", "token", "revoke", "--data", dir, list.Tokens[0].Prefix); st != 0 {
		t.Fatalf("token revoke: %s", e)
	}
	if got := status(); got != http.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", got)
	}
	if st, out, _ := run(t, "", "token", "list", "--data", dir, "--unit", "440105"); st != 0 || !strings.Contains(out, "已撤销") {
		t.Errorf("token list after revoke: %d %q", st, out)
	}
}
