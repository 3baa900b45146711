package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/info/infotest"
	"gongkai/internal/throttle"
	"gongkai/internal/web"
)

// newToken makes an API token for a unit, as `gongkai token add` does.
func (e *env) newToken(unit, name string, publish bool) (auth.Token, string) {
	e.t.Helper()
	var tok auth.Token
	var secret string
	err := e.db.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		tok, secret, err = auth.CreateToken(context.Background(), tx, "test", nil, auth.NewToken{UnitCode: unit, Name: name, CanPublish: publish})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return tok, secret
}

// api sends a request with a bearer token (none when token is "") and
// headers given as name, value pairs. A body that is not a string is sent
// as JSON.
func (e *env) api(token, method, path string, body any, headers ...string) response {
	e.t.Helper()
	var js string
	switch b := body.(type) {
	case nil:
	case string:
		js = b
	default:
		raw, _ := json.Marshal(b)
		js = string(raw)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(js))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.client().do(req)
}

// apiRecord is the answer about a record.
type apiRecord struct {
	ID       int64  `json:"id"`
	IndexNo  string `json:"index_no"`
	Status   string `json:"status"`
	URL      string `json:"url"`
	Replaces int64  `json:"replaces"`
}

func recordOf(t *testing.T, res response, want int) apiRecord {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("status %d, want %d: %.400s", res.StatusCode, want, res.Body)
	}
	var r apiRecord
	if err := json.Unmarshal([]byte(res.Body), &r); err != nil || r.ID == 0 || r.IndexNo == "" || r.Status == "" || r.URL == "" {
		t.Fatalf("answer %q: %v", res.Body, err)
	}
	return r
}

// refused checks that an answer is a JSON error with the wanted status
// and returns its fields.
func refused(t *testing.T, res response, want int) map[string]string {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("status %d, want %d: %.400s", res.StatusCode, want, res.Body)
	}
	jsonErrCode(t, res)
	return errFields(t, res)
}

// pngBytes is the start of a PNG file: enough to be taken for one.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

// apiRecordBody is a good record of 赤岗街道 for the API.
func apiRecordBody(title string) map[string]any {
	return map[string]any{"title": title, "written_date": "2026-11-20", "doc_number": "海赤街〔2026〕31号", "issuer": "赤岗街道办事处",
		"topic": "民政、扶贫、救灾", "body_text": "本季度高龄老年人津贴已按时发放。\n如有疑问请向社区居委会咨询。", "validity": "有效",
		"catalog_items": []map[string]string{{"domain": "21", "item": "高龄老年人津贴"}}}
}

func fileServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/files/photo.png", func(w http.ResponseWriter, r *http.Request) { w.Write(pngBytes) })
	mux.HandleFunc("/files/list.docx", func(w http.ResponseWriter, r *http.Request) {
		w.Write(infotest.DOCX("联系人王某，手机13912345678"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestAPIPublishes: a token that may publish files a record with files
// (inline and by URL) and catalog items, and it is published through the
// console's steps: on the portal, found by search, in the audit log under
// the token with "published without review by token".
func TestAPIPublishes(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, func(c *web.Config) { c.FetchPrivate = true })
		files := fileServer(t)
		tok, secret := e.newToken("440105-001", "民政业务系统", true)
		body := apiRecordBody("赤岗街道2026年第四季度高龄老年人津贴发放情况")
		body["publish"] = true
		body["attachments"] = []map[string]string{
			{"name": "发放汇总.docx", "content_base64": base64.StdEncoding.EncodeToString(infotest.DOCX("发放汇总：共1,302人"))},
			{"url": files.URL + "/files/photo.png"},
		}
		rec := recordOf(t, e.api(secret, "POST", "/api/v1/admin/info", body), http.StatusCreated)
		if rec.Status != "published" || !strings.HasSuffix(rec.URL, "/zwgk/info/"+strconv.FormatInt(rec.ID, 10)+"/") || !strings.HasPrefix(rec.IndexNo, "440105-001/2026-") {
			t.Errorf("answer %+v", rec)
		}
		r, err := info.ByID(context.Background(), d, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Attachments) != 2 || r.Attachments[1].Name != "photo.png" || len(r.Items) != 1 || r.Items[0].DomainCode != "21" || r.Validity != info.Valid ||
			!strings.Contains(r.Body, "<p>如有疑问请向社区居委会咨询。</p>") || r.CreatedBy != tok.Actor() {
			t.Errorf("stored record %+v", r)
		}
		if res := e.client().get("/zwgk/info/" + strconv.FormatInt(rec.ID, 10) + "/"); res.StatusCode != http.StatusOK {
			t.Errorf("portal page: %d", res.StatusCode)
		}
		var hits struct{ Total int }
		decode(t, e.client().get("/api/v1/search?q="+url.QueryEscape("海赤街〔2026〕31号")), &hits)
		if hits.Total != 1 {
			t.Errorf("search finds %d records, want 1", hits.Total)
		}
		var actors, notes []string
		rows, _ := d.Query(context.Background(), `SELECT actor, action, detail FROM audit_events WHERE object_id = ? ORDER BY id`, rec.IndexNo)
		for rows.Next() {
			var actor, action, detail string
			rows.Scan(&actor, &action, &detail)
			actors = append(actors, actor+" "+action)
			if action == "info.approved" {
				notes = append(notes, detail)
			}
		}
		rows.Close()
		if len(actors) == 0 || !strings.HasPrefix(actors[len(actors)-1], tok.Actor()+" info.published") {
			t.Errorf("audit: %q, want the last by %s publishing", actors, tok.Actor())
		}
		if len(notes) != 1 || !strings.Contains(notes[0], "published without review by token") {
			t.Errorf("approval recorded as %q", notes)
		}
		if res := e.client().get("/api/v1/openapi.json"); res.StatusCode != http.StatusOK || !json.Valid([]byte(res.Body)) || !strings.Contains(res.Body, `"/api/v1/admin/info"`) {
			t.Errorf("openapi.json: %d", res.StatusCode)
		}
		// GET tells where the record stands.
		if got := recordOf(t, e.api(secret, "GET", "/api/v1/admin/info/"+strconv.FormatInt(rec.ID, 10), nil), http.StatusOK); got != rec {
			t.Errorf("GET: %+v, want %+v", got, rec)
		}
	})
}

// TestAPIReviewAndDrafts: without the right to publish a record goes to
// review; without publish it stays a draft, and PUT replaces a draft in
// place but not a record with its reviewer.
func TestAPIReviewAndDrafts(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		_, secret := e.newToken("440105-001", "街道系统", false)
		body := apiRecordBody("赤岗街道长者饭堂2026年12月菜单")
		body["publish"] = true
		sub := recordOf(t, e.api(secret, "POST", "/api/v1/admin/info", body), http.StatusCreated)
		if sub.Status != "submitted" {
			t.Errorf("status %q, want submitted", sub.Status)
		}
		if res := e.client().get("/zwgk/info/" + strconv.FormatInt(sub.ID, 10) + "/"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a submitted record on the portal: %d", res.StatusCode)
		}
		refused(t, e.api(secret, "PUT", "/api/v1/admin/info/"+strconv.FormatInt(sub.ID, 10), body), http.StatusConflict)
		refused(t, e.api(secret, "POST", "/api/v1/admin/info/"+strconv.FormatInt(sub.ID, 10)+"/withdraw", map[string]string{"reason": "重复"}), http.StatusForbidden)

		delete(body, "publish")
		body["attachments"] = []map[string]string{{"name": "菜单.png", "content_base64": base64.StdEncoding.EncodeToString(pngBytes)}}
		draft := recordOf(t, e.api(secret, "POST", "/api/v1/admin/info", body), http.StatusCreated)
		if draft.Status != "draft" {
			t.Errorf("status %q, want draft", draft.Status)
		}
		body["title"] = "赤岗街道长者饭堂2026年12月菜单（更正）"
		body["attachments"] = []map[string]string{{"name": "菜单更正.png", "content_base64": base64.StdEncoding.EncodeToString(pngBytes)}}
		delete(body, "catalog_items")
		got := recordOf(t, e.api(secret, "PUT", "/api/v1/admin/info/"+strconv.FormatInt(draft.ID, 10), body), http.StatusOK)
		r, _ := info.ByID(context.Background(), d, draft.ID)
		if got.ID != draft.ID || got.IndexNo != draft.IndexNo || r.Title != body["title"] || len(r.Attachments) != 1 || r.Attachments[0].Name != "菜单更正.png" || len(r.Items) != 0 {
			t.Errorf("replaced draft: %+v %+v", got, r)
		}
		body["index_no"] = "440105-001/2026-99999"
		refused(t, e.api(secret, "PUT", "/api/v1/admin/info/"+strconv.FormatInt(draft.ID, 10), body), http.StatusBadRequest)
	})
}

// TestAPINewVersionAndWithdraw: PUT on a published record publishes a new
// record and marks the old one 失效, replaced by it; withdraw takes a
// record off the portal.
func TestAPINewVersionAndWithdraw(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		_, secret := e.newToken("440105-001", "民政业务系统", true)
		body := apiRecordBody("赤岗街道养老服务补贴标准")
		body["publish"] = true
		old := recordOf(t, e.api(secret, "POST", "/api/v1/admin/info", body), http.StatusCreated)
		body["title"] = "赤岗街道养老服务补贴标准（2027年修订）"
		path := "/api/v1/admin/info/" + strconv.FormatInt(old.ID, 10)
		delete(body, "publish")
		if f := refused(t, e.api(secret, "PUT", path, body), http.StatusBadRequest); f["publish"] == "" {
			t.Errorf("a new version without publish: fields %v", f)
		}
		body["publish"] = true
		nv := recordOf(t, e.api(secret, "PUT", path, body), http.StatusCreated)
		if nv.ID == old.ID || nv.Replaces != old.ID || nv.Status != "published" {
			t.Errorf("new version %+v of %+v", nv, old)
		}
		o, _ := info.ByID(context.Background(), d, old.ID)
		if o.Status != info.Published || o.Validity != info.Expired || o.ReplacedBy != nv.IndexNo {
			t.Errorf("old record: %s %s replaced by %q", o.Status, o.Validity, o.ReplacedBy)
		}
		wpath := "/api/v1/admin/info/" + strconv.FormatInt(nv.ID, 10) + "/withdraw"
		if f := refused(t, e.api(secret, "POST", wpath, map[string]string{"reason": " "}), http.StatusBadRequest); f["reason"] == "" {
			t.Errorf("withdraw without a reason: fields %v", f)
		}
		if got := recordOf(t, e.api(secret, "POST", wpath, map[string]string{"reason": "内容有误，重新发布"}), http.StatusOK); got.Status != "withdrawn" {
			t.Errorf("withdrawn: %+v", got)
		}
		if res := e.client().get("/zwgk/info/" + strconv.FormatInt(nv.ID, 10) + "/"); res.StatusCode != http.StatusNotFound {
			t.Errorf("withdrawn record on the portal: %d", res.StatusCode)
		}
		refused(t, e.api(secret, "PUT", "/api/v1/admin/info/"+strconv.FormatInt(nv.ID, 10), body), http.StatusConflict)
	})
}

// TestAPIRefusals: each bad request gets its status and names its field,
// and changes nothing.
func TestAPIRefusals(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, func(c *web.Config) { c.FetchPrivate = true })
		files := fileServer(t)
		_, secret := e.newToken("440105-001", "民政业务系统", true)
		revoked, gone := e.newToken("440105-001", "旧系统", true)
		e.db.InTx(context.Background(), func(tx *db.Tx) error {
			_, err := auth.RevokeToken(context.Background(), tx, "test", nil, strconv.FormatInt(revoked.ID, 10))
			return err
		})
		reviewer := e.asDemo(auth.UnitReviewer)
		before := e.snapshot(t)
		with := func(k string, v any) map[string]any {
			b := apiRecordBody("赤岗街道2026年第四季度高龄老年人津贴发放情况")
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
			return b
		}
		for _, tc := range []struct {
			name  string
			body  any
			field string
		}{
			{"no title", with("title", nil), "title"},
			{"bad date", with("written_date", "2026-02-30"), "written_date"},
			{"bad published date", with("published_date", "明天"), "published_date"},
			{"bad validity", with("validity", "作废"), "validity"},
			{"other unit", with("unit", "440105-002"), "unit"},
			{"unknown field", with("titel", "x"), "titel"},
			{"wrong type", with("publish", "yes"), "publish"},
			{"body twice", with("body", "<p>x</p>"), "body"},
			{"no such item", with("catalog_items", []map[string]string{{"domain": "21", "item": "不存在的事项"}}), "catalog_items[0]"},
			{"item of no catalog", with("catalog_item", "幼儿园名录"), "catalog_item"},
			{"file twice", with("attachments", []map[string]string{{"name": "a.png", "url": files.URL + "/files/photo.png", "content_base64": "AA=="}}), "attachments[0]"},
			{"bad base64", with("attachments", []map[string]string{{"name": "a.png", "content_base64": "***"}}), "attachments[0].content_base64"},
			{"bad type", with("attachments", []map[string]string{{"name": "a.exe", "content_base64": "TVqQAAMAAAAEAAAA"}}), "attachments[0]"},
			{"name lies", with("attachments", []map[string]string{{"name": "a.pdf", "content_base64": base64.StdEncoding.EncodeToString(pngBytes)}}), "attachments[0]"},
			{"missing file", with("attachments", []map[string]string{{"url": files.URL + "/files/none.png"}}), "attachments[0].url"},
			{"ftp", with("attachments", []map[string]string{{"url": "ftp://example.com/a.png"}}), "attachments[0].url"},
			{"taken index", with("index_no", "440105-001/2026-00001"), ""},
		} {
			res := e.api(secret, "POST", "/api/v1/admin/info", tc.body)
			want := http.StatusBadRequest
			if tc.field == "" {
				want = http.StatusConflict
			}
			if f := refused(t, res, want); tc.field != "" && f[tc.field] == "" {
				t.Errorf("%s: fields %v, want %s", tc.name, f, tc.field)
			}
		}
		// Privacy screening: 422 with the findings, in the body and in a
		// file fetched by URL; the personal data is not echoed.
		for _, tc := range []struct {
			body  map[string]any
			where string
		}{
			{with("body_text", "申领人张某，身份证号11010519491231002X。"), "body"},
			{with("attachments", []map[string]string{{"url": files.URL + "/files/list.docx"}}), "attachment"},
		} {
			res := e.api(secret, "POST", "/api/v1/admin/info", tc.body, "Idempotency-Key", "screen-"+tc.where)
			var v struct {
				Error struct {
					Code     string
					Findings []struct{ Where, Kind, Masked, Attachment string }
				}
			}
			json.Unmarshal([]byte(res.Body), &v)
			if res.StatusCode != http.StatusUnprocessableEntity || v.Error.Code != "unprocessable" || len(v.Error.Findings) != 1 ||
				v.Error.Findings[0].Where != tc.where || v.Error.Findings[0].Masked == "" ||
				strings.Contains(res.Body, "11010519491231002X") || strings.Contains(res.Body, "13912345678") {
				t.Errorf("screening %s: %d %s", tc.where, res.StatusCode, res.Body)
			}
		}
		// 415, 401, 404.
		req := func(token, ct string) response {
			r, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/admin/info", strings.NewReader(`{"title":"x"}`))
			r.Header.Set("Content-Type", ct)
			if token != "" {
				r.Header.Set("Authorization", token)
			}
			return e.client().do(r)
		}
		refused(t, req("Bearer "+secret, "text/plain"), http.StatusUnsupportedMediaType)
		for _, h := range []string{"", "Bearer ", "Bearer gk_nothing", "Basic " + secret, "Bearer " + gone, secret} {
			res := req(h, "application/json")
			refused(t, res, http.StatusUnauthorized)
			if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 for %q without a Bearer challenge", h)
			}
		}
		for _, id := range []string{"0", "999999", "abc", "-1"} {
			refused(t, e.api(secret, "GET", "/api/v1/admin/info/"+id, nil), http.StatusNotFound)
			refused(t, e.api(secret, "PUT", "/api/v1/admin/info/"+id, apiRecordBody("x")), http.StatusNotFound)
		}
		// The console's session is no key to the API.
		refused(t, reviewer.sendJSON("POST", "/api/v1/admin/info", apiRecordBody("x")), http.StatusUnauthorized)
		after := e.snapshot(t)
		delete(after, "api_tokens") // last used
		unchanged(t, "refused API requests", before, after)
		if ents, _ := os.ReadDir(e.files); len(ents) != 0 {
			t.Errorf("refused requests stored files: %v", ents)
		}
	})
}

// TestAPIIdempotency: a key sent again gets the first answer and makes no
// second record; the key with another body is refused; a failed request
// saved nothing and its key may be used again.
func TestAPIIdempotency(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		_, secret := e.newToken("440105-001", "民政业务系统", true)
		_, other := e.newToken("440105-001", "另一系统", true)
		body := apiRecordBody("赤岗街道2026年第四季度高龄老年人津贴发放情况")
		body["publish"] = true
		first := e.api(secret, "POST", "/api/v1/admin/info", body, "Idempotency-Key", "erp-2026-0001")
		again := e.api(secret, "POST", "/api/v1/admin/info", body, "Idempotency-Key", "erp-2026-0001")
		if first.StatusCode != http.StatusCreated || again.StatusCode != first.StatusCode || again.Body != first.Body || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay: %d %q, first %d %q", again.StatusCode, again.Body, first.StatusCode, first.Body)
		}
		count := func() int {
			var n int
			d.QueryRow(context.Background(), `SELECT COUNT(*) FROM info_records WHERE title = ?`, body["title"]).Scan(&n)
			return n
		}
		if n := count(); n != 1 {
			t.Errorf("%d records after a replay, want 1", n)
		}
		// Requests racing with one key make one record and all get its answer.
		body["title"] = "赤岗街道2026年12月高龄老年人津贴发放情况"
		answers := make([]response, 12)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Go(func() {
				answers[i] = e.api(secret, "POST", "/api/v1/admin/info", body, "Idempotency-Key", "erp-2026-race")
			})
		}
		wg.Wait()
		for _, a := range answers {
			if a.StatusCode != http.StatusCreated || a.Body != answers[0].Body {
				t.Errorf("racing request: %d %s, first %s", a.StatusCode, a.Body, answers[0].Body)
			}
		}
		if n := count(); n != 1 {
			t.Errorf("%d records after racing requests, want 1", n)
		}
		body["title"] = "赤岗街道2026年第四季度高龄老年人津贴发放情况"
		// Another token's key space is its own.
		recordOf(t, e.api(other, "POST", "/api/v1/admin/info", body, "Idempotency-Key", "erp-2026-0001"), http.StatusCreated)
		body["title"] = "另一条信息"
		refused(t, e.api(secret, "POST", "/api/v1/admin/info", body, "Idempotency-Key", "erp-2026-0001"), http.StatusUnprocessableEntity)
		refused(t, e.api(secret, "POST", "/api/v1/admin/info", body, "Idempotency-Key", "含中文"), http.StatusBadRequest)
		// A refused request saves nothing: the key is free for the fixed one.
		body["written_date"] = "2026-13-01"
		refused(t, e.api(secret, "POST", "/api/v1/admin/info", body, "Idempotency-Key", "erp-2026-0002"), http.StatusBadRequest)
		body["written_date"] = "2026-11-21"
		recordOf(t, e.api(secret, "POST", "/api/v1/admin/info", body, "Idempotency-Key", "erp-2026-0002"), http.StatusCreated)
		if n := count(); n != 1 {
			t.Errorf("%d records of the fixed request, want 1", n)
		}
	})
}

// TestAPIRateLimit: a token is limited on its own, with Retry-After.
func TestAPIRateLimit(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, func(c *web.Config) { c.TokenRate = throttle.Rule{Max: 3, Window: time.Hour} })
		d.SetClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.China) })
		_, a := e.newToken("440105-001", "甲", false)
		_, b := e.newToken("440105-001", "乙", false)
		for i := 0; i < 3; i++ {
			refused(t, e.api(a, "GET", "/api/v1/admin/info/999999", nil), http.StatusNotFound)
		}
		res := e.api(a, "GET", "/api/v1/admin/info/999999", nil)
		refused(t, res, http.StatusTooManyRequests)
		if res.Header.Get("Retry-After") != "3600" {
			t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
		}
		refused(t, e.api(b, "GET", "/api/v1/admin/info/999999", nil), http.StatusNotFound)
	})
}

// TestAPIScope: a token writes its own unit's records only — not another
// unit's, not those of the units under its unit — and links its own
// unit's catalog items only.
func TestAPIScope(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		_, chigang := e.newToken("440105-001", "赤岗系统", true)
		_, xingang := e.newToken("440105-002", "新港系统", true)
		_, haizhu := e.newToken("440105", "海珠区系统", true)
		body := apiRecordBody("赤岗街道2026年第四季度高龄老年人津贴发放情况")
		body["publish"] = true
		rec := recordOf(t, e.api(chigang, "POST", "/api/v1/admin/info", body), http.StatusCreated)
		before := e.snapshot(t)
		path := "/api/v1/admin/info/" + strconv.FormatInt(rec.ID, 10)
		for _, tok := range []string{xingang, haizhu} {
			refused(t, e.api(tok, "GET", path, nil), http.StatusNotFound)
			refused(t, e.api(tok, "PUT", path, body), http.StatusNotFound)
			refused(t, e.api(tok, "POST", path+"/withdraw", map[string]string{"reason": "越权撤回"}), http.StatusNotFound)
			// 赤岗's catalog items are not another unit's to link.
			if f := refused(t, e.api(tok, "POST", "/api/v1/admin/info", body), http.StatusBadRequest); f["catalog_items[0]"] == "" {
				t.Errorf("linking 赤岗's item: fields %v", f)
			}
			b := apiRecordBody("x")
			b["unit"] = "440105-001"
			delete(b, "catalog_items")
			refused(t, e.api(tok, "POST", "/api/v1/admin/info", b), http.StatusBadRequest)
		}
		after := e.snapshot(t)
		delete(after, "api_tokens")
		unchanged(t, "requests of other units' tokens", before, after)
	})
}
